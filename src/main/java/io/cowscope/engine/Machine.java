package io.cowscope.engine;

import io.cowscope.engine.op.Hook;
import io.cowscope.engine.op.Op;
import io.cowscope.engine.op.ProcOp;
import io.cowscope.engine.op.Target;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The simulated machine: physical pages, address spaces, page tables and the outside holders of
 * references, driven one {@link Op} at a time by {@link #apply}. Deterministic: the same config and
 * operations give the same steps.
 *
 * <h2>File map</h2>
 * The machine's state is apart from its behaviour, and the behaviour is where mm/ keeps it. This class
 * holds the state and is the facade (public API, {@link #apply}, delta bookkeeping, page-flag primitives);
 * the kernel's functions are static methods of package-private classes that take it as their first
 * argument, as the kernel passes mm/vma/vmf. Method names are the kernel's ({@code doWpPage},
 * {@code wpPageCopy}, {@code wpCanReuseAnonFolio}, {@code copyPresentPte}, {@code gupMustUnshare},
 * {@code faultinPage} …).
 * <pre>
 * state              PageArray (struct page / folio arrays), Folio, Vma + PageTable, FileObj (inode +
 *                    address_space), SwapInfo (swap_info_struct + swap-cache index), Pipe, VmFault
 *                    (struct vm_fault); Proc / Handle / Pending stay nested here
 * mm/memory.c        Memory      handle_mm_fault, do_anonymous_page, do_*_fault, do_wp_page, wp_page_copy,
 *                                do_swap_page, copy_page_range, copy_present_pte, zap_pte_range
 * mm/filemap.c       Filemap     page-cache pages
 * mm/gup.c           Gup         __get_user_pages, follow_page, faultin_page, gup_must_unshare, pins, DMA
 * mm/huge_memory.c   HugeMemory  do_huge_pmd_anonymous_page, do_huge_pmd_wp_page, split_huge_pmd/page
 * mm/swap.c          LruBatches  folio_add_lru, lru_add_drain (per-CPU LRU-add batches)
 * mm/swap_state.c,   SwapState   swap cache, folio_free_swap, swap_free
 *   mm/swapfile.c
 * mm/vmscan.c        Vmscan      MADV_PAGEOUT's shrink_folio_list, swap-out, reclaim
 * mm/madvise.c       Madvise     madvise
 * mm/mprotect.c      Mprotect    change_protection, can_change_pte_writable
 * mm/mmap.c          Mmap        do_mmap, munmap, exit_mmap
 * mm/rmap.c          Rmap        mapcounts, folio_maybe_dma_pinned
 * mm/page_alloc.c    PageAlloc   allocation, folio_get / folio_put, free
 * mm/ksm.c           Ksm         ksmd scan, write_protect_page, merge
 * mm/userfaultfd.c   Userfaultfd register, UFFDIO_WRITEPROTECT, handle_userfault
 * fs/splice.c        Splice      vmsplice, pipe reads
 * kernel/fork.c      Fork        kernel_clone / dup_mmap
 * fs/proc/task_mmu.c TaskMmu     clear_refs (pagemap words: MachineObserver)
 * arch/x86/mm/fault.c UserAccess CPU loads and stores, bad_area
 * (entry)            Syscalls    operation → kernel entry point
 * §8                 Hazards     leak, coherency_lost, hazard records
 * views              Snapshots, MachineObserver, Sources, Invariants, StepLog
 * </pre>
 *
 * <h2>Faults</h2>
 * A CPU access that the PTE does not allow enters {@link Memory#handleMmFault} with one {@link VmFault}
 * (the kernel's {@code struct vm_fault}) that travels down the path: an empty PTE goes to
 * {@code do_anonymous_page} (zero page on read, a fresh page or a 512-page THP on write),
 * {@code do_read_fault}/{@code do_cow_fault}/{@code do_shared_fault} for files, a swap PTE to
 * {@code do_swap_page}, a read-only present PTE to {@code do_wp_page} (or {@code do_huge_pmd_wp_page}),
 * which decides reuse ({@code wp_page_reuse}) or copy ({@code wp_page_copy}) by the rules of the
 * version (kernel-model.md §3.3). Unshare faults (GUP_UNSHARE) take the same path with
 * FAULT_FLAG_UNSHARE and leave the PTE read-only. Every decision is an event that names its rule, the
 * function and the values it looked at.
 *
 * <h2>Refcount vs mapcount</h2>
 * State is struct-of-arrays indexed by pfn in {@link PageArray} ({@code rc}, {@code mc}, flags, {@code content}):
 * no object per page. A THP's refcount lives at its head (the folio's count) and its entire (PMD)
 * mapcount and pincount in a {@link Folio}. The counter is kept for speed; the <em>reasons</em>
 * (mapping of P at v, pin 1024, get, pipe, swap cache, LRU batch of CPU n, page cache) are derived
 * from the holders on demand ({@link #sources}) and {@link Invariants} compares the two after every
 * step in tests. Mapcount counts page-table entries only; refcount counts everyone: until 5.8 the
 * reuse test looked at mapcount (so GUP/pipe references were invisible: CVE-2020-29374), from 5.9 at
 * refcount (so LRU-batch and swap-cache references cause spurious copies), from 5.19 at
 * PG_anon_exclusive first.
 *
 * <h2>GUP pins</h2>
 * {@link Gup#getUserPages} is {@code __get_user_pages}: {@code follow_page} walks the PTE; when the page
 * is missing, not writable for FOLL_WRITE (and FOLL_FORCE may not write through), or must be unshared,
 * {@code faultin_page} runs a fault and the loop retries (the {@code gup_retry} hook point, where Dirty
 * COW's MADV_DONTNEED races). FOLL_GET adds 1, FOLL_PIN adds 1024 on a small page (or 1 and the folio's
 * pincount on a THP) and sets the mm's has_pinned. Handles keep the pfns they took: a device reads and
 * writes those pages whatever the page table maps now.
 *
 * <p>Fault results are the real functions' results: only {@code do_wp_page}'s reuse/copy
 * ({@code wp_page_reuse}, {@code wp_page_copy} unless unsharing, {@code wp_page_shared}), the THP
 * {@code do_huge_pmd_wp_page} reuse/copy and {@code do_swap_page}'s write reuse report VM_FAULT_WRITE;
 * {@code do_anonymous_page}, {@code do_cow_fault}, {@code do_shared_fault} and {@code do_read_fault} do not.
 * So a forced write (FOLL_WRITE|FOLL_FORCE, e.g. /proc/PID/mem) to a never-touched page of a private
 * read-only file mapping is, as in the kernel: {@code follow_page} fails (no PTE) →
 * {@code faultin_page → handle_mm_fault → do_fault → do_cow_fault} (a private copy, mapped read-only and
 * dirty because the VMA lacks VM_WRITE; no VM_FAULT_WRITE) → gup_retry → {@code follow_page} fails again
 * (FOLL_WRITE on a read-only PTE, no FOLL_COW yet) → {@code faultin_page → handle_mm_fault → do_wp_page →
 * wp_page_reuse} (the copy is anon with mapcount 1) → VM_FAULT_WRITE with !VM_WRITE: ≤ 4.8 drops FOLL_WRITE
 * (DIRTY_COW_BUG), 4.9-5.19 sets FOLL_COW → gup_retry → {@code follow_page} succeeds (as a read ≤ 4.8; via
 * FOLL_FORCE && FOLL_COW && pte_dirty 4.9-5.19). From 6.0 (FOLL_FORCE_NEEDS_PAE) the copy is an exclusive
 * anon page, so the walk after {@code do_cow_fault} already succeeds. Dirty COW's window is the retry
 * <em>after</em> {@code do_wp_page}'s VM_FAULT_WRITE (19be0eaffa3a): a zap there makes the ≤ 4.8 read
 * retry map the page-cache page; a zap at the first retry (after {@code do_cow_fault}) only makes the
 * next walk fault in a fresh copy.
 *
 * <h2>fork</h2>
 * {@link Memory#copyPageRange} (called from {@link Fork}) copies PTEs VMA by VMA: DONTCOPY VMAs are left out, WIPEONFORK and VMAs
 * without anon pages get no PTEs, an anon page is shared write-protected (PAE cleared, 5.19+) unless
 * FORK_EARLY_COW gives the child a copy of a maybe-pinned page, swap entries lose their exclusive bit
 * (5.19+), uffd-wp bits are dropped. fork does not drain the LRU batch.
 *
 * <h2>Versions</h2>
 * Every version difference is a {@link Rule} queried through {@link Rules#inForce}; the event naming
 * the decision cites the rule and its commit. References: [1] mm/memory.c do_wp_page, wp_page_copy,
 * do_swap_page, copy_present_pte; [2] mm/gup.c __get_user_pages, faultin_page, can_follow_write_pte,
 * gup_must_unshare; [3] mm/huge_memory.c do_huge_pmd_wp_page; [4] mm/ksm.c write_protect_page;
 * [5] fs/proc/task_mmu.c clear_refs, pagemap; [6] commits 09854ba94c6a, 6c287605fd56, 17839856fd58,
 * 70e806e4e645, 9348b73c2e1b, 19be0eaffa3a, 5535be309971.
 *
 * <p>Declared simplifications (one line each, also in docs/engine.md): pfns are never reused; a read
 * fault in a THP region maps the huge zero page as 512 entries of the one zero pfn; pageout splits a THP first and KSM skips THP pages;
 * page locks are never contended (trylock always succeeds); the zero page's refcount is not tracked; swapped-out pages are not put back on the LRU batch; page-cache pages go straight to
 * the LRU; a forced write that swaps in a reusable page in a VMA without VM_WRITE reaches do_wp_page
 * (before 6.11 do_swap_page clears FAULT_FLAG_WRITE itself: same VM_FAULT_WRITE, one extra step).
 */
public final class Machine {

    // ---------------------------------------------------------------- PTE layout (one long per page)
    static final long PFN_MASK = 0xFFFF_FFFFL;
    static final long P_PRESENT = 1L << 32, P_WRITE = 1L << 33, P_DIRTY = 1L << 34, P_YOUNG = 1L << 35,
            P_SOFTDIRTY = 1L << 36, P_UFFD_WP = 1L << 37, P_SWAP = 1L << 38, P_SWP_EXCL = 1L << 39,
            P_PMD = 1L << 40, P_ZERO = 1L << 41,
            P_HUGEZERO = 1L << 42; // with P_ZERO: one of the 512 entries of a PMD mapping the huge zero page (HUGE_ZERO_PAGE)
    static final long PTE_MASK = (1L << 48) - 1;
    // VMA flags of the page, kept in the same long (a range mprotect/madvise splits the VMA in the kernel)
    static final long V_MAPPED = 1L << 48, V_READ = 1L << 49, V_WRITE = 1L << 50, V_DONTCOPY = 1L << 51,
            V_WIPEONFORK = 1L << 52, V_MERGEABLE = 1L << 53, V_UFFD_WP = 1L << 54, V_SOFTDIRTY = 1L << 55,
            V_HUGEPAGE = 1L << 56, V_NOHUGEPAGE = 1L << 57,
            V_ANONVMA = 1L << 58; // the page's VMA has an anon_vma (anon_vma_prepare ran on it); not a VMA boundary by itself
    /** the page's VMA is a MAP_HUGETLB mapping (VM_HUGETLB): Hugetlb handles its faults, fork, zap and madvise */
    static final long V_HUGETLB = 1L << 62;
    static final long VM_MASK = ~PTE_MASK;
    /** the VMA flags that delimit a (kernel) VMA; V_ANONVMA is state of the VMA, not a flag that splits it */
    static final long VM_KEY = VM_MASK & ~V_ANONVMA;

    // ---------------------------------------------------------------- page flags
    static final int PG_ANON = 1, PG_EXCL = 1 << 1, PG_KSM = 1 << 2, PG_SWAPCACHE = 1 << 3, PG_LRU = 1 << 4,
            PG_LOCKED = 1 << 5, PG_DIRTY = 1 << 6, PG_ZERO = 1 << 7, PG_THP = 1 << 8, PG_HEAD = 1 << 9,
            PG_FILE = 1 << 10, PG_FREE = 1 << 11, PG_INBATCH = 1 << 12;
    /** a hugetlb folio (with PG_THP | PG_HEAD for the 512-page folio machinery; never on the LRU): folio_test_hugetlb */
    static final int PG_HUGETLB = 1 << 14;
    static final int BATCH_CPU_SHIFT = 16;
    /** a large folio's order (folio_order) in bits 24..27 of every one of its pages' flags: 9 for a PMD-sized THP, 2..8 for mTHP */
    static final int FOLIO_ORDER_SHIFT = 24, FOLIO_ORDER_MASK = 0xF << FOLIO_ORDER_SHIFT;

    static final int HPAGE = 512;
    static final int TSHIFT = 15, TCHUNK = 1 << TSHIFT, TMASK = TCHUNK - 1;
    static final int ZERO_PFN = 0;
    static final int GUP_PIN_COUNTING_BIAS = 1024;

    // fault flags (FAULT_FLAG_*) and results (VM_FAULT_*), shaped like the kernel's
    static final int FAULT_FLAG_WRITE = 1, FAULT_FLAG_UNSHARE = 2, FAULT_FLAG_REMOTE = 4;
    static final int VM_FAULT_DONE = 0, VM_FAULT_WRITE = 1, VM_FAULT_SIGSEGV = 2, VM_FAULT_BLOCKED = 4, VM_FAULT_ERROR = 8;

    // GUP flags
    static final int FOLL_WRITE = 1, FOLL_GET = 2, FOLL_PIN = 4, FOLL_LONGTERM = 8, FOLL_FORCE = 16, FOLL_COW = 32,
            FOLL_FAST = 64;

    // ---------------------------------------------------------------- model objects
    static final class Proc {
        final String name;
        final int pid;
        int cpu;
        ProcState state = ProcState.ALIVE;
        Proc parent;
        int forkStep = -1;
        boolean hasPinned;
        /** MMF_VM_MERGEABLE: the mm is on ksmd's list (ksm_mm_head) from its first MADV_MERGEABLE until it exits; fork inherits it */
        boolean ksmMm;
        final LinkedHashMap<String, Vma> maps = new LinkedHashMap<>();
        Pending blocked;

        Proc(String name, int pid) {
            this.name = name;
            this.pid = pid;
        }
    }

    /** a write blocked in a uffd-wp fault: pages idx..last of m remain to be written */
    record Pending(Vma m, int idx, int last, int version) {
    }

    enum HandleKind { PIN, GET, ODIRECT }

    static final class Handle {
        final String name;
        final HandleKind kind;
        final Proc owner;
        final Vma m;
        final int first;
        final int[] pfns;
        final int gupFlags; // FOLL_PIN set when pins were really taken
        final String device;
        boolean live = true;
        boolean lost; // coherency_lost already raised

        Handle(String name, HandleKind kind, Proc owner, Vma m, int first, int[] pfns, int gupFlags, String device) {
            this.name = name;
            this.kind = kind;
            this.owner = owner;
            this.m = m;
            this.first = first;
            this.pfns = pfns;
            this.gupFlags = gupFlags;
            this.device = device;
        }

        int refsPerPage(boolean thp) {
            return (gupFlags & FOLL_PIN) != 0 ? (thp ? 1 : GUP_PIN_COUNTING_BIAS) : 1;
        }
    }

    record KsmRegion(Vma m) {
    }

    record ArmedHook(Hook.HookPoint point, String proc, ProcOp op) {
    }

    // ---------------------------------------------------------------- state
    final MachineConfig config;
    final Rules rules;
    final int lruCap;

    // struct page / struct folio state (PageArray); the accessors are the hot path, kept here for brevity
    final PageArray pages;

    final int rc(int p) { return pages.rc(p); }
    final void rcSet(int p, int v) { pages.rcSet(p, v); }
    final void rcAdd(int p, int d) { pages.rcAdd(p, d); }
    final int mc(int p) { return pages.mc(p); }
    final void mcSet(int p, int v) { pages.mcSet(p, v); }
    final void mcAdd(int p, int d) { pages.mcAdd(p, d); }
    final int fl(int p) { return pages.fl(p); }
    final void flSet(int p, int v) { pages.flSet(p, v); }
    final int content(int p) { return pages.content(p); }
    final void contentSet(int p, int v) { pages.contentSet(p, v); }

    // the swap device and the swap cache's index
    final SwapInfo swapInfo;
    HashMap<Integer, Long> fileOf = new HashMap<>(); // page-cache pfn -> (file id << 32 | index)
    ContentTable ct = new ContentTable();

    ArrayList<Proc> procs = new ArrayList<>();
    HashMap<String, Proc> procByName = new HashMap<>();
    LinkedHashMap<String, Pipe> pipes = new LinkedHashMap<>();
    LinkedHashMap<String, Handle> handles = new LinkedHashMap<>();
    IntList[] lru;
    LinkedHashMap<String, FileObj> files = new LinkedHashMap<>();
    ArrayList<FileObj> fileById = new ArrayList<>();
    ArrayList<Vma> ksmRegions = new ArrayList<>();
    HashMap<Long, Integer> ksmChecksum = new HashMap<>(); // (mapping id << 32 | index) -> text id seen last scan
    LinkedHashMap<Integer, Integer> ksmStable = new LinkedHashMap<>(); // text id -> KSM pfn
    ArrayList<ArmedHook> hooks = new ArrayList<>();
    int nextPid = 100, nextMappingId = 1;
    long nextVpn = 0x7f0000000L; // 2 MiB aligned

    int stepIndex = -1;
    /** the leading process declarations (spawns before any other operation): together they are step 0 in texts */
    int leadingSpawns;
    boolean pastLeadingSpawns;
    Step lastStep;
    long statCow, statReuse, statFaults, statUnshare, statForkCopy, statSwapIn, statSwapOut, statKsm, statFrees;
    ArrayList<Hazard> hazards = new ArrayList<>();
    EnumMap<HazardType, Integer> hazardCounts = new EnumMap<>(HazardType.class);

    // per-step (not copied)
    StepLog log = new StepLog();
    LinkedHashMap<Long, Long> dPte = new LinkedHashMap<>();
    HashMap<Long, Vma> dPteMap = new HashMap<>();
    ArrayList<Vma> dMappings = new ArrayList<>();
    LinkedHashSet<Integer> dPages = new LinkedHashSet<>();
    IntList dCreated = new IntList(), dFreed = new IntList();
    int dPteCount, dPageCount, dCreatedCount, dFreedCount;
    boolean dTruncated;
    int hookDepth;

    public Machine(MachineConfig config) {
        this.config = config;
        this.rules = Rules.of(config.kernel());
        this.lruCap = config.lruBatchCapacity() != null ? config.lruBatchCapacity() : rules.lruBatchCapacity();
        lru = new IntList[config.cpus()];
        for (int i = 0; i < lru.length; i++) lru[i] = new IntList();
        pages = new PageArray();
        swapInfo = new SwapInfo();
        pages.ensure(1);
        flSet(ZERO_PFN, PG_ZERO);
        rcSet(ZERO_PFN, 1);
        for (FileSpec f : config.files()) {
            FileObj fo = new FileObj(f.name(), f.pages(), false);
            int v = ct.newVersion(f.content(), ContentTable.DISK, -1, true);
            Arrays.fill(fo.disk, v);
            files.put(f.name(), fo);
            fileById.add(fo);
        }
    }

    public MachineConfig config() {
        return config;
    }

    public Rules rules() {
        return rules;
    }

    /** index of the last applied step (-1 before the first) */
    /**
     * The number texts give to step {@code index}, as the page and the command line number steps: the
     * leading process declarations together are step 0, then 1, 2, …
     */
    int shownStep(int index) {
        return leadingSpawns == 0 ? index + 1 : index < leadingSpawns ? 0 : index - leadingSpawns + 1;
    }

    public int stepIndex() {
        return stepIndex;
    }

    public Observer observe() {
        return new MachineObserver(this);
    }

    public Snapshot snapshot() {
        return Snapshots.take(this, Snapshot.Window.all());
    }

    public Snapshot snapshot(Snapshot.Window window) {
        return Snapshots.take(this, window);
    }

    public List<Invariants.Violation> checkInvariants() {
        return Invariants.check(this);
    }

    // ---------------------------------------------------------------- deep copy (time-travel checkpoints)
    private Machine(Machine o) {
        config = o.config;
        rules = o.rules;
        lruCap = o.lruCap;
        pages = o.pages.copy();
        swapInfo = o.swapInfo.copy();
        fileOf = new HashMap<>(o.fileOf);
        ct = new ContentTable(o.ct);
        HashMap<FileObj, FileObj> fmap = new HashMap<>();
        for (FileObj f : o.fileById) {
            FileObj g = new FileObj(f.name, f.pages, f.shmem);
            g.disk = f.disk.clone();
            g.cache = f.cache.clone();
            g.swap = f.swap.clone();
            g.droppedPages = (java.util.BitSet) f.droppedPages.clone();
            fmap.put(f, g);
            fileById.add(g);
            if (!f.shmem) files.put(g.name, g);
        }
        HashMap<Proc, Proc> pmap = new HashMap<>();
        HashMap<Vma, Vma> mmap = new HashMap<>();
        for (Proc p : o.procs) {
            Proc q = new Proc(p.name, p.pid);
            q.cpu = p.cpu;
            q.state = p.state;
            q.forkStep = p.forkStep;
            q.hasPinned = p.hasPinned;
            q.ksmMm = p.ksmMm;
            pmap.put(p, q);
            procs.add(q);
            procByName.put(q.name, q);
        }
        for (Proc p : o.procs) {
            Proc q = pmap.get(p);
            q.parent = p.parent == null ? null : pmap.get(p.parent);
            for (Vma m : p.maps.values()) {
                Vma c = new Vma(m.id, m.name, q, m.start, m.n, m.shared, m.file == null ? null : fmap.get(m.file), m.pt.copy());
                q.maps.put(c.name, c);
                mmap.put(m, c);
            }
        }
        for (Proc p : o.procs) {
            if (p.blocked != null) {
                Pending b = p.blocked;
                pmap.get(p).blocked = new Pending(mmap.get(b.m()), b.idx(), b.last(), b.version());
            }
        }
        for (Pipe p : o.pipes.values()) {
            Pipe q = new Pipe(p.name);
            for (int i = 0; i < p.pfns.size(); i++) q.pfns.add(p.pfns.get(i));
            for (Proc f : p.fillers) q.fillers.add(pmap.get(f));
            pipes.put(q.name, q);
        }
        for (Handle h : o.handles.values()) {
            Handle g = new Handle(h.name, h.kind, pmap.get(h.owner), mmap.get(h.m), h.first, h.pfns, h.gupFlags, h.device);
            g.live = h.live;
            g.lost = h.lost;
            handles.put(g.name, g);
        }
        lru = new IntList[o.lru.length];
        for (int i = 0; i < lru.length; i++) lru[i] = new IntList(o.lru[i]);
        for (Vma m : o.ksmRegions) ksmRegions.add(mmap.get(m));
        ksmChecksum = new HashMap<>(o.ksmChecksum);
        ksmStable = new LinkedHashMap<>(o.ksmStable);
        hooks = new ArrayList<>(o.hooks);
        nextPid = o.nextPid;
        nextMappingId = o.nextMappingId;
        nextVpn = o.nextVpn;
        stepIndex = o.stepIndex;
        leadingSpawns = o.leadingSpawns;
        pastLeadingSpawns = o.pastLeadingSpawns;
        lastStep = o.lastStep;
        statCow = o.statCow;
        statReuse = o.statReuse;
        statFaults = o.statFaults;
        statUnshare = o.statUnshare;
        statForkCopy = o.statForkCopy;
        statSwapIn = o.statSwapIn;
        statSwapOut = o.statSwapOut;
        statKsm = o.statKsm;
        statFrees = o.statFrees;
        hazards = new ArrayList<>(o.hazards);
        hazardCounts = new EnumMap<>(o.hazardCounts);
    }

    /** rough retained size of a copy: page arrays + PTEs (what a checkpoint costs) */
    public long estimatedBytes() {
        long ptes = 0;
        for (Proc p : procs) for (Vma m : p.maps.values()) ptes += m.n;
        return 20L * pages.pcap + 8L * ptes + 64L * (swapInfo.nslot + ct.n) + 4096;
    }

    /** an independent deep copy (a checkpoint); the copy continues exactly as this machine would */
    public Machine copy() {
        return new Machine(this);
    }

    // ---------------------------------------------------------------- page primitives
    final boolean isThp(int pfn) {
        return (fl(pfn) & PG_THP) != 0;
    }

    /** folio_nr_pages: 1 for a small page, 1 << order for a large folio (512 for a PMD-sized THP) */
    final int folioNr(int pfn) {
        int f = fl(pfn);
        return (f & PG_THP) != 0 ? 1 << ((f & FOLIO_ORDER_MASK) >>> FOLIO_ORDER_SHIFT) : 1;
    }

    /** the folio's head: where a THP keeps its refcount (folios are naturally aligned in the pfn space) */
    final int head(int pfn) {
        return (fl(pfn) & PG_THP) != 0 ? pfn & ~(folioNr(pfn) - 1) : pfn;
    }

    final int refcount(int pfn) {
        return rc(head(pfn));
    }

    final boolean has(int pfn, int flag) {
        return (fl(pfn) & flag) != 0;
    }

    final void setFlag(int pfn, int flag, boolean on) {
        int count = folioNr(pfn);
        int h = head(pfn);
        for (int k = 0; k < count; k++) {
            int p = count == 1 ? pfn : h + k;
            flSet(p, on ? fl(p) | flag : fl(p) & ~flag);
        }
        touchPage(pfn);
    }

    /** sets or clears a flag on one page only (PAE of a PTE-mapped THP subpage) */
    final void setPageFlag(int pfn, int flag, boolean on) {
        flSet(pfn, on ? fl(pfn) | flag : fl(pfn) & ~flag);
        touchPage(pfn);
    }

    final String text(int pfn) {
        return ct.text(content(pfn));
    }

    // ---------------------------------------------------------------- delta bookkeeping
    final void setPte(Vma m, int i, long v) {
        long old = m.pte(i);
        if (old == v) return;
        m.pteSet(i, v);
        if ((v & P_PRESENT) != 0 && (v & P_ZERO) == 0) pages.indexSet((int) (v & PFN_MASK), i);
        dPteCount++;
        if (m.dStamp != stepIndex) {
            m.dStamp = stepIndex;
            m.dMin = m.dMax = i;
            dMappings.add(m);
        } else {
            if (i < m.dMin) m.dMin = i;
            if (i > m.dMax) m.dMax = i;
        }
        if (dPte.size() < Delta.LIMIT) {
            long key = ((long) m.id << 32) | i;
            if (!dPte.containsKey(key)) {
                dPte.put(key, old);
                dPteMap.put(key, m);
            }
        } else dTruncated = true;
    }

    final void touchPage(int pfn) {
        dPageCount++;
        if (dPages.size() < Delta.LIMIT) dPages.add(pfn);
        else dTruncated = true;
    }

    void created(int pfn) {
        dCreatedCount++;
        if (dCreated.size() < Delta.LIMIT) dCreated.add(pfn);
        else dTruncated = true;
    }

    void freed(int pfn) {
        dFreedCount++;
        if (dFreed.size() < Delta.LIMIT) dFreed.add(pfn);
        else dTruncated = true;
    }

    // ---------------------------------------------------------------- sources of references
    /** the holders of a page's (folio's) references; their counts sum to its refcount */
    public List<RefSource> sources(int pfn) {
        return Sources.of(this, pfn);
    }

    // ---------------------------------------------------------------- apply
    /** Run-time problems that stop an operation before it changes anything. */
    static final class OpError extends RuntimeException {
        OpError(String m) {
            super(m, null, false, false);
        }
    }

    /** Applies one operation. Never throws: problems become {@link Step#error()}. */
    public Step apply(Op op) {
        return apply(op, Detail.FULL);
    }

    /**
     * How much of a step {@link #apply(Op, Detail)} builds; the state changes are the same. {@code FULL}:
     * kernel steps, events, sentences and the delta. {@code NO_DELTA}: all but the delta (what the command
     * line prints). {@code COUNTS}: event counts, the value read and the error only — no sentences, events,
     * kernel steps, warnings or hazards in the step (the machine still records its hazards), no delta: time
     * travel's replay, and a command-line run that prints no steps.
     */
    public enum Detail { FULL, NO_DELTA, COUNTS }

    /** Applies one operation, building only what {@code detail} asks for. Never throws. */
    public Step apply(Op op, Detail detail) {
        return apply(op, detail == Detail.COUNTS, detail == Detail.FULL);
    }

    /**
     * quiet = replay for time travel: the same state changes, but no sentences, events, kernel steps or
     * delta are built (the returned step has counts, value and error only).
     */
    Step apply(Op op, boolean quiet) {
        return apply(op, quiet, !quiet);
    }

    private Step apply(Op op, boolean quiet, boolean delta) {
        stepIndex++;
        if (!pastLeadingSpawns) {
            if (op instanceof io.cowscope.engine.op.Spawn) leadingSpawns++;
            else pastLeadingSpawns = true;
        }
        log = new StepLog();
        log.quiet = quiet;
        log.detail = !quiet;
        leakCacheVer = -1; // the leak check's cache lives for one step (replays must raise the same hazards)
        leakCacheReader = null;
        dPte.clear();
        dPteMap.clear();
        dMappings.clear();
        dPages.clear();
        dCreated.clear();
        dFreed.clear();
        dPteCount = dPageCount = dCreatedCount = dFreedCount = 0;
        dTruncated = false;
        String error = null;
        String summary;
        try {
            summary = Syscalls.dispatch(this, op);
        } catch (OpError e) {
            error = e.getMessage();
            summary = "error: " + error;
        } catch (NullPointerException e) {
            error = "malformed operation: a required field is missing (" + op + ")";
            summary = "error: " + error;
        } catch (RuntimeException e) {
            // an engine bug must not take the server down; report it on the step
            error = "internal error: " + e;
            summary = error;
        }
        if (dPteCount > 0) HugeMemory.fixupHugeZeroPmds(this);
        if (error == null || dPteCount + dPageCount > 0) Hazards.checkCoherency(this);
        if (error == null && log.truncated) {
            String c = countSummary();
            if (!c.isEmpty()) summary += " (" + c + ")";
        }
        Map<EventType, Integer> counts = new EnumMap<>(EventType.class);
        for (EventType t : EventType.values()) if (log.counts[t.ordinal()] > 0) counts.put(t, log.counts[t.ordinal()]);
        Step s = new Step(stepIndex, op, List.copyOf(log.ksteps), List.copyOf(log.events), counts, log.value(),
                List.copyOf(log.warnings), List.copyOf(log.hazards), error, delta ? buildDelta() : null, summary, log.truncated,
                error == null ? log.errno : null);
        lastStep = s;
        return s;
    }

    private static final EventType[] SUMMARY_TYPES = {EventType.FAULT, EventType.COW, EventType.REUSE, EventType.UNSHARE,
            EventType.ALLOC, EventType.FORK_COPY, EventType.SWAP_IN, EventType.SWAP_OUT, EventType.PIN, EventType.GET, EventType.FREE,
            EventType.LRU_DRAIN, EventType.HAZARD};

    /** "262144 fault, 262144 cow, 17 lru_drain": the exact counts of a bulk step */
    private String countSummary() {
        StringBuilder sb = new StringBuilder();
        for (EventType t : SUMMARY_TYPES) {
            int n = log.counts[t.ordinal()];
            if (n == 0) continue;
            if (sb.length() > 0) sb.append(", ");
            sb.append(n).append(' ').append(t.word);
        }
        return sb.toString();
    }

    private Delta buildDelta() {
        List<Delta.PteChange> ptes = new ArrayList<>();
        for (Map.Entry<Long, Long> e : dPte.entrySet()) {
            Vma m = dPteMap.get(e.getKey());
            int i = (int) (e.getKey() & 0xFFFFFFFFL);
            ptes.add(new Delta.PteChange(m.proc.name, m.name, i, pteView(m, i, e.getValue()), pteView(m, i, m.pte(i))));
        }
        List<Delta.PteRange> ranges = new ArrayList<>();
        for (Vma m : dMappings) ranges.add(new Delta.PteRange(m.proc.name, m.name, m.dMin, m.dMax));
        List<PageView> pages = new ArrayList<>();
        List<Integer> shown = new ArrayList<>();
        for (int pfn : dPages) if (!has(pfn, PG_FREE) && shown.size() < 256) shown.add(pfn);
        var sources = Sources.ofMany(this, shown); // one walk of the page tables for all of them
        for (int pfn : shown) pages.add(Sources.pageView(this, pfn, sources));
        List<Long> created = new ArrayList<>(), freedL = new ArrayList<>();
        for (int i = 0; i < dCreated.size(); i++) created.add((long) dCreated.get(i));
        for (int i = 0; i < dFreed.size(); i++) freedL.add((long) dFreed.get(i));
        return new Delta(ptes, dPteCount, ranges, pages, created, freedL, dPageCount, dCreatedCount, dFreedCount,
                dTruncated || dPages.size() > pages.size());
    }

    PteView pteView(Vma m, int i, long v) {
        boolean present = (v & P_PRESENT) != 0, swap = (v & P_SWAP) != 0;
        return new PteView(i, (v & V_MAPPED) != 0, present, (v & P_WRITE) != 0, (v & P_DIRTY) != 0, (v & P_YOUNG) != 0,
                (v & P_SOFTDIRTY) != 0, (v & P_UFFD_WP) != 0, swap, (v & P_SWP_EXCL) != 0, (v & P_PMD) != 0,
                (v & P_ZERO) != 0, present ? (v & PFN_MASK) : -1, swap ? (int) (v & PFN_MASK) : -1);
    }

    Proc proc(String name) {
        Proc p = procByName.get(name);
        if (p == null) throw new OpError("unknown process '" + name + "'");
        return p;
    }

    Vma mapping(Proc p, String var) {
        Vma m = p.maps.get(var);
        if (m == null) throw new OpError("process " + p.name + " has no mapping '" + var + "'");
        return m;
    }

    /** [first, last] of a target, validated */
    int[] range(Vma m, Target t) {
        if (t.isWhole()) return new int[]{0, m.n - 1};
        int a = t.first(), b = t.last() == null ? a : t.last();
        if (a < 0 || b >= m.n || a > b)
            throw new OpError("index " + (a == b ? "" + a : a + ".." + b) + " outside " + m.name + " (0.." + (m.n - 1) + ")");
        return new int[]{a, b};
    }

    Handle liveHandle(String name) {
        Handle h = handles.get(name);
        if (h == null) throw new OpError("unknown handle '" + name + "'");
        if (!h.live) throw new OpError("handle " + name + " was released");
        return h;
    }

    // ---------------------------------------------------------------- page contents
    final void storeContent(int pfn, int version) {
        contentSet(pfn, version);
        if ((fl(pfn) & PG_DIRTY) == 0) flSet(pfn, fl(pfn) | PG_DIRTY);
        touchPage(pfn);
    }

    // ---------------------------------------------------------------- fault and GUP scratch
    /** why the reuse test decided (filled by Memory.wpCanReuseAnonFolio for the event) */
    Rule whyRule;
    String whyText;
    Map<String, Object> whyValues;

    /** Gup.followPage: the PTE allows the access */
    static final int FOLLOW_OK = -1;

    // ---------------------------------------------------------------- race hooks (gup_retry …)

    final void fireHooks(Hook.HookPoint point) {
        if (hookDepth > 0) return;
        for (int k = 0; k < hooks.size(); k++) {
            ArmedHook h = hooks.get(k);
            if (h.point() != point) continue;
            hooks.remove(k);
            hookDepth++;
            int d = log.enter("hook " + point.word, h.proc() + ": " + h.op().getClass().getSimpleName().toLowerCase());
            try {
                Proc p = proc(h.proc());
                if (p.state != ProcState.ALIVE) log.warn("hook at " + point.word + ": " + h.proc() + " has " + p.state.word + "; the operation is skipped");
                else {
                    log.event(EventType.NOTE, "hook", h.proc(), null, -1, -1, point.word, null,
                            "race: " + h.proc() + " runs its hooked operation at " + point.word, null);
                    boolean det = log.detail;
                    Syscalls.procOp(this, p, h.op());
                    log.detail = det && !log.quiet;
                }
            } catch (OpError e) {
                log.warn("hooked operation failed: " + e.getMessage());
            } finally {
                hookDepth--;
                log.depth = d;
            }
            return;
        }
    }

    // ---------------------------------------------------------------- hazards (§8)

    int leakCacheVer = -1;
    Proc leakCacheReader;
}
