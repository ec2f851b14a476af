package io.cowscope.engine;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * System calls that fail return an errno (Step.errno) and the run goes on: WRITABLE_FILE_PIN_EFAULT (kernel-model §10
 * class 5, 6.5+), io_uring registration of read-only and PROT_NONE memory, vmsplice of unmapped memory, MADV_WIPEONFORK
 * on shared or file mappings, madvise over a hole (ENOMEM). Checked on the real 6.18 kernel with `cowscope host`.
 */
class SyscallErrnoTest {
    static Stream<KernelVersion> versions() {
        return Versions.all();
    }

    private static Script at(KernelVersion v) {
        return new Script(MachineConfig.defaults(v).withFiles(List.of(new FileSpec("data", 4, "disk")))).run("process p");
    }

    @ParameterizedTest
    @MethodSource("versions")
    void longtermWritablePinOfSharedFile(KernelVersion v) {
        Script s = at(v).run("p: f = mmap 4 file data shared");
        Step st = s.step("p: io_uring_register f[0..1] as buf");
        assertNull(st.error(), "a failed system call is not a run-time error");
        if (Rule.WRITABLE_FILE_PIN_EFAULT.inForce(v)) {
            assertEquals("EFAULT", st.errno());
            assertEquals(0, st.count(EventType.FAULT), "check_vma_flags refuses before any fault");
            assertFalse(s.pte("p.f[0]").present(), "nothing faulted in");
            assertTrue(st.events().stream().anyMatch(e -> e.rule() == Rule.WRITABLE_FILE_PIN_EFAULT && e.function().equals("check_vma_flags")));
            assertFalse(s.m.handles.containsKey("buf"), "no handle is created");
        } else {
            assertNull(st.errno());
            assertTrue(s.pte("p.f[0]").present());
        }
    }

    @ParameterizedTest
    @MethodSource("versions")
    void shmemPrivateFileAndShortTermPinsAreAllowed(KernelVersion v) {
        Script s = at(v).run("p: sh = mmap 2 shared", "p: pf = mmap 2 file data private", "p: f = mmap 2 file data shared");
        assertNull(s.step("p: io_uring_register sh as a").errno(), "shmem needs no dirty tracking");
        assertNull(s.step("p: io_uring_register pf as b").errno(), "a private file mapping is COW: allowed");
        assertNull(s.step("p: pin f[0] rw as c").errno(), "not FOLL_LONGTERM: allowed");
        assertNull(s.step("p: pin f[1] longterm as d").errno(), "not FOLL_WRITE: allowed");
    }

    @ParameterizedTest
    @MethodSource("versions")
    void ioUringOnReadOnlyOrNoneMemory(KernelVersion v) {
        Script s = at(v).run("p: ro = mmap 1 ro", "p: no = mmap 1 none");
        assertEquals("EFAULT", s.step("p: io_uring_register ro as a").errno());
        assertEquals("EFAULT", s.step("p: io_uring_register no as b").errno());
        assertFalse(s.pte("p.ro[0]").present());
    }

    @ParameterizedTest
    @MethodSource("versions")
    void vmspliceOfUnmappedMemory(KernelVersion v) {
        Script s = at(v).run("p: a = mmap 2", "p: write a \"x\"", "p: munmap a[0]");
        assertEquals("EFAULT", s.step("p: vmsplice a[0] into pp").errno(), "nothing spliced: -EFAULT");
        assertNull(s.step("p: vmsplice a[1] into pp").errno());
    }

    @ParameterizedTest
    @MethodSource("versions")
    void wipeonforkOnlyOnPrivateAnon(KernelVersion v) {
        Script s = at(v).run("p: sh = mmap 1 shared", "p: f = mmap 1 file data private", "p: a = mmap 1");
        boolean exists = Rule.MADV_WIPEONFORK.inForce(v);
        assertEquals("EINVAL", s.step("p: madvise sh wipeonfork").errno());
        assertEquals("EINVAL", s.step("p: madvise f wipeonfork").errno());
        assertEquals(exists ? null : "EINVAL", s.step("p: madvise a wipeonfork").errno());
        assertEquals(exists ? null : "EINVAL", s.step("p: madvise sh keeponfork").errno(), "KEEPONFORK is accepted everywhere");
    }

    @ParameterizedTest
    @MethodSource("versions")
    void madviseOverAHole(KernelVersion v) {
        Script s = at(v).run("p: a = mmap 4", "p: write a \"x\"", "p: munmap a[1..2]");
        Step st = s.step("p: madvise a dontneed");
        assertEquals("ENOMEM", st.errno());
        assertFalse(s.pte("p.a[0]").present(), "the mapped parts are advised all the same");
        assertFalse(s.pte("p.a[3]").present());
        assertEquals("ENOMEM", s.step("p: madvise a[1..2] dontneed").errno(), "nothing mapped at all");
        assertNull(s.step("p: madvise a[3] dontneed").errno());
    }
}
