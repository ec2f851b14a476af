package io.cowscope.engine;

import static io.cowscope.engine.Machine.*;

/**
 * A mapping (the kernel's {@code struct vm_area_struct}) with its {@link PageTable}. Per-page VMA flags
 * live in the PTE word (the V_* bits): a range mprotect or madvise that would split the VMA in the kernel
 * only changes those bits here.
 */
final class Vma {
    final int id;
    final String name;
    final Proc proc;
    final long start; // virtual page number
    final int n;
    final boolean shared;
    final FileObj file; // file or shmem object; null for private anon
    final PageTable pt;
    // delta bookkeeping
    int dStamp = -1, dMin, dMax;

    Vma(int id, String name, Proc proc, long start, int n, boolean shared, FileObj file) {
        this(id, name, proc, start, n, shared, file, new PageTable(n));
    }

    /** a copy of another machine's VMA (checkpoints): same identity, its own page table */
    Vma(int id, String name, Proc proc, long start, int n, boolean shared, FileObj file, PageTable pt) {
        this.id = id;
        this.name = name;
        this.proc = proc;
        this.start = start;
        this.n = n;
        this.shared = shared;
        this.file = file;
        this.pt = pt;
    }

    long pte(int i) {
        return pt.get(i);
    }

    void pteSet(int i, long v) {
        pt.set(i, v);
    }

    void fill(long v) {
        pt.fill(v);
    }

    /** first page of the VMA (the run of pages with the same VMA flags) containing page i */
    int vmaStart(int i) {
        long k = pte(i) & VM_KEY;
        while (i > 0 && (pte(i - 1) & VM_KEY) == k) i--;
        return i;
    }

    /** one past the last page of the VMA containing page i */
    int vmaEnd(int i) {
        long k = pte(i) & VM_KEY;
        while (i < n - 1 && (pte(i + 1) & VM_KEY) == k) i++;
        return i + 1;
    }

    /** does the VMA containing page i have an anon_vma? (a merge keeps the one anon_vma either side had) */
    boolean hasAnonVma(int i) {
        for (int j = vmaStart(i), e = vmaEnd(i); j < e; j++) if ((pte(j) & V_ANONVMA) != 0) return true;
        return false;
    }

    boolean anon() {
        return file == null || file.shmem;
    }
}
