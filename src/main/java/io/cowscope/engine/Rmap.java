package io.cowscope.engine;

import static io.cowscope.engine.Machine.*;

/** mm/rmap.c and include/linux/mm.h: mapcounts ({@code page_mapcount}, a large folio's mapcount) and
 * {@code folio_maybe_dma_pinned}. */
final class Rmap {
    private Rmap() {
    }

    /** page_mapcount: the page's PTE mappings plus its folio's PMD mappings */
    static int pageMapcount(Machine M, int pfn) {
        if (!M.isThp(pfn)) return M.mc(pfn);
        Folio f = M.pages.folios.get(M.head(pfn));
        return M.mc(pfn) + (f == null ? 0 : f.entire);
    }

    static boolean maybeDmaPinned(Machine M, int pfn) {
        if (pfn == ZERO_PFN) return false;
        if (M.isThp(pfn)) {
            Folio f = M.pages.folios.get(M.head(pfn));
            return f != null && f.pincount > 0;
        }
        return M.rc(pfn) >= GUP_PIN_COUNTING_BIAS;
    }

    static int thpWideMapcount(Machine M, int h) {
        int max = 0;
        for (int k = 0, nr = M.folioNr(h); k < nr; k++) max = Math.max(max, M.mc(h + k));
        Folio fo = M.pages.folios.get(h);
        return max + (fo == null ? 0 : fo.entire);
    }

    static int largeMapcount(Machine M, int h) {
        int sum = 0;
        for (int k = 0, nr = M.folioNr(h); k < nr; k++) sum += M.mc(h + k);
        Folio fo = M.pages.folios.get(h);
        return sum + (fo == null ? 0 : fo.entire);
    }

    /** mappings (PTEs + PMDs) of the folio held by p */
    static int onlyMappedBy(Machine M, int h, Proc p) {
        int n = 0, nr = M.folioNr(h);
        for (Vma m : p.maps.values()) {
            for (int i = 0; i < m.n; i++) {
                long v = m.pte(i);
                if ((v & P_PRESENT) == 0 || (v & P_ZERO) != 0) continue;
                int pfn = (int) (v & PFN_MASK);
                if (pfn < h || pfn >= h + nr) continue;
                if ((v & P_PMD) != 0) {
                    if ((pfn & (HPAGE - 1)) == 0) n++;
                } else n++;
            }
        }
        return n;
    }

    /** anon_vma_prepare: the first anonymous page of a VMA gives the whole VMA (every page with the same VMA
     * flags around page i) an anon_vma; a later split (anon_vma_clone) leaves it on both halves */
    static void anonVmaPrepare(Machine M, Vma m, int i) {
        if ((m.pte(i) & V_ANONVMA) != 0) return;
        for (int j = m.vmaStart(i), e = m.vmaEnd(i); j < e; j++) m.pteSet(j, m.pte(j) | V_ANONVMA);
    }
}
