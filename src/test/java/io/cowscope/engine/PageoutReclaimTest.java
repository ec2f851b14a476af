package io.cowscope.engine;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The reclaim side of kernel-model §10 (classes 3, 6, 7) and §3's THP swap-out and KSM-meets-THP, at every
 * version boundary: MADV_PAGEOUT of shmem (PAGEOUT_SHMEM) and of page-cache pages (PAGEOUT_FILE), a THP that
 * another process maps (PAGEOUT_SHARED_THP), the THP split on swap-out (THP_SWAPOUT_SPLIT) with its zero-page
 * remap from 6.12 (THP_SPLIT_ZEROPAGE), and KSM splitting a THP before it merges (KSM_SPLITS_THP).
 * Before 5.4 MADV_PAGEOUT is emulated by direct reclaim of the range, through the same code.
 */
class PageoutReclaimTest {
    static Stream<KernelVersion> versions() {
        return Versions.all();
    }

    private static Script at(KernelVersion v, boolean swap) {
        return new Script(MachineConfig.defaults(v).withSwap(swap)
                .withFiles(List.of(new FileSpec("data", 2, "disk"), new FileSpec("other", 1, "other")))).run("process p");
    }

    private static boolean hasRule(Step s, Rule r) {
        return s.events().stream().anyMatch(e -> e.rule() == r);
    }

    // class 3: the shmem page goes to swap, but the swap entry lives in the shmem mapping: the PTE is just cleared
    @ParameterizedTest
    @MethodSource("versions")
    void shmemPageoutClearsThePteAndKeepsTheSwapEntryInTheMapping(KernelVersion v) {
        Script s = at(v, true).run("p: sh = mmap 2 shared", "p: write sh \"S\"");
        long pfn = s.pte("p.sh[0]").pfn();
        long outs = s.o.stats().swapOuts();
        s.run("p: madvise sh[0] pageout");
        assertTrue(s.pte("p.sh[0]").none(), "no swap PTE: the PTE is cleared");
        assertFalse(s.pagemap("p.sh[0]").present());
        assertFalse(s.pagemap("p.sh[0]").swapped(), "pagemap shows neither present nor swapped");
        assertTrue(s.pte("p.sh[1]").present(), "only the range is paged out");
        assertEquals(outs + 1, s.o.stats().swapOuts());
        assertTrue(hasRule(s.last(), Rule.PAGEOUT_SHMEM));
        s.run("p: read sh[0]");
        assertEquals("S", s.lastValue());
        assertEquals(pfn, s.pte("p.sh[0]").pfn(), "the page was still in the swap cache: the same frame comes back");
        assertTrue(s.pte("p.sh[0]").write(), "shmem maps writable on a read fault (SHMEM_NO_WRITENOTIFY)");
        s.run("p: madvise sh[0] pageout", "reclaim", "p: read sh[0]");
        assertEquals("S", s.lastValue(), "read back from the swap slot");
        assertNotEquals(pfn, s.pte("p.sh[0]").pfn(), "reclaim freed the swap-cache page: a new frame");
    }

    @ParameterizedTest
    @MethodSource("versions")
    void shmemPageoutWithoutSwapOnlyUnmaps(KernelVersion v) {
        Script s = at(v, false).run("p: sh = mmap 1 shared", "p: write sh \"S\"");
        long pfn = s.pte("p.sh[0]").pfn();
        s.run("p: madvise sh pageout");
        assertTrue(s.pte("p.sh[0]").none(), "try_to_unmap comes before shmem_writeout finds no swap");
        assertEquals(0, s.o.stats().swapOuts());
        s.run("p: read sh");
        assertEquals("S", s.lastValue());
        assertEquals(pfn, s.pte("p.sh[0]").pfn(), "the page stayed in the shmem page cache");
    }

    @ParameterizedTest
    @MethodSource("versions")
    void shmemMappedByTwoProcessesIsSkipped(KernelVersion v) {
        Script s = at(v, true).run("p: sh = mmap 1 shared", "p: write sh \"S\"", "p: fork c", "c: read sh");
        assertTrue(s.shares("c.sh[0]", "p.sh[0]"));
        s.run("p: madvise sh pageout");
        assertTrue(s.pte("p.sh[0]").present(), "mapcount 2: not this process's alone");
        assertTrue(s.shares("c.sh[0]", "p.sh[0]"));
        s.run("c: exit", "p: madvise sh pageout");
        assertTrue(s.pte("p.sh[0]").none(), "mapped once now: paged out");
    }

    // class 3, file mappings: the PTE is cleared; a clean page is dropped, a dirty one stays in the page cache
    @ParameterizedTest
    @MethodSource("versions")
    void filePageoutUnmapsDropsCleanKeepsDirty(KernelVersion v) {
        Script s = at(v, true).run("p: f = mmap 2 file data shared", "p: g = mmap 1 file other", "p: read f", "p: read g",
                "p: write f[1] \"F\"");
        long clean = s.pte("p.f[0]").pfn(), dirty = s.pte("p.f[1]").pfn(), priv = s.pte("p.g[0]").pfn();
        s.run("p: madvise f pageout", "p: madvise g pageout");
        assertTrue(s.pte("p.f[0]").none());
        assertTrue(s.pte("p.f[1]").none());
        assertTrue(s.pte("p.g[0]").none(), "private file mappings too");
        assertFalse(s.pagemap("p.f[0]").swapped());
        assertTrue(hasRule(s.steps.get(s.steps.size() - 2), Rule.PAGEOUT_FILE));
        assertEquals(0, s.o.stats().swapOuts(), "page-cache pages never go to swap");
        s.run("p: read f", "p: read g");
        assertNotEquals(clean, s.pte("p.f[0]").pfn(), "the clean page was dropped and read again");
        assertEquals(dirty, s.pte("p.f[1]").pfn(), "the dirty page stayed in the page cache");
        assertEquals("F", s.content("p.f[1]"));
        assertNotEquals(priv, s.pte("p.g[0]").pfn());
        assertEquals("other", s.content("p.g[0]"));
        assertFalse(s.page("p.f[0]").lru(), "a page read again waits in the LRU-add batch");
    }

    @ParameterizedTest
    @MethodSource("versions")
    void aCleanFilePageHeldByAPipeStaysInThePageCache(KernelVersion v) {
        Script s = at(v, true).run("p: g = mmap 1 file other shared", "p: read g", "p: vmsplice g to pp");
        long pfn = s.pte("p.g[0]").pfn();
        s.run("p: madvise g pageout");
        assertTrue(s.pte("p.g[0]").none(), "unmapped all the same");
        s.run("p: read g");
        assertEquals(pfn, s.pte("p.g[0]").pfn(), "__remove_mapping refused: the pipe holds the page");
        assertEquals("other", s.lastValue());
    }

    // class 7: a THP that another process maps is left alone before any split
    @ParameterizedTest
    @MethodSource("versions")
    void aSharedThpIsLeftAloneWithoutASplit(KernelVersion v) {
        Script s = at(v, true).run("p: buf = mmap 2M hugepage", "p: write buf[0] \"A\"", "p: fork c");
        s.run("p: madvise buf[0..9] pageout");
        assertTrue(s.pte("p.buf[0]").pmd(), "no PMD split, even for a partial range");
        assertTrue(s.pte("c.buf[0]").pmd());
        assertFalse(s.pte("p.buf[0]").swap());
        assertEquals(0, s.count(EventType.SPLIT));
        assertTrue(hasRule(s.last(), Rule.PAGEOUT_SHARED_THP));
        s.run("p: madvise buf pageout");
        assertTrue(s.pte("p.buf[0]").pmd(), "nor for the whole PMD");
    }

    // THP swap-out on a swapfile splits; class 6: from 6.12 the split maps zero-filled subpages to the zero page
    @ParameterizedTest
    @MethodSource("versions")
    void thpPageoutSplitsAndRemapsZeroSubpagesFrom612(KernelVersion v) {
        Script s = at(v, true).run("p: buf = mmap 2M hugepage", "p: write buf[0] \"A\"", "p: write buf[5] \"B\"");
        assertTrue(s.pte("p.buf[0]").pmd());
        s.run("p: madvise buf pageout");
        assertTrue(hasRule(s.last(), Rule.THP_SWAPOUT_SPLIT));
        assertTrue(s.pte("p.buf[0]").swap());
        assertTrue(s.pte("p.buf[5]").swap());
        boolean remap = s.atLeast("6.12");
        assertEquals(remap, s.pte("p.buf[1]").zero(), "zero-filled subpage");
        assertEquals(!remap, s.pte("p.buf[1]").swap());
        assertEquals(remap, hasRule(s.last(), Rule.THP_SPLIT_ZEROPAGE));
        s.run("p: read buf[0]", "p: read buf[1]");
        assertEquals("", s.lastValue());
        assertFalse(s.pte("p.buf[0]").pmd(), "the THP is gone: small pages from now on");
    }

    @ParameterizedTest
    @MethodSource("versions")
    void aPartialRangeSplitsTheThpOutsideTheRangeToo(KernelVersion v) {
        Script s = at(v, true).run("p: buf = mmap 2M hugepage", "p: write buf[0] \"A\"", "p: write buf[5] \"B\"");
        s.run("p: madvise buf[0..1] pageout");
        assertTrue(s.pte("p.buf[0]").swap());
        assertFalse(s.pte("p.buf[5]").pmd(), "the whole folio was split");
        assertTrue(s.pte("p.buf[5]").present(), "outside the range: not paged out");
        assertEquals("B", s.content("p.buf[5]"));
        assertEquals(s.atLeast("6.12"), s.pte("p.buf[300]").zero());
        assertEquals(s.atLeast("6.12"), s.pte("p.buf[1]").zero(), "inside the range and zero-filled: zero page, not swapped");
        if (s.before("6.12")) assertTrue(s.pte("p.buf[1]").swap());
    }

    @ParameterizedTest
    @MethodSource("versions")
    void aPinnedThpCannotBeSplitAndStays(KernelVersion v) {
        Script s = at(v, true).run("p: buf = mmap 2M hugepage", "p: write buf[0] \"A\"", "p: pin buf[0] rw longterm as h",
                "p: madvise buf pageout");
        assertTrue(s.pte("p.buf[0]").pmd(), "can_split_folio: the pin is an extra reference");
        assertFalse(s.pte("p.buf[0]").swap());
    }

    @ParameterizedTest
    @MethodSource("versions")
    void withoutSwapAWholeThpStaysAndAPartlyCoveredOneIsSplit(KernelVersion v) {
        Script s = at(v, false).run("p: buf = mmap 2M hugepage", "p: write buf[0] \"A\"", "p: madvise buf pageout");
        assertTrue(s.pte("p.buf[0]").pmd());
        s.run("p: madvise buf[0..1] pageout");
        assertFalse(s.pte("p.buf[0]").pmd(), "madvise splits a partly covered THP before reclaim");
        assertTrue(s.pte("p.buf[0]").present(), "no swap: nothing paged out");
    }

    // §3: KSM splits a THP before merging one of its pages
    @ParameterizedTest
    @MethodSource("versions")
    void ksmSplitsTheThpBeforeMerging(KernelVersion v) {
        Script s = at(v, true).run("p: a = mmap 2M hugepage", "p: b = mmap 1", "p: write a[3] \"K\"", "p: write b \"K\"",
                "p: madvise a mergeable", "p: madvise b mergeable", "ksmd", "ksmd");
        assertTrue(s.shares("p.a[3]", "p.b[0]"), "merged after two scans");
        assertTrue(s.page("p.a[3]").ksm());
        assertFalse(s.pte("p.a[0]").pmd(), "the THP was split first");
        assertTrue(s.steps.stream().anyMatch(st -> hasRule(st, Rule.KSM_SPLITS_THP)));
        assertEquals(s.atLeast("6.12"), s.pte("p.a[0]").zero(), "the split remaps zero-filled subpages from 6.12");
    }

    @ParameterizedTest
    @MethodSource("versions")
    void twoPagesOfOneThpMergeOneScanLater(KernelVersion v) {
        Script s = at(v, true).run("p: a = mmap 2M hugepage", "p: write a \"K\"", "p: madvise a mergeable", "ksmd", "ksmd");
        assertFalse(s.pte("p.a[0]").pmd(), "the THP was split");
        assertFalse(s.shares("p.a[0]", "p.a[1]"), "a[0] and a[1] met inside one THP: the merge failed while ksmd held both, the THP was split instead");
        assertTrue(s.shares("p.a[0]", "p.a[2]"), "a[2] came after the split and merged with a[0]");
        s.run("ksmd");
        assertTrue(s.shares("p.a[0]", "p.a[1]"), "merged in the next scan");
    }

    // PAGEOUT_PUTBACK_BATCH: what shrink_folio_list keeps goes back through folio_putback_lru into the caller's LRU-add
    // batch. Found with `cowscope host --random 100 --seed 3` on 6.18: after pageout, a write swap-in, the kernel kept
    // the page in the swap cache (page_count = swap cache + batch + the fault's own: should_try_to_free_swap says no).
    @ParameterizedTest
    @MethodSource("versions")
    void pageoutPutsKeptPagesBackThroughTheLruAddBatch(KernelVersion v) {
        boolean putback = Rule.PAGEOUT_PUTBACK_BATCH.inForce(v);
        Script s = at(v, true).run("p: a = mmap 2", "p: write a \"A\"", "p: madvise a[0] pageout");
        PageView pg = s.page("p.a[0]");
        assertTrue(pg.swapcache());
        assertEquals(!putback, pg.lru(), "PG_lru is clear while the page waits in the batch");
        assertEquals(putback ? 0 : -1, pg.lruBatchCpu(), "the batch of the CPU that called madvise");
        assertEquals(putback ? 2 : 1, pg.refcount(), "the swap cache, and the batch");
        assertEquals(putback, s.last().events().stream().anyMatch(e -> e.rule() == Rule.PAGEOUT_PUTBACK_BATCH && "folio_putback_lru".equals(e.function())));
        s.run("p: write a[0] \"B\"");
        assertEquals("B", s.content("p.a[0]"));
        if (Rule.ANON_EXCLUSIVE.inForce(v)) {
            assertEquals(putback, s.page("p.a[0]").swapcache(), "the batch reference keeps the swap cache on a write swap-in");
            assertTrue(s.pte("p.a[0]").write(), "exclusive from the swap PTE: mapped writable all the same");
        }
        s.run("lru_drain");
        assertTrue(s.page("p.a[0]").lru());
    }

    @ParameterizedTest
    @MethodSource("versions")
    void pageoutPutBackWithoutSwapAndForShmem(KernelVersion v) {
        boolean putback = Rule.PAGEOUT_PUTBACK_BATCH.inForce(v);
        Script s = at(v, false).run("p: a = mmap 1", "p: write a \"A\"", "p: madvise a pageout");
        assertTrue(s.pte("p.a[0]").present(), "no swap: the anonymous page stays mapped");
        assertEquals(!putback, s.page("p.a[0]").lru(), "isolated all the same, then put back into the batch (activate_locked)");
        Script t = at(v, true).run("p: sh = mmap 1 shared", "p: write sh \"S\"", "p: madvise sh pageout", "p: read sh");
        assertEquals("S", t.lastValue());
        assertEquals(!putback, t.page("p.sh[0]").lru(), "the shmem page read back from the swap cache still waits in the batch (observed on 6.18)");
        t.run("lru_drain");
        assertTrue(t.page("p.sh[0]").lru());
    }
}
