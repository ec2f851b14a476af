/**
 * The engine's JSON shapes (io.cowscope.engine.Snapshot, PageView, PteView, RefSource, Delta …):
 * field names are the Java record components. Enums may arrive as their Java names ("FAULT") or
 * as words ("fault"); {@link word} reads both. No DOM here.
 */

export interface RefSource {
  readonly kind: string; // mapping, pmd_mapping, pin, get, pipe, swapcache, lru_batch, page_cache
  readonly count: number;
  readonly proc: string | null;
  readonly var: string | null;
  readonly index: number;
  readonly holder: string | null;
  readonly cpu: number;
}

export interface PageView {
  readonly pfn: number;
  readonly content: string;
  readonly anon: boolean;
  readonly anonExclusive: boolean;
  readonly ksm: boolean;
  readonly swapcache: boolean;
  readonly lru: boolean;
  readonly locked: boolean;
  readonly dirty: boolean;
  readonly thp: boolean;
  readonly thpHead: boolean;
  /** a page of a 2 MiB hugetlb folio (MAP_HUGETLB): thp is false (kpageflags HUGE, not THP); thpHead marks its head */
  readonly hugetlb?: boolean;
  readonly zero: boolean;
  readonly file: boolean;
  readonly free: boolean;
  readonly refcount: number;
  readonly mapcount: number;
  readonly pincount: number;
  readonly entireMapcount: number;
  readonly folioHead: number;
  readonly swapSlot: number;
  readonly lruBatchCpu: number;
  readonly fileName: string | null;
  readonly fileIndex: number;
  readonly sources: readonly RefSource[];
  readonly writer: string;
  readonly writtenAt: number;
}

export interface PteView {
  readonly index: number;
  readonly vma: boolean;
  readonly present: boolean;
  readonly write: boolean;
  readonly dirty: boolean;
  readonly young: boolean;
  readonly softDirty: boolean;
  readonly uffdWp: boolean;
  readonly swap: boolean;
  readonly swpExclusive: boolean;
  readonly pmd: boolean;
  readonly zero: boolean;
  readonly pfn: number;
  readonly slot: number;
}

export interface VmaRange {
  readonly first: number;
  readonly last: number;
  readonly mapped: boolean;
  readonly prot: string;
  readonly flags: readonly string[];
}

export interface Counts {
  readonly present: number;
  readonly writable: number;
  readonly swapped: number;
  readonly zero: number;
  readonly none: number;
  readonly pmdMapped: number;
}

export interface VmaView {
  readonly var: string;
  readonly start: number;
  readonly pages: number;
  readonly shared: boolean;
  readonly file: string | null;
  readonly ranges: readonly VmaRange[];
  readonly ptesFirst: number;
  readonly ptes: readonly PteView[];
  readonly counts: Counts | null;
}

export interface ProcessView {
  readonly name: string;
  readonly pid: number;
  readonly cpu: number;
  readonly state: string;
  readonly blocked: boolean;
  readonly blockedOn: string | null;
  readonly hasPinned: boolean;
  readonly parent: string | null;
  readonly vmas: readonly VmaView[];
}

export interface PipeView {
  readonly name: string;
  readonly buffers: readonly number[];
  readonly contents: readonly string[];
}
export interface HandleView {
  readonly name: string;
  readonly kind: string;
  readonly owner: string;
  readonly device: string | null;
  readonly flags: readonly string[];
  readonly var: string | null;
  readonly first: number;
  readonly pfns: readonly number[];
  readonly coherent: boolean;
  readonly live: boolean;
}
export interface LruBatchView {
  readonly cpu: number;
  readonly capacity: number;
  readonly pfns: readonly number[];
}
export interface SwapSlotView {
  readonly slot: number;
  readonly swapCount: number;
  readonly content: string;
  readonly cachedPfn: number;
}
export interface FileView {
  readonly name: string;
  readonly pages: number;
  readonly contents: readonly string[];
  readonly cachedPfns: readonly number[];
}

export interface Hazard {
  readonly type: string;
  readonly step: number;
  readonly text: string;
  readonly pfns: readonly number[];
  readonly involved: readonly string[];
}

export interface Stats {
  readonly cow: number;
  readonly reuse: number;
  readonly faults: number;
  readonly pages: number;
  readonly unshare: number;
  readonly forkCopies: number;
  readonly swapIns: number;
  readonly swapOuts: number;
  readonly ksmMerges: number;
  readonly frees: number;
}

export interface Snapshot {
  readonly step: number;
  readonly kernel: unknown;
  readonly config?: unknown;
  readonly processes: readonly ProcessView[];
  readonly pages: readonly PageView[];
  readonly pipes: readonly PipeView[];
  readonly handles: readonly HandleView[];
  readonly lruBatches: readonly LruBatchView[];
  readonly swapSlots: readonly SwapSlotView[];
  readonly files: readonly FileView[];
  readonly ksmStable: readonly number[];
  readonly stats: Stats | null;
  readonly hazards: readonly Hazard[];
  readonly pagesTruncated: boolean;
}

export interface PteChange {
  readonly proc: string;
  readonly var: string;
  readonly index: number;
  readonly before: PteView | null;
  readonly after: PteView | null;
}

export interface Delta {
  readonly ptes: readonly PteChange[];
  readonly pteChangeCount: number;
  readonly pteRanges: readonly { proc: string; var: string; first: number; last: number }[];
  readonly pages: readonly PageView[];
  readonly created: readonly number[];
  readonly freed: readonly number[];
  readonly pageChangeCount: number;
  readonly createdCount: number;
  readonly freedCount: number;
  readonly truncated: boolean;
}

export interface KernelStep {
  readonly depth: number;
  readonly function: string;
  readonly note: string | null;
}

export interface EngineEvent {
  readonly type: string;
  readonly kind: string | null;
  readonly proc: string | null;
  readonly var: string | null;
  readonly page: number;
  readonly pfn: number;
  readonly function: string | null;
  readonly rule: string | null;
  readonly ruleCite?: string | null;
  readonly text: string | null;
  readonly values: Readonly<Record<string, unknown>> | null;
}

/** "FAULT" / "fault" / "FORK_COPY" → "fault" / "fork_copy"; anything else → "". */
export function word(value: unknown): string {
  if (typeof value === 'string') return value.toLowerCase();
  if (value && typeof value === 'object' && 'word' in value) return String((value as { word: unknown }).word);
  return '';
}

/** A kernel version as "5.7", whether it came as a string or as {major, minor}. */
export function versionText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as { major?: unknown; minor?: unknown };
    if (typeof v.major === 'number' && typeof v.minor === 'number') return `${v.major}.${v.minor}`;
  }
  return '';
}

/** The key of a PTE in joins, hazards and diffs: "proc.var[i]". */
export function pteKey(proc: string, variable: string, index: number): string {
  return `${proc}.${variable}[${index}]`;
}

const empty = <T>(value: readonly T[] | null | undefined): readonly T[] => value ?? [];

/** Fills the lists the server may leave out, so render code never checks for null. */
export function normalizeSnapshot(raw: Partial<Snapshot> & Record<string, unknown>): Snapshot {
  return {
    step: typeof raw.step === 'number' ? raw.step : 0,
    kernel: raw.kernel ?? null,
    config: raw.config,
    processes: empty(raw.processes).map((p) => ({ ...p, vmas: empty(p.vmas).map((v) => ({ ...v, ptes: empty(v.ptes), ranges: empty(v.ranges) })) })),
    pages: empty(raw.pages).map((p) => ({ ...p, sources: empty(p.sources) })),
    pipes: empty(raw.pipes),
    handles: empty(raw.handles),
    lruBatches: empty(raw.lruBatches),
    swapSlots: empty(raw.swapSlots),
    files: empty(raw.files),
    ksmStable: empty(raw.ksmStable),
    stats: raw.stats ?? null,
    hazards: empty(raw.hazards),
    pagesTruncated: raw.pagesTruncated === true,
  };
}

/**
 * A forward step: the delta's PTE changes and page states on top of the previous snapshot.
 * Holders (pipes, handles, batches…) are not in a delta; the caller keeps the previous ones
 * unless the server sent a full state. Pure: returns a new snapshot.
 */
export function applyDelta(snapshot: Snapshot, delta: Delta, step: number): Snapshot {
  const changes = new Map<string, PteView | null>();
  for (const c of empty(delta.ptes)) changes.set(pteKey(c.proc, c.var, c.index), c.after);
  const processes = changes.size === 0 ? snapshot.processes : snapshot.processes.map((proc) => ({
    ...proc,
    vmas: proc.vmas.map((vma) => {
      let touched = false;
      const ptes = vma.ptes.map((pte) => {
        const key = pteKey(proc.name, vma.var, pte.index);
        if (!changes.has(key)) return pte;
        touched = true;
        const after = changes.get(key);
        return after ?? { ...pte, present: false, swap: false, write: false, dirty: false, young: false, pfn: -1, slot: -1 };
      });
      return touched ? { ...vma, ptes } : vma;
    }),
  }));
  const freed = new Set(empty(delta.freed));
  const changed = new Map(empty(delta.pages).map((p) => [p.pfn, { ...p, sources: empty(p.sources) }]));
  const pages: PageView[] = [];
  for (const page of snapshot.pages) {
    if (freed.has(page.pfn)) continue;
    const next = changed.get(page.pfn);
    pages.push(next ?? page);
    changed.delete(page.pfn);
  }
  for (const page of changed.values()) if (!freed.has(page.pfn) && !page.free) pages.push(page);
  return { ...snapshot, step, processes, pages };
}
