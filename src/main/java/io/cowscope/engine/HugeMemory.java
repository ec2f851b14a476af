package io.cowscope.engine;

import static io.cowscope.engine.Machine.*;

/**
 * mm/huge_memory.c: THP eligibility, {@code do_huge_pmd_anonymous_page}, {@code do_huge_pmd_wp_page},
 * {@code __split_huge_pmd} (a PMD becomes 512 PTEs) and {@code split_huge_page} (the folio becomes small
 * pages).
 */
final class HugeMemory {
    private HugeMemory() {
    }

    static boolean thpEligible(Machine M, Vma m, int i) {
        long v = m.pte(i);
        if (m.file != null || (v & V_NOHUGEPAGE) != 0) return false;
        if (M.config.thp() == ThpMode.NEVER) return false;
        if (M.config.thp() == ThpMode.MADVISE && (v & V_HUGEPAGE) == 0) return false;
        int b = i & ~(HPAGE - 1);
        if (b + HPAGE > m.n) return false;
        long vm = v & VM_KEY;
        for (int k = b; k < b + HPAGE; k++) {
            long w = m.pte(k);
            if ((w & VM_KEY) != vm || (w & (P_PRESENT | P_SWAP)) != 0) return false;
        }
        return true;
    }

    /**
     * thp_vma_allowable_orders for an anonymous VMA at a page fault, the orders below PMD_ORDER (6.8+, MTHP_ANON_FAULT):
     * the "always" sizes; the "madvise" sizes in a MADV_HUGEPAGE VMA; the "inherit" sizes when the top-level
     * setting would allow a THP here (always, or madvise in a MADV_HUGEPAGE VMA). None in a MADV_NOHUGEPAGE VMA.
     */
    static int thpVmaAllowableOrders(Machine M, long v) {
        if (!M.rules.inForce(Rule.MTHP_ANON_FAULT) || (v & V_NOHUGEPAGE) != 0) return 0;
        HugeAnonOrders o = M.config.mthp();
        boolean hugepage = (v & V_HUGEPAGE) != 0;
        int mask = o.always() | (hugepage ? o.madvise() : 0);
        if (M.config.thp() == ThpMode.ALWAYS || (hugepage && M.config.thp() != ThpMode.NEVER)) mask |= o.inherit();
        return mask;
    }

    /**
     * alloc_anon_folio's choice of order for a write fault at page i (0 = a small page): the allowed orders
     * (thp_vma_allowable_orders), those whose naturally aligned range lies inside the VMA (thp_vma_suitable_orders),
     * then the highest whose range is all pte_none (pte_range_none); a uffd-registered VMA faults page by page.
     */
    static int allocAnonFolioOrder(Machine M, Vma m, int i) {
        long v = m.pte(i);
        if (m.file != null || (v & V_UFFD_WP) != 0) return 0;
        int orders = thpVmaAllowableOrders(M, v);
        if (orders == 0) return 0;
        int vs = m.vmaStart(i), ve = m.vmaEnd(i);
        for (int order = HugeAnonOrders.MAX_ORDER; order >= HugeAnonOrders.MIN_ORDER; order--) {
            if ((orders & (1 << order)) == 0) continue;
            int nr = 1 << order, b = i & ~(nr - 1);
            if (b < vs || b + nr > ve) continue;
            boolean none = true;
            for (int k = b; k < b + nr && none; k++) none = (m.pte(k) & (P_PRESENT | P_SWAP)) == 0;
            if (none) return order;
        }
        return 0;
    }

    /**
     * do_anonymous_page with a large folio from alloc_anon_folio (6.8+): folio_ref_add(nr - 1),
     * folio_add_new_anon_rmap (every page mapcount 1, PageAnonExclusive), folio_add_lru_vma (a large folio
     * drains this CPU's LRU-add batch at once), set_ptes over the naturally aligned range.
     */
    static int doAnonymousPageLarge(Machine M, VmFault f, int order) {
        Vma m = f.m;
        int nr = 1 << order, b = f.idx & ~(nr - 1);
        int d = M.log.enter("do_anonymous_page", M.log.detail ? "write: alloc_anon_folio chose order " + order + " (" + (4 << order) + " KiB)" : null);
        boolean pae = M.rules.inForce(Rule.ANON_EXCLUSIVE);
        int h = PageAlloc.allocFolio(M, PG_ANON | (pae ? PG_EXCL : 0), order);
        M.rcSet(h, nr);
        for (int k = 0; k < nr; k++) {
            long v = m.pte(b + k);
            M.mcSet(h + k, 1);
            M.setPte(m, b + k, (v & VM_MASK) | (h + k) | P_PRESENT | P_YOUNG | ((v & V_WRITE) != 0 ? P_WRITE | P_DIRTY : 0)
                    | (M.config.softDirty() ? P_SOFTDIRTY : 0));
        }
        M.log.event(EventType.ALLOC, "mthp", f.proc.name, m.name, b, h, "alloc_anon_folio", Rule.MTHP_ANON_FAULT,
                M.log.detail ? "new " + (4 << order) + " KiB folio (" + nr + " pages, head pfn " + h + ") mapped by " + nr + " PTEs at " + m.name + "[" + b + ".." + (b + nr - 1)
                        + "]: each page mapcount 1" + (pae ? " and PageAnonExclusive" : "") + ", folio page_count " + nr + " · " + Rule.MTHP_ANON_FAULT.cite() : null, null);
        LruBatches.lruCacheAdd(M, f.cpu, h);
        M.log.depth = d;
        return VM_FAULT_DONE;
    }

    static int doHugePmdAnonymousPage(Machine M, VmFault f) {
        Vma m = f.m;
        int d = M.log.enter("do_huge_pmd_anonymous_page", "allocate a 2 MiB THP");
        boolean pae = M.rules.inForce(Rule.ANON_EXCLUSIVE);
        int h = PageAlloc.allocFolio(M, PG_ANON | PG_LRU | (pae ? PG_EXCL : 0));
        M.rcSet(h, 1);
        M.pages.folios.get(h).entire = 1;
        int b = f.idx & ~(HPAGE - 1);
        for (int k = 0; k < HPAGE; k++) {
            long v = m.pte(b + k);
            M.setPte(m, b + k, (v & VM_MASK) | (h + k) | P_PRESENT | P_PMD | P_YOUNG | P_DIRTY
                    | ((v & V_WRITE) != 0 ? P_WRITE : 0) | (M.config.softDirty() ? P_SOFTDIRTY : 0));
        }
        M.log.event(EventType.ALLOC, "thp", f.proc.name, m.name, b, h, "do_huge_pmd_anonymous_page", null,
                "new 512-page THP (head pfn " + h + ") mapped by one PMD at " + m.name + "[" + b + ".." + (b + HPAGE - 1) + "]", null);
        M.log.depth = d;
        return VM_FAULT_DONE; // __do_huge_pmd_anonymous_page returns 0
    }

    static int doHugePmdWpPage(Machine M, VmFault f) {
        Vma m = f.m;
        int b = f.idx & ~(HPAGE - 1);
        int h = (int) (m.pte(b) & PFN_MASK);
        int d = M.log.enter("do_huge_pmd_wp_page", M.log.detail ? "THP head pfn " + h : null);
        try {
            int rcv = M.rc(h);
            boolean reuse;
            if (!M.rules.inForce(Rule.SWAPIN_AND_THP_PAGE_COUNT)) {
                int wide = Rmap.thpWideMapcount(M, h);
                reuse = wide <= 1;
                if (M.log.detail) Memory.why(M, Rule.MAPCOUNT_REUSE, "THP-wide mapcount " + wide + (reuse ? " ≤ 1 → reuse the PMD" : " > 1") + "; the folio's page_count is not consulted (it is "
                        + rcv + (M.log.detail ? ": " + Sources.breakdown(M, h) : "") + "; THP PMD faults keep this test until "
                        + Rule.SWAPIN_AND_THP_PAGE_COUNT.cite() + ")", "thp_mapcount", wide, "page_count", rcv);
            } else if (M.rules.inForce(Rule.ANON_EXCLUSIVE) && M.has(h, PG_EXCL)) {
                reuse = true;
                if (M.log.detail) Memory.why(M, Rule.ANON_EXCLUSIVE, "THP head PageAnonExclusive → reuse the PMD", "anon_exclusive", true);
            } else {
                reuse = rcv == 1;
                if (M.log.detail) Memory.why(M, Rule.SWAPIN_AND_THP_PAGE_COUNT, "folio page_count " + rcv + " = " + (M.log.detail ? Sources.breakdown(M, h) : "") + (reuse ? " = 1 → reuse the PMD" : " ≠ 1"), "page_count", rcv);
            }
            if (reuse) {
                if (f.unshare()) {
                    M.setFlag(h, PG_EXCL, true);
                    M.statUnshare++;
                    M.log.event(EventType.UNSHARE, "mark", f.proc.name, m.name, f.idx, h, "do_huge_pmd_wp_page", M.whyRule, M.whyText, M.whyValues);
                    return VM_FAULT_DONE;
                }
                if (M.rules.inForce(Rule.ANON_EXCLUSIVE)) M.setFlag(h, PG_EXCL, true);
                for (int k = 0; k < HPAGE; k++) {
                    long v = m.pte(b + k);
                    M.setPte(m, b + k, v | P_YOUNG | P_DIRTY | (M.config.softDirty() ? P_SOFTDIRTY : 0) | ((v & V_WRITE) != 0 ? P_WRITE : 0));
                }
                M.statReuse++;
                M.log.event(EventType.REUSE, "thp", f.proc.name, m.name, f.idx, h, "do_huge_pmd_wp_page", M.whyRule, M.whyText, M.whyValues);
                return VM_FAULT_WRITE;
            }
            if (M.rules.inForce(Rule.THP_COW_SPLIT) || f.unshare()) {
                M.log.leaf("__split_huge_pmd", Rule.THP_COW_SPLIT.cite());
                splitHugePmd(M, m, b, f.proc);
                return Memory.doWpPage(M, f);
            }
            // ≤ 5.7: allocate a whole new THP and copy all 512 pages
            int nh = PageAlloc.allocFolio(M, PG_ANON | PG_LRU | (M.rules.inForce(Rule.ANON_EXCLUSIVE) ? PG_EXCL : 0));
            M.rcSet(nh, 1);
            M.pages.folios.get(nh).entire = 1;
            for (int k = 0; k < HPAGE; k++) {
                M.contentSet(nh + k, M.content(h + k));
                long v = m.pte(b + k);
                M.setPte(m, b + k, (v & VM_MASK) | (nh + k) | P_PRESENT | P_PMD | P_YOUNG | P_DIRTY
                        | (M.config.softDirty() ? P_SOFTDIRTY : 0) | ((v & V_WRITE) != 0 ? P_WRITE : 0));
            }
            M.statCow++;
            M.log.event(EventType.COW, "thp", f.proc.name, m.name, f.idx, nh, "do_huge_pmd_wp_page", M.whyRule,
                    (M.whyText == null ? "" : M.whyText + " → ") + "a whole new THP is allocated and all 512 pages copied (head " + h + " → " + nh + ") · before " + Rule.THP_COW_SPLIT.cite(),
                    M.whyValues);
            M.pages.folios.get(h).entire--;
            PageAlloc.folioPut(M, h, 1);
            return VM_FAULT_WRITE;
        } finally {
            M.log.depth = d;
        }
    }

    /**
     * do_huge_pmd_anonymous_page, read fault: set_huge_zero_folio maps the huge zero page with one read-only PMD
     * (HUGE_ZERO_PAGE). The engine keeps it as 512 entries with P_ZERO | P_HUGEZERO: the zero page's content, no
     * refcount or mapcount, pagemap bit 61, kpageflags ZERO_PAGE | THP.
     */
    static int doHugePmdAnonymousPageZero(Machine M, VmFault f) {
        Vma m = f.m;
        int b = f.idx & ~(HPAGE - 1);
        int d = M.log.enter("do_huge_pmd_anonymous_page", "read: map the huge zero page");
        M.log.leaf("set_huge_zero_folio", M.log.detail ? m.name + "[" + b + ".." + (b + HPAGE - 1) + "]" : null);
        for (int k = 0; k < HPAGE; k++) {
            long v = m.pte(b + k);
            M.setPte(m, b + k, (v & VM_MASK) | P_PRESENT | P_ZERO | P_HUGEZERO | P_YOUNG | ZERO_PFN);
        }
        M.log.event(EventType.MAP, "huge_zero", f.proc.name, m.name, b, ZERO_PFN, "do_huge_pmd_anonymous_page", Rule.HUGE_ZERO_PAGE,
                M.log.detail ? "read fault in an empty THP-eligible region: the huge zero page is mapped read-only by one PMD at " + m.name + "["
                        + b + ".." + (b + HPAGE - 1) + "] (512 zero pages, mapcount 0) · " + Rule.HUGE_ZERO_PAGE.cite() : null, null);
        M.log.depth = d;
        return VM_FAULT_DONE;
    }

    /**
     * do_huge_pmd_wp_page on the huge zero PMD (a write or an unshare): up to 5.7 a new zeroed THP replaces it
     * (HUGE_ZERO_COW_THP); 5.8-6.12 the PMD is split into small zero-page PTEs and the PTE fault copies one page
     * (HUGE_ZERO_COW_SPLIT); from 6.13 a write or an unshare fault allocates a THP again (HUGE_ZERO_WP_THP). Before 6.13
     * an unshare fault (a read-only long-term pin, 6.2+) splits.
     */
    static int doHugePmdWpZeroPage(Machine M, VmFault f) {
        Vma m = f.m;
        int b = f.idx & ~(HPAGE - 1);
        int d = M.log.enter("do_huge_pmd_wp_page", "the huge zero PMD");
        try {
            Rule thp = M.rules.inForce(Rule.HUGE_ZERO_COW_THP) ? Rule.HUGE_ZERO_COW_THP : M.rules.inForce(Rule.HUGE_ZERO_WP_THP) ? Rule.HUGE_ZERO_WP_THP : null;
            // do_huge_zero_wp_pmd (6.13+) does not look at FAULT_FLAG_UNSHARE: a read-only long-term pin's unshare
            // fault gets a whole THP too, mapped like a write's (map_anon_folio_pmd: dirty, writable if VM_WRITE)
            if (thp != null && (f.write() || thp == Rule.HUGE_ZERO_WP_THP)) {
                for (int k = 0; k < HPAGE; k++) M.setPte(m, b + k, m.pte(b + k) & VM_MASK);
                M.log.event(EventType.NOTE, "huge_zero", f.proc.name, m.name, f.idx, ZERO_PFN, thp == Rule.HUGE_ZERO_WP_THP ? "do_huge_zero_wp_pmd" : "do_huge_pmd_wp_page", thp,
                        M.log.detail ? (f.write() ? "write to" : "unshare fault (read-only long-term pin) on") + " the huge zero page: a new zeroed THP is allocated for the whole PMD · " + thp.cite() : null, null);
                if (f.write()) M.statCow++;
                else M.statUnshare++;
                doHugePmdAnonymousPage(M, f);
                return VM_FAULT_WRITE;
            }
            splitHugeZeroPmd(M, m, b, f.proc, M.rules.inForce(Rule.HUGE_ZERO_COW_SPLIT) ? Rule.HUGE_ZERO_COW_SPLIT : null);
            M.log.leaf("VM_FAULT_FALLBACK", "the PTE-level fault copies one page");
            return Memory.doWpPage(M, f);
        } finally {
            M.log.depth = d;
        }
    }

    /** __split_huge_zero_page_pmd: the huge zero PMD becomes 512 PTEs of the small zero page */
    static void splitHugeZeroPmd(Machine M, Vma m, int b, Proc p, Rule why) {
        for (int k = 0; k < HPAGE; k++) {
            long v = m.pte(b + k);
            if ((v & P_HUGEZERO) != 0) M.setPte(m, b + k, v & ~P_HUGEZERO);
        }
        M.log.event(EventType.SPLIT, "huge_zero", p == null ? null : p.name, m.name, b, ZERO_PFN, "__split_huge_zero_page_pmd", why,
                M.log.detail ? "the huge zero PMD of " + m.name + "[" + b + ".." + (b + HPAGE - 1) + "] is split into 512 PTEs of the small zero page"
                        + (why == null ? "" : " · " + why.cite()) : null, null);
    }

    /**
     * A PMD never spans two VMAs nor maps part of a block: after a step, a huge zero PMD whose 512 entries no
     * longer all say so (a zap or munmap of part of it) or no longer share their VMA flags (mprotect / madvise of
     * part of it split the VMA) has been split by the kernel (__split_huge_pmd on the huge zero page).
     */
    static void fixupHugeZeroPmds(Machine M) {
        for (Vma m : M.dMappings) {
            if (m.dStamp != M.stepIndex) continue;
            for (int b = m.dMin & ~(HPAGE - 1); b <= m.dMax && b + HPAGE <= m.n; b += HPAGE) {
                long first = m.pte(b);
                boolean any = false, all = true;
                for (int k = 0; k < HPAGE; k++) {
                    long v = m.pte(b + k);
                    boolean hz = (v & P_HUGEZERO) != 0;
                    any |= hz;
                    all &= hz && (v & VM_KEY) == (first & VM_KEY);
                }
                if (any && !all) splitHugeZeroPmd(M, m, b, m.proc, null);
            }
        }
    }

    /** __split_huge_pmd: one PMD mapping becomes 512 PTE mappings (1 reference becomes 512) */
    static void splitHugePmd(Machine M, Vma m, int b, Proc p) {
        int h = (int) (m.pte(b) & PFN_MASK);
        Folio fo = M.pages.folios.get(h);
        fo.entire--;
        M.rcAdd(h, HPAGE - 1);
        for (int k = 0; k < HPAGE; k++) {
            M.mcAdd(h + k, 1);
            M.setPte(m, b + k, m.pte(b + k) & ~P_PMD);
        }
        M.touchPage(h);
        M.log.event(EventType.SPLIT, "pmd", p.name, m.name, b, h, "__split_huge_pmd", null,
                "the PMD of " + p.name + "." + m.name + "[" + b + ".." + (b + HPAGE - 1) + "] is split into 512 PTEs (folio page_count " + M.rc(h) + ")", null);
    }

    /** a range operation that covers part of a PMD splits it first (the kernel splits the VMA and the PMD) */
    static void splitPartialPmds(Machine M, Proc p, Vma m, int a, int b) {
        splitPartialPmds(M, p, m, a, b, true, true);
    }

    /**
     * vma_adjust_trans_huge: a VMA split at a (atA) or after b (atB) splits a PMD that straddles that edge.
     * An edge whose VMA keeps its flags is not split (VMA_FLAGS_UNCHANGED), so neither is its PMD.
     */
    static void splitPartialPmds(Machine M, Proc p, Vma m, int a, int b, boolean atA, boolean atB) {
        for (int edge : new int[]{a, b}) {
            if (edge == a ? !atA : !atB) continue;
            int blk = edge & ~(HPAGE - 1);
            if ((m.pte(edge) & (P_PRESENT | P_PMD)) != (P_PRESENT | P_PMD)) continue;
            if (blk >= a && blk + HPAGE - 1 <= b) continue;
            splitHugePmd(M, m, blk, p);
        }
    }

    /**
     * split_huge_page: every PMD mapping of the folio becomes 512 PTEs, then the folio becomes 512 small
     * pages, each keeping its own mapcount as refcount. Refused (can_split_folio) when anything but the
     * mappings references the folio: GUP pins and gets, pipes.
     */
    static boolean splitFolio(Machine M, int h) {
        // can_split_folio comes first: a folio with references besides its mappings is not touched at all
        int mapped = Rmap.largeMapcount(M, h);
        if (M.rc(h) != mapped) {
            M.log.warn("THP (head pfn " + h + ") has references besides its mappings (page_count " + M.rc(h) + " = " + Sources.breakdown(M, h)
                    + "): split_huge_page refuses");
            return false;
        }
        int nr = M.folioNr(h);
        if (nr == HPAGE)
            for (Proc p : M.procs)
                for (Vma m : p.maps.values())
                    for (int b = 0; b + HPAGE <= m.n; b += HPAGE) {
                        long v = m.pte(b);
                        if ((v & (P_PRESENT | P_PMD)) == (P_PRESENT | P_PMD) && (int) (v & PFN_MASK) == h) splitHugePmd(M, m, b, p);
                    }
        M.pages.folios.remove(h);
        for (int k = 0; k < nr; k++) {
            int p = h + k;
            M.flSet(p, (M.fl(p) & ~(PG_THP | PG_HEAD | FOLIO_ORDER_MASK)) | PG_LRU);
            M.rcSet(p, M.mc(p));
            M.touchPage(p);
        }
        M.log.event(EventType.SPLIT, "folio", null, null, -1, h, "split_huge_page", null,
                "the " + nr + "-page folio at pfn " + h + " is split into small pages", null);
        if (M.rules.inForce(Rule.THP_SPLIT_ZEROPAGE) && M.has(h, PG_ANON)) remapUnusedToZeropage(M, h, nr);
        for (int k = 0; k < nr; k++) if (M.rc(h + k) == 0) PageAlloc.freeFolio(M, h + k);
        return true;
    }

    /**
     * remap_page(RMP_USE_SHARED_ZEROPAGE) → try_to_map_unused_to_zeropage (6.12+): after the split, every PTE
     * of a subpage that holds only zeroes maps the shared zero page instead (soft-dirty and uffd-wp kept); the
     * subpage loses those mappings and is freed when nothing else holds it.
     */
    static void remapUnusedToZeropage(Machine M, int h, int nr) {
        int zero = 0, first = -1;
        for (Proc p : M.procs)
            for (Vma m : p.maps.values())
                for (int i = 0; i < m.n; i++) {
                    long v = m.pte(i);
                    if ((v & P_PRESENT) == 0 || (v & P_ZERO) != 0) continue;
                    int pfn = (int) (v & PFN_MASK);
                    if (pfn < h || pfn >= h + nr || !M.text(pfn).isEmpty()) continue;
                    M.setPte(m, i, (v & (VM_MASK | P_SOFTDIRTY | P_UFFD_WP)) | P_PRESENT | P_ZERO | P_YOUNG | ZERO_PFN);
                    M.mcAdd(pfn, -1);
                    M.rcAdd(pfn, -1);
                    M.touchPage(pfn);
                    if (first < 0) first = pfn;
                    zero++;
                }
        if (zero > 0)
            M.log.event(EventType.MAP, "zeropage", null, null, -1, first, "try_to_map_unused_to_zeropage", Rule.THP_SPLIT_ZEROPAGE,
                    zero + " PTE(s) of zero-filled subpages now map the shared zero page; those subpages are freed · " + Rule.THP_SPLIT_ZEROPAGE.cite(), null);
    }
}
