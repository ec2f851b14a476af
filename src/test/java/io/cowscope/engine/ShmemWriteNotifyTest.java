package io.cowscope.engine;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * SHMEM_NO_WRITENOTIFY (kernel-model §10 class 1): shmem wants no write-notify, so its vm_page_prot is writable and a
 * read fault maps the PTE writable (clean); a shared mapping of an ordinary file maps read-only and faults on the
 * first write. If the engine got this wrong, the first write to shared memory would show a fault the kernel never takes.
 */
class ShmemWriteNotifyTest {
    static Stream<KernelVersion> versions() {
        return Versions.all();
    }

    private static Script at(KernelVersion v) {
        return new Script(MachineConfig.defaults(v).withFiles(List.of(new FileSpec("data", 4, "disk")))).run("process p");
    }

    @ParameterizedTest
    @MethodSource("versions")
    void shmemReadFaultMapsWritable(KernelVersion v) {
        Script s = at(v).run("p: sh = mmap 2 shared", "p: read sh[0]");
        assertTrue(s.pte("p.sh[0]").write(), "shmem: vm_page_prot is writable");
        assertFalse(s.pte("p.sh[0]").dirty(), "a read fault does not dirty the PTE");
        assertTrue(s.last().events().stream().anyMatch(e -> e.rule() == Rule.SHMEM_NO_WRITENOTIFY));
        s.run("p: write sh[0] \"S\"");
        assertFalse(s.last().has("fault"), "the first write takes no fault");
        assertTrue(s.pte("p.sh[0]").dirty());
        assertEquals("S", s.content("p.sh[0]"));
        s.run("p: madvise sh[0] dontneed", "p: read sh[0]");
        assertTrue(s.pte("p.sh[0]").write(), "after MADV_DONTNEED the next read fault maps writable again");
        assertEquals("S", s.lastValue(), "the shmem page cache kept the data");
    }

    @ParameterizedTest
    @MethodSource("versions")
    void sharedFileReadFaultStaysReadOnly(KernelVersion v) {
        Script s = at(v).run("p: f = mmap 2 file data shared", "p: read f[0]");
        assertFalse(s.pte("p.f[0]").write(), "the file tracks dirty pages: write-notify");
        s.run("p: write f[0] \"F\"");
        assertTrue(s.last().has("fault"), "the first write faults (wp_page_shared)");
        assertTrue(s.pte("p.f[0]").write());
        assertEquals("F", s.o.fileContent("data", 0));
    }

    @ParameterizedTest
    @MethodSource("versions")
    void populateAndReadOnlyVmas(KernelVersion v) {
        Script s = at(v).run("p: sh = mmap 2 shared populate", "p: f = mmap 2 file data shared populate", "p: ro = mmap 2 shared ro",
                "p: read ro[0]");
        assertTrue(s.pte("p.sh[1]").present());
        assertTrue(s.pte("p.sh[1]").write(), "MAP_POPULATE of a shared mapping read-faults: shmem maps writable");
        assertFalse(s.pte("p.f[1]").write(), "a shared file mapping populates read-only");
        assertFalse(s.pte("p.ro[0]").write(), "no VM_WRITE, no write bit");
    }

    // clear_refs clears VM_SOFTDIRTY: soft-dirty tracking now wants write-notify for shmem too.
    @ParameterizedTest
    @MethodSource("versions")
    void softDirtyTrackingWantsWriteNotify(KernelVersion v) {
        Script s = new Script(MachineConfig.defaults(v).withSoftDirty(true)).run("process p", "p: sh = mmap 2 shared", "p: read sh[0]");
        assertTrue(s.pte("p.sh[0]").write());
        s.run("p: clear_refs", "p: read sh[1]");
        assertFalse(s.pte("p.sh[0]").write(), "clear_refs write-protected the present PTE");
        assertFalse(s.pte("p.sh[1]").write(), "VM_SOFTDIRTY cleared: the read fault maps read-only");
        s.run("p: write sh[1] \"D\"");
        assertTrue(s.last().has("fault"), "the write must fault so that soft-dirty is recorded");
        assertTrue(s.pagemap("p.sh[1]").softDirty());
    }

    // mprotect(RW) gives shmem the writable vm_page_prot: every present PTE becomes writable, clean or not.
    @ParameterizedTest
    @MethodSource("versions")
    void mprotectRwOnShmem(KernelVersion v) {
        Script s = at(v).run("p: sh = mmap 1 shared", "p: f = mmap 1 file data shared", "p: read sh", "p: read f",
                "p: mprotect sh ro", "p: mprotect f ro");
        assertFalse(s.pte("p.sh[0]").write());
        s.run("p: mprotect sh rw", "p: mprotect f rw");
        assertTrue(s.pte("p.sh[0]").write(), "shmem: no write-notify");
        assertFalse(s.pte("p.f[0]").write(), "a clean page of a shared file mapping stays read-only");
        s.run("p: write sh \"X\"");
        assertFalse(s.last().has("fault"));
    }
}
