package io.cowscope.engine;

import java.util.ArrayList;
import java.util.List;

import static io.cowscope.engine.Machine.*;

/** Builds {@link Snapshot}s: plain records, bounded by the window. */
final class Snapshots {
    private Snapshots() {
    }

    static final int MAX_PAGES = 4096;

    static Snapshot take(Machine M, Snapshot.Window w) {
        IntIntMap pfns = new IntIntMap(64); // pfn → an index that maps it (-1 unknown), in the order met
        List<Snapshot.ProcessView> procs = new ArrayList<>();
        boolean truncated = false;
        for (Proc p : M.procs) {
            WorkCheck.poll();
            List<Snapshot.VmaView> vmas = new ArrayList<>();
            for (Vma m : p.maps.values()) {
                int first = 0, last = Math.min(m.n - 1, w.maxPtes() - 1);
                if (w.proc() != null) {
                    if (!w.proc().equals(p.name) || !w.var().equals(m.name)) last = -1;
                    else {
                        first = Math.max(0, w.first());
                        last = (int) Math.min((long) m.n - 1, Math.min((long) w.last(), (long) first + w.maxPtes() - 1));
                    }
                }
                if (last < m.n - 1 || first > 0) truncated |= w.proc() == null;
                List<Snapshot.VmaRange> ranges = ranges(m);
                List<PteView> ptes = new ArrayList<>();
                for (int i = first; i <= last; i++) {
                    if ((i & 255) == 0) WorkCheck.poll();
                    long v = m.pte(i);
                    ptes.add(M.pteView(m, i, v));
                    if ((v & P_PRESENT) != 0 && (v & P_ZERO) == 0) add(pfns, (int) (v & PFN_MASK), i);
                    else if ((v & P_SWAP) != 0 && M.swapInfo.slotCache[(int) (v & PFN_MASK)] != 0) add(pfns, M.swapInfo.slotCache[(int) (v & PFN_MASK)], i);
                }
                vmas.add(new Snapshot.VmaView(m.name, m.start << 12, m.n, m.shared, m.file == null ? null : m.file.name, ranges,
                        first, ptes, m.pt.counts()));
            }
            procs.add(new Snapshot.ProcessView(p.name, p.pid, p.cpu, p.state.word, p.blocked != null,
                    p.blocked == null ? null : p.blocked.m().name + "[" + p.blocked.idx() + "]", p.hasPinned,
                    p.parent == null ? null : p.parent.name, vmas));
        }
        List<Snapshot.PipeView> pipes = new ArrayList<>();
        for (Pipe p : M.pipes.values()) {
            List<Long> b = new ArrayList<>();
            List<String> c = new ArrayList<>();
            for (int k = 0; k < p.pfns.size(); k++) {
                b.add((long) p.pfns.get(k));
                c.add(M.text(p.pfns.get(k)));
                add(pfns, p.pfns.get(k), -1);
            }
            pipes.add(new Snapshot.PipeView(p.name, b, c));
        }
        List<Snapshot.HandleView> handles = new ArrayList<>();
        for (Handle h : M.handles.values()) {
            List<Long> ps = new ArrayList<>();
            for (int k = 0; k < h.pfns.length && k < MAX_PAGES; k++) {
                ps.add((long) h.pfns[k]);
                if (h.live) add(pfns, h.pfns[k], h.first + k);
            }
            List<String> flags = new ArrayList<>();
            if ((h.gupFlags & FOLL_PIN) != 0) flags.add("FOLL_PIN");
            if ((h.gupFlags & FOLL_GET) != 0) flags.add("FOLL_GET");
            if ((h.gupFlags & FOLL_WRITE) != 0) flags.add("FOLL_WRITE");
            if ((h.gupFlags & FOLL_LONGTERM) != 0) flags.add("FOLL_LONGTERM");
            if ((h.gupFlags & FOLL_FORCE) != 0) flags.add("FOLL_FORCE");
            handles.add(new Snapshot.HandleView(h.name, h.kind.name().toLowerCase(), h.owner.name, h.device, flags, h.m.name, h.first, ps,
                    h.live && Hazards.coherent(M, h), h.live));
        }
        List<Snapshot.LruBatchView> lru = new ArrayList<>();
        for (int c = 0; c < M.lru.length; c++) {
            List<Long> ps = new ArrayList<>();
            for (int k = 0; k < M.lru[c].size(); k++) {
                ps.add((long) M.lru[c].get(k));
                add(pfns, M.lru[c].get(k), -1);
            }
            lru.add(new Snapshot.LruBatchView(c, M.lruCap, ps));
        }
        List<Snapshot.SwapSlotView> slots = new ArrayList<>();
        for (int s = 1; s < M.swapInfo.nslot && slots.size() < MAX_PAGES; s++) {
            if (!M.swapInfo.slotUsed[s]) continue;
            slots.add(new Snapshot.SwapSlotView(s, M.swapInfo.swapCount[s], M.ct.text(M.swapInfo.slotContent[s]), M.swapInfo.slotCache[s] == 0 ? -1 : M.swapInfo.slotCache[s]));
            if (M.swapInfo.slotCache[s] != 0) add(pfns, M.swapInfo.slotCache[s], -1);
        }
        List<Snapshot.FileView> files = new ArrayList<>();
        for (FileObj f : M.files.values()) {
            List<String> cs = new ArrayList<>();
            List<Long> cached = new ArrayList<>();
            for (int i = 0; i < f.pages && i < MAX_PAGES; i++) {
                cs.add(f.cache[i] != 0 ? M.text(f.cache[i]) : M.ct.text(f.disk[i]));
                cached.add(f.cache[i] == 0 ? -1L : f.cache[i]);
                if (f.cache[i] != 0) add(pfns, f.cache[i], i);
            }
            files.add(new Snapshot.FileView(f.name, f.pages, cs, cached));
        }
        List<Long> ksm = new ArrayList<>();
        for (int pfn : M.ksmStable.values()) {
            ksm.add((long) pfn);
            add(pfns, pfn, -1);
        }
        List<PageView> pages = new ArrayList<>();
        IntList shown = new IntList();
        for (int k = 0; k < pfns.size(); k++) {
            if (shown.size() >= MAX_PAGES) {
                truncated = true;
                break;
            }
            shown.add(pfns.keyAt(k));
        }
        WorkCheck.poll();
        var sources = Sources.ofMany(M, shown, pfns);
        for (int k = 0; k < shown.size(); k++) {
            if ((k & 255) == 0) WorkCheck.poll();
            pages.add(Sources.pageView(M, shown.get(k), sources));
        }
        WorkCheck.poll();
        MachineObserver o = new MachineObserver(M);
        return new Snapshot(M.stepIndex, M.config.kernel().toString(), M.config, procs, pages, pipes, handles, lru, slots, files, ksm,
                o.stats(), List.copyOf(M.hazards), truncated);
    }

    /**
     * The runs of equal VMA flags (at most 256), recomputed only after a change of flags (mprotect,
     * madvise …: {@link PageTable#vmEdits}), else the list kept from the last snapshot.
     */
    @SuppressWarnings("unchecked")
    static List<Snapshot.VmaRange> ranges(Vma m) {
        PageTable pt = m.pt;
        if (pt.rangesAt == pt.vmEdits() && pt.ranges != null) return (List<Snapshot.VmaRange>) pt.ranges;
        List<Snapshot.VmaRange> ranges = new ArrayList<>();
        int rs = 0;
        long prev = 0;
        for (int c = 0, i = 0; c < pt.chunkCount(); c++) {
            WorkCheck.poll();
            long[] chunk = pt.chunk(c);
            for (int j = 0; j < chunk.length; j++, i++) {
                long v = chunk[j];
                if (i > 0 && ((prev ^ v) & VM_KEY) != 0) {
                    if (ranges.size() < 256) ranges.add(range(rs, i - 1, prev));
                    rs = i;
                }
                prev = v;
            }
        }
        if (m.n > 0 && ranges.size() < 256) ranges.add(range(rs, m.n - 1, prev));
        List<Snapshot.VmaRange> out = List.copyOf(ranges);
        pt.ranges = out;
        pt.rangesAt = pt.vmEdits();
        return out;
    }

    /** a page to show, with an index that maps it when one is known */
    private static void add(IntIntMap pfns, int pfn, int hint) {
        int had = pfns.get(pfn, Integer.MIN_VALUE);
        if (had == Integer.MIN_VALUE || (had < 0 && hint >= 0)) pfns.put(pfn, hint);
    }

    private static Snapshot.VmaRange range(int a, int b, long v) {
        List<String> flags = new ArrayList<>();
        if ((v & V_DONTCOPY) != 0) flags.add("dontfork");
        if ((v & V_WIPEONFORK) != 0) flags.add("wipeonfork");
        if ((v & V_MERGEABLE) != 0) flags.add("mergeable");
        if ((v & V_UFFD_WP) != 0) flags.add("uffd_wp");
        if ((v & V_SOFTDIRTY) != 0) flags.add("softdirty");
        if ((v & V_HUGEPAGE) != 0) flags.add("hugepage");
        if ((v & V_NOHUGEPAGE) != 0) flags.add("nohugepage");
        if ((v & V_HUGETLB) != 0) flags.add("hugetlb");
        String prot = (v & V_WRITE) != 0 ? "rw" : (v & V_READ) != 0 ? "ro" : "none";
        return new Snapshot.VmaRange(a, b, (v & V_MAPPED) != 0, prot, flags);
    }
}
