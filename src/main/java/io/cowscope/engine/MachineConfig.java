package io.cowscope.engine;

import java.util.List;

/**
 * The simulated machine (kernel-model.md §1, "Configuration"). {@code lruBatchCapacity} null = the
 * version's own capacity.
 */
public record MachineConfig(KernelVersion kernel, int cpus, ThpMode thp, boolean swap, boolean softDirty,
                            List<FileSpec> files, Integer lruBatchCapacity) {
    public MachineConfig {
        if (kernel == null || !kernel.isSupported()) throw new IllegalArgumentException("unsupported kernel version " + kernel);
        if (cpus < 1 || cpus > 8) throw new IllegalArgumentException("cpus must be 1..8");
        if (thp == null) thp = ThpMode.MADVISE;
        files = files == null ? List.of() : List.copyOf(files);
        if (lruBatchCapacity != null && lruBatchCapacity < 1) throw new IllegalArgumentException("lru batch capacity >= 1");
    }

    /** the language's defaults: 1 CPU, THP madvise, swap on, soft-dirty on, no files */
    public static MachineConfig defaults(KernelVersion v) {
        return new MachineConfig(v, 1, ThpMode.MADVISE, true, true, List.of(), null);
    }

    public MachineConfig withCpus(int n) { return new MachineConfig(kernel, n, thp, swap, softDirty, files, lruBatchCapacity); }
    public MachineConfig withThp(ThpMode m) { return new MachineConfig(kernel, cpus, m, swap, softDirty, files, lruBatchCapacity); }
    public MachineConfig withSwap(boolean on) { return new MachineConfig(kernel, cpus, thp, on, softDirty, files, lruBatchCapacity); }
    public MachineConfig withSoftDirty(boolean on) { return new MachineConfig(kernel, cpus, thp, swap, on, files, lruBatchCapacity); }
    public MachineConfig withFiles(List<FileSpec> f) { return new MachineConfig(kernel, cpus, thp, swap, softDirty, f, lruBatchCapacity); }
    public MachineConfig withLruBatchCapacity(Integer c) { return new MachineConfig(kernel, cpus, thp, swap, softDirty, files, c); }
    public MachineConfig withKernel(KernelVersion v) { return new MachineConfig(v, cpus, thp, swap, softDirty, files, lruBatchCapacity); }
}
