package io.cowscope.engine;

import static io.cowscope.engine.Machine.*;

/** mm/swap.c: the per-CPU LRU-add batches ({@code folio_add_lru}, {@code lru_add_drain}), kernel-model §3.11. */
final class LruBatches {
    private LruBatches() {
    }

    /** lru_cache_add / folio_add_lru: a new small page waits in this CPU's batch holding a reference */
    static void lruCacheAdd(Machine M, int cpu, int pfn) {
        if (M.isThp(pfn)) {
            // a large folio is never left in the batch: folio_batch_add_and_move moves the whole batch to the LRU at once
            if (M.folioNr(pfn) < HPAGE && M.lru[cpu].size() > 0) {
                int d = M.log.enter("folio_batch_move_lru", M.log.detail ? "a large folio: cpu" + cpu + "'s batch is moved to the LRU with it" : null);
                drainBatch(M, cpu);
                M.log.depth = d;
            }
            M.setFlag(pfn, PG_LRU, true);
            return;
        }
        M.rcAdd(pfn, 1);
        M.flSet(pfn, (M.fl(pfn) & ~PG_LRU) | PG_INBATCH | ((cpu + 1) << BATCH_CPU_SHIFT));
        M.touchPage(pfn);
        IntList b = M.lru[cpu];
        b.add(pfn);
        M.log.event(EventType.LRU_ADD, null, null, null, -1, pfn, "folio_add_lru", null,
                M.log.detail ? "pfn " + pfn + " waits in cpu" + cpu + "'s LRU-add batch (" + b.size() + "/" + M.lruCap + "), holding a reference" : null, null);
        if (b.size() >= M.lruCap) {
            int d = M.log.enter("__pagevec_lru_add", M.log.detail ? "cpu" + cpu + " batch full (" + M.lruCap + ")" : null);
            drainBatch(M, cpu);
            M.log.depth = d;
        }
    }

    /** lru_add_drain on one CPU: the batch's references are dropped and its pages become LRU pages */
    static void lruAddDrain(Machine M, int cpu) {
        if (M.lru[cpu].size() == 0) return;
        int d = M.log.enter("lru_add_drain", M.log.detail ? "cpu" + cpu + ": " + M.lru[cpu].size() + " page(s)" : null);
        M.log.event(EventType.LRU_DRAIN, null, null, null, -1, -1, "lru_add_drain", null,
                M.log.detail ? "cpu" + cpu + "'s LRU-add batch drained: " + M.lru[cpu].size() + " reference(s) dropped" : null, null);
        drainBatch(M, cpu);
        M.log.depth = d;
    }

    /**
     * The lru_add_drain() that munmap / exit (unmap_region, exit_mmap: UNMAP_NO_LRU_DRAIN) and MADV_DONTNEED
     * (free_pages_and_swap_cache: ZAP_NO_LRU_DRAIN) made on this CPU, in the versions that still have it; later
     * versions leave the batch alone, which a note says when the batch holds pages.
     */
    static void unmapDrain(Machine M, int cpu, Rule gone, String function) {
        if (!M.rules.inForce(gone)) {
            lruAddDrain(M, cpu);
            return;
        }
        if (M.lru[cpu].size() == 0) return;
        M.log.event(EventType.NOTE, "no_lru_drain", null, null, -1, -1, function, gone,
                M.log.detail ? "cpu" + cpu + "'s LRU-add batch keeps its " + M.lru[cpu].size() + " page(s): " + function + " no longer calls lru_add_drain() · " + gone.cite() : null, null);
    }

    static void drainBatch(Machine M, int cpu) {
        IntList b = M.lru[cpu];
        for (int i = 0; i < b.size(); i++) {
            int pfn = b.get(i);
            M.flSet(pfn, (M.fl(pfn) & ~(PG_INBATCH | (0xF << BATCH_CPU_SHIFT))) | PG_LRU);
            PageAlloc.folioPut(M, pfn, 1);
        }
        b.clear();
    }

    static void lruAddDrainAll(Machine M) {
        for (int c = 0; c < M.lru.length; c++) lruAddDrain(M, c);
    }

    static int batchCpu(int flags) {
        return (flags & PG_INBATCH) == 0 ? -1 : ((flags >>> BATCH_CPU_SHIFT) & 0xF) - 1;
    }
}
