package io.cowscope.engine;

import java.util.HashMap;

import static io.cowscope.engine.Machine.*;

/** ksmd (kernel-model §3.10): one call = one full scan of the VM_MERGEABLE mappings, in registration order. */
final class Ksm {
    private Ksm() {
    }

    private record Cand(Vma m, int i) {
    }

    static void scan(Machine M) {
        StepLog log = M.log;
        int d = log.enter("ksm_do_scan", null);
        int dd = log.enter("lru_add_drain_all", null);
        LruBatches.lruAddDrainAll(M);
        log.depth = dd;
        HashMap<Integer, Cand> unstable = new HashMap<>();
        int k = 0;
        for (Vma m : M.ksmRegions) {
            if (m.proc.state != ProcState.ALIVE) continue;
            for (int i = 0; i < m.n; i++) {
                long v = m.pte(i);
                if ((v & V_MERGEABLE) == 0 || (v & P_PRESENT) == 0 || (v & P_ZERO) != 0) continue;
                int pfn = (int) (v & PFN_MASK);
                if (!M.has(pfn, PG_ANON) || M.has(pfn, PG_KSM)) continue;
                log.page(k++);
                int text = M.ct.textId(M.content(pfn));
                long key = ((long) m.id << 32) | i;
                Integer old = M.ksmChecksum.put(key, text);
                if (old == null || old != text) {
                    log.event(EventType.NOTE, "ksm_checksum", m.proc.name, m.name, i, pfn, "cmp_and_merge_page", null,
                            log.detail ? "checksum " + (old == null ? "first seen" : "changed") + " since the previous scan: not a candidate yet" : null, null);
                    continue;
                }
                Integer stable = M.ksmStable.get(text);
                if (stable != null && !M.has(stable, PG_FREE) && stable != pfn) {
                    pfn = splitForMerge(M, m, i);
                    if (pfn > 0 && writeProtectPage(M, m, i, pfn)) replacePage(M, m, i, pfn, stable);
                    continue;
                }
                Cand c = unstable.get(text);
                if (c != null) {
                    long cv = c.m().pte(c.i());
                    int cpfn = (int) (cv & PFN_MASK);
                    boolean match = (cv & P_PRESENT) != 0 && (cv & P_ZERO) == 0 && cpfn != pfn && !M.has(cpfn, PG_KSM)
                            && M.ct.textId(M.content(cpfn)) == text;
                    if (match && M.isThp(pfn) && M.isThp(cpfn) && M.head(pfn) == M.head(cpfn)) {
                        // both pages in one THP: split_huge_page fails while ksmd holds both (two extra
                        // references); cmp_and_merge_page splits it afterwards, no merge in this pass
                        log.event(EventType.NOTE, "ksm_split", m.proc.name, m.name, i, M.head(pfn), "cmp_and_merge_page", Rule.KSM_SPLITS_THP,
                                log.detail ? "both pages are in one THP (head pfn " + M.head(pfn) + "): the merge fails, the THP is split, no merge in this pass · "
                                        + Rule.KSM_SPLITS_THP.cite() : null, null);
                        HugeMemory.splitFolio(M, M.head(pfn));
                        continue;
                    }
                    if (match && (M.isThp(pfn) || M.isThp(cpfn))) {
                        // try_to_merge_two_pages → try_to_merge_one_page splits each THP first
                        pfn = splitForMerge(M, m, i);
                        cpfn = pfn > 0 ? splitForMerge(M, c.m(), c.i()) : -1;
                        if (pfn <= 0 || cpfn <= 0) {
                            if (pfn > 0) unstable.put(text, new Cand(m, i));
                            continue;
                        }
                    }
                    if (match && mergeable(M, cpfn) && mergeable(M, pfn)) {
                        // try_to_merge_two_pages: the page scanned second becomes the KSM page
                        writeProtectPage(M, m, i, pfn);
                        M.setFlag(pfn, PG_KSM, true);
                        M.contentSet(pfn, M.ct.newVersion(M.ct.text(M.content(pfn)), ContentTable.KSM, M.stepIndex, false));
                        M.ksmStable.put(text, pfn);
                        writeProtectPage(M, c.m(), c.i(), cpfn);
                        replacePage(M, c.m(), c.i(), cpfn, pfn);
                        unstable.remove(text);
                        continue;
                    }
                }
                unstable.put(text, new Cand(m, i));
            }
        }
        log.detailOn();
        log.depth = d;
    }

    /**
     * try_to_merge_one_page: a page of a THP is merged only after split_huge_page (KSM_SPLITS_THP); returns the
     * small page now mapped at m[i], or -1 when the split fails or the page became the zero page (6.12+).
     */
    static int splitForMerge(Machine M, Vma m, int i) {
        long v = m.pte(i);
        int pfn = (int) (v & PFN_MASK);
        if (!M.isThp(pfn)) return pfn;
        int h = M.head(pfn);
        M.log.event(EventType.NOTE, "ksm_split", m.proc.name, m.name, i, h, "try_to_merge_one_page", Rule.KSM_SPLITS_THP,
                M.log.detail ? "page " + m.name + "[" + i + "] belongs to a THP (head pfn " + h + "): KSM splits the THP before merging · " + Rule.KSM_SPLITS_THP.cite() : null, null);
        if (!HugeMemory.splitFolio(M, h)) return -1;
        v = m.pte(i);
        if ((v & P_PRESENT) == 0 || (v & P_ZERO) != 0) return -1;
        return (int) (v & PFN_MASK);
    }

    /** write_protect_page's precondition: refcount == mapcount + swapcache (no GUP, pipe or LRU-batch reference); 5.19+ no PAE page that may be pinned */
    private static boolean mergeable(Machine M, int pfn) {
        int expected = Rmap.pageMapcount(M, pfn) + (M.has(pfn, PG_SWAPCACHE) ? 1 : 0);
        if (M.refcount(pfn) != expected) {
            M.log.event(EventType.NOTE, "ksm_busy", null, null, -1, pfn, "write_protect_page", null,
                    M.log.detail ? "page_count " + M.refcount(pfn) + " = " + Sources.breakdown(M, pfn) + " ≠ mapcount + swapcache " + expected + ": not merged" : null, null);
            return false;
        }
        if (M.rules.inForce(Rule.ANON_EXCLUSIVE) && M.has(pfn, PG_EXCL) && Rmap.maybeDmaPinned(M, pfn)) return false;
        return true;
    }

    static boolean writeProtectPage(Machine M, Vma m, int i, int pfn) {
        if (!mergeable(M, pfn)) return false;
        long v = m.pte(i);
        M.setPte(m, i, v & ~P_WRITE);
        if (M.rules.inForce(Rule.ANON_EXCLUSIVE)) M.setPageFlag(pfn, PG_EXCL, false);
        M.log.event(EventType.WRPROTECT, "ksm", m.proc.name, m.name, i, pfn, "write_protect_page", null,
                M.log.detail ? "PTE write-protected for the merge" + (M.rules.inForce(Rule.ANON_EXCLUSIVE) ? ", PageAnonExclusive cleared" : "") : null, null);
        return true;
    }

    /** replace_page: the PTE now maps the KSM page; the old page loses this mapping */
    static void replacePage(Machine M, Vma m, int i, int old, int kpage) {
        long v = m.pte(i);
        M.mcAdd(kpage, 1);
        PageAlloc.folioGet(M, kpage, 1);
        M.setPte(m, i, (v & ~(PFN_MASK | P_WRITE)) | kpage);
        M.statKsm++;
        M.log.event(EventType.KSM_MERGE, null, m.proc.name, m.name, i, kpage, "replace_page", null,
                m.proc.name + "." + m.name + "[" + i + "] now maps KSM page pfn " + kpage + " (\"" + M.text(kpage) + "\", mapcount " + M.mc(kpage) + "); pfn " + old + " dropped", null);
        M.mcAdd(old, -1);
        PageAlloc.folioPut(M, old, 1);
    }

    /** MADV_UNMERGEABLE: break_ksm copies every KSM page of the range */
    static void unmerge(Machine M, Proc p, Vma m, int a, int b) {
        M.ksmRegions.remove(m);
        for (int i = a; i <= b; i++) {
            long v = m.pte(i);
            if ((v & P_PRESENT) == 0 || (v & P_ZERO) != 0) continue;
            int pfn = (int) (v & PFN_MASK);
            if (!M.has(pfn, PG_KSM)) continue;
            M.log.leaf("break_ksm", m.name + "[" + i + "]");
            Memory.doWpPage(M, new VmFault(p, m, i, (v & V_WRITE) != 0 ? FAULT_FLAG_WRITE : FAULT_FLAG_UNSHARE));
        }
        for (int i = a; i <= b; i++) if ((m.pte(i) & V_MERGEABLE) != 0) {
            M.ksmRegions.add(m);
            break;
        }
    }
}
