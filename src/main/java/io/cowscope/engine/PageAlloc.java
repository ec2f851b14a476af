package io.cowscope.engine;

import static io.cowscope.engine.Machine.*;

/** mm/page_alloc.c and the folio reference helpers of include/linux/mm.h: allocation, {@code folio_get},
 * {@code folio_put} and freeing. The page state itself is in {@link PageArray}. */
final class PageAlloc {
    private PageAlloc() {
    }

    /** a new small page with refcount 0: the caller adds the references it hands out */
    static int allocPage(Machine M, int version, int flags) {
        M.pages.ensure(M.pages.npfn + 1);
        int pfn = M.pages.npfn++;
        M.rcSet(pfn, 0);
        M.mcSet(pfn, 0);
        M.flSet(pfn, flags);
        M.contentSet(pfn, version);
        M.pages.livePages++;
        M.created(pfn);
        return pfn;
    }

    /** a new 512-page folio (pfn aligned to 512), refcount 0 */
    static int allocFolio(Machine M, int flags) {
        return allocFolio(M, flags, 9);
    }

    /** a new large folio of 1 << order pages (pfn naturally aligned, as the buddy allocator hands them out), refcount 0 */
    static int allocFolio(Machine M, int flags, int order) {
        int nr = 1 << order;
        int headPfn = (M.pages.npfn + nr - 1) & ~(nr - 1);
        M.pages.ensure(headPfn + nr);
        for (int p = M.pages.npfn; p < headPfn; p++) M.flSet(p, PG_FREE); // alignment gap
        M.pages.npfn = headPfn + nr;
        for (int k = 0; k < nr; k++) {
            M.rcSet(headPfn + k, 0);
            M.mcSet(headPfn + k, 0);
            M.flSet(headPfn + k, flags | PG_THP | (k == 0 ? PG_HEAD : 0) | (order << FOLIO_ORDER_SHIFT));
            M.contentSet(headPfn + k, 0);
        }
        M.pages.folios.put(headPfn, new Folio(headPfn));
        M.pages.livePages += nr;
        M.created(headPfn);
        return headPfn;
    }

    static void folioGet(Machine M, int pfn, int n) {
        int h = M.head(pfn);
        M.rcAdd(h, n);
        M.touchPage(h);
    }

    /** folio_put: drops n references; the folio is freed at 0 */
    static void folioPut(Machine M, int pfn, int n) {
        if (pfn == ZERO_PFN) return;
        int h = M.head(pfn);
        M.rcAdd(h, -(n));
        M.touchPage(h);
        if (M.rc(h) <= 0) freeFolio(M, h);
    }

    static void freeFolio(Machine M, int h) {
        if (M.has(h, PG_FREE)) return;
        boolean hugetlb = M.has(h, PG_HUGETLB);
        int count = M.folioNr(h);
        if (M.has(h, PG_KSM)) M.ksmStable.values().remove(h);
        for (int k = 0; k < count; k++) {
            M.flSet(h + k, PG_FREE);
            M.mcSet(h + k, 0);
            M.rcSet(h + k, 0);
        }
        M.pages.folios.remove(h);
        M.pages.livePages -= count;
        M.statFrees++;
        M.freed(h);
        M.log.event(EventType.FREE, hugetlb ? "hugetlb" : null, null, null, -1, h, hugetlb ? "free_huge_folio" : "free_unref_page", null,
                M.log.detail ? "pfn " + h + " freed: its last reference is gone" + (hugetlb ? "; the 2 MiB page goes back to the hugetlb pool" : "") : null, null);
    }
}
