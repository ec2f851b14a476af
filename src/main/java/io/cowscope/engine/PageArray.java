package io.cowscope.engine;

import java.util.Arrays;
import java.util.HashMap;

/**
 * The struct page / struct folio state, apart from the code that changes it: struct-of-arrays indexed
 * by pfn (refcount, mapcount, flags, content version) in 64 Ki-entry {@code int} chunks (256 KiB: never
 * a humongous object, no doubling overshoot), and the {@link Folio} records of the large folios (their
 * entire mapcount and pincount). No object per page.
 */
final class PageArray {
    static final int PSHIFT = 16, PCHUNK = 1 << PSHIFT, PMASK = PCHUNK - 1;
    private int[][] rcC = new int[0][], mcC = new int[0][], flC = new int[0][], ctC = new int[0][];
    // index + 1 of the PTE that last mapped the page (0 = never mapped), like the kernel's page->index:
    // where the refcount sources of the page are looked for first (Sources)
    private int[][] ixC = new int[0][];
    int pcap; // pfns covered by the chunks
    int npfn = 1; // pfn 0 = the zero page
    long livePages;
    HashMap<Integer, Folio> folios = new HashMap<>();

    PageArray() {
    }

    /** a deep copy (time-travel checkpoints) */
    PageArray copy() {
        PageArray c = new PageArray();
        c.rcC = copyChunks(rcC);
        c.mcC = copyChunks(mcC);
        c.flC = copyChunks(flC);
        c.ctC = copyChunks(ctC);
        c.ixC = copyChunks(ixC);
        c.pcap = pcap;
        c.npfn = npfn;
        c.livePages = livePages;
        for (Folio f : folios.values()) {
            Folio g = new Folio(f.head);
            g.entire = f.entire;
            g.pincount = f.pincount;
            c.folios.put(g.head, g);
        }
        return c;
    }

    private static int[][] copyChunks(int[][] a) {
        int[][] b = new int[a.length][];
        for (int i = 0; i < a.length; i++) b[i] = a[i].clone();
        return b;
    }

    int rc(int p) { return rcC[p >>> PSHIFT][p & PMASK]; }
    void rcSet(int p, int v) { rcC[p >>> PSHIFT][p & PMASK] = v; }
    void rcAdd(int p, int d) { rcC[p >>> PSHIFT][p & PMASK] += d; }
    int mc(int p) { return mcC[p >>> PSHIFT][p & PMASK]; }
    void mcSet(int p, int v) { mcC[p >>> PSHIFT][p & PMASK] = v; }
    void mcAdd(int p, int d) { mcC[p >>> PSHIFT][p & PMASK] += d; }
    int fl(int p) { return flC[p >>> PSHIFT][p & PMASK]; }
    void flSet(int p, int v) { flC[p >>> PSHIFT][p & PMASK] = v; }
    int content(int p) { return ctC[p >>> PSHIFT][p & PMASK]; }
    void contentSet(int p, int v) { ctC[p >>> PSHIFT][p & PMASK] = v; }
    /** the index that last mapped the page, -1 when none did */
    int index(int p) { return ixC[p >>> PSHIFT][p & PMASK] - 1; }
    void indexSet(int p, int i) { ixC[p >>> PSHIFT][p & PMASK] = i + 1; }

    /** grows the chunks to cover pfns below need */
    void ensure(int need) {
        while (pcap < need) {
            int n = rcC.length;
            if (n > 0 && rcC[n - 1].length < PCHUNK) {
                // the last chunk grows geometrically up to a full chunk: small machines stay small
                int len = Math.min(PCHUNK, Math.max(rcC[n - 1].length * 2, need - (n - 1) * PCHUNK));
                rcC[n - 1] = Arrays.copyOf(rcC[n - 1], len);
                mcC[n - 1] = Arrays.copyOf(mcC[n - 1], len);
                flC[n - 1] = Arrays.copyOf(flC[n - 1], len);
                ctC[n - 1] = Arrays.copyOf(ctC[n - 1], len);
                ixC[n - 1] = Arrays.copyOf(ixC[n - 1], len);
            } else {
                rcC = Arrays.copyOf(rcC, n + 1);
                mcC = Arrays.copyOf(mcC, n + 1);
                flC = Arrays.copyOf(flC, n + 1);
                ctC = Arrays.copyOf(ctC, n + 1);
                ixC = Arrays.copyOf(ixC, n + 1);
                int len = n == 0 ? 256 : PCHUNK;
                rcC[n] = new int[len];
                mcC[n] = new int[len];
                flC[n] = new int[len];
                ctC[n] = new int[len];
                ixC[n] = new int[len];
            }
            n = rcC.length;
            pcap = (n - 1) * PCHUNK + rcC[n - 1].length;
        }
    }
}
