import type { PageView, RefSource } from './snapshot';

/** One segment of a page's refcount bar: one reason the page is referenced. */
export interface Segment {
  readonly key: string;
  readonly kind: string;
  /** references this source holds (1024 for a pin of a small page) */
  readonly count: number;
  /** drawn width in bar units: a pin is wide but not 1024 times wide */
  readonly units: number;
  /** short text drawn in the segment (never colour alone) */
  readonly label: string;
  /** longer words for the tooltip and screen readers */
  readonly title: string;
  /** the process whose colour the segment takes, for mappings */
  readonly proc: string | null;
  readonly locked: boolean;
}

const LETTER: Record<string, string> = {
  mapping: 'M',
  pmd_mapping: 'PMD',
  pin: '1024',
  get: 'G',
  // spelled out: P is the PTE's present bit, PIN the pin
  pipe: 'pipe',
  swapcache: 'SC',
  lru_batch: 'L',
  page_cache: 'PC',
};

function describe(source: RefSource): string {
  switch (source.kind) {
    case 'mapping':
      return `mapping by ${source.proc}.${source.var}[${source.index}]`;
    case 'pmd_mapping':
      return `PMD mapping by ${source.proc}.${source.var}`;
    case 'pin':
      return `pin ${source.holder ?? ''} (+${source.count})`;
    case 'get':
      return `get ${source.holder ?? ''}`;
    case 'pipe':
      return `pipe ${source.holder ?? ''} buffer`;
    case 'swapcache':
      return 'swap cache';
    case 'lru_batch':
      return `LRU batch cpu${source.cpu}`;
    case 'page_cache':
      return 'page cache';
    default:
      return source.kind;
  }
}

/** The segments of a page's refcount bar, in the order the engine recorded the sources. */
export function segments(page: PageView): Segment[] {
  return page.sources.map((source, i) => {
    const locked = source.kind === 'pin';
    let label = LETTER[source.kind] ?? source.kind.slice(0, 2).toUpperCase();
    if (source.kind === 'lru_batch') label = `cpu${source.cpu}`;
    if (locked) label = `PIN ${source.count}`;
    else if (source.count > 1) label = `${label}×${source.count}`;
    return {
      key: `${source.kind}:${source.proc ?? ''}:${source.var ?? ''}:${source.index}:${source.holder ?? ''}:${source.cpu}:${i}`,
      kind: source.kind,
      count: source.count,
      units: locked ? 4 : Math.max(1, Math.min(source.count, 4)),
      label,
      title: describe(source),
      proc: source.kind === 'mapping' || source.kind === 'pmd_mapping' ? source.proc : null,
      locked,
    };
  });
}

/** The sum the bar shows; equals page.refcount by the engine's invariant (not for the zero page). */
export function segmentSum(list: readonly Segment[]): number {
  return list.reduce((sum, s) => sum + s.count, 0);
}

/** "2 = 1 mapping + 1 pipe" */
export function refcountSentence(page: PageView): string {
  const list = segments(page);
  const byKind = new Map<string, number>();
  for (const s of list) byKind.set(s.kind, (byKind.get(s.kind) ?? 0) + s.count);
  const parts = [...byKind].map(([kind, n]) => `${n} ${kind.replace('_', ' ')}`);
  return `${page.refcount}${parts.length ? ' = ' + parts.join(' + ') : ''}`;
}
