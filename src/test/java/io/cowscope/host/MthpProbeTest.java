package io.cowscope.host;

import org.junit.jupiter.api.Test;

import io.cowscope.engine.KernelVersion;

import static org.junit.jupiter.api.Assertions.*;

/** The mthp header on the host side: the probe script's line, the hello's mthp=, the model configured as the header says. */
class MthpProbeTest {

    @Test
    void theScriptCarriesEverySizeInSourceOrder() {
        ProbeScript s = ProbeScript.of(ProbeScriptTest.parse("thp never\nmthp 64K always\nmthp 1M inherit\nprocess p\np: a = mmap 16\np: write a[0] \"A\"\n"),
                HostLimits.DEFAULT);
        assertTrue(s.text().contains("\nthp never\nmthp 64:always 1024:inherit\n"), s.text());
        ProbeScript none = ProbeScript.of(ProbeScriptTest.parse("process p\n"), HostLimits.DEFAULT);
        assertFalse(none.text().contains("mthp"), "no line without mthp in the header");
    }

    @Test
    void theHelloSaysWhetherTheSizesWereSet() {
        assertEquals("set", Observations.parse("hello kernel=6.18.44-x root=1 pfn=1 kpage=1 swap=on softdirty=0 thp=madvise cpus=2 fa=65536 mthp=set\nbye\n")
                .hello().mthp());
        assertEquals("-", Observations.parse("hello kernel=6.18.44-x root=1 pfn=1 kpage=1 swap=on softdirty=0 thp=madvise cpus=2\nbye\n").hello().mthp(),
                "an older probe: nothing asked");
    }

    @Test
    void theModelKeepsTheHeadersSizesOnTheHost() {
        Observations.Hello hello = Observations.parse("hello kernel=6.18.44-x root=1 pfn=1 kpage=1 swap=on softdirty=0 thp=madvise cpus=2 fa=65536 mthp=set\nbye\n").hello();
        var c = HostRun.modelConfig(ProbeScriptTest.parse("mthp 16K madvise\nprocess p\n"), KernelVersion.LATEST, hello);
        assertEquals(1 << 2, c.mthp().madvise());
    }
}
