package io.cowscope.engine;

import java.util.List;

/**
 * The simulated machine (kernel-model.md §1, "Configuration"). {@code lruBatchCapacity} null = the
 * version's own capacity. {@code faultAroundBytes}: /sys/kernel/debug/fault_around_bytes (default
 * 65536; a power of two from 4096, one page = no fault-around, to 2 MiB, one page table).
 */
public record MachineConfig(KernelVersion kernel, int cpus, ThpMode thp, boolean swap, boolean softDirty,
                            List<FileSpec> files, Integer lruBatchCapacity, int faultAroundBytes, HugeAnonOrders mthp) {
    /** the kernel's default fault_around_bytes (16 pages) */
    public static final int DEFAULT_FAULT_AROUND_BYTES = 65536;

    public MachineConfig(KernelVersion kernel, int cpus, ThpMode thp, boolean swap, boolean softDirty,
                         List<FileSpec> files, Integer lruBatchCapacity) {
        this(kernel, cpus, thp, swap, softDirty, files, lruBatchCapacity, DEFAULT_FAULT_AROUND_BYTES);
    }

    /** no mTHP size enabled (every hugepages-&lt;size&gt;kB "never", the kernel's default) */
    public MachineConfig(KernelVersion kernel, int cpus, ThpMode thp, boolean swap, boolean softDirty,
                         List<FileSpec> files, Integer lruBatchCapacity, int faultAroundBytes) {
        this(kernel, cpus, thp, swap, softDirty, files, lruBatchCapacity, faultAroundBytes, HugeAnonOrders.NONE);
    }

    public MachineConfig {
        if (faultAroundBytes < 4096 || faultAroundBytes > 2 * 1024 * 1024 || Integer.bitCount(faultAroundBytes) != 1)
            throw new IllegalArgumentException("fault_around_bytes must be a power of two from 4096 to 2097152");
        if (kernel == null || !kernel.isSupported()) throw new IllegalArgumentException("unsupported kernel version " + kernel);
        if (cpus < 1 || cpus > 8) throw new IllegalArgumentException("cpus must be 1..8");
        if (thp == null) thp = ThpMode.MADVISE;
        if (mthp == null) mthp = HugeAnonOrders.NONE;
        files = files == null ? List.of() : List.copyOf(files);
        if (lruBatchCapacity != null && lruBatchCapacity < 1) throw new IllegalArgumentException("lru batch capacity >= 1");
    }

    /** fault_around_pages: the window do_fault_around maps, in pages */
    public int faultAroundPages() {
        return faultAroundBytes / 4096;
    }

    /** the language's defaults: 1 CPU, THP madvise, swap on, soft-dirty on, no files, fault_around_bytes 65536 */
    public static MachineConfig defaults(KernelVersion v) {
        return new MachineConfig(v, 1, ThpMode.MADVISE, true, true, List.of(), null);
    }

    public MachineConfig withCpus(int n) { return new MachineConfig(kernel, n, thp, swap, softDirty, files, lruBatchCapacity, faultAroundBytes, mthp); }
    public MachineConfig withThp(ThpMode m) { return new MachineConfig(kernel, cpus, m, swap, softDirty, files, lruBatchCapacity, faultAroundBytes, mthp); }
    public MachineConfig withSwap(boolean on) { return new MachineConfig(kernel, cpus, thp, on, softDirty, files, lruBatchCapacity, faultAroundBytes, mthp); }
    public MachineConfig withSoftDirty(boolean on) { return new MachineConfig(kernel, cpus, thp, swap, on, files, lruBatchCapacity, faultAroundBytes, mthp); }
    public MachineConfig withFiles(List<FileSpec> f) { return new MachineConfig(kernel, cpus, thp, swap, softDirty, f, lruBatchCapacity, faultAroundBytes, mthp); }
    public MachineConfig withLruBatchCapacity(Integer c) { return new MachineConfig(kernel, cpus, thp, swap, softDirty, files, c, faultAroundBytes, mthp); }
    public MachineConfig withFaultAroundBytes(int b) { return new MachineConfig(kernel, cpus, thp, swap, softDirty, files, lruBatchCapacity, b, mthp); }
    public MachineConfig withMthp(HugeAnonOrders o) { return new MachineConfig(kernel, cpus, thp, swap, softDirty, files, lruBatchCapacity, faultAroundBytes, o); }
    public MachineConfig withKernel(KernelVersion v) { return new MachineConfig(v, cpus, thp, swap, softDirty, files, lruBatchCapacity, faultAroundBytes, mthp); }
}
