package io.cowscope.engine;

import io.cowscope.engine.op.Advice;

import static io.cowscope.engine.Machine.*;

/** mm/madvise.c: {@code madvise} (DONTNEED, DONTFORK/DOFORK, WIPEONFORK, MERGEABLE, PAGEOUT, HUGEPAGE…), §3.8. */
final class Madvise {
    private Madvise() {
    }

    static String madvise(Machine M, Proc p, Vma m, int[] r, Advice a) {
        int d = M.log.enter("do_madvise", "MADV_" + a.name());
        try {
            if (a != Advice.DONTNEED) HugeMemory.splitPartialPmds(M, p, m, r[0], r[1]);
            switch (a) {
                case DONTNEED -> {
                    Memory.zapRange(M, p, m, r[0], r[1]);
                    LruBatches.lruAddDrain(M, p.cpu);
                }
                case DONTFORK -> setVmFlag(M, m, r, V_DONTCOPY, true);
                case DOFORK -> setVmFlag(M, m, r, V_DONTCOPY, false);
                case WIPEONFORK, KEEPONFORK -> {
                    if (!M.rules.inForce(Rule.MADV_WIPEONFORK)) {
                        M.log.warn("MADV_" + a.name() + " does not exist before 4.14: EINVAL, no effect (" + Rule.MADV_WIPEONFORK.cite() + ")");
                        return "EINVAL";
                    }
                    if (m.file != null) {
                        M.log.warn("MADV_" + a.name() + " applies to private anonymous mappings only: EINVAL");
                        return "EINVAL";
                    }
                    setVmFlag(M, m, r, V_WIPEONFORK, a == Advice.WIPEONFORK);
                }
                case MERGEABLE -> {
                    setVmFlag(M, m, r, V_MERGEABLE, true);
                    if (!M.ksmRegions.contains(m)) M.ksmRegions.add(m);
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

    static void setVmFlag(Machine M, Vma m, int[] r, long flag, boolean on) {
        for (int i = r[0]; i <= r[1]; i++) {
            long v = m.pte(i);
            if ((v & V_MAPPED) == 0) continue;
            M.setPte(m, i, on ? v | flag : v & ~flag);
        }
    }
}
