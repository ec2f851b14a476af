package io.cowscope.engine;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * FORK_SKIPS_NO_ANON_VMA (kernel-model §10 class 2): the anon_vma belongs to the VMA. After a split, fork copies
 * page tables only for the VMAs that have one; a part that was only read is not copied.
 */
class AnonVmaPerVmaTest {
    static Stream<KernelVersion> versions() {
        return Versions.all();
    }

    private static boolean skipNoted(Script s) {
        return s.last().events().stream().anyMatch(e -> e.rule() == Rule.FORK_SKIPS_NO_ANON_VMA && "copy_page_range".equals(e.function()));
    }

    // Split first, then fault: only the written half gets an anon_vma; the read half's zero-page PTEs stay in the parent.
    @ParameterizedTest
    @MethodSource("versions")
    void splitThenWriteCopiesOnlyTheWrittenVma(KernelVersion v) {
        Script s = Script.at(v).run("process p", "p: buf = mmap 4", "p: mprotect buf[2..3] ro", "p: write buf[0] \"A\"",
                "p: read buf[2]", "p: fork c");
        assertTrue(s.pte("p.buf[2]").zero(), "the read mapped the zero page in the parent");
        assertTrue(s.pte("c.buf[0]").present(), "the written VMA has an anon_vma: copied");
        assertTrue(s.pte("c.buf[2]").none(), "the read-only VMA never had an anon page: not copied");
        assertTrue(s.pte("c.buf[2]").vma(), "the child still has the VMA");
        assertTrue(skipNoted(s), "fork says which VMA it did not copy");
        s.run("c: read buf[2]");
        assertTrue(s.last().has("fault"), "the child faults the zero page in afresh");
        assertEquals("", s.content("c.buf[2]"));
    }

    // Fault first, then split: both halves keep the anon_vma (anon_vma_clone), so both are copied.
    @ParameterizedTest
    @MethodSource("versions")
    void writeThenSplitCopiesBothHalves(KernelVersion v) {
        Script s = Script.at(v).run("process p", "p: buf = mmap 4", "p: write buf[0] \"A\"", "p: read buf[2]",
                "p: mprotect buf[2..3] ro", "p: fork c");
        assertTrue(s.pte("c.buf[2]").present() && s.pte("c.buf[2]").zero(), "the half split off keeps the anon_vma: its zero PTE is copied");
        assertFalse(skipNoted(s));
    }

    // Split, write one half, merge back (mprotect rw): the merged VMA takes the one anon_vma, so all of it is copied.
    @ParameterizedTest
    @MethodSource("versions")
    void mergeKeepsTheAnonVma(KernelVersion v) {
        Script s = Script.at(v).run("process p", "p: buf = mmap 4", "p: mprotect buf[2..3] ro", "p: read buf[2]",
                "p: write buf[0] \"A\"", "p: mprotect buf[2..3] rw", "p: fork c");
        assertTrue(s.pte("c.buf[2]").present(), "after the merge one VMA with an anon_vma: copied");
    }

    // A private file mapping only read, split from a written part: the read part's page-cache PTEs are not copied.
    @ParameterizedTest
    @MethodSource("versions")
    void privateFileReadPartNotCopied(KernelVersion v) {
        Script s = new Script(MachineConfig.defaults(v).withFiles(List.of(new FileSpec("data", 4, "x")))).run("process p", "p: f = mmap 4 file data", "p: mprotect f[2..3] ro", "p: read f[2]", "p: write f[0] \"A\"", "p: fork c");
        assertTrue(s.pte("p.f[2]").present());
        assertTrue(s.pte("c.f[2]").none(), "page-cache PTE in a VMA without anon_vma: the child faults it in");
        assertTrue(s.pte("c.f[0]").present(), "the COW copy's VMA has an anon_vma");
        assertTrue(skipNoted(s));
        s.run("c: read f[2]");
        assertEquals("x", s.content("c.f[2]"));
    }

    // Without any split the whole mapping is one VMA: one write is enough for everything to be copied.
    @ParameterizedTest
    @MethodSource("versions")
    void unsplitVmaCopiedWhole(KernelVersion v) {
        Script s = Script.at(v).run("process p", "p: buf = mmap 4", "p: read buf[2]", "p: write buf[0] \"A\"", "p: fork c");
        assertTrue(s.pte("c.buf[2]").zero());
        assertFalse(skipNoted(s));
    }
}
