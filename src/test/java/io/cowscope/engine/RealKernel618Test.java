package io.cowscope.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** kernel-model.md §9: what a real 6.18.44 kernel showed, reproduced at 6.18 (2 CPUs, processes on cpu0 unless moved). */
class RealKernel618Test {

    private static Script s() {
        return new Script(MachineConfig.defaults(KernelVersion.LATEST).withCpus(2));
    }

    @Test
    void basicCow() {
        Script s = s().run("process parent", "parent: buf = mmap 1", "parent: write buf \"A\"", "parent: fork child");
        long frame = s.page("parent.buf[0]").pfn();
        assertTrue(s.shares("parent.buf[0]", "child.buf[0]"));
        assertEquals(2, s.page("parent.buf[0]").mapcount());
        assertFalse(s.pagemap("parent.buf[0]").exclusive());
        assertFalse(s.page("parent.buf[0]").anonExclusive());
        s.run("child: write buf \"B\"");
        assertNotEquals(frame, s.page("child.buf[0]").pfn(), "the child's write copies to a new frame");
        assertEquals(frame, s.page("parent.buf[0]").pfn());
        assertEquals(1, s.page("parent.buf[0]").mapcount());
        assertTrue(s.pagemap("parent.buf[0]").exclusive());
        assertFalse(s.page("parent.buf[0]").anonExclusive());
        s.run("parent: write buf \"C\"");
        assertEquals(1, s.count(EventType.FAULT));
        assertEquals(1, s.count(EventType.REUSE));
        assertEquals(frame, s.page("parent.buf[0]").pfn());
        assertTrue(s.page("parent.buf[0]").anonExclusive());
    }

    @Test
    void zeroPage() {
        Script s = s().run("process p", "p: buf = mmap 1", "p: read buf");
        PageView z = s.page("p.buf[0]");
        assertTrue(z.zero());
        assertEquals(0, z.mapcount());
        assertFalse(z.anon());
        s.run("p: write buf \"A\"");
        assertFalse(s.page("p.buf[0]").zero());
        assertEquals(1, s.count(EventType.COW), "the write fault on the zero-page PTE allocates through wp_page_copy");
        assertEquals("zero", s.last().events().stream().filter(e -> e.type() == EventType.COW).findFirst().orElseThrow().kind());
        Script t = s().run("process p", "p: buf = mmap 1", "p: read buf", "p: fork c", "p: write buf \"P\"");
        assertEquals(1, t.count(EventType.COW) + t.count(EventType.ALLOC));
        t.run("c: write buf \"C\"");
        assertFalse(t.shares("p.buf[0]", "c.buf[0]"), "each process's first write allocates its own page");
        assertEquals(2, t.o.stats().pages());
    }

    @Test
    void vmspliceSteps() {
        Script s = s().run("process parent", "parent: buf = mmap 1", "parent: write buf \"A\"", "parent: fork child",
                "child: vmsplice buf into p");
        assertTrue(s.shares("parent.buf[0]", "child.buf[0]"), "vmsplice does not copy");
        assertEquals(2, s.page("child.buf[0]").mapcount());
        s.run("child: munmap buf");
        assertEquals(1, s.page("parent.buf[0]").mapcount());
        assertTrue(s.pagemap("parent.buf[0]").exclusive());
        s.run("parent: write buf \"B\"");
        s.assertEvent(EventType.COW, true, "mapcount 1 and bit 56 = 1, but the pipe holds a reference");
        s.run("child: read p");
        assertEquals("A", s.lastValue());
        assertFalse(s.hazard(HazardType.LEAK));
    }

    @Test
    void ioUringThenFork() {
        Script s = s().run("process parent", "parent: buf = mmap 1", "parent: write buf \"A\"", "parent: io_uring_register buf as h");
        long frame = s.page("parent.buf[0]").pfn();
        s.run("parent: fork child");
        assertFalse(s.shares("parent.buf[0]", "child.buf[0]"), "the child has a different frame right after fork");
        assertEquals(frame, s.page("parent.buf[0]").pfn());
        s.run("parent: write buf \"B\"");
        assertEquals(0, s.count(EventType.FAULT));
        s.run("dma h read");
        assertEquals("B", s.lastValue());
    }

    @Test
    void mprotectRoRwWriteWithAndWithoutPin() {
        for (boolean pin : new boolean[]{false, true}) {
            Script s = s().run("process p", "p: buf = mmap 1", "p: write buf \"A\"");
            if (pin) s.run("p: pin buf rw longterm as h");
            long frame = s.page("p.buf[0]").pfn();
            s.run("p: mprotect buf ro", "p: mprotect buf rw", "p: write buf \"B\"");
            assertEquals(0, s.count(EventType.FAULT), "no fault (pin " + pin + ")");
            assertEquals(frame, s.page("p.buf[0]").pfn());
            if (pin) {
                s.run("dma h read");
                assertEquals("B", s.lastValue());
            }
        }
    }

    @Test
    void dontforkAndWipeonfork() {
        Script s = s().run("process p", "p: a = mmap 1", "p: write a \"A\"", "p: madvise a dontfork", "p: fork c");
        assertFalse(s.pte("c.a[0]").vma(), "the child has no VMA there");
        s.run("c: read a");
        s.assertEvent(EventType.SIGSEGV, true, "read without a VMA");
        assertEquals(ProcState.KILLED, s.o.processState("c"));
        Script t = s().run("process p", "p: b = mmap 1", "p: write b \"B\"", "p: madvise b wipeonfork", "p: fork c");
        assertTrue(t.pte("c.b[0]").vma());
        t.run("c: read b");
        assertEquals("", t.lastValue());
        assertTrue(t.o.zero("c", "b", 0));
    }

    @Test
    void ksm() {
        Script s = s().run("process a", "a: x = mmap 2", "a: write x \"same\"", "a: madvise x mergeable");
        long second = s.page("a.x[1]").pfn();
        s.run("ksmd 2");
        assertTrue(s.shares("a.x[0]", "a.x[1]"));
        PageView k = s.page("a.x[0]");
        assertEquals(second, k.pfn(), "the second page's frame");
        assertTrue(k.anon() && k.ksm());
        assertEquals(2, k.mapcount());
        s.run("a: write x[0] \"new\"");
        s.assertEvent(EventType.COW, true, "write copies");
        assertEquals(1, s.page("a.x[1]").mapcount());
        s.run("a: write x[1] \"again\"");
        s.assertEvent(EventType.COW, true, "a write to the KSM page with mapcount 1 still copies");
    }

    @Test
    void swap() {
        Script s = s().run("process p", "p: buf = mmap 1", "p: write buf \"A\"");
        long frame = s.page("p.buf[0]").pfn();
        s.run("p: madvise buf pageout");
        Pagemap pm = s.pagemap("p.buf[0]");
        assertFalse(pm.present());
        assertTrue(pm.swapped());
        PageView cached = s.o.pageByPfn(frame);
        assertTrue(cached.swapcache());
        assertEquals(0, cached.mapcount());
        s.run("p: read buf");
        assertEquals(frame, s.page("p.buf[0]").pfn(), "the same frame comes back");
        assertTrue(s.page("p.buf[0]").anonExclusive());
        s.run("p: write buf \"B\"");
        assertEquals(0, s.count(EventType.FAULT), "the following write takes no fault");

        Script t = s().run("process parent", "parent: buf = mmap 1", "parent: write buf \"A\"", "parent: madvise buf pageout",
                "parent: fork child", "parent: read buf");
        assertFalse(t.page("parent.buf[0]").anonExclusive(), "swapped out before fork: comes back shared, not exclusive");
        t.run("parent: write buf \"B\"");
        t.assertEvent(EventType.COW, true, "the parent's write copies");
        t.run("child: read buf");
        assertEquals("A", t.lastValue());

        Script u = s().run("process parent", "parent: buf = mmap 1", "parent: write buf \"A\"", "parent: fork child",
                "parent: madvise buf pageout");
        assertFalse(u.o.swapped("parent", "buf", 0), "MADV_PAGEOUT skips a page mapped by two processes");
        assertTrue(u.pagemap("parent.buf[0]").present());
    }

    @Test
    void thp() {
        Script s = s().run("process parent", "parent: buf = mmap 2M hugepage", "parent: write buf \"A\"", "parent: fork child",
                "child: write buf[0] \"B\"");
        assertEquals(1, s.count(EventType.SPLIT), "only the child's PMD is split");
        assertEquals(1, s.count(EventType.COW));
        assertTrue(s.pte("parent.buf[0]").pmd());
        assertFalse(s.pte("child.buf[0]").pmd());
        assertFalse(s.page("child.buf[0]").thp(), "one 4 KiB page copied");
        for (int i = 1; i < 512; i += 51) assertTrue(s.shares("parent.buf[" + i + "]", "child.buf[" + i + "]"));
        s.run("child: exit", "parent: write buf[7] \"C\"");
        s.assertEvent(EventType.REUSE, true, "after the child exits the parent's write reuses");
        assertEquals(0, s.count(EventType.COW));
    }

    @Test
    void cpuMigrationCopiesThroughRemoteBatch() {
        // the page waits in cpu0's batch; the parent runs on cpu1 when it writes after the child exited
        Script s = s().run("process parent", "parent: buf = mmap 1", "parent: write buf \"A\"", "parent: cpu 1", "parent: fork child",
                "child: write buf \"B\"", "child: exit", "parent: write buf \"C\"");
        s.assertEvent(EventType.COW, true, "a reference from another CPU's LRU batch");
        Script t = s().run("process parent", "parent: buf = mmap 1", "parent: write buf \"A\"", "parent: fork child",
                "child: write buf \"B\"", "child: exit", "parent: write buf \"C\"");
        t.assertEvent(EventType.REUSE, true, "pinned to cpu0: the local drain removes the batch reference");
    }

    @Test
    void softDirtyOff() {
        Script s = new Script(MachineConfig.defaults(KernelVersion.LATEST).withSoftDirty(false)).run("process p", "p: buf = mmap 1",
                "p: write buf \"A\"");
        assertFalse(s.pagemap("p.buf[0]").softDirty(), "bit 55 is always 0 without CONFIG_MEM_SOFT_DIRTY");
        s.run("p: clear_refs");
        assertTrue(s.pte("p.buf[0]").write(), "clear_refs 4 does nothing");
        s.run("p: write buf \"B\"");
        assertEquals(0, s.count(EventType.FAULT));
        Script on = Script.at(KernelVersion.LATEST).run("process p", "p: buf = mmap 1", "p: write buf \"A\"");
        assertTrue(on.pagemap("p.buf[0]").softDirty());
        on.run("p: clear_refs");
        assertFalse(on.pagemap("p.buf[0]").softDirty());
        assertFalse(on.pte("p.buf[0]").write());
    }
}
