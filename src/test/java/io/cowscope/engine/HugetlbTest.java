package io.cowscope.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.cowscope.engine.CowSelftestTest.Kind.HUGETLB;
import static org.junit.jupiter.api.Assertions.*;

/**
 * MAP_PRIVATE hugetlb (engine/Hugetlb.java): the hugetlb cases of tools/testing/selftests/mm/cow.c in every era,
 * and the corners where hugetlb differs from THP. The 6.18 facts were observed on this machine's kernel
 * (nr_hugepages reserved, MAP_PRIVATE | MAP_HUGETLB, pagemap / kpagecount / kpageflags); the eras follow the
 * rules' versions (Rule.HUGETLB_*, GUP_FORCE_COW_BREAK, GUP_UNSHARE).
 */
class HugetlbTest {
    static Stream<KernelVersion> versions() {
        return Versions.all();
    }

    private static Script prep(KernelVersion v) {
        return CowSelftestTest.prepare(HUGETLB, v);
    }

    // ---- cow.c, per era

    @ParameterizedTest
    @MethodSource("versions")
    void basicCowAfterForkInEveryEra(KernelVersion v) {
        Script s = prep(v).run("parent: fork child", "child: write mem[0] \"child\"");
        assertEquals("orig", s.content("parent.mem[0]"));
        assertEquals("child", s.content("child.mem[0]"));
        assertFalse(s.shares("parent.mem[0]", "child.mem[0]"));
        assertFalse(s.shares("parent.mem[511]", "child.mem[511]"), "the whole 2 MiB page is copied");
        Script m = prep(v).run("parent: fork child", "child: mprotect mem ro", "child: mprotect mem rw", "child: write mem[0] \"child\"");
        assertEquals("orig", m.content("parent.mem[0]"), "mprotect(RW) never makes a shared hugetlb PTE writable");
    }

    /** vmsplice() + unmap in child: only 5.8's forced COW break (GUP_FORCE_COW_BREAK) protects hugetlb; 6.18 leaks (observed) */
    @ParameterizedTest
    @MethodSource("versions")
    void vmspliceUnmapInChildLeaksExceptIn58(KernelVersion v) {
        Script s = prep(v).run("parent: fork child", "child: vmsplice mem[0] into p", "child: munmap mem",
                "parent: write mem[0] \"new\"", "child: read p");
        assertEquals(v.equals(KernelVersion.parse("5.8").orElseThrow()) ? "orig" : "new", s.lastValue(), "at " + v);
    }

    /** vmsplice() before fork(), unmap in parent: leaks in every era (the parent's own page, reused by the child) */
    @ParameterizedTest
    @MethodSource("versions")
    void vmspliceBeforeForkLeaksInEveryEra(KernelVersion v) {
        Script a = prep(v).run("parent: vmsplice mem[0] into p", "parent: fork child", "parent: munmap mem",
                "child: write mem[0] \"new\"", "parent: read p");
        assertEquals("new", a.lastValue(), "at " + v);
        Script b = prep(v).run("parent: fork child", "parent: vmsplice mem[0] into p", "parent: munmap mem",
                "child: write mem[0] \"new\"", "parent: read p");
        assertEquals(v.equals(KernelVersion.parse("5.8").orElseThrow()) ? "orig" : "new", b.lastValue(), "vmsplice after fork at " + v);
    }

    /** fork() with an io_uring fixed buffer: the early COW of a pinned hugetlb page from 5.12 (4eae4efa2c29) */
    @ParameterizedTest
    @MethodSource("versions")
    void ioUringForkNeedsTheEarlyCow(KernelVersion v) {
        Script s = prep(v).run("parent: io_uring_register mem[0] as h", "parent: fork child", "parent: write mem[0] \"new\"", "dma h read");
        boolean early = s.atLeast("5.12");
        assertEquals(early ? "new" : "orig", s.lastValue(), "at " + v);
        assertEquals("orig", s.content("child.mem[0]"));
        Script r = prep(v).run("parent: io_uring_register mem[0] as h", "parent: mprotect mem ro", "parent: mprotect mem rw",
                "parent: write mem[0] \"new\"", "dma h read");
        assertEquals("new", r.lastValue(), "R/O-mapping a fixed buffer keeps it (mapcount 1 → reuse) at " + v);
    }

    /** R/O GUP pins: the shared case needs GUP_UNSHARE (5.19+); the exclusive and previously-shared cases pass in every era */
    @ParameterizedTest
    @MethodSource("versions")
    void roPinsPerEra(KernelVersion v) {
        Script shared = prep(v).run("parent: fork child", "parent: mprotect mem ro", "parent: pin mem[0] longterm as h",
                "parent: mprotect mem rw", "parent: write mem[0] \"new\"", "dma h read");
        assertEquals(shared.atLeast("5.19") ? "new" : "orig", shared.lastValue(), "R/O pin on a shared hugetlb page at " + v);
        assertEquals("orig", shared.content("child.mem[0]"));
        Script prev = prep(v).run("parent: fork child", "child: exit", "parent: mprotect mem ro", "parent: pin mem[0] longterm as h",
                "parent: mprotect mem rw", "parent: write mem[0] \"new\"", "dma h read");
        assertEquals("new", prev.lastValue(), "previously shared at " + v);
        Script excl = prep(v).run("parent: mprotect mem ro", "parent: pin mem[0] longterm as h", "parent: mprotect mem rw",
                "parent: write mem[0] \"new\"", "dma h read");
        assertEquals("new", excl.lastValue(), "exclusive at " + v);
    }

    /** the boundaries that Versions.ALL does not hold: 5.11 / 5.12 (HUGETLB_FORK_EARLY_COW) */
    @Test
    void theEarlyCowOfAPinnedHugePageStartsIn512() {
        for (String v : new String[]{"5.11", "5.12"}) {
            Script s = prep(KernelVersion.parse(v).orElseThrow()).run("parent: io_uring_register mem[0] as h", "parent: fork child");
            boolean early = v.equals("5.12");
            assertEquals(early, !s.shares("parent.mem[0]", "child.mem[0]"), "at " + v);
            assertEquals(early ? 1 : 0, s.last().count(EventType.FORK_COPY), "at " + v);
            s.run("parent: write mem[0] \"new\"", "dma h read");
            assertEquals(early ? "new" : "orig", s.lastValue(), "at " + v);
        }
    }

    // ---- corners (6.18 observed on the real kernel)

    @Test
    void aReadFaultAllocatesAHugePageNeverTheZeroPage() {
        Script s = Script.at(KernelVersion.LATEST).run("process p", "p: mem = mmap 2M hugetlb", "p: read mem[3]");
        assertEquals(1, s.last().count(EventType.FAULT));
        assertFalse(s.o.zero("p", "mem", 3));
        PageView pg = s.page("p.mem[3]");
        assertTrue(pg.hugetlb() && !pg.thp() && pg.anon() && pg.anonExclusive());
        assertEquals(1, pg.mapcount());
        assertTrue(s.pte("p.mem[0]").pmd() && !s.pte("p.mem[0]").write(), "private: mapped read-only");
        assertTrue(s.pagemap("p.mem[511]").present() && s.pagemap("p.mem[511]").exclusive() && !s.pagemap("p.mem[511]").file());
        long pfn = s.pte("p.mem[0]").pfn();
        assertEquals(pfn + 511, s.pte("p.mem[511]").pfn(), "one 2 MiB folio");
        s.run("p: write mem[0] \"x\"");
        assertEquals(1, s.last().count(EventType.FAULT));
        assertEquals(1, s.last().count(EventType.REUSE), "hugetlb_wp reuses the only mapping");
        assertEquals(pfn, s.pte("p.mem[0]").pfn());
        assertTrue(s.pte("p.mem[0]").write());
        Script w = Script.at(KernelVersion.LATEST).run("process p", "p: mem = mmap 2M hugetlb", "p: write mem[7] \"x\"");
        assertEquals(1, w.last().count(EventType.FAULT), "one fault: hugetlb_no_page goes on to hugetlb_wp");
        assertTrue(w.pte("p.mem[0]").write());
        assertEquals("", w.content("p.mem[0]"));
    }

    @Test
    void forkSharesTheHugePageUntilAWriteCopiesAll512Pages() {
        Script s = Script.at(KernelVersion.LATEST).run("process p", "p: mem = mmap 4M hugetlb", "p: write mem[1] \"one\"",
                "p: write mem[513] \"two\"", "p: fork c");
        assertTrue(s.shares("p.mem[1]", "c.mem[1]"));
        assertEquals(2, s.page("c.mem[1]").mapcount());
        assertFalse(s.pagemap("p.mem[1]").exclusive());
        assertFalse(s.page("p.mem[1]").anonExclusive(), "fork clears PageAnonExclusive (5.19+)");
        s.run("c: write mem[0] \"c\"");
        assertEquals(1, s.last().count(EventType.COW));
        assertEquals("one", s.content("c.mem[1]"), "the copy holds all 512 pages");
        assertEquals("c", s.content("c.mem[0]"));
        assertEquals("", s.content("p.mem[0]"));
        assertTrue(s.shares("p.mem[513]", "c.mem[513]"), "the second huge page is still shared");
        assertTrue(s.pagemap("p.mem[1]").exclusive() && s.pagemap("c.mem[1]").exclusive());
        // the parent's page now has mapcount 1: its write reuses it (no refcount test)
        s.run("p: write mem[1] \"p\"");
        assertEquals(1, s.last().count(EventType.REUSE));
    }

    @Test
    void vmaSplitsOnlyAtHugePageBoundaries() {
        Script s = Script.at(KernelVersion.LATEST).run("process p", "p: mem = mmap 4M hugetlb", "p: write mem \"x\"");
        assertEquals("EINVAL", s.step("p: munmap mem[0]").errno());
        assertEquals("EINVAL", s.step("p: mprotect mem[0..3] ro").errno());
        assertEquals("EINVAL", s.step("p: madvise mem[512..600] dontfork").errno());
        assertTrue(s.pte("p.mem[0]").present() && s.pte("p.mem[0]").write(), "nothing changed");
        assertNull(s.step("p: mprotect mem[512..1023] ro").errno());
        assertFalse(s.pte("p.mem[512]").write());
        assertTrue(s.pte("p.mem[0]").write());
        assertNull(s.step("p: mprotect mem[0..3] rw").errno(), "no flag change: no split, no EINVAL");
        assertNull(s.step("p: munmap mem[0..511]").errno());
        assertTrue(s.o.unmapped("p", "mem", 0));
        assertTrue(s.pte("p.mem[512]").present());
    }

    @ParameterizedTest
    @MethodSource("versions")
    void madvDontneedPerEra(KernelVersion v) {
        Script s = prep(v);
        Step part = s.step("parent: madvise mem[0..3] dontneed");
        if (s.before("5.18")) {
            assertEquals("EINVAL", part.errno());
            assertTrue(s.pte("parent.mem[0]").present());
            assertEquals("EINVAL", s.step("parent: madvise mem dontneed").errno());
            return;
        }
        assertNull(part.errno());
        // 5.18-6.0 round the end up (the page goes), 6.1+ down (nothing happens)
        assertEquals(s.atLeast("6.1"), s.pte("parent.mem[0]").present(), "at " + v);
        Script t = prep(v);
        assertEquals("EINVAL", t.step("parent: madvise mem[1..511] dontneed").errno(), "unaligned start");
        assertNull(t.step("parent: madvise mem dontneed").errno());
        assertFalse(t.pte("parent.mem[0]").present());
        assertEquals(0L, t.m.snapshot().pages().stream().filter(pv -> pv.hugetlb() && !pv.free()).count(), "the page went back to the pool");
        t.run("parent: read mem[0]");
        assertEquals("", t.lastValue(), "a fresh zeroed huge page");
    }

    @Test
    void lruAdviceIsRefusedOrIgnored() {
        Script s = prep(KernelVersion.LATEST);
        assertEquals("EINVAL", s.step("parent: madvise mem pageout").errno());
        assertFalse(s.o.swapped("parent", "mem", 0));
        assertEquals("EINVAL", s.step("parent: madvise mem wipeonfork").errno());
        assertNull(s.step("parent: madvise mem mergeable").errno());
        assertNull(s.step("parent: madvise mem hugepage").errno());
        s.run("ksmd 2", "reclaim");
        assertTrue(s.pte("parent.mem[0]").present());
        assertFalse(s.page("parent.mem[0]").lru(), "hugetlb pages are never on the LRU");
        s.run("parent: madvise mem dontfork", "parent: fork child");
        assertTrue(s.o.unmapped("child", "mem", 0), "MADV_DONTFORK leaves the VMA out of the child");
    }

    @Test
    void theLanguageRejectsWhatTheKernelWouldNot() {
        Script s = Script.at(KernelVersion.LATEST).run("process p");
        assertNotNull(s.step("p: mem = mmap 1 hugetlb").error());
    }
}
