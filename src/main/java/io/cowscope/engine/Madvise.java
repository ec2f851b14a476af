package io.cowscope.engine;

import io.cowscope.engine.op.Advice;

import static io.cowscope.engine.Machine.*;

/** mm/madvise.c: {@code madvise} (DONTNEED, DONTFORK/DOFORK, WIPEONFORK, MERGEABLE, PAGEOUT, HUGEPAGE…), §3.8. */
final class Madvise {
    private Madvise() {
    }

    /**
     * madvise_walk_vmas: the advice applies to the mapped parts of the range; a hole in it (pages unmapped by
     * munmap) makes the call return ENOMEM afterwards (unmapped_error), or at once when nothing is mapped.
     */
    static String madvise(Machine M, Proc p, Vma m, int[] r, Advice a) {
        int holes = 0;
        for (int i = r[0]; i <= r[1]; i++) if ((m.pte(i) & V_MAPPED) == 0) holes++;
        if (holes == r[1] - r[0] + 1) {
            M.log.leaf("madvise_walk_vmas", "no VMA in " + m.name + "[" + r[0] + ".." + r[1] + "]");
            M.log.warn("madvise on an unmapped range: ENOMEM");
            return M.log.fail("ENOMEM");
        }
        String s = madviseVmas(M, p, m, r, a);
        if (holes > 0 && M.log.errno == null) {
            M.log.warn("madvise over a range with " + holes + " unmapped page(s): the mapped parts are advised, then ENOMEM");
            return M.log.fail("ENOMEM");
        }
        return s;
    }

    static String madviseVmas(Machine M, Proc p, Vma m, int[] r, Advice a) {
        int d = M.log.enter("do_madvise", "MADV_" + a.name());
        try {
            if (Hugetlb.inRange(m, r)) {
                String s = Hugetlb.madvise(M, p, m, r, a);
                if (s != null) return s;
            }
            long[] change = vmFlagChange(M, m, a);
            if (change == null) {
                // DONTNEED and PAGEOUT change no VMA flag, so no VMA (and no PMD) is split here: zap_pte_range
                // splits a partly covered PMD itself, and pageout decides per folio (PAGEOUT_SHARED_THP first)
            } else {
                if ((a == Advice.WIPEONFORK || a == Advice.KEEPONFORK) && !M.rules.inForce(Rule.MADV_WIPEONFORK)) {
                    M.log.warn("MADV_" + a.name() + " does not exist before 4.14: EINVAL, no effect (" + Rule.MADV_WIPEONFORK.cite() + ")");
                    return M.log.fail("EINVAL");
                }
                if (a == Advice.WIPEONFORK && m.file != null) {
                    M.log.warn("MADV_WIPEONFORK applies to private anonymous mappings only: EINVAL");
                    return M.log.fail("EINVAL");
                }
                // madvise_update_vma: a VMA whose flags stay the same is left alone (no split_vma, so no PMD split)
                boolean changes = false;
                for (int i = r[0]; i <= r[1] && !changes; i++) changes = changesFlags(m.pte(i), change);
                if (!changes) {
                    M.log.event(EventType.NOTE, "noop", p.name, m.name, r[0], -1, "madvise_update_vma", Rule.VMA_FLAGS_UNCHANGED,
                            "MADV_" + a.name() + " changes no VMA flag in " + m.name + "[" + r[0] + ".." + r[1] + "]: new_flags == vm_flags, nothing is split · "
                                    + Rule.VMA_FLAGS_UNCHANGED.cite(), null);
                    return p.name + " madvise " + m.name + " " + a.word + " (no change)";
                }
                HugeMemory.splitPartialPmds(M, p, m, r[0], r[1], changesFlags(m.pte(r[0]), change), changesFlags(m.pte(r[1]), change));
            }
            switch (a) {
                case DONTNEED -> {
                    Memory.zapRange(M, p, m, r[0], r[1]);
                    LruBatches.unmapDrain(M, p.cpu, Rule.ZAP_NO_LRU_DRAIN, "free_pages_and_swap_cache");
                }
                case DONTFORK -> setVmFlag(M, m, r, V_DONTCOPY, true);
                case DOFORK -> setVmFlag(M, m, r, V_DONTCOPY, false);
                case WIPEONFORK, KEEPONFORK -> setVmFlag(M, m, r, V_WIPEONFORK, a == Advice.WIPEONFORK);
                case MERGEABLE -> {
                    setVmFlag(M, m, r, V_MERGEABLE, true);
                    if (!M.ksmRegions.contains(m)) M.ksmRegions.add(m);
                    p.ksmMm = true; // __ksm_enter
                }
                case UNMERGEABLE -> {
                    setVmFlag(M, m, r, V_MERGEABLE, false);
                    Ksm.unmerge(M, p, m, r[0], r[1]);
                }
                case PAGEOUT -> {
                    if (!M.rules.inForce(Rule.MADV_PAGEOUT))
                        M.log.warn("MADV_PAGEOUT does not exist before 5.4: emulated by direct reclaim of the range (" + Rule.MADV_PAGEOUT.cite() + ")");
                    LruBatches.lruAddDrain(M, p.cpu);
                    Vmscan.pageout(M, p, m, r[0], r[1]);
                }
                case HUGEPAGE -> {
                    setVmFlag(M, m, r, V_HUGEPAGE, true);
                    setVmFlag(M, m, r, V_NOHUGEPAGE, false);
                }
                case NOHUGEPAGE -> {
                    setVmFlag(M, m, r, V_NOHUGEPAGE, true);
                    setVmFlag(M, m, r, V_HUGEPAGE, false);
                }
            }
            return p.name + " madvise " + m.name + " " + a.word;
        } finally {
            M.log.detailOn();
            M.log.depth = d;
        }
    }

    /**
     * The VMA flags an advice sets and clears ({set, clear}), or null for an advice that changes no flag
     * (DONTNEED, PAGEOUT). MADV_MERGEABLE on a shared mapping is ignored by ksm_madvise: no flag change.
     */
    static long[] vmFlagChange(Machine M, Vma m, Advice a) {
        return switch (a) {
            case DONTFORK -> new long[]{V_DONTCOPY, 0};
            case DOFORK -> new long[]{0, V_DONTCOPY};
            case WIPEONFORK -> new long[]{V_WIPEONFORK, 0};
            case KEEPONFORK -> new long[]{0, V_WIPEONFORK};
            case MERGEABLE -> new long[]{m.shared ? 0 : V_MERGEABLE, 0};
            case UNMERGEABLE -> new long[]{0, V_MERGEABLE};
            case HUGEPAGE -> new long[]{V_HUGEPAGE, V_NOHUGEPAGE};
            case NOHUGEPAGE -> new long[]{V_NOHUGEPAGE, V_HUGEPAGE};
            default -> null;
        };
    }

    /** the page's VMA flags would change under {set, clear} */
    static boolean changesFlags(long v, long[] change) {
        return (v & V_MAPPED) != 0 && ((v | change[0]) & ~change[1]) != v;
    }

    static void setVmFlag(Machine M, Vma m, int[] r, long flag, boolean on) {
        for (int i = r[0]; i <= r[1]; i++) {
            long v = m.pte(i);
            if ((v & V_MAPPED) == 0) continue;
            M.setPte(m, i, on ? v | flag : v & ~flag);
        }
    }
}
