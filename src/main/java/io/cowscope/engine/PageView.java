package io.cowscope.engine;

import java.util.List;

/**
 * A physical page. Counts of a THP member are its folio's (refcount, pincount); mapcount is the page's
 * own PTE mapcount plus the folio's entire (PMD) mapcount. {@code sources} sum to refcount (except the
 * zero page, whose refcount is not tracked). writer = process that wrote the content ("" = none,
 * "device", "ksm"), writtenAt = step (-1).
 */
public record PageView(long pfn, String content, boolean anon, boolean anonExclusive, boolean ksm, boolean swapcache,
                       boolean lru, boolean locked, boolean dirty, boolean thp, boolean thpHead, boolean zero,
                       boolean file, boolean free, int refcount, int mapcount, int pincount, int entireMapcount,
                       long folioHead, int swapSlot, int lruBatchCpu, String fileName, int fileIndex,
                       List<RefSource> sources, String writer, int writtenAt, boolean hugetlb) {
    /** a view of a page that is not hugetlb */
    public PageView(long pfn, String content, boolean anon, boolean anonExclusive, boolean ksm, boolean swapcache,
                    boolean lru, boolean locked, boolean dirty, boolean thp, boolean thpHead, boolean zero,
                    boolean file, boolean free, int refcount, int mapcount, int pincount, int entireMapcount,
                    long folioHead, int swapSlot, int lruBatchCpu, String fileName, int fileIndex,
                    List<RefSource> sources, String writer, int writtenAt) {
        this(pfn, content, anon, anonExclusive, ksm, swapcache, lru, locked, dirty, thp, thpHead, zero, file, free, refcount, mapcount,
                pincount, entireMapcount, folioHead, swapSlot, lruBatchCpu, fileName, fileIndex, sources, writer, writtenAt, false);
    }

    public boolean maybeDmaPinned() {
        return thp || hugetlb ? pincount > 0 : refcount >= 1024;
    }
}
