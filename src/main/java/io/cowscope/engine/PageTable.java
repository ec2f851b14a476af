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
    private final int n;
    // kept as PTEs change, so that a snapshot's counts cost nothing per PTE (Snapshots)
    private int present, writable, swapped, zero, pmd;
    /** bumped whenever a PTE's VMA flags change: the snapshot's flag ranges are recomputed only then */
    private long vmEdits;
    /** the flag ranges computed at {@link #rangesAt} (immutable, shared by copies) */
    Object ranges;
    long rangesAt = -1;

    PageTable(int n) {
        this.n = n;
        chunks = new long[(n + TCHUNK - 1) >>> TSHIFT][];
        for (int k = 0; k < chunks.length; k++) chunks[k] = new long[Math.min(TCHUNK, n - (k << TSHIFT))];
    }

    private PageTable(long[][] chunks, PageTable o) {
        this.chunks = chunks;
        n = o.n;
        present = o.present;
        writable = o.writable;
        swapped = o.swapped;
        zero = o.zero;
        pmd = o.pmd;
        vmEdits = o.vmEdits;
        ranges = o.ranges;
        rangesAt = o.rangesAt;
    }

    private void count(long v, int d) {
        if ((v & Machine.P_PRESENT) != 0) {
            present += d;
            if ((v & Machine.P_WRITE) != 0) writable += d;
            if ((v & Machine.P_ZERO) != 0) zero += d;
            if ((v & Machine.P_PMD) != 0) pmd += d;
        } else if ((v & Machine.P_SWAP) != 0) swapped += d;
    }

    /** present, writable, swapped, zero, none, pmd: exact, without a walk */
    Snapshot.Counts counts() {
        return new Snapshot.Counts(present, writable, swapped, zero, n - present - swapped, pmd);
    }

    long vmEdits() {
        return vmEdits;
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
        long[] c = chunks[i >>> TSHIFT];
        long old = c[i & TMASK];
        if (old == v) return;
        c[i & TMASK] = v;
        count(old, -1);
        count(v, 1);
        if (((old ^ v) & Machine.VM_MASK) != 0) vmEdits++;
    }

    void fill(long v) {
        for (long[] c : chunks) Arrays.fill(c, v);
        present = writable = swapped = zero = pmd = 0;
        for (int k = 0; k < n; k++) count(v, 1); // n adds of one class: cheap, and exact
        vmEdits++;
    }

    PageTable copy() {
        long[][] c = new long[chunks.length][];
        for (int k = 0; k < chunks.length; k++) c[k] = chunks[k].clone();
        return new PageTable(c, this);
    }
}
