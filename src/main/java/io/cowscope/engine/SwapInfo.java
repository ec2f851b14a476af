package io.cowscope.engine;

import java.util.Arrays;
import java.util.HashMap;

/**
 * The swap device's state (the kernel's {@code struct swap_info_struct} plus the swap cache's index):
 * per slot the swap count (swap PTEs referencing it), the content written there and the swap-cache pfn
 * holding it (0 = none); and, per swap-cache pfn, its slot. Slot 0 is never used.
 */
final class SwapInfo {
    HashMap<Integer, Integer> swapSlotOf = new HashMap<>(); // swap-cache pfn -> slot
    int[] swapCount = new int[64], slotContent = new int[64], slotCache = new int[64];
    boolean[] slotUsed = new boolean[64];
    int nslot = 1; // slot 0 unused

    SwapInfo() {
    }

    /** a deep copy (time-travel checkpoints) */
    SwapInfo copy() {
        SwapInfo c = new SwapInfo();
        c.swapSlotOf = new HashMap<>(swapSlotOf);
        c.swapCount = swapCount.clone();
        c.slotContent = slotContent.clone();
        c.slotCache = slotCache.clone();
        c.slotUsed = slotUsed.clone();
        c.nslot = nslot;
        return c;
    }

    /** get_swap_pages, one slot: never reused (like pfns) */
    int allocSlot() {
        int s = nslot++;
        if (s >= swapCount.length) {
            int c = swapCount.length * 2;
            swapCount = Arrays.copyOf(swapCount, c);
            slotContent = Arrays.copyOf(slotContent, c);
            slotCache = Arrays.copyOf(slotCache, c);
            slotUsed = Arrays.copyOf(slotUsed, c);
        }
        slotUsed[s] = true;
        return s;
    }
}
