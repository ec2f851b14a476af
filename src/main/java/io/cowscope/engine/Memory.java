package io.cowscope.engine;

import java.util.LinkedHashMap;
import java.util.Map;

import static io.cowscope.engine.Machine.*;

/**
 * mm/memory.c: the fault path and the page-table walks that copy and zap. {@link #handleMmFault} is
 * {@code handle_mm_fault} (one {@link VmFault} travels down, as {@code struct vm_fault} does):
 * {@code do_pte_missing} → {@code do_anonymous_page} / {@code do_read_fault} / {@code do_cow_fault} /
 * {@code do_shared_fault}; {@code do_swap_page}; {@code do_wp_page} → {@code wp_page_reuse} /
 * {@code wp_page_copy}, decided by {@code wp_can_reuse_anon_folio} under the version's rules
 * (kernel-model.md §3.1-3.3, §3.9). fork's {@code copy_page_range} / {@code copy_present_pte} (§3.4) and
 * {@code zap_pte_range} live here too, as in the kernel. See the design essay in {@link Machine}.
 */
final class Memory {
    private Memory() {
    }

    /** handle_mm_fault: dispatch on the PTE (kernel-model §3.1-3.3, §3.9) */
    static int handleMmFault(Machine M, VmFault f) {
        long v = f.m.pte(f.idx);
        boolean swap = (v & P_SWAP) != 0;
        String kind = swap ? "swapin" : f.unshare() ? "unshare" : f.write() ? "write" : "read";
        M.statFaults++;
        int d = M.log.enter("handle_mm_fault", M.log.detail ? kind + " fault at " + f.at() : null);
        M.log.event(EventType.FAULT, kind, f.proc.name, f.m.name, f.idx, (v & P_PRESENT) != 0 ? (v & PFN_MASK) : -1,
                "handle_mm_fault", null, M.log.detail ? kind + " fault at " + f.at() : null, null);
        int ret;
        if (Hugetlb.isHugetlb(v)) ret = Hugetlb.hugetlbFault(M, f); // is_vm_hugetlb_page → hugetlb_fault
        else if ((v & (P_PRESENT | P_SWAP)) == 0) ret = doPteMissing(M, f);
        else if (swap) ret = doSwapPage(M, f);
        else if ((v & P_HUGEZERO) != 0 && (f.write() || f.unshare())) ret = HugeMemory.doHugePmdWpZeroPage(M, f);
        else if ((v & P_PMD) != 0) {
            if (f.write() && (v & P_UFFD_WP) != 0 && (v & V_UFFD_WP) != 0) ret = Userfaultfd.handleUserfault(M, f);
            else if (f.write() || f.unshare()) ret = HugeMemory.doHugePmdWpPage(M, f);
            else ret = VM_FAULT_DONE;
        } else if (f.unshare()) ret = doWpPage(M, f);
        else if (f.write() && (v & P_WRITE) == 0) {
            if ((v & P_UFFD_WP) != 0 && (v & V_UFFD_WP) != 0) ret = Userfaultfd.handleUserfault(M, f);
            else ret = doWpPage(M, f);
        } else {
            M.setPte(f.m, f.idx, v | P_YOUNG | (f.write() ? P_DIRTY : 0));
            ret = VM_FAULT_DONE;
        }
        M.log.depth = d;
        return ret;
    }

    static int doPteMissing(Machine M, VmFault f) {
        Vma m = f.m;
        if (m.file == null) {
            if (f.write()) return doAnonymousPage(M, f);
            if (HugeMemory.thpEligible(M, m, f.idx)) {
                Rmap.anonVmaPrepare(M, m, f.idx); // do_huge_pmd_anonymous_page prepares the anon_vma before the zero-page path
                return HugeMemory.doHugePmdAnonymousPageZero(M, f);
            }
            int d = M.log.enter("do_anonymous_page", "read: map the zero page");
            long v = m.pte(f.idx);
            M.setPte(m, f.idx, (v & VM_MASK) | P_PRESENT | P_ZERO | P_YOUNG | ZERO_PFN);
            M.log.event(EventType.MAP, "zero", f.proc.name, m.name, f.idx, ZERO_PFN, "do_anonymous_page", null,
                    M.log.detail ? "read fault on an empty private anonymous PTE maps the shared zero page read-only" : null, null);
            M.log.depth = d;
            return VM_FAULT_DONE;
        }
        int d = M.log.enter("do_fault", null);
        try {
            if (m.shared) return f.write() ? doSharedFault(M, f) : doReadFault(M, f);
            return f.write() ? doCowFault(M, f) : doReadFault(M, f);
        } finally {
            M.log.depth = d;
        }
    }

    /** do_anonymous_page, write: a fresh zeroed page (or a THP), exclusive, in this CPU's LRU batch */
    static int doAnonymousPage(Machine M, VmFault f) {
        Vma m = f.m;
        Rmap.anonVmaPrepare(M, m, f.idx);
        if (HugeMemory.thpEligible(M, m, f.idx)) return HugeMemory.doHugePmdAnonymousPage(M, f);
        int order = HugeMemory.allocAnonFolioOrder(M, m, f.idx);
        if (order > 0) return HugeMemory.doAnonymousPageLarge(M, f, order);
        int d = M.log.enter("do_anonymous_page", "write: allocate a zeroed page");
        boolean pae = M.rules.inForce(Rule.ANON_EXCLUSIVE);
        int pfn = PageAlloc.allocPage(M, 0, PG_ANON | (pae ? PG_EXCL : 0));
        long v = m.pte(f.idx);
        // entry = mk_pte(); if (vma->vm_flags & VM_WRITE) entry = pte_mkwrite(pte_mkdirty(entry))
        long nv = (v & VM_MASK) | pfn | P_PRESENT | P_YOUNG | ((v & V_WRITE) != 0 ? P_WRITE | P_DIRTY : 0)
                | (M.config.softDirty() ? P_SOFTDIRTY : 0);
        M.mcSet(pfn, 1);
        M.rcSet(pfn, 1);
        M.setPte(m, f.idx, nv);
        M.log.event(EventType.ALLOC, "anon", f.proc.name, m.name, f.idx, pfn, "do_anonymous_page", pae ? Rule.ANON_EXCLUSIVE : null,
                M.log.detail ? "new zeroed page pfn " + pfn + ((v & V_WRITE) != 0 ? " mapped writable" : " mapped read-only, clean (the VMA is not writable)")
                        + (pae ? ", PageAnonExclusive set" : "") : null, null);
        LruBatches.lruCacheAdd(M, f.cpu, pfn);
        M.log.depth = d;
        return VM_FAULT_DONE; // no VM_FAULT_WRITE: only do_wp_page's reuse/copy (and do_swap_page's reuse) report it
    }

    static void mapPage(Machine M, Vma m, int i, int pfn, long bits) {
        M.mcAdd(pfn, 1);
        PageAlloc.folioGet(M, pfn, 1);
        M.setPte(m, i, (m.pte(i) & VM_MASK) | pfn | P_PRESENT | bits);
    }

    /**
     * do_read_fault → finish_fault: the PTE gets the VMA's vm_page_prot, which is writable only in a shared
     * writable VMA that wants no write-notify (shmem: SHMEM_NO_WRITENOTIFY). A private mapping, or a shared
     * file mapping whose file tracks dirty pages, maps read-only and faults on the first write.
     */
    static int doReadFault(Machine M, VmFault f) {
        int d = M.log.enter("do_read_fault", null);
        long v = f.m.pte(f.idx);
        boolean sharedWritable = f.m.shared && (v & V_WRITE) != 0;
        boolean writable = sharedWritable && !vmaWantsWritenotify(M, f.m, v);
        // should_fault_around → do_fault_around → ->map_pages (filemap_map_pages): the neighbours already in
        // the page cache, and the faulting page itself when it is there (then VM_FAULT_NOPAGE, no ->fault)
        boolean mapped = false;
        if (Filemap.shouldFaultAround(M, f.m)) {
            int[] w = Filemap.faultAroundWindow(M, f.m, f.idx);
            int d2 = M.log.enter("do_fault_around", M.log.detail ? "fault_around_bytes " + M.config.faultAroundBytes() + ": " + f.m.name + "[" + w[0] + ".." + w[1] + "]" : null);
            mapped = Filemap.filemapMapPages(M, f, w[0], w[1]);
            M.log.depth = d2;
        }
        int pfn;
        if (mapped) pfn = (int) (f.m.pte(f.idx) & PFN_MASK);
        else {
            pfn = Filemap.pageCachePage(M, f.m.file, f.idx, f.cpu);
            mapPage(M, f.m, f.idx, pfn, P_YOUNG | (writable ? P_WRITE : 0));
        }
        M.log.event(EventType.MAP, "file", f.proc.name, f.m.name, f.idx, pfn, mapped ? "filemap_map_pages" : "do_read_fault", sharedWritable ? Rule.SHMEM_NO_WRITENOTIFY : null,
                !M.log.detail ? null : writable
                        ? "shmem page pfn " + pfn + " mapped writable: shmem wants no write-notify, so the first write takes no fault · " + Rule.SHMEM_NO_WRITENOTIFY.cite()
                        : sharedWritable
                        ? "page-cache page pfn " + pfn + " mapped read-only: " + (f.m.file.shmem ? "soft-dirty tracking" : "the file tracks dirty pages")
                                + " (write-notify), so the first write faults · " + Rule.SHMEM_NO_WRITENOTIFY.cite()
                        : "page-cache page pfn " + pfn + " mapped read-only", null);
        M.log.depth = d;
        return VM_FAULT_DONE;
    }

    /**
     * vma_wants_writenotify for a shared writable VMA: a file that tracks dirty pages (page_mkwrite or writeback)
     * wants to hear of the first write; shmem only while soft-dirty tracking is on for the VMA (clear_refs cleared
     * VM_SOFTDIRTY) or uffd-wp is armed. Private or read-only VMAs have no write bit to withhold.
     */
    static boolean vmaWantsWritenotify(Machine M, Vma m, long v) {
        if (!m.shared || (v & V_WRITE) == 0) return false;
        if (m.file == null || !m.file.shmem) return true;
        if (M.config.softDirty() && (v & V_SOFTDIRTY) == 0) return true;
        return (v & V_UFFD_WP) != 0;
    }

    static int doSharedFault(Machine M, VmFault f) {
        int d = M.log.enter("do_shared_fault", null);
        int pfn = Filemap.pageCachePage(M, f.m.file, f.idx, f.cpu);
        long v = f.m.pte(f.idx);
        mapPage(M, f.m, f.idx, pfn, P_YOUNG | P_DIRTY | ((v & V_WRITE) != 0 ? P_WRITE : 0) | (M.config.softDirty() ? P_SOFTDIRTY : 0));
        M.log.event(EventType.MAP, "shared", f.proc.name, f.m.name, f.idx, pfn, "do_shared_fault", null,
                M.log.detail ? "shared page pfn " + pfn + " mapped writable: no COW in a shared mapping" : null, null);
        M.log.depth = d;
        return VM_FAULT_DONE; // the ->fault / page_mkwrite result: never VM_FAULT_WRITE
    }

    /** do_cow_fault: a write to a private file page copies the page-cache page into a new anon page */
    static int doCowFault(Machine M, VmFault f) {
        int d = M.log.enter("do_cow_fault", null);
        Vma m = f.m;
        Rmap.anonVmaPrepare(M, m, f.idx);
        int pc = Filemap.pageCachePage(M, m.file, f.idx, f.cpu);
        boolean pae = M.rules.inForce(Rule.ANON_EXCLUSIVE);
        int pfn = PageAlloc.allocPage(M, M.content(pc), PG_ANON | (pae ? PG_EXCL : 0));
        long v = m.pte(f.idx);
        M.mcSet(pfn, 1);
        M.rcSet(pfn, 1);
        M.setPte(m, f.idx, (v & VM_MASK) | pfn | P_PRESENT | P_YOUNG | P_DIRTY | ((v & V_WRITE) != 0 ? P_WRITE : 0)
                | (M.config.softDirty() ? P_SOFTDIRTY : 0));
        M.statCow++;
        M.log.event(EventType.COW, "file", f.proc.name, m.name, f.idx, pfn, "do_cow_fault", null,
                M.log.detail ? "private write to file page " + m.file.name + "[" + f.idx + "]: copied into new anon page pfn " + pfn
                        + ((v & V_WRITE) == 0 ? " (mapped read-only, dirty: the VMA is not writable)" : "") : null,
                M.log.detail ? Map.of("from_pfn", pc, "to_pfn", pfn) : null);
        LruBatches.lruCacheAdd(M, f.cpu, pfn);
        M.log.depth = d;
        // do_cow_fault returns __do_fault's result (| finish_fault's): never VM_FAULT_WRITE. In a VMA without
        // VM_WRITE the copy is mapped read-only (dirty), so a FOLL_WRITE walk fails again and faults into
        // do_wp_page, whose reuse returns VM_FAULT_WRITE: that second fault is what faultin_page acts on.
        return VM_FAULT_DONE;
    }

    static void why(Machine M, Rule r, String text, Object... kv) {
        M.whyRule = r;
        if (!M.log.detail) return;
        M.whyText = text + (r == null ? "" : " · " + r.cite());
        LinkedHashMap<String, Object> vals = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) vals.put((String) kv[i], kv[i + 1]);
        M.whyValues = vals;
    }

    static int doWpPage(Machine M, VmFault f) {
        Vma m = f.m;
        long v = m.pte(f.idx);
        int pfn = (v & P_ZERO) != 0 ? ZERO_PFN : (int) (v & PFN_MASK);
        int d = M.log.enter("do_wp_page", M.log.detail ? (f.unshare() ? "unshare" : "write") + " pfn " + pfn : null);
        try {
            if (m.shared && !f.unshare()) {
                M.log.leaf("wp_page_shared", null);
                M.setPte(m, f.idx, v | P_WRITE | P_DIRTY | P_YOUNG | (M.config.softDirty() ? P_SOFTDIRTY : 0));
                M.log.event(EventType.MKWRITE, "shared", f.proc.name, m.name, f.idx, pfn, "wp_page_shared", null,
                        M.log.detail ? "shared mapping: the PTE is made writable, no COW" : null, null);
                return VM_FAULT_WRITE;
            }
            if (pfn == ZERO_PFN) {
                if (M.log.detail) why(M, f.unshare() ? Rule.LONGTERM_RO_FILE_UNSHARE : null, "the zero page is never written: copy");
                return wpPageCopy(M, f, pfn);
            }
            if (!M.has(pfn, PG_ANON)) {
                if (M.log.detail) why(M, null, "page-cache page in a private mapping: copy");
                return wpPageCopy(M, f, pfn);
            }
            if (M.isThp(pfn)) return wpLargeFolio(M, f, pfn);
            boolean reuse = wpCanReuseAnonFolio(M, f, pfn);
            if (reuse) {
                if (f.unshare()) return unshareReuse(M, f, pfn);
                return wpPageReuse(M, f, pfn);
            }
            return wpPageCopy(M, f, pfn);
        } finally {
            M.log.depth = d;
        }
    }

    static String reuseFn(Machine M) {
        return M.rules.inForce(Rule.WP_CAN_REUSE_ANON_FOLIO) ? "wp_can_reuse_anon_folio" : "do_wp_page";
    }

    /** the reuse test of the version (kernel-model §3.3) for an anon small page */
    static boolean wpCanReuseAnonFolio(Machine M, VmFault f, int pfn) {
        int rcv = M.refcount(pfn), mcv = Rmap.pageMapcount(M, pfn);
        boolean sc = M.has(pfn, PG_SWAPCACHE);
        if (M.has(pfn, PG_KSM)) {
            if (M.rules.inForce(Rule.KSM_NEVER_REUSE)) {
                if (M.log.detail) why(M, Rule.KSM_NEVER_REUSE, "KSM page: always copy", "ksm", true, "page_count", rcv);
                return false;
            }
            if (M.rules.inForce(Rule.KSM_REUSE_SINGLE)) {
                M.log.leaf("reuse_ksm_page", null);
                if (rcv == 1 && !sc) {
                    if (M.log.detail) why(M, Rule.KSM_REUSE_SINGLE, "KSM page with page_count 1 (" + Sources.breakdown(M, pfn) + ") and not in the swap cache → reuse", "page_count", rcv);
                    M.setFlag(pfn, PG_KSM, false);
                    M.ksmStable.values().remove(pfn);
                    return true;
                }
                if (M.log.detail) why(M, Rule.KSM_REUSE_SINGLE, "KSM page with page_count " + rcv + " (" + Sources.breakdown(M, pfn) + ") → copy", "page_count", rcv);
                return false;
            }
            if (M.log.detail) why(M, null, "KSM page: never reused before 5.1 → copy", "ksm", true);
            return false;
        }
        if (M.rules.inForce(Rule.ANON_EXCLUSIVE) && M.has(pfn, PG_EXCL)) {
            if (M.log.detail) why(M, Rule.ANON_EXCLUSIVE, "PageAnonExclusive → reuse without further checks", "anon_exclusive", true, "page_count", rcv);
            return true;
        }
        if (M.rules.inForce(Rule.MAPCOUNT_REUSE)) {
            M.log.leaf("reuse_swap_page", null);
            int swc = sc ? M.swapInfo.swapCount[M.swapInfo.swapSlotOf.get(pfn)] : 0;
            if (mcv + swc <= 1) {
                if (M.log.detail) why(M, Rule.MAPCOUNT_REUSE, "mapcount " + mcv + " + swapcount " + swc + " ≤ 1 → reuse; page_count is not consulted (it is " + rcv
                        + (M.log.detail ? ": " + Sources.breakdown(M, pfn) : "") + ")", "mapcount", mcv, "swapcount", swc, "page_count", rcv);
                if (sc) SwapState.deleteFromSwapCache(M, pfn);
                return true;
            }
            if (M.log.detail) why(M, Rule.MAPCOUNT_REUSE, "mapcount " + mcv + " + swapcount " + swc + " > 1 → copy", "mapcount", mcv, "swapcount", swc);
            return false;
        }
        String fn = reuseFn(M);
        if (M.rules.inForce(Rule.WP_DRAIN_AND_FREE_SWAP)) {
            if (rcv > 3) {
                if (M.log.detail) why(M, Rule.WP_DRAIN_AND_FREE_SWAP, fn + ": page_count " + rcv + " = " + (M.log.detail ? Sources.breakdown(M, pfn) : "") + " > 3 → copy", "page_count", rcv);
                return false;
            }
            if (!M.has(pfn, PG_LRU) && LruBatches.batchCpu(M.fl(pfn)) >= 0) {
                int where = LruBatches.batchCpu(M.fl(pfn));
                if (where != f.cpu)
                    M.log.leaf("lru_add_drain", M.log.detail ? "cpu" + f.cpu + " only: the page waits in cpu" + where
                            + "'s batch (\"we cannot easily detect+handle references from remote LRU caches\")" : null);
                LruBatches.lruAddDrain(M, f.cpu);
                rcv = M.refcount(pfn);
            }
            if (rcv > 1 + (sc ? 1 : 0)) {
                if (M.log.detail) why(M, Rule.WP_DRAIN_AND_FREE_SWAP, fn + ": page_count " + rcv + " = " + (M.log.detail ? Sources.breakdown(M, pfn) : "") + " > 1 + swapcache " + (sc ? 1 : 0) + " → copy",
                        "page_count", rcv, "swapcache", sc, "lru_batch_cpu", LruBatches.batchCpu(M.fl(pfn)));
                return false;
            }
            if (M.has(pfn, PG_LOCKED)) {
                if (M.log.detail) why(M, Rule.WP_DRAIN_AND_FREE_SWAP, fn + ": folio_trylock failed → copy", "locked", true);
                return false;
            }
            if (sc) SwapState.folioFreeSwap(M, pfn);
            rcv = M.refcount(pfn);
            if (rcv != 1) {
                if (M.log.detail) why(M, Rule.WP_DRAIN_AND_FREE_SWAP, fn + ": page_count " + rcv + " = " + (M.log.detail ? Sources.breakdown(M, pfn) : "") + " ≠ 1 → copy", "page_count", rcv);
                return false;
            }
            if (M.log.detail) why(M, Rule.WP_DRAIN_AND_FREE_SWAP, fn + ": page_count 1 (only this mapping) → reuse" + (M.rules.inForce(Rule.ANON_EXCLUSIVE) ? ", set PageAnonExclusive" : ""), "page_count", rcv);
            return true;
        }
        // PAGE_COUNT_REUSE 5.9 - 5.17
        if (rcv != 1) {
            if (M.log.detail) why(M, Rule.PAGE_COUNT_REUSE, "page_count " + rcv + " = " + (M.log.detail ? Sources.breakdown(M, pfn) : "") + " ≠ 1 → wp_page_copy", "page_count", rcv, "mapcount", mcv);
            return false;
        }
        if (M.has(pfn, PG_LOCKED)) {
            if (M.log.detail) why(M, Rule.PAGE_COUNT_REUSE, "trylock_page failed → copy", "locked", true);
            return false;
        }
        if (mcv != 1) {
            if (M.log.detail) why(M, Rule.PAGE_COUNT_REUSE, "mapcount " + mcv + " ≠ 1 → copy", "mapcount", mcv);
            return false;
        }
        if (M.log.detail) why(M, Rule.PAGE_COUNT_REUSE, "page_count 1 and mapcount 1 → reuse", "page_count", rcv, "mapcount", mcv);
        return true;
    }

    /** a PTE-mapped page of a THP (after a split) */
    static int wpLargeFolio(Machine M, VmFault f, int pfn) {
        int h = M.head(pfn);
        int rcv = M.rc(h);
        boolean reuse;
        if (M.rules.inForce(Rule.ANON_EXCLUSIVE) && M.has(pfn, PG_EXCL)) {
            if (M.log.detail) why(M, Rule.ANON_EXCLUSIVE, "PageAnonExclusive (THP subpage) → reuse", "anon_exclusive", true);
            reuse = true;
        } else if (M.rules.inForce(Rule.MAPCOUNT_REUSE)) {
            int wide = Rmap.thpWideMapcount(M, h);
            reuse = wide <= 1;
            if (M.log.detail) why(M, Rule.MAPCOUNT_REUSE, "THP-wide mapcount " + wide + (reuse ? " ≤ 1 → reuse" : " > 1 → copy") + " (folio page_count " + rcv + " not consulted)",
                    "thp_mapcount", wide, "page_count", rcv);
        } else if (M.rules.inForce(Rule.LARGE_FOLIO_REUSE)) {
            int large = Rmap.largeMapcount(M, h);
            boolean only = Rmap.onlyMappedBy(M, h, f.proc) == large;
            reuse = large > 1 && only && rcv == large;
            if (M.log.detail) why(M, Rule.LARGE_FOLIO_REUSE, large <= 1
                            ? "large folio with only this page mapped (large mapcount " + large + "): copy, so the large folio can be freed"
                            : "large folio: page_count " + rcv + (rcv == large ? " = " : " ≠ ") + "large mapcount " + large
                            + (only ? ", only this mm maps it" : ", another mm maps it") + (reuse ? " → reuse this PTE" : " → copy"),
                    "page_count", rcv, "large_mapcount", large, "only_this_mm", only);
        } else if (M.rules.inForce(Rule.LARGE_FOLIO_NO_REUSE)) {
            if (M.log.detail) why(M, Rule.LARGE_FOLIO_NO_REUSE, "page of a PTE-mapped large folio: never reused → copy", "page_count", rcv);
            reuse = false;
        } else {
            reuse = rcv == 1 && M.mc(pfn) == 1;
            Rule r = M.rules.inForce(Rule.WP_DRAIN_AND_FREE_SWAP) ? Rule.WP_DRAIN_AND_FREE_SWAP : Rule.PAGE_COUNT_REUSE;
            if (M.log.detail) why(M, r, "THP folio page_count " + rcv + " = " + (M.log.detail ? Sources.breakdown(M, pfn) : "") + (reuse ? " = 1 → reuse" : " ≠ 1 → copy"), "page_count", rcv);
        }
        if (!reuse) return wpPageCopy(M, f, pfn);
        if (f.unshare()) return unshareReuse(M, f, pfn);
        return wpPageReuse(M, f, pfn);
    }

    /** wp_page_reuse: the PTE becomes writable, dirty, young, soft-dirty; no new page */
    static int wpPageReuse(Machine M, VmFault f, int pfn) {
        long v = f.m.pte(f.idx);
        int d = M.log.enter("wp_page_reuse", null);
        if (M.rules.inForce(Rule.ANON_EXCLUSIVE)) M.setPageFlag(pfn, PG_EXCL, true);
        M.setPte(f.m, f.idx, v | P_YOUNG | P_DIRTY | (M.config.softDirty() ? P_SOFTDIRTY : 0) | ((v & V_WRITE) != 0 ? P_WRITE : 0));
        M.statReuse++;
        M.log.event(EventType.REUSE, null, f.proc.name, f.m.name, f.idx, pfn, "wp_page_reuse", M.whyRule,
                M.log.detail ? "do_wp_page: " + M.whyText : null, M.log.detail ? M.whyValues : null);
        M.log.depth = d;
        return VM_FAULT_WRITE;
    }

    /** unshare fault whose reuse test passed: mark the page exclusive, keep the PTE read-only */
    static int unshareReuse(Machine M, VmFault f, int pfn) {
        M.setPageFlag(pfn, PG_EXCL, true);
        M.statUnshare++;
        M.log.event(EventType.UNSHARE, "mark", f.proc.name, f.m.name, f.idx, pfn, "do_wp_page", M.whyRule,
                M.log.detail ? "unshare: " + M.whyText + ": page marked PageAnonExclusive, PTE stays read-only" : null, M.whyValues);
        return VM_FAULT_DONE;
    }

    /** wp_page_copy: a new page with the old content; only after the PTE points at the copy may the old page lose its mapcount */
    static int wpPageCopy(Machine M, VmFault f, int old) {
        Vma m = f.m;
        long v = m.pte(f.idx);
        boolean unshare = f.unshare();
        boolean zero = old == ZERO_PFN;
        int d = M.log.enter("wp_page_copy", unshare ? "unshare" : null);
        boolean spurious = !zero && isSpurious(M, old);
        String spuriousWhy = spurious ? Sources.breakdown(M, old) : null; // hazards are state: never depend on the detail level
        boolean pae = M.rules.inForce(Rule.ANON_EXCLUSIVE);
        int np = PageAlloc.allocPage(M, zero ? 0 : M.content(old), PG_ANON | (pae ? PG_EXCL : 0));
        Rmap.anonVmaPrepare(M, m, f.idx);
        v = m.pte(f.idx);
        long nv = (v & VM_MASK) | np | P_PRESENT | P_YOUNG;
        if (unshare) nv |= v & (P_SOFTDIRTY | P_UFFD_WP | P_DIRTY);
        else nv |= P_DIRTY | (M.config.softDirty() ? P_SOFTDIRTY : 0) | ((v & V_WRITE) != 0 ? P_WRITE : 0);
        M.mcSet(np, 1);
        M.rcSet(np, 1);
        M.setPte(m, f.idx, nv);
        if (unshare) M.statUnshare++;
        else M.statCow++;
        M.log.event(unshare ? EventType.UNSHARE : EventType.COW, unshare ? "copy" : zero ? "zero" : null, f.proc.name, m.name, f.idx, np, "wp_page_copy",
                M.whyRule, M.log.detail ? (M.whyText == null ? "" : M.whyText + ": ") + (zero ? "zero page" : "pfn " + old) + " copied to pfn " + np
                        + (unshare ? " (unshare: the PTE stays read-only)" : "") : null,
                M.log.detail ? M.whyValues : null);
        if (!zero) {
            M.mcAdd(old, -1);
            PageAlloc.folioPut(M, old, 1);
        }
        LruBatches.lruCacheAdd(M, f.cpu, np);
        if (spurious) {
            Hazards.raiseHazard(M, HazardType.SPURIOUS_COW, "spurious COW at " + f.at() + ": pfn " + old + " was referenced only by "
                    + (spuriousWhy == null ? "this mapping and a swap-cache or LRU-batch reference" : spuriousWhy), old, f.at());
        }
        if (!zero && !M.has(old, PG_FREE) && M.has(old, PG_SWAPCACHE) && M.rules.inForce(Rule.FREE_SWAP_AFTER_COW)
                && Rmap.pageMapcount(M, old) == 0 && M.swapInfo.swapCount[M.swapInfo.swapSlotOf.get(old)] == 0) {
            // free_swap_cache → try_to_free_swap / folio_free_swap: unmapped, no swap PTE left, not under writeback;
            // other references (an LRU batch, a pipe) do not matter: they keep the page, not its swap-cache entry
            M.log.leaf("free_swap_cache", "FREE_SWAP_AFTER_COW");
            M.log.event(EventType.NOTE, null, f.proc.name, m.name, f.idx, old, "free_swap_cache", Rule.FREE_SWAP_AFTER_COW,
                    (M.refcount(old) == 1 ? "the old page is left only in the swap cache: freed · " : "no PTE maps the old page any more and no swap PTE uses its slot: "
                            + "deleted from the swap cache (still held by " + Sources.breakdown(M, old) + ") · ") + Rule.FREE_SWAP_AFTER_COW.cite(), null);
            SwapState.deleteFromSwapCache(M, old);
        }
        M.whyText = null;
        M.whyRule = null;
        M.whyValues = null;
        M.log.depth = d;
        return unshare ? VM_FAULT_DONE : VM_FAULT_WRITE; // (page_copied && !unshare) ? VM_FAULT_WRITE : 0
    }

    /** §8 spurious_cow: the only references were this mapping plus swap-cache / LRU-batch references */
    static boolean isSpurious(Machine M, int old) {
        if (!M.has(old, PG_ANON) || M.has(old, PG_KSM) || M.isThp(old)) return false;
        if (M.mc(old) != 1) return false;
        int extra = (M.has(old, PG_SWAPCACHE) ? 1 : 0) + (M.has(old, PG_INBATCH) ? 1 : 0);
        if (extra == 0) return false;
        if (M.has(old, PG_SWAPCACHE) && M.swapInfo.swapCount[M.swapInfo.swapSlotOf.get(old)] > 0) return false;
        return M.rc(old) == 1 + extra;
    }

    static boolean softDirtyWantsFault(Machine M, long v) {
        return M.config.softDirty() && (v & V_SOFTDIRTY) == 0 && (v & P_SOFTDIRTY) == 0;
    }

    static int doSwapPage(Machine M, VmFault f) {
        Vma m = f.m;
        long v = m.pte(f.idx);
        int slot = (int) (v & PFN_MASK);
        int d = M.log.enter("do_swap_page", M.log.detail ? "swap slot " + slot : null);
        M.statSwapIn++;
        int pfn = M.swapInfo.slotCache[slot];
        boolean fromCache = pfn != 0;
        if (!fromCache) {
            M.log.leaf("swap_read_folio", "slot " + slot);
            pfn = PageAlloc.allocPage(M, M.swapInfo.slotContent[slot], PG_ANON | PG_SWAPCACHE);
            M.rcSet(pfn, 1); // the swap cache
            M.swapInfo.slotCache[slot] = pfn;
            M.swapInfo.swapSlotOf.put(pfn, slot);
            LruBatches.lruCacheAdd(M, f.cpu, pfn);
        } else M.log.leaf("swap_cache_get_folio", "pfn " + pfn + " still in the swap cache");
        boolean write = f.write();
        boolean mkwrite = false, excl = false, freeCache = false;
        Rule rule;
        String why;
        boolean ksm = M.has(pfn, PG_KSM);
        if (!M.rules.inForce(Rule.SWAPIN_AND_THP_PAGE_COUNT)) {
            // ≤ 5.17: reuse_swap_page before the page is mapped, counting this PTE's swap entry
            rule = Rule.MAPCOUNT_REUSE;
            int mcv = Rmap.pageMapcount(M, pfn), swc = M.swapInfo.swapCount[slot];
            if (write && !ksm && mcv + swc <= 1) {
                why = "write fault: reuse_swap_page: mapcount " + mcv + " + swapcount " + swc + " ≤ 1 → leave the swap cache, map writable"
                        + " (swap-in keeps the mapcount test until " + Rule.SWAPIN_AND_THP_PAGE_COUNT.cite() + ")";
                freeCache = mkwrite = true;
            } else why = (write ? "write fault: mapcount " + mcv + " + swapcount " + swc + " > 1" : "read fault") + " → map read-only";
            mapPageAfterSwap(M, m, f.idx, pfn, v, mkwrite);
            if (freeCache) SwapState.deleteFromSwapCache(M, pfn);
            SwapState.swapFree(M, slot);
        } else if (!M.rules.inForce(Rule.ANON_EXCLUSIVE)) {
            rule = Rule.SWAPIN_AND_THP_PAGE_COUNT;
            SwapState.swapFree(M, slot);
            int rcv = M.refcount(pfn);
            if (write && !ksm && M.swapInfo.swapCount[slot] == 0 && rcv == 1) {
                why = "write fault: only the swap cache held the page and no swap PTE is left → swap cache freed, map writable";
                freeCache = mkwrite = true;
            } else why = (write ? "write fault: page_count " + rcv + " = " + (M.log.detail ? Sources.breakdown(M, pfn) : "") : "read fault") + " → map read-only";
            mapPageAfterSwap(M, m, f.idx, pfn, v, mkwrite);
            if (freeCache) SwapState.deleteFromSwapCache(M, pfn);
        } else {
            excl = (v & P_SWP_EXCL) != 0 && !ksm;
            rule = excl ? Rule.SWP_EXCLUSIVE : Rule.ANON_EXCLUSIVE;
            SwapState.swapFree(M, slot);
            boolean onlyCache = M.swapInfo.swapCount[slot] == 0 && M.refcount(pfn) == 1;
            if (write && !ksm && onlyCache) {
                excl = freeCache = true;
                why = "write fault: only the swap cache held the page → swap cache freed, exclusive";
            } else why = excl ? "the swap PTE's exclusive bit is set → PageAnonExclusive" : "the swap PTE is not exclusive (shared through fork, or KSM)";
            boolean mkwriteOnRead = !write && excl && M.rules.inForce(Rule.SWAPIN_MKWRITE_ON_READ) && (v & V_WRITE) != 0
                    && !softDirtyWantsFault(M, v) && (v & P_UFFD_WP) == 0;
            mkwrite = excl && (write || mkwriteOnRead);
            if (mkwriteOnRead) {
                rule = Rule.SWAPIN_MKWRITE_ON_READ;
                why += "; read fault maps the exclusive page writable at once";
            } else if (!write) why += "; read fault maps read-only";
            mapPageAfterSwap(M, m, f.idx, pfn, v, mkwrite);
            if (freeCache) SwapState.deleteFromSwapCache(M, pfn);
            if (excl) M.setPageFlag(pfn, PG_EXCL, true);
        }
        M.log.depth = d;
        return finishSwapin(M, f, pfn, rule, why, fromCache, mkwrite && (v & P_UFFD_WP) == 0);
    }

    static void mapPageAfterSwap(Machine M, Vma m, int i, int pfn, long v, boolean mkwrite) {
        // a uffd-wp swap entry comes back write-protected: the retried write faults into handle_userfault
        if ((v & P_UFFD_WP) != 0) mkwrite = false;
        long bits = P_YOUNG | (v & (P_SOFTDIRTY | P_UFFD_WP));
        if (mkwrite) bits |= ((v & V_WRITE) != 0 ? P_WRITE : 0) | (mkwrite ? P_DIRTY : 0);
        mapPage(M, m, i, pfn, bits);
    }

    static int finishSwapin(Machine M, VmFault f, int pfn, Rule rule, String why, boolean fromCache, boolean mkwrite) {
        M.log.event(EventType.SWAP_IN, fromCache ? "swapcache" : "read", f.proc.name, f.m.name, f.idx, pfn, "do_swap_page", rule,
                M.log.detail ? (fromCache ? "page pfn " + pfn + " found in the swap cache" : "slot read into new page pfn " + pfn) + "; " + why + " · " + rule.cite() : null,
                null);
        long nv = f.m.pte(f.idx);
        if (f.write() && (nv & P_WRITE) == 0) {
            // FAULT_FLAG_WRITE still set: do_swap_page goes on to do_wp_page
            if ((nv & P_UFFD_WP) != 0 && (nv & V_UFFD_WP) != 0) return Userfaultfd.handleUserfault(M, f);
            return doWpPage(M, f);
        }
        return mkwrite ? VM_FAULT_WRITE : VM_FAULT_DONE;
    }

    /** copy_page_range for one mapping name (which may hold several VMAs after range operations) */
    static void copyPageRange(Machine M, Proc p, Vma m, Proc c) {
        Vma cm = new Vma(M.nextMappingId++, m.name, c, m.start, m.n, m.shared, m.file);
        c.maps.put(cm.name, cm);
        cm.dStamp = M.stepIndex;
        cm.dMin = 0;
        cm.dMax = m.n - 1;
        M.dMappings.add(cm);
        int d = M.log.enter("copy_page_range", M.log.detail ? m.name : null);
        boolean earlyCow = M.rules.inForce(Rule.FORK_EARLY_COW) && p.hasPinned;
        boolean pae = M.rules.inForce(Rule.ANON_EXCLUSIVE);
        int k = 0;
        boolean needsCopy = false;
        for (int i = 0; i < m.n; i++) {
            long v = m.pte(i);
            if (i == 0 || ((m.pte(i - 1) ^ v) & VM_KEY) != 0) needsCopy = vmaNeedsCopy(M, p, m, c, i);
            if ((v & V_MAPPED) == 0 || (v & V_DONTCOPY) != 0) {
                cm.pteSet(i, 0); // no VMA in the child
                continue;
            }
            long cvm = (v & VM_MASK) & ~V_UFFD_WP;
            if ((v & V_WIPEONFORK) != 0) cvm &= ~V_ANONVMA; // dup_mmap: tmp->anon_vma = NULL
            if ((v & V_WIPEONFORK) != 0 || !needsCopy || (v & (P_PRESENT | P_SWAP)) == 0) {
                cm.pteSet(i, cvm);
                continue;
            }
            M.log.page(k++);
            if ((v & P_SWAP) != 0) {
                int slot = (int) (v & PFN_MASK);
                M.swapInfo.swapCount[slot]++;
                long pv = v;
                if (M.rules.inForce(Rule.SWP_EXCLUSIVE) && (v & P_SWP_EXCL) != 0) {
                    pv = v & ~P_SWP_EXCL;
                    M.setPte(m, i, pv);
                }
                cm.pteSet(i, cvm | (pv & PTE_MASK & ~(P_UFFD_WP | P_SWP_EXCL)));
                M.log.event(EventType.NOTE, "swap", c.name, m.name, i, -1, "copy_nonpresent_pte", Rule.SWP_EXCLUSIVE,
                        M.log.detail ? "swap entry " + slot + " shared: swap count " + M.swapInfo.swapCount[slot] + (M.rules.inForce(Rule.SWP_EXCLUSIVE) ? ", exclusive bit cleared in both" : "") : null, null);
                continue;
            }
            if ((v & P_ZERO) != 0) {
                cm.pteSet(i, cvm | (v & PTE_MASK & ~P_UFFD_WP));
                continue;
            }
            int pfn = (int) (v & PFN_MASK);
            if ((v & P_PMD) != 0) {
                int b = i & ~(HPAGE - 1);
                if (i != b) continue; // handled at the block start
                if (Hugetlb.isHugetlb(v)) { // copy_hugetlb_page_range
                    Hugetlb.copyHugetlbPage(M, p, m, c, cm, b);
                    i = b + HPAGE - 1;
                    continue;
                }
                if (earlyCow && Rmap.maybeDmaPinned(M, pfn)) {
                    // a pinned PMD THP is split first and copied page by page
                    HugeMemory.splitHugePmd(M, m, b, p);
                    for (int j = b; j < b + HPAGE; j++) copyPresentPte(M, p, m, c, cm, j, true, pae);
                    i = b + HPAGE - 1;
                    continue;
                }
                int h = pfn;
                M.rcAdd(h, 1);
                M.pages.folios.get(h).entire++;
                if (pae) M.setFlag(h, PG_EXCL, false);
                for (int j = b; j < b + HPAGE; j++) {
                    long w = m.pte(j) & ~P_WRITE;
                    M.setPte(m, j, w);
                    cm.pteSet(j, ((w & VM_MASK) & ~V_UFFD_WP) | (w & PTE_MASK & ~P_UFFD_WP));
                }
                M.touchPage(h);
                M.log.event(EventType.NOTE, "thp", c.name, m.name, b, h, "copy_huge_pmd", null,
                        "PMD THP shared: folio page_count " + M.rc(h) + ", both PMDs write-protected", null);
                i = b + HPAGE - 1;
                continue;
            }
            copyPresentPte(M, p, m, c, cm, i, earlyCow, pae);
        }
        M.log.detailOn();
        M.log.depth = d;
    }

    /** vma_needs_copy for the VMA starting at page i: a VMA without an anon_vma (never had an anonymous page: only
     * read, zero page, page-cache pages, or shared) is not copied; the child faults its pages in afresh. Narrated
     * when the parent has pages mapped there, which the child then does not see. */
    static boolean vmaNeedsCopy(Machine M, Proc p, Vma m, Proc c, int i) {
        long v = m.pte(i);
        if ((v & V_MAPPED) == 0 || (v & V_DONTCOPY) != 0 || (v & V_WIPEONFORK) != 0) return true; // handled page by page
        if (m.hasAnonVma(i)) return true;
        int e = m.vmaEnd(i), mapped = 0;
        for (int j = i; j < e; j++) if ((m.pte(j) & (P_PRESENT | P_SWAP)) != 0) mapped++;
        if (mapped > 0) {
            boolean split = i > 0 || e < m.n;
            String why = m.shared ? "a shared mapping never has an anon_vma" : "no anonymous page was ever faulted there (only reads: zero page or page cache)";
            M.log.event(EventType.NOTE, "fork_skip", c.name, m.name, i, -1, "copy_page_range", Rule.FORK_SKIPS_NO_ANON_VMA,
                    M.log.detail ? m.name + "[" + i + (e - 1 > i ? ".." + (e - 1) : "") + "]" + (split ? " (a VMA of its own after a split)" : "")
                            + " has no anon_vma: " + why + "; vma_needs_copy is false, so its " + mapped + " mapped page" + (mapped == 1 ? " is" : "s are")
                            + " not copied and " + c.name + " sees nothing there until it faults · " + Rule.FORK_SKIPS_NO_ANON_VMA.cite() : null, null);
        }
        return false;
    }

    /** copy_present_pte: share the page write-protected, or (FORK_EARLY_COW) give the child a copy of a pinned page */
    static void copyPresentPte(Machine M, Proc p, Vma m, Proc c, Vma cm, int i, boolean earlyCow, boolean pae) {
        long v = m.pte(i);
        int pfn = (int) (v & PFN_MASK);
        long cvm = (v & VM_MASK) & ~V_UFFD_WP;
        boolean anon = M.has(pfn, PG_ANON);
        // folio_try_dup_anon_rmap_pte refuses only for an exclusive page of a maybe-pinned folio (a pinned small page is
        // always exclusive; a large folio's other pages may already be shared)
        if (anon && earlyCow && Rmap.maybeDmaPinned(M, pfn) && (!pae || !M.isThp(pfn) || M.has(pfn, PG_EXCL))) {
            int d = M.log.enter("copy_present_page", null);
            int np = PageAlloc.allocPage(M, M.content(pfn), PG_ANON | (pae ? PG_EXCL : 0));
            M.mcSet(np, 1);
            M.rcSet(np, 1);
            cm.pteSet(i, cvm | np | P_PRESENT | P_YOUNG | P_DIRTY | ((v & V_WRITE) != 0 ? P_WRITE : 0) | (v & P_SOFTDIRTY));
            M.pages.indexSet(np, i);
            M.statForkCopy++;
            M.log.event(EventType.FORK_COPY, null, c.name, m.name, i, np, "copy_present_page", Rule.FORK_EARLY_COW,
                    M.log.detail ? "page pfn " + pfn + " may be DMA-pinned (page_count " + M.refcount(pfn) + " = " + Sources.breakdown(M, pfn)
                            + ") and " + p.name + " has_pinned → the child gets a copy (pfn " + np + "); the parent keeps its writable PTE · " + Rule.FORK_EARLY_COW.cite() : null,
                    null);
            LruBatches.lruCacheAdd(M, c.cpu, np);
            M.log.depth = d;
            return;
        }
        M.mcAdd(pfn, 1);
        PageAlloc.folioGet(M, pfn, 1);
        long pv = v;
        if (!m.shared) {
            pv = v & ~P_WRITE;
            if (pv != v) {
                M.setPte(m, i, pv);
                M.log.count(EventType.WRPROTECT);
            }
            if (anon && pae && M.has(pfn, PG_EXCL)) M.setPageFlag(pfn, PG_EXCL, false);
        }
        cm.pteSet(i, cvm | (pv & PTE_MASK & ~P_UFFD_WP));
        M.log.event(EventType.NOTE, "share", c.name, m.name, i, pfn, "copy_present_pte", pae ? Rule.ANON_EXCLUSIVE : null,
                M.log.detail ? "pfn " + pfn + " shared by " + p.name + " and " + c.name + ": mapcount " + Rmap.pageMapcount(M, pfn) + ", page_count " + M.refcount(pfn)
                        + ", both PTEs read-only" + (pae && anon ? ", PageAnonExclusive cleared" : "") : null, null);
    }

    /** zap_pte_range over [a, b]; a partially covered PMD is split first */
    static void zapRange(Machine M, Proc p, Vma m, int a, int b) {
        int d = M.log.enter("zap_pte_range", M.log.detail ? m.name + "[" + a + ".." + b + "]" : null);
        int k = 0;
        for (int i = a; i <= b; i++) {
            long v = m.pte(i);
            if ((v & (P_PRESENT | P_SWAP)) == 0) continue;
            M.log.page(k++);
            if ((v & P_SWAP) != 0) {
                int slot = (int) (v & PFN_MASK);
                M.setPte(m, i, v & VM_MASK);
                // free_swap_and_cache: the swap count drops; a cached page stays in the swap cache
                // (the kernel reclaims it here only when swap is full: TTRS_FULL) until reclaim
                SwapState.swapFree(M, slot);
                continue;
            }
            if ((v & P_ZERO) != 0) {
                M.setPte(m, i, v & VM_MASK);
                continue;
            }
            int pfn = (int) (v & PFN_MASK);
            if ((v & P_PMD) != 0) {
                int blk = i & ~(HPAGE - 1);
                if (Hugetlb.isHugetlb(v)) { // unmap_hugepage_range: callers zap whole huge pages only
                    Hugetlb.unmapHugepageRange(M, p, m, blk, blk + HPAGE - 1);
                    i = blk + HPAGE - 1;
                    continue;
                }
                if (blk >= a && blk + HPAGE - 1 <= b) {
                    int h = pfn & ~(HPAGE - 1);
                    for (int j = blk; j < blk + HPAGE; j++) M.setPte(m, j, m.pte(j) & VM_MASK);
                    M.pages.folios.get(h).entire--;
                    M.log.event(EventType.UNMAP, "thp", p.name, m.name, blk, h, "zap_huge_pmd", null, "PMD unmapped", null);
                    PageAlloc.folioPut(M, h, 1);
                    i = blk + HPAGE - 1;
                    continue;
                }
                HugeMemory.splitHugePmd(M, m, blk, p);
                v = m.pte(i);
            }
            M.setPte(m, i, v & VM_MASK);
            M.mcAdd(pfn, -1);
            M.log.event(EventType.UNMAP, null, p.name, m.name, i, pfn, "zap_pte_range", null,
                    M.log.detail ? "PTE cleared: pfn " + pfn + " mapcount " + Rmap.pageMapcount(M, pfn) + ", page_count " + (M.refcount(pfn) - 1) : null, null);
            PageAlloc.folioPut(M, pfn, 1);
        }
        M.log.detailOn();
        M.log.depth = d;
    }
}
