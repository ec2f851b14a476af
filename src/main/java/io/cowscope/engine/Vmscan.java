package io.cowscope.engine;

import java.util.ArrayList;
import java.util.Collections;

import static io.cowscope.engine.Machine.*;

/** mm/vmscan.c: MADV_PAGEOUT ({@code reclaim_pages} → {@code shrink_folio_list}), swap-out ({@code add_to_swap} +
 * {@code try_to_unmap_one}) and reclaim of the swap cache (kernel-model §3.9); swap-in is {@link Memory#doSwapPage}. */
final class Vmscan {
    private Vmscan() {
    }

    static void pageout(Machine M, Proc p, Vma m, int a, int b) {
        StepLog log = M.log;
        if (!M.config.swap()) {
            log.warn("no swap device: anonymous pages cannot be paged out");
            return;
        }
        int d = log.enter("reclaim_pages", null);
        int k = 0;
        for (int i = a; i <= b; i++) {
            long v = m.pte(i);
            if ((v & P_PRESENT) == 0 || (v & P_ZERO) != 0) continue;
            int pfn = (int) (v & PFN_MASK);
            if (!M.has(pfn, PG_ANON)) continue; // page-cache pages: not simulated
            if (M.isThp(pfn)) {
                // this engine swaps small pages only: the large folio is split first (split_huge_page)
                if (!HugeMemory.splitFolio(M, M.head(pfn))) {
                    i |= HPAGE - 1;
                    continue;
                }
                v = m.pte(i);
                if ((v & P_PRESENT) == 0) continue;
                pfn = (int) (v & PFN_MASK);
            }
            log.page(k++);
            String skip = null;
            Rule rule = null;
            if (M.has(pfn, PG_KSM)) skip = "KSM page: not simulated";
            else if (Rmap.pageMapcount(M, pfn) > 1) skip = "mapped by more than one process (mapcount " + Rmap.pageMapcount(M, pfn) + ")";
            else if (!M.has(pfn, PG_LRU)) skip = "not on the LRU (still in cpu" + LruBatches.batchCpu(M.fl(pfn)) + "'s LRU-add batch): cannot be isolated";
            else if (M.rules.inForce(Rule.NO_SWAP_PINNED) && Rmap.maybeDmaPinned(M, pfn)) {
                skip = "maybe DMA-pinned (page_count " + M.refcount(pfn) + ")";
                rule = Rule.NO_SWAP_PINNED;
            } else if (M.rules.inForce(Rule.ANON_EXCLUSIVE) && M.has(pfn, PG_EXCL) && Rmap.maybeDmaPinned(M, pfn)) {
                skip = "exclusive and maybe pinned: the swap-out is aborted";
                rule = Rule.ANON_EXCLUSIVE;
            }
            if (skip != null) {
                log.event(EventType.NOTE, "pageout_skip", p.name, m.name, i, pfn, "shrink_folio_list", rule,
                        log.detail ? "not paged out: " + skip + (rule == null ? "" : " · " + rule.cite()) : null, null);
                continue;
            }
            swapOut(M, p, m, i, pfn);
        }
        log.detailOn();
        log.depth = d;
    }

    /** add_to_swap + try_to_unmap: the page goes to the swap cache, the PTE becomes a swap PTE */
    static void swapOut(Machine M, Proc p, Vma m, int i, int pfn) {
        Integer slot = M.swapInfo.swapSlotOf.get(pfn);
        if (slot == null) {
            slot = M.swapInfo.allocSlot();
            M.swapInfo.swapCount[slot] = 0;
            M.swapInfo.slotCache[slot] = pfn;
            M.swapInfo.swapSlotOf.put(pfn, slot);
            M.setFlag(pfn, PG_SWAPCACHE, true);
            PageAlloc.folioGet(M, pfn, 1);
            M.log.leaf("add_to_swap", "slot " + slot);
        }
        M.swapInfo.slotContent[slot] = M.content(pfn);
        long v = m.pte(i);
        boolean excl = M.rules.inForce(Rule.SWP_EXCLUSIVE) && M.has(pfn, PG_EXCL);
        M.swapInfo.swapCount[slot]++;
        M.setPte(m, i, (v & VM_MASK) | slot | P_SWAP | (v & (P_SOFTDIRTY | P_UFFD_WP)) | (excl ? P_SWP_EXCL : 0));
        if (M.rules.inForce(Rule.ANON_EXCLUSIVE)) M.setPageFlag(pfn, PG_EXCL, false);
        M.mcAdd(pfn, -1);
        M.statSwapOut++;
        M.log.event(EventType.SWAP_OUT, null, p.name, m.name, i, pfn, "try_to_unmap_one", excl ? Rule.SWP_EXCLUSIVE : null,
                M.log.detail ? "pfn " + pfn + " → swap slot " + slot + " (swap count " + M.swapInfo.swapCount[slot] + ")" + (excl ? ", swap PTE exclusive" : "")
                        + "; the page stays in the swap cache" : null, null);
        PageAlloc.folioPut(M, pfn, 1);
    }

    /** write back and free every swap-cache page that no PTE maps */
    static String reclaim(Machine M) {
        int d = M.log.enter("shrink_page_list", "swap cache");
        ArrayList<Integer> pfns = new ArrayList<>(M.swapInfo.swapSlotOf.keySet());
        Collections.sort(pfns);
        int n = 0;
        for (int pfn : pfns) {
            if (Rmap.pageMapcount(M, pfn) != 0) continue;
            if (M.refcount(pfn) != 1) {
                M.log.event(EventType.NOTE, "reclaim_skip", null, null, -1, pfn, "shrink_page_list", null,
                        "pfn " + pfn + " is still referenced (" + Sources.breakdown(M, pfn) + "): kept", null);
                continue;
            }
            int slot = M.swapInfo.swapSlotOf.get(pfn);
            M.swapInfo.slotContent[slot] = M.content(pfn);
            M.log.event(EventType.SWAP_OUT, "reclaim", null, null, -1, pfn, "__remove_mapping", null,
                    "pfn " + pfn + " written back to slot " + slot + " and freed", null);
            SwapState.deleteFromSwapCache(M, pfn);
            n++;
        }
        M.log.depth = d;
        return "reclaim: " + n + " page(s) freed";
    }
}
