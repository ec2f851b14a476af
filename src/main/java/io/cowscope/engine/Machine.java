package io.cowscope.engine;

import io.cowscope.engine.op.Advice;
import io.cowscope.engine.op.GlobalOp;
import io.cowscope.engine.op.Hook;
import io.cowscope.engine.op.Op;
import io.cowscope.engine.op.ProcOp;
import io.cowscope.engine.op.ProcessOp;
import io.cowscope.engine.op.Prot;
import io.cowscope.engine.op.Spawn;
import io.cowscope.engine.op.Target;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The simulated machine: physical pages, address spaces, page tables and the outside holders of
 * references, driven one {@link Op} at a time by {@link #apply}. Deterministic: the same config and
 * operations give the same steps.
 *
 * <h2>Faults</h2>
 * A CPU access that the PTE does not allow enters {@link #handleMmFault} with one {@link VmFault}
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
 * State is struct-of-arrays indexed by pfn ({@code rc}, {@code mc}, {@code pflags}, {@code content}):
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
 * {@link #getUserPages} is {@code __get_user_pages}: {@code follow_page} walks the PTE; when the page
 * is missing, not writable for FOLL_WRITE (and FOLL_FORCE may not write through), or must be unshared,
 * {@code faultin_page} runs a fault and the loop retries (the {@code gup_retry} hook point, where Dirty
 * COW's MADV_DONTNEED races). FOLL_GET adds 1, FOLL_PIN adds 1024 on a small page (or 1 and the folio's
 * pincount on a THP) and sets the mm's has_pinned. Handles keep the pfns they took: a device reads and
 * writes those pages whatever the page table maps now.
 *
 * <h2>fork</h2>
 * {@link #copyPageRange} copies PTEs VMA by VMA: DONTCOPY VMAs are left out, WIPEONFORK and VMAs
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
 * fault in a THP region maps the small zero page; pageout splits a THP first and KSM skips THP pages;
 * page locks are never contended (trylock always succeeds); the zero page's refcount is not tracked; swapped-out pages are not put back on the LRU batch; page-cache pages go straight to
 * the LRU; a forced write fault that COWs ({@code do_cow_fault}) reports VM_FAULT_WRITE to GUP.
 */
public final class Machine {

    // ---------------------------------------------------------------- PTE layout (one long per page)
    static final long PFN_MASK = 0xFFFF_FFFFL;
    static final long P_PRESENT = 1L << 32, P_WRITE = 1L << 33, P_DIRTY = 1L << 34, P_YOUNG = 1L << 35,
            P_SOFTDIRTY = 1L << 36, P_UFFD_WP = 1L << 37, P_SWAP = 1L << 38, P_SWP_EXCL = 1L << 39,
            P_PMD = 1L << 40, P_ZERO = 1L << 41;
    static final long PTE_MASK = (1L << 48) - 1;
    // VMA flags of the page, kept in the same long (a range mprotect/madvise splits the VMA in the kernel)
    static final long V_MAPPED = 1L << 48, V_READ = 1L << 49, V_WRITE = 1L << 50, V_DONTCOPY = 1L << 51,
            V_WIPEONFORK = 1L << 52, V_MERGEABLE = 1L << 53, V_UFFD_WP = 1L << 54, V_SOFTDIRTY = 1L << 55,
            V_HUGEPAGE = 1L << 56, V_NOHUGEPAGE = 1L << 57;
    static final long VM_MASK = ~PTE_MASK;

    // ---------------------------------------------------------------- page flags
    static final int PG_ANON = 1, PG_EXCL = 1 << 1, PG_KSM = 1 << 2, PG_SWAPCACHE = 1 << 3, PG_LRU = 1 << 4,
            PG_LOCKED = 1 << 5, PG_DIRTY = 1 << 6, PG_ZERO = 1 << 7, PG_THP = 1 << 8, PG_HEAD = 1 << 9,
            PG_FILE = 1 << 10, PG_FREE = 1 << 11, PG_INBATCH = 1 << 12;
    static final int BATCH_CPU_SHIFT = 16;

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
        final LinkedHashMap<String, Mapping> maps = new LinkedHashMap<>();
        Pending blocked;

        Proc(String name, int pid) {
            this.name = name;
            this.pid = pid;
        }
    }

    /** a write blocked in a uffd-wp fault: pages idx..last of m remain to be written */
    record Pending(Mapping m, int idx, int last, int version) {
    }

    static final class Mapping {
        final int id;
        final String name;
        final Proc proc;
        final long start; // virtual page number
        final int n;
        final boolean shared;
        final FileObj file; // file or shmem object; null for private anon
        // PTEs packed into longs, in 32 Ki-entry chunks (256 KiB: never a humongous object)
        long[][] ptc;
        boolean anonVma;
        // delta bookkeeping
        int dStamp = -1, dMin, dMax;

        Mapping(int id, String name, Proc proc, long start, int n, boolean shared, FileObj file) {
            this.id = id;
            this.name = name;
            this.proc = proc;
            this.start = start;
            this.n = n;
            this.shared = shared;
            this.file = file;
            ptc = new long[(n + TCHUNK - 1) >>> TSHIFT][];
            for (int k = 0; k < ptc.length; k++) ptc[k] = new long[Math.min(TCHUNK, n - (k << TSHIFT))];
        }

        long pte(int i) {
            return ptc[i >>> TSHIFT][i & TMASK];
        }

        void pteSet(int i, long v) {
            ptc[i >>> TSHIFT][i & TMASK] = v;
        }

        void fill(long v) {
            for (long[] c : ptc) Arrays.fill(c, v);
        }

        long[][] copyPtes() {
            long[][] c = new long[ptc.length][];
            for (int k = 0; k < ptc.length; k++) c[k] = ptc[k].clone();
            return c;
        }

        boolean anon() {
            return file == null || file.shmem;
        }
    }

    static final class FileObj {
        final String name;
        final int pages;
        final boolean shmem;
        int[] disk; // content version on disk
        int[] cache; // page-cache pfn, 0 = not cached

        FileObj(String name, int pages, boolean shmem) {
            this.name = name;
            this.pages = pages;
            this.shmem = shmem;
            disk = new int[pages];
            cache = new int[pages];
        }
    }

    static final class Pipe {
        final String name;
        final IntList pfns = new IntList();
        final ArrayList<Proc> fillers = new ArrayList<>();

        Pipe(String name) {
            this.name = name;
        }
    }

    enum HandleKind { PIN, GET, ODIRECT }

    static final class Handle {
        final String name;
        final HandleKind kind;
        final Proc owner;
        final Mapping m;
        final int first;
        final int[] pfns;
        final int gupFlags; // FOLL_PIN set when pins were really taken
        final String device;
        boolean live = true;
        boolean lost; // coherency_lost already raised

        Handle(String name, HandleKind kind, Proc owner, Mapping m, int first, int[] pfns, int gupFlags, String device) {
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

    static final class Folio {
        final int head;
        int entire; // PMD mappings
        int pincount;

        Folio(int head) {
            this.head = head;
        }
    }

    record KsmRegion(Mapping m) {
    }

    record ArmedHook(Hook.HookPoint point, String proc, ProcOp op) {
    }

    // ---------------------------------------------------------------- state
    final MachineConfig config;
    final Rules rules;
    final int lruCap;

    // pages: struct-of-arrays in 64 Ki-entry chunks (256 KiB: never a humongous object, no doubling overshoot)
    static final int PSHIFT = 16, PCHUNK = 1 << PSHIFT, PMASK = PCHUNK - 1;
    int[][] rcC = new int[0][], mcC = new int[0][], flC = new int[0][], ctC = new int[0][];
    int pcap; // pfns covered by the chunks

    final int rc(int p) { return rcC[p >>> PSHIFT][p & PMASK]; }
    final void rcSet(int p, int v) { rcC[p >>> PSHIFT][p & PMASK] = v; }
    final void rcAdd(int p, int d) { rcC[p >>> PSHIFT][p & PMASK] += d; }
    final int mc(int p) { return mcC[p >>> PSHIFT][p & PMASK]; }
    final void mcSet(int p, int v) { mcC[p >>> PSHIFT][p & PMASK] = v; }
    final void mcAdd(int p, int d) { mcC[p >>> PSHIFT][p & PMASK] += d; }
    final int fl(int p) { return flC[p >>> PSHIFT][p & PMASK]; }
    final void flSet(int p, int v) { flC[p >>> PSHIFT][p & PMASK] = v; }
    final int content(int p) { return ctC[p >>> PSHIFT][p & PMASK]; }
    final void contentSet(int p, int v) { ctC[p >>> PSHIFT][p & PMASK] = v; }

    private static int[][] copyChunks(int[][] a) {
        int[][] b = new int[a.length][];
        for (int i = 0; i < a.length; i++) b[i] = a[i].clone();
        return b;
    }
    int npfn = 1; // pfn 0 = the zero page
    long livePages;
    HashMap<Integer, Folio> folios = new HashMap<>();
    HashMap<Integer, Integer> swapSlotOf = new HashMap<>(); // swap-cache pfn -> slot
    HashMap<Integer, Long> fileOf = new HashMap<>(); // page-cache pfn -> (file id << 32 | index)
    ContentTable ct = new ContentTable();

    int[] swapCount = new int[64], slotContent = new int[64], slotCache = new int[64];
    boolean[] slotUsed = new boolean[64];
    int nslot = 1; // slot 0 unused

    ArrayList<Proc> procs = new ArrayList<>();
    HashMap<String, Proc> procByName = new HashMap<>();
    LinkedHashMap<String, Pipe> pipes = new LinkedHashMap<>();
    LinkedHashMap<String, Handle> handles = new LinkedHashMap<>();
    IntList[] lru;
    LinkedHashMap<String, FileObj> files = new LinkedHashMap<>();
    ArrayList<FileObj> fileById = new ArrayList<>();
    ArrayList<Mapping> ksmRegions = new ArrayList<>();
    HashMap<Long, Integer> ksmChecksum = new HashMap<>(); // (mapping id << 32 | index) -> text id seen last scan
    LinkedHashMap<Integer, Integer> ksmStable = new LinkedHashMap<>(); // text id -> KSM pfn
    ArrayList<ArmedHook> hooks = new ArrayList<>();
    int nextPid = 100, nextMappingId = 1;
    long nextVpn = 0x7f0000000L; // 2 MiB aligned

    int stepIndex = -1;
    Step lastStep;
    long statCow, statReuse, statFaults, statUnshare, statForkCopy, statSwapIn, statSwapOut, statKsm, statFrees;
    ArrayList<Hazard> hazards = new ArrayList<>();
    EnumMap<HazardType, Integer> hazardCounts = new EnumMap<>(HazardType.class);

    // per-step (not copied)
    StepLog log = new StepLog();
    LinkedHashMap<Long, Long> dPte = new LinkedHashMap<>();
    HashMap<Long, Mapping> dPteMap = new HashMap<>();
    ArrayList<Mapping> dMappings = new ArrayList<>();
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
        ensurePfn(1);
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
        rcC = copyChunks(o.rcC);
        mcC = copyChunks(o.mcC);
        flC = copyChunks(o.flC);
        ctC = copyChunks(o.ctC);
        pcap = o.pcap;
        npfn = o.npfn;
        livePages = o.livePages;
        for (Folio f : o.folios.values()) {
            Folio g = new Folio(f.head);
            g.entire = f.entire;
            g.pincount = f.pincount;
            folios.put(g.head, g);
        }
        swapSlotOf = new HashMap<>(o.swapSlotOf);
        fileOf = new HashMap<>(o.fileOf);
        ct = new ContentTable(o.ct);
        swapCount = o.swapCount.clone();
        slotContent = o.slotContent.clone();
        slotCache = o.slotCache.clone();
        slotUsed = o.slotUsed.clone();
        nslot = o.nslot;
        HashMap<FileObj, FileObj> fmap = new HashMap<>();
        for (FileObj f : o.fileById) {
            FileObj g = new FileObj(f.name, f.pages, f.shmem);
            g.disk = f.disk.clone();
            g.cache = f.cache.clone();
            fmap.put(f, g);
            fileById.add(g);
            if (!f.shmem) files.put(g.name, g);
        }
        HashMap<Proc, Proc> pmap = new HashMap<>();
        HashMap<Mapping, Mapping> mmap = new HashMap<>();
        for (Proc p : o.procs) {
            Proc q = new Proc(p.name, p.pid);
            q.cpu = p.cpu;
            q.state = p.state;
            q.forkStep = p.forkStep;
            q.hasPinned = p.hasPinned;
            pmap.put(p, q);
            procs.add(q);
            procByName.put(q.name, q);
        }
        for (Proc p : o.procs) {
            Proc q = pmap.get(p);
            q.parent = p.parent == null ? null : pmap.get(p.parent);
            for (Mapping m : p.maps.values()) {
                Mapping c = new Mapping(m.id, m.name, q, m.start, m.n, m.shared, m.file == null ? null : fmap.get(m.file));
                c.ptc = m.copyPtes();
                c.anonVma = m.anonVma;
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
        for (Mapping m : o.ksmRegions) ksmRegions.add(mmap.get(m));
        ksmChecksum = new HashMap<>(o.ksmChecksum);
        ksmStable = new LinkedHashMap<>(o.ksmStable);
        hooks = new ArrayList<>(o.hooks);
        nextPid = o.nextPid;
        nextMappingId = o.nextMappingId;
        nextVpn = o.nextVpn;
        stepIndex = o.stepIndex;
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
        for (Proc p : procs) for (Mapping m : p.maps.values()) ptes += m.n;
        return 16L * pcap + 8L * ptes + 64L * (nslot + ct.n) + 4096;
    }

    /** an independent deep copy (a checkpoint); the copy continues exactly as this machine would */
    public Machine copy() {
        return new Machine(this);
    }

    // ---------------------------------------------------------------- page primitives
    final boolean isThp(int pfn) {
        return (fl(pfn) & PG_THP) != 0;
    }

    /** the folio's head: where a THP keeps its refcount */
    final int head(int pfn) {
        return (fl(pfn) & PG_THP) != 0 ? pfn & ~(HPAGE - 1) : pfn;
    }

    final int refcount(int pfn) {
        return rc(head(pfn));
    }

    final boolean has(int pfn, int flag) {
        return (fl(pfn) & flag) != 0;
    }

    /** page_mapcount: the page's PTE mappings plus its folio's PMD mappings */
    final int pageMapcount(int pfn) {
        if (!isThp(pfn)) return mc(pfn);
        Folio f = folios.get(head(pfn));
        return mc(pfn) + (f == null ? 0 : f.entire);
    }

    final boolean maybeDmaPinned(int pfn) {
        if (pfn == ZERO_PFN) return false;
        if (isThp(pfn)) {
            Folio f = folios.get(head(pfn));
            return f != null && f.pincount > 0;
        }
        return rc(pfn) >= GUP_PIN_COUNTING_BIAS;
    }

    private void ensurePfn(int need) {
        while (pcap < need) {
            int n = rcC.length;
            if (n > 0 && rcC[n - 1].length < PCHUNK) {
                // the last chunk grows geometrically up to a full chunk: small machines stay small
                int len = Math.min(PCHUNK, Math.max(rcC[n - 1].length * 2, need - (n - 1) * PCHUNK));
                rcC[n - 1] = Arrays.copyOf(rcC[n - 1], len);
                mcC[n - 1] = Arrays.copyOf(mcC[n - 1], len);
                flC[n - 1] = Arrays.copyOf(flC[n - 1], len);
                ctC[n - 1] = Arrays.copyOf(ctC[n - 1], len);
            } else {
                rcC = Arrays.copyOf(rcC, n + 1);
                mcC = Arrays.copyOf(mcC, n + 1);
                flC = Arrays.copyOf(flC, n + 1);
                ctC = Arrays.copyOf(ctC, n + 1);
                int len = n == 0 ? 256 : PCHUNK;
                rcC[n] = new int[len];
                mcC[n] = new int[len];
                flC[n] = new int[len];
                ctC[n] = new int[len];
            }
            n = rcC.length;
            pcap = (n - 1) * PCHUNK + rcC[n - 1].length;
        }
    }

    /** a new small page with refcount 0: the caller adds the references it hands out */
    final int allocPage(int version, int flags) {
        ensurePfn(npfn + 1);
        int pfn = npfn++;
        rcSet(pfn, 0);
        mcSet(pfn, 0);
        flSet(pfn, flags);
        contentSet(pfn, version);
        livePages++;
        created(pfn);
        return pfn;
    }

    /** a new 512-page folio (pfn aligned to 512), refcount 0 */
    final int allocFolio(int flags) {
        int headPfn = (npfn + HPAGE - 1) & ~(HPAGE - 1);
        ensurePfn(headPfn + HPAGE);
        for (int p = npfn; p < headPfn; p++) flSet(p, PG_FREE); // alignment gap
        npfn = headPfn + HPAGE;
        for (int k = 0; k < HPAGE; k++) {
            rcSet(headPfn + k, 0);
            mcSet(headPfn + k, 0);
            flSet(headPfn + k, flags | PG_THP | (k == 0 ? PG_HEAD : 0));
            contentSet(headPfn + k, 0);
        }
        folios.put(headPfn, new Folio(headPfn));
        livePages += HPAGE;
        created(headPfn);
        return headPfn;
    }

    final void folioGet(int pfn, int n) {
        int h = head(pfn);
        rcAdd(h, n);
        touchPage(h);
    }

    /** folio_put: drops n references; the folio is freed at 0 */
    final void folioPut(int pfn, int n) {
        if (pfn == ZERO_PFN) return;
        int h = head(pfn);
        rcAdd(h, -(n));
        touchPage(h);
        if (rc(h) <= 0) freeFolio(h);
    }

    final void freeFolio(int h) {
        if (has(h, PG_FREE)) return;
        int count = isThp(h) ? HPAGE : 1;
        if (has(h, PG_KSM)) ksmStable.values().remove(h);
        for (int k = 0; k < count; k++) {
            flSet(h + k, PG_FREE);
            mcSet(h + k, 0);
            rcSet(h + k, 0);
        }
        folios.remove(h);
        livePages -= count;
        statFrees++;
        freed(h);
        log.event(EventType.FREE, null, null, null, -1, h, "free_unref_page", null,
                log.detail ? "pfn " + h + " freed: its last reference is gone" : null, null);
    }

    final void setFlag(int pfn, int flag, boolean on) {
        int count = isThp(pfn) ? HPAGE : 1;
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

    // ---------------------------------------------------------------- LRU-add batches (§3.11)
    /** lru_cache_add / folio_add_lru: a new small page waits in this CPU's batch holding a reference */
    final void lruCacheAdd(int cpu, int pfn) {
        if (isThp(pfn)) {
            setFlag(pfn, PG_LRU, true); // a large folio is never left in the batch
            return;
        }
        rcAdd(pfn, 1);
        flSet(pfn, (fl(pfn) & ~PG_LRU) | PG_INBATCH | ((cpu + 1) << BATCH_CPU_SHIFT));
        touchPage(pfn);
        IntList b = lru[cpu];
        b.add(pfn);
        log.event(EventType.LRU_ADD, null, null, null, -1, pfn, "folio_add_lru", null,
                log.detail ? "pfn " + pfn + " waits in cpu" + cpu + "'s LRU-add batch (" + b.size() + "/" + lruCap + "), holding a reference" : null, null);
        if (b.size() >= lruCap) {
            int d = log.enter("__pagevec_lru_add", log.detail ? "cpu" + cpu + " batch full (" + lruCap + ")" : null);
            drainBatch(cpu);
            log.depth = d;
        }
    }

    /** lru_add_drain on one CPU: the batch's references are dropped and its pages become LRU pages */
    final void lruAddDrain(int cpu) {
        if (lru[cpu].size() == 0) return;
        int d = log.enter("lru_add_drain", log.detail ? "cpu" + cpu + ": " + lru[cpu].size() + " page(s)" : null);
        log.event(EventType.LRU_DRAIN, null, null, null, -1, -1, "lru_add_drain", null,
                log.detail ? "cpu" + cpu + "'s LRU-add batch drained: " + lru[cpu].size() + " reference(s) dropped" : null, null);
        drainBatch(cpu);
        log.depth = d;
    }

    private void drainBatch(int cpu) {
        IntList b = lru[cpu];
        for (int i = 0; i < b.size(); i++) {
            int pfn = b.get(i);
            flSet(pfn, (fl(pfn) & ~(PG_INBATCH | (0xF << BATCH_CPU_SHIFT))) | PG_LRU);
            folioPut(pfn, 1);
        }
        b.clear();
    }

    final void lruAddDrainAll() {
        for (int c = 0; c < lru.length; c++) lruAddDrain(c);
    }

    static int batchCpu(int flags) {
        return (flags & PG_INBATCH) == 0 ? -1 : ((flags >>> BATCH_CPU_SHIFT) & 0xF) - 1;
    }

    // ---------------------------------------------------------------- delta bookkeeping
    final void setPte(Mapping m, int i, long v) {
        long old = m.pte(i);
        if (old == v) return;
        m.pteSet(i, v);
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

    private void created(int pfn) {
        dCreatedCount++;
        if (dCreated.size() < Delta.LIMIT) dCreated.add(pfn);
        else dTruncated = true;
    }

    private void freed(int pfn) {
        dFreedCount++;
        if (dFreed.size() < Delta.LIMIT) dFreed.add(pfn);
        else dTruncated = true;
    }

    // ---------------------------------------------------------------- sources of references
    /** the holders of a page's (folio's) references; their counts sum to its refcount */
    public List<RefSource> sources(int pfn) {
        return Sources.of(this, pfn);
    }

    /** "1 mapping + 1 pipe + 1 lru batch (cpu0)": a short breakdown without walking page tables */
    final String breakdown(int pfn) {
        int h = head(pfn);
        boolean thp = isThp(h);
        StringBuilder sb = new StringBuilder();
        int maps;
        if (thp) {
            Folio f = folios.get(h);
            int ptes = 0;
            for (int k = 0; k < HPAGE; k++) ptes += mc(h + k);
            maps = ptes + (f == null ? 0 : f.entire);
        } else maps = mc(h);
        add(sb, maps, "mapping");
        int pins = 0, gets = 0, pipeRefs = 0;
        for (Handle hd : handles.values()) {
            if (!hd.live) continue;
            for (int p : hd.pfns)
                if (p != ZERO_PFN && head(p) == h) {
                    if ((hd.gupFlags & FOLL_PIN) != 0) pins++;
                    else gets++;
                }
        }
        for (Pipe p : pipes.values())
            for (int i = 0; i < p.pfns.size(); i++) if (p.pfns.get(i) != ZERO_PFN && head(p.pfns.get(i)) == h) pipeRefs++;
        if (pins > 0) sb.append(sb.length() > 0 ? " + " : "").append(pins).append(thp ? " pin" : " pin × 1024");
        add(sb, gets, "get");
        add(sb, pipeRefs, "pipe");
        if (has(h, PG_SWAPCACHE)) add(sb, 1, "swap cache");
        if (has(h, PG_INBATCH)) add(sb, 1, "LRU batch cpu" + batchCpu(fl(h)));
        if (has(h, PG_FILE)) add(sb, 1, "page cache");
        return sb.length() == 0 ? "nothing" : sb.toString();
    }

    private static void add(StringBuilder sb, int n, String what) {
        if (n == 0) return;
        if (sb.length() > 0) sb.append(" + ");
        sb.append(n).append(' ').append(what).append(n > 1 && what.equals("mapping") ? "s" : "");
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
        return apply(op, false);
    }

    /**
     * quiet = replay for time travel: the same state changes, but no sentences, events, kernel steps or
     * delta are built (the returned step has counts, value and error only).
     */
    Step apply(Op op, boolean quiet) {
        stepIndex++;
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
            summary = dispatch(op);
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
        if (error == null || dPteCount + dPageCount > 0) checkCoherency();
        if (error == null && log.truncated) {
            String c = countSummary();
            if (!c.isEmpty()) summary += " (" + c + ")";
        }
        Map<EventType, Integer> counts = new EnumMap<>(EventType.class);
        for (EventType t : EventType.values()) if (log.counts[t.ordinal()] > 0) counts.put(t, log.counts[t.ordinal()]);
        Step s = new Step(stepIndex, op, List.copyOf(log.ksteps), List.copyOf(log.events), counts, log.value(),
                List.copyOf(log.warnings), List.copyOf(log.hazards), error, quiet ? null : buildDelta(), summary, log.truncated);
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
            Mapping m = dPteMap.get(e.getKey());
            int i = (int) (e.getKey() & 0xFFFFFFFFL);
            ptes.add(new Delta.PteChange(m.proc.name, m.name, i, pteView(m, i, e.getValue()), pteView(m, i, m.pte(i))));
        }
        List<Delta.PteRange> ranges = new ArrayList<>();
        for (Mapping m : dMappings) ranges.add(new Delta.PteRange(m.proc.name, m.name, m.dMin, m.dMax));
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

    PteView pteView(Mapping m, int i, long v) {
        boolean present = (v & P_PRESENT) != 0, swap = (v & P_SWAP) != 0;
        return new PteView(i, (v & V_MAPPED) != 0, present, (v & P_WRITE) != 0, (v & P_DIRTY) != 0, (v & P_YOUNG) != 0,
                (v & P_SOFTDIRTY) != 0, (v & P_UFFD_WP) != 0, swap, (v & P_SWP_EXCL) != 0, (v & P_PMD) != 0,
                (v & P_ZERO) != 0, present ? (v & PFN_MASK) : -1, swap ? (int) (v & PFN_MASK) : -1);
    }

    private String dispatch(Op op) {
        if (op == null) throw new OpError("no operation");
        if (op instanceof Spawn s) return spawn(s.name());
        if (op instanceof Hook h) {
            Proc p = proc(h.proc());
            hooks.add(new ArmedHook(h.point(), p.name, h.op()));
            log.leaf("hook armed", h.point().word);
            return "on " + h.point().word + ": " + h.proc() + " armed";
        }
        if (op instanceof GlobalOp g) return global(g);
        if (op instanceof ProcessOp po) {
            Proc p = runnable(po.proc(), po.op());
            return procOp(p, po.op());
        }
        throw new OpError("unknown operation " + op);
    }

    private String spawn(String name) {
        if (name == null || name.isEmpty()) throw new OpError("a process needs a name");
        if (procByName.containsKey(name)) throw new OpError("process " + name + " already exists");
        Proc p = new Proc(name, nextPid++);
        procs.add(p);
        procByName.put(name, p);
        log.event(EventType.FORK, "spawn", name, null, -1, -1, "kernel_clone", null, "process " + name + " (pid " + p.pid + ") starts on cpu0", null);
        return "process " + name + " pid " + p.pid;
    }

    Proc proc(String name) {
        Proc p = procByName.get(name);
        if (p == null) throw new OpError("unknown process '" + name + "'");
        return p;
    }

    private Proc runnable(String name, ProcOp op) {
        Proc p = proc(name);
        if (p.state != ProcState.ALIVE) throw new OpError("process " + name + " has " + p.state.word + " and runs nothing");
        if (p.blocked != null) {
            Pending b = p.blocked;
            boolean resolves = op instanceof ProcOp.UffdWp u && !u.on() && u.target().var().equals(b.m().name)
                    && covers(u.target(), b.m(), b.idx());
            if (!resolves)
                throw new OpError("process " + name + " is blocked in a uffd-wp fault at " + b.m().name + "[" + b.idx()
                        + "]; its next statement must be 'uffd_wp " + b.m().name + "[" + b.idx() + "] off'");
        }
        return p;
    }

    private static boolean covers(Target t, Mapping m, int idx) {
        if (t.isWhole()) return true;
        return idx >= t.first() && idx <= t.last();
    }

    Mapping mapping(Proc p, String var) {
        Mapping m = p.maps.get(var);
        if (m == null) throw new OpError("process " + p.name + " has no mapping '" + var + "'");
        return m;
    }

    /** [first, last] of a target, validated */
    int[] range(Mapping m, Target t) {
        if (t.isWhole()) return new int[]{0, m.n - 1};
        int a = t.first(), b = t.last() == null ? a : t.last();
        if (a < 0 || b >= m.n || a > b)
            throw new OpError("index " + (a == b ? "" + a : a + ".." + b) + " outside " + m.name + " (0.." + (m.n - 1) + ")");
        return new int[]{a, b};
    }

    private String procOp(Proc p, ProcOp op) {
        if (op instanceof ProcOp.Mmap o) return mmap(p, o);
        if (op instanceof ProcOp.Munmap o) return munmap(p, mapping(p, o.target().var()), range(mapping(p, o.target().var()), o.target()));
        if (op instanceof ProcOp.Mprotect o) return mprotect(p, mapping(p, o.target().var()), range(mapping(p, o.target().var()), o.target()), o.prot());
        if (op instanceof ProcOp.Madvise o) return madvise(p, mapping(p, o.target().var()), range(mapping(p, o.target().var()), o.target()), o.advice());
        if (op instanceof ProcOp.Write o) {
            Mapping m = mapping(p, o.target().var());
            int[] r = range(m, o.target());
            int v = ct.newVersion(o.text(), p.pid, stepIndex, m.shared);
            return cpuWrite(p, m, r[0], r[1], v);
        }
        if (op instanceof ProcOp.Read o) {
            Mapping m = mapping(p, o.target().var());
            int[] r = range(m, o.target());
            return cpuRead(p, m, r[0], r[1]);
        }
        if (op instanceof ProcOp.ReadPipe o) return readPipe(p, o.pipe());
        if (op instanceof ProcOp.Fork o) return fork(p, o.child());
        if (op instanceof ProcOp.Exit) return exit(p, ProcState.EXITED);
        if (op instanceof ProcOp.ClearRefs) return clearRefs(p);
        if (op instanceof ProcOp.Vmsplice o) {
            Mapping m = mapping(p, o.target().var());
            return vmsplice(p, m, range(m, o.target()), o.pipe());
        }
        if (op instanceof ProcOp.Pin o) {
            Mapping m = mapping(p, o.target().var());
            int f = FOLL_PIN | (o.write() ? FOLL_WRITE : 0) | (o.longterm() ? FOLL_LONGTERM : 0) | (o.fast() ? FOLL_FAST : 0);
            return pin(p, m, range(m, o.target()), f, o.handle(), HandleKind.PIN, "device");
        }
        if (op instanceof ProcOp.Get o) {
            Mapping m = mapping(p, o.target().var());
            int f = FOLL_GET | (o.write() ? FOLL_WRITE : 0) | (o.force() ? FOLL_FORCE : 0);
            return pin(p, m, range(m, o.target()), f, o.handle(), HandleKind.GET, "kernel");
        }
        if (op instanceof ProcOp.Unpin o) return release(p, o.handle(), HandleKind.PIN);
        if (op instanceof ProcOp.Put o) return release(p, o.handle(), HandleKind.GET);
        if (op instanceof ProcOp.IoUringRegister o) {
            Mapping m = mapping(p, o.target().var());
            int[] r = range(m, o.target());
            if (!rules.inForce(Rule.IO_URING))
                log.warn("io_uring does not exist before 5.1: emulated as a long-term write pin (" + Rule.IO_URING.cite() + ")");
            return pin(p, m, r, FOLL_PIN | FOLL_WRITE | FOLL_LONGTERM, o.handle(), HandleKind.PIN, "io_uring");
        }
        if (op instanceof ProcOp.RdmaRegister o) {
            Mapping m = mapping(p, o.target().var());
            return pin(p, m, range(m, o.target()), FOLL_PIN | FOLL_WRITE | FOLL_LONGTERM, o.handle(), HandleKind.PIN, "NIC");
        }
        if (op instanceof ProcOp.OdirectRead o) {
            Mapping m = mapping(p, o.target().var());
            int f = (rules.inForce(Rule.ODIRECT_FOLL_PIN) ? FOLL_PIN : FOLL_GET) | FOLL_WRITE;
            return pin(p, m, range(m, o.target()), f, o.handle(), HandleKind.ODIRECT, "disk");
        }
        if (op instanceof ProcOp.Poke o) {
            Proc target = proc(o.proc());
            if (target.state != ProcState.ALIVE) throw new OpError("process " + target.name + " has " + target.state.word);
            Mapping m = mapping(target, o.target().var());
            return poke(p, target, m, range(m, o.target()), o.text());
        }
        if (op instanceof ProcOp.UffdRegister o) {
            Mapping m = mapping(p, o.target().var());
            return uffdRegister(p, m, range(m, o.target()));
        }
        if (op instanceof ProcOp.UffdWp o) {
            Mapping m = mapping(p, o.target().var());
            return uffdWp(p, m, range(m, o.target()), o.on());
        }
        if (op instanceof ProcOp.Cpu o) {
            if (o.cpu() < 0 || o.cpu() >= config.cpus()) throw new OpError("cpu " + o.cpu() + " does not exist (cpus " + config.cpus() + ")");
            p.cpu = o.cpu();
            log.leaf("sched_setaffinity", "cpu" + o.cpu());
            return p.name + " runs on cpu" + o.cpu();
        }
        throw new OpError("unknown operation " + op);
    }

    private String global(GlobalOp g) {
        if (g instanceof GlobalOp.DmaWrite o) return dmaWrite(liveHandle(o.handle()), o.text(), false);
        if (g instanceof GlobalOp.DmaRead o) return dmaRead(liveHandle(o.handle()));
        if (g instanceof GlobalOp.Complete o) {
            Handle h = liveHandle(o.handle());
            if (h.kind != HandleKind.ODIRECT) throw new OpError("handle " + h.name + " is not an O_DIRECT read");
            return dmaWrite(h, o.text(), true);
        }
        if (g instanceof GlobalOp.Ksmd o) {
            if (o.scans() < 1) throw new OpError("ksmd needs at least one scan");
            for (int i = 0; i < o.scans(); i++) Ksm.scan(this);
            return "ksmd: " + o.scans() + " scan(s)";
        }
        if (g instanceof GlobalOp.LruDrain o) {
            if (o.cpu() == null) {
                int d = log.enter("lru_add_drain_all", null);
                lruAddDrainAll();
                log.depth = d;
                return "drained every CPU's LRU-add batch";
            }
            if (o.cpu() < 0 || o.cpu() >= config.cpus()) throw new OpError("cpu " + o.cpu() + " does not exist");
            lruAddDrain(o.cpu());
            return "drained cpu" + o.cpu();
        }
        if (g instanceof GlobalOp.Reclaim) return Swap.reclaim(this);
        throw new OpError("unknown operation " + g);
    }

    Handle liveHandle(String name) {
        Handle h = handles.get(name);
        if (h == null) throw new OpError("unknown handle '" + name + "'");
        if (!h.live) throw new OpError("handle " + name + " was released");
        return h;
    }

    // ---------------------------------------------------------------- CPU accesses
    static final class VmFault {
        final Proc proc;
        final Mapping m;
        final int idx;
        int flags;
        boolean gup; // a faultin_page from GUP (FOLL_FORCE may write without VM_WRITE)
        int cpu; // the CPU the fault runs on: the faulting process's, or the GUP caller's (remote GUP, /proc/PID/mem)

        VmFault(Proc proc, Mapping m, int idx, int flags) {
            this.proc = proc;
            this.m = m;
            this.idx = idx;
            this.flags = flags;
            this.cpu = proc.cpu;
        }

        boolean write() {
            return (flags & FAULT_FLAG_WRITE) != 0;
        }

        boolean unshare() {
            return (flags & FAULT_FLAG_UNSHARE) != 0;
        }

        String at() {
            return proc.name + "." + m.name + "[" + idx + "]";
        }
    }

    private String mmap(Proc p, ProcOp.Mmap o) {
        if (p.maps.containsKey(o.var())) throw new OpError("process " + p.name + " already has a mapping '" + o.var() + "'");
        if (o.pages() < 1) throw new OpError("a mapping needs at least one page");
        FileObj f = null;
        if (o.file() != null) {
            f = files.get(o.file());
            if (f == null) throw new OpError("unknown file '" + o.file() + "'");
            if (o.pages() > f.pages) throw new OpError("mapping of " + o.pages() + " pages exceeds file " + f.name + " (" + f.pages + " pages)");
        } else if (o.shared()) {
            f = new FileObj("shmem:" + p.name + "." + o.var(), o.pages(), true);
            fileById.add(f);
        }
        long start = nextVpn;
        nextVpn += ((o.pages() + HPAGE - 1) & ~(HPAGE - 1)) + HPAGE;
        Mapping m = new Mapping(nextMappingId++, o.var(), p, start, o.pages(), o.shared(), f);
        Prot prot = o.prot() == null ? Prot.RW : o.prot();
        long vm = V_MAPPED | (prot.readable() ? V_READ : 0) | (prot.writable() ? V_WRITE : 0) | V_SOFTDIRTY
                | (o.hugepage() ? V_HUGEPAGE : 0);
        m.fill(vm);
        m.dStamp = stepIndex;
        m.dMin = 0;
        m.dMax = m.n - 1;
        dMappings.add(m);
        p.maps.put(m.name, m);
        int d = log.enter("do_mmap", o.pages() + " page(s) at 0x" + Long.toHexString(start << 12));
        log.event(EventType.MAP, null, p.name, m.name, -1, -1, "do_mmap", null,
                p.name + " maps " + m.name + ": " + o.pages() + " page(s) " + (f == null ? "anon" : f.shmem ? "shared anon" : "file " + f.name)
                        + " " + (o.shared() ? "shared" : "private") + " " + prot.word + (o.hugepage() ? " MADV_HUGEPAGE" : ""), null);
        if (o.populate() && prot.readable()) {
            boolean write = prot.writable() && !o.shared();
            int d2 = log.enter("populate_vma_page_range", write ? "FOLL_WRITE" : "read faults");
            for (int i = 0; i < m.n; i++) {
                log.page(i);
                long v = m.pte(i);
                if ((v & P_PRESENT) != 0 && (!write || (v & P_WRITE) != 0)) continue;
                handleMmFault(new VmFault(p, m, i, write ? FAULT_FLAG_WRITE : 0));
            }
            log.detailOn();
            log.depth = d2;
        }
        log.depth = d;
        return p.name + ": " + m.name + " = mmap " + o.pages();
    }

    private String cpuWrite(Proc p, Mapping m, int a, int b, int version) {
        int written = 0;
        for (int i = a; i <= b; i++) {
            log.page(i - a);
            int r = writeOne(p, m, i, version);
            if (r == VM_FAULT_SIGSEGV) {
                log.detailOn();
                sigsegv(p, m, i, "write");
                break;
            }
            if (r == VM_FAULT_BLOCKED) {
                log.detailOn();
                p.blocked = new Pending(m, i, b, version);
                log.event(EventType.BLOCKED, "uffd_wp", p.name, m.name, i, -1, "handle_userfault", Rule.UFFD_WP,
                        p.name + " blocks: the write to " + m.name + "[" + i + "] waits for the userfaultfd handler (uffd_wp off)", null);
                break;
            }
            written++;
        }
        log.detailOn();
        return p.name + " wrote \"" + ct.text(version) + "\" to " + written + " page(s)";
    }

    /** one CPU store; returns VM_FAULT_DONE, VM_FAULT_SIGSEGV or VM_FAULT_BLOCKED */
    private int writeOne(Proc p, Mapping m, int i, int version) {
        long v = m.pte(i);
        if ((v & V_MAPPED) == 0 || (v & V_WRITE) == 0) return VM_FAULT_SIGSEGV;
        if ((v & (P_PRESENT | P_WRITE)) != (P_PRESENT | P_WRITE)) {
            int r = handleMmFault(new VmFault(p, m, i, FAULT_FLAG_WRITE));
            if ((r & (VM_FAULT_SIGSEGV | VM_FAULT_BLOCKED)) != 0) return r & (VM_FAULT_SIGSEGV | VM_FAULT_BLOCKED);
            v = m.pte(i);
            if ((v & (P_PRESENT | P_WRITE)) != (P_PRESENT | P_WRITE)) {
                log.warn("write to " + m.name + "[" + i + "] could not make the PTE writable");
                return VM_FAULT_ERROR;
            }
        }
        int pfn = (int) (v & PFN_MASK);
        long nv = v | P_DIRTY | P_YOUNG;
        if (config.softDirty() && (v & P_SOFTDIRTY) == 0) {
            nv |= P_SOFTDIRTY;
            log.event(EventType.SOFT_DIRTY_SET, null, p.name, m.name, i, pfn, null, null, null, null);
        }
        setPte(m, i, nv);
        storeContent(pfn, version);
        if (has(pfn, PG_FILE) && !m.shared) {
            raiseHazard(HazardType.FILE_CORRUPTED, "a write through the private mapping " + p.name + "." + m.name + " changed the page cache of " + fileName(pfn), pfn, fileName(pfn));
        }
        return VM_FAULT_DONE;
    }

    final void storeContent(int pfn, int version) {
        contentSet(pfn, version);
        if ((fl(pfn) & PG_DIRTY) == 0) flSet(pfn, fl(pfn) | PG_DIRTY);
        touchPage(pfn);
    }

    String fileName(int pfn) {
        Long fi = fileOf.get(pfn);
        if (fi == null) return "?";
        return fileById.get((int) (fi >>> 32)).name + "[" + (int) (fi & 0xFFFFFFFFL) + "]";
    }

    private String cpuRead(Proc p, Mapping m, int a, int b) {
        int read = 0;
        for (int i = a; i <= b; i++) {
            log.page(i - a);
            long v = m.pte(i);
            if ((v & V_MAPPED) == 0 || (v & V_READ) == 0) {
                log.detailOn();
                sigsegv(p, m, i, "read");
                break;
            }
            if ((v & P_PRESENT) == 0) {
                handleMmFault(new VmFault(p, m, i, 0));
                v = m.pte(i);
            } else if ((v & P_YOUNG) == 0) setPte(m, i, v | P_YOUNG);
            if ((v & P_PRESENT) == 0) {
                log.warn("read of " + m.name + "[" + i + "] found no page");
                break;
            }
            int pfn = (int) (v & PFN_MASK);
            int ver = content(pfn);
            log.read(ct.text(ver));
            checkLeak(p, ver, pfn, "read of " + p.name + "." + m.name + "[" + i + "]");
            read++;
        }
        log.detailOn();
        return p.name + " read " + read + " page(s)";
    }

    private void sigsegv(Proc p, Mapping m, int i, String what) {
        log.event(EventType.SIGSEGV, what, p.name, m.name, i, -1, "bad_area", null,
                p.name + "'s " + what + " of " + m.name + "[" + i + "] is not allowed by its VMA: SIGSEGV kills it", null);
        raiseHazard(HazardType.SIGSEGV, p.name + " was killed by SIGSEGV (" + what + " of " + m.name + "[" + i + "])", -1,
                p.name + "." + m.name + "[" + i + "]");
        exit(p, ProcState.KILLED);
    }

    // ---------------------------------------------------------------- the fault path
    /** handle_mm_fault: dispatch on the PTE (kernel-model §3.1-3.3, §3.9) */
    final int handleMmFault(VmFault f) {
        long v = f.m.pte(f.idx);
        boolean swap = (v & P_SWAP) != 0;
        String kind = swap ? "swapin" : f.unshare() ? "unshare" : f.write() ? "write" : "read";
        statFaults++;
        int d = log.enter("handle_mm_fault", log.detail ? kind + " fault at " + f.at() : null);
        log.event(EventType.FAULT, kind, f.proc.name, f.m.name, f.idx, (v & P_PRESENT) != 0 ? (v & PFN_MASK) : -1,
                "handle_mm_fault", null, log.detail ? kind + " fault at " + f.at() : null, null);
        int ret;
        if ((v & (P_PRESENT | P_SWAP)) == 0) ret = doPteMissing(f);
        else if (swap) ret = doSwapPage(f);
        else if ((v & P_PMD) != 0) {
            if (f.write() && (v & P_UFFD_WP) != 0 && (v & V_UFFD_WP) != 0) ret = handleUserfault(f);
            else if (f.write() || f.unshare()) ret = doHugePmdWpPage(f);
            else ret = VM_FAULT_DONE;
        } else if (f.unshare()) ret = doWpPage(f);
        else if (f.write() && (v & P_WRITE) == 0) {
            if ((v & P_UFFD_WP) != 0 && (v & V_UFFD_WP) != 0) ret = handleUserfault(f);
            else ret = doWpPage(f);
        } else {
            setPte(f.m, f.idx, v | P_YOUNG | (f.write() ? P_DIRTY : 0));
            ret = VM_FAULT_DONE;
        }
        log.depth = d;
        return ret;
    }

    private int handleUserfault(VmFault f) {
        log.leaf("handle_userfault", "VM_UFFD_WP");
        if (f.gup) {
            log.warn("GUP hit a uffd-wp protected page at " + f.at() + ": the engine fails it instead of waiting (EFAULT)");
            return VM_FAULT_ERROR;
        }
        log.event(EventType.UFFD, "wp", f.proc.name, f.m.name, f.idx, -1, "handle_userfault", Rule.UFFD_WP,
                "write to a uffd-wp protected page: the fault is reported to userfaultfd", null);
        return VM_FAULT_BLOCKED;
    }

    private int doPteMissing(VmFault f) {
        Mapping m = f.m;
        if (m.file == null) {
            if (f.write()) return doAnonymousPage(f);
            int d = log.enter("do_anonymous_page", "read: map the zero page");
            long v = m.pte(f.idx);
            setPte(m, f.idx, (v & VM_MASK) | P_PRESENT | P_ZERO | P_YOUNG | ZERO_PFN);
            log.event(EventType.MAP, "zero", f.proc.name, m.name, f.idx, ZERO_PFN, "do_anonymous_page", null,
                    log.detail ? "read fault on an empty private anonymous PTE maps the shared zero page read-only" : null, null);
            log.depth = d;
            return VM_FAULT_DONE;
        }
        if (m.shared) return f.write() ? doSharedFault(f) : doReadFault(f);
        return f.write() ? doCowFault(f) : doReadFault(f);
    }

    boolean thpEligible(Mapping m, int i) {
        long v = m.pte(i);
        if (m.file != null || (v & V_NOHUGEPAGE) != 0) return false;
        if (config.thp() == ThpMode.NEVER) return false;
        if (config.thp() == ThpMode.MADVISE && (v & V_HUGEPAGE) == 0) return false;
        int b = i & ~(HPAGE - 1);
        if (b + HPAGE > m.n) return false;
        long vm = v & VM_MASK;
        for (int k = b; k < b + HPAGE; k++) {
            long w = m.pte(k);
            if ((w & VM_MASK) != vm || (w & (P_PRESENT | P_SWAP)) != 0) return false;
        }
        return true;
    }

    /** do_anonymous_page, write: a fresh zeroed page (or a THP), exclusive, in this CPU's LRU batch */
    private int doAnonymousPage(VmFault f) {
        Mapping m = f.m;
        m.anonVma = true;
        if (thpEligible(m, f.idx)) return doHugePmdAnonymousPage(f);
        int d = log.enter("do_anonymous_page", "write: allocate a zeroed page");
        boolean pae = rules.inForce(Rule.ANON_EXCLUSIVE);
        int pfn = allocPage(0, PG_ANON | (pae ? PG_EXCL : 0));
        long v = m.pte(f.idx);
        long nv = (v & VM_MASK) | pfn | P_PRESENT | P_YOUNG | P_DIRTY | ((v & V_WRITE) != 0 ? P_WRITE : 0)
                | (config.softDirty() ? P_SOFTDIRTY : 0);
        mcSet(pfn, 1);
        rcSet(pfn, 1);
        setPte(m, f.idx, nv);
        log.event(EventType.ALLOC, "anon", f.proc.name, m.name, f.idx, pfn, "do_anonymous_page", pae ? Rule.ANON_EXCLUSIVE : null,
                log.detail ? "new zeroed page pfn " + pfn + " mapped writable" + (pae ? ", PageAnonExclusive set" : "") : null, null);
        lruCacheAdd(f.cpu, pfn);
        log.depth = d;
        return VM_FAULT_WRITE;
    }

    private int doHugePmdAnonymousPage(VmFault f) {
        Mapping m = f.m;
        int d = log.enter("do_huge_pmd_anonymous_page", "allocate a 2 MiB THP");
        boolean pae = rules.inForce(Rule.ANON_EXCLUSIVE);
        int h = allocFolio(PG_ANON | PG_LRU | (pae ? PG_EXCL : 0));
        rcSet(h, 1);
        folios.get(h).entire = 1;
        int b = f.idx & ~(HPAGE - 1);
        for (int k = 0; k < HPAGE; k++) {
            long v = m.pte(b + k);
            setPte(m, b + k, (v & VM_MASK) | (h + k) | P_PRESENT | P_PMD | P_YOUNG | P_DIRTY
                    | ((v & V_WRITE) != 0 ? P_WRITE : 0) | (config.softDirty() ? P_SOFTDIRTY : 0));
        }
        log.event(EventType.ALLOC, "thp", f.proc.name, m.name, b, h, "do_huge_pmd_anonymous_page", null,
                "new 512-page THP (head pfn " + h + ") mapped by one PMD at " + m.name + "[" + b + ".." + (b + HPAGE - 1) + "]", null);
        log.depth = d;
        return VM_FAULT_WRITE;
    }

    /** the page-cache page of file page idx (read from disk on first use) */
    final int pageCachePage(FileObj file, int idx) {
        int pfn = file.cache[idx];
        if (pfn != 0) return pfn;
        pfn = allocPage(file.disk[idx], PG_FILE | PG_LRU);
        rcSet(pfn, 1); // the page cache's reference
        file.cache[idx] = pfn;
        fileOf.put(pfn, ((long) fileById.indexOf(file) << 32) | idx);
        log.leaf("filemap_fault", file.shmem ? "shmem page" : "read " + file.name + "[" + idx + "] into the page cache");
        return pfn;
    }

    private void mapPage(Mapping m, int i, int pfn, long bits) {
        mcAdd(pfn, 1);
        folioGet(pfn, 1);
        setPte(m, i, (m.pte(i) & VM_MASK) | pfn | P_PRESENT | bits);
    }

    private int doReadFault(VmFault f) {
        int d = log.enter("do_read_fault", null);
        int pfn = pageCachePage(f.m.file, f.idx);
        mapPage(f.m, f.idx, pfn, P_YOUNG);
        log.event(EventType.MAP, "file", f.proc.name, f.m.name, f.idx, pfn, "do_read_fault", null,
                log.detail ? "page-cache page pfn " + pfn + " mapped read-only" : null, null);
        log.depth = d;
        return VM_FAULT_DONE;
    }

    private int doSharedFault(VmFault f) {
        int d = log.enter("do_shared_fault", null);
        int pfn = pageCachePage(f.m.file, f.idx);
        long v = f.m.pte(f.idx);
        mapPage(f.m, f.idx, pfn, P_YOUNG | P_DIRTY | ((v & V_WRITE) != 0 ? P_WRITE : 0) | (config.softDirty() ? P_SOFTDIRTY : 0));
        log.event(EventType.MAP, "shared", f.proc.name, f.m.name, f.idx, pfn, "do_shared_fault", null,
                log.detail ? "shared page pfn " + pfn + " mapped writable: no COW in a shared mapping" : null, null);
        log.depth = d;
        return VM_FAULT_WRITE;
    }

    /** do_cow_fault: a write to a private file page copies the page-cache page into a new anon page */
    private int doCowFault(VmFault f) {
        int d = log.enter("do_cow_fault", null);
        Mapping m = f.m;
        m.anonVma = true;
        int pc = pageCachePage(m.file, f.idx);
        boolean pae = rules.inForce(Rule.ANON_EXCLUSIVE);
        int pfn = allocPage(content(pc), PG_ANON | (pae ? PG_EXCL : 0));
        long v = m.pte(f.idx);
        mcSet(pfn, 1);
        rcSet(pfn, 1);
        setPte(m, f.idx, (v & VM_MASK) | pfn | P_PRESENT | P_YOUNG | P_DIRTY | ((v & V_WRITE) != 0 ? P_WRITE : 0)
                | (config.softDirty() ? P_SOFTDIRTY : 0));
        statCow++;
        log.event(EventType.COW, "file", f.proc.name, m.name, f.idx, pfn, "do_cow_fault", null,
                log.detail ? "private write to file page " + m.file.name + "[" + f.idx + "]: copied into new anon page pfn " + pfn
                        + ((v & V_WRITE) == 0 ? " (mapped read-only, dirty: the VMA is not writable)" : "") : null,
                log.detail ? Map.of("from_pfn", pc, "to_pfn", pfn) : null);
        lruCacheAdd(f.cpu, pfn);
        log.depth = d;
        return VM_FAULT_WRITE;
    }

    // ---------------------------------------------------------------- do_wp_page (§3.3)
    /** why the reuse test decided (filled by wpCanReuseAnonFolio for the event) */
    private Rule whyRule;
    private String whyText;
    private Map<String, Object> whyValues;

    private void why(Rule r, String text, Object... kv) {
        whyRule = r;
        if (!log.detail) return;
        whyText = text + (r == null ? "" : " · " + r.cite());
        LinkedHashMap<String, Object> vals = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) vals.put((String) kv[i], kv[i + 1]);
        whyValues = vals;
    }

    final int doWpPage(VmFault f) {
        Mapping m = f.m;
        long v = m.pte(f.idx);
        int pfn = (v & P_ZERO) != 0 ? ZERO_PFN : (int) (v & PFN_MASK);
        int d = log.enter("do_wp_page", log.detail ? (f.unshare() ? "unshare" : "write") + " pfn " + pfn : null);
        try {
            if (m.shared && !f.unshare()) {
                log.leaf("wp_page_shared", null);
                setPte(m, f.idx, v | P_WRITE | P_DIRTY | P_YOUNG | (config.softDirty() ? P_SOFTDIRTY : 0));
                log.event(EventType.MKWRITE, "shared", f.proc.name, m.name, f.idx, pfn, "wp_page_shared", null,
                        log.detail ? "shared mapping: the PTE is made writable, no COW" : null, null);
                return VM_FAULT_WRITE;
            }
            if (pfn == ZERO_PFN) {
                if (log.detail) why(f.unshare() ? Rule.LONGTERM_RO_FILE_UNSHARE : null, "the zero page is never written: copy");
                return wpPageCopy(f, pfn);
            }
            if (!has(pfn, PG_ANON)) {
                if (log.detail) why(null, "page-cache page in a private mapping: copy");
                return wpPageCopy(f, pfn);
            }
            if (isThp(pfn)) return wpLargeFolio(f, pfn);
            boolean reuse = wpCanReuseAnonFolio(f, pfn);
            if (reuse) {
                if (f.unshare()) return unshareReuse(f, pfn);
                return wpPageReuse(f, pfn);
            }
            return wpPageCopy(f, pfn);
        } finally {
            log.depth = d;
        }
    }

    private String reuseFn() {
        return rules.inForce(Rule.WP_CAN_REUSE_ANON_FOLIO) ? "wp_can_reuse_anon_folio" : "do_wp_page";
    }

    /** the reuse test of the version (kernel-model §3.3) for an anon small page */
    final boolean wpCanReuseAnonFolio(VmFault f, int pfn) {
        int rcv = refcount(pfn), mcv = pageMapcount(pfn);
        boolean sc = has(pfn, PG_SWAPCACHE);
        if (has(pfn, PG_KSM)) {
            if (rules.inForce(Rule.KSM_NEVER_REUSE)) {
                if (log.detail) why(Rule.KSM_NEVER_REUSE, "KSM page: always copy", "ksm", true, "page_count", rcv);
                return false;
            }
            if (rules.inForce(Rule.KSM_REUSE_SINGLE)) {
                log.leaf("reuse_ksm_page", null);
                if (rcv == 1 && !sc) {
                    if (log.detail) why(Rule.KSM_REUSE_SINGLE, "KSM page with page_count 1 (" + breakdown(pfn) + ") and not in the swap cache → reuse", "page_count", rcv);
                    setFlag(pfn, PG_KSM, false);
                    ksmStable.values().remove(pfn);
                    return true;
                }
                if (log.detail) why(Rule.KSM_REUSE_SINGLE, "KSM page with page_count " + rcv + " (" + breakdown(pfn) + ") → copy", "page_count", rcv);
                return false;
            }
            if (log.detail) why(null, "KSM page: never reused before 5.1 → copy", "ksm", true);
            return false;
        }
        if (rules.inForce(Rule.ANON_EXCLUSIVE) && has(pfn, PG_EXCL)) {
            if (log.detail) why(Rule.ANON_EXCLUSIVE, "PageAnonExclusive → reuse without further checks", "anon_exclusive", true, "page_count", rcv);
            return true;
        }
        if (rules.inForce(Rule.MAPCOUNT_REUSE)) {
            log.leaf("reuse_swap_page", null);
            int swc = sc ? swapCount[swapSlotOf.get(pfn)] : 0;
            if (mcv + swc <= 1) {
                if (log.detail) why(Rule.MAPCOUNT_REUSE, "mapcount " + mcv + " + swapcount " + swc + " ≤ 1 → reuse (page_count " + rcv + " = "
                        + (log.detail ? breakdown(pfn) : "") + " is not consulted)", "mapcount", mcv, "swapcount", swc, "page_count", rcv);
                if (sc) deleteFromSwapCache(pfn);
                return true;
            }
            if (log.detail) why(Rule.MAPCOUNT_REUSE, "mapcount " + mcv + " + swapcount " + swc + " > 1 → copy", "mapcount", mcv, "swapcount", swc);
            return false;
        }
        String fn = reuseFn();
        if (rules.inForce(Rule.WP_DRAIN_AND_FREE_SWAP)) {
            if (rcv > 3) {
                if (log.detail) why(Rule.WP_DRAIN_AND_FREE_SWAP, fn + ": page_count " + rcv + " = " + (log.detail ? breakdown(pfn) : "") + " > 3 → copy", "page_count", rcv);
                return false;
            }
            if (!has(pfn, PG_LRU) && batchCpu(fl(pfn)) >= 0) {
                int where = batchCpu(fl(pfn));
                if (where != f.cpu)
                    log.leaf("lru_add_drain", log.detail ? "cpu" + f.cpu + " only: the page waits in cpu" + where
                            + "'s batch (\"we cannot easily detect+handle references from remote LRU caches\")" : null);
                lruAddDrain(f.cpu);
                rcv = refcount(pfn);
            }
            if (rcv > 1 + (sc ? 1 : 0)) {
                if (log.detail) why(Rule.WP_DRAIN_AND_FREE_SWAP, fn + ": page_count " + rcv + " = " + (log.detail ? breakdown(pfn) : "") + " > 1 + swapcache " + (sc ? 1 : 0) + " → copy",
                        "page_count", rcv, "swapcache", sc, "lru_batch_cpu", batchCpu(fl(pfn)));
                return false;
            }
            if (has(pfn, PG_LOCKED)) {
                if (log.detail) why(Rule.WP_DRAIN_AND_FREE_SWAP, fn + ": folio_trylock failed → copy", "locked", true);
                return false;
            }
            if (sc) folioFreeSwap(pfn);
            rcv = refcount(pfn);
            if (rcv != 1) {
                if (log.detail) why(Rule.WP_DRAIN_AND_FREE_SWAP, fn + ": page_count " + rcv + " = " + (log.detail ? breakdown(pfn) : "") + " ≠ 1 → copy", "page_count", rcv);
                return false;
            }
            if (log.detail) why(Rule.WP_DRAIN_AND_FREE_SWAP, fn + ": page_count 1 (only this mapping) → reuse" + (rules.inForce(Rule.ANON_EXCLUSIVE) ? ", set PageAnonExclusive" : ""), "page_count", rcv);
            return true;
        }
        // PAGE_COUNT_REUSE 5.9 - 5.17
        if (rcv != 1) {
            if (log.detail) why(Rule.PAGE_COUNT_REUSE, "page_count " + rcv + " = " + (log.detail ? breakdown(pfn) : "") + " ≠ 1 → wp_page_copy", "page_count", rcv, "mapcount", mcv);
            return false;
        }
        if (has(pfn, PG_LOCKED)) {
            if (log.detail) why(Rule.PAGE_COUNT_REUSE, "trylock_page failed → copy", "locked", true);
            return false;
        }
        if (mcv != 1) {
            if (log.detail) why(Rule.PAGE_COUNT_REUSE, "mapcount " + mcv + " ≠ 1 → copy", "mapcount", mcv);
            return false;
        }
        if (log.detail) why(Rule.PAGE_COUNT_REUSE, "page_count 1 and mapcount 1 → reuse", "page_count", rcv, "mapcount", mcv);
        return true;
    }

    /** a PTE-mapped page of a THP (after a split) */
    private int wpLargeFolio(VmFault f, int pfn) {
        int h = head(pfn);
        int rcv = rc(h);
        boolean reuse;
        if (rules.inForce(Rule.ANON_EXCLUSIVE) && has(pfn, PG_EXCL)) {
            if (log.detail) why(Rule.ANON_EXCLUSIVE, "PageAnonExclusive (THP subpage) → reuse", "anon_exclusive", true);
            reuse = true;
        } else if (rules.inForce(Rule.MAPCOUNT_REUSE)) {
            int wide = thpWideMapcount(h);
            reuse = wide <= 1;
            if (log.detail) why(Rule.MAPCOUNT_REUSE, "THP-wide mapcount " + wide + (reuse ? " ≤ 1 → reuse" : " > 1 → copy") + " (folio page_count " + rcv + " not consulted)",
                    "thp_mapcount", wide, "page_count", rcv);
        } else if (rules.inForce(Rule.LARGE_FOLIO_REUSE)) {
            int large = largeMapcount(h);
            boolean only = onlyMappedBy(h, f.proc) == large;
            reuse = only && rcv == large;
            if (log.detail) why(Rule.LARGE_FOLIO_REUSE, "large folio: page_count " + rcv + (rcv == large ? " = " : " ≠ ") + "large mapcount " + large
                    + (only ? ", only this mm maps it" : ", another mm maps it") + (reuse ? " → reuse this PTE" : " → copy"),
                    "page_count", rcv, "large_mapcount", large, "only_this_mm", only);
        } else if (rules.inForce(Rule.LARGE_FOLIO_NO_REUSE)) {
            if (log.detail) why(Rule.LARGE_FOLIO_NO_REUSE, "page of a PTE-mapped large folio: never reused → copy", "page_count", rcv);
            reuse = false;
        } else {
            reuse = rcv == 1 && mc(pfn) == 1;
            Rule r = rules.inForce(Rule.WP_DRAIN_AND_FREE_SWAP) ? Rule.WP_DRAIN_AND_FREE_SWAP : Rule.PAGE_COUNT_REUSE;
            if (log.detail) why(r, "THP folio page_count " + rcv + " = " + (log.detail ? breakdown(pfn) : "") + (reuse ? " = 1 → reuse" : " ≠ 1 → copy"), "page_count", rcv);
        }
        if (!reuse) return wpPageCopy(f, pfn);
        if (f.unshare()) return unshareReuse(f, pfn);
        return wpPageReuse(f, pfn);
    }

    int thpWideMapcount(int h) {
        int max = 0;
        for (int k = 0; k < HPAGE; k++) max = Math.max(max, mc(h + k));
        Folio fo = folios.get(h);
        return max + (fo == null ? 0 : fo.entire);
    }

    int largeMapcount(int h) {
        int sum = 0;
        for (int k = 0; k < HPAGE; k++) sum += mc(h + k);
        Folio fo = folios.get(h);
        return sum + (fo == null ? 0 : fo.entire);
    }

    /** mappings (PTEs + PMDs) of the folio held by p */
    private int onlyMappedBy(int h, Proc p) {
        int n = 0;
        for (Mapping m : p.maps.values()) {
            for (int i = 0; i < m.n; i++) {
                long v = m.pte(i);
                if ((v & P_PRESENT) == 0 || (v & P_ZERO) != 0) continue;
                int pfn = (int) (v & PFN_MASK);
                if (pfn < h || pfn >= h + HPAGE) continue;
                if ((v & P_PMD) != 0) {
                    if ((pfn & (HPAGE - 1)) == 0) n++;
                } else n++;
            }
        }
        return n;
    }

    /** wp_page_reuse: the PTE becomes writable, dirty, young, soft-dirty; no new page */
    private int wpPageReuse(VmFault f, int pfn) {
        long v = f.m.pte(f.idx);
        int d = log.enter("wp_page_reuse", null);
        if (rules.inForce(Rule.ANON_EXCLUSIVE)) setPageFlag(pfn, PG_EXCL, true);
        setPte(f.m, f.idx, v | P_YOUNG | P_DIRTY | (config.softDirty() ? P_SOFTDIRTY : 0) | ((v & V_WRITE) != 0 ? P_WRITE : 0));
        statReuse++;
        log.event(EventType.REUSE, null, f.proc.name, f.m.name, f.idx, pfn, "wp_page_reuse", whyRule,
                log.detail ? "do_wp_page: " + whyText : null, log.detail ? whyValues : null);
        log.depth = d;
        return VM_FAULT_WRITE;
    }

    /** unshare fault whose reuse test passed: mark the page exclusive, keep the PTE read-only */
    private int unshareReuse(VmFault f, int pfn) {
        setPageFlag(pfn, PG_EXCL, true);
        statUnshare++;
        log.event(EventType.UNSHARE, "mark", f.proc.name, f.m.name, f.idx, pfn, "do_wp_page", whyRule,
                log.detail ? "unshare: " + whyText + ": page marked PageAnonExclusive, PTE stays read-only" : null, whyValues);
        return VM_FAULT_DONE;
    }

    /** wp_page_copy: a new page with the old content; only after the PTE points at the copy may the old page lose its mapcount */
    final int wpPageCopy(VmFault f, int old) {
        Mapping m = f.m;
        long v = m.pte(f.idx);
        boolean unshare = f.unshare();
        boolean zero = old == ZERO_PFN;
        int d = log.enter("wp_page_copy", unshare ? "unshare" : null);
        boolean spurious = !zero && isSpurious(old);
        String spuriousWhy = spurious ? breakdown(old) : null; // hazards are state: never depend on the detail level
        boolean pae = rules.inForce(Rule.ANON_EXCLUSIVE);
        int np = allocPage(zero ? 0 : content(old), PG_ANON | (pae ? PG_EXCL : 0));
        m.anonVma = true;
        long nv = (v & VM_MASK) | np | P_PRESENT | P_YOUNG;
        if (unshare) nv |= v & (P_SOFTDIRTY | P_UFFD_WP | P_DIRTY);
        else nv |= P_DIRTY | (config.softDirty() ? P_SOFTDIRTY : 0) | ((v & V_WRITE) != 0 ? P_WRITE : 0);
        mcSet(np, 1);
        rcSet(np, 1);
        setPte(m, f.idx, nv);
        if (unshare) statUnshare++;
        else statCow++;
        log.event(unshare ? EventType.UNSHARE : EventType.COW, unshare ? "copy" : zero ? "zero" : null, f.proc.name, m.name, f.idx, np, "wp_page_copy",
                whyRule, log.detail ? (whyText == null ? "" : whyText + ": ") + (zero ? "zero page" : "pfn " + old) + " copied to pfn " + np
                        + (unshare ? " (unshare: the PTE stays read-only)" : "") : null,
                log.detail ? whyValues : null);
        if (!zero) {
            mcAdd(old, -1);
            folioPut(old, 1);
        }
        lruCacheAdd(f.cpu, np);
        if (spurious) {
            raiseHazard(HazardType.SPURIOUS_COW, "spurious COW at " + f.at() + ": pfn " + old + " was referenced only by "
                    + (spuriousWhy == null ? "this mapping and a swap-cache or LRU-batch reference" : spuriousWhy), old, f.at());
        }
        if (!zero && !has(old, PG_FREE) && has(old, PG_SWAPCACHE) && rules.inForce(Rule.FREE_SWAP_AFTER_COW)
                && pageMapcount(old) == 0 && refcount(old) == 1 && swapCount[swapSlotOf.get(old)] == 0) {
            log.leaf("free_swap_cache", "FREE_SWAP_AFTER_COW");
            log.event(EventType.NOTE, null, f.proc.name, m.name, f.idx, old, "free_swap_cache", Rule.FREE_SWAP_AFTER_COW,
                    "the old page is left only in the swap cache: freed · " + Rule.FREE_SWAP_AFTER_COW.cite(), null);
            deleteFromSwapCache(old);
        }
        whyText = null;
        whyRule = null;
        whyValues = null;
        log.depth = d;
        return VM_FAULT_WRITE;
    }

    /** §8 spurious_cow: the only references were this mapping plus swap-cache / LRU-batch references */
    private boolean isSpurious(int old) {
        if (!has(old, PG_ANON) || has(old, PG_KSM) || isThp(old)) return false;
        if (mc(old) != 1) return false;
        int extra = (has(old, PG_SWAPCACHE) ? 1 : 0) + (has(old, PG_INBATCH) ? 1 : 0);
        if (extra == 0) return false;
        if (has(old, PG_SWAPCACHE) && swapCount[swapSlotOf.get(old)] > 0) return false;
        return rc(old) == 1 + extra;
    }

    // ---------------------------------------------------------------- THP PMD faults
    private int doHugePmdWpPage(VmFault f) {
        Mapping m = f.m;
        int b = f.idx & ~(HPAGE - 1);
        int h = (int) (m.pte(b) & PFN_MASK);
        int d = log.enter("do_huge_pmd_wp_page", log.detail ? "THP head pfn " + h : null);
        try {
            int rcv = rc(h);
            boolean reuse;
            if (!rules.inForce(Rule.SWAPIN_AND_THP_PAGE_COUNT)) {
                int wide = thpWideMapcount(h);
                reuse = wide <= 1;
                if (log.detail) why(Rule.MAPCOUNT_REUSE, "THP-wide mapcount " + wide + (reuse ? " ≤ 1 → reuse the PMD" : " > 1") + " (folio page_count "
                        + rcv + " = " + (log.detail ? breakdown(h) : "") + " is not consulted; THP PMD faults keep this test until "
                        + Rule.SWAPIN_AND_THP_PAGE_COUNT.cite() + ")", "thp_mapcount", wide, "page_count", rcv);
            } else if (rules.inForce(Rule.ANON_EXCLUSIVE) && has(h, PG_EXCL)) {
                reuse = true;
                if (log.detail) why(Rule.ANON_EXCLUSIVE, "THP head PageAnonExclusive → reuse the PMD", "anon_exclusive", true);
            } else {
                reuse = rcv == 1;
                if (log.detail) why(Rule.SWAPIN_AND_THP_PAGE_COUNT, "folio page_count " + rcv + " = " + (log.detail ? breakdown(h) : "") + (reuse ? " = 1 → reuse the PMD" : " ≠ 1"), "page_count", rcv);
            }
            if (reuse) {
                if (f.unshare()) {
                    setFlag(h, PG_EXCL, true);
                    statUnshare++;
                    log.event(EventType.UNSHARE, "mark", f.proc.name, m.name, f.idx, h, "do_huge_pmd_wp_page", whyRule, whyText, whyValues);
                    return VM_FAULT_DONE;
                }
                if (rules.inForce(Rule.ANON_EXCLUSIVE)) setFlag(h, PG_EXCL, true);
                for (int k = 0; k < HPAGE; k++) {
                    long v = m.pte(b + k);
                    setPte(m, b + k, v | P_YOUNG | P_DIRTY | (config.softDirty() ? P_SOFTDIRTY : 0) | ((v & V_WRITE) != 0 ? P_WRITE : 0));
                }
                statReuse++;
                log.event(EventType.REUSE, "thp", f.proc.name, m.name, f.idx, h, "do_huge_pmd_wp_page", whyRule, whyText, whyValues);
                return VM_FAULT_WRITE;
            }
            if (rules.inForce(Rule.THP_COW_SPLIT) || f.unshare()) {
                log.leaf("__split_huge_pmd", Rule.THP_COW_SPLIT.cite());
                splitHugePmd(m, b, f.proc);
                return doWpPage(f);
            }
            // ≤ 5.7: allocate a whole new THP and copy all 512 pages
            int nh = allocFolio(PG_ANON | PG_LRU | (rules.inForce(Rule.ANON_EXCLUSIVE) ? PG_EXCL : 0));
            rcSet(nh, 1);
            folios.get(nh).entire = 1;
            for (int k = 0; k < HPAGE; k++) {
                contentSet(nh + k, content(h + k));
                long v = m.pte(b + k);
                setPte(m, b + k, (v & VM_MASK) | (nh + k) | P_PRESENT | P_PMD | P_YOUNG | P_DIRTY
                        | (config.softDirty() ? P_SOFTDIRTY : 0) | ((v & V_WRITE) != 0 ? P_WRITE : 0));
            }
            statCow++;
            log.event(EventType.COW, "thp", f.proc.name, m.name, f.idx, nh, "do_huge_pmd_wp_page", whyRule,
                    (whyText == null ? "" : whyText + " → ") + "a whole new THP is allocated and all 512 pages copied (head " + h + " → " + nh + ") · before " + Rule.THP_COW_SPLIT.cite(),
                    whyValues);
            folios.get(h).entire--;
            folioPut(h, 1);
            return VM_FAULT_WRITE;
        } finally {
            log.depth = d;
        }
    }

    /** __split_huge_pmd: one PMD mapping becomes 512 PTE mappings (1 reference becomes 512) */
    final void splitHugePmd(Mapping m, int b, Proc p) {
        int h = (int) (m.pte(b) & PFN_MASK);
        Folio fo = folios.get(h);
        fo.entire--;
        rcAdd(h, HPAGE - 1);
        for (int k = 0; k < HPAGE; k++) {
            mcAdd(h + k, 1);
            setPte(m, b + k, m.pte(b + k) & ~P_PMD);
        }
        touchPage(h);
        log.event(EventType.SPLIT, "pmd", p.name, m.name, b, h, "__split_huge_pmd", null,
                "the PMD of " + p.name + "." + m.name + "[" + b + ".." + (b + HPAGE - 1) + "] is split into 512 PTEs (folio page_count " + rc(h) + ")", null);
    }

    // ---------------------------------------------------------------- swap-in (§3.9)
    final void deleteFromSwapCache(int pfn) {
        Integer slot = swapSlotOf.remove(pfn);
        if (slot == null) return;
        slotCache[slot] = 0;
        setFlag(pfn, PG_SWAPCACHE, false);
        log.leaf("delete_from_swap_cache", "slot " + slot);
        if (swapCount[slot] == 0) slotUsed[slot] = false;
        folioPut(pfn, 1);
    }

    /** folio_free_swap: only when no swap PTE still references the slot */
    final boolean folioFreeSwap(int pfn) {
        Integer slot = swapSlotOf.get(pfn);
        if (slot == null || swapCount[slot] > 0) return false;
        deleteFromSwapCache(pfn);
        return true;
    }

    final void swapFree(int slot) {
        swapCount[slot]--;
        if (swapCount[slot] <= 0) {
            swapCount[slot] = 0;
            if (slotCache[slot] == 0) slotUsed[slot] = false;
        }
    }

    boolean softDirtyWantsFault(long v) {
        return config.softDirty() && (v & V_SOFTDIRTY) == 0 && (v & P_SOFTDIRTY) == 0;
    }

    private int doSwapPage(VmFault f) {
        Mapping m = f.m;
        long v = m.pte(f.idx);
        int slot = (int) (v & PFN_MASK);
        int d = log.enter("do_swap_page", log.detail ? "swap slot " + slot : null);
        statSwapIn++;
        int pfn = slotCache[slot];
        boolean fromCache = pfn != 0;
        if (!fromCache) {
            log.leaf("swap_read_folio", "slot " + slot);
            pfn = allocPage(slotContent[slot], PG_ANON | PG_SWAPCACHE);
            rcSet(pfn, 1); // the swap cache
            slotCache[slot] = pfn;
            swapSlotOf.put(pfn, slot);
            lruCacheAdd(f.cpu, pfn);
        } else log.leaf("swap_cache_get_folio", "pfn " + pfn + " still in the swap cache");
        boolean write = f.write();
        boolean mkwrite = false, excl = false, freeCache = false;
        Rule rule;
        String why;
        boolean ksm = has(pfn, PG_KSM);
        if (!rules.inForce(Rule.SWAPIN_AND_THP_PAGE_COUNT)) {
            // ≤ 5.17: reuse_swap_page before the page is mapped, counting this PTE's swap entry
            rule = Rule.MAPCOUNT_REUSE;
            int mcv = pageMapcount(pfn), swc = swapCount[slot];
            if (write && !ksm && mcv + swc <= 1) {
                why = "write fault: reuse_swap_page: mapcount " + mcv + " + swapcount " + swc + " ≤ 1 → leave the swap cache, map writable"
                        + " (swap-in keeps the mapcount test until " + Rule.SWAPIN_AND_THP_PAGE_COUNT.cite() + ")";
                freeCache = mkwrite = true;
            } else why = (write ? "write fault: mapcount " + mcv + " + swapcount " + swc + " > 1" : "read fault") + " → map read-only";
            mapPageAfterSwap(m, f.idx, pfn, v, mkwrite);
            if (freeCache) deleteFromSwapCache(pfn);
            swapFree(slot);
        } else if (!rules.inForce(Rule.ANON_EXCLUSIVE)) {
            rule = Rule.SWAPIN_AND_THP_PAGE_COUNT;
            swapFree(slot);
            int rcv = refcount(pfn);
            if (write && !ksm && swapCount[slot] == 0 && rcv == 1) {
                why = "write fault: only the swap cache held the page and no swap PTE is left → swap cache freed, map writable";
                freeCache = mkwrite = true;
            } else why = (write ? "write fault: page_count " + rcv + " = " + (log.detail ? breakdown(pfn) : "") : "read fault") + " → map read-only";
            mapPageAfterSwap(m, f.idx, pfn, v, mkwrite);
            if (freeCache) deleteFromSwapCache(pfn);
        } else {
            excl = (v & P_SWP_EXCL) != 0 && !ksm;
            rule = excl ? Rule.SWP_EXCLUSIVE : Rule.ANON_EXCLUSIVE;
            swapFree(slot);
            boolean onlyCache = swapCount[slot] == 0 && refcount(pfn) == 1;
            if (write && !ksm && onlyCache) {
                excl = freeCache = true;
                why = "write fault: only the swap cache held the page → swap cache freed, exclusive";
            } else why = excl ? "the swap PTE's exclusive bit is set → PageAnonExclusive" : "the swap PTE is not exclusive (shared through fork, or KSM)";
            boolean mkwriteOnRead = !write && excl && rules.inForce(Rule.SWAPIN_MKWRITE_ON_READ) && (v & V_WRITE) != 0
                    && !softDirtyWantsFault(v) && (v & P_UFFD_WP) == 0;
            mkwrite = excl && (write || mkwriteOnRead);
            if (mkwriteOnRead) {
                rule = Rule.SWAPIN_MKWRITE_ON_READ;
                why += "; read fault maps the exclusive page writable at once";
            } else if (!write) why += "; read fault maps read-only";
            mapPageAfterSwap(m, f.idx, pfn, v, mkwrite);
            if (freeCache) deleteFromSwapCache(pfn);
            if (excl) setPageFlag(pfn, PG_EXCL, true);
        }
        log.depth = d;
        return finishSwapin(f, pfn, rule, why, fromCache, mkwrite && (v & P_UFFD_WP) == 0);
    }

    private void mapPageAfterSwap(Mapping m, int i, int pfn, long v, boolean mkwrite) {
        // a uffd-wp swap entry comes back write-protected: the retried write faults into handle_userfault
        if ((v & P_UFFD_WP) != 0) mkwrite = false;
        long bits = P_YOUNG | (v & (P_SOFTDIRTY | P_UFFD_WP));
        if (mkwrite) bits |= ((v & V_WRITE) != 0 ? P_WRITE : 0) | (mkwrite ? P_DIRTY : 0);
        mapPage(m, i, pfn, bits);
    }

    private int finishSwapin(VmFault f, int pfn, Rule rule, String why, boolean fromCache, boolean mkwrite) {
        log.event(EventType.SWAP_IN, fromCache ? "swapcache" : "read", f.proc.name, f.m.name, f.idx, pfn, "do_swap_page", rule,
                log.detail ? (fromCache ? "page pfn " + pfn + " found in the swap cache" : "slot read into new page pfn " + pfn) + "; " + why + " · " + rule.cite() : null,
                null);
        long nv = f.m.pte(f.idx);
        if (f.write() && (nv & P_WRITE) == 0) {
            // FAULT_FLAG_WRITE still set: do_swap_page goes on to do_wp_page
            if ((nv & P_UFFD_WP) != 0 && (nv & V_UFFD_WP) != 0) return handleUserfault(f);
            return doWpPage(f);
        }
        return mkwrite ? VM_FAULT_WRITE : VM_FAULT_DONE;
    }

    // ---------------------------------------------------------------- fork (§3.4)
    private String fork(Proc p, String childName) {
        if (childName == null || procByName.containsKey(childName)) throw new OpError("process " + childName + " already exists");
        Proc c = new Proc(childName, nextPid++);
        c.parent = p;
        c.cpu = p.cpu;
        c.forkStep = stepIndex;
        procs.add(c);
        procByName.put(childName, c);
        int d = log.enter("kernel_clone", null);
        log.event(EventType.FORK, null, p.name, null, -1, -1, "kernel_clone", null,
                p.name + " forks " + childName + " (pid " + c.pid + ") on cpu" + c.cpu + "; fork does not drain the LRU batch", null);
        int d2 = log.enter("dup_mmap", null);
        for (Mapping m : p.maps.values()) copyPageRange(p, m, c);
        log.depth = d2;
        log.detailOn();
        log.depth = d;
        return p.name + " forked " + childName;
    }

    /** copy_page_range for one mapping name (which may hold several VMAs after range operations) */
    private void copyPageRange(Proc p, Mapping m, Proc c) {
        Mapping cm = new Mapping(nextMappingId++, m.name, c, m.start, m.n, m.shared, m.file);
        c.maps.put(cm.name, cm);
        cm.anonVma = m.anonVma;
        cm.dStamp = stepIndex;
        cm.dMin = 0;
        cm.dMax = m.n - 1;
        dMappings.add(cm);
        // VMAs without anon pages are not copied: "a page fault will fill them correctly"
        boolean needsCopy = m.anonVma;
        int d = log.enter("copy_page_range", log.detail ? m.name + (needsCopy ? "" : ": no anon pages, PTEs not copied") : null);
        boolean earlyCow = rules.inForce(Rule.FORK_EARLY_COW) && p.hasPinned;
        boolean pae = rules.inForce(Rule.ANON_EXCLUSIVE);
        int k = 0;
        for (int i = 0; i < m.n; i++) {
            long v = m.pte(i);
            if ((v & V_MAPPED) == 0 || (v & V_DONTCOPY) != 0) {
                cm.pteSet(i, 0); // no VMA in the child
                continue;
            }
            long cvm = (v & VM_MASK) & ~V_UFFD_WP;
            if ((v & V_WIPEONFORK) != 0 || !needsCopy || (v & (P_PRESENT | P_SWAP)) == 0) {
                cm.pteSet(i, cvm);
                continue;
            }
            log.page(k++);
            if ((v & P_SWAP) != 0) {
                int slot = (int) (v & PFN_MASK);
                swapCount[slot]++;
                long pv = v;
                if (rules.inForce(Rule.SWP_EXCLUSIVE) && (v & P_SWP_EXCL) != 0) {
                    pv = v & ~P_SWP_EXCL;
                    setPte(m, i, pv);
                }
                cm.pteSet(i, cvm | (pv & PTE_MASK & ~(P_UFFD_WP | P_SWP_EXCL)));
                log.event(EventType.NOTE, "swap", c.name, m.name, i, -1, "copy_nonpresent_pte", Rule.SWP_EXCLUSIVE,
                        log.detail ? "swap entry " + slot + " shared: swap count " + swapCount[slot] + (rules.inForce(Rule.SWP_EXCLUSIVE) ? ", exclusive bit cleared in both" : "") : null, null);
                continue;
            }
            if ((v & P_ZERO) != 0) {
                cm.pteSet(i, cvm | (v & PTE_MASK & ~P_UFFD_WP));
                continue;
            }
            int pfn = (int) (v & PFN_MASK);
            if ((v & P_PMD) != 0) {
                int b = i & ~(HPAGE - 1);
                if (i != b) continue; // handled at the block start
                if (earlyCow && maybeDmaPinned(pfn)) {
                    // a pinned PMD THP is split first and copied page by page
                    splitHugePmd(m, b, p);
                    for (int j = b; j < b + HPAGE; j++) copyPresentPte(p, m, c, cm, j, true, pae);
                    i = b + HPAGE - 1;
                    continue;
                }
                int h = pfn;
                rcAdd(h, 1);
                folios.get(h).entire++;
                if (pae) setFlag(h, PG_EXCL, false);
                for (int j = b; j < b + HPAGE; j++) {
                    long w = m.pte(j) & ~P_WRITE;
                    setPte(m, j, w);
                    cm.pteSet(j, ((w & VM_MASK) & ~V_UFFD_WP) | (w & PTE_MASK & ~P_UFFD_WP));
                }
                touchPage(h);
                log.event(EventType.NOTE, "thp", c.name, m.name, b, h, "copy_huge_pmd", null,
                        "PMD THP shared: folio page_count " + rc(h) + ", both PMDs write-protected", null);
                i = b + HPAGE - 1;
                continue;
            }
            copyPresentPte(p, m, c, cm, i, earlyCow, pae);
        }
        log.detailOn();
        log.depth = d;
    }

    /** copy_present_pte: share the page write-protected, or (FORK_EARLY_COW) give the child a copy of a pinned page */
    private void copyPresentPte(Proc p, Mapping m, Proc c, Mapping cm, int i, boolean earlyCow, boolean pae) {
        long v = m.pte(i);
        int pfn = (int) (v & PFN_MASK);
        long cvm = (v & VM_MASK) & ~V_UFFD_WP;
        boolean anon = has(pfn, PG_ANON);
        if (anon && earlyCow && maybeDmaPinned(pfn)) {
            int d = log.enter("copy_present_page", null);
            int np = allocPage(content(pfn), PG_ANON | (pae ? PG_EXCL : 0));
            mcSet(np, 1);
            rcSet(np, 1);
            cm.pteSet(i, cvm | np | P_PRESENT | P_YOUNG | P_DIRTY | ((v & V_WRITE) != 0 ? P_WRITE : 0) | (v & P_SOFTDIRTY));
            statForkCopy++;
            log.event(EventType.FORK_COPY, null, c.name, m.name, i, np, "copy_present_page", Rule.FORK_EARLY_COW,
                    log.detail ? "page pfn " + pfn + " may be DMA-pinned (page_count " + refcount(pfn) + " = " + breakdown(pfn)
                            + ") and " + p.name + " has_pinned → the child gets a copy (pfn " + np + "); the parent keeps its writable PTE · " + Rule.FORK_EARLY_COW.cite() : null,
                    null);
            lruCacheAdd(c.cpu, np);
            log.depth = d;
            return;
        }
        mcAdd(pfn, 1);
        folioGet(pfn, 1);
        long pv = v;
        if (!m.shared) {
            pv = v & ~P_WRITE;
            if (pv != v) {
                setPte(m, i, pv);
                log.count(EventType.WRPROTECT);
            }
            if (anon && pae && has(pfn, PG_EXCL)) setPageFlag(pfn, PG_EXCL, false);
        }
        cm.pteSet(i, cvm | (pv & PTE_MASK & ~P_UFFD_WP));
        log.event(EventType.NOTE, "share", c.name, m.name, i, pfn, "copy_present_pte", pae ? Rule.ANON_EXCLUSIVE : null,
                log.detail ? "pfn " + pfn + " shared by " + p.name + " and " + c.name + ": mapcount " + pageMapcount(pfn) + ", page_count " + refcount(pfn)
                        + ", both PTEs read-only" + (pae && anon ? ", PageAnonExclusive cleared" : "") : null, null);
    }

    /** a range operation that covers part of a PMD splits it first (the kernel splits the VMA and the PMD) */
    final void splitPartialPmds(Proc p, Mapping m, int a, int b) {
        for (int edge : new int[]{a, b}) {
            int blk = edge & ~(HPAGE - 1);
            if ((m.pte(edge) & (P_PRESENT | P_PMD)) != (P_PRESENT | P_PMD)) continue;
            if (blk >= a && blk + HPAGE - 1 <= b) continue;
            splitHugePmd(m, blk, p);
        }
    }

    // ---------------------------------------------------------------- unmapping
    /** zap_pte_range over [a, b]; a partially covered PMD is split first */
    final void zapRange(Proc p, Mapping m, int a, int b) {
        int d = log.enter("zap_pte_range", log.detail ? m.name + "[" + a + ".." + b + "]" : null);
        int k = 0;
        for (int i = a; i <= b; i++) {
            long v = m.pte(i);
            if ((v & (P_PRESENT | P_SWAP)) == 0) continue;
            log.page(k++);
            if ((v & P_SWAP) != 0) {
                int slot = (int) (v & PFN_MASK);
                setPte(m, i, v & VM_MASK);
                // free_swap_and_cache: the swap count drops; a cached page stays in the swap cache
                // (the kernel reclaims it here only when swap is full: TTRS_FULL) until reclaim
                swapFree(slot);
                continue;
            }
            if ((v & P_ZERO) != 0) {
                setPte(m, i, v & VM_MASK);
                continue;
            }
            int pfn = (int) (v & PFN_MASK);
            if ((v & P_PMD) != 0) {
                int blk = i & ~(HPAGE - 1);
                if (blk >= a && blk + HPAGE - 1 <= b) {
                    int h = pfn & ~(HPAGE - 1);
                    for (int j = blk; j < blk + HPAGE; j++) setPte(m, j, m.pte(j) & VM_MASK);
                    folios.get(h).entire--;
                    log.event(EventType.UNMAP, "thp", p.name, m.name, blk, h, "zap_huge_pmd", null, "PMD unmapped", null);
                    folioPut(h, 1);
                    i = blk + HPAGE - 1;
                    continue;
                }
                splitHugePmd(m, blk, p);
                v = m.pte(i);
            }
            setPte(m, i, v & VM_MASK);
            mcAdd(pfn, -1);
            log.event(EventType.UNMAP, null, p.name, m.name, i, pfn, "zap_pte_range", null,
                    log.detail ? "PTE cleared: pfn " + pfn + " mapcount " + pageMapcount(pfn) + ", page_count " + (refcount(pfn) - 1) : null, null);
            folioPut(pfn, 1);
        }
        log.detailOn();
        log.depth = d;
    }

    private String munmap(Proc p, Mapping m, int[] r) {
        int d = log.enter("__do_munmap", m.name + "[" + r[0] + ".." + r[1] + "]");
        zapRange(p, m, r[0], r[1]);
        for (int i = r[0]; i <= r[1]; i++) setPte(m, i, 0);
        lruAddDrain(p.cpu);
        log.event(EventType.UNMAP, "vma", p.name, m.name, r[0], -1, "__do_munmap", null,
                p.name + " unmaps " + m.name + "[" + r[0] + ".." + r[1] + "]", null);
        log.depth = d;
        return p.name + " unmapped " + m.name;
    }

    /** exit, or death by SIGSEGV: unmap everything, drain this CPU's batch, release the process's own handles */
    private String exit(Proc p, ProcState how) {
        int d = log.enter(how == ProcState.KILLED ? "do_exit (SIGSEGV)" : "do_exit", null);
        int d2 = log.enter("exit_mmap", null);
        for (Mapping m : p.maps.values()) {
            zapRange(p, m, 0, m.n - 1);
            for (int i = 0; i < m.n; i++) if (m.pte(i) != 0) setPte(m, i, 0);
        }
        log.depth = d2;
        lruAddDrain(p.cpu);
        for (Handle h : handles.values()) if (h.live && h.owner == p) releaseHandle(h);
        p.state = how;
        p.blocked = null;
        log.event(EventType.EXIT, how.word, p.name, null, -1, -1, "do_exit", null, p.name + " " + how.word, null);
        log.depth = d;
        return p.name + " " + how.word;
    }

    // ---------------------------------------------------------------- mprotect (§3.6)
    private String mprotect(Proc p, Mapping m, int[] r, Prot prot) {
        int d = log.enter("mprotect_fixup", m.name + " → " + prot.word);
        splitPartialPmds(p, m, r[0], r[1]);
        changeProtection(p, m, r[0], r[1], prot);
        log.depth = d;
        return p.name + " mprotect " + m.name + " " + prot.word;
    }

    /** change_protection / change_pte_range: new VMA prot on [a, b]; write-protect, or (6.0+) make exclusive PTEs writable */
    final void changeProtection(Proc p, Mapping m, int a, int b, Prot prot) {
        int[] r = {a, b};
        int d2 = log.enter("change_protection", null);
        boolean mkwriteRule = rules.inForce(Rule.MPROTECT_MKWRITE);
        int made = 0, wp = 0, k = 0;
        for (int i = r[0]; i <= r[1]; i++) {
            long v = m.pte(i);
            if ((v & V_MAPPED) == 0) continue;
            long nv = (v & ~(V_READ | V_WRITE)) | (prot.readable() ? V_READ : 0) | (prot.writable() ? V_WRITE : 0);
            if ((v & P_PRESENT) != 0) {
                if (!prot.writable()) {
                    if ((nv & P_WRITE) != 0) {
                        nv &= ~P_WRITE;
                        wp++;
                    }
                } else if ((v & P_WRITE) == 0 && canMkwrite(m, nv)) {
                    nv |= P_WRITE;
                    made++;
                    log.page(k++);
                    log.event(EventType.MKWRITE, "mprotect", p.name, m.name, i, nv & PFN_MASK, "change_pte_range", m.shared ? null : Rule.MPROTECT_MKWRITE,
                            log.detail ? (m.shared ? "shared mapping: dirty PTE made writable" : "exclusive anon page: PTE made writable at once, no later fault · "
                                    + (rules.inForce(Rule.MPROTECT_MKWRITE_CLEAN) ? Rule.MPROTECT_MKWRITE_CLEAN.cite() : Rule.MPROTECT_MKWRITE.cite())) : null, null);
                }
            }
            setPte(m, i, nv);
        }
        log.detailOn();
        if (wp > 0) {
            log.counts[EventType.WRPROTECT.ordinal()] += wp - 1;
            log.event(EventType.WRPROTECT, "mprotect", p.name, m.name, r[0], -1, "change_pte_range", null, wp + " PTE(s) write-protected", null);
        }
        if (prot.writable() && made == 0 && !mkwriteRule)
            log.event(EventType.NOTE, null, p.name, m.name, r[0], -1, "change_pte_range", null,
                    "PTEs stay read-only: the next write takes a write-protect fault (MPROTECT_MKWRITE only " + Rule.MPROTECT_MKWRITE.range() + ")", null);
        log.depth = d2;
    }

    /** can_change_pte_writable (6.0+): exclusive anon (dirty before 6.2) and no soft-dirty / uffd-wp tracking; shared: dirty */
    private boolean canMkwrite(Mapping m, long nv) {
        if ((nv & V_WRITE) == 0 || (nv & P_PMD) != 0) return false;
        if (m.shared) return (nv & P_DIRTY) != 0 && (nv & P_UFFD_WP) == 0 && !softDirtyWantsFault(nv);
        if (!rules.inForce(Rule.MPROTECT_MKWRITE)) return false;
        if ((nv & (P_UFFD_WP | P_ZERO)) != 0 || softDirtyWantsFault(nv)) return false;
        int pfn = (int) (nv & PFN_MASK);
        if (!has(pfn, PG_ANON) || !has(pfn, PG_EXCL)) return false;
        return rules.inForce(Rule.MPROTECT_MKWRITE_CLEAN) || (nv & P_DIRTY) != 0;
    }

    // ---------------------------------------------------------------- clear_refs (§3.7)
    private String clearRefs(Proc p) {
        int d = log.enter("clear_refs_write", "4: soft-dirty");
        if (!config.softDirty()) {
            log.event(EventType.NOTE, null, p.name, null, -1, -1, "clear_refs_write", null,
                    "CONFIG_MEM_SOFT_DIRTY is off: clear_refs 4 does nothing", null);
            log.depth = d;
            return "clear_refs: soft-dirty not configured";
        }
        boolean skipPinned = rules.inForce(Rule.CLEAR_REFS_SKIP_PINNED);
        int[] counts = new int[3]; // cleared, skipped, detail index
        for (Mapping m : p.maps.values()) clearRefsPteRange(p, m, skipPinned, counts);
        int cleared = counts[0], skipped = counts[1];
        log.depth = d;
        return "clear_refs: " + cleared + " PTE(s) cleared" + (skipped > 0 ? ", " + skipped + " pinned skipped" : "");
    }

    /** clear_refs_pte_range: write-protect and clear soft-dirty, except pinned pages under CLEAR_REFS_SKIP_PINNED */
    private void clearRefsPteRange(Proc p, Mapping m, boolean skipPinned, int[] counts) {
        int k = counts[2], cleared = 0, skipped = 0;
        int d2 = log.enter("clear_refs_pte_range", m.name);
        for (int i = 0; i < m.n; i++) {
            long v = m.pte(i);
            if ((v & V_MAPPED) == 0) continue;
            long nv = v & ~V_SOFTDIRTY;
            if ((v & P_SWAP) != 0) nv &= ~P_SOFTDIRTY;
            else if ((v & P_PRESENT) != 0) {
                int pfn = (int) (v & PFN_MASK);
                if (skipPinned && (v & P_WRITE) != 0 && (v & P_PMD) == 0 && !m.shared && (v & P_ZERO) == 0 && p.hasPinned && maybeDmaPinned(pfn)) {
                    skipped++;
                    log.page(k++);
                    log.event(EventType.NOTE, "skip_pinned", p.name, m.name, i, pfn, "clear_soft_dirty", Rule.CLEAR_REFS_SKIP_PINNED,
                            log.detail ? "writable PTE of a COW mapping, mm has_pinned, page maybe pinned (page_count " + refcount(pfn)
                                    + ") → left writable and soft-dirty · " + Rule.CLEAR_REFS_SKIP_PINNED.cite() : null, null);
                } else {
                    if ((v & (P_WRITE | P_SOFTDIRTY)) != 0) {
                        log.page(k++);
                        log.event(EventType.SOFT_DIRTY_CLEAR, null, p.name, m.name, i, pfn, "clear_soft_dirty", null,
                                log.detail ? "PTE write-protected and soft-dirty cleared" : null, null);
                        if ((v & P_WRITE) != 0) log.count(EventType.WRPROTECT);
                    }
                    nv &= ~(P_WRITE | P_SOFTDIRTY);
                    cleared++;
                }
            }
            setPte(m, i, nv);
        }
        log.detailOn();
        log.depth = d2;
        counts[0] += cleared;
        counts[1] += skipped;
        counts[2] = k;
    }

    // ---------------------------------------------------------------- madvise (§3.8)
    private String madvise(Proc p, Mapping m, int[] r, Advice a) {
        int d = log.enter("do_madvise", "MADV_" + a.name());
        try {
            if (a != Advice.DONTNEED) splitPartialPmds(p, m, r[0], r[1]);
            switch (a) {
                case DONTNEED -> {
                    zapRange(p, m, r[0], r[1]);
                    lruAddDrain(p.cpu);
                }
                case DONTFORK -> setVmFlag(m, r, V_DONTCOPY, true);
                case DOFORK -> setVmFlag(m, r, V_DONTCOPY, false);
                case WIPEONFORK, KEEPONFORK -> {
                    if (!rules.inForce(Rule.MADV_WIPEONFORK)) {
                        log.warn("MADV_" + a.name() + " does not exist before 4.14: EINVAL, no effect (" + Rule.MADV_WIPEONFORK.cite() + ")");
                        return "EINVAL";
                    }
                    if (m.file != null) {
                        log.warn("MADV_" + a.name() + " applies to private anonymous mappings only: EINVAL");
                        return "EINVAL";
                    }
                    setVmFlag(m, r, V_WIPEONFORK, a == Advice.WIPEONFORK);
                }
                case MERGEABLE -> {
                    setVmFlag(m, r, V_MERGEABLE, true);
                    if (!ksmRegions.contains(m)) ksmRegions.add(m);
                }
                case UNMERGEABLE -> {
                    setVmFlag(m, r, V_MERGEABLE, false);
                    Ksm.unmerge(this, p, m, r[0], r[1]);
                }
                case PAGEOUT -> {
                    if (!rules.inForce(Rule.MADV_PAGEOUT))
                        log.warn("MADV_PAGEOUT does not exist before 5.4: emulated by direct reclaim of the range (" + Rule.MADV_PAGEOUT.cite() + ")");
                    lruAddDrain(p.cpu);
                    Swap.pageout(this, p, m, r[0], r[1]);
                }
                case HUGEPAGE -> {
                    setVmFlag(m, r, V_HUGEPAGE, true);
                    setVmFlag(m, r, V_NOHUGEPAGE, false);
                }
                case NOHUGEPAGE -> {
                    setVmFlag(m, r, V_NOHUGEPAGE, true);
                    setVmFlag(m, r, V_HUGEPAGE, false);
                }
            }
            return p.name + " madvise " + m.name + " " + a.word;
        } finally {
            log.detailOn();
            log.depth = d;
        }
    }

    private void setVmFlag(Mapping m, int[] r, long flag, boolean on) {
        for (int i = r[0]; i <= r[1]; i++) {
            long v = m.pte(i);
            if ((v & V_MAPPED) == 0) continue;
            setPte(m, i, on ? v | flag : v & ~flag);
        }
    }

    // ---------------------------------------------------------------- GUP (§3.5)
    /** can_follow_write_pte: may FOLL_FORCE write through this read-only PTE? */
    private boolean canFollowWritePte(Mapping m, long v, int pfn, int gup) {
        if ((v & P_WRITE) != 0) return true;
        if ((gup & FOLL_FORCE) == 0) return false;
        if (rules.inForce(Rule.FOLL_COW)) return (gup & FOLL_COW) != 0 && (v & P_DIRTY) != 0;
        if (rules.inForce(Rule.FOLL_FORCE_NEEDS_PAE)) {
            if (m.shared || (v & V_WRITE) != 0) return false;
            if (pfn == ZERO_PFN || !has(pfn, PG_ANON) || !has(pfn, PG_EXCL)) return false;
            return !softDirtyWantsFault(v) && (v & P_UFFD_WP) == 0;
        }
        return false; // DIRTY_COW_BUG era: FOLL_WRITE was dropped instead
    }

    /** gup_must_unshare (5.19+): a R/O FOLL_PIN of a non-exclusive anon page (6.2+: long-term, non-anon too) */
    final boolean gupMustUnshare(Mapping m, long v, int pfn, int gup) {
        if (!rules.inForce(Rule.GUP_UNSHARE)) return false;
        if ((gup & (FOLL_WRITE | FOLL_PIN)) != FOLL_PIN) return false;
        boolean anon = pfn != ZERO_PFN && has(pfn, PG_ANON);
        if (anon) return !has(pfn, PG_EXCL);
        return rules.inForce(Rule.LONGTERM_RO_FILE_UNSHARE) && (gup & FOLL_LONGTERM) != 0 && !m.shared;
    }

    /**
     * __get_user_pages for one page: follow_page, faultin_page, retry. Returns the pfn (with the
     * reference taken), or -1 (EFAULT; a warning says why).
     */
    final int getUserPage(Proc caller, Proc p, Mapping m, int i, int gup) {
        long v = m.pte(i);
        if ((v & V_MAPPED) == 0) {
            log.warn("GUP on " + m.name + "[" + i + "]: no VMA (EFAULT)");
            return -1;
        }
        boolean force = (gup & FOLL_FORCE) != 0;
        if ((gup & FOLL_WRITE) != 0 && (v & V_WRITE) == 0 && !(force && !m.shared)) {
            log.warn("GUP write on " + m.name + "[" + i + "]: VMA not writable (EFAULT)");
            return -1;
        }
        if ((v & V_READ) == 0 && !force) {
            log.warn("GUP on " + m.name + "[" + i + "]: VMA not readable (EFAULT)");
            return -1;
        }
        if (rules.inForce(Rule.GUP_FORCE_COW_BREAK) && (gup & (FOLL_GET | FOLL_PIN)) != 0 && (gup & FOLL_WRITE) == 0 && !m.shared
                && (v & V_WRITE) != 0) {
            gup |= FOLL_WRITE;
            log.event(EventType.NOTE, "force_cow_break", p.name, m.name, i, -1, "__get_user_pages", Rule.GUP_FORCE_COW_BREAK,
                    log.detail ? "GUP in a COW mapping is treated as a write: FOLL_WRITE added · " + Rule.GUP_FORCE_COW_BREAK.cite() : null, null);
        }
        if ((gup & FOLL_FAST) != 0) {
            long w = m.pte(i);
            int pfn = (int) (w & PFN_MASK);
            boolean ok = (w & P_PRESENT) != 0 && (w & P_PMD) == 0 && ((gup & FOLL_WRITE) == 0 || (w & P_WRITE) != 0)
                    && !gupMustUnshare(m, w, (w & P_ZERO) != 0 ? ZERO_PFN : pfn, gup);
            log.leaf("gup_fast", ok ? "lockless walk succeeded" : "needs a fault or an unshare: fall back to __get_user_pages");
            if (ok) return grab(p, m, i, (w & P_ZERO) != 0 ? ZERO_PFN : pfn, gup);
        }
        int d = log.enter("__get_user_pages", log.detail ? gupFlagNames(gup) : null);
        try {
            for (int iter = 0; iter < 8; iter++) {
                v = m.pte(i);
                if ((v & V_MAPPED) == 0) {
                    log.warn("GUP on " + m.name + "[" + i + "]: the VMA went away (EFAULT)");
                    return -1;
                }
                int pfn = (v & P_ZERO) != 0 ? ZERO_PFN : (int) (v & PFN_MASK);
                int faultFlags = followPage(p, m, i, gup);
                if (faultFlags == FOLLOW_OK) return grab(p, m, i, pfn, gup);
                gup = faultinPage(caller, p, m, i, faultFlags, gup);
                if (gup < 0) return -1;
                fireHooks(Hook.HookPoint.GUP_RETRY);
            }
            log.warn("GUP on " + m.name + "[" + i + "] did not settle after 8 retries (EFAULT)");
            return -1;
        } finally {
            log.depth = d;
        }
    }

    static final int FOLLOW_OK = -1;

    /**
     * follow_page_pte: FOLLOW_OK when the PTE allows the access (the caller takes the reference), else
     * the fault flags faultin_page must use: missing page, FOLL_WRITE on a PTE FOLL_FORCE may not write
     * through, or an unshare (gup_must_unshare).
     */
    final int followPage(Proc p, Mapping m, int i, int gup) {
        long v = m.pte(i);
        int pfn = (v & P_ZERO) != 0 ? ZERO_PFN : (int) (v & PFN_MASK);
        log.leaf("follow_page_pte", null);
        if ((v & P_PRESENT) == 0) return (gup & FOLL_WRITE) != 0 ? FAULT_FLAG_WRITE : 0;
        if ((gup & FOLL_WRITE) != 0 && !canFollowWritePte(m, v, pfn, gup)) return FAULT_FLAG_WRITE;
        if (gupMustUnshare(m, v, pfn, gup)) {
            boolean anon = pfn != ZERO_PFN && has(pfn, PG_ANON);
            log.event(EventType.NOTE, "must_unshare", p.name, m.name, i, pfn, "gup_must_unshare",
                    anon ? Rule.GUP_UNSHARE : Rule.LONGTERM_RO_FILE_UNSHARE,
                    log.detail ? "read-only FOLL_PIN of a page that is not exclusive: unshare first · "
                            + (anon ? Rule.GUP_UNSHARE.cite() : Rule.LONGTERM_RO_FILE_UNSHARE.cite()) : null, null);
            return FAULT_FLAG_UNSHARE;
        }
        if ((gup & FOLL_WRITE) != 0 && (v & P_WRITE) == 0)
            log.event(EventType.NOTE, "force", p.name, m.name, i, pfn, "can_follow_write_pte",
                    rules.inForce(Rule.FOLL_COW) ? Rule.FOLL_COW : Rule.FOLL_FORCE_NEEDS_PAE,
                    log.detail ? "FOLL_FORCE writes through the read-only PTE" : null, null);
        return FOLLOW_OK;
    }

    /**
     * faultin_page: one fault for GUP; returns the (possibly changed) GUP flags, or -1 on failure. After a
     * COW fault on a VMA without VM_WRITE, ≤ 4.8 drops FOLL_WRITE (the Dirty COW bug), 4.9-5.19 sets FOLL_COW.
     */
    final int faultinPage(Proc caller, Proc p, Mapping m, int i, int faultFlags, int gup) {
        VmFault f = new VmFault(p, m, i, faultFlags | FAULT_FLAG_REMOTE);
        f.gup = true;
        f.cpu = caller.cpu;
        int d2 = log.enter("faultin_page", null);
        int ret = handleMmFault(f);
        log.depth = d2;
        if ((ret & (VM_FAULT_ERROR | VM_FAULT_SIGSEGV | VM_FAULT_BLOCKED)) != 0) return -1;
        if ((ret & VM_FAULT_WRITE) != 0 && (m.pte(i) & V_WRITE) == 0 && (gup & FOLL_WRITE) != 0) {
            if (rules.inForce(Rule.DIRTY_COW_BUG)) {
                gup &= ~FOLL_WRITE;
                log.event(EventType.NOTE, "drop_foll_write", p.name, m.name, i, -1, "faultin_page", Rule.DIRTY_COW_BUG,
                        "the COW fault is done and the VMA is not writable: FOLL_WRITE is dropped, GUP retries as a read · " + Rule.DIRTY_COW_BUG.cite(), null);
            } else if (rules.inForce(Rule.FOLL_COW)) {
                gup |= FOLL_COW;
                log.event(EventType.NOTE, "foll_cow", p.name, m.name, i, -1, "faultin_page", Rule.FOLL_COW,
                        log.detail ? "the COW fault is done: FOLL_COW set, FOLL_WRITE kept · " + Rule.FOLL_COW.cite() : null, null);
            }
        }
        return gup;
    }

    /** get_user_pages / pin_user_pages over [a, b]: the pfns taken, or null (EFAULT; references already taken are dropped) */
    final int[] getUserPages(Proc caller, Proc p, Mapping m, int a, int b, int gup) {
        int[] pfns = new int[b - a + 1];
        for (int k = 0; k < pfns.length; k++) {
            log.page(k);
            int pfn = getUserPage(caller, p, m, a + k, gup);
            if (pfn < 0) {
                log.detailOn();
                for (int j = 0; j < k; j++) ungrab(pfns[j], gup);
                return null;
            }
            pfns[k] = pfn;
        }
        log.detailOn();
        return pfns;
    }

    private static String gupFlagNames(int gup) {
        StringBuilder sb = new StringBuilder();
        if ((gup & FOLL_GET) != 0) sb.append("FOLL_GET");
        if ((gup & FOLL_PIN) != 0) sb.append("FOLL_PIN");
        if ((gup & FOLL_WRITE) != 0) sb.append("|FOLL_WRITE");
        if ((gup & FOLL_LONGTERM) != 0) sb.append("|FOLL_LONGTERM");
        if ((gup & FOLL_FORCE) != 0) sb.append("|FOLL_FORCE");
        return sb.toString();
    }

    /** take the GUP reference: +1 (FOLL_GET), +1024 (FOLL_PIN, small page) or +1 and pincount (THP) */
    private int grab(Proc p, Mapping m, int i, int pfn, int gup) {
        if (pfn == ZERO_PFN) {
            log.event((gup & FOLL_PIN) != 0 ? EventType.PIN : EventType.GET, "zero", p.name, m.name, i, ZERO_PFN, "try_grab_folio", null,
                    log.detail ? "the zero page is taken (its refcount is not tracked)" : null, null);
            return pfn;
        }
        if ((gup & FOLL_PIN) != 0) {
            if (isThp(pfn)) {
                folioGet(pfn, 1);
                folios.get(head(pfn)).pincount++;
            } else folioGet(pfn, GUP_PIN_COUNTING_BIAS);
            if (!p.hasPinned) {
                p.hasPinned = true;
                log.leaf("mm_set_has_pinned_flag", "MMF_HAS_PINNED");
            }
            log.event(EventType.PIN, null, p.name, m.name, i, pfn, "try_grab_folio", Rule.PIN_USER_PAGES,
                    log.detail ? "FOLL_PIN: pfn " + pfn + " page_count " + refcount(pfn) + " (" + (isThp(pfn) ? "+1, pincount +1" : "+1024") + ")" : null, null);
        } else {
            folioGet(pfn, 1);
            log.event(EventType.GET, null, p.name, m.name, i, pfn, "try_grab_folio", null,
                    log.detail ? "FOLL_GET: pfn " + pfn + " page_count " + refcount(pfn) + " (+1)" : null, null);
        }
        return pfn;
    }

    private void ungrab(int pfn, int gup) {
        if (pfn == ZERO_PFN || pfn < 0) return;
        if ((gup & FOLL_PIN) != 0 && isThp(pfn)) {
            Folio fo = folios.get(head(pfn));
            if (fo != null) fo.pincount--;
            folioPut(pfn, 1);
        } else folioPut(pfn, (gup & FOLL_PIN) != 0 ? GUP_PIN_COUNTING_BIAS : 1);
    }

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
                    procOp(p, h.op());
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

    private String pin(Proc p, Mapping m, int[] r, int gup, String name, HandleKind kind, String device) {
        if (name == null) throw new OpError("a handle needs a name");
        if (handles.containsKey(name) || pipes.containsKey(name)) throw new OpError("handle " + name + " already exists");
        if ((gup & FOLL_PIN) != 0 && !rules.inForce(Rule.PIN_USER_PAGES)) {
            gup = (gup & ~FOLL_PIN) | FOLL_GET;
            log.warn("pin_user_pages does not exist before 5.6: drivers took FOLL_GET references (" + Rule.PIN_USER_PAGES.cite() + ")");
        }
        int d = log.enter((gup & FOLL_PIN) != 0 ? "pin_user_pages" : "get_user_pages", log.detail ? gupFlagNames(gup) : null);
        int[] pfns = getUserPages(p, p, m, r[0], r[1], gup);
        log.depth = d;
        if (pfns == null) {
            log.warn("GUP failed in " + m.name + "[" + r[0] + ".." + r[1] + "]: the handle is not created");
            return "EFAULT";
        }
        int ok = pfns.length;
        handles.put(name, new Handle(name, kind, p, m, r[0], pfns, gup, device));
        return p.name + " " + ((gup & FOLL_PIN) != 0 ? "pinned " : "got ") + ok + " page(s) as " + name;
    }

    private String release(Proc p, String name, HandleKind expected) {
        Handle h = liveHandle(name);
        if (expected == HandleKind.PIN && h.kind != HandleKind.PIN) throw new OpError("handle " + name + " is not a pin handle (use " + (h.kind == HandleKind.GET ? "put" : "complete") + ")");
        if (expected == HandleKind.GET && h.kind != HandleKind.GET) throw new OpError("handle " + name + " is not a get handle (use " + (h.kind == HandleKind.PIN ? "unpin" : "complete") + ")");
        releaseHandle(h);
        return name + " released";
    }

    final void releaseHandle(Handle h) {
        boolean pin = (h.gupFlags & FOLL_PIN) != 0;
        int d = log.enter(pin ? "unpin_user_pages" : "put_page", h.name);
        for (int k = 0; k < h.pfns.length; k++) {
            log.page(k);
            int pfn = h.pfns[k];
            log.event(pin ? EventType.UNPIN : EventType.PUT, null, h.owner.name, h.m.name, h.first + k, pfn, pin ? "unpin_user_page" : "put_page", null,
                    log.detail ? h.name + " releases pfn " + pfn : null, null);
            ungrab(pfn, h.gupFlags);
        }
        log.detailOn();
        h.live = false;
        log.depth = d;
    }

    private String vmsplice(Proc p, Mapping m, int[] r, String pipeName) {
        if (pipeName == null) throw new OpError("vmsplice needs a pipe");
        if (handles.containsKey(pipeName)) throw new OpError(pipeName + " is a handle, not a pipe");
        Pipe pipe = pipes.get(pipeName);
        int d = log.enter("vmsplice_to_pipe", "FOLL_GET, read-only");
        int n = 0;
        for (int k = 0; k <= r[1] - r[0]; k++) {
            log.page(k);
            int pfn = getUserPage(p, p, m, r[0] + k, FOLL_GET);
            if (pfn < 0) break;
            if (pipe == null) {
                pipe = new Pipe(pipeName);
                pipes.put(pipeName, pipe);
            }
            pipe.pfns.add(pfn);
            pipe.fillers.add(p);
            n++;
            log.event(EventType.PIPE, "splice", p.name, m.name, r[0] + k, pfn, "add_to_pipe", null,
                    log.detail ? "pipe " + pipeName + " holds a reference to pfn " + pfn + " (no copy)" : null, null);
        }
        log.detailOn();
        if (pipe == null) pipes.put(pipeName, pipe = new Pipe(pipeName));
        log.depth = d;
        return p.name + " spliced " + n + " page(s) into " + pipeName;
    }

    private String readPipe(Proc p, String name) {
        Pipe pipe = pipes.get(name);
        if (pipe == null) throw new OpError("unknown pipe '" + name + "'");
        int d = log.enter("pipe_read", name);
        for (int k = 0; k < pipe.pfns.size(); k++) {
            log.page(k);
            int pfn = pipe.pfns.get(k);
            int ver = content(pfn);
            log.read(ct.text(ver));
            Proc filler = pipe.fillers.get(k);
            checkLeak(filler, ver, pfn, "pipe " + name + " (filled by " + filler.name + ")");
            log.event(EventType.PIPE, "read", p.name, null, -1, pfn, "pipe_read", null, log.detail ? "buffer " + k + " → \"" + ct.text(ver) + "\", reference released" : null, null);
            folioPut(pfn, 1);
        }
        log.detailOn();
        int n = pipe.pfns.size();
        if (n == 0) log.read("");
        pipe.pfns.clear();
        pipe.fillers.clear();
        log.depth = d;
        return p.name + " read " + n + " buffer(s) from " + name;
    }

    /** write to /proc/PID/mem: GUP FOLL_GET|FOLL_WRITE|FOLL_FORCE page by page, write, put at once */
    private String poke(Proc caller, Proc target, Mapping m, int[] r, String text) {
        int ver = ct.newVersion(text, caller.pid, stepIndex, m.shared);
        int d = log.enter("mem_rw", "/proc/" + target.pid + "/mem");
        int n = 0;
        for (int i = r[0]; i <= r[1]; i++) {
            log.page(i - r[0]);
            int pfn = getUserPage(caller, target, m, i, FOLL_GET | FOLL_WRITE | FOLL_FORCE);
            if (pfn < 0) continue;
            if (pfn == ZERO_PFN) {
                log.warn("poke reached the zero page at " + m.name + "[" + i + "]: the engine refuses to write it");
                continue;
            }
            log.leaf("copy_to_user_page", "pfn " + pfn);
            storeContent(pfn, ver);
            n++;
            if (has(pfn, PG_FILE) && !m.shared) {
                raiseHazard(HazardType.FILE_CORRUPTED, "the forced write through the private mapping " + target.name + "." + m.name + "[" + i
                        + "] landed in the page cache of " + fileName(pfn) + " (Dirty COW)", pfn, fileName(pfn), target.name + "." + m.name + "[" + i + "]");
            }
            folioPut(pfn, 1);
            log.event(EventType.PUT, null, target.name, m.name, i, pfn, "put_page", null, null, null);
        }
        log.detailOn();
        log.depth = d;
        return caller.name + " poked " + n + " page(s) of " + target.name;
    }

    // ---------------------------------------------------------------- devices
    private String dmaWrite(Handle h, String text, boolean complete) {
        int ver = ct.newVersion(text, ContentTable.DEVICE, stepIndex, false);
        int d = log.enter(complete ? "iomap_dio_complete" : "dma_write", h.name + " (" + h.device + ")");
        if (split(h)) observeSplit(h, "write");
        for (int k = 0; k < h.pfns.length; k++) {
            int pfn = h.pfns[k];
            if (pfn == ZERO_PFN) {
                log.warn("the device would write the zero page: refused");
                continue;
            }
            storeContent(pfn, ver);
            if (has(pfn, PG_FILE) && !h.m.shared)
                raiseHazard(HazardType.FILE_CORRUPTED, "DMA through " + h.name + " wrote the page cache of " + fileName(pfn) + " through a private mapping", pfn, fileName(pfn), h.name);
        }
        log.event(EventType.DMA, "write", h.owner.name, h.m.name, h.first, h.pfns.length > 0 ? h.pfns[0] : -1, "dma", null,
                h.device + " writes \"" + text + "\" into " + h.pfns.length + " pinned page(s)", null);
        if (complete) releaseHandle(h);
        log.depth = d;
        return h.name + " " + (complete ? "completed" : "dma write");
    }

    private String dmaRead(Handle h) {
        int d = log.enter("dma_read", h.name + " (" + h.device + ")");
        if (split(h)) observeSplit(h, "read");
        for (int k = 0; k < h.pfns.length; k++) {
            int pfn = h.pfns[k];
            int ver = content(pfn);
            log.read(ct.text(ver));
            checkLeak(h.owner, ver, pfn, "DMA read through " + h.name);
        }
        log.event(EventType.DMA, "read", h.owner.name, h.m.name, h.first, h.pfns.length > 0 ? h.pfns[0] : -1, "dma", null,
                h.device + " reads " + h.pfns.length + " pinned page(s)", null);
        log.depth = d;
        return h.name + " dma read";
    }

    // ---------------------------------------------------------------- userfaultfd (§3.12)
    private String uffdRegister(Proc p, Mapping m, int[] r) {
        if (!rules.inForce(Rule.UFFD_WP)) {
            log.warn("userfaultfd write-protect does not exist before 5.7: EINVAL, no effect (" + Rule.UFFD_WP.cite() + ")");
            return "EINVAL";
        }
        if (m.file != null) {
            log.warn("uffd-wp on file or shmem mappings is not simulated: EINVAL");
            return "EINVAL";
        }
        splitPartialPmds(p, m, r[0], r[1]);
        setVmFlag(m, r, V_UFFD_WP, true);
        log.leaf("userfaultfd_register", "UFFDIO_REGISTER_MODE_WP");
        return p.name + " registered " + m.name + " for uffd-wp";
    }

    private String uffdWp(Proc p, Mapping m, int[] r, boolean on) {
        if (!rules.inForce(Rule.UFFD_WP)) {
            log.warn("userfaultfd write-protect does not exist before 5.7: EINVAL, no effect");
            return "EINVAL";
        }
        boolean registered = false;
        for (int i = r[0]; i <= r[1] && !registered; i++) registered = (m.pte(i) & V_UFFD_WP) != 0;
        if (!registered) {
            log.warn("UFFDIO_WRITEPROTECT on " + m.name + ": the range is not registered for uffd-wp (ENOENT), no effect");
            return "ENOENT";
        }
        int d = log.enter("mwriteprotect_range", on ? "protect" : "resolve");
        splitPartialPmds(p, m, r[0], r[1]);
        int k = 0;
        for (int i = r[0]; i <= r[1]; i++) {
            long v = m.pte(i);
            if ((v & V_UFFD_WP) == 0) continue;
            if ((v & (P_PRESENT | P_SWAP)) == 0) continue;
            log.page(k++);
            long nv;
            if (on) {
                nv = (v | P_UFFD_WP) & ~P_WRITE;
                if ((v & P_WRITE) != 0) log.event(EventType.WRPROTECT, "uffd_wp", p.name, m.name, i, v & PFN_MASK, "change_pte_range", Rule.UFFD_WP,
                        log.detail ? "uffd-wp armed: PTE write-protected" : null, null);
            } else {
                nv = v & ~P_UFFD_WP;
                if ((v & P_PRESENT) != 0 && rules.inForce(Rule.UFFD_WP_RESOLVE_MKWRITE) && canMkwrite(m, nv)) {
                    nv |= P_WRITE;
                    log.event(EventType.MKWRITE, "uffd_wp", p.name, m.name, i, v & PFN_MASK, "change_pte_range", Rule.UFFD_WP_RESOLVE_MKWRITE,
                            log.detail ? "uffd-wp resolved through the mprotect path: exclusive page made writable at once · " + Rule.UFFD_WP_RESOLVE_MKWRITE.cite() : null, null);
                }
            }
            setPte(m, i, nv);
        }
        log.detailOn();
        log.depth = d;
        if (!on && p.blocked != null && p.blocked.m() == m && p.blocked.idx() >= r[0] && p.blocked.idx() <= r[1]) {
            Pending b = p.blocked;
            p.blocked = null;
            log.event(EventType.UNBLOCKED, null, p.name, m.name, b.idx(), -1, "handle_userfault", null,
                    p.name + "'s blocked write to " + m.name + "[" + b.idx() + "] resumes", null);
            cpuWrite(p, m, b.idx(), b.last(), b.version());
        }
        return p.name + " uffd_wp " + m.name + (on ? " on" : " off");
    }

    // ---------------------------------------------------------------- hazards (§8)
    final void raiseHazard(HazardType t, String text, long pfn, String... involved) {
        Hazard h = new Hazard(t, stepIndex, text, pfn < 0 ? List.of() : List.of(pfn), List.of(involved));
        if (hazards.size() < 10_000) hazards.add(h);
        hazardCounts.merge(t, 1, Integer::sum);
        log.hazard(h);
    }

    /** the step at which processes a and b stopped sharing private memory (their separating fork), or MAX if never related */
    final int separation(Proc a, Proc b) {
        if (a == b) return Integer.MAX_VALUE;
        HashMap<Proc, Integer> upA = new HashMap<>(); // ancestor -> max fork step on the way from a
        int s = -1;
        for (Proc x = a; x != null; x = x.parent) {
            upA.put(x, s);
            s = Math.max(s, x.forkStep);
        }
        s = -1;
        for (Proc y = b; y != null; y = y.parent) {
            Integer sa = upA.get(y);
            if (sa != null) return Math.max(sa, s);
            s = Math.max(s, y.forkStep);
        }
        return Integer.MAX_VALUE;
    }

    private int leakCacheVer = -1;
    private Proc leakCacheReader;

    /** §8 leak: reader sees content another process wrote after they stopped sharing */
    final void checkLeak(Proc reader, int ver, int pfn, String where) {
        if (ver == leakCacheVer && reader == leakCacheReader) return;
        leakCacheVer = ver;
        leakCacheReader = reader;
        int w = ct.vWriter[ver];
        if (w < 0 || w == reader.pid || (ct.vFlags[ver] & ContentTable.SHARED) != 0) return;
        Proc writer = null;
        for (Proc q : procs) if (q.pid == w) writer = q;
        if (writer == null) return;
        int sep = separation(reader, writer);
        if (sep == Integer.MAX_VALUE || ct.vStep[ver] <= sep) return;
        raiseHazard(HazardType.LEAK, where + " returns \"" + ct.text(ver) + "\", written by " + writer.name + " at step " + ct.vStep[ver]
                + ", after " + reader.name + " and " + writer.name + " stopped sharing (step " + sep + ")", pfn, reader.name, writer.name, where);
    }

    /** the pfn the handle's process maps at the handle's address now, or -1 */
    final int currentPfn(Handle h, int k) {
        long v = h.m.pte(h.first + k);
        if ((v & P_PRESENT) != 0) return (v & P_ZERO) != 0 ? ZERO_PFN : (int) (v & PFN_MASK);
        if ((v & P_SWAP) != 0) {
            int c = slotCache[(int) (v & PFN_MASK)];
            return c == 0 ? -1 : c;
        }
        return -1;
    }

    final boolean coherent(Handle h) {
        if (h.owner.state != ProcState.ALIVE) return false;
        for (int k = 0; k < h.pfns.length; k++) if (currentPfn(h, k) != h.pfns[k]) return false;
        return true;
    }

    /** the process (alive) maps a different page than the handle holds at some address */
    final boolean split(Handle h) {
        if (h.owner.state != ProcState.ALIVE) return false;
        for (int k = 0; k < h.pfns.length; k++) {
            int cur = currentPfn(h, k);
            if (cur >= 0 && cur != h.pfns[k]) return true;
        }
        return false;
    }

    private void observeSplit(Handle h, String what) {
        raiseHazard(HazardType.COHERENCY_LOST, "DMA " + what + " through " + h.name + " uses pages " + h.owner.name + " no longer maps at "
                + h.m.name + "[" + h.first + "..]", h.pfns.length > 0 ? h.pfns[0] : -1, h.name);
    }

    /** after every step: a live handle whose process now maps a different page at its address */
    private void checkCoherency() {
        for (Handle h : handles.values()) {
            if (!h.live || h.lost || h.owner.state != ProcState.ALIVE) continue;
            for (int k = 0; k < h.pfns.length; k++) {
                int cur = currentPfn(h, k);
                if (cur >= 0 && cur != h.pfns[k]) {
                    h.lost = true;
                    raiseHazard(HazardType.COHERENCY_LOST, "handle " + h.name + " holds pfn " + h.pfns[k] + " but " + h.owner.name + " now maps pfn " + cur
                            + " at " + h.m.name + "[" + (h.first + k) + "]: the device and the process see different pages", h.pfns[k],
                            h.name, h.owner.name + "." + h.m.name + "[" + (h.first + k) + "]");
                    break;
                }
            }
        }
    }
}
