package io.cowscope.engine;

import static io.cowscope.engine.Machine.*;

/** arch/x86/mm/fault.c: the CPU's loads and stores; a store or load the PTE does not allow enters
 * {@link Memory#handleMmFault}, one the VMA does not allow is {@code bad_area} (SIGSEGV). */
final class UserAccess {
    private UserAccess() {
    }

    static String cpuWrite(Machine M, Proc p, Vma m, int a, int b, int version) {
        int written = 0;
        for (int i = a; i <= b; i++) {
            M.log.page(i - a);
            int r = writeOne(M, p, m, i, version);
            if (r == VM_FAULT_SIGSEGV) {
                M.log.detailOn();
                sigsegv(M, p, m, i, "write");
                break;
            }
            if (r == VM_FAULT_BLOCKED) {
                M.log.detailOn();
                p.blocked = new Pending(m, i, b, version);
                M.log.event(EventType.BLOCKED, "uffd_wp", p.name, m.name, i, -1, "handle_userfault", Rule.UFFD_WP,
                        p.name + " blocks: the write to " + m.name + "[" + i + "] waits for the userfaultfd handler (uffd_wp off)", null);
                break;
            }
            written++;
        }
        M.log.detailOn();
        return p.name + " wrote \"" + M.ct.text(version) + "\" to " + written + " page(s)";
    }

    /** one CPU store; returns VM_FAULT_DONE, VM_FAULT_SIGSEGV or VM_FAULT_BLOCKED */
    static int writeOne(Machine M, Proc p, Vma m, int i, int version) {
        long v = m.pte(i);
        if ((v & V_MAPPED) == 0 || (v & V_WRITE) == 0) return VM_FAULT_SIGSEGV;
        if ((v & (P_PRESENT | P_WRITE)) != (P_PRESENT | P_WRITE)) {
            int r = Memory.handleMmFault(M, new VmFault(p, m, i, FAULT_FLAG_WRITE));
            if ((r & (VM_FAULT_SIGSEGV | VM_FAULT_BLOCKED)) != 0) return r & (VM_FAULT_SIGSEGV | VM_FAULT_BLOCKED);
            v = m.pte(i);
            if ((v & (P_PRESENT | P_WRITE)) != (P_PRESENT | P_WRITE)) {
                M.log.warn("write to " + m.name + "[" + i + "] could not make the PTE writable");
                return VM_FAULT_ERROR;
            }
        }
        int pfn = (int) (v & PFN_MASK);
        long nv = v | P_DIRTY | P_YOUNG;
        if (M.config.softDirty() && (v & P_SOFTDIRTY) == 0) {
            nv |= P_SOFTDIRTY;
            M.log.event(EventType.SOFT_DIRTY_SET, null, p.name, m.name, i, pfn, null, null, null, null);
        }
        M.setPte(m, i, nv);
        M.storeContent(pfn, version);
        if (M.has(pfn, PG_FILE) && !m.shared) {
            Hazards.raiseHazard(M, HazardType.FILE_CORRUPTED, "a write through the private mapping " + p.name + "." + m.name + " changed the page cache of " + Filemap.fileName(M, pfn), pfn, Filemap.fileName(M, pfn));
        }
        return VM_FAULT_DONE;
    }

    static String cpuRead(Machine M, Proc p, Vma m, int a, int b) {
        int read = 0;
        for (int i = a; i <= b; i++) {
            M.log.page(i - a);
            long v = m.pte(i);
            if ((v & V_MAPPED) == 0 || (v & V_READ) == 0) {
                M.log.detailOn();
                sigsegv(M, p, m, i, "read");
                break;
            }
            if ((v & P_PRESENT) == 0) {
                Memory.handleMmFault(M, new VmFault(p, m, i, 0));
                v = m.pte(i);
            } else if ((v & P_YOUNG) == 0) M.setPte(m, i, v | P_YOUNG);
            if ((v & P_PRESENT) == 0) {
                M.log.warn("read of " + m.name + "[" + i + "] found no page");
                break;
            }
            int pfn = (int) (v & PFN_MASK);
            int ver = M.content(pfn);
            M.log.read(M.ct.text(ver));
            Hazards.checkLeak(M, p, ver, pfn, "read of " + p.name + "." + m.name + "[" + i + "]");
            read++;
        }
        M.log.detailOn();
        return p.name + " read " + read + " page(s)";
    }

    static void sigsegv(Machine M, Proc p, Vma m, int i, String what) {
        M.log.event(EventType.SIGSEGV, what, p.name, m.name, i, -1, "bad_area", null,
                p.name + "'s " + what + " of " + m.name + "[" + i + "] is not allowed by its VMA: SIGSEGV kills it", null);
        Hazards.raiseHazard(M, HazardType.SIGSEGV, p.name + " was killed by SIGSEGV (" + what + " of " + m.name + "[" + i + "])", -1,
                p.name + "." + m.name + "[" + i + "]");
        Mmap.exit(M, p, ProcState.KILLED);
    }
}
