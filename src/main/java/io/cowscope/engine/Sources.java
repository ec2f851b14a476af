package io.cowscope.engine;

import java.util.Map;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.List;

import static io.cowscope.engine.Machine.*;

/** Derives the holders of a page's references from the page tables and the outside holders (the refcount bar). */
final class Sources {
    private Sources() {
    }

    /** the sources of one page (of its folio, for a THP member) */
    static List<RefSource> of(Machine M, int pfn) {
        if (pfn <= 0 || pfn >= M.pages.npfn || M.has(pfn, PG_FREE)) return new ArrayList<>();
        return ofMany(M, List.of(pfn)).get(M.head(pfn));
    }

    /** the sources of many pages in one walk of the page tables and holders (folio heads as keys) */
    static java.util.Map<Integer, List<RefSource>> ofMany(Machine M, java.util.Collection<Integer> pfns) {
        java.util.HashMap<Integer, List<RefSource>> out = new java.util.HashMap<>();
        for (int pfn : pfns) {
            if (pfn <= 0 || pfn >= M.pages.npfn || M.has(pfn, PG_FREE)) continue;
            out.putIfAbsent(M.head(pfn), new ArrayList<>());
        }
        if (out.isEmpty()) return out;
        for (Proc p : M.procs) {
            for (Vma m : p.maps.values()) {
                for (int i = 0; i < m.n; i++) {
                    long v = m.pte(i);
                    if ((v & P_PRESENT) == 0 || (v & P_ZERO) != 0) continue;
                    int f = (int) (v & PFN_MASK);
                    List<RefSource> l = out.get(M.head(f));
                    if (l == null) continue;
                    if ((v & P_PMD) != 0) {
                        if ((f & (HPAGE - 1)) == 0) l.add(new RefSource("pmd_mapping", 1, p.name, m.name, i, null, -1));
                    } else l.add(new RefSource("mapping", 1, p.name, m.name, i, null, -1));
                }
            }
        }
        for (Handle hd : M.handles.values()) {
            if (!hd.live) continue;
            boolean pin = (hd.gupFlags & FOLL_PIN) != 0;
            for (int k = 0; k < hd.pfns.length; k++) {
                int f = hd.pfns[k];
                if (f == ZERO_PFN) continue;
                List<RefSource> l = out.get(M.head(f));
                if (l != null) l.add(new RefSource(pin ? "pin" : "get", hd.refsPerPage(M.isThp(f)), hd.owner.name, hd.m.name, hd.first + k, hd.name, -1));
            }
        }
        for (Pipe pp : M.pipes.values())
            for (int k = 0; k < pp.pfns.size(); k++) {
                int f = pp.pfns.get(k);
                if (f == ZERO_PFN) continue;
                List<RefSource> l = out.get(M.head(f));
                if (l != null) l.add(new RefSource("pipe", 1, pp.fillers.get(k).name, null, k, pp.name, -1));
            }
        for (var e : out.entrySet()) {
            int h = e.getKey();
            List<RefSource> l = e.getValue();
            if (M.has(h, PG_SWAPCACHE)) l.add(new RefSource("swapcache", 1, null, null, M.swapInfo.swapSlotOf.getOrDefault(h, -1), null, -1));
            if (M.has(h, PG_INBATCH)) l.add(new RefSource("lru_batch", 1, null, null, -1, null, LruBatches.batchCpu(M.fl(h))));
            if (M.has(h, PG_FILE)) l.add(new RefSource("page_cache", 1, null, null, -1, Filemap.fileName(M, h), -1));
        }
        return out;
    }

    static PageView pageView(Machine M, int pfn, java.util.Map<Integer, List<RefSource>> sources) {
        return pageView(M, pfn, false, sources.getOrDefault(pfn == ZERO_PFN ? -1 : M.head(pfn), List.of()));
    }

    static PageView pageView(Machine M, int pfn, boolean withSources) {
        return pageView(M, pfn, withSources, null);
    }

    private static PageView pageView(Machine M, int pfn, boolean withSources, List<RefSource> given) {
        int f = M.fl(pfn);
        boolean zero = pfn == ZERO_PFN;
        boolean thp = (f & PG_THP) != 0;
        int h = M.head(pfn);
        Folio fo = thp ? M.pages.folios.get(h) : null;
        int pincount;
        if (thp) pincount = fo == null ? 0 : fo.pincount;
        else {
            pincount = 0;
            for (Handle hd : M.handles.values())
                if (hd.live && (hd.gupFlags & FOLL_PIN) != 0) for (int x : hd.pfns) if (x == pfn && x != ZERO_PFN) pincount++;
        }
        String fileName = null;
        int fileIndex = -1;
        Long fi = M.fileOf.get(pfn);
        if (fi != null) {
            fileName = M.fileById.get((int) (fi >>> 32)).name;
            fileIndex = (int) (fi & 0xFFFFFFFFL);
        }
        int ver = M.content(pfn);
        int w = M.ct.vWriter[ver];
        String writer = switch (w) {
            case ContentTable.NOBODY -> "";
            case ContentTable.DEVICE -> "device";
            case ContentTable.KSM -> "ksm";
            case ContentTable.DISK -> "file";
            default -> {
                String n = "pid " + w;
                for (Proc p : M.procs) if (p.pid == w) n = p.name;
                yield n;
            }
        };
        return new PageView(pfn, M.ct.text(ver), (f & PG_ANON) != 0, (f & PG_EXCL) != 0, (f & PG_KSM) != 0,
                (M.fl(h) & PG_SWAPCACHE) != 0, (M.fl(h) & PG_LRU) != 0, (f & PG_LOCKED) != 0, (f & PG_DIRTY) != 0,
                thp, (f & PG_HEAD) != 0, zero, (f & PG_FILE) != 0, (f & PG_FREE) != 0, zero ? 1 : M.rc(h),
                zero ? 0 : Rmap.pageMapcount(M, pfn), pincount, fo == null ? 0 : fo.entire, h,
                M.swapInfo.swapSlotOf.getOrDefault(h, -1), LruBatches.batchCpu(M.fl(h)), fileName, fileIndex,
                given != null ? List.copyOf(given) : withSources && !zero ? of(M, pfn) : List.of(), writer, M.ct.vStep[ver]);
    }

    /** "1 mapping + 1 pipe + 1 lru batch (cpu0)": a short breakdown without walking page tables */
    static String breakdown(Machine M, int pfn) {
        int h = M.head(pfn);
        boolean thp = M.isThp(h);
        StringBuilder sb = new StringBuilder();
        int maps;
        if (thp) {
            Folio f = M.pages.folios.get(h);
            int ptes = 0;
            for (int k = 0; k < HPAGE; k++) ptes += M.mc(h + k);
            maps = ptes + (f == null ? 0 : f.entire);
        } else maps = M.mc(h);
        add(sb, maps, "mapping");
        int pins = 0, gets = 0, pipeRefs = 0;
        for (Handle hd : M.handles.values()) {
            if (!hd.live) continue;
            for (int p : hd.pfns)
                if (p != ZERO_PFN && M.head(p) == h) {
                    if ((hd.gupFlags & FOLL_PIN) != 0) pins++;
                    else gets++;
                }
        }
        for (Pipe p : M.pipes.values())
            for (int i = 0; i < p.pfns.size(); i++) if (p.pfns.get(i) != ZERO_PFN && M.head(p.pfns.get(i)) == h) pipeRefs++;
        if (pins > 0) sb.append(sb.length() > 0 ? " + " : "").append(pins).append(thp ? " pin" : " pin × 1024");
        add(sb, gets, "get");
        add(sb, pipeRefs, "pipe");
        if (M.has(h, PG_SWAPCACHE)) add(sb, 1, "swap cache");
        if (M.has(h, PG_INBATCH)) add(sb, 1, "LRU batch cpu" + LruBatches.batchCpu(M.fl(h)));
        if (M.has(h, PG_FILE)) add(sb, 1, "page cache");
        return sb.length() == 0 ? "nothing" : sb.toString();
    }

    static void add(StringBuilder sb, int n, String what) {
        if (n == 0) return;
        if (sb.length() > 0) sb.append(" + ");
        sb.append(n).append(' ').append(what).append(n > 1 && what.equals("mapping") ? "s" : "");
    }
}
