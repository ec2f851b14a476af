package io.cowscope.engine;

import java.util.ArrayList;
import java.util.Collections;

import static io.cowscope.engine.Machine.*;

/** Swap-out and reclaim (kernel-model §3.9); swap-in is on the fault path ({@code Machine.doSwapPage}). */
final class Swap {
    private Swap() {
    }

    static void pageout(Machine M, Proc p, Mapping m, int a, int b) {
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
                if (!splitFolio(M, M.head(pfn))) {
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
            else if (M.pageMapcount(pfn) > 1) skip = "mapped by more than one process (mapcount " + M.pageMapcount(pfn) + ")";
            else if (!M.has(pfn, PG_LRU)) skip = "not on the LRU (still in cpu" + batchCpu(M.fl(pfn)) + "'s LRU-add batch): cannot be isolated";
            else if (M.rules.inForce(Rule.NO_SWAP_PINNED) && M.maybeDmaPinned(pfn)) {
                skip = "maybe DMA-pinned (page_count " + M.refcount(pfn) + ")";
                rule = Rule.NO_SWAP_PINNED;
            } else if (M.rules.inForce(Rule.ANON_EXCLUSIVE) && M.has(pfn, PG_EXCL) && M.maybeDmaPinned(pfn)) {
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

    /**
     * split_huge_page: every PMD mapping of the folio becomes 512 PTEs, then the folio becomes 512 small
     * pages, each keeping its own mapcount as refcount. Refused (can_split_folio) when anything but the
     * mappings references the folio: GUP pins and gets, pipes.
     */
    static boolean splitFolio(Machine M, int h) {
        for (Proc p : M.procs)
            for (Mapping m : p.maps.values())
                for (int b = 0; b + HPAGE <= m.n; b += HPAGE) {
                    long v = m.pte(b);
                    if ((v & (P_PRESENT | P_PMD)) == (P_PRESENT | P_PMD) && (int) (v & PFN_MASK) == h) M.splitHugePmd(m, b, p);
                }
        int mapped = 0;
        for (int k = 0; k < HPAGE; k++) mapped += M.mc(h + k);
        if (M.rc(h) != mapped) {
            M.log.warn("THP (head pfn " + h + ") has references besides its mappings (page_count " + M.rc(h) + " = " + M.breakdown(h)
                    + "): split_huge_page refuses, not paged out");
            return false;
        }
        M.folios.remove(h);
        for (int k = 0; k < HPAGE; k++) {
            int p = h + k;
            M.flSet(p, (M.fl(p) & ~(PG_THP | PG_HEAD)) | PG_LRU);
            M.rcSet(p, M.mc(p));
            M.touchPage(p);
        }
        M.log.event(EventType.SPLIT, "folio", null, null, -1, h, "split_huge_page", null,
                "the 512-page folio at pfn " + h + " is split into small pages for swap-out", null);
        for (int k = 0; k < HPAGE; k++) if (M.rc(h + k) == 0) M.freeFolio(h + k);
        return true;
    }

    private static int allocSlot(Machine M) {
        int s = M.nslot++;
        if (s >= M.swapCount.length) {
            int c = M.swapCount.length * 2;
            M.swapCount = java.util.Arrays.copyOf(M.swapCount, c);
            M.slotContent = java.util.Arrays.copyOf(M.slotContent, c);
            M.slotCache = java.util.Arrays.copyOf(M.slotCache, c);
            M.slotUsed = java.util.Arrays.copyOf(M.slotUsed, c);
        }
        M.slotUsed[s] = true;
        return s;
    }

    /** add_to_swap + try_to_unmap: the page goes to the swap cache, the PTE becomes a swap PTE */
    static void swapOut(Machine M, Proc p, Mapping m, int i, int pfn) {
        Integer slot = M.swapSlotOf.get(pfn);
        if (slot == null) {
            slot = allocSlot(M);
            M.swapCount[slot] = 0;
            M.slotCache[slot] = pfn;
            M.swapSlotOf.put(pfn, slot);
            M.setFlag(pfn, PG_SWAPCACHE, true);
            M.folioGet(pfn, 1);
            M.log.leaf("add_to_swap", "slot " + slot);
        }
        M.slotContent[slot] = M.content(pfn);
        long v = m.pte(i);
        boolean excl = M.rules.inForce(Rule.SWP_EXCLUSIVE) && M.has(pfn, PG_EXCL);
        M.swapCount[slot]++;
        M.setPte(m, i, (v & VM_MASK) | slot | P_SWAP | (v & (P_SOFTDIRTY | P_UFFD_WP)) | (excl ? P_SWP_EXCL : 0));
        if (M.rules.inForce(Rule.ANON_EXCLUSIVE)) M.setPageFlag(pfn, PG_EXCL, false);
        M.mcAdd(pfn, -1);
        M.statSwapOut++;
        M.log.event(EventType.SWAP_OUT, null, p.name, m.name, i, pfn, "try_to_unmap_one", excl ? Rule.SWP_EXCLUSIVE : null,
                M.log.detail ? "pfn " + pfn + " → swap slot " + slot + " (swap count " + M.swapCount[slot] + ")" + (excl ? ", swap PTE exclusive" : "")
                        + "; the page stays in the swap cache" : null, null);
        M.folioPut(pfn, 1);
    }

    /** write back and free every swap-cache page that no PTE maps */
    static String reclaim(Machine M) {
        int d = M.log.enter("shrink_page_list", "swap cache");
        ArrayList<Integer> pfns = new ArrayList<>(M.swapSlotOf.keySet());
        Collections.sort(pfns);
        int n = 0;
        for (int pfn : pfns) {
            if (M.pageMapcount(pfn) != 0) continue;
            if (M.refcount(pfn) != 1) {
                M.log.event(EventType.NOTE, "reclaim_skip", null, null, -1, pfn, "shrink_page_list", null,
                        "pfn " + pfn + " is still referenced (" + M.breakdown(pfn) + "): kept", null);
                continue;
            }
            int slot = M.swapSlotOf.get(pfn);
            M.slotContent[slot] = M.content(pfn);
            M.log.event(EventType.SWAP_OUT, "reclaim", null, null, -1, pfn, "__remove_mapping", null,
                    "pfn " + pfn + " written back to slot " + slot + " and freed", null);
            M.deleteFromSwapCache(pfn);
            n++;
        }
        M.log.depth = d;
        return "reclaim: " + n + " page(s) freed";
    }
}
