package io.cowscope.engine;

import java.util.List;
import java.util.Map;

/**
 * The whole machine as plain records for JSON. For huge mappings ask {@link Machine#snapshot(Window)}:
 * PTEs of the window only, every VMA with aggregate counts, and the pages referenced by the PTEs and
 * holders shown.
 */
public record Snapshot(int step, String kernel, MachineConfig config, List<ProcessView> processes, List<PageView> pages,
                       List<PipeView> pipes, List<HandleView> handles, List<LruBatchView> lruBatches,
                       List<SwapSlotView> swapSlots, List<FileView> files, List<Long> ksmStable, Stats stats,
                       List<Hazard> hazards, boolean pagesTruncated) {

    /** pages first..last of proc.var; null = whole machine but at most {@code maxPtes} PTEs per VMA */
    public record Window(String proc, String var, int first, int last, int maxPtes) {
        public static Window all() {
            return new Window(null, null, 0, Integer.MAX_VALUE, 4096);
        }
    }

    public record ProcessView(String name, int pid, int cpu, String state, boolean blocked, String blockedOn,
                              boolean hasPinned, String parent, List<VmaView> vmas) {
    }

    /**
     * One mapping (name). {@code ranges} are runs of equal VMA flags (mprotect/madvise on part of a
     * mapping splits the VMA in the kernel). {@code ptes} are those of the window (from {@code first}).
     */
    public record VmaView(String var, long start, int pages, boolean shared, String file, List<VmaRange> ranges,
                          int ptesFirst, List<PteView> ptes, Counts counts) {
    }

    public record VmaRange(int first, int last, boolean mapped, String prot, List<String> flags) {
    }

    public record Counts(int present, int writable, int swapped, int zero, int none, int pmdMapped) {
    }

    public record PipeView(String name, List<Long> buffers, List<String> contents) {
    }

    public record HandleView(String name, String kind, String owner, String device, List<String> flags, String var,
                             int first, List<Long> pfns, boolean coherent, boolean live) {
    }

    public record LruBatchView(int cpu, int capacity, List<Long> pfns) {
    }

    public record SwapSlotView(int slot, int swapCount, String content, long cachedPfn) {
    }

    public record FileView(String name, int pages, List<String> contents, List<Long> cachedPfns) {
    }

    public static Map<String, Object> none() {
        return Map.of();
    }
}
