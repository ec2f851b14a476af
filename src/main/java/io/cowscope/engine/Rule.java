package io.cowscope.engine;

/**
 * Every rule the engine switches by kernel version (kernel-model.md §2), as data. Code asks
 * {@code rules.inForce(Rule.X)}; nothing compares versions inline. {@code from}/{@code to} are
 * inclusive mainline releases ({@code to == null}: still in force in the newest supported version).
 * Tag: "" = read in code/commit/docs, "I" = inferred from dates, "U" = not verified.
 */
public enum Rule {
    DIRTY_COW_BUG(null, "4.8", "19be0eaffa3a (fix)", "",
            "when a GUP write fault on a read-only private mapping returns VM_FAULT_WRITE (do_wp_page reused or copied), GUP drops FOLL_WRITE and retries as a read; a COW copy zapped before that retry lets the forced write reach the page cache (CVE-2016-5195)"),
    FOLL_COW("4.9", "5.19", "19be0eaffa3a; removed by 5535be309971", "",
            "GUP keeps FOLL_WRITE after do_wp_page's VM_FAULT_WRITE and sets FOLL_COW; a read-only PTE may be written through only if FOLL_FORCE && FOLL_COW && pte_dirty"),
    MAPCOUNT_REUSE(null, "5.8", "replaced by 09854ba94c6a (THP: 3bff7e3f1f16)", "",
            "a write fault reuses an anon page iff mapcount + swapcount <= 1 (reuse_swap_page); refcount (GUP, pipes, DMA) is never consulted"),
    KSM_REUSE_SINGLE("5.1", "5.8", "52d1e606ee73; removed by 1a0cf26323c8", "I",
            "a KSM page may be reused on write if its refcount can be frozen at 1 and it is not in the swap cache"),
    GUP_FORCE_COW_BREAK("5.8", "5.8", "17839856fd58; removed by a308c71bf1e6", "",
            "any FOLL_GET or FOLL_PIN in a COW mapping is treated as a write: the COW is broken at GUP time (CVE-2020-29374)"),
    HUGE_ZERO_PAGE(null, null, "huge zero page series (3.8); use_zero_page on by default", "",
            "a read fault in an empty THP-eligible region (do_huge_pmd_anonymous_page without FAULT_FLAG_WRITE) maps the huge zero page with one read-only PMD: 512 pages present and zero, mapcount 0, kpageflags ZERO_PAGE and THP, pagemap bit 61 (file: the huge zero folio is not anon) and no exclusive bit; anon_vma_prepare ran first, so fork copies the PMD"),
    HUGE_ZERO_COW_THP(null, "5.7", "huge zero page series (3.8); replaced by 3917c80280c9", "",
            "a write fault on the huge zero PMD allocates a new zeroed THP and maps it writable with one PMD (falling back to a PMD split only when no huge page can be allocated)"),
    HUGE_ZERO_COW_SPLIT("5.8", "6.12", "3917c80280c9; replaced by 1ced09e0331f", "",
            "a write fault on the huge zero PMD splits it (__split_huge_zero_page_pmd: 512 PTEs of the small zero page) and returns VM_FAULT_FALLBACK; the PTE-level fault then copies the zero page into one new 4 KiB page (do_wp_page → wp_page_copy)"),
    HUGE_ZERO_WP_THP("6.13", null, "1ced09e0331f (allocate THP on hugezeropage wp-fault)", "I",
            "a write fault on the huge zero PMD allocates a new zeroed THP again (do_huge_zero_wp_pmd → map_anon_folio_pmd: exclusive, writable, one PMD; the PMD is split only when no THP can be allocated); observed on 6.18; do_huge_pmd_wp_page takes this path for an unshare fault too (a read-only long-term pin of the huge zero page gets a writable THP), read in the 6.13 patch"),
    THP_COW_SPLIT("5.8", null, "3917c80280c9", "",
            "a write fault on a shared PMD-mapped THP splits this process's PMD and copies only the 4 KiB page written"),
    PAGE_COUNT_REUSE("5.9", null, "09854ba94c6a", "",
            "a write fault reuses an anon page only if !ksm && refcount == 1 (then, under trylock, mapcount == 1 && refcount == 1)"),
    KSM_NEVER_REUSE("5.9", null, "1a0cf26323c8", "",
            "a write to a KSM page always copies, even with one mapping left"),
    FORK_EARLY_COW("5.9", null, "70e806e4e645, 008cfe4418b3, d042035eaf5f", "",
            "fork: if the mm has_pinned and the page is maybe DMA-pinned, the child gets a private copy at fork time"),
    CLEAR_REFS_SKIP_PINNED("5.11", null, "9348b73c2e1b", "",
            "clear_refs leaves a writable PTE of a COW mapping untouched when the mm has_pinned and the page is maybe pinned"),
    NO_SWAP_PINNED("5.11", null, "feb889fb40fa", "U",
            "reclaim / MADV_PAGEOUT does not put maybe-pinned anon pages into the swap cache"),
    FREE_SWAP_AFTER_COW("5.14", null, "f4c4a3f48480", "",
            "after a COW copy, an old page that no PTE maps and no swap PTE refers to is deleted from the swap cache (free_swap_cache → try_to_free_swap: no refcount test; what else holds the page keeps it, e.g. an LRU batch)"),
    WP_DRAIN_AND_FREE_SWAP("5.18", null, "53a05ad9f21d, d4c470970d45", "",
            "write fault: rc > 3 -> copy; !lru -> drain this CPU's LRU batch; rc > 1 + swapcache -> copy; trylock; free swap cache; rc == 1 -> reuse"),
    SWAPIN_AND_THP_PAGE_COUNT("5.18", null, "c145e0b47c77, 3bff7e3f1f16", "",
            "swap-in and THP PMD write faults stop using mapcount-based reuse"),
    ANON_EXCLUSIVE("5.19", null, "6c287605fd56 and series", "",
            "PG_anon_exclusive per page: a write fault on a PAE page reuses it without further checks"),
    GUP_UNSHARE("5.19", null, "c89357e27f20, a7f226604170", "",
            "a read-only FOLL_PIN of an anon page that is not PAE triggers an unshare fault first"),
    SWP_EXCLUSIVE("5.19", null, "1493a1913e34", "",
            "swap PTEs carry the exclusive bit; fork clears it in both parent and child"),
    SWAPIN_MKWRITE_ON_READ("6.11", null, "c18160dba5ff", "I",
            "a read fault that swaps in an exclusive page maps it writable at once"),
    FOLL_FORCE_NEEDS_PAE("6.0", null, "5535be309971", "",
            "FOLL_FORCE may write through a read-only PTE only to an exclusive anon page in a COW mapping without VM_WRITE"),
    MPROTECT_MKWRITE("6.0", null, "64fe24a3e05e", "",
            "mprotect(RW) maps a dirty PAE anon PTE writable at once unless soft-dirty or uffd-wp tracking wants the fault"),
    MPROTECT_MKWRITE_CLEAN("6.2", null, "mm/mprotect: allow clean exclusive anon pages to be writable", "I",
            "MPROTECT_MKWRITE also for clean PAE PTEs"),
    LONGTERM_RO_FILE_UNSHARE("6.2", null, "84209e87c696, 8d6a0ac09a16", "I",
            "a read-only FOLL_PIN|FOLL_LONGTERM of a non-anon page (page cache, zero page) in a COW mapping also unshares"),
    PIN_USER_PAGES("5.6", null, "eddb1c228f79, 3faa52c03f44", "",
            "FOLL_PIN exists (+1024 bias); before it, pinning drivers used FOLL_GET (+1)"),
    ODIRECT_FOLL_PIN("6.5", null, "a7e689dd1c06", "I",
            "O_DIRECT pins its buffer with FOLL_PIN; before, with FOLL_GET"),
    LARGE_FOLIO_NO_REUSE("6.10", "6.14", "-", "U",
            "a page of a PTE-mapped large folio is never reused on a write fault"),
    LARGE_FOLIO_REUSE("6.15", null, "1da190f4d0a6", "",
            "a PTE-mapped large folio is reused when only this mm maps it and refcount == large mapcount; a folio with a single page mapped (large mapcount <= 1) is copied instead, to free the large folio"),
    MTHP_PAGEOUT_WHOLE("6.10", null, "mm: madvise: avoid split during MADV_PAGEOUT and MADV_COLD (Ryan Roberts' swap-out mTHP series)", "I",
            "MADV_PAGEOUT no longer splits a PTE-mapped large folio that lies wholly in the range: it goes to reclaim whole (to a swapfile it is split there all the same: THP_SWAPOUT_SPLIT); one only partly in the range is split first, unless another process maps it (then skipped: 'continue'); before, every PTE-mapped large folio was split in the madvise walk, and one that another process maps stopped the walk of that page table ('break': the rest of the range under the same PMD is not paged out)"),
    MTHP_ANON_FAULT("6.8", null, "19eaf44954df (mm: thp: support allocation of anonymous multi-size THP); 3485b88390b0 (per-size sysfs)", "",
            "a write fault on an empty PTE of a private anonymous VMA (alloc_anon_folio) takes the largest mTHP order enabled for the VMA (hugepages-<size>kB/enabled: always; madvise in MADV_HUGEPAGE VMAs; inherit = the top-level setting; never; MADV_NOHUGEPAGE and uffd-registered VMAs none) whose naturally aligned range lies inside the VMA and has every PTE none (a zero-page PTE is not none), falling back order by order to 4 KiB; do_anonymous_page maps all its pages with one set_ptes: each writable, dirty, mapcount 1, PageAnonExclusive; the folio's refcount is nr, its entire mapcount 0. A read fault still maps the small zero page, and a write to a zero-page PTE copies one 4 KiB page"),

    // ---- shared mappings (kernel-model §10) ----
    SHMEM_NO_WRITENOTIFY(null, null, "d08b3851da41 (vma_wants_writenotify, 2.6.19; soft-dirty 64e455079e1b, 3.18)", "",
            "shmem / shared anonymous memory wants no write-notify (no page_mkwrite, no dirty accounting): vm_page_prot is writable, so a read fault (and mprotect(RW)) maps the PTE writable and the first write takes no fault; shared mappings of ordinary files map read faults read-only and fault on the first write (wp_page_shared); soft-dirty tracking after clear_refs wants write-notify for shmem too"),

    FAULT_AROUND(null, null, "8c6e50b0290c (vm_ops->map_pages, 3.15)", "",
            "a read fault (CPU or GUP) in a file or shmem mapping first maps, through ->map_pages (filemap_map_pages), every page of an aligned window of fault_around_bytes (default 65536 = 16 pages; 4096 turns it off) that is already in the page cache and whose PTE is none, clamped to the VMA and the page table: with the VMA's vm_page_prot, so read-only in a private mapping or a shared one that wants write-notify, writable for shmem (do_read_fault → do_fault_around)"),
    WRITABLE_FILE_PIN_EFAULT("6.5", null, "8ac268436e6d, a6e79df92e4a (GUP-fast)", "",
            "a long-term writable pin (FOLL_PIN|FOLL_LONGTERM|FOLL_WRITE: io_uring fixed buffers, RDMA) of a shared writable file mapping that needs dirty tracking fails with EFAULT in check_vma_flags (writable_file_mapping_allowed), before any fault; shmem (no writeback, no page_mkwrite), private file mappings and anonymous memory are allowed"),

    // ---- reclaim: MADV_PAGEOUT, THP swap-out, KSM (kernel-model §10, classes 3, 6, 7) ----
    PAGEOUT_SHMEM("5.4", null, "1a4e58cce84e (MADV_PAGEOUT; shmem_writeout keeps the swap entry in the shmem mapping)", "",
            "MADV_PAGEOUT reclaims a shmem / shared anonymous page that only this process maps: try_to_unmap clears the PTE (no swap PTE: pagemap shows neither present nor swapped), shmem_writeout moves the page to the swap cache and the shmem mapping holds the swap entry; the next fault finds the page in the swap cache (same pfn) or reads the slot (shmem_swapin_folio)"),
    PAGEOUT_FILE("5.4", null, "1a4e58cce84e (MADV_PAGEOUT; 12e967fd8e4e, 5.17: only for files the caller may write)", "",
            "MADV_PAGEOUT unmaps a page-cache page of a file mapping (private or shared) that only this process maps: the PTE is cleared; a clean page is dropped from the page cache (__remove_mapping) unless something else holds it, a dirty one stays (only kswapd writes file pages back)"),
    PAGEOUT_SHARED_THP("5.4", null, "1a4e58cce84e (page_mapcount != 1; since 6.15 folio_maybe_mapped_shared)", "",
            "MADV_PAGEOUT leaves a THP alone when another process maps it too: the test comes before any split, so no PMD is split and nothing is paged out"),
    PAGEOUT_PUTBACK_BATCH("5.4", null, "1a4e58cce84e (reclaim_pages → putback_lru_page; folio_putback_lru since 6.1)", "",
            "MADV_PAGEOUT isolates each page it may reclaim (PG_lru cleared); a page that shrink_folio_list does not free (an anonymous or shmem page now in the swap cache under writeback, a page it could not swap, a dirty or still referenced page-cache page) is put back with folio_putback_lru → folio_add_lru into the calling CPU's LRU-add batch: PG_lru stays clear and the batch holds a reference until that batch drains, so a write fault that swaps the page back in finds page_count too high to free the swap cache (should_try_to_free_swap); observed on 6.18"),
    THP_SWAPOUT_SPLIT(null, null, "38d8b4e6bdc8 (THP_SWAP, 4.13: whole-THP swap needs a free swap cluster, for a long time non-rotational devices only); 41663430588c (5.9: never to a swapfile; f0eea189e8e9, 4.14, meant that but tested the wrong flag)", "",
            "a THP is swapped out whole only to a swap device with swap clusters (for a long time only non-rotational ones) that is a block device (from 5.9; 4.13-5.8 also an SSD swapfile); the simulated swap is a swapfile on a rotational disk, as on the reference machine, where folio_alloc_swap cannot allocate a 512-page entry in any version, so shrink_folio_list splits the folio (split_folio_to_list) and swaps the pages one by one; a THP that the range covers only partly is split by madvise first"),
    THP_SPLIT_ZEROPAGE("6.12", null, "b1f202060afe (remap unused subpages to shared zeropage when splitting isolated thp)", "",
            "splitting an anonymous THP maps every zero-filled subpage to the shared zero page (try_to_map_unused_to_zeropage) and frees it; before, the split keeps all 512 pages"),
    KSM_SPLITS_THP(null, null, "try_to_merge_one_page: split_huge_page before merging (THP refcount rework f765f540598a, 4.5)", "I",
            "ksmd treats each 4 KiB page of a THP as a candidate; to merge one it first splits the whole THP (split_huge_page), and gives up when the split fails (extra references such as pins)"),

    // ---- hugetlb MAP_PRIVATE (mm/hugetlb.c; issue 10 §3) ----
    HUGETLB_NO_PAGE(null, null, "mm/hugetlb.c hugetlb_no_page (observed on 6.18)", "",
            "a fault on an empty PTE of a MAP_PRIVATE hugetlb mapping allocates a whole 2 MiB page from the pool and maps it with one huge PTE: never the zero page, also on a read fault (anon, exclusive, read-only in a private mapping); a write fault then runs hugetlb_wp at once, which reuses the new page and makes it writable (one fault)"),
    HUGETLB_MAPCOUNT_REUSE(null, null, "mm/hugetlb.c hugetlb_cow, named hugetlb_wp from c89357e27f20 (5.19); kept on purpose (comment in hugetlb_wp; vmsplice leak observed on 6.18)", "",
            "a write or unshare fault on a read-only hugetlb PTE reuses the page iff folio_mapcount == 1 and it is anon, in every version: the refcount is never consulted (GUP, pipe and DMA references are invisible, so a FOLL_GET user such as vmsplice still sees the later write of the last mapper), and PageAnonExclusive is set on reuse but not tested; otherwise the whole 2 MiB page is copied (hugetlb_wp → copy_user_large_folio) and mapped writable (read-only for an unshare)"),
    HUGETLB_FORK_EARLY_COW("5.12", null, "4eae4efa2c29 (hugetlb: do early cow when page pinned on src mm)", "",
            "fork (copy_hugetlb_page_range): if the parent has_pinned and the hugetlb page may be DMA-pinned (5.19+: and is PageAnonExclusive, hugetlb_try_dup_anon_rmap), the child gets a private copy of the whole 2 MiB page at once; otherwise both huge PTEs are write-protected and shared (PageAnonExclusive cleared from 5.19). Before 5.12 a pinned hugetlb page is always shared"),
    HUGETLB_DONTNEED("5.18", null, "90e7e7f5ef3f (mm: enable MADV_DONTNEED for hugetlb mappings)", "",
            "MADV_DONTNEED on a hugetlb VMA unmaps whole huge pages; the start must be 2 MiB aligned (else EINVAL); before 5.18 MADV_DONTNEED on hugetlb fails with EINVAL; 5.18-6.0 round the end up to a huge page"),
    HUGETLB_DONTNEED_ALIGN_DOWN("6.1", null, "mm,madvise,hugetlb: fix unexpected data loss with MADV_DONTNEED on hugetlbfs (Rik van Riel, 2022; stable backports)", "I",
            "MADV_DONTNEED on hugetlb rounds the end down to a huge page: a range shorter than one huge page zaps nothing and returns 0 (observed on 6.18)"),
    HUGETLB_SPLIT_ALIGN(null, null, "split_vma → hugetlb_vm_op_split (earlier: is_vm_hugetlb_page test in split_vma); observed on 6.18", "",
            "a hugetlb VMA can be split only at a 2 MiB boundary: munmap, mprotect and madvise (DONTFORK, DOFORK) that would split it elsewhere fail with EINVAL and change nothing"),
    HUGETLB_NOT_LRU(null, null, "can_madv_lru_vma (VM_HUGETLB), ksm_madvise, hugepage_madvise (VM_NO_KHUGEPAGED); observed on 6.18", "",
            "hugetlb pages are never on the LRU, in the swap cache, in an LRU-add batch or merged by KSM: MADV_PAGEOUT fails with EINVAL, MADV_MERGEABLE / UNMERGEABLE / HUGEPAGE / NOHUGEPAGE return 0 and change nothing, MADV_WIPEONFORK fails with EINVAL (the VMA has a hugetlbfs file), reclaim and ksmd pass them by, clear_refs leaves their PTEs alone"),
    HUGETLB_PAGEMAP(null, null, "fs/proc/task_mmu.c pagemap_hugetlb_range; fs/proc/page.c stable_page_flags (KPF_HUGE); observed on 6.18", "",
            "pagemap of a hugetlb page: every 4 KiB entry present with its own pfn, exclusive (bit 56) iff the page's mapcount is 1 (6.15+: !folio_maybe_mapped_shared, the same answer), no file bit for anonymous hugetlb, soft-dirty from the VMA flag only; /proc/kpageflags says HUGE and COMPOUND_HEAD/TAIL, never THP; /proc/kpagecount gives the folio's mapcount on every subpage"),

    // ---- VMA changes (kernel-model §10) ----
    FORK_SKIPS_NO_ANON_VMA(null, null, "d992895ba2b2 (Lazy page table copies in fork(), 2.6.14; the test moved into vma_needs_copy by c56d1b62cce8, 5.19; hugetlb copied until bcd51a3c679d, 6.0)", "",
            "fork copies the page tables of a VMA only if it has an anon_vma (or is PFNMAP / MIXEDMAP, hugetlb before 6.0, or uffd-wp with the fork event since 5.19): anon_vma belongs to the VMA, set by the first anonymous page faulted in it and kept by both halves of a later split; a VMA that was only read (zero page, page cache) or is shared is skipped, and the child's pagemap shows nothing there until it faults"),
    VMA_FLAGS_UNCHANGED(null, null, "1da177e4c3f4 (already in the first git tree: mprotect_fixup, madvise_behavior; later madvise_update_vma)", "",
            "mprotect / madvise returns early for a VMA whose flags would not change (newflags == oldflags): no VMA split, no PMD split, no PTE touched"),
    MPROTECT_HOLE_ENOMEM(null, null, "1da177e4c3f4 (sys_mprotect); 77795f900e2a (6.4: a gap at the end)", "",
            "mprotect of a range that does not start inside a VMA fails with ENOMEM and changes nothing; otherwise the VMAs are changed in address order and the walk stops at the first gap with ENOMEM: the pages before the gap keep the new protection, the pages after it are not touched (6.1-6.4 returned 0 for a gap that reaches the end of the range, fixed by 77795f900e2a, not modelled)"),

    // ---- operations a version lacks ----
    MADV_PAGEOUT("5.4", null, "1a4e58cce84e", "",
            "MADV_PAGEOUT exists; before, the engine emulates it by direct reclaim, with a warning"),
    IO_URING("5.1", null, "2b188cc1bb85", "",
            "io_uring fixed buffers exist; before, emulated as a long-term write pin, with a warning"),
    MADV_WIPEONFORK("4.14", null, "d2cd9ede6e19", "",
            "MADV_WIPEONFORK / KEEPONFORK exist; before, EINVAL (no effect)"),
    UFFD_WP("5.7", null, "63b2d4174c4a", "",
            "userfaultfd write-protect exists; before, EINVAL (no effect)"),

    KSMD_NEEDS_MERGEABLE_MM(null, null, "31dbd01f3143 (ksmd_should_run: ksm_mm_head not empty)", "",
            "ksmd scans only while some mm is on its list: a process that made memory mergeable (MADV_MERGEABLE on a private mapping: __ksm_enter; fork inherits it) and has not exited; with none, ksmd sleeps: no scan, no merge, and no lru_add_drain_all of every CPU's LRU-add batch"),

    // ---- per-CPU LRU-add batch size and drains (§3.11) ----
    ZAP_NO_LRU_DRAIN("6.10", null, "4907e80b76af (free_pages_and_swap_cache → folios_put, no lru_add_drain)", "I",
            "MADV_DONTNEED leaves this CPU's LRU-add batch alone: the lru_add_drain() it made lived in free_pages_and_swap_cache (mmu_gather's page freeing), which lost it; observed on 6.18 (a page waiting in the batch stays off the LRU through a DONTNEED of another page)"),
    UNMAP_NO_LRU_DRAIN("6.18", null, "-", "U",
            "munmap and exit leave this CPU's LRU-add batch alone: unmap_region and exit_mmap called lru_add_drain() before tlb_gather_mmu up to at least 6.10; observed on 6.18 (a page waiting in the batch stays off the LRU through a munmap or an exit on that CPU); the release that dropped it is not pinned down"),
    LRU_BATCH_15("4.15", "6.8", "-", "I", "the per-CPU LRU-add batch holds 15 pages (14 before 4.15)"),
    LRU_BATCH_31("6.9", null, "-", "I", "the per-CPU LRU-add batch holds 31 pages"),

    // ---- reporting and naming ----
    PAGEMAP_UFFD_WP("5.13", null, "fb8e37f35a2f", "",
            "pagemap bit 57 reports uffd-wp"),
    PAGEMAP_THP_SUBPAGE_MAPCOUNT("6.11", "6.14", "-", "U",
            "pagemap bit 56 of a PMD-mapped THP uses each subpage's own mapcount (head's value before 6.11 and from 6.15)"),
    UFFD_WP_RESOLVE_MKWRITE("6.0", null, "64fe24a3e05e", "U",
            "uffd_wp off goes through the mprotect make-writable path: a PAE page becomes writable at once"),
    WP_CAN_REUSE_ANON_FOLIO("6.7", null, "-", "",
            "the reuse test is named wp_can_reuse_anon_folio (naming only)");

    public final KernelVersion from;
    public final KernelVersion to;
    public final String commits;
    public final String tag;
    public final String description;

    Rule(String from, String to, String commits, String tag, String description) {
        this.from = from == null ? null : KernelVersion.parse(from).orElseThrow();
        this.to = to == null ? null : KernelVersion.parse(to).orElseThrow();
        this.commits = commits;
        this.tag = tag;
        this.description = description;
    }

    public boolean inForce(KernelVersion v) {
        return (from == null || v.compareTo(from) >= 0) && (to == null || v.compareTo(to) <= 0);
    }

    /** "since 5.9", "≤ 5.8", "5.1–5.8" */
    public String range() {
        if (from == null && to == null) return "all versions";
        if (from == null) return "≤ " + to;
        if (to == null) return "since " + from;
        if (from.equals(to)) return "only " + from;
        return from + "–" + to;
    }

    /** "PAGE_COUNT_REUSE since 5.9 (09854ba94c6a)" */
    public String cite() {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b[0-9a-f]{12}\\b").matcher(commits);
        String c = m.find() ? m.group() : "";
        return name() + " " + range() + (c.isEmpty() ? "" : " (" + c + ")") + (tag.isEmpty() ? "" : " [" + tag + "]");
    }

    /** the first commit id named for this rule, or null */
    public String commit() {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b[0-9a-f]{12}\\b").matcher(commits);
        return m.find() ? m.group() : null;
    }
}
