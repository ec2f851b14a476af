package io.cowscope.engine;

import static io.cowscope.engine.Machine.*;

/**
 * mm/shmem.c: a shmem (shared anonymous) page goes to swap through {@code shmem_writeout}: the page moves from
 * the shmem mapping into the swap cache and the mapping holds the swap entry instead (so the process's PTE is
 * simply cleared, never a swap PTE); {@code shmem_swapin_folio} brings it back on the next fault, from the swap
 * cache if the page is still there, else from the slot (kernel-model §10, class 3).
 */
final class Shmem {
    private Shmem() {
    }

    /** shmem_writeout: the unmapped page leaves the page cache for the swap cache (the page-cache reference
     * becomes the swap cache's); the shmem mapping now holds the swap entry (swap count 1) */
    static void shmemWriteout(Machine M, FileObj file, int idx, int pfn) {
        int slot = M.swapInfo.allocSlot();
        M.swapInfo.swapCount[slot] = 1; // the shmem mapping's swap entry
        M.swapInfo.slotCache[slot] = pfn;
        M.swapInfo.slotContent[slot] = M.content(pfn);
        M.swapInfo.swapSlotOf.put(pfn, slot);
        file.cache[idx] = 0;
        file.swap[idx] = slot;
        file.disk[idx] = M.content(pfn); // what a later read sees (the slot's content)
        M.flSet(pfn, (M.fl(pfn) & ~PG_FILE) | PG_SWAPCACHE);
        M.touchPage(pfn);
        M.statSwapOut++;
        M.log.event(EventType.SWAP_OUT, "shmem", null, null, -1, pfn, "shmem_writeout", Rule.PAGEOUT_SHMEM,
                M.log.detail ? "shmem page " + file.name + "[" + idx + "] (pfn " + pfn + ") → swap slot " + slot
                        + ": the swap entry lives in the shmem mapping, the page stays in the swap cache · " + Rule.PAGEOUT_SHMEM.cite() : null, null);
    }

    /** shmem_swapin_folio: the page comes back from the swap cache (same pfn) or is read from the slot; the
     * swap cache and the slot are freed (the shmem mapping holds the page again) */
    static int shmemSwapinFolio(Machine M, FileObj file, int idx) {
        int slot = file.swap[idx];
        int pfn = M.swapInfo.slotCache[slot];
        boolean cached = pfn != 0;
        if (cached) {
            M.swapInfo.swapSlotOf.remove(pfn);
            M.swapInfo.slotCache[slot] = 0;
            M.flSet(pfn, (M.fl(pfn) & ~PG_SWAPCACHE) | PG_FILE); // the swap cache's reference becomes the page cache's
            M.touchPage(pfn);
        } else {
            pfn = PageAlloc.allocPage(M, M.swapInfo.slotContent[slot], PG_FILE | PG_LRU);
            M.rcSet(pfn, 1);
            M.fileOf.put(pfn, ((long) M.fileById.indexOf(file) << 32) | idx);
        }
        file.swap[idx] = 0;
        file.cache[idx] = pfn;
        SwapState.swapFree(M, slot);
        M.statSwapIn++;
        M.log.event(EventType.SWAP_IN, "shmem", null, null, -1, pfn, "shmem_swapin_folio", Rule.PAGEOUT_SHMEM,
                M.log.detail ? "shmem page " + file.name + "[" + idx + "] back from swap slot " + slot
                        + (cached ? " (still in the swap cache: same pfn " + pfn + ")" : " (read into new pfn " + pfn + ")") + "; slot freed" : null, null);
        return pfn;
    }
}
