package io.cowscope.engine;

import static io.cowscope.engine.Machine.*;

/** mm/swap_state.c and mm/swapfile.c: the swap cache and swap slots ({@code delete_from_swap_cache},
 * {@code folio_free_swap}, {@code swap_free}); the slots themselves are in {@link SwapInfo}. */
final class SwapState {
    private SwapState() {
    }

    static void deleteFromSwapCache(Machine M, int pfn) {
        Integer slot = M.swapInfo.swapSlotOf.remove(pfn);
        if (slot == null) return;
        M.swapInfo.slotCache[slot] = 0;
        M.setFlag(pfn, PG_SWAPCACHE, false);
        M.log.leaf("delete_from_swap_cache", "slot " + slot);
        if (M.swapInfo.swapCount[slot] == 0) M.swapInfo.slotUsed[slot] = false;
        PageAlloc.folioPut(M, pfn, 1);
    }

    /** folio_free_swap: only when no swap PTE still references the slot */
    static boolean folioFreeSwap(Machine M, int pfn) {
        Integer slot = M.swapInfo.swapSlotOf.get(pfn);
        if (slot == null || M.swapInfo.swapCount[slot] > 0) return false;
        deleteFromSwapCache(M, pfn);
        return true;
    }

    static void swapFree(Machine M, int slot) {
        M.swapInfo.swapCount[slot]--;
        if (M.swapInfo.swapCount[slot] <= 0) {
            M.swapInfo.swapCount[slot] = 0;
            if (M.swapInfo.slotCache[slot] == 0) M.swapInfo.slotUsed[slot] = false;
        }
    }
}
