package io.cowscope.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Anonymous multi-size THP (MTHP_ANON_FAULT, 6.8+): which order a write fault takes, how the PTE-mapped large folio
 * is counted, and what COW, fork, partial zap, pageout and pins do to it at each era.
 */
class MthpTest {
    static Stream<KernelVersion> versions() {
        return Stream.concat(Versions.all(), Stream.of("6.8", "6.9").map(x -> KernelVersion.parse(x).orElseThrow()));
    }

    private static MachineConfig cfg(KernelVersion v, HugeAnonOrders o) {
        return MachineConfig.defaults(v).withMthp(o);
    }

    private static final HugeAnonOrders K64_ALWAYS = HugeAnonOrders.NONE.with(4, ThpMode.ALWAYS);

    private static Script at(KernelVersion v) {
        return new Script(cfg(v, K64_ALWAYS)).run("process p", "p: a = mmap 128K", "p: write a[5] \"x\"");
    }

    @ParameterizedTest
    @MethodSource("versions")
    void writeFaultMapsA64KFolioFrom68(KernelVersion v) {
        Script s = at(v);
        boolean mthp = v.atLeast(KernelVersion.parse("6.8").orElseThrow());
        assertEquals(mthp, s.page("p.a[5]").thp(), "a large folio only from 6.8");
        assertEquals(mthp, s.pte("p.a[0]").present(), "the whole aligned 64K range is mapped by the one fault");
        assertEquals(mthp, s.pte("p.a[15]").present());
        assertFalse(s.pte("p.a[16]").present(), "the next 64K is not");
        assertEquals(1, s.last().count(EventType.FAULT));
        if (!mthp) return;
        PageView pv = s.page("p.a[5]");
        assertEquals(16, pv.refcount(), "folio_ref_add(nr - 1): one reference per PTE");
        assertEquals(1, pv.mapcount());
        assertEquals(0, pv.entireMapcount(), "no PMD");
        assertEquals(s.page("p.a[0]").folioHead(), pv.folioHead());
        assertEquals(s.page("p.a[15]").folioHead(), pv.folioHead());
        assertTrue(s.page("p.a[0]").thpHead());
        assertEquals(0, pv.folioHead() % 16, "naturally aligned");
        for (int i : new int[]{0, 5, 15}) {
            assertTrue(s.pte("p.a[" + i + "]").write(), "set_ptes: every PTE writable");
            assertTrue(s.pagemap("p.a[" + i + "]").exclusive());
            assertEquals(Rule.ANON_EXCLUSIVE.inForce(v), s.page("p.a[" + i + "]").anonExclusive());
        }
        assertEquals("", s.content("p.a[6]"), "the rest is zeroed");
        assertTrue(s.last().events().stream().anyMatch(e -> e.rule() == Rule.MTHP_ANON_FAULT && e.function().equals("alloc_anon_folio")));
        assertTrue(s.page("p.a[5]").lru(), "a large folio goes straight to the LRU");
        // writing a neighbour takes no fault
        s.run("p: write a[6] \"y\"");
        assertEquals(0, s.last().count(EventType.FAULT));
    }

    @ParameterizedTest
    @MethodSource("versions")
    void cowAfterForkByEra(KernelVersion v) {
        Script s = at(v).run("p: fork c");
        if (!Rule.MTHP_ANON_FAULT.inForce(v)) return;
        PageView pv = s.page("p.a[5]");
        assertEquals(32, pv.refcount(), "fork: one reference per PTE in each process");
        assertEquals(2, pv.mapcount());
        assertFalse(s.pagemap("p.a[5]").exclusive());
        assertFalse(pv.anonExclusive());
        s.run("c: write a[5] \"c\"");
        assertFalse(s.page("c.a[5]").thp(), "the child copies one 4 KiB page");
        assertTrue(s.page("c.a[6]").thp(), "its other pages stay shared");
        assertEquals(31, s.page("p.a[5]").refcount());
        assertTrue(s.pagemap("p.a[5]").exclusive(), "the parent is the last mapper of that page");
        // the parent writes the page only it maps now: 6.15+ reuses only when the whole folio is exclusive to the mm
        s.run("p: write a[5] \"z\"");
        assertEquals("z", s.content("p.a[5]"));
        assertEquals(1, s.last().count(EventType.COW), "another mm still maps the folio: copy in every era");
        s.run("c: exit");
        s.run("p: write a[7] \"w\"");
        boolean reuse = Rule.LARGE_FOLIO_REUSE.inForce(v);
        assertEquals(reuse, s.page("p.a[7]").thp(), "6.15+: only this mm maps the folio and refcount == large mapcount: reuse");
        assertEquals(reuse ? 0 : 1, s.last().count(EventType.COW));
    }

    @ParameterizedTest
    @MethodSource("versions")
    void singleMappedPageIsCopiedNotReused(KernelVersion v) {
        Script s = at(v);
        if (!Rule.MTHP_ANON_FAULT.inForce(v)) return;
        s.run("p: fork c", "c: exit", "p: madvise a[0..14] dontneed");
        PageView pv = s.page("p.a[15]");
        assertTrue(pv.thp(), "a partial zap leaves the folio (deferred split)");
        assertEquals(1, pv.refcount());
        s.run("p: write a[15] \"q\"");
        // 6.8-6.9: 6.7's wp_can_reuse_anon_folio has no large-folio test: page_count 1 (this PTE) → reuse
        boolean copy = Rule.LARGE_FOLIO_NO_REUSE.inForce(v) || Rule.LARGE_FOLIO_REUSE.inForce(v);
        assertEquals(!copy, s.page("p.a[15]").thp(), "large mapcount 1: copy so the large folio can be freed (6.15+) or never reused (6.10-6.14); "
                + "6.8-6.9 reuse (refcount 1)");
    }

    @ParameterizedTest
    @MethodSource("versions")
    void fallbackOrders(KernelVersion v) {
        if (!Rule.MTHP_ANON_FAULT.inForce(v)) return;
        HugeAnonOrders o = HugeAnonOrders.NONE.with(4, ThpMode.ALWAYS).with(2, ThpMode.ALWAYS);
        Script s = new Script(cfg(v, o)).run("process p", "p: a = mmap 128K", "p: read a[1]", "p: write a[20] \"x\"");
        assertEquals(16, s.page("p.a[20]").refcount(), "64K at [16..31]");
        s.run("p: write a[5] \"y\"");
        assertTrue(s.pte("p.a[1]").zero(), "the zero-page PTE stays");
        assertEquals(4, s.page("p.a[5]").refcount(), "the 64K range holds a zero-page PTE (not pte_none): 16K [4..7] instead");
        assertTrue(s.pte("p.a[4]").present());
        assertFalse(s.pte("p.a[8]").present());
        s.run("p: write a[2] \"w\"");
        assertFalse(s.page("p.a[2]").thp(), "[0..3] holds the zero-page PTE too: 4 KiB");
        s.run("p: write a[1] \"z\"");
        assertFalse(s.page("p.a[1]").thp(), "a write to the zero page copies one 4 KiB page");
        Script t = new Script(cfg(v, o)).run("process p", "p: a = mmap 12K", "p: write a[0] \"x\"");
        assertFalse(t.page("p.a[0]").thp(), "no 16K fits in a 12K VMA");
    }

    @ParameterizedTest
    @ValueSource(strings = {"never", "madvise", "always"})
    void inheritFollowsTheTopLevel(String top) {
        KernelVersion v = KernelVersion.parse("6.18").orElseThrow();
        ThpMode t = ThpMode.valueOf(top.toUpperCase());
        HugeAnonOrders o = HugeAnonOrders.NONE.with(5, null);
        for (boolean hp : new boolean[]{false, true}) {
            Script s = new Script(cfg(v, o).withThp(t)).run("process p", "p: a = mmap 256K" + (hp ? " hugepage" : ""), "p: write a[0] \"x\"");
            boolean expect = t == ThpMode.ALWAYS || (hp && t == ThpMode.MADVISE);
            assertEquals(expect, s.page("p.a[0]").thp(), "inherit with top-level " + top + (hp ? " in a MADV_HUGEPAGE VMA" : ""));
            if (expect) assertEquals(32, s.page("p.a[0]").refcount(), "128K");
        }
        Script s = new Script(cfg(v, HugeAnonOrders.NONE.with(4, ThpMode.MADVISE))).run("process p", "p: a = mmap 128K", "p: write a[0] \"x\"");
        assertFalse(s.page("p.a[0]").thp(), "madvise: only in MADV_HUGEPAGE VMAs");
        s = new Script(cfg(v, K64_ALWAYS)).run("process p", "p: a = mmap 128K", "p: madvise a nohugepage", "p: write a[0] \"x\"");
        assertFalse(s.page("p.a[0]").thp(), "MADV_NOHUGEPAGE: no order at all");
    }

    @ParameterizedTest
    @MethodSource("versions")
    void pinOneSubpageAndFork(KernelVersion v) {
        Script s = at(v);
        if (!Rule.MTHP_ANON_FAULT.inForce(v) || !Rule.PIN_USER_PAGES.inForce(v)) return;
        s.run("p: pin a[5] rw longterm as h");
        assertEquals(17, s.page("p.a[5]").refcount(), "a large folio's pin: +1 and pincount +1");
        assertEquals(1, s.page("p.a[0]").pincount());
        s.run("p: fork c");
        assertEquals(Rule.FORK_EARLY_COW.inForce(v), !s.shares("p.a[5]", "c.a[5]"), "the pinned folio's exclusive pages are copied for the child");
        s.run("p: write a[5] \"p\"");
        assertEquals("p", s.content("p.a[5]"));
    }

    @ParameterizedTest
    @MethodSource("versions")
    void pageoutSplitsAndSwapsToTheSwapfile(KernelVersion v) {
        Script s = at(v);
        if (!Rule.MTHP_ANON_FAULT.inForce(v)) return;
        s.run("p: madvise a[0..15] pageout");
        assertTrue(s.pte("p.a[5]").swap(), "split (a swapfile takes no large swap entry), then swapped page by page");
        assertEquals(Rule.THP_SPLIT_ZEROPAGE.inForce(v), s.pte("p.a[6]").zero(), "6.12+: zero-filled subpages map the shared zero page");
        s.run("p: read a[5]");
        assertEquals("x", s.lastValue());
        assertFalse(s.page("p.a[5]").thp(), "swap-in from a swapfile: a small page");
    }

    @ParameterizedTest
    @MethodSource("versions")
    void pageoutSplitsWhereTheEraDoes(KernelVersion v) {
        if (!Rule.MTHP_ANON_FAULT.inForce(v)) return;
        Script s = at(v).run("p: write a[20] \"y\"", "p: madvise a[0..15] pageout");
        Event split = s.last().events().stream().filter(e -> e.rule() == Rule.THP_SWAPOUT_SPLIT).findFirst().orElseThrow();
        assertEquals(Rule.MTHP_PAGEOUT_WHOLE.inForce(v) ? "shrink_folio_list" : "madvise_cold_or_pageout_pte_range", split.function(),
                "6.10+: a wholly covered folio goes to reclaim whole and is split there; before, in the madvise walk");
        s.run("p: madvise a[16..19] pageout");
        assertEquals("madvise_cold_or_pageout_pte_range", s.last().events().stream().filter(e -> e.rule() == Rule.THP_SWAPOUT_SPLIT)
                .findFirst().orElseThrow().function(), "part of a folio: split in the walk in every era");
        assertTrue(s.pte("p.a[20]").present() && !s.pte("p.a[20]").swap(), "pages outside the range stay");
        s.run("p: fork c", "p: madvise a[20..31] pageout");
        assertTrue(s.pte("p.a[20]").present(), "another process maps its pages: left alone");
    }

    @ParameterizedTest
    @MethodSource("versions")
    void aSharedFolioStopsThePageoutWalkBefore610(KernelVersion v) {
        if (!Rule.MTHP_ANON_FAULT.inForce(v)) return;
        Script s = at(v).run("p: fork c", "p: write a[20] \"y\"", "p: madvise a pageout");
        assertTrue(s.pte("p.a[5]").present(), "the shared folio is left alone in every era");
        boolean walked = Rule.MTHP_PAGEOUT_WHOLE.inForce(v);
        assertEquals(walked, s.pte("p.a[20]").swap(), "6.10+ skips the shared folio and pages out the next; before, the walk stopped ('break')");
        assertEquals(!walked, s.page("p.a[20]") != null && s.page("p.a[20]").thp());
    }

    @Test
    void hugeAnonOrders() {
        assertEquals(2, HugeAnonOrders.orderOf(16384));
        assertEquals(8, HugeAnonOrders.orderOf(1 << 20));
        assertEquals(-1, HugeAnonOrders.orderOf(8192), "no order-1 anonymous folios");
        assertEquals(-1, HugeAnonOrders.orderOf(2 << 20), "2M is the PMD size: thp");
        assertEquals(-1, HugeAnonOrders.orderOf(49152));
        HugeAnonOrders o = HugeAnonOrders.NONE.with(4, ThpMode.ALWAYS).with(2, null).with(8, ThpMode.MADVISE);
        assertEquals("1024K madvise, 64K always, 16K inherit", o.toString());
        assertEquals(HugeAnonOrders.NONE, o.with(4, ThpMode.NEVER).with(2, ThpMode.NEVER).with(8, ThpMode.NEVER));
        assertThrows(IllegalArgumentException.class, () -> HugeAnonOrders.NONE.with(9, ThpMode.ALWAYS));
        assertThrows(IllegalArgumentException.class, () -> new HugeAnonOrders(1 << 4, 1 << 4, 0));
    }

    @Test
    void ignoredBefore68() {
        Script s = new Script(cfg(KernelVersion.parse("6.7").orElseThrow(), K64_ALWAYS)).run("process p", "p: a = mmap 128K", "p: write a[0] \"x\"");
        assertFalse(s.page("p.a[0]").thp());
        assertFalse(s.pte("p.a[1]").present());
    }
}
