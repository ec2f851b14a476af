package io.cowscope.engine;

import static io.cowscope.engine.Machine.*;

/** fs/proc/task_mmu.c: {@code clear_refs} (soft-dirty, §3.7); pagemap words are read in {@link MachineObserver}. */
final class TaskMmu {
    private TaskMmu() {
    }

    static String clearRefs(Machine M, Proc p) {
        int d = M.log.enter("clear_refs_write", "4: soft-dirty");
        if (!M.config.softDirty()) {
            M.log.event(EventType.NOTE, null, p.name, null, -1, -1, "clear_refs_write", null,
                    "CONFIG_MEM_SOFT_DIRTY is off: clear_refs 4 does nothing", null);
            M.log.depth = d;
            return "clear_refs: soft-dirty not configured";
        }
        boolean skipPinned = M.rules.inForce(Rule.CLEAR_REFS_SKIP_PINNED);
        int[] counts = new int[3]; // cleared, skipped, detail index
        for (Vma m : p.maps.values()) clearRefsPteRange(M, p, m, skipPinned, counts);
        int cleared = counts[0], skipped = counts[1];
        M.log.depth = d;
        return "clear_refs: " + cleared + " PTE(s) cleared" + (skipped > 0 ? ", " + skipped + " pinned skipped" : "");
    }

    /** clear_refs_pte_range: write-protect and clear soft-dirty, except pinned pages under CLEAR_REFS_SKIP_PINNED */
    static void clearRefsPteRange(Machine M, Proc p, Vma m, boolean skipPinned, int[] counts) {
        int k = counts[2], cleared = 0, skipped = 0;
        int d2 = M.log.enter("clear_refs_pte_range", m.name);
        for (int i = 0; i < m.n; i++) {
            long v = m.pte(i);
            if ((v & V_MAPPED) == 0) continue;
            long nv = v & ~V_SOFTDIRTY;
            if (Hugetlb.isHugetlb(v)) { // clear_refs has no hugetlb_entry: only VM_SOFTDIRTY is cleared (HUGETLB_NOT_LRU)
                M.setPte(m, i, nv);
                continue;
            }
            if ((v & P_SWAP) != 0) nv &= ~P_SOFTDIRTY;
            else if ((v & P_PRESENT) != 0) {
                int pfn = (int) (v & PFN_MASK);
                if (skipPinned && (v & P_WRITE) != 0 && (v & P_PMD) == 0 && !m.shared && (v & P_ZERO) == 0 && p.hasPinned && Rmap.maybeDmaPinned(M, pfn)) {
                    skipped++;
                    M.log.page(k++);
                    M.log.event(EventType.NOTE, "skip_pinned", p.name, m.name, i, pfn, "clear_soft_dirty", Rule.CLEAR_REFS_SKIP_PINNED,
                            M.log.detail ? "writable PTE of a COW mapping, mm has_pinned, page maybe pinned (page_count " + M.refcount(pfn)
                                    + ") → left writable and soft-dirty · " + Rule.CLEAR_REFS_SKIP_PINNED.cite() : null, null);
                } else {
                    if ((v & (P_WRITE | P_SOFTDIRTY)) != 0) {
                        M.log.page(k++);
                        M.log.event(EventType.SOFT_DIRTY_CLEAR, null, p.name, m.name, i, pfn, "clear_soft_dirty", null,
                                M.log.detail ? "PTE write-protected and soft-dirty cleared" : null, null);
                        if ((v & P_WRITE) != 0) M.log.count(EventType.WRPROTECT);
                    }
                    nv &= ~(P_WRITE | P_SOFTDIRTY);
                    cleared++;
                }
            }
            M.setPte(m, i, nv);
        }
        M.log.detailOn();
        M.log.depth = d2;
        counts[0] += cleared;
        counts[1] += skipped;
        counts[2] = k;
    }
}
