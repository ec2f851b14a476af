package io.cowscope.engine;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * VMA_FLAGS_UNCHANGED (kernel-model §10 class 8): mprotect_fixup and madvise_update_vma return early for a VMA
 * whose flags would not change, so a no-op call splits neither the VMA nor a PMD, and touches no PTE.
 */
class VmaFlagsUnchangedTest {
    static Stream<KernelVersion> versions() {
        return Versions.all();
    }

    private static Script thp(KernelVersion v) {
        return new Script(MachineConfig.defaults(v).withThp(ThpMode.MADVISE)).run("process p", "p: buf = mmap 4M hugepage",
                "p: write buf[0] \"A\"", "p: write buf[512] \"B\"");
    }

    // If a no-op mprotect split the PMD, the THP would be PTE-mapped from then on (pre-5.8 fork COW copies 4 KiB, not 2 MiB).
    @ParameterizedTest
    @MethodSource("versions")
    void noopMprotectKeepsThePmd(KernelVersion v) {
        Script s = thp(v);
        assertTrue(s.pte("p.buf[3]").pmd());
        s.run("p: mprotect buf[3..5] rw");
        assertTrue(s.pte("p.buf[3]").pmd(), "rw on an rw VMA: nothing to split");
        assertEquals(0, s.count(EventType.SPLIT));
        assertTrue(s.last().events().stream().anyMatch(e -> e.rule() == Rule.VMA_FLAGS_UNCHANGED && "mprotect_fixup".equals(e.function())));
        s.run("p: mprotect buf[3..5] ro");
        assertFalse(s.pte("p.buf[3]").pmd(), "ro really changes the VMA: split_vma splits the PMD that straddles the edges");
        assertTrue(s.pte("p.buf[512]").pmd(), "the other PMD lies outside the range");
        assertFalse(s.pte("p.buf[4]").write());
        assertTrue(s.pte("p.buf[6]").write());
    }

    // Without the early return, change_protection would make an exclusive anon PTE writable (6.0+), hiding the next fault.
    @ParameterizedTest
    @MethodSource("versions")
    void noopMprotectTouchesNoPte(KernelVersion v) {
        Script s = Script.at(v).run("process p", "p: buf = mmap 1", "p: write buf \"A\"", "lru_drain", "p: fork c", "c: exit");
        assertFalse(s.pte("p.buf[0]").write(), "fork write-protected the parent's PTE");
        s.run("p: mprotect buf rw");
        assertFalse(s.pte("p.buf[0]").write(), "mprotect to the protection the VMA already has changes no PTE");
        s.run("p: write buf \"B\"");
        assertTrue(s.last().has("fault"));
        assertTrue(s.last().has("reuse"), "the only mapping left: reused in every era");
        assertEquals("B", s.content("p.buf[0]"));
    }

    // madvise: only the edges whose VMA changes are split; a VMA that already has the flag is left whole.
    @ParameterizedTest
    @MethodSource("versions")
    void madviseSplitsOnlyChangingEdges(KernelVersion v) {
        Script s = thp(v);
        s.run("p: madvise buf[3..5] hugepage");
        assertTrue(s.pte("p.buf[3]").pmd(), "MADV_HUGEPAGE on a VM_HUGEPAGE VMA: no split");
        assertEquals(0, s.count(EventType.SPLIT));
        s.run("p: madvise buf[0..511] dontfork");
        assertTrue(s.pte("p.buf[3]").pmd(), "the range covers the whole PMD: the VMA splits on a PMD boundary");
        s.run("p: madvise buf[256..600] dontfork");
        assertTrue(s.pte("p.buf[3]").pmd(), "buf[256] is already VM_DONTCOPY: its VMA is not split");
        assertFalse(s.pte("p.buf[512]").pmd(), "buf[600] changes: the second PMD is split at the edge");
        s.run("p: madvise buf[0..511] dofork", "p: madvise buf[0..511] dofork");
        assertTrue(s.pte("p.buf[3]").pmd());
        assertTrue(s.last().events().stream().anyMatch(e -> e.rule() == Rule.VMA_FLAGS_UNCHANGED && "madvise_update_vma".equals(e.function())));
    }

    // MADV_KEEPONFORK on a file mapping is not an error (only WIPEONFORK is refused); MADV_MERGEABLE on a shared mapping is ignored.
    @ParameterizedTest
    @MethodSource("versions")
    void advicesThatChangeNothing(KernelVersion v) {
        Script s = Script.at(v).run("process p", "p: sh = mmap 2 shared", "p: write sh \"S\"", "p: madvise sh mergeable");
        assertFalse(s.m.ksmRegions.stream().anyMatch(m -> m.name.equals("sh")), "ksm_madvise ignores VM_SHARED");
        assertTrue(s.last().events().stream().anyMatch(e -> e.rule() == Rule.VMA_FLAGS_UNCHANGED));
    }
}
