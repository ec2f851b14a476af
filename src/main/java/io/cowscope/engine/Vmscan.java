package io.cowscope.engine;

import java.util.ArrayList;
import java.util.Collections;

import static io.cowscope.engine.Machine.*;

/** mm/vmscan.c and mm/madvise.c: MADV_PAGEOUT ({@code madvise_cold_or_pageout_pte_range} → {@code reclaim_pages} → {@code shrink_folio_list}), swap-out ({@code add_to_swap} +
 * {@code try_to_unmap_one}) and reclaim of the swap cache (kernel-model §3.9); swap-in is {@link Memory#doSwapPage}. */
final class Vmscan {
    private Vmscan() {
    }

    /**
     * madvise_cold_or_pageout_pte_range + reclaim_pages: every page of [a, b] that only this process maps is
     * reclaimed now. Anonymous pages go to swap (a swap PTE); shmem pages go to swap too but the swap entry lives
     * in the shmem mapping, so the PTE is simply cleared (PAGEOUT_SHMEM); page-cache pages of file mappings are
     * unmapped and, when clean and otherwise unreferenced, dropped from the page cache (PAGEOUT_FILE). A THP that
     * another process maps is left alone before any split (PAGEOUT_SHARED_THP); any other THP is split
     * (THP_SWAPOUT_SPLIT), which from 6.12 maps its zero-filled subpages to the shared zero page.
     */
    static void pageout(Machine M, Proc p, Vma m, int a, int b) {
        StepLog log = M.log;
        boolean swap = M.config.swap();
        if (!swap) log.warn("no swap device: anonymous " + (m.file != null && m.file.shmem ? "and shmem " : "") + "pages cannot be paged out");
        int d = log.enter("madvise_cold_or_pageout_pte_range", null);
        int k = 0;
        IntList isolated = new IntList();
        for (int i = a; i <= b; i++) {
            long v = m.pte(i);
            if ((v & P_PRESENT) == 0 || (v & P_ZERO) != 0) continue;
            int pfn = (int) (v & PFN_MASK);
            if (M.isThp(pfn)) {
                int h = M.head(pfn), nr = M.folioNr(h), blk = nr == HPAGE ? i & ~(HPAGE - 1) : i - (pfn - h);
                int shared = folioMappedByOthers(M, h, p);
                if (shared > 0) {
                    // before 6.10 the PTE walk stops at a shared PTE-mapped large folio ('break'): the rest of this page table is not looked at
                    boolean stop = (v & P_PMD) == 0 && !M.rules.inForce(Rule.MTHP_PAGEOUT_WHOLE);
                    log.event(EventType.NOTE, "pageout_skip", p.name, m.name, blk, h, "madvise_cold_or_pageout_pte_range", stop ? Rule.MTHP_PAGEOUT_WHOLE : Rule.PAGEOUT_SHARED_THP,
                            (nr == HPAGE ? "THP" : (4 * nr) + " KiB folio") + " (head pfn " + h + ") is mapped by " + shared + " other process(es): left alone — no split, nothing paged out"
                                    + (stop ? "; before " + Rule.MTHP_PAGEOUT_WHOLE.cite() + " the walk stops here: the rest of the range in this page table is not paged out either"
                                    : " · " + Rule.PAGEOUT_SHARED_THP.cite()), null);
                    i = Math.max(i, Math.min(b, stop ? (i | (HPAGE - 1)) : blk + nr - 1));
                    continue;
                }
                // a PMD THP, or (6.10+) a PTE-mapped mTHP wholly inside the range, goes to reclaim whole; else split_folio first
                boolean whole = ((v & P_PMD) != 0 || (nr < HPAGE && M.rules.inForce(Rule.MTHP_PAGEOUT_WHOLE))) && blk >= a && blk + nr - 1 <= b;
                if (!swap && whole) {
                    i = Math.max(i, Math.min(b, blk + nr - 1));
                    continue;
                }
                String what = nr == HPAGE ? "THP" : (4 * nr) + " KiB folio";
                log.event(EventType.NOTE, "thp_split", p.name, m.name, blk, h, whole ? "shrink_folio_list" : "madvise_cold_or_pageout_pte_range", Rule.THP_SWAPOUT_SPLIT,
                        log.detail ? (whole ? "the whole " + what + " is isolated for reclaim, but a swapfile cannot take a " + nr + "-page swap entry (folio_alloc_swap fails): split_folio_to_list, then the pages are swapped one by one"
                                : "the range covers only part of the " + what + (nr < HPAGE && !M.rules.inForce(Rule.MTHP_PAGEOUT_WHOLE) ? " (or the kernel splits every mTHP here before " + Rule.MTHP_PAGEOUT_WHOLE.cite() + ")" : "")
                                + ": split_folio first") + " · " + Rule.THP_SWAPOUT_SPLIT.cite() : null, null);
                if (!HugeMemory.splitFolio(M, h)) {
                    i = Math.max(i, Math.min(b, blk + nr - 1));
                    continue;
                }
                v = m.pte(i);
                if ((v & P_PRESENT) == 0 || (v & P_ZERO) != 0) continue;
                pfn = (int) (v & PFN_MASK);
            }
            log.page(k++);
            boolean anon = M.has(pfn, PG_ANON);
            String skip = null;
            Rule rule = null;
            if (M.has(pfn, PG_KSM)) skip = "KSM page: not simulated";
            else if (Rmap.pageMapcount(M, pfn) > 1) skip = "mapped by more than one process (mapcount " + Rmap.pageMapcount(M, pfn) + ")";
            else if (!M.has(pfn, PG_LRU)) skip = "not on the LRU (still in cpu" + LruBatches.batchCpu(M.fl(pfn)) + "'s LRU-add batch): cannot be isolated";
            if (skip == null) isolated.add(pfn); // folio_isolate_lru: from here on shrink_folio_list decides, and what it keeps is put back
            if (skip != null) {
                // not isolated
            } else if (anon && !swap) {
                continue; // add_to_swap fails: activate_locked, kept
            } else if (anon && M.rules.inForce(Rule.NO_SWAP_PINNED) && Rmap.maybeDmaPinned(M, pfn)) {
                skip = "maybe DMA-pinned (page_count " + M.refcount(pfn) + ")";
                rule = Rule.NO_SWAP_PINNED;
            } else if (anon && M.rules.inForce(Rule.ANON_EXCLUSIVE) && M.has(pfn, PG_EXCL) && Rmap.maybeDmaPinned(M, pfn)) {
                skip = "exclusive and maybe pinned: the swap-out is aborted";
                rule = Rule.ANON_EXCLUSIVE;
            }
            if (skip != null) {
                log.event(EventType.NOTE, "pageout_skip", p.name, m.name, i, pfn, "shrink_folio_list", rule,
                        log.detail ? "not paged out: " + skip + (rule == null ? "" : " · " + rule.cite()) : null, null);
                continue;
            }
            if (anon) swapOut(M, p, m, i, pfn);
            else if (M.has(pfn, PG_FILE) && m.file != null) pageoutFile(M, p, m, i, pfn, swap);
        }
        log.detailOn();
        putbackIsolated(M, p, isolated);
        log.depth = d;
    }

    /**
     * reclaim_folio_list: every isolated folio that shrink_folio_list did not free (a swap-cache page still under
     * writeback, a dirty or still referenced page-cache page, a page it could not swap) goes back through
     * folio_putback_lru → folio_add_lru, into the LRU-add batch of the CPU that called madvise: PG_lru stays clear
     * and the batch holds a reference until that batch is drained (PAGEOUT_PUTBACK_BATCH).
     */
    static void putbackIsolated(Machine M, Proc p, IntList isolated) {
        if (isolated.size() == 0 || !M.rules.inForce(Rule.PAGEOUT_PUTBACK_BATCH)) return;
        int d = M.log.enter("reclaim_folio_list", null);
        int n = 0;
        for (int j = 0; j < isolated.size(); j++) {
            int pfn = isolated.get(j);
            if (M.has(pfn, PG_FREE) || M.has(pfn, PG_INBATCH) || M.isThp(pfn)) continue;
            if (n++ == 0)
                M.log.event(EventType.NOTE, "pageout_putback", p.name, null, -1, pfn, "folio_putback_lru", Rule.PAGEOUT_PUTBACK_BATCH,
                        M.log.detail ? "shrink_folio_list kept pfn " + pfn + (M.has(pfn, PG_SWAPCACHE) ? " (in the swap cache, under writeback)" : "")
                                + ": folio_putback_lru → folio_add_lru puts it into cpu" + p.cpu + "'s LRU-add batch (PG_lru clear until the batch drains) · "
                                + Rule.PAGEOUT_PUTBACK_BATCH.cite() : null, null);
            LruBatches.lruCacheAdd(M, p.cpu, pfn);
        }
        M.log.depth = d;
    }

    /** folio_maybe_mapped_shared: how many other processes map a page of the folio */
    static int folioMappedByOthers(Machine M, int h, Proc p) {
        int n = 0;
        for (Proc q : M.procs) {
            if (q == p || q.state != ProcState.ALIVE) continue;
            if (Rmap.onlyMappedBy(M, h, q) > 0) n++;
        }
        return n;
    }

    /**
     * shrink_folio_list for a page-cache page: try_to_unmap clears the PTE. shmem then goes to swap
     * (shmem_writeout, if there is swap); a dirty file page stays in the page cache (only kswapd writes file
     * pages back); a clean one is dropped from the page cache (__remove_mapping) unless something else (a pipe,
     * GUP) still holds it.
     */
    static void pageoutFile(Machine M, Proc p, Vma m, int i, int pfn, boolean swap) {
        FileObj file = m.file;
        long v = m.pte(i);
        M.setPte(m, i, v & VM_MASK);
        M.mcAdd(pfn, -1);
        PageAlloc.folioPut(M, pfn, 1);
        Rule rule = file.shmem ? Rule.PAGEOUT_SHMEM : Rule.PAGEOUT_FILE;
        String fate;
        boolean othersHold = M.refcount(pfn) != 1;
        if (file.shmem) {
            if (!swap) fate = "no swap device: the page stays in the shmem page cache";
            else if (othersHold) fate = "still referenced (" + Sources.breakdown(M, pfn) + "): it stays in the page cache";
            else fate = null;
        } else if (M.content(pfn) != file.disk[i]) fate = "dirty: it stays in the page cache (only kswapd writes file pages back)";
        else if (othersHold) fate = "still referenced (" + Sources.breakdown(M, pfn) + "): it stays in the page cache";
        else fate = "clean: dropped from the page cache (__remove_mapping) and freed; the next access reads the file again";
        M.log.event(EventType.UNMAP, "pageout", p.name, m.name, i, pfn, "try_to_unmap_one", rule,
                M.log.detail ? "page-cache page pfn " + pfn + " unmapped: the PTE is cleared (pagemap shows neither present nor swapped)"
                        + (fate == null ? "" : "; " + fate) + " · " + rule.cite() : null, null);
        if (file.shmem) {
            if (fate == null) Shmem.shmemWriteout(M, file, i, pfn);
        } else if (M.content(pfn) == file.disk[i] && !othersHold) {
            file.cache[i] = 0;
            file.droppedPages.set(i);
            M.fileOf.remove(pfn);
            PageAlloc.folioPut(M, pfn, 1);
        }
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

    /**
     * write back and free every swap-cache page that no PTE maps. The reclaimers first drain the LRU-add batches
     * (shrink_inactive_list → lru_add_drain on each CPU that reclaims): a page still held by a batch, such as one
     * MADV_PAGEOUT put back (PAGEOUT_PUTBACK_BATCH), could not be isolated otherwise.
     */
    static String reclaim(Machine M) {
        LruBatches.lruAddDrainAll(M);
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
