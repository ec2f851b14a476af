package io.cowscope.engine;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static io.cowscope.engine.Versions.in;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The 17 canonical scenarios of kernel-model.md §5, each run at every version of {@link Versions}.
 * Expected outcomes are written from the spec's era table (not from the engine's rules); invariants are
 * checked after every step by {@link Script}.
 */
class CanonicalScenariosTest {

    static Stream<KernelVersion> versions() {
        return Versions.all();
    }

    // 1. Basic COW after fork. Broken rule: the writer does not get a copy → the other process sees its data.
    @ParameterizedTest
    @MethodSource("versions")
    void s01_basicCowAfterFork(KernelVersion v) {
        Script s = Script.at(v).run("process parent", "parent: buf = mmap 1", "parent: write buf \"A\"", "parent: fork child");
        assertTrue(s.shares("parent.buf[0]", "child.buf[0]"));
        assertEquals(2, s.page("parent.buf[0]").mapcount());
        s.run("child: write buf \"B\"");
        s.assertEvent(EventType.COW, true, "the first writer copies");
        assertFalse(s.shares("parent.buf[0]", "child.buf[0]"));
        assertEquals("A", s.content("parent.buf[0]"));
        assertEquals("B", s.content("child.buf[0]"));
        s.run("parent: write buf \"C\"");
        // 5.9-5.17: the page still sits in cpu0's LRU-add batch: page_count 2 → a spurious copy
        boolean spurious = in(v, "5.9", "5.17");
        s.assertEvent(EventType.COW, spurious, "the other process's write");
        s.assertEvent(EventType.REUSE, !spurious, "the other process's write");
        assertEquals(spurious, s.hazard(HazardType.SPURIOUS_COW));
        assertEquals("B", s.content("child.buf[0]"));
        assertEquals("C", s.content("parent.buf[0]"));
    }

    // 1b. Same with the batch drained first: every era reuses (the batch reference was the only cause).
    @ParameterizedTest
    @MethodSource("versions")
    void s01b_basicCowAfterDrain(KernelVersion v) {
        Script s = Script.at(v).run("process parent", "parent: buf = mmap 1", "parent: write buf \"A\"", "parent: fork child",
                "child: write buf \"B\"", "lru_drain", "parent: write buf \"C\"");
        s.assertEvent(EventType.REUSE, true, "nobody else references the page");
        assertFalse(s.hazard(HazardType.SPURIOUS_COW));
    }

    enum Kind { BASE, THP, SWAPPED }

    static Stream<org.junit.jupiter.params.provider.Arguments> versionsAndKinds() {
        return Versions.all().flatMap(v -> Stream.of(Kind.values()).map(k -> org.junit.jupiter.params.provider.Arguments.of(v, k)));
    }

    private static String mmap(Kind k) {
        return k == Kind.THP ? "parent: buf = mmap 2M hugepage" : "parent: buf = mmap 1";
    }

    // 2. CVE-2020-29374, vmsplice + unmap in child. Broken rule: mapcount-based reuse lets the parent write into the page the child's pipe holds.
    @ParameterizedTest
    @MethodSource("versionsAndKinds")
    void s02_vmspliceUnmapInChild(KernelVersion v, Kind kind) {
        Script s = Script.at(v).run("process parent", mmap(kind), "parent: write buf[0] \"A\"");
        if (kind == Kind.SWAPPED) s.run("parent: madvise buf pageout");
        if (kind == Kind.SWAPPED) assertTrue(s.o.swapped("parent", "buf", 0));
        if (kind == Kind.THP) assertTrue(s.pte("parent.buf[0]").pmd());
        s.run("parent: fork child", "child: vmsplice buf[0] into p", "child: munmap buf", "parent: write buf[0] \"B\"", "child: read p");
        boolean leak = kind == Kind.BASE ? in(v, null, "5.7") : in(v, null, "5.7") || in(v, "5.9", "5.17");
        assertEquals(leak ? "B" : "A", s.lastValue(), kind + " at " + v);
        assertEquals(leak, s.hazard(HazardType.LEAK));
    }

    // 3. vmsplice before fork, parent unmaps, child writes. Broken rule: the child's write reuses the page the parent's pipe holds.
    @ParameterizedTest
    @MethodSource("versionsAndKinds")
    void s03_vmspliceBeforeFork(KernelVersion v, Kind kind) {
        Script s = Script.at(v).run("process parent", mmap(kind), "parent: write buf[0] \"A\"", "parent: vmsplice buf[0] into p");
        if (kind == Kind.SWAPPED) s.run("parent: madvise buf pageout");
        s.run("parent: fork child", "parent: munmap buf", "child: write buf[0] \"B\"", "parent: read p");
        boolean leak = kind == Kind.BASE ? in(v, null, "5.8") : in(v, null, "5.17");
        assertEquals(leak ? "B" : "A", s.lastValue(), kind + " at " + v);
        assertEquals(leak, s.hazard(HazardType.LEAK));
    }

    // 4. Long-term pin, fork, parent writes, device reads. Broken rule (no FORK_EARLY_COW): the parent COWs away from its own pinned page.
    @ParameterizedTest
    @MethodSource("versions")
    void s04_longtermPinFork(KernelVersion v) {
        Script s = Script.at(v).run("process parent", "parent: buf = mmap 1", "parent: write buf \"A\"",
                "parent: rdma_register buf as h", "parent: fork child");
        boolean early = in(v, "5.9", null);
        assertEquals(early, s.steps.get(s.steps.size() - 1).count(EventType.FORK_COPY) == 1);
        assertEquals(!early, s.shares("parent.buf[0]", "child.buf[0]"));
        s.run("parent: write buf \"B\"");
        s.assertEvent(EventType.FAULT, !early, "the parent's write");
        s.run("dma h read");
        assertEquals(early ? "B" : "A", s.lastValue());
        assertEquals(early, s.o.handleCoherent("h"));
        assertEquals(!early, s.hazard(HazardType.COHERENCY_LOST));
    }

    // 5. Linus's "both broken pieces": pin, mprotect(R), mprotect(RW), write. Broken: E2 copies a pinned page the process owns alone.
    @ParameterizedTest
    @MethodSource("versions")
    void s05_pinMprotectWrite(KernelVersion v) {
        Script s = Script.at(v).run("process p", "p: buf = mmap 1", "p: write buf \"A\"", "p: pin buf rw longterm as h",
                "p: mprotect buf ro", "p: mprotect buf rw");
        boolean mkwrite = in(v, "6.0", null);
        assertEquals(mkwrite, s.pte("p.buf[0]").write());
        s.run("p: write buf \"B\"");
        boolean copies = in(v, "5.9", "5.18");
        s.assertEvent(EventType.FAULT, !mkwrite, "the write");
        s.assertEvent(EventType.COW, copies, "the write");
        s.run("dma h read");
        assertEquals(copies ? "A" : "B", s.lastValue());
        assertEquals(!copies, s.o.handleCoherent("h"));
    }

    // 6. Soft-dirty clear on a pinned page. Broken: clear_refs write-protects the pinned page and the next write breaks the pin (5.9-5.10).
    @ParameterizedTest
    @MethodSource("versions")
    void s06_clearRefsPinned(KernelVersion v) {
        Script s = Script.at(v).run("process p", "p: buf = mmap 1", "p: write buf \"A\"", "p: pin buf rw longterm as h", "p: clear_refs");
        boolean skipped = in(v, "5.11", null);
        assertEquals(skipped, s.pte("p.buf[0]").write());
        assertEquals(skipped, s.pte("p.buf[0]").softDirty());
        s.run("p: write buf \"B\"", "dma h read");
        boolean broken = in(v, "5.9", "5.10");
        assertEquals(broken ? "A" : "B", s.lastValue());
        assertEquals(broken, s.hazard(HazardType.COHERENCY_LOST));
    }

    // 7. Andrea's case: O_DIRECT in flight, clear_refs, write, completion. Broken: E2's write COWs and the DMA lands in the old page (read lost).
    @ParameterizedTest
    @MethodSource("versions")
    void s07_odirectClearRefs(KernelVersion v) {
        Script s = Script.at(v).run("process p", "p: buf = mmap 1", "p: write buf \"A\"", "p: odirect_read buf as io",
                "p: clear_refs", "p: write buf \"B\"", "complete io \"DISK\"", "p: read buf");
        boolean lost = in(v, "5.9", "5.18");
        assertEquals(lost ? "B" : "DISK", s.lastValue());
        assertFalse(s.o.handleLive("io"));
    }

    // 8. Dirty COW. Broken (≤ 4.8): the forced write follows the page-cache page after the race and modifies the file.
    // Faithful fault returns: do_cow_fault does not report VM_FAULT_WRITE, only do_wp_page's reuse/copy does, so the
    // window is the retry after the second fault. A first poke makes the private copy (an earlier loop iteration of
    // the exploit); the hook armed before the second poke then fires at the retry after do_wp_page's VM_FAULT_WRITE.
    @ParameterizedTest
    @MethodSource("versions")
    void s08_dirtyCow(KernelVersion v) {
        MachineConfig c = MachineConfig.defaults(v).withFiles(List.of(new FileSpec("passwd", 1, "root:x:0:0")));
        Script s = new Script(c).run("process attacker", "attacker: f = mmap 1 file passwd private ro",
                "attacker: poke attacker f \"root::0:0\"");
        assertEquals("root:x:0:0", s.o.fileContent("passwd", 0), "the first poke writes only the private copy");
        assertEquals("root::0:0", s.content("attacker.f[0]"));
        s.run("on gup_retry: attacker: madvise f dontneed", "attacker: poke attacker f \"root::0:0\"");
        boolean bug = in(v, null, "4.8");
        assertEquals(bug ? "root::0:0" : "root:x:0:0", s.o.fileContent("passwd", 0));
        assertEquals(bug, s.hazard(HazardType.FILE_CORRUPTED));
        assertEquals("root::0:0", s.content("attacker.f[0]"), bug ? "the attacker maps the corrupted page cache" : "the poke lands in a private copy");
        assertEquals(!bug, s.page("attacker.f[0]").anon());
        // 6.0+: the copy is PageAnonExclusive, GUP writes it without a fault and the hook is never reached
        boolean hookFired = s.last().events().stream().anyMatch(e -> "hook".equals(e.kind()));
        assertEquals(!in(v, "6.0", null), hookFired);
        // the spec's single-poke example: the one-shot zap fires at the first retry, after do_cow_fault, while
        // FOLL_WRITE is still set; GUP faults in a fresh copy and the file is intact in every version
        Script one = new Script(c).run("process attacker", "attacker: f = mmap 1 file passwd private ro",
                "on gup_retry: attacker: madvise f dontneed", "attacker: poke attacker f \"root::0:0\"");
        assertTrue(one.last().events().stream().anyMatch(e -> "hook".equals(e.kind())), "the hook fires after do_cow_fault");
        assertEquals("root:x:0:0", one.o.fileContent("passwd", 0));
        assertFalse(one.hazard(HazardType.FILE_CORRUPTED));
        assertEquals("root::0:0", one.content("attacker.f[0]"));
        // without the race every version writes only a private copy
        Script t = new Script(c).run("process attacker", "attacker: f = mmap 1 file passwd private ro", "attacker: poke attacker f \"x\"");
        assertEquals("root:x:0:0", t.o.fileContent("passwd", 0));
        assertEquals("x", t.content("attacker.f[0]"));
    }

    // 9. Spurious COW from the swap cache: write, pageout, read, write. Broken: a page nobody shares is copied (5.9-5.17).
    @ParameterizedTest
    @MethodSource("versions")
    void s09_swapCacheSpuriousCow(KernelVersion v) {
        Script s = Script.at(v).run("process p", "p: buf = mmap 1", "p: write buf \"A\"", "p: madvise buf pageout");
        assertTrue(s.o.swapped("p", "buf", 0));
        long frame = s.page("p.buf[0]").pfn();
        s.run("p: read buf");
        assertEquals("A", s.lastValue());
        assertEquals(frame, s.page("p.buf[0]").pfn(), "swap-in finds the page in the swap cache");
        boolean mkwriteOnRead = in(v, "6.11", null);
        assertEquals(mkwriteOnRead, s.pte("p.buf[0]").write());
        if (in(v, "5.19", null)) assertTrue(s.page("p.buf[0]").anonExclusive());
        s.run("p: write buf \"B\"");
        boolean copy = in(v, "5.9", "5.17");
        s.assertEvent(EventType.FAULT, !mkwriteOnRead, "the write");
        s.assertEvent(EventType.COW, copy, "the write");
        assertEquals(copy, s.hazard(HazardType.SPURIOUS_COW));
        assertEquals(copy, frame != s.page("p.buf[0]").pfn());
        if (copy) {
            // the old page also sits in the LRU-add batch MADV_PAGEOUT put it back into (PAGEOUT_PUTBACK_BATCH): drain it first
            s.run("lru_drain");
            assertEquals(in(v, "5.14", null) ? 1 : 2, s.o.stats().pages(), "FREE_SWAP_AFTER_COW frees the idle swap-cache page");
        }
        if (in(v, "5.18", "5.18")) assertFalse(s.page("p.buf[0]").swapcache(), "5.18 frees the swap cache and reuses");
        assertEquals("B", s.content("p.buf[0]"));
    }

    // 10. Spurious COW from an LRU batch: fresh page, clear_refs, write. Broken: the batch reference makes page_count 2 (5.9-5.17).
    @ParameterizedTest
    @MethodSource("versions")
    void s10_lruBatchSpuriousCow(KernelVersion v) {
        Script s = Script.at(v).run("process p", "p: buf = mmap 1", "p: write buf \"A\"", "p: clear_refs", "p: write buf \"B\"");
        boolean copy = in(v, "5.9", "5.17");
        s.assertEvent(EventType.COW, copy, "the write");
        s.assertEvent(EventType.REUSE, !copy, "the write");
        assertEquals(copy, s.hazard(HazardType.SPURIOUS_COW));
        if (in(v, "5.18", "5.18")) s.assertEvent(EventType.LRU_DRAIN, true, "5.18 drains the local batch");
    }

    // 10b. Across CPUs: the page waits in cpu0's batch, the write runs on cpu1. 5.18 copies (remote batch); 5.19+ PAE reuses.
    @ParameterizedTest
    @MethodSource("versions")
    void s10b_lruBatchOtherCpu(KernelVersion v) {
        Script s = new Script(MachineConfig.defaults(v).withCpus(2)).run("process p", "p: buf = mmap 1", "p: write buf \"A\"",
                "p: cpu 1", "p: clear_refs", "p: write buf \"B\"");
        boolean copy = in(v, "5.9", "5.18");
        s.assertEvent(EventType.COW, copy, "the write on the other CPU");
    }

    // 11. KSM page never reused (5.9+). Broken: a write to a KSM page with one mapping left reuses it in place.
    @ParameterizedTest
    @MethodSource("versions")
    void s11_ksm(KernelVersion v) {
        Script s = Script.at(v).run("process a", "process b", "a: x = mmap 1", "b: y = mmap 1", "a: write x \"same\"",
                "b: write y \"same\"", "a: madvise x mergeable", "b: madvise y mergeable");
        long second = s.page("b.y[0]").pfn();
        s.run("ksmd");
        assertFalse(s.shares("a.x[0]", "b.y[0]"), "freshly written pages merge on the second scan at the earliest");
        s.run("ksmd");
        assertTrue(s.shares("a.x[0]", "b.y[0]"));
        PageView k = s.page("a.x[0]");
        assertTrue(k.ksm());
        assertEquals(second, k.pfn(), "the page scanned second becomes the KSM page");
        assertEquals(2, k.mapcount());
        s.run("a: write x \"new\"");
        s.assertEvent(EventType.COW, true, "write to a KSM page mapped twice");
        s.run("b: write y \"again\"");
        boolean reuse = in(v, "5.1", "5.8");
        s.assertEvent(EventType.COW, !reuse, "write to a KSM page with one mapping");
        assertEquals("again", s.content("b.y[0]"));
        assertEquals("new", s.content("a.x[0]"));
    }

    // 12. Zero page; a long-term R/O pin of the zero page unshares it (6.2+). Broken: the pin holds the zero page and never sees later writes.
    @ParameterizedTest
    @MethodSource("versions")
    void s12_zeroPage(KernelVersion v) {
        Script s = Script.at(v).run("process p", "p: buf = mmap 1", "p: read buf");
        assertEquals("", s.lastValue());
        assertTrue(s.o.zero("p", "buf", 0));
        assertEquals(0, s.page("p.buf[0]").mapcount());
        s.run("p: write buf \"A\"");
        assertFalse(s.o.zero("p", "buf", 0));
        assertTrue(s.page("p.buf[0]").anon());
        s.run("p: z = mmap 1", "p: read z", "p: pin z longterm as h");
        // 5.8 breaks COW at GUP time (also for the zero page); 6.2+ unshares non-anon pages for long-term R/O pins
        boolean unshared = in(v, "5.8", "5.8") || in(v, "6.2", null);
        assertEquals(!unshared, s.o.zero("p", "z", 0));
        s.run("p: write z \"later\"", "dma h read");
        // after an unshare (6.2+) the PTE is R/O on an exclusive page: the write reuses it and the pin sees it
        assertEquals(unshared ? "later" : "", s.lastValue());
    }

    // 13. DONTFORK / WIPEONFORK. Broken: the child inherits memory it must not see.
    @ParameterizedTest
    @MethodSource("versions")
    void s13_dontforkWipeonfork(KernelVersion v) {
        Script s = Script.at(v).run("process p", "p: a = mmap 1", "p: write a \"A\"", "p: madvise a dontfork",
                "p: b = mmap 1", "p: write b \"B\"", "p: madvise b wipeonfork", "p: fork c");
        boolean wipe = in(v, "4.14", null);
        assertEquals(!wipe, !s.steps.get(6).warnings().isEmpty(), "EINVAL warning before 4.14");
        assertTrue(s.o.unmapped("c", "a", 0));
        s.run("c: read b");
        assertEquals(wipe ? "" : "B", s.lastValue());
        if (wipe) assertTrue(s.o.zero("c", "b", 0));
        s.run("c: read a");
        s.assertEvent(EventType.SIGSEGV, true, "the child has no VMA at a");
        assertEquals(ProcState.KILLED, s.o.processState("c"));
        assertEquals("A", s.content("p.a[0]"));
    }

    // 14. R/O pin of a page shared with a live child, then the parent writes. Broken: the pin keeps the old page and misses the write.
    @ParameterizedTest
    @MethodSource("versions")
    void s14_roPinShared(KernelVersion v) {
        Script s = Script.at(v).run("process parent", "parent: buf = mmap 1", "parent: write buf \"A\"", "parent: fork child",
                "parent: pin buf as h");
        if (in(v, "5.19", null)) s.assertEvent(EventType.UNSHARE, true, "the R/O pin of a shared page unshares");
        s.run("parent: write buf \"B\"", "dma h read");
        boolean stale = in(v, null, "5.7") || in(v, "5.9", "5.18");
        assertEquals(stale ? "A" : "B", s.lastValue());
        assertEquals(!stale, s.o.handleCoherent("h"));
        assertEquals("A", s.content("child.buf[0]"));
    }

    // 15. THP after fork. Broken: ≤5.7 copies 2 MiB for a one-byte write; 5.9-6.14 cannot reuse a PTE-mapped large folio.
    @ParameterizedTest
    @MethodSource("versions")
    void s15_thpAfterFork(KernelVersion v) {
        Script s = Script.at(v).run("process parent", "parent: buf = mmap 2M hugepage", "parent: write buf \"A\"");
        assertTrue(s.page("parent.buf[0]").thp());
        assertEquals(512, s.o.stats().pages());
        s.run("parent: fork child", "child: write buf[0] \"B\"");
        boolean split = in(v, "5.8", null);
        assertTrue(s.pte("parent.buf[0]").pmd(), "the parent stays PMD-mapped");
        assertEquals(!split, s.pte("child.buf[1]").pmd());
        assertEquals(split, s.shares("parent.buf[1]", "child.buf[1]"), "the other 511 pages stay on the huge page");
        assertEquals(split ? 513 : 1024, s.o.stats().pages());
        assertEquals(split, !s.page("child.buf[0]").thp(), "5.8+ copies one 4 KiB page");
        s.run("parent: exit", "child: write buf[1] \"C\"");
        boolean reuse = !split || in(v, "5.8", "5.8") || in(v, "6.15", null);
        s.assertEvent(EventType.COW, !reuse, "the write to a remaining PTE-mapped page");
        assertEquals("C", s.content("child.buf[1]"));
        assertEquals("A", s.content("child.buf[2]"));
    }

    // 16. uffd-wp: the write blocks until resolved; fork drops the bit in the child. Broken: the write goes through unseen.
    @ParameterizedTest
    @MethodSource("versions")
    void s16_uffdWp(KernelVersion v) {
        Script s = Script.at(v).run("process p", "p: buf = mmap 1", "p: write buf \"A\"", "p: uffd_register buf", "p: uffd_wp buf on");
        boolean has = in(v, "5.7", null);
        s.run("p: write buf \"B\"");
        s.assertEvent(EventType.BLOCKED, has, "write to a uffd-wp page");
        assertEquals(has, s.o.blocked("p"));
        if (has) {
            assertEquals("A", s.content("p.buf[0]"));
            Step bad = s.step("p: read buf");
            assertNotNull(bad.error(), "a blocked process can only resolve its fault");
            s.run("p: uffd_wp buf off");
            assertFalse(s.o.blocked("p"));
            assertEquals("B", s.content("p.buf[0]"));
            s.run("p: uffd_wp buf on");
            assertTrue(s.pte("p.buf[0]").uffdWp());
            s.run("p: fork c");
            assertFalse(s.pte("c.buf[0]").uffdWp(), "fork drops uffd-wp in the child");
            assertTrue(s.pte("p.buf[0]").uffdWp());
        } else {
            assertFalse(s.steps.get(4).warnings().isEmpty(), "EINVAL warning before 5.7");
            assertEquals("B", s.content("p.buf[0]"));
        }
    }

    // 17. Bit 56 is not exclusivity. Broken: treating pagemap's exclusive bit as PageAnonExclusive.
    @ParameterizedTest
    @MethodSource("versions")
    void s17_bit56(KernelVersion v) {
        Script s = Script.at(v).run("process parent", "parent: buf = mmap 1", "parent: write buf \"A\"", "parent: fork child");
        assertFalse(s.pagemap("parent.buf[0]").exclusive());
        assertFalse(s.pagemap("child.buf[0]").exclusive());
        s.run("child: write buf \"B\"");
        assertTrue(s.pagemap("parent.buf[0]").exclusive());
        assertTrue(s.pagemap("child.buf[0]").exclusive());
        boolean pae = in(v, "5.19", null);
        assertFalse(s.page("parent.buf[0]").anonExclusive(), "not PAE until it writes");
        assertEquals(pae, s.page("child.buf[0]").anonExclusive());
        s.run("lru_drain", "parent: write buf \"C\"");
        assertEquals(pae, s.page("parent.buf[0]").anonExclusive());
    }
}
