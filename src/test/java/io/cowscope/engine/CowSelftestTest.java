package io.cowscope.engine;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * kernel-model.md §6: the cases of tools/testing/selftests/mm/cow.c that a real 6.18 kernel passed,
 * at 6.18, for a base page, a swapped-out page, a THP and a hugetlb page (run_with_hugetlb: MAP_PRIVATE |
 * MAP_HUGETLB, 2 MiB). Each fails if the simulator lets one process see another's private write, or a pin
 * miss the process's later writes — except where the real kernel leaks too: hugetlb reuses a page by its
 * mapcount alone (HUGETLB_MAPCOUNT_REUSE), so the two vmsplice cases leak the parent's write into the pipe
 * on 6.18 (observed on this machine's 6.18 kernel); those assert the leak. The eras of the hugetlb cases
 * are in {@link HugetlbTest}.
 */
class CowSelftestTest {
    enum Kind { BASE, SWAPPED, THP, HUGETLB }

    private static Script prepare(Kind k) {
        return prepare(k, KernelVersion.LATEST);
    }

    static Script prepare(Kind k, KernelVersion v) {
        Script s = Script.at(v).run("process parent",
                k == Kind.THP ? "parent: mem = mmap 2M hugepage" : k == Kind.HUGETLB ? "parent: mem = mmap 2M hugetlb" : "parent: mem = mmap 1",
                "parent: write mem \"orig\"");
        if (k == Kind.SWAPPED) s.run("parent: madvise mem pageout");
        if (k == Kind.THP || k == Kind.HUGETLB) assertTrue(s.pte("parent.mem[0]").pmd());
        if (k == Kind.HUGETLB) assertTrue(s.page("parent.mem[0]").hugetlb() && !s.page("parent.mem[0]").thp());
        if (k == Kind.SWAPPED) assertTrue(s.o.swapped("parent", "mem", 0));
        return s;
    }

    // "Basic COW after fork()": the child's write must not reach the parent.
    @ParameterizedTest
    @EnumSource(Kind.class)
    void basicCowAfterFork(Kind k) {
        Script s = prepare(k).run("parent: fork child", "child: write mem[0] \"child\"");
        assertEquals("orig", s.content("parent.mem[0]"));
        assertEquals("child", s.content("child.mem[0]"));
    }

    // "Basic COW after fork() with mprotect() optimization": mprotect(R) + mprotect(RW) in the child must not make the shared page writable.
    @ParameterizedTest
    @EnumSource(Kind.class)
    void basicCowWithMprotect(Kind k) {
        Script s = prepare(k).run("parent: fork child", "child: mprotect mem ro", "child: mprotect mem rw", "child: write mem[0] \"child\"");
        assertEquals("orig", s.content("parent.mem[0]"));
    }

    // "vmsplice() + unmap in child" (with and without the mprotect optimization): the pipe keeps the old content.
    @ParameterizedTest
    @EnumSource(Kind.class)
    void vmspliceUnmapInChild(Kind k) {
        for (boolean mprotect : new boolean[]{false, true}) {
            Script s = prepare(k).run("parent: fork child", "child: vmsplice mem[0] into p", "child: munmap mem");
            if (mprotect) s.run("parent: mprotect mem ro", "parent: mprotect mem rw");
            s.run("parent: write mem[0] \"new\"", "child: read p");
            // hugetlb: the parent's page has mapcount 1 after the child's munmap, so hugetlb_wp reuses it under the pipe's reference
            assertEquals(k == Kind.HUGETLB ? "new" : "orig", s.lastValue(), "mprotect " + mprotect);
        }
    }

    // "vmsplice() before fork(), unmap in parent after fork()" and "vmsplice() + unmap in parent after fork()".
    @ParameterizedTest
    @EnumSource(Kind.class)
    void vmspliceUnmapInParent(Kind k) {
        String expected = k == Kind.HUGETLB ? "new" : "orig"; // hugetlb: mapcount-only reuse, the pipe sees the child's write (6.18 too)
        Script a = prepare(k).run("parent: vmsplice mem[0] into p", "parent: fork child", "parent: munmap mem",
                "child: write mem[0] \"new\"", "parent: read p");
        assertEquals(expected, a.lastValue());
        Script b = prepare(k).run("parent: fork child", "parent: vmsplice mem[0] into p", "parent: munmap mem",
                "child: write mem[0] \"new\"", "parent: read p");
        assertEquals(expected, b.lastValue());
    }

    // "R/O-mapping a page registered as iouring fixed buffer": the device keeps seeing the process's writes.
    @ParameterizedTest
    @EnumSource(Kind.class)
    void ioUringRoRemap(Kind k) {
        Script s = prepare(k).run("parent: io_uring_register mem[0] as h", "parent: mprotect mem ro", "parent: mprotect mem rw",
                "parent: write mem[0] \"new\"", "dma h read");
        assertEquals("new", s.lastValue());
    }

    // "fork() with an iouring fixed buffer": the parent's later write reaches the device.
    @ParameterizedTest
    @EnumSource(Kind.class)
    void ioUringFork(Kind k) {
        Script s = prepare(k).run("parent: io_uring_register mem[0] as h", "parent: fork child", "parent: write mem[0] \"new\"", "dma h read");
        assertEquals("new", s.lastValue());
        assertEquals("orig", s.content("child.mem[0]"));
    }

    // "R/O GUP pin on R/O-mapped shared page", "... previously-shared page", "... exclusive page": the pin sees later writes.
    @ParameterizedTest
    @EnumSource(Kind.class)
    void roPins(Kind k) {
        Script shared = prepare(k).run("parent: fork child", "parent: mprotect mem ro", "parent: pin mem[0] longterm as h",
                "parent: mprotect mem rw", "parent: write mem[0] \"new\"", "dma h read");
        assertEquals("new", shared.lastValue());
        assertEquals("orig", shared.content("child.mem[0]"));
        Script prev = prepare(k).run("parent: fork child", "child: exit", "parent: mprotect mem ro", "parent: pin mem[0] longterm as h",
                "parent: mprotect mem rw", "parent: write mem[0] \"new\"", "dma h read");
        assertEquals("new", prev.lastValue());
        Script excl = prepare(k).run("parent: mprotect mem ro", "parent: pin mem[0] longterm as h", "parent: mprotect mem rw",
                "parent: write mem[0] \"new\"", "dma h read");
        assertEquals("new", excl.lastValue());
    }

    // Non-anon: a R/O long-term pin of the zero page, and of a private file page, must see the later private write.
    @org.junit.jupiter.api.Test
    void nonAnonLongtermRoPins() {
        Script z = Script.at(KernelVersion.LATEST).run("process p", "p: mem = mmap 1", "p: read mem", "p: pin mem longterm as h",
                "p: write mem \"new\"", "dma h read");
        assertEquals("new", z.lastValue());
        MachineConfig c = MachineConfig.defaults(KernelVersion.LATEST).withFiles(List.of(new FileSpec("tmp", 1, "file")));
        Script f = new Script(c).run("process p", "p: priv = mmap 1 file tmp private", "p: read priv", "p: pin priv longterm as h",
                "p: write priv \"new\"", "dma h read");
        assertEquals("new", f.lastValue());
    }

    // Non-anon: "a private write must not change the other mapping" (memfd / tmpfile shared + private mappings).
    @org.junit.jupiter.api.Test
    void privateWriteDoesNotReachTheSharedMapping() {
        MachineConfig c = MachineConfig.defaults(KernelVersion.LATEST).withFiles(List.of(new FileSpec("memfd", 1, "file")));
        Script s = new Script(c).run("process p", "p: sh = mmap 1 file memfd shared", "p: priv = mmap 1 file memfd private",
                "p: read sh", "p: read priv", "p: write priv \"private\"");
        assertEquals("file", s.content("p.sh[0]"));
        assertEquals("file", s.o.fileContent("memfd", 0));
        assertFalse(s.hazard(HazardType.FILE_CORRUPTED));
        s.run("p: write sh \"shared\"");
        assertEquals("shared", s.o.fileContent("memfd", 0));
        assertEquals("private", s.content("p.priv[0]"));
    }
}
