package io.cowscope.engine;

import io.cowscope.engine.op.Prot;

import static io.cowscope.engine.Machine.*;

/** mm/mprotect.c: {@code mprotect} / {@code change_protection}, and when a PTE may be made writable
 * right away ({@code can_change_pte_writable}), §3.6. */
final class Mprotect {
    private Mprotect() {
    }

    /**
     * do_mprotect_pkey: the range must start inside a VMA (else ENOMEM, nothing changed); the VMAs are then changed
     * one by one up to the first gap, where the walk stops with ENOMEM (MPROTECT_HOLE_ENOMEM): the pages before
     * the gap keep their new protection, the pages after it are left alone.
     */
    static String mprotect(Machine M, Proc p, Vma m, int[] r, Prot prot) {
        if ((m.pte(r[0]) & V_MAPPED) == 0) {
            M.log.event(EventType.NOTE, "mprotect_enomem", p.name, m.name, r[0], -1, "do_mprotect_pkey", Rule.MPROTECT_HOLE_ENOMEM,
                    m.name + "[" + r[0] + "] is not mapped: no VMA contains the start of the range (vma->vm_start > start), nothing is changed · "
                            + Rule.MPROTECT_HOLE_ENOMEM.cite(), null);
            M.log.warn("mprotect of a range that starts unmapped: ENOMEM");
            return M.log.fail("ENOMEM");
        }
        int hole = -1;
        for (int i = r[0]; i <= r[1] && hole < 0; i++) if ((m.pte(i) & V_MAPPED) == 0) hole = i;
        if (hole < 0) return mprotectVmas(M, p, m, r, prot);
        String s = mprotectVmas(M, p, m, new int[] {r[0], hole - 1}, prot);
        if (M.log.errno != null) return s;
        M.log.event(EventType.NOTE, "mprotect_enomem", p.name, m.name, hole, -1, "do_mprotect_pkey", Rule.MPROTECT_HOLE_ENOMEM,
                m.name + "[" + hole + "] is not mapped: the VMA walk stops at the gap (vma->vm_start != tmp) with ENOMEM; "
                        + m.name + "[" + r[0] + ".." + (hole - 1) + "] keeps the new protection, " + m.name + "[" + hole + ".." + r[1]
                        + "] is left alone · " + Rule.MPROTECT_HOLE_ENOMEM.cite(), null);
        M.log.warn("mprotect over a range with a gap: the VMAs before it are changed, then ENOMEM");
        return M.log.fail("ENOMEM");
    }

    static String mprotectVmas(Machine M, Proc p, Vma m, int[] r, Prot prot) {
        int d = M.log.enter("mprotect_fixup", m.name + " → " + prot.word);
        try {
            long want = vmProt(prot);
            // mprotect_fixup returns at once for a VMA whose flags stay the same: no split_vma (so no PMD split),
            // no change_protection (so no PTE is write-protected or made writable)
            boolean changes = false;
            for (int i = r[0]; i <= r[1] && !changes; i++) changes = changesProt(m.pte(i), want);
            if (!changes) {
                M.log.event(EventType.NOTE, "noop", p.name, m.name, r[0], -1, "mprotect_fixup", Rule.VMA_FLAGS_UNCHANGED,
                        m.name + "[" + r[0] + ".." + r[1] + "] is already " + prot.word + ": newflags == oldflags, nothing is split or changed · "
                                + Rule.VMA_FLAGS_UNCHANGED.cite(), null);
                return p.name + " mprotect " + m.name + " " + prot.word + " (no change)";
            }
            String einval = Hugetlb.splitCheck(M, p, m, r, "mprotect");
            if (einval != null) return einval;
            HugeMemory.splitPartialPmds(M, p, m, r[0], r[1], changesProt(m.pte(r[0]), want), changesProt(m.pte(r[1]), want));
            changeProtection(M, p, m, r[0], r[1], prot);
            return p.name + " mprotect " + m.name + " " + prot.word;
        } finally {
            M.log.depth = d;
        }
    }

    static long vmProt(Prot prot) {
        return (prot.readable() ? V_READ : 0) | (prot.writable() ? V_WRITE : 0);
    }

    /** the page's VMA would change protection (an unmapped page has no VMA) */
    static boolean changesProt(long v, long want) {
        return (v & V_MAPPED) != 0 && (v & (V_READ | V_WRITE)) != want;
    }

    /**
     * change_protection / change_pte_range: new VMA prot on the pages of [a, b] whose VMA changes; write-protect,
     * or (6.0+) make exclusive PTEs writable
     */
    static void changeProtection(Machine M, Proc p, Vma m, int a, int b, Prot prot) {
        int[] r = {a, b};
        int d2 = M.log.enter("change_protection", null);
        boolean mkwriteRule = M.rules.inForce(Rule.MPROTECT_MKWRITE);
        int made = 0, wp = 0, k = 0;
        long want = vmProt(prot);
        for (int i = r[0]; i <= r[1]; i++) {
            long v = m.pte(i);
            if (!changesProt(v, want)) continue; // its VMA keeps its flags: mprotect_fixup left it alone
            long nv = (v & ~(V_READ | V_WRITE)) | want;
            if ((v & P_PRESENT) != 0) {
                if (!prot.writable()) {
                    if ((nv & P_WRITE) != 0) {
                        nv &= ~P_WRITE;
                        wp++;
                    }
                } else if ((v & P_WRITE) == 0 && canMkwrite(M, m, nv)) {
                    nv |= P_WRITE;
                    made++;
                    M.log.page(k++);
                    boolean noNotify = m.shared && !Memory.vmaWantsWritenotify(M, m, nv);
                    M.log.event(EventType.MKWRITE, "mprotect", p.name, m.name, i, nv & PFN_MASK, "change_pte_range",
                            noNotify ? Rule.SHMEM_NO_WRITENOTIFY : m.shared ? null : Rule.MPROTECT_MKWRITE,
                            M.log.detail ? (noNotify ? "shmem: the new vm_page_prot is writable (no write-notify), PTE made writable · " + Rule.SHMEM_NO_WRITENOTIFY.cite()
                                    : m.shared ? "shared mapping: dirty PTE made writable" : "exclusive anon page: PTE made writable at once, no later fault · "
                                    + (M.rules.inForce(Rule.MPROTECT_MKWRITE_CLEAN) ? Rule.MPROTECT_MKWRITE_CLEAN.cite() : Rule.MPROTECT_MKWRITE.cite())) : null, null);
                }
            }
            M.setPte(m, i, nv);
        }
        M.log.detailOn();
        if (wp > 0) {
            M.log.counts[EventType.WRPROTECT.ordinal()] += wp - 1;
            M.log.event(EventType.WRPROTECT, "mprotect", p.name, m.name, r[0], -1, "change_pte_range", null, wp + " PTE(s) write-protected", null);
        }
        if (prot.writable() && made == 0 && !mkwriteRule)
            M.log.event(EventType.NOTE, null, p.name, m.name, r[0], -1, "change_pte_range", null,
                    "PTEs stay read-only: the next write takes a write-protect fault (MPROTECT_MKWRITE only " + Rule.MPROTECT_MKWRITE.range() + ")", null);
        M.log.depth = d2;
    }

    /** can_change_pte_writable (6.0+): exclusive anon (dirty before 6.2) and no soft-dirty / uffd-wp tracking; shared: dirty */
    static boolean canMkwrite(Machine M, Vma m, long nv) {
        if ((nv & V_WRITE) == 0 || (nv & P_PMD) != 0) return false;
        // shmem without write-notify: the new vm_page_prot is writable, every present PTE gets it (SHMEM_NO_WRITENOTIFY)
        if (m.shared && !Memory.vmaWantsWritenotify(M, m, nv)) return true;
        if (m.shared) return (nv & P_DIRTY) != 0 && (nv & P_UFFD_WP) == 0 && !Memory.softDirtyWantsFault(M, nv);
        if (!M.rules.inForce(Rule.MPROTECT_MKWRITE)) return false;
        if ((nv & (P_UFFD_WP | P_ZERO)) != 0 || Memory.softDirtyWantsFault(M, nv)) return false;
        int pfn = (int) (nv & PFN_MASK);
        if (!M.has(pfn, PG_ANON) || !M.has(pfn, PG_EXCL)) return false;
        return M.rules.inForce(Rule.MPROTECT_MKWRITE_CLEAN) || (nv & P_DIRTY) != 0;
    }
}
