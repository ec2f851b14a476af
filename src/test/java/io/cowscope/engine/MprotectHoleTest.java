package io.cowscope.engine;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * MPROTECT_HOLE_ENOMEM: do_mprotect_pkey fails with ENOMEM when the range does not start in a VMA (nothing changes),
 * and stops at the first gap with ENOMEM after changing the VMAs before it. Found by `cowscope host --random 200
 * --seed 1` on 6.18 (mprotect of a mapping the process had unmapped: the kernel said ENOMEM, the model ok).
 */
class MprotectHoleTest {
    static Stream<KernelVersion> versions() {
        return Versions.all();
    }

    @ParameterizedTest
    @MethodSource("versions")
    void wholeRangeUnmapped(KernelVersion v) {
        Script s = Script.at(v).run("process p", "p: a = mmap 3", "p: munmap a", "p: fork c");
        Step st = s.step("c: mprotect a none");
        assertEquals("ENOMEM", st.errno());
        assertNull(st.error(), "a failed system call is not a run-time error");
        assertTrue(st.events().stream().anyMatch(e -> e.rule() == Rule.MPROTECT_HOLE_ENOMEM && "do_mprotect_pkey".equals(e.function())));
    }

    @ParameterizedTest
    @MethodSource("versions")
    void startUnmappedChangesNothing(KernelVersion v) {
        Script s = Script.at(v).run("process p", "p: a = mmap 3", "p: write a \"x\"", "p: munmap a[0]");
        assertEquals("ENOMEM", s.step("p: mprotect a ro").errno());
        s.run("p: write a[1] \"y\"");
        assertFalse(s.last().has("sigsegv"), "a[1] is still writable: nothing was changed");
        assertEquals("y", s.content("p.a[1]"));
    }

    @ParameterizedTest
    @MethodSource("versions")
    void gapStopsTheWalk(KernelVersion v) {
        Script s = Script.at(v).run("process p", "p: a = mmap 4", "p: write a \"x\"", "p: munmap a[2]");
        assertEquals("ENOMEM", s.step("p: mprotect a ro").errno());
        assertFalse(s.pte("p.a[0]").write());
        assertFalse(s.pte("p.a[1]").write());
        s.run("p: write a[3] \"y\"");
        assertFalse(s.last().has("sigsegv"), "the VMA after the gap keeps rw");
        s.run("p: write a[1] \"z\"");
        assertTrue(s.last().has("sigsegv"), "the VMA before the gap became read-only");
    }

    @ParameterizedTest
    @MethodSource("versions")
    void mappedRangeSucceeds(KernelVersion v) {
        Script s = Script.at(v).run("process p", "p: a = mmap 4", "p: write a \"x\"", "p: munmap a[3]");
        assertNull(s.step("p: mprotect a[0..2] ro").errno());
        assertEquals(0, s.last().events().stream().filter(e -> e.rule() == Rule.MPROTECT_HOLE_ENOMEM).count());
    }
}
