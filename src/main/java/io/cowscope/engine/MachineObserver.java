package io.cowscope.engine;

import java.util.ArrayList;
import java.util.List;

import static io.cowscope.engine.Machine.*;

/** The side-effect-free view of a machine: it only reads the machine's arrays. */
final class MachineObserver implements Observer {
    private final Machine M;

    MachineObserver(Machine m) {
        M = m;
    }

    private Proc proc(String name) {
        Proc p = M.procByName.get(name);
        if (p == null) throw new IllegalArgumentException("unknown process '" + name + "'");
        return p;
    }

    private Vma mapping(String proc, String var) {
        Vma m = proc(proc).maps.get(var);
        if (m == null) throw new IllegalArgumentException("process " + proc + " has no mapping '" + var + "'");
        return m;
    }

    private long pteOf(String proc, String var, int i) {
        Vma m = mapping(proc, var);
        if (i < 0 || i >= m.n) throw new IllegalArgumentException("index " + i + " outside " + var + " (0.." + (m.n - 1) + ")");
        return m.pte(i);
    }

    @Override
    public String content(String proc, String var, int i) {
        Vma m = mapping(proc, var);
        long v = pteOf(proc, var, i);
        if ((v & V_MAPPED) == 0 || (v & V_READ) == 0) return null;
        if ((v & P_PRESENT) != 0) return (v & P_ZERO) != 0 ? "" : M.text((int) (v & PFN_MASK));
        if ((v & P_SWAP) != 0) {
            int slot = (int) (v & PFN_MASK);
            int c = M.swapInfo.slotCache[slot];
            return c != 0 ? M.text(c) : M.ct.text(M.swapInfo.slotContent[slot]);
        }
        if (m.file == null) return "";
        int c = m.file.cache[i];
        return c != 0 ? M.text(c) : M.ct.text(m.file.disk[i]);
    }

    /** pfn for present, -(slot+1) - 1_000_000_000 for an uncached swap entry, MIN for none */
    private long identity(long v) {
        if ((v & P_PRESENT) != 0) return (v & P_ZERO) != 0 ? ZERO_PFN : (v & PFN_MASK);
        if ((v & P_SWAP) != 0) {
            int slot = (int) (v & PFN_MASK);
            int c = M.swapInfo.slotCache[slot];
            return c != 0 ? c : -1_000_000_000L - slot;
        }
        return Long.MIN_VALUE;
    }

    @Override
    public boolean shares(String p1, String v1, int i1, String p2, String v2, int i2) {
        long a = identity(pteOf(p1, v1, i1)), b = identity(pteOf(p2, v2, i2));
        return a != Long.MIN_VALUE && a == b;
    }

    @Override
    public boolean zero(String proc, String var, int i) {
        long v = pteOf(proc, var, i);
        return (v & P_PRESENT) != 0 && (v & P_ZERO) != 0;
    }

    @Override
    public boolean unmapped(String proc, String var, int i) {
        return (pteOf(proc, var, i) & (P_PRESENT | P_SWAP)) == 0;
    }

    @Override
    public boolean swapped(String proc, String var, int i) {
        return (pteOf(proc, var, i) & P_SWAP) != 0;
    }

    @Override
    public PteView pte(String proc, String var, int i) {
        return M.pteView(mapping(proc, var), i, pteOf(proc, var, i));
    }

    @Override
    public PageView page(String proc, String var, int i) {
        long id = identity(pteOf(proc, var, i));
        if (id == Long.MIN_VALUE || id < 0) return null;
        PageView pv = Sources.pageView(M, (int) id, true, i);
        if ((pteOf(proc, var, i) & P_HUGEZERO) != 0) // a subpage of the huge zero folio: kpageflags ZERO_PAGE | THP
            pv = new PageView(pv.pfn(), pv.content(), pv.anon(), pv.anonExclusive(), pv.ksm(), pv.swapcache(), pv.lru(), pv.locked(), pv.dirty(),
                    true, (i & (HPAGE - 1)) == 0, pv.zero(), pv.file(), pv.free(), pv.refcount(), pv.mapcount(), pv.pincount(), pv.entireMapcount(),
                    pv.folioHead(), pv.swapSlot(), pv.lruBatchCpu(), pv.fileName(), pv.fileIndex(), pv.sources(), pv.writer(), pv.writtenAt());
        return pv;
    }

    @Override
    public PageView pageByPfn(long pfn) {
        if (pfn < 0 || pfn >= M.pages.npfn) throw new IllegalArgumentException("no pfn " + pfn);
        return Sources.pageView(M, (int) pfn, true);
    }

    @Override
    public Pagemap pagemap(String proc, String var, int i) {
        long v = pteOf(proc, var, i);
        long w = 0;
        boolean vma = (v & V_MAPPED) != 0;
        if (M.config.softDirty() && vma && ((v & V_SOFTDIRTY) != 0 || ((v & (P_PRESENT | P_SWAP)) != 0 && (v & P_SOFTDIRTY) != 0 && !Hugetlb.isHugetlb(v))))
            w |= Pagemap.SOFT_DIRTY;
        if (M.rules.inForce(Rule.PAGEMAP_UFFD_WP) && (v & P_UFFD_WP) != 0) w |= Pagemap.UFFD_WP;
        if ((v & P_PRESENT) != 0) {
            w |= Pagemap.PRESENT;
            // the small zero page has no struct page to test (vm_normal_page is NULL): no file bit; the huge zero
            // folio is a page that is not anon: pagemap_pmd_range sets PM_FILE (HUGE_ZERO_PAGE)
            if ((v & P_ZERO) != 0) return new Pagemap(w | ZERO_PFN | ((v & P_HUGEZERO) != 0 ? Pagemap.FILE : 0));
            int pfn = (int) (v & PFN_MASK);
            w |= pfn;
            if (!M.has(pfn, PG_ANON)) w |= Pagemap.FILE;
            int mcv;
            if ((v & P_PMD) != 0) {
                // PMD-mapped THP: every subpage reports the head's mapcount, except 6.11-6.14 (own mapcount)
                int h = M.head(pfn);
                mcv = M.rules.inForce(Rule.PAGEMAP_THP_SUBPAGE_MAPCOUNT) ? Rmap.pageMapcount(M, pfn) : Rmap.pageMapcount(M, h);
            } else mcv = Rmap.pageMapcount(M, pfn);
            if (mcv == 1) w |= Pagemap.EXCLUSIVE;
        } else if ((v & P_SWAP) != 0) {
            w |= Pagemap.SWAPPED | (((v & PFN_MASK) << 5) & Pagemap.PFN_MASK);
            Vma m = mapping(proc, var);
            if (m.file != null) w |= Pagemap.FILE;
        }
        return new Pagemap(w);
    }

    private Handle handle(String name) {
        Handle h = M.handles.get(name);
        if (h == null) throw new IllegalArgumentException("unknown handle '" + name + "'");
        return h;
    }

    @Override
    public ReadValue handleContent(String name) {
        Handle h = handle(name);
        List<ReadValue.Run> runs = new ArrayList<>();
        for (int pfn : h.pfns) {
            String t = pfn == ZERO_PFN ? "" : M.text(pfn);
            if (!runs.isEmpty() && runs.get(runs.size() - 1).text().equals(t)) {
                ReadValue.Run r = runs.remove(runs.size() - 1);
                runs.add(new ReadValue.Run(t, r.count() + 1));
            } else runs.add(new ReadValue.Run(t, 1));
        }
        return ReadValue.of(runs);
    }

    @Override
    public boolean handleCoherent(String name) {
        return Hazards.coherent(M, handle(name));
    }

    @Override
    public boolean handleLive(String name) {
        return handle(name).live;
    }

    @Override
    public ReadValue pipeContent(String name) {
        Pipe p = M.pipes.get(name);
        if (p == null) throw new IllegalArgumentException("unknown pipe '" + name + "'");
        List<ReadValue.Run> runs = new ArrayList<>();
        for (int k = 0; k < p.pfns.size(); k++) {
            int pfn = p.pfns.get(k);
            String t = pfn == ZERO_PFN ? "" : M.text(pfn);
            if (!runs.isEmpty() && runs.get(runs.size() - 1).text().equals(t)) {
                ReadValue.Run r = runs.remove(runs.size() - 1);
                runs.add(new ReadValue.Run(t, r.count() + 1));
            } else runs.add(new ReadValue.Run(t, 1));
        }
        if (runs.isEmpty()) runs.add(new ReadValue.Run("", 1));
        return ReadValue.of(runs);
    }

    @Override
    public String fileContent(String file, int i) {
        FileObj f = M.files.get(file);
        if (f == null) throw new IllegalArgumentException("unknown file '" + file + "'");
        if (i < 0 || i >= f.pages) throw new IllegalArgumentException("index " + i + " outside file " + file);
        return f.cache[i] != 0 ? M.text(f.cache[i]) : M.ct.text(f.disk[i]);
    }

    @Override
    public ProcState processState(String name) {
        return proc(name).state;
    }

    @Override
    public boolean blocked(String name) {
        return proc(name).blocked != null;
    }

    @Override
    public int pid(String name) {
        return proc(name).pid;
    }

    @Override
    public Stats stats() {
        return new Stats(M.statCow, M.statReuse, M.statFaults, M.pages.livePages, M.statUnshare, M.statForkCopy, M.statSwapIn,
                M.statSwapOut, M.statKsm, M.statFrees);
    }

    @Override
    public List<Hazard> hazards() {
        return List.copyOf(M.hazards);
    }

    @Override
    public boolean hazardRaised(HazardType type) {
        return M.hazardCounts.getOrDefault(type, 0) > 0;
    }

    @Override
    public int mappingPages(String proc, String var) {
        return mapping(proc, var).n;
    }

    @Override
    public String pteStrip(String proc, String var, int first, int last) {
        Vma m = mapping(proc, var);
        if (first < 0 || last >= m.n || first > last) throw new IllegalArgumentException("range " + first + ".." + last + " outside " + var);
        char[] out = new char[last - first + 1];
        for (int i = first; i <= last; i++) {
            long v = m.pte(i);
            char c;
            if ((v & V_MAPPED) == 0) c = 'x';
            else if ((v & P_SWAP) != 0) c = (v & P_SWP_EXCL) != 0 ? 'S' : 's';
            else if ((v & P_PRESENT) == 0) c = '.';
            else if ((v & P_ZERO) != 0) c = 'z';
            else if ((v & P_PMD) != 0) c = (v & P_WRITE) != 0 ? 'H' : 'h';
            else c = (v & P_WRITE) != 0 ? 'w' : 'r';
            out[i - first] = c;
        }
        return new String(out);
    }

    @Override
    public Step lastStep() {
        return M.lastStep;
    }

    @Override
    public List<String> processes() {
        List<String> out = new ArrayList<>();
        for (Proc p : M.procs) out.add(p.name);
        return out;
    }

    @Override
    public KernelVersion kernel() {
        return M.config.kernel();
    }
}
