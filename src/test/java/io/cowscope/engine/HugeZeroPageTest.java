package io.cowscope.engine;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * HUGE_ZERO_PAGE and its COW by era (kernel-model §10 class 9): the read fault maps the huge zero page with one PMD;
 * a write allocates a THP (≤ 5.7, ≥ 6.13) or splits the PMD into small zero pages and copies one page (5.8-6.12).
 * A PMD never maps part of a block or two VMAs: a partial zap or VMA split splits it into small zero pages.
 */
class HugeZeroPageTest {
    static Stream<KernelVersion> versions() {
        return Versions.all();
    }

    private static Script at(KernelVersion v) {
        return new Script(MachineConfig.defaults(v)).run("process p", "p: a = mmap 4M hugepage", "p: read a[3]");
    }

    @ParameterizedTest
    @MethodSource("versions")
    void readFaultMapsTheHugeZeroPage(KernelVersion v) {
        Script s = at(v);
        assertEquals(1, s.last().count(EventType.FAULT));
        assertTrue(s.last().events().stream().anyMatch(e -> e.rule() == Rule.HUGE_ZERO_PAGE));
        for (int i : new int[]{0, 3, 511}) {
            assertTrue(s.pte("p.a[" + i + "]").zero());
            assertTrue(s.pagemap("p.a[" + i + "]").file(), "pagemap bit 61: the huge zero folio is not anon");
            assertFalse(s.pagemap("p.a[" + i + "]").exclusive());
            assertTrue(s.page("p.a[" + i + "]").thp());
            assertEquals(0, s.page("p.a[" + i + "]").mapcount());
        }
        assertFalse(s.pte("p.a[512]").present(), "only the faulting PMD");
        s.run("p: read a[512]");
        assertTrue(s.pte("p.a[1023]").zero());
        s.run("p: fork c");
        assertTrue(s.pte("c.a[100]").zero(), "the read fault prepared the anon_vma: fork copies the huge zero PMD");
        assertTrue(s.pagemap("c.a[100]").file());
    }

    @ParameterizedTest
    @MethodSource("versions")
    void writeCowsByEra(KernelVersion v) {
        Script s = at(v).run("p: write a[5] \"x\"");
        assertEquals("x", s.content("p.a[5]"));
        boolean thp = Rule.HUGE_ZERO_COW_THP.inForce(v) || Rule.HUGE_ZERO_WP_THP.inForce(v);
        assertEquals(thp, s.page("p.a[5]").thp(), "a THP replaces the huge zero PMD");
        assertEquals(!thp, s.pte("p.a[6]").zero(), "split: the rest are small zero pages");
        assertFalse(s.pagemap("p.a[6]").file(), "either way no longer the huge zero page");
        if (thp) assertEquals(s.page("p.a[5]").folioHead(), s.page("p.a[6]").folioHead(), "one folio for the whole PMD");
        assertEquals(1, s.last().count(EventType.FAULT));
    }

    @ParameterizedTest
    @MethodSource("versions")
    void partialOperationsSplitIt(KernelVersion v) {
        Script s = at(v).run("p: mprotect a[0..9] ro");
        assertTrue(s.pte("p.a[20]").zero());
        assertFalse(s.pagemap("p.a[20]").file(), "the VMA split split the PMD: small zero pages");
        assertFalse(s.page("p.a[20]").thp());
        s.run("p: read a[600]", "p: madvise a[600..610] dontneed");
        assertFalse(s.pte("p.a[600]").present());
        assertTrue(s.pte("p.a[700]").zero());
        assertFalse(s.pagemap("p.a[700]").file(), "a partial zap splits it too");
        s.run("p: write a[20] \"y\"");
        assertFalse(s.page("p.a[20]").thp(), "small zero page: an ordinary zero-page COW");
    }

    @ParameterizedTest
    @MethodSource("versions")
    void noHugeZeroWithoutThp(KernelVersion v) {
        Script s = new Script(MachineConfig.defaults(v)).run("process p", "p: a = mmap 2M", "p: read a[3]");
        assertTrue(s.pte("p.a[3]").zero());
        assertFalse(s.pagemap("p.a[3]").file(), "thp madvise without MADV_HUGEPAGE: the small zero page");
        assertFalse(s.pte("p.a[4]").present());
    }

    /** A read-only long-term pin (6.2+ unshares non-anon pages in COW mappings): before 6.13 the huge zero PMD is split
     * and one small page is unshared; from 6.13 do_huge_pmd_wp_page → do_huge_zero_wp_pmd allocates a whole THP, as for a write. */
    @ParameterizedTest
    @MethodSource("versions")
    void readOnlyLongtermPinUnsharesByEra(KernelVersion v) {
        Script s = at(v).run("p: pin a[5] longterm as h");
        boolean unshare = Rule.LONGTERM_RO_FILE_UNSHARE.inForce(v);
        boolean thp = unshare && Rule.HUGE_ZERO_WP_THP.inForce(v);
        if (!unshare) return; // older eras: the pin holds the (huge) zero page or breaks COW as a write (zero-page-longterm-pin.cow)
        assertFalse(s.pte("p.a[5]").zero(), "the pin no longer holds the zero page");
        assertTrue(s.page("p.a[5]").anon());
        assertEquals(thp, s.page("p.a[5]").thp(), "a THP replaces the huge zero PMD (6.13+), else one small page");
        assertEquals(thp, s.pte("p.a[5]").write(), "map_anon_folio_pmd maps it writable; the PTE-level unshare maps read-only");
        assertEquals(!thp, s.pte("p.a[6]").zero(), "split: the neighbours are small zero pages");
        assertFalse(s.pagemap("p.a[6]").file(), "either way no longer the huge zero page");
        s.run("p: write a[5] \"A\"", "dma h read");
        assertEquals("A", s.lastValue(), "the pinned page is the process's page: the device sees the write");
    }
}
