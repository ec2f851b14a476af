package io.cowscope.engine;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * FAULT_AROUND (kernel-model §10 class 4): do_read_fault → do_fault_around → filemap_map_pages maps the page-cache
 * neighbours of a read fault in an aligned window of fault_around_bytes, clamped to the VMA and the page table, with
 * the VMA's vm_page_prot. Each case was checked on the real 6.18 kernel with `cowscope host`.
 */
class FaultAroundTest {
    static Stream<KernelVersion> versions() {
        return Versions.all();
    }

    private static Script at(KernelVersion v, int faultAroundBytes, int filePages) {
        return new Script(MachineConfig.defaults(v).withFaultAroundBytes(faultAroundBytes)
                .withFiles(List.of(new FileSpec("data", filePages, "disk")))).run("process p");
    }

    @ParameterizedTest
    @MethodSource("versions")
    void readFaultMapsTheAlignedWindow(KernelVersion v) {
        Script s = at(v, 65536, 40).run("p: f = mmap 40 file data private", "p: read f[21]");
        assertEquals(1, s.last().count(EventType.FAULT), "one fault maps the window");
        for (int i = 16; i < 32; i++) {
            assertTrue(s.pte("p.f[" + i + "]").present(), "page " + i + " is in the window 16..31");
            assertFalse(s.pte("p.f[" + i + "]").write(), "private mapping: read-only");
            assertEquals(1, s.page("p.f[" + i + "]").mapcount());
            assertEquals(2, s.page("p.f[" + i + "]").refcount(), "page cache + this mapping");
        }
        assertFalse(s.pte("p.f[15]").present());
        assertFalse(s.pte("p.f[32]").present());
        assertTrue(s.last().events().stream().anyMatch(e -> e.rule() == Rule.FAULT_AROUND && e.function().equals("filemap_map_pages")));
        s.run("p: read f[16..31]");
        assertEquals(0, s.last().count(EventType.FAULT), "the neighbours read without a fault");
    }

    @ParameterizedTest
    @MethodSource("versions")
    void oneNotFourKiBTurnsItOff(KernelVersion v) {
        Script s = at(v, 4096, 8).run("p: f = mmap 8 file data private", "p: read f[3]");
        assertTrue(s.pte("p.f[3]").present());
        assertFalse(s.pte("p.f[2]").present());
        assertFalse(s.pte("p.f[4]").present());
        assertTrue(s.last().events().stream().noneMatch(e -> e.rule() == Rule.FAULT_AROUND));
        s.run("p: read f[4]");
        assertEquals(1, s.last().count(EventType.FAULT));
    }

    @ParameterizedTest
    @MethodSource("versions")
    void windowSizeFollowsTheSetting(KernelVersion v) {
        Script s = at(v, 16384, 16).run("p: f = mmap 16 file data private", "p: read f[6]");
        for (int i = 0; i < 16; i++) assertEquals(i >= 4 && i < 8, s.pte("p.f[" + i + "]").present(), "4 pages: window 4..7, page " + i);
    }

    // from_pte = max(ALIGN_DOWN(pte_off, nr), VMA start); to_pte = min(from_pte + nr, page table end, VMA end) - 1:
    // a VMA that starts inside the aligned window shifts it (checked on 6.18: pages 8..23 for a fault at 10)
    @ParameterizedTest
    @MethodSource("versions")
    void windowClampedToTheVmaThenShifted(KernelVersion v) {
        Script s = at(v, 65536, 40).run("p: f = mmap 40 file data private", "p: mprotect f[0..7] ro", "p: read f[10]");
        for (int i = 0; i < 40; i++) assertEquals(i >= 8 && i < 24, s.pte("p.f[" + i + "]").present(), "page " + i);
        s.run("p: read f[37]");
        for (int i = 24; i < 40; i++) assertEquals(i >= 32, s.pte("p.f[" + i + "]").present(), "the mapping ends at 40: window 32..39, page " + i);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void onlyNonePtesAreMapped(KernelVersion v) {
        Script s = at(v, 65536, 16).run("p: f = mmap 16 file data private", "p: write f[2] \"mine\"");
        assertFalse(s.pte("p.f[3]").present(), "a write fault (do_cow_fault) does not fault around");
        long copy = s.pte("p.f[2]").pfn();
        s.run("p: read f[9]");
        assertEquals(copy, s.pte("p.f[2]").pfn(), "the private copy stays");
        assertTrue(s.page("p.f[2]").anon());
        assertEquals("mine", s.content("p.f[2]"));
        assertTrue(s.pte("p.f[3]").present());
    }

    @ParameterizedTest
    @MethodSource("versions")
    void sharedFileReadOnlyShmemWritableAndOnlyCachedShmemPages(KernelVersion v) {
        Script s = at(v, 65536, 16).run("p: f = mmap 16 file data shared", "p: read f[0]");
        assertTrue(s.pte("p.f[15]").present());
        assertFalse(s.pte("p.f[15]").write(), "a shared file wants write-notify: read-only");
        s.run("p: sh = mmap 16 shared", "p: write sh[4..5] \"S\"", "p: fork c", "c: read sh[4]");
        assertTrue(s.pte("c.sh[5]").present(), "the shmem page the parent wrote is in the page cache");
        assertTrue(s.pte("c.sh[5]").write(), "shmem: vm_page_prot is writable");
        assertFalse(s.pte("c.sh[6]").present(), "a shmem hole is not in the page cache: not mapped");
        assertFalse(s.pte("p.sh[6]").present());
    }

    @ParameterizedTest
    @MethodSource("versions")
    void gupReadFaultsAroundToo(KernelVersion v) {
        // read-only: in 5.8 a GUP in a writable COW mapping is a write (GUP_FORCE_COW_BREAK), which does not fault around
        Script s = at(v, 65536, 16).run("p: f = mmap 16 file data private ro", "p: vmsplice f[1] into pp");
        assertTrue(s.pte("p.f[0]").present());
        assertTrue(s.pte("p.f[15]").present(), "vmsplice's FOLL_GET read fault maps the window");
        s.run("p: w = mmap 16 file data private", "p: vmsplice w[1] into pp");
        assertEquals(!Rule.GUP_FORCE_COW_BREAK.inForce(v), s.pte("p.w[15]").present(), "5.8 breaks COW at GUP time: a write fault");
    }

    @ParameterizedTest
    @MethodSource("versions")
    void populateTakesOneFaultPerWindow(KernelVersion v) {
        Script s = at(v, 65536, 40).run("p: f = mmap 40 file data private ro populate");
        assertEquals(3, s.last().count(EventType.FAULT), "read faults: windows 0..15, 16..31, 32..39");
        s.run("p: w = mmap 40 file data private populate");
        assertEquals(40, s.last().count(EventType.FAULT), "a writable private mapping populates with write faults (do_cow_fault): no fault-around");
    }
}
