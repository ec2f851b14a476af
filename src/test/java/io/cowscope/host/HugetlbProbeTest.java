package io.cowscope.host;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** hugetlb on the host side: the probe script's mmap field and reservation line, the hello's hugetlb=. */
class HugetlbProbeTest {

    @Test
    void theScriptMapsWithMapHugetlbAndReservesACopyPerProcess() {
        ProbeScript s = ProbeScript.of(ProbeScriptTest.parse("process p\np: a = mmap 4M hugetlb\np: b = mmap 2M hugepage\np: fork c\n"),
                HostLimits.DEFAULT);
        // 2 huge pages × (2 processes + 1)
        assertTrue(s.text().contains("\nhugetlb 6\n"), s.text());
        assertTrue(s.text().matches("(?s).*step \\d+ 0 mmap 0 anon private rw 2 0\n.*"), s.text());
        assertTrue(s.text().matches("(?s).*step \\d+ 0 mmap 1 anon private rw 1 0\n.*"), "THP stays HUGE 1: " + s.text());
        ProbeScript none = ProbeScript.of(ProbeScriptTest.parse("process p\np: a = mmap 2M hugepage\n"), HostLimits.DEFAULT);
        assertFalse(none.text().contains("hugetlb"), "no reservation without hugetlb mappings");
    }

    @Test
    void theHelloSaysWhetherThePagesWereReserved() {
        assertEquals("failed", Observations.parse("hello kernel=6.18.44-x root=0 pfn=0 kpage=0 swap=off softdirty=0 thp=madvise cpus=2 fa=65536 mthp=- hugetlb=failed\nbye\n")
                .hello().hugetlb());
        assertEquals("-", Observations.parse("hello kernel=6.18.44-x root=1 pfn=1 kpage=1 swap=on softdirty=0 thp=madvise cpus=2 fa=65536 mthp=-\nbye\n")
                .hello().hugetlb(), "an older probe: nothing asked");
    }
}
