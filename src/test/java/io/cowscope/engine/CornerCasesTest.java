package io.cowscope.engine;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.cowscope.engine.Versions.in;
import static org.junit.jupiter.api.Assertions.*;

/** Paths the canonical scenarios touch only lightly: THP pins across fork, swap entries across fork and exit, KSM with GUP. */
class CornerCasesTest {
    static Stream<KernelVersion> versions() {
        return Versions.all();
    }

    // A pinned PMD THP under FORK_EARLY_COW is split and the child gets 512 private copies; the parent keeps its pinned pages.
    @ParameterizedTest
    @MethodSource("versions")
    void pinnedThpAcrossFork(KernelVersion v) {
        Script s = Script.at(v).run("process parent", "parent: buf = mmap 2M hugepage", "parent: write buf \"A\"",
                "parent: rdma_register buf[3] as h", "parent: fork child");
        boolean early = in(v, "5.9", null);
        assertEquals(early ? 512 : 0, s.last().count(EventType.FORK_COPY));
        assertEquals(!early, s.shares("parent.buf[3]", "child.buf[3]"));
        s.run("parent: write buf[3] \"B\"", "dma h read");
        assertEquals(early ? "B" : "A", s.lastValue(), "without FORK_EARLY_COW the parent COWs away from its pinned page");
        assertEquals("A", s.content("child.buf[3]"));
    }

    // Swap entries shared through fork: exit of one side drops its swap count; the slot survives for the other.
    @ParameterizedTest
    @MethodSource("versions")
    void swapAcrossForkAndExit(KernelVersion v) {
        Script s = Script.at(v).run("process parent", "parent: buf = mmap 2", "parent: write buf \"A\"", "parent: madvise buf pageout",
                "parent: fork child", "reclaim");
        assertTrue(s.o.swapped("child", "buf", 0));
        assertNull(s.page("child.buf[0]"), "reclaim freed the unmapped swap-cache page");
        s.run("child: write buf[0] \"C\"", "parent: exit", "child: read buf", "lru_drain", "reclaim");
        assertEquals("C", s.content("child.buf[0]"));
        assertEquals("A", s.content("child.buf[1]"));
        assertEquals(2, s.o.stats().pages(), "only the child's two pages remain after reclaim");
    }

    // KSM refuses to merge a page with an extra (GUP, pipe) reference: write_protect_page needs refcount == mapcount + swapcache.
    @ParameterizedTest
    @MethodSource("versions")
    void ksmRefusesReferencedPages(KernelVersion v) {
        Script s = Script.at(v).run("process a", "a: x = mmap 2", "a: write x \"same\"", "a: madvise x mergeable",
                "a: vmsplice x[0] into p", "ksmd 2");
        assertFalse(s.shares("a.x[0]", "a.x[1]"));
        s.run("a: read p", "ksmd");
        assertTrue(s.shares("a.x[0]", "a.x[1]"), "merged once the pipe released its reference");
    }

    // uffd-wp on a swapped-out page: the bit travels in the swap PTE and the write after swap-in blocks.
    @ParameterizedTest
    @MethodSource("versions")
    void uffdWpOnSwapEntry(KernelVersion v) {
        Script s = Script.at(v).run("process p", "p: buf = mmap 1", "p: write buf \"A\"", "p: uffd_register buf", "p: uffd_wp buf on",
                "p: madvise buf pageout", "p: write buf \"B\"");
        boolean has = in(v, "5.7", null);
        assertEquals(has, s.o.blocked("p"));
        if (has) {
            assertTrue(s.pte("p.buf[0]").uffdWp());
            s.run("p: uffd_wp buf off");
        }
        assertEquals("B", s.content("p.buf[0]"));
    }

    // MADV_PAGEOUT of a THP splits the folio (split_huge_page) and swaps small pages; a pinned THP cannot be split.
    @ParameterizedTest
    @MethodSource("versions")
    void thpPageout(KernelVersion v) {
        Script s = Script.at(v).run("process p", "p: buf = mmap 2M hugepage", "p: write buf[0..1] \"A\"", "p: madvise buf[0..1] pageout");
        assertEquals(1, s.last().count(EventType.SPLIT) - 1, "the PMD and then the folio are split");
        assertTrue(s.o.swapped("p", "buf", 0));
        assertFalse(s.pte("p.buf[2]").pmd());
        assertFalse(s.page("p.buf[2]").thp());
        s.run("p: read buf[0]");
        assertEquals("A", s.lastValue());
        Script t = Script.at(v).run("process p", "p: buf = mmap 2M hugepage", "p: write buf \"A\"", "p: pin buf[5] as h",
                "p: madvise buf[0] pageout");
        assertFalse(t.o.swapped("p", "buf", 0), "a pinned folio is not split");
        assertFalse(t.last().warnings().isEmpty());
    }

    // GUP-fast: a page that needs a fault falls back to the slow path; a writable one does not.
    @ParameterizedTest
    @MethodSource("versions")
    void gupFast(KernelVersion v) {
        Script s = Script.at(v).run("process p", "p: buf = mmap 2", "p: write buf[0] \"A\"", "p: pin buf rw fast as h");
        assertTrue(s.last().kernelSteps().stream().anyMatch(k -> k.function().equals("gup_fast")));
        assertTrue(s.last().kernelSteps().stream().anyMatch(k -> k.function().equals("__get_user_pages")), "page 1 needed a fault");
        assertEquals(1, s.last().count(EventType.FAULT));
    }
}
