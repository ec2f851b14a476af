package io.cowscope.scenario;

/** One header statement. {@link #rank()} is its place in the canonical order (the spec's table). */
public sealed interface HeaderItem {

    int rank();

    record Title(String text) implements HeaderItem {
        public int rank() { return 0; }
    }

    record Description(String text) implements HeaderItem {
        public int rank() { return 1; }
    }

    /** {@code version} is "latest" or a canonical "MAJOR.MINOR". */
    record Kernel(String version) implements HeaderItem {
        public int rank() { return 2; }
    }

    record Cpus(int count) implements HeaderItem {
        public int rank() { return 3; }
    }

    record Thp(Header.ThpMode mode) implements HeaderItem {
        public int rank() { return 4; }
    }

    /**
     * {@code mthp SIZE MODE} (an extension; one line per size): /sys/kernel/mm/transparent_hugepage/hugepages-&lt;kb&gt;kB/enabled
     * for an anonymous multi-size THP size, 16K to 1M in powers of two (2M is {@code thp}). Every size not named is
     * "never", the kernel's default. Kernels before 6.8 have no mTHP: the line is accepted and changes nothing there.
     */
    record Mthp(int kb, Header.MthpMode mode) implements HeaderItem {
        public int rank() { return 5; }
    }

    record Swap(boolean on) implements HeaderItem {
        public int rank() { return 6; }
    }

    record SoftDirty(boolean on) implements HeaderItem {
        public int rank() { return 7; }
    }

    /**
     * {@code fault_around_bytes N} (an extension): the machine's /sys/kernel/debug/fault_around_bytes, a power of
     * two from 4096 (no fault-around) to 2097152; default 65536.
     */
    record FaultAroundBytes(int bytes) implements HeaderItem {
        public int rank() { return 8; }
    }

    /** {@code file NAME PAGES "content"}: PAGES pages, each holding the content. */
    record FileDecl(String name, int pages, String content) implements HeaderItem {
        public int rank() { return 9; }
    }
}
