package io.cowscope.engine;

/** Per-outcome counters like the kernel's vm events, since the machine started; pages = allocated now (zero page excluded). */
public record Stats(long cow, long reuse, long faults, long pages, long unshare, long forkCopies, long swapIns,
                    long swapOuts, long ksmMerges, long frees) {
}
