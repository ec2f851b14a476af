package io.cowscope.engine;

import static io.cowscope.engine.Machine.*;

/** mm/filemap.c: the page cache (a file page is read into it on first use) and file-page names for messages. */
final class Filemap {
    private Filemap() {
    }

    static String fileName(Machine M, int pfn) {
        Long fi = M.fileOf.get(pfn);
        if (fi == null) return "?";
        return M.fileById.get((int) (fi >>> 32)).name + "[" + (int) (fi & 0xFFFFFFFFL) + "]";
    }

    /** the page-cache page of file page idx (read from disk on first use) */
    static int pageCachePage(Machine M, FileObj file, int idx) {
        return pageCachePage(M, file, idx, -1);
    }

    /**
     * The page-cache page of file page idx. A scenario's file starts written back and cached, so its page is
     * put straight on the LRU at first use; a page read again after MADV_PAGEOUT dropped it, a new shmem page
     * and one read back from a shmem swap slot are new pages that wait in the faulting CPU's LRU-add batch
     * (filemap_add_folio / shmem_alloc_and_add_folio → folio_add_lru), when that CPU is known (cpu ≥ 0).
     */
    static int pageCachePage(Machine M, FileObj file, int idx, int cpu) {
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
            M.log.leaf("filemap_fault", file.shmem ? "shmem page" : "read " + file.name + "[" + idx + "] into the page cache");
        }
        if (reread && cpu >= 0 && !M.has(pfn, PG_INBATCH)) {
            M.setFlag(pfn, PG_LRU, false);
            LruBatches.lruCacheAdd(M, cpu, pfn);
        }
        return pfn;
    }
}
