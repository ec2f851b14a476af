package io.cowscope.engine;

import java.util.Arrays;

import static io.cowscope.engine.Machine.TMASK;
import static io.cowscope.engine.Machine.TSHIFT;
import static io.cowscope.engine.Machine.TCHUNK;

/**
 * The PTEs of one VMA: one {@code long} per page (pfn or swap slot, the PTE bits of {@link Machine}'s PTE
 * layout, and the VMA flags of that page), in 32 Ki-entry chunks (256 KiB: never a humongous object).
 * The kernel's page tables belong to the mm and are indexed by address; here each VMA owns the slice
 * that covers it, which is all a walk of that VMA ever touches.
 */
final class PageTable {
    private final long[][] chunks;

    PageTable(int n) {
        chunks = new long[(n + TCHUNK - 1) >>> TSHIFT][];
        for (int k = 0; k < chunks.length; k++) chunks[k] = new long[Math.min(TCHUNK, n - (k << TSHIFT))];
    }

    private PageTable(long[][] chunks) {
        this.chunks = chunks;
    }

    /** chunks for a fast read-only walk: entry j of chunk c is PTE (c << TSHIFT) + j */
    int chunkCount() {
        return chunks.length;
    }

    long[] chunk(int c) {
        return chunks[c];
    }

    long get(int i) {
        return chunks[i >>> TSHIFT][i & TMASK];
    }

    void set(int i, long v) {
        chunks[i >>> TSHIFT][i & TMASK] = v;
    }

    void fill(long v) {
        for (long[] c : chunks) Arrays.fill(c, v);
    }

    PageTable copy() {
        long[][] c = new long[chunks.length][];
        for (int k = 0; k < chunks.length; k++) c[k] = chunks[k].clone();
        return new PageTable(c);
    }
}
