package io.cowscope.engine;

import io.cowscope.engine.op.*;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The public API around the rules: rule table, steps, events, deltas, sources, snapshots, errors. */
class EngineApiTest {

    @Test
    void ruleTableAndBisect() {
        Rules r59 = Rules.of(KernelVersion.parse("5.9").orElseThrow());
        assertTrue(r59.inForce(Rule.PAGE_COUNT_REUSE));
        assertFalse(r59.inForce(Rule.MAPCOUNT_REUSE));
        assertEquals(15, r59.lruBatchCapacity());
        assertEquals(14, Rules.of(KernelVersion.OLDEST).lruBatchCapacity());
        assertEquals(31, Rules.of(KernelVersion.LATEST).lruBatchCapacity());
        var diff = Rules.differences(KernelVersion.parse("5.8").orElseThrow(), KernelVersion.parse("5.9").orElseThrow());
        assertTrue(diff.stream().anyMatch(d -> d.rule() == Rule.PAGE_COUNT_REUSE && !d.inA() && d.inB()));
        assertTrue(diff.stream().anyMatch(d -> d.rule() == Rule.GUP_FORCE_COW_BREAK && d.inA() && !d.inB()));
        assertEquals(KernelVersion.parse("5.9").orElseThrow(), Rules.nextChange(KernelVersion.parse("5.8").orElseThrow()));
        assertEquals("PAGE_COUNT_REUSE since 5.9 (09854ba94c6a)", Rule.PAGE_COUNT_REUSE.cite());
        for (Rule rule : Rule.values()) assertNotNull(rule.description);
        assertThrows(IllegalArgumentException.class, () -> Rules.of(new KernelVersion(4, 7)));
    }

    @Test
    void decisionEventNamesRuleFunctionAndValues() {
        Script s = new Script("5.10").run("process parent", "parent: buf = mmap 1", "parent: write buf \"A\"", "parent: fork child",
                "child: vmsplice buf into p", "child: munmap buf", "lru_drain", "parent: write buf \"B\"");
        Event cow = s.last().events().stream().filter(e -> e.type() == EventType.COW).findFirst().orElseThrow();
        assertEquals(Rule.PAGE_COUNT_REUSE, cow.rule());
        assertEquals("wp_page_copy", cow.function());
        assertTrue(cow.text().contains("page_count 2 = 1 mapping + 1 pipe ≠ 1"), cow.text());
        assertTrue(cow.text().contains("09854ba94c6a"));
        assertEquals(2, cow.values().get("page_count"));
        List<String> fns = s.last().kernelSteps().stream().map(KernelStep::function).toList();
        assertEquals(List.of("handle_mm_fault", "do_wp_page", "wp_page_copy"), fns.subList(0, 3));
        assertEquals(1, s.last().kernelSteps().get(1).depth());
        Event fault = s.last().events().get(0);
        assertEquals(EventType.FAULT, fault.type());
        assertEquals("write", fault.kind());
    }

    @Test
    void refcountIsASumOfSources() {
        Script s = new Script(MachineConfig.defaults(KernelVersion.LATEST).withCpus(2)).run("process p", "p: buf = mmap 1",
                "p: write buf \"A\"", "p: pin buf rw as h", "p: vmsplice buf into pp", "p: fork c");
        PageView pg = s.page("p.buf[0]");
        int sum = pg.sources().stream().mapToInt(RefSource::count).sum();
        assertEquals(pg.refcount(), sum);
        List<String> kinds = pg.sources().stream().map(RefSource::kind).sorted().toList();
        assertEquals(List.of("lru_batch", "mapping", "pin", "pipe"), kinds, pg.sources().toString());
        assertEquals(1 + 1024 + 1 + 1, pg.refcount());
        assertTrue(pg.anonExclusive(), "pinned: FORK_EARLY_COW gave the child a copy");
    }

    @Test
    void bulkOperationsAreBounded() {
        Script s = new Script("6.18");
        s.checkInvariants = false;
        s.run("process p", "p: buf = mmap 65536", "p: write buf \"A\"");
        Step st = s.last();
        assertEquals(65536, st.count(EventType.FAULT));
        assertTrue(st.events().size() <= StepLog.MAX_EVENTS + 64);
        assertTrue(st.kernelSteps().size() <= StepLog.MAX_KSTEPS);
        assertTrue(st.eventsTruncated());
        assertTrue(st.delta().truncated());
        assertEquals(65536, st.delta().createdCount());
        assertTrue(st.delta().created().size() <= Delta.LIMIT);
        assertEquals(List.of(new Delta.PteRange("p", "buf", 0, 65535)), st.delta().pteRanges());
        s.run("p: read buf");
        assertEquals(1, s.last().value().runs().size());
        assertTrue(s.last().value().allEqual("A"));
        assertEquals(65536, s.last().value().pages());
        assertEquals("wwww", s.o.pteStrip("p", "buf", 0, 3));
        Snapshot snap = s.m.snapshot(new Snapshot.Window("p", "buf", 100, 199, 4096));
        Snapshot.VmaView v = snap.processes().get(0).vmas().get(0);
        assertEquals(100, v.ptes().size());
        assertEquals(100, v.ptesFirst());
        assertEquals(65536, v.counts().present());
        int batch = snap.lruBatches().get(0).pfns().size();
        assertEquals(65536 % 31, batch);
        assertEquals(100 + batch, snap.pages().size(), "the window's pages plus the holders' pages");
    }

    @Test
    void readValuesAreRunLengthAndBounded() {
        Machine m = new Machine(MachineConfig.defaults(KernelVersion.LATEST));
        m.apply(new Spawn("p"));
        m.apply(new ProcessOp("p", new ProcOp.Mmap("b", 10_000, null, false, Prot.RW, false, false)));
        for (int i = 0; i < 10_000; i += 2) m.apply(new ProcessOp("p", new ProcOp.Write(Target.page("b", i), "x")));
        ReadValue v = m.apply(new ProcessOp("p", new ProcOp.Read(Target.whole("b")))).value();
        assertEquals(10_000, v.pages());
        assertTrue(v.truncated());
        assertEquals(ReadValue.MAX_RUNS, v.runs().size());
        assertFalse(v.allEqual("x"));
        assertNull(v.uniform());
        ReadValue w = m.apply(new ProcessOp("p", new ProcOp.Read(Target.range("b", 0, 0)))).value();
        assertTrue(w.allEqual("x"));
        assertEquals("x", w.text());
    }

    @Test
    void deltaHasBeforeAndAfter() {
        Script s = new Script("6.18").run("process p", "p: buf = mmap 2", "p: write buf[1] \"A\"");
        Delta d = s.last().delta();
        assertEquals(1, d.ptes().size());
        Delta.PteChange c = d.ptes().get(0);
        assertEquals(1, c.index());
        assertFalse(c.before().present());
        assertTrue(c.after().present() && c.after().write());
        assertEquals(List.of(c.after().pfn()), d.created());
        assertFalse(d.truncated());
    }

    @Test
    void runtimeProblemsBecomeStepErrors() {
        Machine m = new Machine(MachineConfig.defaults(KernelVersion.LATEST));
        assertNotNull(m.apply(new ProcessOp("ghost", new ProcOp.Exit())).error());
        m.apply(new Spawn("p"));
        assertNotNull(m.apply(new Spawn("p")).error());
        assertNotNull(m.apply(new ProcessOp("p", new ProcOp.Read(Target.whole("nope")))).error());
        m.apply(new ProcessOp("p", new ProcOp.Mmap("b", 2, null, false, Prot.RW, false, false)));
        assertNotNull(m.apply(new ProcessOp("p", new ProcOp.Write(Target.page("b", 2), "x"))).error());
        assertNotNull(m.apply(new GlobalOp.DmaRead("h")).error());
        m.apply(new ProcessOp("p", new ProcOp.Pin(Target.whole("b"), false, false, false, "h")));
        assertNotNull(m.apply(new ProcessOp("p", new ProcOp.Put("h"))).error(), "a pin handle is released by unpin");
        assertNull(m.apply(new ProcessOp("p", new ProcOp.Unpin("h"))).error());
        assertNotNull(m.apply(new ProcessOp("p", new ProcOp.Unpin("h"))).error(), "released");
        m.apply(new ProcessOp("p", new ProcOp.Exit()));
        Step s = m.apply(new ProcessOp("p", new ProcOp.Read(Target.whole("b"))));
        assertTrue(s.error().contains("exited"), s.error());
        assertNotNull(m.apply(null).error());
        assertTrue(m.apply(new ProcessOp("p", new ProcOp.Write(null, "x"))).error().startsWith("process p has exited"));
        m.apply(new Spawn("q"));
        assertTrue(m.apply(new ProcessOp("q", new ProcOp.Write(null, "x"))).error().startsWith("malformed"));
        assertTrue(m.checkInvariants().isEmpty());
    }

    @Test
    void pagemapWordAndThpExclusiveRule() {
        for (String v : new String[]{"6.10", "6.12", "6.18"}) {
            Script s = new Script(v).run("process parent", "parent: buf = mmap 2M hugepage", "parent: write buf \"A\"",
                    "parent: fork child", "child: write buf[0] \"B\"");
            // the parent's PMD maps a folio whose subpages 1..511 are also PTE-mapped by the child
            Pagemap head = s.pagemap("parent.buf[0]"), sub = s.pagemap("parent.buf[1]");
            assertTrue(head.present());
            assertEquals(s.page("parent.buf[0]").pfn(), head.pfnOrSwap());
            boolean perSubpage = v.equals("6.12");
            assertTrue(head.exclusive(), v);
            assertEquals(!perSubpage, sub.exclusive(), v + ": subpage 1 " + (perSubpage ? "uses its own mapcount 2" : "reports the head's mapcount 1"));
        }
        Script z = new Script("6.18").run("process p", "p: buf = mmap 1", "p: read buf");
        Pagemap pm = z.pagemap("p.buf[0]");
        assertTrue(pm.present());
        assertFalse(pm.file() || pm.exclusive());
        assertTrue(pm.softDirty(), "a fresh VMA has VM_SOFTDIRTY");
        assertEquals(Pagemap.PRESENT | Pagemap.SOFT_DIRTY, pm.word());
    }

    @Test
    void observerHasNoSideEffects() {
        Script s = new Script("5.10").run("process p", "p: buf = mmap 4", "p: write buf[0] \"A\"", "p: madvise buf pageout");
        Snapshot before = s.m.snapshot();
        Observer o = s.o;
        for (int i = 0; i < 4; i++) {
            o.content("p", "buf", i);
            o.pagemap("p", "buf", i);
            o.page("p", "buf", i);
            o.pte("p", "buf", i);
        }
        o.stats();
        assertEquals(before, s.m.snapshot());
        assertEquals("A", o.content("p", "buf", 0));
        assertEquals("", o.content("p", "buf", 1));
        assertThrows(IllegalArgumentException.class, () -> o.content("p", "nope", 0));
    }

    @Test
    void timelineGoesBackAndForward() {
        Timeline tl = new Timeline(MachineConfig.defaults(KernelVersion.LATEST), 4);
        tl.append(new Spawn("p"));
        tl.append(new ProcessOp("p", new ProcOp.Mmap("b", 1, null, false, Prot.RW, false, false)));
        for (int i = 0; i < 20; i++) tl.append(new ProcessOp("p", new ProcOp.Write(Target.whole("b"), "v" + i)));
        assertEquals("v19", tl.observe().content("p", "b", 0));
        tl.goTo(5);
        assertEquals("v2", tl.observe().content("p", "b", 0));
        tl.back();
        assertEquals("v1", tl.observe().content("p", "b", 0));
        tl.forward();
        tl.forward();
        assertEquals("v3", tl.observe().content("p", "b", 0));
        tl.append(new ProcessOp("p", new ProcOp.Write(Target.whole("b"), "branch")));
        assertEquals(7, tl.size());
        assertEquals("branch", tl.observe().content("p", "b", 0));
        tl.goTo(0);
        assertThrows(IllegalArgumentException.class, () -> tl.observe().content("p", "b", 0));
    }

    @Test
    void timelineKeepsCheckpointsWithinBudget() {
        Timeline tl = new Timeline(MachineConfig.defaults(KernelVersion.LATEST), 2, 200_000);
        tl.append(new Spawn("p"));
        tl.append(new ProcessOp("p", new ProcOp.Mmap("b", 4096, null, false, Prot.RW, false, false)));
        for (int i = 0; i < 100; i++) tl.append(new ProcessOp("p", new ProcOp.Write(Target.page("b", i), "v" + i)));
        assertTrue(tl.interval() > 2, "interval doubled to stay within the budget");
        assertTrue(tl.checkpointCount() < 51);
        tl.goTo(57);
        assertEquals("v54", tl.observe().content("p", "b", 54));
        assertEquals("", tl.observe().content("p", "b", 55));
        tl.goTo(tl.size());
        assertEquals("v99", tl.observe().content("p", "b", 99));
    }

    @Test
    void hooksRunOnceAtGupRetry() {
        Script s = new Script("5.10").run("process p", "p: f = mmap 1", "on gup_retry: p: madvise f dontneed",
                "p: pin f as h");
        assertTrue(s.last().events().stream().anyMatch(e -> "hook".equals(e.kind())));
        s.run("p: unpin h", "p: pin f as h2");
        assertTrue(s.last().events().stream().noneMatch(e -> "hook".equals(e.kind())), "one-shot");
    }
}
