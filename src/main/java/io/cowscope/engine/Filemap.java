package io.cowscope.engine;

import static io.cowscope.engine.Machine.*;

/**
 * mm/filemap.c: the page cache and file-page names for messages, and {@code filemap_map_pages}, the
 * {@code ->map_pages} of files and shmem that fault-around calls. A declared file's pages are in the page
 * cache from the start (the file was just written, as the host probe writes it); the engine creates each
 * page's struct page on first use. A shmem page is in the cache once something faulted it in.
 */
final class Filemap {
    private Filemap() {
    }

    static String fileName(Machine M, int pfn) {
        Long fi = M.fileOf.get(pfn);
        if (fi == null) return "?";
        return M.fileById.get((int) (fi >>> 32)).name + "[" + (int) (fi & 0xFFFFFFFFL) + "]";
    }

    /**
     * is file page idx in the page cache (filemap_map_pages maps only those)? A file's pages are, until MADV_PAGEOUT
     * drops one; a shmem page once created, and not when paged out (the shmem mapping then holds a swap entry,
     * which filemap_map_pages skips, even while the folio still sits in the swap cache).
     */
    static boolean inPageCache(FileObj file, int idx) {
        if (file.cache[idx] != 0) return true;
        return !file.shmem && !file.dropped(idx);
    }

    /**
     * filemap_map_pages over [from, to] of m (do_fault_around's window): maps every page already in the page
     * cache whose PTE is none, with the VMA's vm_page_prot (read-only in a private mapping or one that wants
     * write-notify; writable for shmem without write-notify), as set_pte_range does for a prefault. Returns
     * true when it mapped the faulting page f.idx too (do_read_fault then returns VM_FAULT_NOPAGE).
     */
    static boolean filemapMapPages(Machine M, VmFault f, int from, int to) {
        Vma m = f.m;
        int d = M.log.enter("filemap_map_pages", M.log.detail ? m.name + "[" + from + ".." + to + "]" : null);
        boolean self = false;
        int mapped = 0;
        StringBuilder which = new StringBuilder();
        for (int i = from; i <= to; i++) {
            long v = m.pte(i);
            if ((v & (P_PRESENT | P_SWAP)) != 0) continue; // only none PTEs
            if (!inPageCache(m.file, i)) continue;
            int pfn = pageCachePage(M, m.file, i, f.cpu, false);
            boolean writable = m.shared && (v & V_WRITE) != 0 && !Memory.vmaWantsWritenotify(M, m, v);
            Memory.mapPage(M, m, i, pfn, P_YOUNG | (writable ? P_WRITE : 0));
            if (i == f.idx) self = true;
            else {
                mapped++;
                if (which.length() < 120) which.append(which.length() == 0 ? "" : ", ").append(i);
            }
        }
        if (mapped > 0)
            M.log.event(EventType.MAP, "fault_around", f.proc.name, m.name, f.idx, -1, "filemap_map_pages", Rule.FAULT_AROUND,
                    M.log.detail ? "fault-around: " + mapped + " neighbouring page(s) already in the page cache mapped too (" + m.name + "[" + which
                            + (which.length() >= 120 ? ", …" : "") + "]), " + (m.shared ? "with the VMA's protection" : "read-only")
                            + "; window " + m.name + "[" + from + ".." + to + "] of fault_around_bytes " + M.config.faultAroundBytes() + " · " + Rule.FAULT_AROUND.cite() : null,
                    M.log.detail ? java.util.Map.of("from", from, "to", to, "mapped", mapped) : null);
        M.log.depth = d;
        return self;
    }

    /**
     * do_fault_around: the window of fault_around_pages aligned down around the fault, its start clamped to the
     * VMA and the page table, then nr pages long, clamped to the page table and the VMA (6.4's from_pte/to_pte;
     * the same window as the address arithmetic before). The mapping's start is 2 MiB aligned, so a page's
     * index in the mapping is its PTE index modulo 512 and its file offset.
     */
    static int[] faultAroundWindow(Machine M, Vma m, int idx) {
        int nr = M.config.faultAroundPages();
        int ptBase = idx & ~(HPAGE - 1);
        int from = Math.max(idx & ~(nr - 1), Math.max(ptBase, m.vmaStart(idx)));
        int to = Math.min(Math.min(from + nr, ptBase + HPAGE), m.vmaEnd(idx)) - 1;
        return new int[]{from, to};
    }

    /** should_fault_around: the VMA has ->map_pages (every file and shmem here) and fault_around_pages > 1 */
    static boolean shouldFaultAround(Machine M, Vma m) {
        return m.file != null && M.config.faultAroundPages() > 1;
    }

    /** the page-cache page of file page idx (read from disk on first use) */
    static int pageCachePage(Machine M, FileObj file, int idx) {
        return pageCachePage(M, file, idx, -1, true);
    }

    static int pageCachePage(Machine M, FileObj file, int idx, int cpu) {
        return pageCachePage(M, file, idx, cpu, true);
    }

    /**
     * The page-cache page of file page idx. A scenario's file starts written back and cached, so its page is
     * put straight on the LRU at first use; a page read again after MADV_PAGEOUT dropped it, a new shmem page
     * and one read back from a shmem swap slot are new pages that wait in the faulting CPU's LRU-add batch
     * (filemap_add_folio / shmem_alloc_and_add_folio → folio_add_lru), when that CPU is known (cpu ≥ 0).
     * {@code narrate}: a kernel step for the lookup (fault-around maps many pages and says so once).
     */
    static int pageCachePage(Machine M, FileObj file, int idx, int cpu, boolean narrate) {
        int pfn = file.cache[idx];
        if (pfn != 0) return pfn;
        // a new shmem page is a fresh allocation too (shmem_alloc_and_add_folio → folio_add_lru)
        boolean reread = file.swap[idx] != 0 ? M.swapInfo.slotCache[file.swap[idx]] == 0 : file.shmem || file.dropped(idx);
        if (file.swap[idx] != 0) pfn = Shmem.shmemSwapinFolio(M, file, idx);
        else {
            pfn = PageAlloc.allocPage(M, file.disk[idx], PG_FILE | PG_LRU);
            M.rcSet(pfn, 1); // the page cache's reference
            file.cache[idx] = pfn;
            M.fileOf.put(pfn, ((long) M.fileById.indexOf(file) << 32) | idx);
            if (narrate) M.log.leaf("filemap_fault", file.shmem ? "shmem page" : reread ? "read " + file.name + "[" + idx + "] into the page cache"
                    : file.name + "[" + idx + "] is in the page cache (the file was written before the scenario)");
        }
        if (reread && cpu >= 0 && !M.has(pfn, PG_INBATCH)) {
            M.setFlag(pfn, PG_LRU, false);
            LruBatches.lruCacheAdd(M, cpu, pfn);
        }
        return pfn;
    }
}
