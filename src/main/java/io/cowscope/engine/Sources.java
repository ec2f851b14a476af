package io.cowscope.engine;

import java.util.ArrayList;
import java.util.List;

import static io.cowscope.engine.Machine.*;

/**
 * Derives the holders of a page's references from the page tables and the outside holders (the refcount
 * bar). Nothing is stored per reference; the cost of a page's sources does not grow with the address
 * space:
 * <ul>
 * <li>PTE sources are looked for at the page's index (a hint: where the caller found it, or where the
 * engine last mapped it) in every mapping — one PTE per mapping for a small page, the folio's 512 for a
 * THP. The page's mapcount says how many there are; only when the hint does not find them all does one
 * walk of every page table run (a KSM page mapped at several indices).</li>
 * <li>Handles are looked at in the same window; the refcount says whether all the holders were found,
 * else every handle is scanned.</li>
 * <li>Pipes, the swap cache, LRU batches and the page cache are looked at directly.</li>
 * </ul>
 * Pages without a hint are done together in one walk with a primitive map (no boxing).
 */
final class Sources {
    private Sources() {
    }

    /** the sources of one page (of its folio, for a THP member) */
    static List<RefSource> of(Machine M, int pfn) {
        return of(M, pfn, -1);
    }

    /** hint: an index at which a mapping may map pfn, -1 when unknown */
    static List<RefSource> of(Machine M, int pfn, int hint) {
        if (!live(M, pfn)) return new ArrayList<>();
        List<RefSource> l = indexed(M, pfn, hint);
        if (l != null) return l;
        IntIntMap one = new IntIntMap(1);
        one.put(M.head(pfn), 0);
        return walk(M, one).get(0);
    }

    /** the sources of one page by a walk of every page table and holder (the reference for tests) */
    static List<RefSource> walked(Machine M, int pfn) {
        if (!live(M, pfn)) return new ArrayList<>();
        IntIntMap one = new IntIntMap(1);
        one.put(M.head(pfn), 0);
        return walk(M, one).get(0);
    }

    static boolean live(Machine M, int pfn) {
        return pfn > 0 && pfn < M.pages.npfn && !M.has(pfn, PG_FREE);
    }

    /** the sources of many pages, keyed by folio head. hints: pfn → index (may be empty, never null) */
    static Batch ofMany(Machine M, IntList pfns, IntIntMap hints) {
        Batch b = new Batch(pfns.size());
        IntIntMap missing = new IntIntMap(8);
        for (int k = 0; k < pfns.size(); k++) {
            int pfn = pfns.get(k);
            if (!live(M, pfn)) continue;
            int h = M.head(pfn);
            if (b.slot.containsKey(h) || missing.containsKey(h)) continue;
            List<RefSource> l = indexed(M, pfn, hints.get(pfn, -1));
            if (l != null) b.put(h, l);
            else missing.put(h, missing.size());
        }
        if (missing.size() > 0) {
            List<List<RefSource>> w = walk(M, missing);
            for (int k = 0; k < missing.size(); k++) b.put(missing.keyAt(k), w.get(k));
        }
        return b;
    }

    /** the sources of many pages (folio heads as keys), hinted by the PTEs the current step changed */
    static java.util.Map<Integer, List<RefSource>> ofMany(Machine M, java.util.Collection<Integer> pfns) {
        IntList l = new IntList();
        for (int p : pfns) l.add(p);
        IntIntMap hints = stepHints(M);
        Batch b = ofMany(M, l, hints);
        java.util.HashMap<Integer, List<RefSource>> out = new java.util.HashMap<>();
        for (int k = 0; k < b.slot.size(); k++) out.put(b.slot.keyAt(k), b.lists.get(k));
        return out;
    }

    /** pfn → index for the pages whose PTEs the current step changed (before and after) */
    static IntIntMap stepHints(Machine M) {
        IntIntMap hints = new IntIntMap(Math.max(8, M.dPte.size() * 2));
        for (var e : M.dPte.entrySet()) {
            long key = e.getKey();
            Vma m = M.dPteMap.get(key);
            int i = (int) (key & 0xFFFFFFFFL);
            hint(hints, e.getValue(), i);
            if (m != null) hint(hints, m.pte(i), i);
        }
        return hints;
    }

    static void hint(IntIntMap hints, long v, int i) {
        if ((v & P_PRESENT) != 0 && (v & P_ZERO) == 0) hints.putIfAbsent((int) (v & PFN_MASK), i);
    }

    /** sources keyed by folio head, in the order the heads were added */
    static final class Batch {
        final IntIntMap slot;
        final ArrayList<List<RefSource>> lists;

        Batch(int n) {
            slot = new IntIntMap(Math.max(4, n));
            lists = new ArrayList<>(n);
        }

        void put(int head, List<RefSource> l) {
            if (slot.put(head, lists.size())) lists.add(l);
        }

        List<RefSource> get(int head) {
            int s = slot.get(head, -1);
            return s < 0 ? List.of() : lists.get(s);
        }
    }

    /** from the caller's hint, else (or when it misses) from the index that last mapped the page; null: walk */
    private static List<RefSource> indexed(Machine M, int pfn, int hint) {
        List<RefSource> l = hinted(M, pfn, hint);
        if (l == null && hint >= 0) {
            int ix = M.pages.index(pfn);
            if (ix >= 0 && ix != hint) l = hinted(M, pfn, ix);
        }
        return l;
    }

    /** PTE mappings of the folio: its pages' PTE mapcounts plus its PMD mappings */
    private static int folioMaps(Machine M, int h) {
        if (!M.isThp(h)) return M.mc(h);
        int n = 0;
        for (int k = 0, nr = M.folioNr(h); k < nr; k++) n += M.mc(h + k);
        Folio f = M.pages.folios.get(h);
        return n + (f == null ? 0 : f.entire);
    }

    /**
     * The sources found at the hinted index, or null when the PTEs there are not all of the page's
     * mappings (the caller then walks). Holders outside the window are found by a full scan of the
     * handles when the refcount says some are missing.
     */
    private static List<RefSource> hinted(Machine M, int pfn, int hint) {
        if (hint < 0) hint = M.pages.index(pfn);
        int h = M.head(pfn);
        boolean thp = M.isThp(h);
        int maps = folioMaps(M, h);
        if (maps > 0 && hint < 0) return null;
        int span = M.folioNr(h);
        long base = thp ? (long) hint - (pfn - h) : hint;
        List<RefSource> l = new ArrayList<>(maps + 2);
        if (maps > 0) {
            int found = 0;
            for (Proc p : M.procs) {
                for (Vma m : p.maps.values()) {
                    int a = (int) Math.max(0, base), b = (int) Math.min(m.n, base + span);
                    for (int i = a; i < b; i++) {
                        long v = m.pte(i);
                        if ((v & P_PRESENT) == 0 || (v & P_ZERO) != 0) continue;
                        int f = (int) (v & PFN_MASK);
                        if (f < h || f >= h + span || M.head(f) != h) continue;
                        if ((v & P_PMD) != 0) {
                            if ((f & (HPAGE - 1)) == 0) {
                                l.add(new RefSource("pmd_mapping", 1, p.name, m.name, i, null, -1));
                                found++;
                            }
                        } else {
                            l.add(new RefSource("mapping", 1, p.name, m.name, i, null, -1));
                            found++;
                        }
                    }
                }
            }
            if (found != maps) return null;
        }
        int ptes = l.size();
        int refs = maps + handles(M, h, l, base, span) + pipes(M, h, l) + flags(M, h, l);
        if (refs != M.rc(h)) {
            // a handle outside the window (or the hint was none): scan every handle
            List<RefSource> tail = new ArrayList<>(l.subList(ptes, l.size()));
            l.subList(ptes, l.size()).clear();
            handles(M, h, l, Long.MIN_VALUE, 0);
            tail.removeIf(s -> s.kind().equals("pin") || s.kind().equals("get"));
            l.addAll(tail);
        }
        return l;
    }

    /** handle sources of folio h at positions base..base+span-1 of each handle (all when base is MIN_VALUE); their references */
    private static int handles(Machine M, int h, List<RefSource> l, long base, int span) {
        int refs = 0;
        for (Handle hd : M.handles.values()) {
            if (!hd.live) continue;
            boolean pin = (hd.gupFlags & FOLL_PIN) != 0;
            int a = 0, b = hd.pfns.length;
            if (base != Long.MIN_VALUE) {
                a = (int) Math.max(0, Math.min(b, base - hd.first));
                b = (int) Math.max(a, Math.min(b, base - hd.first + span));
            }
            for (int k = a; k < b; k++) {
                int f = hd.pfns[k];
                if (f == ZERO_PFN || M.head(f) != h) continue;
                int n = hd.refsPerPage(M.isThp(f));
                l.add(new RefSource(pin ? "pin" : "get", n, hd.owner.name, hd.m.name, hd.first + k, hd.name, -1));
                refs += n;
            }
        }
        return refs;
    }

    private static int pipes(Machine M, int h, List<RefSource> l) {
        int refs = 0;
        for (Pipe pp : M.pipes.values())
            for (int k = 0; k < pp.pfns.size(); k++) {
                int f = pp.pfns.get(k);
                if (f == ZERO_PFN || M.head(f) != h) continue;
                l.add(new RefSource("pipe", 1, pp.fillers.get(k).name, null, k, pp.name, -1));
                refs++;
            }
        return refs;
    }

    private static int flags(Machine M, int h, List<RefSource> l) {
        int refs = 0;
        if (M.has(h, PG_SWAPCACHE)) {
            l.add(new RefSource("swapcache", 1, null, null, M.swapInfo.swapSlotOf.getOrDefault(h, -1), null, -1));
            refs++;
        }
        if (M.has(h, PG_INBATCH)) {
            l.add(new RefSource("lru_batch", 1, null, null, -1, null, LruBatches.batchCpu(M.fl(h))));
            refs++;
        }
        if (M.has(h, PG_FILE)) {
            l.add(new RefSource("page_cache", 1, null, null, -1, Filemap.fileName(M, h), -1));
            refs++;
        }
        return refs;
    }

    /** one walk of every page table and holder for the folio heads in {@code heads} (head → slot) */
    private static List<List<RefSource>> walk(Machine M, IntIntMap heads) {
        int n = heads.size();
        List<List<RefSource>> out = new ArrayList<>(n);
        int lo = Integer.MAX_VALUE, hi = Integer.MIN_VALUE;
        for (int k = 0; k < n; k++) {
            out.add(new ArrayList<>());
            int h = heads.keyAt(k);
            lo = Math.min(lo, h);
            hi = Math.max(hi, h + M.folioNr(h) - 1);
        }
        for (Proc p : M.procs) {
            for (Vma m : p.maps.values()) {
                for (int c = 0; c < m.pt.chunkCount(); c++) {
                    long[] chunk = m.pt.chunk(c);
                    for (int j = 0; j < chunk.length; j++) {
                        long v = chunk[j];
                        if ((v & P_PRESENT) == 0 || (v & P_ZERO) != 0) continue;
                        int f = (int) (v & PFN_MASK);
                        if (f < lo || f > hi) continue;
                        int s = heads.get(M.head(f), -1);
                        if (s < 0) continue;
                        int i = (c << TSHIFT) + j;
                        if ((v & P_PMD) != 0) {
                            if ((f & (HPAGE - 1)) == 0) out.get(s).add(new RefSource("pmd_mapping", 1, p.name, m.name, i, null, -1));
                        } else out.get(s).add(new RefSource("mapping", 1, p.name, m.name, i, null, -1));
                    }
                }
            }
        }
        for (Handle hd : M.handles.values()) {
            if (!hd.live) continue;
            boolean pin = (hd.gupFlags & FOLL_PIN) != 0;
            for (int k = 0; k < hd.pfns.length; k++) {
                int f = hd.pfns[k];
                if (f == ZERO_PFN) continue;
                int s = heads.get(M.head(f), -1);
                if (s >= 0) out.get(s).add(new RefSource(pin ? "pin" : "get", hd.refsPerPage(M.isThp(f)), hd.owner.name, hd.m.name, hd.first + k, hd.name, -1));
            }
        }
        for (Pipe pp : M.pipes.values())
            for (int k = 0; k < pp.pfns.size(); k++) {
                int f = pp.pfns.get(k);
                if (f == ZERO_PFN) continue;
                int s = heads.get(M.head(f), -1);
                if (s >= 0) out.get(s).add(new RefSource("pipe", 1, pp.fillers.get(k).name, null, k, pp.name, -1));
            }
        for (int k = 0; k < n; k++) flags(M, heads.keyAt(k), out.get(k));
        return out;
    }

    static PageView pageView(Machine M, int pfn, java.util.Map<Integer, List<RefSource>> sources) {
        return pageView(M, pfn, false, sources.getOrDefault(pfn == ZERO_PFN ? -1 : M.head(pfn), List.of()));
    }

    static PageView pageView(Machine M, int pfn, Batch sources) {
        return pageView(M, pfn, false, pfn == ZERO_PFN ? List.of() : sources.get(M.head(pfn)));
    }

    static PageView pageView(Machine M, int pfn, boolean withSources) {
        return pageView(M, pfn, withSources, -1);
    }

    /** hint: an index at which a mapping may map pfn (-1 unknown) */
    static PageView pageView(Machine M, int pfn, boolean withSources, int hint) {
        return pageView(M, pfn, withSources && pfn != ZERO_PFN, withSources && pfn != ZERO_PFN ? of(M, pfn, hint) : null);
    }

    private static PageView pageView(Machine M, int pfn, boolean withSources, List<RefSource> given) {
        int f = M.fl(pfn);
        boolean zero = pfn == ZERO_PFN;
        boolean thp = (f & PG_THP) != 0;
        int h = M.head(pfn);
        Folio fo = thp ? M.pages.folios.get(h) : null;
        int pincount;
        if (thp) pincount = fo == null ? 0 : fo.pincount;
        else if (given != null) {
            // the handles' pins of this (small) page are among its sources
            pincount = 0;
            for (RefSource s : given) if (s.kind().equals("pin")) pincount++;
        } else {
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
        // a hugetlb folio uses the large-folio machinery (PG_THP) but is not a THP: kpageflags says HUGE, never THP
        boolean hugetlb = (f & PG_HUGETLB) != 0;
        return new PageView(pfn, M.ct.text(ver), (f & PG_ANON) != 0, (f & PG_EXCL) != 0, (f & PG_KSM) != 0,
                (M.fl(h) & PG_SWAPCACHE) != 0, (M.fl(h) & PG_LRU) != 0, (f & PG_LOCKED) != 0, (f & PG_DIRTY) != 0,
                thp && !hugetlb, (f & PG_HEAD) != 0, zero, (f & PG_FILE) != 0, (f & PG_FREE) != 0, zero ? 1 : M.rc(h),
                zero ? 0 : Rmap.pageMapcount(M, pfn), pincount, fo == null ? 0 : fo.entire, h,
                M.swapInfo.swapSlotOf.getOrDefault(h, -1), LruBatches.batchCpu(M.fl(h)), fileName, fileIndex,
                given != null ? List.copyOf(given) : List.of(), writer, M.ct.vStep[ver], hugetlb);
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
            for (int k = 0, nr = M.folioNr(h); k < nr; k++) ptes += M.mc(h + k);
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
