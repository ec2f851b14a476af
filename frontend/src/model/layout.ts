import {
  type PageView,
  type ProcessView,
  type PteView,
  pteKey,
  type Snapshot,
  type VmaView,
} from './snapshot';

/**
 * Sizes of the stage in layout units. The SVG's viewBox maps them to the box the stage gets
 * (model/fit.ts), so these are proportions, not pixels: a label of `font` units is drawn at
 * `font × scale` CSS px.
 */
export interface StageConfig {
  /**
   * 'wide': process lanes on the left, page cards on the right (wide boxes);
   * 'tall': page cards below the lanes, arrows in a gutter on the right (narrow boxes: a phone,
   * one of two stacked compare stages).
   */
  readonly arrangement: 'wide' | 'tall';
  /** 'compact': the mapping's address line is left out and the gaps are tighter */
  readonly detail: 'full' | 'compact';
  /** the size of the stage's state labels (pfn, counts, PTE bits, names), in layout units */
  readonly font: number;
  readonly laneX: number;
  readonly laneWidth: number;
  readonly laneHeader: number;
  readonly vmaHeader: number;
  readonly row: number;
  readonly gap: number;
  readonly cardX: number;
  readonly cardWidth: number;
  readonly cardHeight: number;
  readonly holderWidth: number;
  /** a VMA with more pages than this is drawn as a canvas strip, one cell per page */
  readonly stripThreshold: number;
  readonly stripHeight: number;
  /** page cards drawn at most; the rest are counted */
  readonly maxCards: number;
  /** a strip whose window holds at most this many PTEs shows them as rows (zoom) */
  readonly zoomRows: number;
  /**
   * Merge runs of alike rows (at least {@link MIN_RUN}): the run's first row is drawn, the rest is
   * one summary row ("[4–511] same as [3]", expandable), and their pages are counted on the first
   * row's card ("+508 alike") instead of drawn. For boxes where even the compact form would put the
   * type under the floor.
   */
  readonly merge?: boolean;
}

/** The shortest run of alike rows that is merged: the first row and at least two more. */
export const MIN_RUN = 3;

export const defaultConfig: StageConfig = {
  arrangement: 'wide',
  detail: 'full',
  font: 14,
  laneX: 8,
  laneWidth: 430,
  laneHeader: 34,
  vmaHeader: 42,
  row: 28,
  gap: 14,
  cardX: 530,
  cardWidth: 300,
  cardHeight: 98,
  holderWidth: 232,
  stripThreshold: 512,
  stripHeight: 80,
  maxCards: 600,
  zoomRows: 64,
};

/** Cards below the lanes: about half as wide as {@link defaultConfig}. */
export const tallConfig: StageConfig = { ...defaultConfig, arrangement: 'tall' };

/**
 * Less detail for boxes too small to show the whole state at the type floor ("show less rather
 * than smaller"): no address line under each mapping's name (the inspector has it), tighter gaps.
 */
const compact = { detail: 'compact', vmaHeader: 24, laneHeader: 30, gap: 8 } as const;

/**
 * The arrangements the stage chooses from for a box (model/fit.ts picks the larger type): the
 * first {@link FULL_DETAIL} with every detail, then their compact forms.
 */
export const arrangements: readonly StageConfig[] = [
  defaultConfig,
  tallConfig,
  { ...defaultConfig, ...compact },
  { ...tallConfig, ...compact },
  { ...defaultConfig, ...compact, merge: true },
  { ...tallConfig, ...compact, merge: true },
];
export const FULL_DETAIL = 2;

/** Width of the right-hand gutter the tall arrangement's arrows run in. */
const GUTTER = 44;

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface LaneBox {
  readonly key: string;
  readonly proc: ProcessView;
  readonly colour: number;
  readonly y: number;
  readonly height: number;
}
export interface VmaBox {
  readonly key: string;
  readonly proc: string;
  readonly vma: VmaView;
  readonly y: number;
  readonly height: number;
  readonly strip: boolean;
  /** the address line, wrapped to the mapping's box (full detail; none in the compact forms) */
  readonly address: readonly string[];
  /** the height of the mapping's header (name and address lines): its rows or strip start below */
  readonly header: number;
}

/** Layout units between two address lines of a mapping. */
export const ADDRESS_LINE = 18;

/**
 * A mapping's address line: its range, each part's protection and flags, and which PTEs are
 * loaded ("0x7f0000000000–0x7f0000001000 [0..0] rw softdirty").
 */
export function addressLine(vma: VmaView, strip: boolean): string {
  return `${addressRange(vma)} ${addressParts(vma, strip)}`;
}

function addressRange(vma: VmaView): string {
  return `${hex(vma.start)}–${hex(vma.start + vma.pages * 4096)}`;
}

function addressParts(vma: VmaView, strip: boolean): string {
  const range = vma.ranges.map((r) => `[${r.first}..${r.last}] ${r.mapped ? r.prot : 'unmapped'}${r.flags.length ? ' ' + r.flags.join(' ') : ''}`).join(' · ');
  const loaded = !strip && vma.ptes.length < vma.pages && vma.ptes.length > 0 ? ` · PTEs ${vma.ptes[0]!.index}..${vma.ptes[vma.ptes.length - 1]!.index} of ${vma.pages} shown` : '';
  return `${range}${loaded}`;
}

/**
 * The address line in lines of at most `width` characters: one line when it fits, else the
 * address range on the first line and the parts (protection, flags) wrapped below it.
 */
export function addressLines(vma: VmaView, strip: boolean, width: number): string[] {
  const whole = addressLine(vma, strip);
  if (whole.length <= width) return [whole];
  return [...wrapLine(addressRange(vma), width), ...wrapLine(addressParts(vma, strip), width)];
}

/** Characters of the (monospace, 0.6 em) address line that fit the mapping's box. */
export function addressChars(config: StageConfig): number {
  return Math.floor((config.laneWidth - 34) / (config.font * 0.6));
}

/**
 * Wraps a line to lines of at most `width` characters, breaking at spaces (after a " · " first:
 * the parts of a mapping stay whole when they can); a word longer than a line is split.
 */
export function wrapLine(line: string, width: number): string[] {
  const out: string[] = [];
  let rest = line.trim();
  while (rest.length > width) {
    const window = rest.slice(0, width + 1);
    const part = window.lastIndexOf(' · ');
    const space = window.lastIndexOf(' ');
    const at = part > width / 3 ? part : space > 0 ? space : width;
    out.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).replace(/^ ?· ?/, '').trimStart();
  }
  if (rest) out.push(rest);
  return out;
}
export interface RowBox {
  readonly key: string;
  readonly proc: string;
  readonly var: string;
  readonly pte: PteView;
  readonly colour: number;
  readonly y: number;
  /** the last index of a folded run of THP PTEs (same folio, same bits); = pte.index when single */
  readonly last: number;
  /**
   * A summary row of merged alike rows ({@link StageConfig.merge}): PTE indexes first..last are
   * like `like` (the index of the run's first row, drawn above), pointing at `pfns` pages. `pte`
   * is the PTE at `first`.
   */
  readonly run?: { readonly like: number; readonly first: number; readonly last: number; readonly count: number; readonly pfns: readonly number[] };
}
export interface CardBox {
  readonly key: string;
  readonly page: PageView;
  /** tail pages of this THP head drawn on its card instead of their own */
  readonly folded: number;
  readonly x: number;
  readonly y: number;
}
export interface ArrowBox {
  readonly key: string;
  readonly colour: number;
  readonly from: Point;
  readonly to: Point;
  /** a holder's reference (dashed) rather than a PTE's */
  readonly holder: boolean;
  /** tall arrangement: how far right of both ends the arrow bends (0: straight across) */
  readonly gutter: number;
}
export interface HolderBox {
  readonly key: string;
  readonly kind: 'pipe' | 'handle' | 'lru' | 'swap' | 'file' | 'ksm';
  readonly title: string;
  readonly lines: readonly string[];
  readonly pfns: readonly number[];
  readonly x: number;
  readonly y: number;
  readonly height: number;
}

export interface StageLayout {
  readonly lanes: readonly LaneBox[];
  readonly vmas: readonly VmaBox[];
  readonly rows: readonly RowBox[];
  readonly cards: readonly CardBox[];
  readonly arrows: readonly ArrowBox[];
  readonly holders: readonly HolderBox[];
  readonly hiddenCards: number;
  readonly width: number;
  readonly height: number;
  /** y of the swap area's top, where swapped-out cards go */
  readonly swapY: number;
  readonly arrangement: StageConfig['arrangement'];
  readonly detail: StageConfig['detail'];
}

/** Colour index per process: the order they appear in (parent first), stable across steps. */
export function processColours(snapshot: Snapshot): Map<string, number> {
  const colours = new Map<string, number>();
  [...snapshot.processes].sort((a, b) => a.pid - b.pid).forEach((p, i) => colours.set(p.name, i));
  return colours;
}

export function isStrip(vma: VmaView, config: StageConfig): boolean {
  return vma.pages > config.stripThreshold;
}

const hex = (n: number) => '0x' + n.toString(16);

function holderBoxes(snapshot: Snapshot): Omit<HolderBox, 'x' | 'y'>[] {
  const boxes: Omit<HolderBox, 'x' | 'y'>[] = [];
  const content = new Map(snapshot.pages.map((p) => [p.pfn, p.content]));
  for (const pipe of snapshot.pipes) {
    const lines = pipe.buffers.length
      ? pipe.buffers.map((pfn, i) => `buf ${i} → pfn ${hex(pfn)} "${pipe.contents[i] ?? content.get(pfn) ?? ''}"`)
      : ['(empty)'];
    boxes.push({ key: `pipe:${pipe.name}`, kind: 'pipe', title: `pipe ${pipe.name}`, lines, pfns: pipe.buffers, height: 0 });
  }
  for (const h of snapshot.handles) {
    const lock = h.kind === 'pin' ? 'PIN' : 'GET';
    const lines = [
      `${h.device ? 'device ' + h.device : 'no device'}${h.owner ? ' · by ' + h.owner : ''}`,
      `${h.pfns.length} page(s)${h.flags.length ? ' · ' + h.flags.join(' ') : ''}`,
      `${h.live ? (h.coherent ? 'coherent' : '✕ NOT coherent') : 'released'}`,
    ];
    boxes.push({ key: `handle:${h.name}`, kind: 'handle', title: `${lock} ${h.name}`, lines, pfns: h.live ? h.pfns : [], height: 0 });
  }
  for (const b of snapshot.lruBatches) {
    boxes.push({
      key: `lru:${b.cpu}`,
      kind: 'lru',
      title: `LRU batch cpu${b.cpu}`,
      lines: [`${b.pfns.length}/${b.capacity} pages`, b.pfns.slice(0, 6).map(hex).join(' ') || '(empty)'],
      pfns: b.pfns,
      height: 0,
    });
  }
  if (snapshot.swapSlots.length) {
    boxes.push({
      key: 'swap',
      kind: 'swap',
      title: `swap (${snapshot.swapSlots.length} slot${snapshot.swapSlots.length === 1 ? '' : 's'})`,
      lines: snapshot.swapSlots.slice(0, 6).map(
        (s) => `#${s.slot} ×${s.swapCount} "${s.content}"${s.cachedPfn >= 0 ? ' cache ' + hex(s.cachedPfn) : ''}`,
      ),
      pfns: snapshot.swapSlots.filter((s) => s.cachedPfn >= 0).map((s) => s.cachedPfn),
      height: 0,
    });
  }
  for (const f of snapshot.files) {
    boxes.push({
      key: `file:${f.name}`,
      kind: 'file',
      title: `file ${f.name} (${f.pages} p)`,
      lines: f.contents.slice(0, 4).map((c, i) => `[${i}] "${c}"${f.cachedPfns[i] !== undefined && f.cachedPfns[i]! >= 0 ? ' ' + hex(f.cachedPfns[i]!) : ''}`),
      pfns: f.cachedPfns.filter((p) => p >= 0),
      height: 0,
    });
  }
  if (snapshot.ksmStable.length) {
    boxes.push({
      key: 'ksm',
      kind: 'ksm',
      title: 'KSM stable tree',
      lines: snapshot.ksmStable.slice(0, 6).map((pfn) => `stable ${hex(pfn)}`),
      pfns: snapshot.ksmStable,
      height: 0,
    });
  }
  return boxes.map((b) => ({ ...b, height: 34 + 20 * b.lines.length }));
}

/**
 * Pages of one THP folio that look alike (never written, mapped and referenced as often as each
 * other) are drawn on one card, the lowest pfn's: pfn → that pfn. A written page keeps its card.
 */
export function foldedTails(snapshot: Snapshot): Map<number, number> {
  const groups = new Map<number, PageView[]>();
  for (const page of snapshot.pages) {
    if ((!page.thp && !page.hugetlb) || page.content !== '') continue;
    const list = groups.get(page.folioHead) ?? [];
    list.push(page);
    groups.set(page.folioHead, list);
  }
  const folded = new Map<number, number>();
  for (const list of groups.values()) {
    list.sort((a, b) => a.pfn - b.pfn);
    const rep = list[0]!;
    for (const page of list.slice(1)) {
      if (page.mapcount === rep.mapcount && page.refcount === rep.refcount) folded.set(page.pfn, rep.pfn);
    }
  }
  return folded;
}

const BITS: readonly (keyof PteView)[] = ['present', 'write', 'dirty', 'young', 'softDirty', 'uffdWp', 'swap', 'pmd', 'zero'];

/**
 * Where everything goes: lanes left, page cards right (or below), holders along the bottom. Pure.
 *
 * With `previous` (the layout of the step before, same arrangement) the cards keep their places:
 * a card still on the stage stays where it was (unless something above pushes it down), and a new
 * card (a COW copy) goes right after the card its PTE pointed to before. So after a COW the copy
 * gets its own place and the PTE's arrow visibly moves from the old page to the new one, instead
 * of the copy taking the old card's slot.
 */
export function layout(snapshot: Snapshot, config: StageConfig = defaultConfig, previous: StageLayout | null = null, expanded: ReadonlySet<string> = NONE): StageLayout {
  const colours = processColours(snapshot);
  const folded = foldedTails(snapshot);
  const target = (pfn: number) => folded.get(pfn) ?? pfn;
  const foldGroups = new Set(folded.values());
  const lanes: LaneBox[] = [];
  const vmas: VmaBox[] = [];
  const rows: RowBox[] = [];
  const pteRowsByPfn = new Map<number, RowBox[]>();
  const pageOrder: number[] = [];
  const seen = new Set<number>();
  // merged runs: pages only their summary rows point at are counted on the first row's card
  const alike = new Map<number, number>();
  const mergedPfns = new Map<number, number>();
  const pageOf = new Map(snapshot.pages.map((p) => [p.pfn, p]));
  let y = config.gap;
  for (const proc of snapshot.processes) {
    const colour = colours.get(proc.name) ?? 0;
    const laneTop = y;
    y += config.laneHeader;
    for (const vma of proc.vmas) {
      const strip = isStrip(vma, config);
      const vmaTop = y;
      const address = config.detail === 'full' ? addressLines(vma, strip, addressChars(config)) : [];
      const header = config.vmaHeader + Math.max(0, address.length - 1) * ADDRESS_LINE;
      y += header;
      if (strip) {
        y += config.stripHeight;
      }
      // a strip shows the whole mapping; a zoomed window (a few PTEs) is drawn as rows below it
      const zoomed = strip && vma.ptes.length <= config.zoomRows;
      const ptes = strip && !zoomed ? [] : vma.ptes;
      let openUntil = -1;
      for (let i = 0; i < ptes.length; i++) {
        const pte = ptes[i]!;
        // a run of alike PTEs is one row: into one folded THP group with the same bits, or empty
        const groupOf = (x: PteView) => (x.present ? (foldGroups.has(target(x.pfn)) ? target(x.pfn) : null) : !x.swap ? -1 : null);
        let last = i;
        const group = groupOf(pte);
        if (group !== null) {
          while (last + 1 < ptes.length) {
            const next = ptes[last + 1]!;
            const same = next.index === ptes[last]!.index + 1 && groupOf(next) === group && next.vma === pte.vma && BITS.every((b) => next[b] === pte[b]);
            if (!same) break;
            last++;
          }
        }
        const row: RowBox = { key: pteKey(proc.name, vma.var, pte.index), proc: proc.name, var: vma.var, pte, colour, y, last: ptes[last]!.index };
        // a run of rows alike this one (each its own page, alike): one summary row for the rest
        // (an opened run is drawn row by row: none of its rows starts a run of its own)
        let runEnd = last;
        if (config.merge && i > openUntil) {
          while (runEnd + 1 < ptes.length && alikeRows(ptes[runEnd]!, ptes[runEnd + 1]!, pte, pageOf, target)) runEnd++;
          if (expanded.has(row.key)) {
            openUntil = runEnd;
            runEnd = last;
          }
        }
        i = last;
        rows.push(row);
        if (pte.present && pte.pfn >= 0) {
          const pfn = target(pte.pfn);
          const list = pteRowsByPfn.get(pfn) ?? [];
          list.push(row);
          pteRowsByPfn.set(pfn, list);
          if (!seen.has(pfn)) {
            seen.add(pfn);
            pageOrder.push(pfn);
          }
        }
        y += config.row;
        if (runEnd - last >= MIN_RUN - 1) {
          const rest = ptes.slice(last + 1, runEnd + 1);
          const pfns = rest.filter((x) => x.present && x.pfn >= 0).map((x) => target(x.pfn));
          const rep = pte.present && pte.pfn >= 0 ? target(pte.pfn) : -1;
          if (rep >= 0) for (const pfn of pfns) if (pfn !== rep && !mergedPfns.has(pfn)) mergedPfns.set(pfn, rep);
          rows.push({
            key: `${row.key}:run`,
            proc: proc.name,
            var: vma.var,
            pte: rest[0]!,
            colour,
            y,
            last: rest[rest.length - 1]!.index,
            run: { like: pte.index, first: rest[0]!.index, last: rest[rest.length - 1]!.index, count: rest.length, pfns },
          });
          y += config.row;
          i = runEnd;
        }
      }
      vmas.push({ key: `${proc.name}.${vma.var}`, proc: proc.name, vma, y: vmaTop, height: y - vmaTop, strip, address, header });
      y += 6;
    }
    y += 8;
    lanes.push({ key: proc.name, proc, colour, y: laneTop, height: y - laneTop });
    y += config.gap;
  }
  const leftBottom = y;

  const byPfn = new Map(snapshot.pages.map((p) => [p.pfn, p]));
  const foldedCount = new Map<number, number>();
  for (const [, head] of folded) foldedCount.set(head, (foldedCount.get(head) ?? 0) + 1);
  // a page only merged rows point at is counted on its run's first card, not drawn
  for (const [pfn, rep] of mergedPfns) if (!seen.has(pfn)) alike.set(rep, (alike.get(rep) ?? 0) + 1);
  for (const p of [...snapshot.pages].sort((a, b) => a.pfn - b.pfn)) {
    if (folded.has(p.pfn) || (mergedPfns.has(p.pfn) && !seen.has(p.pfn))) continue;
    if (!seen.has(p.pfn)) {
      seen.add(p.pfn);
      pageOrder.push(p.pfn);
    }
  }
  const tall = config.arrangement === 'tall';
  const before = previous && previous.arrangement === config.arrangement && previous.detail === config.detail ? new Map(previous.cards.map((c) => [c.page.pfn, c.y])) : null;
  const order = before ? stableOrder(pageOrder, before, previous!, pteRowsByPfn) : pageOrder;
  const cards: CardBox[] = [];
  const cardX = tall ? config.laneX + config.laneWidth - config.cardWidth : config.cardX;
  let cy = tall ? leftBottom + 4 : config.gap;
  let hidden = 0;
  for (const pfn of order) {
    const page = byPfn.get(pfn);
    if (!page) continue;
    if (cards.length >= config.maxCards) {
      hidden++;
      continue;
    }
    // wide: align a card with its first PTE row when there is room (arrows stay short and flat);
    // tall: the cards stack below the lanes in the order their PTEs come
    const rowsOfPage = pteRowsByPfn.get(pfn);
    const kept = before?.get(pfn);
    const want = kept !== undefined ? kept : !tall && rowsOfPage?.[0] ? rowsOfPage[0].y - config.cardHeight / 2 + config.row / 2 : cy;
    const cardY = Math.max(cy, want);
    cards.push({ key: String(pfn), page, x: cardX, y: cardY, folded: (foldedCount.get(pfn) ?? 0) + (alike.get(pfn) ?? 0) });
    cy = cardY + config.cardHeight + config.gap;
  }
  const cardAt = new Map(cards.map((c) => [c.page.pfn, c]));

  const arrows: ArrowBox[] = [];
  for (const row of rows) {
    const card = row.pte.present && !row.run ? cardAt.get(target(row.pte.pfn)) : undefined;
    if (!card) continue;
    arrows.push({
      key: row.key,
      colour: row.colour,
      from: { x: config.laneX + config.laneWidth, y: row.y + config.row / 2 },
      to: tall ? { x: card.x + config.cardWidth, y: card.y + config.cardHeight / 2 } : { x: card.x, y: card.y + config.cardHeight / 2 },
      holder: false,
      gutter: tall ? GUTTER - 8 : 0,
    });
  }

  const maxX = tall ? config.laneX + config.laneWidth : config.cardX + config.cardWidth;
  // when space is short (the merged form): empty holders (an empty LRU batch or pipe) are left
  // out, and in the wide arrangement holders may stack under the cards, beside the lanes
  const boxes = holderBoxes(snapshot).filter((b) => !config.merge || b.pfns.length > 0 || (b.kind !== 'lru' && b.kind !== 'pipe'));
  const below = placeHolders(boxes, config.laneX, Math.max(leftBottom, cy) + 30, maxX, config);
  const beside = !tall && config.merge && boxes.length ? placeHolders(boxes, config.cardX, cy + 16, maxX, config) : null;
  const useBeside = beside !== null && Math.max(leftBottom + 6, beside.bottom + 20) < below.bottom + 20;
  const placedHolders = useBeside ? beside!.holders : below.holders;
  const holderTop = placedHolders[0]?.y ?? Math.max(leftBottom, cy) + 30;
  const holders: HolderBox[] = [];
  for (const placed of placedHolders) {
    holders.push(placed);
    for (const pfn of new Set(placed.pfns.map(target))) {
      const card = cardAt.get(pfn);
      if (!card) continue;
      arrows.push({
        key: `${placed.key}->${pfn}`,
        colour: -1,
        from: { x: placed.x + config.holderWidth / 2, y: placed.y },
        to: { x: card.x + config.cardWidth / 2, y: card.y + config.cardHeight },
        holder: true,
        gutter: 0,
      });
    }
  }
  const height = holders.length ? Math.max(useBeside ? leftBottom + 6 : 0, (useBeside ? beside! : below).bottom + 20) : Math.max(leftBottom, cy) + 6;
  return {
    lanes,
    vmas,
    rows,
    cards,
    arrows,
    holders,
    hiddenCards: hidden,
    width: tall ? maxX + GUTTER : maxX + config.gap,
    height,
    swapY: holderTop,
    arrangement: config.arrangement,
    detail: config.detail,
  };
}

const NONE: ReadonlySet<string> = new Set();

/** Holders in rows from (x0, y0), wrapping at maxX; bottom: the lowest holder's bottom. */
function placeHolders(boxes: readonly Omit<HolderBox, 'x' | 'y'>[], x0: number, y0: number, maxX: number, config: StageConfig): { holders: HolderBox[]; bottom: number } {
  const holders: HolderBox[] = [];
  let hx = x0;
  let hy = y0;
  let rowHeight = 0;
  for (const box of boxes) {
    if (hx + config.holderWidth > maxX + 1 && hx > x0) {
      hx = x0;
      hy += rowHeight + config.gap;
      rowHeight = 0;
    }
    holders.push({ ...box, x: hx, y: hy });
    hx += config.holderWidth + config.gap;
    rowHeight = Math.max(rowHeight, box.height);
  }
  return { holders, bottom: hy + rowHeight };
}

/**
 * Whether `next` (the PTE after `prev`) belongs to the run started by `first`: the next index,
 * the same bits and VMA, and a page alike the first's (same content, counts and flags; another
 * pfn), or both empty. Swap entries are never merged (each has its own slot).
 */
function alikeRows(prev: PteView, next: PteView, first: PteView, pages: ReadonlyMap<number, PageView>, target: (pfn: number) => number): boolean {
  if (next.index !== prev.index + 1 || next.vma !== first.vma || first.swap || next.swap) return false;
  if (!BITS.every((b) => next[b] === first[b])) return false;
  if (!first.present) return !next.present;
  const a = pages.get(target(first.pfn));
  const b = pages.get(target(next.pfn));
  if (!a || !b) return false;
  return pageLook(a) === pageLook(b);
}

/** What a page's card shows, without its pfn: pages with the same look are "alike". */
const looks = new WeakMap<PageView, string>();
function pageLook(p: PageView): string {
  const known = looks.get(p);
  if (known !== undefined) return known;
  const look = pageLookOf(p);
  looks.set(p, look);
  return look;
}

function pageLookOf(p: PageView): string {
  // what its card shows (content, flags, counts, the refcount bar's segments by kind, holder and
  // process), not where the page is (pfn, folio, file index, the PTE index of each mapping) nor
  // who wrote it when
  const sources = p.sources.map((r) => [r.kind, r.count, r.proc, r.var, r.holder, r.cpu]);
  return JSON.stringify([p.content, p.anon, p.anonExclusive, p.ksm, p.swapcache, p.lru, p.locked, p.dirty, p.thp, p.thpHead, p.hugetlb === true, p.zero, p.file, p.free, p.refcount, p.mapcount, p.pincount, p.fileName, sources]);
}

/**
 * The card order when a previous layout exists: the cards still there in their old order, each
 * followed by the new cards whose first PTE pointed to it before (the copies made from it); new
 * cards with no such anchor last, in the order their PTEs come.
 */
function stableOrder(pageOrder: readonly number[], before: ReadonlyMap<number, number>, previous: StageLayout, rowsByPfn: ReadonlyMap<number, readonly RowBox[]>): number[] {
  const pointedBefore = new Map<string, number>();
  for (const row of previous.rows) if (row.pte.present && row.pte.pfn >= 0) pointedBefore.set(row.key, row.pte.pfn);
  const surviving = pageOrder.filter((pfn) => before.has(pfn)).sort((a, b) => before.get(a)! - before.get(b)!);
  const after = new Map<number, number[]>();
  const loose: number[] = [];
  for (const pfn of pageOrder) {
    if (before.has(pfn)) continue;
    const rows = rowsByPfn.get(pfn) ?? [];
    const anchor = rows.map((r) => pointedBefore.get(r.key)).find((p) => p !== undefined && before.has(p));
    if (anchor === undefined) loose.push(pfn);
    else after.set(anchor, [...(after.get(anchor) ?? []), pfn]);
  }
  const order: number[] = [];
  for (const pfn of surviving) order.push(pfn, ...(after.get(pfn) ?? []));
  return [...order, ...loose];
}

/** A region of the drawing in layout units (the viewBox, with a margin). */
export interface Region {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * The part of a layout to put in the DOM for a region: what overlaps it vertically (the drawing is
 * at most two columns wide, so rows are what grow). Lanes and mappings are kept whole when they
 * overlap; an arrow is kept when its vertical span overlaps. null: everything.
 */
export function visiblePart(l: StageLayout, region: Region | null, config: StageConfig): Pick<StageLayout, 'lanes' | 'vmas' | 'rows' | 'cards' | 'arrows' | 'holders'> {
  if (!region) return l;
  const top = region.y;
  const bottom = region.y + region.height;
  const overlaps = (a: number, b: number) => b >= top && a <= bottom;
  return {
    lanes: l.lanes.filter((x) => overlaps(x.y, x.y + x.height)),
    vmas: l.vmas.filter((x) => overlaps(x.y, x.y + x.height)),
    rows: l.rows.filter((x) => overlaps(x.y, x.y + config.row)),
    cards: l.cards.filter((x) => overlaps(x.y, x.y + config.cardHeight)),
    arrows: l.arrows.filter((x) => overlaps(Math.min(x.from.y, x.to.y), Math.max(x.from.y, x.to.y))),
    holders: l.holders.filter((x) => overlaps(x.y, x.y + x.height)),
  };
}
