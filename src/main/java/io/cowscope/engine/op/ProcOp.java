package io.cowscope.engine.op;

/** An operation run by a process ({@code PROC: ...}). One record per row of the language's table. */
public sealed interface ProcOp {

    /**
     * {@code VAR = mmap SIZE [anon | file NAME] [private | shared] [rw | ro | none] [hugepage | hugetlb] [populate]}; file
     * null = anon. {@code hugetlb}: MAP_PRIVATE | MAP_HUGETLB (2 MiB pages from the hugetlb pool; SIZE a multiple of 2M).
     */
    record Mmap(String var, int pages, String file, boolean shared, Prot prot, boolean hugepage, boolean populate, boolean hugetlb)
            implements ProcOp {
        /** an ordinary (not hugetlb) mapping */
        public Mmap(String var, int pages, String file, boolean shared, Prot prot, boolean hugepage, boolean populate) {
            this(var, pages, file, shared, prot, hugepage, populate, false);
        }
    }

    record Munmap(Target target) implements ProcOp {}

    record Mprotect(Target target, Prot prot) implements ProcOp {}

    record Madvise(Target target, Advice advice) implements ProcOp {}

    /** CPU store of the text at the start of each page (a page holds one string). */
    record Write(Target target, String text) implements ProcOp {}

    /** CPU load of each page. */
    record Read(Target target) implements ProcOp {}

    /** read(2) from a pipe: returns what its buffers reference now and releases them. */
    record ReadPipe(String pipe) implements ProcOp {}

    record Fork(String child) implements ProcOp {}

    record Exit() implements ProcOp {}

    /** echo 4 > /proc/self/clear_refs */
    record ClearRefs() implements ProcOp {}

    /** vmsplice(2) of the pages into the pipe (created on first use): FOLL_GET, read-only. */
    record Vmsplice(Target target, String pipe) implements ProcOp {}

    /** pin_user_pages: FOLL_PIN [+FOLL_WRITE] [+FOLL_LONGTERM]; fast = GUP-fast first. */
    record Pin(Target target, boolean write, boolean longterm, boolean fast, String handle) implements ProcOp {}

    /** get_user_pages: FOLL_GET [+FOLL_WRITE] [+FOLL_FORCE]. */
    record Get(Target target, boolean write, boolean force, String handle) implements ProcOp {}

    record Unpin(String handle) implements ProcOp {}

    record Put(String handle) implements ProcOp {}

    /** io_uring fixed buffer: FOLL_PIN | FOLL_WRITE | FOLL_LONGTERM. */
    record IoUringRegister(Target target, String handle) implements ProcOp {}

    /** RDMA memory region: FOLL_PIN | FOLL_WRITE | FOLL_LONGTERM. */
    record RdmaRegister(Target target, String handle) implements ProcOp {}

    /** O_DIRECT read in flight: short-term write GUP (FOLL_GET before ODIRECT_FOLL_PIN, FOLL_PIN after). */
    record OdirectRead(Target target, String handle) implements ProcOp {}

    /** write to /proc/PROC/mem: FOLL_GET | FOLL_WRITE | FOLL_FORCE, page by page; target is a mapping of proc. */
    record Poke(String proc, Target target, String text) implements ProcOp {}

    record UffdRegister(Target target) implements ProcOp {}

    record UffdWp(Target target, boolean on) implements ProcOp {}

    /** run this process on CPU n from now on */
    record Cpu(int cpu) implements ProcOp {}
}
