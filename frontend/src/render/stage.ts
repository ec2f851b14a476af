import { best, bestDetailed, type Box, type Fit, typeFloor } from '../model/fit';
import {
  ADDRESS_LINE,
  type ArrowBox,
  arrangements,
  FULL_DETAIL,
  type CardBox,
  type HolderBox,
  type LaneBox,
  layout,
  type Region,
  type RowBox,
  type StageConfig,
  type StageLayout,
  type VmaBox,
  visiblePart,
} from '../model/layout';
import { segments, segmentSum } from '../model/refbar';
import { type EngineEvent, type PageView, type PteView, pteKey, type Snapshot, word } from '../model/snapshot';
import type { StepReport } from '../model/protocol';
import type { Motion } from './anim';
import { attr, join, svg } from './join';
import { drawStrip } from './strip';
import { Viewport } from './viewport';

/** What besides the snapshot decides the look: selection, outlines, differences. */
export interface StageContext {
  readonly report: StepReport | null;
  readonly selected: string | null;
  /** keys to outline red: hazard pfns ("page:N"), PTEs ("proc.var[i]"), holders ("pipe:p") */
  readonly involved: ReadonlySet<string>;
  /** keys that differ from the other kernel in compare mode */
  readonly differs: ReadonlySet<string>;
  readonly onSelect: (key: string) => void;
  /** whole-mapping strips from the server: "proc.var" → one char per page */
  readonly strips?: Readonly<Record<string, string>>;
  /** the type floor in CSS px (model/fit.ts typeFloor); default: from the window's size */
  readonly floorPx?: number;
  /** use this of the stage's arrangements (compare: the same for both stages); default: the best fit */
  readonly arrangement?: number;
}

const hex = (n: number) => '0x' + n.toString(16);
const BADGES: readonly [string, keyof PteView, string][] = [
  ['P', 'present', 'present'],
  ['W', 'write', 'writable'],
  ['D', 'dirty', 'dirty'],
  ['A', 'young', 'accessed'],
  ['SD', 'softDirty', 'soft-dirty'],
  ['UW', 'uffdWp', 'uffd write-protected'],
];

function pageChips(page: PageView): string[] {
  const chips: string[] = [];
  if (page.anon) chips.push('anon');
  if (page.anonExclusive) chips.push('AE');
  if (page.ksm) chips.push('ksm');
  if (page.swapcache) chips.push('swapcache');
  if (page.lru) chips.push('lru');
  if (page.thp) chips.push(page.thpHead ? 'thp head' : 'thp tail');
  if (page.hugetlb) chips.push(page.thpHead ? 'hugetlb head' : 'hugetlb tail');
  if (page.zero) chips.push('zero');
  if (page.file) chips.push('file');
  if (page.locked) chips.push('locked');
  if (page.dirty) chips.push('dirty');
  return chips;
}

function pteLabel(pte: PteView): string {
  if (pte.swap) return `swap #${pte.slot}${pte.swpExclusive ? ' (excl)' : ''}`;
  if (!pte.present) return pte.vma ? 'none' : 'no vma';
  if (pte.zero) return '⓪ zero page';
  return `→ ${hex(pte.pfn)}${pte.pmd ? ' PMD' : ''}`;
}

export function pteDescription(key: string, pte: PteView): string {
  const bits = BADGES.filter(([, field]) => pte[field] === true).map(([, , name]) => name);
  return `PTE ${key}: ${pteLabel(pte)}${bits.length ? ', ' + bits.join(', ') : ''}`;
}

export function pageDescription(page: PageView): string {
  return `page ${hex(page.pfn)} "${page.content}", ${pageChips(page).join(', ') || 'no flags'}, mapcount ${page.mapcount}, refcount ${page.refcount}`;
}

/** One stage: an SVG with keyed layers. Rendering twice with the same snapshot changes nothing. */
export class Stage {
  private readonly layers: Record<'lanes' | 'vmas' | 'rows' | 'arrows' | 'cards' | 'holders' | 'fx', SVGGElement>;
  private last: StageLayout | null = null;
  private colours = new Map<string, number>();
  private readonly signatures = new WeakMap<Element, string>();

  readonly viewport: Viewport;
  private config: StageConfig;
  private fitted: Fit | null = null;
  /** what the last arrangement choice was made for (box, floor, structure of the state) */
  private chosenFor = '';
  private lastContext: StageContext | null = null;
  /** the region of the layout now in the DOM; null: all of it */
  private drawnRegion: Region | null = null;
  private redrawPending = false;
  /** merged runs the user opened (the key of the run's first row): drawn row by row */
  private readonly expanded = new Set<string>();
  private lastSnapshot: Snapshot | null = null;

  /**
   * @param configs the arrangements to choose from for the box the stage gets (the one giving
   *   the larger type wins, model/fit.ts); one config: always that one
   */
  constructor(
    readonly root: SVGSVGElement,
    private readonly motion: Motion,
    private readonly configs: readonly StageConfig[] = arrangements,
  ) {
    this.config = configs[0]!;
    root.replaceChildren();
    root.appendChild(defs());
    const layer = (name: string) => root.appendChild(svg('g', { class: `layer layer-${name}` }));
    this.layers = {
      lanes: layer('lanes'),
      vmas: layer('vmas'),
      rows: layer('rows'),
      arrows: layer('arrows'),
      cards: layer('cards'),
      holders: layer('holders'),
      fx: layer('fx'),
    };
    this.viewport = new Viewport(root, () => this.viewChanged());
  }

  /**
   * The box's size as a ResizeObserver last reported it (main.ts keeps it current): reading it
   * from the DOM in a paint would force a layout of the page before the stage has changed.
   */
  knownBox: Box | null = null;

  /**
   * The box's new size: kept for the next paint, and given to the SVG in CSS px. An SVG sized in
   * per cent of its box is laid out again, every text of it, whenever anything else on the page
   * is (a new narration line, a timeline tick: "Size changed" in a trace, ~10 ms of layout at
   * the step of a 512-page state); with a fixed size it is laid out only when it changed.
   */
  setBox(box: Box): void {
    this.knownBox = box;
    if (box.width > 0 && box.height > 0) {
      this.root.style.width = `${box.width}px`;
      this.root.style.height = `${box.height}px`;
    } else {
      this.root.style.width = '';
      this.root.style.height = '';
    }
  }

  /** The box the SVG is shown in (CSS px); null when it has no size (not displayed, or a test DOM). */
  box(): Box | null {
    if (this.knownBox && this.knownBox.width > 0 && this.knownBox.height > 0) return this.knownBox;
    // fractional CSS px (clientWidth rounds, and a rounded-up box would shrink the type)
    const rect = this.root.parentElement?.getBoundingClientRect();
    const width = rect?.width ?? 0;
    const height = rect?.height ?? 0;
    return width > 0 && height > 0 ? { width, height } : null;
  }

  /** The fit chosen at the last render: the scale (CSS px per unit) and whether all is shown. */
  get fit(): Fit | null {
    return this.fitted;
  }

  /** The layouts this stage would choose from for a snapshot (for compare's side-by-side or stacked). */
  candidates(snapshot: Snapshot): { config: StageConfig; content: Box }[] {
    return this.configs.map((config) => {
      const l = this.layoutOf(snapshot, config);
      return { config, content: { width: l.width, height: l.height } };
    });
  }

  /** Layouts of one snapshot made ahead of its render ({@link prepare}), by arrangement. */
  private made: { snapshot: Snapshot; previous: StageLayout | null; expanded: string; layouts: Map<StageConfig, StageLayout> } | null = null;

  /** The snapshot laid out in one arrangement (after the current picture): made once, also by {@link prepare}. */
  private layoutOf(snapshot: Snapshot, config: StageConfig): StageLayout {
    const made = this.madeFor(snapshot);
    let l = made.layouts.get(config);
    if (!l) {
      l = layout(snapshot, config, this.last, this.expanded);
      made.layouts.set(config, l);
    }
    return l;
  }

  private madeFor(snapshot: Snapshot): { layouts: Map<StageConfig, StageLayout> } {
    const expanded = [...this.expanded].join(',');
    const made = this.made;
    if (made && made.snapshot === snapshot && made.previous === this.last && made.expanded === expanded) return made;
    this.made = { snapshot, previous: this.last, expanded, layouts: new Map() };
    return this.made;
  }

  /**
   * The arrangements a render of this snapshot lays out: the kept one when the box and the state's
   * structure are those of the last choice, else all (the chosen one, or the one given).
   */
  private choices(snapshot: Snapshot, context: Pick<StageContext, 'floorPx' | 'arrangement'>, box: Box | null, floorPx: number): { configs: readonly StageConfig[]; structure: string } {
    const only = context.arrangement !== undefined ? this.configs[context.arrangement] : undefined;
    const structure = `${box?.width}x${box?.height}:${floorPx}:${context.arrangement}:${structureOf(snapshot)}:${[...this.expanded].join(',')}`;
    return { configs: only ? [only] : structure === this.chosenFor ? [this.config] : this.configs, structure };
  }

  /**
   * The arrangements still to lay out before this snapshot can be drawn: the full-detail ones
   * first, and the others only when none of those shows the whole state (model/fit.ts bestDetailed).
   */
  private missing(snapshot: Snapshot, context: Pick<StageContext, 'floorPx' | 'arrangement'>): StageConfig[] {
    const box = this.box();
    const floorPx = context.floorPx ?? defaultFloor(this.root);
    const { configs } = this.choices(snapshot, context, box, floorPx);
    const layouts = this.madeFor(snapshot).layouts;
    const full = configs.length === 1 ? 1 : FULL_DETAIL;
    const absent = (c: StageConfig) => !layouts.has(c);
    const head = configs.slice(0, full);
    if (head.some(absent)) return configs.filter(absent);
    if (!box || full >= configs.length) return [];
    const first = best(head.map((c) => ({ content: { width: layouts.get(c)!.width, height: layouts.get(c)!.height } })), box, this.configs[0]!.font, floorPx);
    return first.fit.whole ? [] : configs.slice(full).filter(absent);
  }

  /** True when drawing this snapshot still needs layouts (a new structure, a new box). */
  needsLayout(snapshot: Snapshot, context: Pick<StageContext, 'floorPx' | 'arrangement'>): boolean {
    return this.missing(snapshot, context).length > 0;
  }

  /**
   * One piece of the next render's work done ahead of it: one arrangement laid out. A big state's
   * step then spreads its layouts over tasks of their own, and the frame that draws it only joins
   * (docs/stage.md, "The step's frames"). Says whether more is left.
   */
  prepare(snapshot: Snapshot, context: Pick<StageContext, 'floorPx' | 'arrangement'>): boolean {
    const next = this.missing(snapshot, context)[0];
    if (next) this.layoutOf(snapshot, next);
    return this.needsLayout(snapshot, context);
  }

  /** Fits the drawing to the box again (a resize) without re-rendering. */
  refit(floorPx?: number): void {
    const last = this.last;
    const box = this.box();
    if (!last || !box) return;
    this.fitted = best([{ content: { width: last.width, height: last.height } }], box, this.config.font, floorPx ?? defaultFloor(this.root)).fit;
    this.viewport.set({ width: last.width, height: last.height }, box, this.fitted.scale);
  }

  get layout(): StageLayout | null {
    return this.last;
  }

  render(snapshot: Snapshot, context: StageContext): StageLayout {
    const previous = this.last;
    this.motion.beginPaint();
    const box = this.box();
    const floorPx = context.floorPx ?? defaultFloor(this.root);
    // the arrangement that gives the larger type in this box (one layout per arrangement: cheap,
    // big mappings are strips)
    // the same box and the same structure as at the last choice: keep its arrangement (one layout
    // per paint); otherwise lay out in every arrangement and choose again (the compact and merged
    // ones only when no full-detail one shows the whole state). Layouts made ahead by prepare()
    // are taken as they are.
    const { configs, structure } = this.choices(snapshot, context, box, floorPx);
    const option = (config: StageConfig) => {
      const l = this.layoutOf(snapshot, config);
      return { config, layout: l, content: { width: l.width, height: l.height } };
    };
    const full = configs.length === 1 ? 1 : FULL_DETAIL;
    const head = configs.slice(0, full).map(option);
    const font = this.configs[0]!.font;
    const first = box ? best(head, box, font, floorPx) : null;
    const chosen = !box
      ? { choice: head[0]!, fit: null }
      : first!.fit.whole || full >= configs.length
        ? first!
        : bestDetailed([...head, ...configs.slice(full).map(option)], full, box, font, floorPx);
    const next = chosen.choice.layout;
    this.chosenFor = structure;
    this.config = chosen.choice.config;
    this.last = next;
    this.fitted = chosen.fit;
    this.lastContext = context;
    this.lastSnapshot = snapshot;
    this.colours = new Map(next.lanes.map((l) => [l.key, l.colour]));
    attr(this.root, 'data-width', Math.ceil(next.width));
    attr(this.root, 'data-height', Math.ceil(next.height));
    attr(this.root, 'data-arrangement', `${next.arrangement}${next.detail === 'compact' ? ' compact' : ''}${this.config.merge ? ' merged' : ''}`);
    attr(this.root, 'data-runs', next.rows.filter((r) => r.run).length);
    attr(this.root, 'data-floor', Math.round(floorPx * 10) / 10);
    if (box && chosen.fit) this.viewport.set({ width: next.width, height: next.height }, box, chosen.fit.scale);
    else attr(this.root, 'viewBox', `0 0 ${next.width} ${next.height}`);
    attr(this.root, 'data-cards', next.cards.length);
    attr(this.root, 'data-pages', snapshot.pages.length);
    this.draw(next, previous, context);
    return next;
  }

  /**
   * Puts the part of the layout around the visible window into the DOM (keyed joins: only what
   * changed is touched). A big state is never all in the DOM: panning draws the next part.
   */
  private draw(next: StageLayout, previous: StageLayout | null, context: StageContext): void {
    const region = this.region(next);
    this.drawnRegion = region;
    const shown = visiblePart(next, region, this.config);
    attr(this.root, 'data-drawn', shown.cards.length);

    const events = context.report?.events ?? [];
    const copied = events.some((e) => ['cow', 'unshare', 'fork_copy'].includes(word(e.type)));
    const oldCardAt = new Map(previous?.cards.map((c) => [c.key, c]) ?? []);
    const sourceCard = (() => {
      for (const e of events) {
        if (['cow', 'unshare', 'fork_copy'].includes(word(e.type))) {
          for (const pfn of candidatePfns(e)) {
            const card = oldCardAt.get(String(pfn));
            if (card) return card;
          }
        }
      }
      return null;
    })();
    const swappedOut = events.some((e) => word(e.type) === 'swap_out');
    const swappedIn = events.some((e) => word(e.type) === 'swap_in');

    join(this.layers.lanes, shown.lanes, {
      key: (d) => d.key,
      create: () => svg('g', { class: 'lane' }),
      update: (el, d, entering) => this.updateLane(el, d, entering),
      exit: (el) => this.motion.play(el, [{ opacity: 1 }, { opacity: 0 }]).then(() => undefined),
    });
    join(this.layers.vmas, shown.vmas, {
      key: (d) => d.key,
      create: () => svg('g', { class: 'vma' }),
      update: (el, d, entering) => this.updateVma(el, d, entering, context),
      exit: (el) => this.motion.play(el, [{ opacity: 1 }, { opacity: 0 }]),
    });
    join(this.layers.rows, shown.rows, {
      key: (d) => d.key,
      create: (d) => {
        // a group named by its aria-label (its drawn letters are hidden from screen readers): a
        // button's name would have to contain every drawn letter (WCAG 2.5.3, axe label-content-name-mismatch)
        if (d.run) {
          // a merged run: Enter or a click draws its rows one by one (and back)
          const g = svg('g', { class: 'pte pte-run', tabindex: 0, role: 'button' });
          const first = d.key.slice(0, -':run'.length);
          const toggle = () => this.toggleRun(first);
          g.addEventListener('click', toggle);
          g.addEventListener('keydown', (ev) => {
            if ((ev as KeyboardEvent).key === 'Enter' || (ev as KeyboardEvent).key === ' ') {
              ev.preventDefault();
              ev.stopPropagation();
              toggle();
            }
          });
          return g;
        }
        const g = svg('g', { class: 'pte', tabindex: 0, role: 'group' });
        g.addEventListener('click', () => context.onSelect(`pte:${d.key}`));
        g.addEventListener('keydown', (ev) => {
          if ((ev as KeyboardEvent).key === 'Enter') context.onSelect(`pte:${d.key}`);
        });
        return g;
      },
      update: (el, d, entering) => this.updateRow(el, d, entering, context),
      exit: (el) => this.motion.play(el, [{ opacity: 1 }, { opacity: 0 }]),
    });
    join(this.layers.cards, shown.cards, {
      key: (d) => d.key,
      create: (d) => {
        const g = svg('g', { class: 'card', tabindex: 0, role: 'group' });
        g.addEventListener('click', () => context.onSelect(`page:${d.key}`));
        g.addEventListener('keydown', (ev) => {
          if ((ev as KeyboardEvent).key === 'Enter') context.onSelect(`page:${d.key}`);
        });
        return g;
      },
      update: (el, d, entering) => {
        this.updateCard(el, d, context);
        if (entering) {
          // a COW copy slides out of the page it copies; a swap-in rises from the swap area
          const from = copied && sourceCard
            ? { x: sourceCard.x, y: sourceCard.y }
            : swappedIn
              ? { x: this.config.cardX, y: next.swapY }
              : { x: d.x + 60, y: d.y };
          this.motion.play(el, [
            { transform: `translate(${from.x}px, ${from.y}px)`, opacity: copied ? 0.6 : 0 },
            { transform: `translate(${d.x}px, ${d.y}px)`, opacity: 1 },
          ]);
        }
      },
      exit: (el) => {
        const to = swappedOut ? `translate(${this.config.cardX}px, ${next.swapY}px)` : (el as SVGGElement).style.transform;
        return this.motion.play(el, [{ opacity: 1, transform: (el as SVGGElement).style.transform }, { opacity: 0, transform: to }]);
      },
    });
    join(this.layers.arrows, shown.arrows, {
      key: (d) => d.key,
      create: (d) => svg('path', { class: d.holder ? 'arrow holder-arrow' : 'arrow' }),
      update: (el, d, entering) => this.updateArrow(el, d, entering),
      exit: (el) => this.motion.play(el, [{ opacity: 1 }, { opacity: 0 }]),
    });
    join(this.layers.holders, shown.holders, {
      key: (d) => d.key,
      create: () => svg('g', { class: 'holder' }),
      update: (el, d, entering) => this.updateHolder(el, d, entering, context),
      exit: (el) => this.motion.play(el, [{ opacity: 1 }, { opacity: 0 }]),
    });
    this.animateEvents(events, next);
  }

  /** The region to draw: the visible window and one window's height above and below it. */
  private region(l: StageLayout): Region | null {
    if (!this.fitted || this.fitted.whole && !this.viewport.zoomed) return null;
    const vb = this.viewport.viewBox;
    if (vb.width >= l.width && vb.height >= l.height) return null;
    return { x: vb.x, y: vb.y - vb.height, width: vb.width, height: vb.height * 3 };
  }

  /** After a pan or zoom: draw the part now around the window, at once (no motion). */
  private viewChanged(): void {
    const l = this.last;
    const context = this.lastContext;
    if (!l || !context) return;
    const needed = () => {
      const vb = this.viewport.viewBox;
      const r = this.drawnRegion;
      // all drawn, or the window still inside the drawn region: nothing to do
      if (r === null) return false;
      return vb.y < r.y || vb.y + vb.height > r.y + r.height;
    };
    if (!needed() || this.redrawPending) return;
    this.redrawPending = true;
    const run = () => {
      this.redrawPending = false;
      if (this.last !== l || !needed()) return;
      const instant = this.motion.instant;
      this.motion.instant = true;
      try {
        this.draw(l, l, { ...context, report: null });
      } finally {
        this.motion.instant = instant;
      }
    };
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(run);
    else run();
  }

  private move(el: Element, x: number, y: number, entering: boolean): void {
    const g = el as SVGGElement;
    const to = `translate(${x}px, ${y}px)`;
    const from = g.style.transform;
    if (from === to) return;
    g.style.transform = to;
    if (!entering && from) this.motion.play(g, [{ transform: from }, { transform: to }]);
  }

  /** Rebuilds an element's content only when its signature changed; says whether it did. */
  private changed(el: Element, signature: string): boolean {
    if (this.signatures.get(el) === signature) return false;
    this.signatures.set(el, signature);
    return true;
  }

  private updateLane(el: Element, d: LaneBox, entering: boolean): void {
    this.move(el, this.config.laneX, d.y, entering);
    const p = d.proc;
    const state = p.blocked ? 'blocked' : word(p.state) || 'alive';
    el.setAttribute('class', `lane proc-${d.colour % 8} state-${state}`);
    el.setAttribute('data-proc', p.name);
    if (!this.changed(el, JSON.stringify([d.height, p.name, p.pid, p.cpu, state, p.blockedOn, p.hasPinned, p.parent]))) return;
    const icon = state === 'killed' ? '✕' : state === 'exited' ? '⏹' : state === 'blocked' ? '⏸' : '▶';
    el.replaceChildren(
      svg('rect', { class: 'lane-box', width: this.config.laneWidth, height: d.height, rx: 8 }),
      svg('rect', { class: 'lane-tab', width: 8, height: d.height, rx: 3 }),
      svg('text', { class: 'lane-title', x: 16, y: 22 }, `${p.name}`),
      svg(
        'text',
        { class: 'lane-meta', x: 28 + Math.max(60, p.name.length * 10), y: 22 },
        `pid ${p.pid} · cpu${p.cpu} · ${icon} ${state}${p.blockedOn ? ' on ' + p.blockedOn : ''}${p.hasPinned ? ' · has_pinned' : ''}${p.parent ? ' · child of ' + p.parent : ''}`,
      ),
    );
    if (entering) this.motion.play(el, [{ opacity: 0, transform: `translate(${this.config.laneX - 40}px, ${d.y}px)` }, { opacity: 1, transform: `translate(${this.config.laneX}px, ${d.y}px)` }]);
  }

  private updateVma(el: Element, d: VmaBox, entering: boolean, context: StageContext): void {
    this.move(el, this.config.laneX + 14, d.y, entering);
    const v = d.vma;
    const stripText = d.strip ? context.strips?.[`${d.proc}.${v.var}`] : undefined;
    const signature = JSON.stringify([this.config.detail, d.height, v.var, v.start, v.pages, v.shared, v.file, d.address, v.counts, d.strip ? v.ptes : null, d.strip ? v.ptesFirst : 0, stripText?.length ?? -1, stripText ? hashText(stripText) : 0]);
    if (!this.changed(el, signature)) return;
    const head = svg('text', { class: 'vma-title', x: 0, y: 17 }, `${v.var} · ${v.pages} page${v.pages === 1 ? '' : 's'} · ${v.shared ? 'shared' : 'private'}${v.file ? ' file ' + v.file : ' anon'}`);
    const children: Element[] = [svg('rect', { class: 'vma-box', x: -6, y: 0, width: this.config.laneWidth - 22, height: d.height, rx: 4 }), head];
    // the address line, wrapped to the mapping's box by the layout (never cut)
    d.address.forEach((line, i) => children.push(svg('text', { class: 'vma-flags', x: 0, y: 35 + i * ADDRESS_LINE }, line)));
    if (d.strip) {
      const fo = svg('foreignObject', { x: 0, y: d.header - 2, width: this.config.laneWidth - 34, height: this.config.stripHeight });
      const canvas = document.createElement('canvas');
      canvas.className = 'strip';
      canvas.width = this.config.laneWidth - 34;
      canvas.height = this.config.stripHeight - 38;
      canvas.setAttribute('role', 'img');
      const c = v.counts;
      canvas.setAttribute(
        'aria-label',
        `${v.var}: ${v.pages} pages${c ? `, ${c.present} present, ${c.writable} writable, ${c.swapped} swapped, ${c.zero} zero, ${c.none} none` : ''}`,
      );
      canvas.tabIndex = 0;
      canvas.title = 'click (or Enter, then ← →) to zoom into a window of 64 pages';
      canvas.addEventListener('keydown', (ev) => {
        const key = (ev as KeyboardEvent).key;
        const at = v.ptes.length <= this.config.zoomRows && v.ptes[0] ? v.ptes[0].index : -64;
        const to = key === 'Enter' ? Math.max(0, at) : key === 'ArrowRight' ? at + 64 : key === 'ArrowLeft' ? at - 64 : null;
        if (to === null) return;
        ev.preventDefault();
        ev.stopPropagation();
        context.onSelect(`strip:${d.proc}.${v.var}:${Math.max(0, Math.min(v.pages - 1, to)) + 32}`);
      });
      canvas.addEventListener('click', (ev) => {
        const rect = canvas.getBoundingClientRect();
        const page = Math.floor(((ev.clientX - rect.left) / rect.width) * v.pages);
        context.onSelect(`strip:${d.proc}.${v.var}:${page}`);
      });
      fo.appendChild(canvas);
      children.push(fo);
      // the legend in two lines that fit the mapping's box (the zoom hint is the canvas's title)
      const legendY = d.header - 2 + canvas.height + 18;
      children.push(
        svg('text', { class: 'strip-legend', x: 0, y: legendY }, 'W writable (solid) · R read-only (—)'),
        svg('text', { class: 'strip-legend', x: 0, y: legendY + 18 }, 'S swapped (hatched) · 0 zero (dots) · · none'),
      );
      el.replaceChildren(...children);
      drawStrip(canvas, v, stripText);
      return;
    }
    el.replaceChildren(...children);
  }

  /** Told the runs opened or merged by the user here (the page keeps them as link state). */
  onRunsChanged: (openRuns: readonly string[]) => void = () => {};

  /** The runs to draw row by row (from the link state); says whether that changed anything. */
  setOpenRuns(keys: readonly string[]): boolean {
    if (keys.length === this.expanded.size && keys.every((k) => this.expanded.has(k))) return false;
    this.expanded.clear();
    for (const k of keys) this.expanded.add(k);
    return true;
  }

  /** Opens a merged run (its rows drawn one by one) or merges it again, and draws the stage anew. */
  toggleRun(firstRowKey: string): void {
    if (this.expanded.has(firstRowKey)) this.expanded.delete(firstRowKey);
    else this.expanded.add(firstRowKey);
    this.onRunsChanged([...this.expanded]);
    const snapshot = this.lastSnapshot;
    const context = this.lastContext;
    if (!snapshot || !context) return;
    const instant = this.motion.instant;
    this.motion.instant = true;
    try {
      this.render(snapshot, { ...context, report: null });
    } finally {
      this.motion.instant = instant;
    }
  }

  /** Merges every opened run again (the fit key: back to the whole story). */
  collapseRuns(): void {
    if (!this.expanded.size) return;
    this.expanded.clear();
    this.onRunsChanged([]);
    const snapshot = this.lastSnapshot;
    const context = this.lastContext;
    if (snapshot && context) this.render(snapshot, { ...context, report: null });
  }

  /** The merged runs the user opened (keys of their first rows). */
  get openRuns(): ReadonlySet<string> {
    return this.expanded;
  }

  private updateRunRow(el: Element, d: RowBox & { run: NonNullable<RowBox['run']> }): void {
    const r = d.run;
    const span = (pfns: readonly number[]) => (pfns.length ? ` → ${hex(Math.min(...pfns))}…${hex(Math.max(...pfns))}` : '');
    const label = `[${r.first}–${r.last}] ×${r.count} same as [${r.like}]${span(r.pfns)}`;
    el.setAttribute('aria-label', `pages ${r.first} to ${r.last} of ${d.proc}.${d.var} (${r.count}): the same as page ${r.like}; Enter shows them one by one`);
    el.setAttribute('aria-expanded', 'false');
    if (!this.changed(el, JSON.stringify([label, this.config.laneWidth]))) return;
    const children: Element[] = [
      svg('rect', { class: 'pte-box run-box', x: 0, y: 1, width: this.config.laneWidth - 40, height: this.config.row - 3, rx: 3 }),
      svg('text', { class: 'pte-run-label', x: 6, y: 19 }, truncate(label, Math.floor((this.config.laneWidth - 70) / (this.config.font * 0.6)))),
      svg('text', { class: 'pte-run-open', x: this.config.laneWidth - 58, y: 19 }, '▸'),
      svg('title', {}, `${label} · click or Enter to show each row`),
    ];
    for (const child of children) child.setAttribute('aria-hidden', 'true');
    el.replaceChildren(...children);
  }

  private updateRow(el: Element, d: RowBox, entering: boolean, context: StageContext): void {
    this.move(el, this.config.laneX + 22, d.y, entering);
    if (d.run) {
      el.setAttribute('class', `pte pte-run proc-${d.colour % 8}`);
      el.setAttribute('data-run', `${d.run.first}-${d.run.last}`);
      this.updateRunRow(el, d as RowBox & { run: NonNullable<RowBox['run']> });
      return;
    }
    const pte = d.pte;
    const classes = ['pte', `proc-${d.colour % 8}`];
    if (context.selected === `pte:${d.key}`) classes.push('selected');
    if (context.involved.has(d.key)) classes.push('involved');
    if (context.differs.has(d.key)) classes.push('differs');
    el.setAttribute('class', classes.join(' '));
    el.setAttribute('data-pte', d.key);
    el.setAttribute('aria-label', pteDescription(d.key, pte) + (d.last > pte.index ? `; the same for pages ${pte.index} to ${d.last} of the folio` : ''));
    const before = this.signatures.get(el);
    const signature = JSON.stringify([pte, context.differs.has(d.key), d.last]);
    if (!this.changed(el, signature)) return;
    const old: PteView | null = before ? (JSON.parse(before) as [PteView])[0] : null;
    const children: Element[] = [
      svg('rect', { class: 'pte-box', x: 0, y: 1, width: this.config.laneWidth - 40, height: this.config.row - 3, rx: 3 }),
      svg('text', { class: 'pte-index', x: 6, y: 19 }, `[${pte.index}]`),
    ];
    let x = 18 + 8.5 * String(pte.index).length + 8;
    const turned: Element[] = [];
    if (!pte.swap) {
      for (const [letter, field, name] of BADGES) {
        const on = pte[field] === true;
        const badge = svg('g', { class: `badge ${on ? 'on' : 'off'} badge-${letter}`, transform: `translate(${x},3)` });
        const w = letter.length * 10 + 8;
        badge.append(svg('rect', { width: w, height: 20, rx: 3 }), svg('text', { x: w / 2, y: 15, 'text-anchor': 'middle' }, letter));
        const title = svg('title', {}, `${name}: ${on ? 'set' : 'clear'}`);
        badge.appendChild(title);
        children.push(badge);
        if (old && old[field] !== pte[field]) turned.push(badge);
        x += w + 3;
      }
    } else {
      for (const [letter, field] of BADGES.slice(4)) {
        if (pte[field] !== true) continue;
        const w = letter.length * 10 + 8;
        const badge = svg('g', { class: `badge on badge-${letter}`, transform: `translate(${x},3)` });
        badge.append(svg('rect', { width: w, height: 20, rx: 3 }), svg('text', { x: w / 2, y: 15, 'text-anchor': 'middle' }, letter));
        children.push(badge);
        x += w + 3;
      }
    }
    const label = d.last > pte.index ? `${pteLabel(pte)} ·· [${pte.index}..${d.last}]` : pteLabel(pte);
    children.push(svg('text', { class: `pte-target${pte.swap ? ' swap' : ''}${pte.zero ? ' zero' : ''}`, x: Math.max(x + 6, 200), y: 19 }, label));
    if (context.differs.has(d.key)) children.push(svg('text', { class: 'differs-mark', x: this.config.laneWidth - 60, y: 19 }, 'Δ'));
    // the row's aria-label says it all; its drawn letters are not read one by one
    for (const child of children) child.setAttribute('aria-hidden', 'true');
    el.replaceChildren(...children);
    for (const badge of turned) this.motion.play(badge, [{ opacity: 0.1 }, { opacity: 1 }]);
  }

  private updateCard(el: Element, d: CardBox, context: StageContext): void {
    const page = d.page;
    const g = el as SVGGElement;
    const to = `translate(${d.x}px, ${d.y}px)`;
    if (g.style.transform && g.style.transform !== to) this.motion.play(g, [{ transform: g.style.transform }, { transform: to }]);
    g.style.transform = to;
    const classes = ['card'];
    if (context.selected === `page:${d.key}`) classes.push('selected');
    if (context.involved.has(`page:${d.key}`)) classes.push('involved');
    if (context.differs.has(`page:${d.key}`) || context.differs.has(d.key)) classes.push('differs');
    if (page.zero) classes.push('zero');
    el.setAttribute('class', classes.join(' '));
    el.setAttribute('data-pfn', String(page.pfn));
    el.setAttribute('aria-label', pageDescription(page));
    const oldSignature = this.signatures.get(el);
    if (!this.changed(el, JSON.stringify([page, classes.includes('differs'), d.folded]))) return;
    const oldSegments = new Set<string>(oldSignature ? segments((JSON.parse(oldSignature) as [PageView])[0]).map((s) => s.key) : []);
    const W = this.config.cardWidth;
    const children: Element[] = [
      svg('rect', { class: 'card-box', width: W, height: this.config.cardHeight, rx: 8 }),
      svg('text', { class: 'card-pfn', x: 10, y: 21 }, `pfn ${hex(page.pfn)}`),
      svg('text', { class: 'card-content', x: 22 + 8.5 * (4 + hex(page.pfn).length), y: 21 }, page.zero ? '⓪ zero page' : `"${truncate(page.content, 30 - 4 - hex(page.pfn).length)}"`),
    ];
    let x = 10;
    for (const chip of [...pageChips(page), ...(d.folded ? [`+${d.folded} alike`] : [])]) {
      // 14-unit type, like every state label: about 8.6 units a character
      const w = Math.round(chip.length * 8.6 + 12);
      const c = svg('g', { class: `chip chip-${chip.replace(/\s/g, '-')}`, transform: `translate(${x},29)` });
      c.append(svg('rect', { width: w, height: 19, rx: 8 }), svg('text', { x: w / 2, y: 14, 'text-anchor': 'middle' }, chip));
      children.push(c);
      x += w + 4;
    }
    const list = segments(page);
    const sum = segmentSum(list);
    const agree = page.zero || sum === page.refcount;
    children.push(
      svg('text', { class: 'card-counts', x: 10, y: 66 }, `map ${page.mapcount}${page.pincount ? ' · pin ' + page.pincount : ''} · ref ${page.refcount}${page.zero ? '' : agree ? ` = Σ ${sum}` : ` ≠ Σ ${sum} !`}`),
    );
    const bar = svg('g', { class: 'refbar', transform: 'translate(10,72)' });
    const units = list.reduce((n, s) => n + s.units, 0);
    const unit = units ? Math.min(44, (W - 20) / units) : 0;
    let sx = 0;
    const entered: Element[] = [];
    for (const s of list) {
      const w = s.units * unit;
      const seg = svg('g', { class: `seg seg-${s.kind}`, transform: `translate(${sx},0)`, 'data-seg': s.kind });
      if (s.proc) seg.setAttribute('data-proc', s.proc);
      seg.append(
        svg('rect', { width: Math.max(1, w - 2), height: 20, rx: 2, class: s.proc ? `fill-proc` : '' }),
        svg('text', { x: w / 2 - 1, y: 15, 'text-anchor': 'middle' }, w > 8.6 * s.label.length + 4 ? s.label : w > 14 ? s.label.slice(0, 1) : ''),
        svg('title', {}, s.title),
      );
      bar.appendChild(seg);
      if (!oldSegments.has(s.key) && oldSignature) entered.push(seg);
      sx += w;
    }
    children.push(bar);
    if (classes.includes('differs')) children.push(svg('text', { class: 'differs-mark', x: W - 24, y: 21 }, 'Δ'));
    for (const child of children) child.setAttribute('aria-hidden', 'true');
    el.replaceChildren(...children);
    // colour mapping segments by their process: the lane's class carries the colour index
    for (const seg of bar.querySelectorAll('[data-proc]')) {
      const colour = this.colours.get(seg.getAttribute('data-proc') ?? '');
      if (colour !== undefined) seg.classList.add(`proc-${colour % 8}`);
    }
    for (const seg of entered) {
      const drop = seg.getAttribute('data-seg') === 'pin';
      this.motion.play(seg, drop ? [{ transform: 'translateY(-30px)', opacity: 0 }, { transform: 'translateY(0)', opacity: 1 }] : [{ opacity: 0 }, { opacity: 1 }]);
    }
  }

  private updateArrow(el: Element, d: ArrowBox, entering: boolean): void {
    const { from, to } = d;
    const mid = (from.x + to.x) / 2;
    const bend = Math.max(from.x, to.x) + d.gutter;
    const path = d.holder
      ? `M${from.x},${from.y} C${from.x},${from.y - 40} ${to.x},${to.y + 40} ${to.x},${to.y}`
      : d.gutter
        ? `M${from.x},${from.y} C${bend},${from.y} ${bend},${to.y} ${to.x + 6},${to.y}`
        : `M${from.x},${from.y} C${mid},${from.y} ${mid},${to.y} ${to.x - 6},${to.y}`;
    el.setAttribute('class', d.holder ? 'arrow holder-arrow' : `arrow proc-${d.colour % 8}`);
    const old = el.getAttribute('d');
    attr(el, 'd', path);
    if (!d.holder) attr(el, 'marker-end', `url(#arrowhead-${d.colour % 8})`);
    if (entering) this.motion.play(el, [{ opacity: 0 }, { opacity: 1 }]);
    else if (old && old !== path) this.motion.play(el, [{ d: `path("${old}")` }, { d: `path("${path}")` }]);
  }

  private updateHolder(el: Element, d: HolderBox, entering: boolean, context: StageContext): void {
    this.move(el, d.x, d.y, entering);
    const name = d.key.split(':')[1] ?? d.key;
    const classes = ['holder', `holder-${d.kind}`];
    if (context.involved.has(d.key) || context.involved.has(name)) classes.push('involved');
    // compare: this holder's contents differ on the other kernel (marked Δ, not by colour alone)
    const differs = context.differs.has(d.key);
    if (differs) classes.push('differs');
    el.setAttribute('class', classes.join(' '));
    if (!this.changed(el, JSON.stringify([d.title, d.lines, d.height, differs]))) return;
    el.replaceChildren(
      svg('rect', { class: 'holder-box', width: this.config.holderWidth, height: d.height, rx: 6 }),
      svg('text', { class: 'holder-title', x: 10, y: 20 }, differs ? `Δ ${d.title}` : d.title),
      ...d.lines.map((line, i) => svg('text', { class: 'holder-line', x: 10, y: 42 + i * 20 }, truncate(line, 26))),
    );
    if (entering) this.motion.play(el, [{ opacity: 0 }, { opacity: 1 }]);
  }

  /** The step's events in kernel-step order: flashes, pulses and labels over the joined stage. */
  private animateEvents(events: readonly EngineEvent[], now: StageLayout): void {
    this.layers.fx.replaceChildren();
    const rows = new Map(now.rows.map((r) => [r.key, r]));
    const cards = new Map(now.cards.map((c) => [c.key, c]));
    const slot = this.motion.duration / Math.max(1, Math.min(events.length, 48));
    // a bulk step's first events are animated; the rest are in the counts and the narration
    events.slice(0, 48).forEach((event, i) => {
      const type = word(event.type);
      const delay = i * slot * 0.5;
      const rowKey = event.proc && event.var && event.page >= 0 ? pteKey(event.proc, event.var, event.page) : null;
      const row = rowKey ? rows.get(rowKey) : undefined;
      if (type === 'fault' && row) {
        const label = svg('g', { class: 'fx-fault', transform: `translate(${this.config.laneX + this.config.laneWidth - 130},${row.y})` });
        label.append(svg('rect', { width: 120, height: this.config.row - 3, rx: 4 }), svg('text', { x: 60, y: 19, 'text-anchor': 'middle' }, `⚡ ${event.kind ?? ''} fault`));
        this.layers.fx.appendChild(label);
        this.motion.play(label, [{ opacity: 0 }, { opacity: 1, offset: 0.2 }, { opacity: 1, offset: 0.8 }, { opacity: 0.85 }], { delay, duration: this.motion.duration * 1.5 });
        const el = this.layers.rows.querySelector(`[data-key="${cssEscape(rowKey!)}"]`);
        if (el) this.motion.play(el, [{ opacity: 1 }, { opacity: 0.3 }, { opacity: 1 }], { delay });
      }
      if (type === 'reuse' || type === 'ksm_merge' || type === 'dma') {
        for (const pfn of candidatePfns(event)) {
          const card = cards.get(String(pfn));
          const el = card && this.layers.cards.querySelector(`[data-key="${pfn}"] .card-box`);
          if (el) this.motion.play(el, [{ strokeWidth: '2px' }, { strokeWidth: '8px' }, { strokeWidth: '2px' }], { delay });
        }
      }
    });
  }
}

/** What decides the drawing's size: the processes' mappings and row counts, the pages, the holders. */
function structureOf(snapshot: Snapshot): string {
  let rows = 0;
  for (const p of snapshot.processes) for (const v of p.vmas) rows += v.ptes.length + 1;
  return `${snapshot.processes.length}:${rows}:${snapshot.pages.length}:${snapshot.pipes.length + snapshot.handles.length + snapshot.lruBatches.length + snapshot.files.length + snapshot.swapSlots.length + snapshot.ksmStable.length}`;
}

/** The floor for the window this stage is in; compare when the page shows two stages. */
function defaultFloor(root: SVGSVGElement): number {
  const view = root.ownerDocument.defaultView;
  const compare = root.ownerDocument.body?.dataset.compare === 'on';
  return typeFloor({ width: view?.innerWidth ?? 1280, height: view?.innerHeight ?? 800 }, compare);
}

function candidatePfns(event: EngineEvent): number[] {
  const list: number[] = [];
  if (event.pfn >= 0) list.push(event.pfn);
  const values = event.values ?? {};
  for (const name of ['oldPfn', 'old', 'from', 'pfn', 'newPfn']) {
    const v = values[name];
    if (typeof v === 'number') list.push(v);
  }
  return list;
}

/** A cheap hash, so a changed strip repaints and an unchanged one does not. */
function hashText(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) | 0;
  return h;
}

function truncate(text: string, n: number): string {
  return text.length > n ? text.slice(0, n - 1) + '…' : text;
}

function cssEscape(value: string): string {
  return typeof CSS !== 'undefined' && CSS.escape ? CSS.escape(value) : value.replace(/["\\\]\[.]/g, '\\$&');
}

function defs(): SVGDefsElement {
  const d = svg('defs');
  for (let i = 0; i < 8; i++) {
    const marker = svg('marker', { id: `arrowhead-${i}`, viewBox: '0 0 10 10', refX: 8, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto-start-reverse' });
    marker.appendChild(svg('path', { d: 'M0,0 L10,5 L0,10 z', class: `arrowhead proc-${i}` }));
    d.appendChild(marker);
  }
  const hatch = svg('pattern', { id: 'hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' });
  hatch.appendChild(svg('line', { x1: 0, y1: 0, x2: 0, y2: 6, class: 'hatch-line' }));
  d.appendChild(hatch);
  return d;
}
