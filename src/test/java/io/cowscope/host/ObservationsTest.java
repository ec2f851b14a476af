package io.cowscope.host;

import org.junit.jupiter.api.Test;

import io.cowscope.host.Observations.PageKey;
import io.cowscope.host.Observations.PageObs;
import io.cowscope.host.Observations.StepObs;

import static org.junit.jupiter.api.Assertions.*;

/** The parser of the probe's output (docs/host.md, "The probe's report"). */
class ObservationsTest {

    static final String OUTPUT = String.join("\n",
            "hello kernel=6.18.44-x root=1 pfn=1 kpage=1 swap=on softdirty=0 thp=madvise cpus=2",
            "step 0 ok flt=? maj=?",
            "proc 0 alive 100",
            "pipe 0",
            "end 0",
            "step 3 ok flt=1 maj=1",
            "val A",
            "val %",
            "proc 0 alive 100",
            "proc 1 killed 101",
            "page 0 0 0 pm=810000000022d6ba kc=1 kf=400005808 vma=w c=A%20b",
            "page 0 0 1 pm=4000000000000020 kc=- kf=- vma=w c=?",
            "page 0 0 2 pm=0 kc=- kf=- vma=- c=?",
            "pipe 0 x y",
            "handle 0 ?",
            "file 0 1 root:x",
            "end 3",
            "step 4 err=EFAULT flt=0 maj=0",
            "end 4",
            "step 5 skipped=pin flt=? maj=?",
            "end 5",
            "bye", "");

    @Test
    void parsesEveryLine() {
        Observations o = Observations.parse(OUTPUT);
        assertEquals("6.18.44-x", o.hello().kernel());
        assertTrue(o.hello().root() && o.hello().pfns() && o.hello().kpage());
        assertFalse(o.hello().softDirty());
        assertTrue(o.hello().swapAvailable());
        assertEquals(2, o.hello().cpus());
        assertEquals(4, o.steps().size());
        StepObs s0 = o.steps().get(0);
        assertNull(s0.faults(), "flt=? is unknown");
        assertEquals(java.util.List.of(), s0.pipes().get(0));
        StepObs s = o.steps().get(1);
        assertEquals(3, s.id());
        assertEquals("ok", s.outcome());
        assertEquals(2, s.faults(), "minor + major");
        assertEquals(java.util.List.of("A", ""), s.values());
        assertEquals("killed", s.procs().get(1));
        PageObs p = s.pages().get(new PageKey(0, 0, 0));
        assertTrue(p.present());
        assertTrue(p.bit(PageObs.EXCLUSIVE));
        assertEquals(0x22d6baL, p.frame());
        assertEquals(1, p.kpagecount());
        assertTrue(p.flag(PageObs.KPF_ANON));
        assertFalse(p.flag(PageObs.KPF_LRU));
        assertEquals("A b", p.content());
        PageObs sw = s.pages().get(new PageKey(0, 0, 1));
        assertTrue(sw.swapped() && !sw.present());
        assertEquals(-1, sw.kpagecount());
        assertFalse(sw.flagsKnown());
        assertNull(sw.content());
        assertEquals('-', s.pages().get(new PageKey(0, 0, 2)).vma());
        assertEquals(java.util.List.of("x", "y"), s.pipes().get(0));
        assertNull(s.handles().get(0), "? = unknown");
        assertEquals("root:x", s.files().get("0:1"));
        assertEquals("err", o.steps().get(2).outcome());
        assertEquals("EFAULT", o.steps().get(2).detail());
        assertEquals("skipped", o.steps().get(3).outcome());
        assertEquals("pin", o.steps().get(3).detail());
    }

    @Test
    void theProbesErrorLineIsKept() {
        assertEquals("the first line must be 'probe 1'", Observations.parse("error the first line must be 'probe 1'\n").error());
    }

    @Test
    void anUnknownLineNamesItself() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Observations.parse("hello kernel=x\nbogus 1\n"));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("bogus 1"), e.getMessage());
    }
}
