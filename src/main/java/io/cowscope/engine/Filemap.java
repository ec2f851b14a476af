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
        int pfn = file.cache[idx];
        if (pfn != 0) return pfn;
        if (file.swap[idx] != 0) return Shmem.shmemSwapinFolio(M, file, idx);
        pfn = PageAlloc.allocPage(M, file.disk[idx], PG_FILE | PG_LRU);
        M.rcSet(pfn, 1); // the page cache's reference
        file.cache[idx] = pfn;
        M.fileOf.put(pfn, ((long) M.fileById.indexOf(file) << 32) | idx);
        M.log.leaf("filemap_fault", file.shmem ? "shmem page" : "read " + file.name + "[" + idx + "] into the page cache");
        return pfn;
    }
}
