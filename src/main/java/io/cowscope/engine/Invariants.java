package io.cowscope.engine;

import java.util.ArrayList;
import java.util.List;

import static io.cowscope.engine.Machine.*;

/**
 * Named consistency checks, like VM_BUG_ON, run after every step by the tests. Each recomputes from
 * the holders what the counters claim.
 */
public final class Invariants {
    private Invariants() {
    }

    public record Violation(String check, long pfn, String message) {
        @Override
        public String toString() {
            return check + ": " + message;
        }
    }

    public static final String REFCOUNT_SOURCES = "refcount_equals_sources", MAPCOUNT_PTES = "mapcount_equals_ptes",
            PINNED_ANON_EXCLUSIVE = "pinned_anon_is_exclusive", NO_FREED_REFERENCED = "no_freed_page_referenced",
            PIN_COUNTS = "pincount_consistent", SWAP_COUNTS = "swap_count_equals_swap_ptes", LRU_BATCH = "lru_batch_consistent",
            LIVE_PAGES = "live_pages_counted";

    public static List<Violation> check(Machine M) {
        List<Violation> out = new ArrayList<>();
        int n = M.pages.npfn;
        int[] expRc = new int[n], expMc = new int[n], expEntire = new int[n], expPin = new int[n];
        boolean[] pinned = new boolean[n];
        int[] expSwap = new int[M.swapInfo.nslot + 1];
        for (Proc p : M.procs) {
            for (Vma m : p.maps.values()) {
                for (int i = 0; i < m.n; i++) {
                    long v = m.pte(i);
                    if ((v & P_SWAP) != 0) {
                        int s = (int) (v & PFN_MASK);
                        if (s <= 0 || s >= M.swapInfo.nslot) out.add(new Violation(SWAP_COUNTS, -1, p.name + "." + m.name + "[" + i + "] has bad slot " + s));
                        else expSwap[s]++;
                        continue;
                    }
                    if ((v & P_PRESENT) == 0 || (v & P_ZERO) != 0) continue;
                    int pfn = (int) (v & PFN_MASK);
                    if (pfn <= 0 || pfn >= n) {
                        out.add(new Violation(NO_FREED_REFERENCED, pfn, p.name + "." + m.name + "[" + i + "] maps invalid pfn " + pfn));
                        continue;
                    }
                    if (M.has(pfn, PG_FREE)) out.add(new Violation(NO_FREED_REFERENCED, pfn, p.name + "." + m.name + "[" + i + "] maps freed pfn " + pfn));
                    int h = M.head(pfn);
                    if ((v & P_PMD) != 0) {
                        if ((pfn & (HPAGE - 1)) == 0) {
                            expRc[h]++;
                            expEntire[h]++;
                        }
                    } else {
                        expRc[h]++;
                        expMc[pfn]++;
                    }
                }
            }
        }
        for (Handle hd : M.handles.values()) {
            if (!hd.live) continue;
            boolean pin = (hd.gupFlags & FOLL_PIN) != 0;
            for (int pfn : hd.pfns) {
                if (pfn == ZERO_PFN) continue;
                if (M.has(pfn, PG_FREE)) out.add(new Violation(NO_FREED_REFERENCED, pfn, "handle " + hd.name + " holds freed pfn " + pfn));
                int h = M.head(pfn);
                boolean thp = M.isThp(h);
                expRc[h] += hd.refsPerPage(thp);
                if (pin) {
                    pinned[pfn] = true;
                    if (thp) expPin[h]++;
                }
            }
        }
        for (Pipe pp : M.pipes.values())
            for (int k = 0; k < pp.pfns.size(); k++) {
                int pfn = pp.pfns.get(k);
                if (pfn == ZERO_PFN) continue;
                if (M.has(pfn, PG_FREE)) out.add(new Violation(NO_FREED_REFERENCED, pfn, "pipe " + pp.name + " holds freed pfn " + pfn));
                expRc[M.head(pfn)]++;
            }
        for (int c = 0; c < M.lru.length; c++) {
            IntList b = M.lru[c];
            for (int k = 0; k < b.size(); k++) {
                int pfn = b.get(k);
                if (M.has(pfn, PG_FREE)) out.add(new Violation(NO_FREED_REFERENCED, pfn, "cpu" + c + " LRU batch holds freed pfn " + pfn));
                if (LruBatches.batchCpu(M.fl(pfn)) != c) out.add(new Violation(LRU_BATCH, pfn, "pfn " + pfn + " in cpu" + c + "'s batch but flagged " + LruBatches.batchCpu(M.fl(pfn))));
                expRc[pfn]++;
            }
        }
        for (var e : M.swapInfo.swapSlotOf.entrySet()) {
            int pfn = e.getKey(), slot = e.getValue();
            if (M.has(pfn, PG_FREE)) out.add(new Violation(NO_FREED_REFERENCED, pfn, "swap cache holds freed pfn " + pfn));
            if (!M.has(pfn, PG_SWAPCACHE)) out.add(new Violation(SWAP_COUNTS, pfn, "pfn " + pfn + " in the swap cache map without PG_swapcache"));
            if (M.swapInfo.slotCache[slot] != pfn) out.add(new Violation(SWAP_COUNTS, pfn, "slot " + slot + " caches " + M.swapInfo.slotCache[slot] + ", not " + pfn));
            expRc[M.head(pfn)]++;
        }
        for (FileObj f : M.fileById)
            for (int i = 0; i < f.pages; i++) if (f.swap[i] != 0) expSwap[f.swap[i]]++; // a shmem swap entry lives in the shmem mapping
        for (FileObj f : M.fileById)
            for (int i = 0; i < f.pages; i++) if (f.cache[i] != 0) {
                if (M.has(f.cache[i], PG_FREE)) out.add(new Violation(NO_FREED_REFERENCED, f.cache[i], "page cache of " + f.name + " holds freed pfn"));
                expRc[f.cache[i]]++;
            }
        long live = 0;
        boolean pae = M.rules.inForce(Rule.ANON_EXCLUSIVE);
        for (int pfn = 1; pfn < n; pfn++) {
            int fl = M.fl(pfn);
            if ((fl & PG_FREE) != 0) {
                if (expRc[pfn] != 0 || expMc[pfn] != 0) out.add(new Violation(NO_FREED_REFERENCED, pfn, "freed pfn " + pfn + " still has " + expRc[pfn] + " reference(s)"));
                continue;
            }
            live++;
            boolean thp = (fl & PG_THP) != 0;
            int h = M.head(pfn);
            if (h == pfn && M.rc(pfn) != expRc[pfn])
                out.add(new Violation(REFCOUNT_SOURCES, pfn, "pfn " + pfn + " refcount " + M.rc(pfn) + " but its sources sum to " + expRc[pfn] + " " + M.sources(pfn)));
            if (M.mc(pfn) != expMc[pfn])
                out.add(new Violation(MAPCOUNT_PTES, pfn, "pfn " + pfn + " mapcount " + M.mc(pfn) + " but " + expMc[pfn] + " PTE(s) map it"));
            if (thp && h == pfn) {
                Folio fo = M.pages.folios.get(h);
                if (fo == null) out.add(new Violation(MAPCOUNT_PTES, pfn, "THP head " + pfn + " has no folio"));
                else {
                    if (fo.entire != expEntire[h]) out.add(new Violation(MAPCOUNT_PTES, pfn, "folio " + h + " entire mapcount " + fo.entire + " but " + expEntire[h] + " PMD(s)"));
                    if (fo.pincount != expPin[h]) out.add(new Violation(PIN_COUNTS, pfn, "folio " + h + " pincount " + fo.pincount + " but " + expPin[h] + " pin(s)"));
                }
            }
            if (pae && pinned[pfn] && (fl & PG_ANON) != 0 && (fl & PG_EXCL) == 0)
                out.add(new Violation(PINNED_ANON_EXCLUSIVE, pfn, "pinned anon pfn " + pfn + " is not PageAnonExclusive"));
            if ((fl & PG_INBATCH) != 0 && (fl & PG_LRU) != 0) out.add(new Violation(LRU_BATCH, pfn, "pfn " + pfn + " is both in a batch and on the LRU"));
            if ((fl & PG_INBATCH) != 0 && !M.lru[LruBatches.batchCpu(fl)].contains(pfn)) out.add(new Violation(LRU_BATCH, pfn, "pfn " + pfn + " flagged in a batch but not in it"));
            if (!thp && (fl & PG_ANON) != 0 && pinned[pfn] && M.rc(pfn) < GUP_PIN_COUNTING_BIAS)
                out.add(new Violation(PIN_COUNTS, pfn, "pinned small pfn " + pfn + " has refcount " + M.rc(pfn) + " < 1024"));
        }
        // alignment gaps before THPs are flagged free and never counted
        if (live != M.pages.livePages) out.add(new Violation(LIVE_PAGES, -1, "livePages " + M.pages.livePages + " but " + live + " pages are not free"));
        for (int s = 1; s < M.swapInfo.nslot; s++)
            if (M.swapInfo.swapCount[s] != expSwap[s]) out.add(new Violation(SWAP_COUNTS, -1, "slot " + s + " swap count " + M.swapInfo.swapCount[s] + " but " + expSwap[s] + " swap PTE(s)"));
        return out;
    }
}
