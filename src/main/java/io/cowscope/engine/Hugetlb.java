package io.cowscope.engine;

import io.cowscope.engine.op.Advice;

import static io.cowscope.engine.Machine.*;

/**
 * mm/hugetlb.c: MAP_PRIVATE | MAP_HUGETLB memory in 2 MiB pages. A hugetlb page is kept like a PMD-mapped THP (a
 * 512-page {@link Folio} with its entire mapcount and pincount, all 512 entries of the mapping carry P_PMD) plus
 * PG_HUGETLB; its VMA pages carry V_HUGETLB. What differs from THP, and lives here:
 * <ul>
 * <li>{@code hugetlb_fault} → {@code hugetlb_no_page}: every fault allocates from the pool, never the zero page
 * (HUGETLB_NO_PAGE); a write fault goes on to {@code hugetlb_wp} at once.</li>
 * <li>{@code hugetlb_wp} (hugetlb_cow before 5.19): reuse iff mapcount == 1 and anon, in every version
 * (HUGETLB_MAPCOUNT_REUSE); else copy the whole 2 MiB page. Never split.</li>
 * <li>{@code copy_hugetlb_page_range}: share write-protected, or copy a pinned page for the child
 * (HUGETLB_FORK_EARLY_COW).</li>
 * <li>{@code __unmap_hugepage_range}: zap whole huge pages; the freed page goes back to the pool
 * ({@code free_huge_folio}).</li>
 * <li>VMA splits only at 2 MiB boundaries (HUGETLB_SPLIT_ALIGN); MADV_DONTNEED (HUGETLB_DONTNEED,
 * HUGETLB_DONTNEED_ALIGN_DOWN); the LRU-only advice (HUGETLB_NOT_LRU).</li>
 * </ul>
 * GUP ({@code follow_hugetlb_page} / {@code hugetlb_follow_page_mask}) goes through {@link Gup} unchanged: its
 * faults come here, a FOLL_PIN takes one reference and the folio's pincount, and a read-only pin of a page that
 * is not PageAnonExclusive unshares first (GUP_UNSHARE, 5.19+; a7f226604170 covers hugetlb). The pool is never
 * empty (no reservation accounting, no SIGBUS; see docs/engine.md).
 */
final class Hugetlb {
    private Hugetlb() {
    }

    static boolean isHugetlb(long v) {
        return (v & V_HUGETLB) != 0;
    }

    /** does the range [r0, r1] of m lie in a hugetlb VMA (the first mapped page says: a mapping is hugetlb or not as a whole) */
    static boolean inRange(Vma m, int[] r) {
        for (int i = r[0]; i <= r[1]; i++) if ((m.pte(i) & V_MAPPED) != 0) return isHugetlb(m.pte(i));
        return false;
    }

    /** the fault handler's name in this version */
    static String wpFn(Machine M) {
        return M.rules.inForce(Rule.GUP_UNSHARE) ? "hugetlb_wp" : "hugetlb_cow";
    }

    /** hugetlb_fault: dispatch on the huge PTE (called from handle_mm_fault for a VM_HUGETLB VMA) */
    static int hugetlbFault(Machine M, VmFault f) {
        long v = f.m.pte(f.idx);
        int d = M.log.enter("hugetlb_fault", null);
        try {
            if ((v & P_PRESENT) == 0) return hugetlbNoPage(M, f);
            if ((f.write() || f.unshare()) && (v & P_WRITE) == 0) return hugetlbWp(M, f);
            int b = f.idx & ~(HPAGE - 1);
            for (int k = 0; k < HPAGE; k++) M.setPte(f.m, b + k, f.m.pte(b + k) | P_YOUNG | (f.write() ? P_DIRTY : 0));
            return VM_FAULT_DONE;
        } finally {
            M.log.depth = d;
        }
    }

    /** hugetlb_no_page: a new huge page from the pool, mapped read-only (private); a write fault runs hugetlb_wp at once */
    static int hugetlbNoPage(Machine M, VmFault f) {
        Vma m = f.m;
        int b = f.idx & ~(HPAGE - 1);
        int d = M.log.enter("hugetlb_no_page", M.log.detail ? (f.write() ? "write" : "read") + " fault: allocate a 2 MiB page" : null);
        Rmap.anonVmaPrepare(M, m, f.idx);
        boolean pae = M.rules.inForce(Rule.ANON_EXCLUSIVE);
        int h = PageAlloc.allocFolio(M, PG_ANON | PG_HUGETLB | (pae ? PG_EXCL : 0));
        M.rcSet(h, 1);
        M.pages.folios.get(h).entire = 1;
        for (int k = 0; k < HPAGE; k++) {
            long w = m.pte(b + k);
            M.setPte(m, b + k, (w & VM_MASK) | (h + k) | P_PRESENT | P_PMD | P_YOUNG);
        }
        M.log.event(EventType.ALLOC, "hugetlb", f.proc.name, m.name, b, h, "hugetlb_no_page", Rule.HUGETLB_NO_PAGE,
                M.log.detail ? "new 2 MiB hugetlb page (head pfn " + h + ") from the pool, mapped read-only by one huge PTE at " + m.name + "[" + b + ".."
                        + (b + HPAGE - 1) + "]" + (pae ? ", PageAnonExclusive set" : "") + (f.write() ? "; the write goes on to " + wpFn(M) : "; no zero page for hugetlb")
                        + " · " + Rule.HUGETLB_NO_PAGE.cite() : null, null);
        int ret = VM_FAULT_DONE;
        if (f.write()) ret = hugetlbWp(M, f); // "Optimization, do the COW without a second fault"
        M.log.depth = d;
        return ret;
    }

    /** hugetlb_wp (hugetlb_cow before 5.19): reuse iff mapcount == 1 && anon, else copy the whole huge page */
    static int hugetlbWp(Machine M, VmFault f) {
        Vma m = f.m;
        int b = f.idx & ~(HPAGE - 1);
        int h = (int) (m.pte(b) & PFN_MASK);
        String fn = wpFn(M);
        int d = M.log.enter(fn, M.log.detail ? "hugetlb head pfn " + h : null);
        try {
            int mc = Rmap.pageMapcount(M, h);
            boolean anon = M.has(h, PG_ANON);
            boolean reuse = mc == 1 && anon;
            String why = "folio_mapcount " + mc + (reuse ? " = 1 → reuse the huge page" : " > 1 → copy the whole 2 MiB page") + "; page_count " + M.rc(h)
                    + (M.log.detail ? " (" + Sources.breakdown(M, h) + ")" : "") + " is not consulted · " + Rule.HUGETLB_MAPCOUNT_REUSE.cite();
            if (reuse) {
                boolean pae = M.rules.inForce(Rule.ANON_EXCLUSIVE);
                if (pae && !M.has(h, PG_EXCL)) M.setFlag(h, PG_EXCL, true); // folio_move_anon_rmap + SetPageAnonExclusive
                if (f.unshare()) {
                    M.statUnshare++;
                    M.log.event(EventType.UNSHARE, "mark", f.proc.name, m.name, f.idx, h, fn, Rule.HUGETLB_MAPCOUNT_REUSE,
                            M.log.detail ? why + "; unshare: PageAnonExclusive set, the PTE stays read-only" : null, null);
                    return VM_FAULT_DONE;
                }
                for (int k = 0; k < HPAGE; k++) {
                    long v = m.pte(b + k);
                    M.setPte(m, b + k, v | P_YOUNG | P_DIRTY | ((v & V_WRITE) != 0 ? P_WRITE : 0));
                }
                M.statReuse++;
                M.log.event(EventType.REUSE, "hugetlb", f.proc.name, m.name, f.idx, h, fn, Rule.HUGETLB_MAPCOUNT_REUSE, M.log.detail ? why : null, null);
                return VM_FAULT_DONE;
            }
            int nh = copyHugetlbFolio(M, h);
            for (int k = 0; k < HPAGE; k++) {
                long v = m.pte(b + k);
                M.setPte(m, b + k, (v & VM_MASK) | (nh + k) | P_PRESENT | P_PMD | P_YOUNG | P_DIRTY
                        | (!f.unshare() && (v & V_WRITE) != 0 ? P_WRITE : 0));
            }
            M.touchPage(nh);
            if (f.unshare()) M.statUnshare++;
            else M.statCow++;
            M.log.event(f.unshare() ? EventType.UNSHARE : EventType.COW, f.unshare() ? "copy" : "hugetlb", f.proc.name, m.name, f.idx, nh, fn,
                    Rule.HUGETLB_MAPCOUNT_REUSE, M.log.detail ? why + ": new huge page head " + nh + " (512 pages copied)"
                            + (f.unshare() ? ", mapped read-only (unshare)" : "") : null, null);
            M.pages.folios.get(h).entire--;
            M.touchPage(h);
            PageAlloc.folioPut(M, h, 1);
            return VM_FAULT_DONE;
        } finally {
            M.log.depth = d;
        }
    }

    /** alloc_hugetlb_folio + copy_user_large_folio: a new anonymous huge page (exclusive from 5.19) holding h's 512 pages */
    private static int copyHugetlbFolio(Machine M, int h) {
        int nh = PageAlloc.allocFolio(M, PG_ANON | PG_HUGETLB | (M.rules.inForce(Rule.ANON_EXCLUSIVE) ? PG_EXCL : 0));
        M.rcSet(nh, 1);
        M.pages.folios.get(nh).entire = 1;
        for (int k = 0; k < HPAGE; k++) M.contentSet(nh + k, M.content(h + k));
        return nh;
    }

    /** copy_hugetlb_page_range for the huge page at block b of m: share it write-protected, or copy a pinned page */
    static void copyHugetlbPage(Machine M, Proc p, Vma m, Proc c, Vma cm, int b) {
        int h = (int) (m.pte(b) & PFN_MASK);
        boolean pae = M.rules.inForce(Rule.ANON_EXCLUSIVE);
        boolean early = M.rules.inForce(Rule.HUGETLB_FORK_EARLY_COW) && p.hasPinned && Rmap.maybeDmaPinned(M, h) && M.has(h, PG_ANON)
                && (!pae || M.has(h, PG_EXCL));
        if (early) {
            int nh = copyHugetlbFolio(M, h);
            for (int k = 0; k < HPAGE; k++) {
                long v = m.pte(b + k);
                cm.pteSet(b + k, ((v & VM_MASK) & ~V_UFFD_WP) | (nh + k) | P_PRESENT | P_PMD | P_YOUNG | P_DIRTY | ((v & V_WRITE) != 0 ? P_WRITE : 0));
                M.pages.indexSet(nh + k, b + k);
            }
            M.statForkCopy++;
            M.log.event(EventType.FORK_COPY, "hugetlb", c.name, m.name, b, nh, pae ? "hugetlb_install_folio" : "copy_hugetlb_page_range", Rule.HUGETLB_FORK_EARLY_COW,
                    M.log.detail ? "hugetlb page " + h + " may be DMA-pinned (pincount " + M.pages.folios.get(h).pincount + ") and " + p.name
                            + " has_pinned → the child gets a copy of the whole 2 MiB page (head " + nh + "); the parent keeps its writable PTE · "
                            + Rule.HUGETLB_FORK_EARLY_COW.cite() : null, null);
            return;
        }
        M.rcAdd(h, 1);
        M.pages.folios.get(h).entire++;
        if (pae && M.has(h, PG_EXCL)) M.setFlag(h, PG_EXCL, false);
        for (int k = 0; k < HPAGE; k++) {
            long w = m.pte(b + k) & ~P_WRITE;
            M.setPte(m, b + k, w);
            cm.pteSet(b + k, ((w & VM_MASK) & ~V_UFFD_WP) | (w & PTE_MASK & ~P_UFFD_WP));
        }
        M.touchPage(h);
        M.log.event(EventType.NOTE, "hugetlb", c.name, m.name, b, h, "copy_hugetlb_page_range", pae ? Rule.ANON_EXCLUSIVE : null,
                M.log.detail ? "hugetlb page shared: mapcount " + Rmap.pageMapcount(M, h) + ", page_count " + M.rc(h) + ", both huge PTEs write-protected"
                        + (pae ? ", PageAnonExclusive cleared" : "")
                        + (p.hasPinned && Rmap.maybeDmaPinned(M, h) && !M.rules.inForce(Rule.HUGETLB_FORK_EARLY_COW)
                        ? "; the page is pinned, but hugetlb has no early COW before " + Rule.HUGETLB_FORK_EARLY_COW.cite() : "") : null, null);
    }

    /** __unmap_hugepage_range over whole huge pages [a, b] (a and b+1 aligned) */
    static void unmapHugepageRange(Machine M, Proc p, Vma m, int a, int b) {
        for (int blk = a & ~(HPAGE - 1); blk <= b; blk += HPAGE) {
            long v = m.pte(blk);
            if ((v & P_PRESENT) == 0) continue;
            int h = (int) (v & PFN_MASK);
            for (int j = blk; j < blk + HPAGE; j++) M.setPte(m, j, m.pte(j) & VM_MASK);
            M.pages.folios.get(h).entire--;
            M.log.event(EventType.UNMAP, "hugetlb", p.name, m.name, blk, h, "__unmap_hugepage_range", null,
                    M.log.detail ? "huge PTE cleared: page " + h + " mapcount " + Rmap.pageMapcount(M, h) + ", page_count " + (M.rc(h) - 1) : null, null);
            PageAlloc.folioPut(M, h, 1);
        }
    }

    /** does [r0, r1] start and end on huge page boundaries (the only places a hugetlb VMA may be split)? */
    static boolean aligned(int[] r) {
        return (r[0] & (HPAGE - 1)) == 0 && ((r[1] + 1) & (HPAGE - 1)) == 0;
    }

    /** split_vma → hugetlb_vm_op_split: an unaligned split fails with EINVAL; null when the range may be split */
    static String splitCheck(Machine M, Proc p, Vma m, int[] r, String fn) {
        if (!isHugetlb(m.pte(r[0])) || aligned(r)) return null;
        M.log.event(EventType.NOTE, "einval", p.name, m.name, r[0], -1, "hugetlb_vm_op_split", Rule.HUGETLB_SPLIT_ALIGN,
                M.log.detail ? fn + " of " + m.name + "[" + r[0] + ".." + r[1] + "] would split a hugetlb VMA inside a 2 MiB page: EINVAL, nothing changes · "
                        + Rule.HUGETLB_SPLIT_ALIGN.cite() : null, null);
        M.log.warn(fn + " of a hugetlb mapping must cover whole 2 MiB pages (indexes multiples of 512): EINVAL");
        return M.log.fail("EINVAL");
    }

    /**
     * madvise on a hugetlb VMA: the result when hugetlb decides it (EINVAL, a no-op, DONTNEED), or null when the
     * generic path applies (DONTFORK / DOFORK after the split check).
     */
    static String madvise(Machine M, Proc p, Vma m, int[] r, Advice a) {
        switch (a) {
            case DONTNEED -> {
                if (!M.rules.inForce(Rule.HUGETLB_DONTNEED)) return einval(M, p, m, r, a, Rule.HUGETLB_DONTNEED, "MADV_DONTNEED on hugetlb does not exist before 5.18");
                if ((r[0] & (HPAGE - 1)) != 0) return einval(M, p, m, r, a, Rule.HUGETLB_DONTNEED, "the start is not 2 MiB aligned");
                int end = r[1] + 1; // exclusive
                boolean down = M.rules.inForce(Rule.HUGETLB_DONTNEED_ALIGN_DOWN);
                end = down ? end & ~(HPAGE - 1) : Math.min(m.n, (end + HPAGE - 1) & ~(HPAGE - 1));
                if (end <= r[0]) {
                    M.log.event(EventType.NOTE, "noop", p.name, m.name, r[0], -1, "madvise_dontneed_free", Rule.HUGETLB_DONTNEED_ALIGN_DOWN,
                            M.log.detail ? "the end is rounded down to a huge page: the range is empty, nothing is zapped · " + Rule.HUGETLB_DONTNEED_ALIGN_DOWN.cite() : null, null);
                    return p.name + " madvise " + m.name + " dontneed (shorter than a huge page: nothing)";
                }
                if (end != r[1] + 1)
                    M.log.event(EventType.NOTE, "align", p.name, m.name, r[0], -1, "madvise_dontneed_free_valid_vma", down ? Rule.HUGETLB_DONTNEED_ALIGN_DOWN : Rule.HUGETLB_DONTNEED,
                            M.log.detail ? "the end is rounded " + (down ? "down" : "up") + " to a huge page: " + m.name + "[" + r[0] + ".." + (end - 1) + "]" : null, null);
                int d = M.log.enter("zap_page_range_single", null);
                unmapHugepageRange(M, p, m, r[0], end - 1);
                M.log.depth = d;
                return p.name + " madvise " + m.name + " dontneed";
            }
            case PAGEOUT -> {
                if (!M.rules.inForce(Rule.MADV_PAGEOUT)) {
                    M.log.warn("MADV_PAGEOUT does not exist before 5.4; reclaim passes hugetlb pages by (" + Rule.HUGETLB_NOT_LRU.cite() + ")");
                    return p.name + " madvise " + m.name + " pageout (hugetlb: nothing)";
                }
                return einval(M, p, m, r, a, Rule.HUGETLB_NOT_LRU, "hugetlb pages are not on the LRU (can_madv_lru_vma)");
            }
            case WIPEONFORK, KEEPONFORK -> {
                if (!M.rules.inForce(Rule.MADV_WIPEONFORK)) return null; // the generic path says EINVAL for the version
                return einval(M, p, m, r, a, Rule.HUGETLB_NOT_LRU, "a hugetlb VMA has a (hugetlbfs) file");
            }
            case MERGEABLE, UNMERGEABLE, HUGEPAGE, NOHUGEPAGE -> {
                M.log.event(EventType.NOTE, "noop", p.name, m.name, r[0], -1, a == Advice.MERGEABLE || a == Advice.UNMERGEABLE ? "ksm_madvise" : "hugepage_madvise",
                        Rule.HUGETLB_NOT_LRU, M.log.detail ? "MADV_" + a.name() + " on a hugetlb VMA returns 0 and changes nothing · " + Rule.HUGETLB_NOT_LRU.cite() : null, null);
                return p.name + " madvise " + m.name + " " + a.word + " (hugetlb: no change)";
            }
            default -> {
                long[] change = Madvise.vmFlagChange(M, m, a);
                boolean changes = false;
                for (int i = r[0]; i <= r[1] && change != null && !changes; i++) changes = Madvise.changesFlags(m.pte(i), change);
                return changes ? splitCheck(M, p, m, r, "madvise") : null;
            }
        }
    }

    private static String einval(Machine M, Proc p, Vma m, int[] r, Advice a, Rule rule, String why) {
        M.log.event(EventType.NOTE, "einval", p.name, m.name, r[0], -1, "madvise", rule,
                M.log.detail ? "MADV_" + a.name() + " on the hugetlb mapping " + m.name + ": " + why + " → EINVAL · " + rule.cite() : null, null);
        M.log.warn("MADV_" + a.name() + " on a hugetlb mapping: " + why + ": EINVAL");
        return M.log.fail("EINVAL");
    }
}
