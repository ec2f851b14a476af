package io.cowscope.engine;

import io.cowscope.engine.op.ProcOp;
import io.cowscope.engine.op.Prot;

import static io.cowscope.engine.Machine.*;

/** mm/mmap.c: {@code do_mmap} (with MAP_POPULATE), {@code munmap}, and {@code exit_mmap} at exit. */
final class Mmap {
    private Mmap() {
    }

    static String mmap(Machine M, Proc p, ProcOp.Mmap o) {
        if (p.maps.containsKey(o.var())) throw new OpError("process " + p.name + " already has a mapping '" + o.var() + "'");
        if (o.pages() < 1) throw new OpError("a mapping needs at least one page");
        FileObj f = null;
        if (o.file() != null) {
            f = M.files.get(o.file());
            if (f == null) throw new OpError("unknown file '" + o.file() + "'");
            if (o.pages() > f.pages) throw new OpError("mapping of " + o.pages() + " pages exceeds file " + f.name + " (" + f.pages + " pages)");
        } else if (o.shared()) {
            f = new FileObj("shmem:" + p.name + "." + o.var(), o.pages(), true);
            M.fileById.add(f);
        }
        long start = M.nextVpn;
        M.nextVpn += ((o.pages() + HPAGE - 1) & ~(HPAGE - 1)) + HPAGE;
        Vma m = new Vma(M.nextMappingId++, o.var(), p, start, o.pages(), o.shared(), f);
        Prot prot = o.prot() == null ? Prot.RW : o.prot();
        if (o.hugetlb() && (o.file() != null || o.shared())) throw new OpError("only private anonymous hugetlb mappings are simulated (MAP_PRIVATE | MAP_HUGETLB)");
        if (o.hugetlb() && o.pages() % HPAGE != 0) throw new OpError("a hugetlb mapping's size must be a multiple of 2M (512 pages)");
        long vm = V_MAPPED | (prot.readable() ? V_READ : 0) | (prot.writable() ? V_WRITE : 0) | V_SOFTDIRTY
                | (o.hugepage() && !o.hugetlb() ? V_HUGEPAGE : 0) | (o.hugetlb() ? V_HUGETLB : 0);
        m.fill(vm);
        m.dStamp = M.stepIndex;
        m.dMin = 0;
        m.dMax = m.n - 1;
        M.dMappings.add(m);
        p.maps.put(m.name, m);
        int d = M.log.enter("do_mmap", o.pages() + " page(s) at 0x" + Long.toHexString(start << 12));
        M.log.event(EventType.MAP, null, p.name, m.name, -1, -1, "do_mmap", null,
                p.name + " maps " + m.name + ": " + o.pages() + " page(s) " + (f == null ? "anon" : f.shmem ? "shared anon" : "file " + f.name)
                        + " " + (o.shared() ? "shared" : "private") + " " + prot.word + (o.hugepage() ? " MADV_HUGEPAGE" : "")
                        + (o.hugetlb() ? " MAP_HUGETLB (2 MiB pages from the hugetlb pool)" : ""), null);
        if (o.populate() && prot.readable()) {
            boolean write = prot.writable() && !o.shared();
            int d2 = M.log.enter("populate_vma_page_range", write ? "FOLL_WRITE" : "read faults");
            for (int i = 0; i < m.n; i++) {
                M.log.page(i);
                long v = m.pte(i);
                if ((v & P_PRESENT) != 0 && (!write || (v & P_WRITE) != 0)) continue;
                Memory.handleMmFault(M, new VmFault(p, m, i, write ? FAULT_FLAG_WRITE : 0));
            }
            M.log.detailOn();
            M.log.depth = d2;
        }
        M.log.depth = d;
        return p.name + ": " + m.name + " = mmap " + o.pages();
    }

    static String munmap(Machine M, Proc p, Vma m, int[] r) {
        String einval = Hugetlb.splitCheck(M, p, m, r, "munmap");
        if (einval != null) return einval;
        int d = M.log.enter("__do_munmap", m.name + "[" + r[0] + ".." + r[1] + "]");
        Memory.zapRange(M, p, m, r[0], r[1]);
        for (int i = r[0]; i <= r[1]; i++) M.setPte(m, i, 0);
        LruBatches.unmapDrain(M, p.cpu, Rule.UNMAP_NO_LRU_DRAIN, "unmap_region");
        M.log.event(EventType.UNMAP, "vma", p.name, m.name, r[0], -1, "__do_munmap", null,
                p.name + " unmaps " + m.name + "[" + r[0] + ".." + r[1] + "]", null);
        M.log.depth = d;
        return p.name + " unmapped " + m.name;
    }

    /** exit, or death by SIGSEGV: unmap everything, drain this CPU's batch (before UNMAP_NO_LRU_DRAIN), release the process's own handles */
    static String exit(Machine M, Proc p, ProcState how) {
        int d = M.log.enter(how == ProcState.KILLED ? "do_exit (SIGSEGV)" : "do_exit", null);
        int d2 = M.log.enter("exit_mmap", null);
        for (Vma m : p.maps.values()) {
            Memory.zapRange(M, p, m, 0, m.n - 1);
            for (int i = 0; i < m.n; i++) if (m.pte(i) != 0) M.setPte(m, i, 0);
        }
        M.log.depth = d2;
        LruBatches.unmapDrain(M, p.cpu, Rule.UNMAP_NO_LRU_DRAIN, "exit_mmap");
        for (Handle h : M.handles.values()) if (h.live && h.owner == p) Gup.releaseHandle(M, h);
        p.state = how;
        p.blocked = null;
        M.log.event(EventType.EXIT, how.word, p.name, null, -1, -1, "do_exit", null, p.name + " " + how.word, null);
        M.log.depth = d;
        return p.name + " " + how.word;
    }
}
