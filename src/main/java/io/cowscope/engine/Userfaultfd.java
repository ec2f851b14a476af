package io.cowscope.engine;

import static io.cowscope.engine.Machine.*;

/** fs/userfaultfd.c and mm/userfaultfd.c: registration, {@code UFFDIO_WRITEPROTECT} and
 * {@code handle_userfault} for write-protect faults, §3.12. */
final class Userfaultfd {
    private Userfaultfd() {
    }

    static int handleUserfault(Machine M, VmFault f) {
        M.log.leaf("handle_userfault", "VM_UFFD_WP");
        if (f.gup) {
            M.log.warn("GUP hit a uffd-wp protected page at " + f.at() + ": the engine fails it instead of waiting (EFAULT)");
            return VM_FAULT_ERROR;
        }
        M.log.event(EventType.UFFD, "wp", f.proc.name, f.m.name, f.idx, -1, "handle_userfault", Rule.UFFD_WP,
                "write to a uffd-wp protected page: the fault is reported to userfaultfd", null);
        return VM_FAULT_BLOCKED;
    }

    static String uffdRegister(Machine M, Proc p, Vma m, int[] r) {
        if (!M.rules.inForce(Rule.UFFD_WP)) {
            M.log.warn("userfaultfd write-protect does not exist before 5.7: EINVAL, no effect (" + Rule.UFFD_WP.cite() + ")");
            return M.log.fail("EINVAL");
        }
        if (m.file != null) {
            M.log.warn("uffd-wp on file or shmem mappings is not simulated: EINVAL");
            return M.log.fail("EINVAL");
        }
        if (Hugetlb.inRange(m, r)) throw new OpError("userfaultfd on hugetlb mappings is not simulated");
        HugeMemory.splitPartialPmds(M, p, m, r[0], r[1]);
        Madvise.setVmFlag(M, m, r, V_UFFD_WP, true);
        M.log.leaf("userfaultfd_register", "UFFDIO_REGISTER_MODE_WP");
        return p.name + " registered " + m.name + " for uffd-wp";
    }

    static String uffdWp(Machine M, Proc p, Vma m, int[] r, boolean on) {
        if (!M.rules.inForce(Rule.UFFD_WP)) {
            M.log.warn("userfaultfd write-protect does not exist before 5.7: EINVAL, no effect");
            return M.log.fail("EINVAL");
        }
        boolean registered = false;
        for (int i = r[0]; i <= r[1] && !registered; i++) registered = (m.pte(i) & V_UFFD_WP) != 0;
        if (!registered) {
            M.log.warn("UFFDIO_WRITEPROTECT on " + m.name + ": the range is not registered for uffd-wp (ENOENT), no effect");
            return M.log.fail("ENOENT");
        }
        int d = M.log.enter("mwriteprotect_range", on ? "protect" : "resolve");
        HugeMemory.splitPartialPmds(M, p, m, r[0], r[1]);
        int k = 0;
        for (int i = r[0]; i <= r[1]; i++) {
            long v = m.pte(i);
            if ((v & V_UFFD_WP) == 0) continue;
            if ((v & (P_PRESENT | P_SWAP)) == 0) continue;
            M.log.page(k++);
            long nv;
            if (on) {
                nv = (v | P_UFFD_WP) & ~P_WRITE;
                if ((v & P_WRITE) != 0) M.log.event(EventType.WRPROTECT, "uffd_wp", p.name, m.name, i, v & PFN_MASK, "change_pte_range", Rule.UFFD_WP,
                        M.log.detail ? "uffd-wp armed: PTE write-protected" : null, null);
            } else {
                nv = v & ~P_UFFD_WP;
                if ((v & P_PRESENT) != 0 && M.rules.inForce(Rule.UFFD_WP_RESOLVE_MKWRITE) && Mprotect.canMkwrite(M, m, nv)) {
                    nv |= P_WRITE;
                    M.log.event(EventType.MKWRITE, "uffd_wp", p.name, m.name, i, v & PFN_MASK, "change_pte_range", Rule.UFFD_WP_RESOLVE_MKWRITE,
                            M.log.detail ? "uffd-wp resolved through the mprotect path: exclusive page made writable at once · " + Rule.UFFD_WP_RESOLVE_MKWRITE.cite() : null, null);
                }
            }
            M.setPte(m, i, nv);
        }
        M.log.detailOn();
        M.log.depth = d;
        if (!on && p.blocked != null && p.blocked.m() == m && p.blocked.idx() >= r[0] && p.blocked.idx() <= r[1]) {
            Pending b = p.blocked;
            p.blocked = null;
            M.log.event(EventType.UNBLOCKED, null, p.name, m.name, b.idx(), -1, "handle_userfault", null,
                    p.name + "'s blocked write to " + m.name + "[" + b.idx() + "] resumes", null);
            UserAccess.cpuWrite(M, p, m, b.idx(), b.last(), b.version());
        }
        return p.name + " uffd_wp " + m.name + (on ? " on" : " off");
    }
}
