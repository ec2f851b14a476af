package io.cowscope.host;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.cowscope.scenario.Scenario;
import io.cowscope.scenario.ScenarioLanguage;

import static org.junit.jupiter.api.Assertions.*;

/** The scenario to probe-script translation (docs/host.md, "The probe script"). */
class ProbeScriptTest {

    static Scenario parse(String text) {
        ScenarioLanguage.Checked c = ScenarioLanguage.check(text);
        assertTrue(c.ok(), () -> "scenario errors: " + c.diagnostics());
        return c.scenario();
    }

    static List<String> steps(ProbeScript s) {
        return s.text().lines().filter(l -> l.startsWith("step ")).toList();
    }

    @Test
    void namesBecomeIndexesAndEveryOperationAStep() {
        ProbeScript s = ProbeScript.of(parse(String.join("\n",
                "file f 2 \"hello world\"",
                "swap off",
                "cpus 2",
                "process parent",
                "parent: buf = mmap 3",
                "parent: m = mmap 2 file f shared ro populate",
                "parent: write buf[1..2] \"A\"",
                "expect parent.buf[1] == \"A\"",
                "parent: fork child",
                "child: vmsplice buf[0] into p",
                "child: read p",
                "child: io_uring_register buf as h",
                "dma h read",
                "child: unpin h",
                "parent: madvise buf pageout",
                "parent: mprotect buf[0] ro",
                "parent: poke child buf[2] \"x y\"",
                "child: cpu 1",
                "lru_drain",
                "ksmd 2",
                "child: exit", "")), HostLimits.DEFAULT);
        String t = s.text();
        assertTrue(t.startsWith("probe 1\nprocs 2\npipes 1\nhandles 1\n"), t);
        assertTrue(t.contains("file 0 2 hello%20world\n"), t);
        assertTrue(t.contains("mapping 0 3\nmapping 1 2\n"), t);
        assertTrue(t.contains("swap off\nthp madvise\n"), t);
        assertEquals(List.of(
                "step 0 spawn 0",
                "step 1 0 mmap 0 anon private rw 0 0",
                "step 2 0 mmap 1 0 shared ro 0 1",
                "step 3 0 write 0 1 2 A",
                "step 5 0 fork 1",
                "step 6 1 vmsplice 0 0 1 0",
                "step 7 1 readpipe 0",
                "step 8 1 uring 0 0 3 0",
                "step 9 dmaread 0",
                "step 10 1 unuring 0",
                "step 11 0 madvise 0 0 3 pageout",
                "step 12 0 mprotect 0 0 1 ro",
                "step 13 0 poke 1 0 2 1 x%20y",
                "step 14 1 cpu 1",
                "step 15 lru_drain",
                "step 16 ksmd 2",
                "step 17 1 exit"), steps(s));
        assertEquals(List.of("parent", "child"), s.processes());
        assertEquals(0, s.slot("child", "buf"), "the child inherits the parent's slot");
        assertEquals(-1, s.slot("child", "nope"));
        assertTrue(s.skipped().isEmpty());
        assertEquals(List.of(0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17), s.steps(), "step ids are statement indexes");
    }

    @Test
    void operationsWithoutUserSpaceTriggerAreSkippedByName() {
        ProbeScript s = ProbeScript.of(parse(String.join("\n",
                "process p",
                "p: a = mmap 1",
                "p: pin a as h",
                "p: get a as g",
                "p: odirect_read a as o",
                "p: uffd_register a",
                "reclaim",
                "p: pin a rw longterm as l",
                "p: put g", "")), HostLimits.DEFAULT);
        List<String> st = steps(s);
        assertEquals("step 2 skip pin", st.get(2));
        assertEquals("step 3 skip get", st.get(3));
        assertEquals("step 4 skip odirect_read", st.get(4));
        assertEquals("step 5 0 uffd_register 0 0 1", st.get(5), "userfaultfd write-protect runs natively");
        assertEquals("step 6 skip reclaim", st.get(6));
        assertEquals("step 7 0 uring 0 0 1 0", st.get(7), "pin rw longterm is an io_uring fixed buffer");
        assertEquals("step 8 skip put", st.get(8));
        assertTrue(s.skipped().get(2).startsWith("pin: "), s.skipped().toString());
        assertEquals(5, s.skipped().size());
    }

    @Test
    void limitsAreNamedWithTheLine() {
        HostLimits small = new HostLimits(4, 3, 2, 5, java.time.Duration.ofSeconds(1));
        HostLimitException e = assertThrows(HostLimitException.class,
                () -> ProbeScript.of(parse("process p\np: a = mmap 4\n"), small));
        assertTrue(e.getMessage().contains("3 pages per mapping") && e.getMessage().contains("line 2:"), e.getMessage());
        e = assertThrows(HostLimitException.class, () -> ProbeScript.of(parse("process p\np: a = mmap 3\np: b = mmap 2\n"), small));
        assertTrue(e.getMessage().contains("4 pages mapped in total") && e.getMessage().contains("line 3:"), e.getMessage());
        e = assertThrows(HostLimitException.class, () -> ProbeScript.of(parse("process p\np: fork a\np: fork b\n"), small));
        assertTrue(e.getMessage().contains("at most 2 processes") && e.getMessage().contains("line 3:"), e.getMessage());
        e = assertThrows(HostLimitException.class, () -> ProbeScript.of(parse("process p\np: a = mmap 1\n"
                + "p: read a\n".repeat(5)), small));
        assertTrue(e.getMessage().contains("5 operation steps"), e.getMessage());
    }

    @Test
    void textEncodingRoundTrips() {
        for (String s : List.of("", "A", "a b", "100%", "tab\there", "line\nbreak", "ünï", "%41")) {
            String enc = ProbeScript.encode(s);
            assertFalse(enc.contains(" ") || enc.contains("\n") || enc.isEmpty(), enc);
            assertEquals(s, ProbeScript.decode(enc), enc);
        }
        assertEquals("%", ProbeScript.encode(""));
        assertEquals("a%20b", ProbeScript.encode("a b"));
    }
}
