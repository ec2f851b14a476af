package io.cowscope.engine;

import static io.cowscope.engine.Machine.*;

/** A file or shmem object (the kernel's inode + address_space): content on disk and its page cache, by page index. */
final class FileObj {
    final String name;
    final int pages;
    final boolean shmem;
    int[] disk; // content version on disk
    int[] cache; // page-cache pfn, 0 = not cached
    java.util.BitSet droppedPages = new java.util.BitSet(); // pages MADV_PAGEOUT dropped from the page cache (read again later)
    int[] swap; // shmem only: the swap slot that holds a paged-out page (the swap entry in the shmem mapping), 0 = none

    FileObj(String name, int pages, boolean shmem) {
        this.name = name;
        this.pages = pages;
        this.shmem = shmem;
        disk = new int[pages];
        cache = new int[pages];
        swap = new int[pages];
    }

    boolean dropped(int idx) {
        return droppedPages.get(idx);
    }
}
