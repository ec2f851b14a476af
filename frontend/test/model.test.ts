import { describe, expect, it } from 'vitest';
import { ADDRESS_LINE, addressChars, addressLine, addressLines, arrangements, defaultConfig, layout, wrapLine } from '../src/model/layout';
import { bitSet, kpageflags, pagemapWord } from '../src/model/pagemap';
import { segments, segmentSum } from '../src/model/refbar';
import { differences, eventTypes, needsFullState, receiveDelta, startSession } from '../src/model/session';
import { applyDelta, normalizeSnapshot, type Snapshot } from '../src/model/snapshot';
import { eraOf, elixirUrl, VERSIONS } from '../src/model/kernels';
import { deltaMessage, recorded, sessionMessage } from './fixtures';

const ptesOf = (s: Snapshot) => s.processes.flatMap((p) => p.vmas.flatMap((v) => v.ptes.map((pte) => [`${p.name}.${v.var}[${pte.index}]`, pte])));
const pagesOf = (s: Snapshot) => [...s.pages].sort((a, b) => a.pfn - b.pfn);

describe('deltas from the engine', () => {
  for (const name of ['cve57', 'cve618'] as const) {
    it(`applying each step's delta to the previous state gives the engine's next state (${name})`, () => {
      const { steps } = recorded(name);
      for (let i = 1; i < steps.length; i++) {
        const before = normalizeSnapshot(steps[i - 1]!.state);
        const after = normalizeSnapshot(steps[i]!.state);
        const message = deltaMessage(name, i, false);
        if (needsFullState(message)) continue; // fork, mmap, munmap: the page asks for the state
        const applied = applyDelta(before, message.delta!, i);
        expect(ptesOf(applied)).toEqual(ptesOf(after));
        expect(pagesOf(applied)).toEqual(pagesOf(after));
      }
    });
  }

  it('asks for the full state after structural operations only', () => {
    const kinds = recorded('cve57').steps.slice(1).map((s, i) => [s.op, needsFullState(deltaMessage('cve57', i + 1, false))]);
    expect(kinds).toContainEqual(['parent: fork child', true]);
    expect(kinds).toContainEqual(['parent: buf = mmap 1', true]);
    expect(kinds).toContainEqual(['parent: write buf "secret-2"', false]);
  });

  it('keeps holders in step with page sources after a delta (the pipe gets its buffer)', () => {
    let session = startSession(sessionMessage('cve57'));
    const { steps } = recorded('cve57');
    for (let i = 1; i < steps.length; i++) {
      const m = deltaMessage('cve57', i, false);
      session = receiveDelta(session, needsFullState(m) ? deltaMessage('cve57', i, true) : m);
      const engine = normalizeSnapshot(steps[i]!.state);
      expect(session.snapshot.pipes.map((p) => [p.name, p.buffers])).toEqual(engine.pipes.map((p) => [p.name, p.buffers]));
      expect(pagesOf(session.snapshot).length).toBe(engine.pages.length);
    }
    expect(session.snapshot.hazards.map((h) => h.type.toLowerCase())).toEqual(['leak']);
    expect(session.markers[6]).toContain('reuse');
  });

  it('on 6.18 the parent write is a copy and there is no leak', () => {
    let session = startSession(sessionMessage('cve618'));
    const { steps } = recorded('cve618');
    for (let i = 1; i < steps.length; i++) session = receiveDelta(session, deltaMessage('cve618', i, true));
    expect(session.snapshot.hazards).toEqual([]);
    expect(Object.values(session.markers).flat()).toContain('cow');
  });
});

describe('refcount bar', () => {
  it('its segments sum to the refcount for every page the engine produced', () => {
    let pages = 0;
    for (const name of ['cve57', 'cve618'] as const) {
      for (const s of recorded(name).steps) {
        for (const page of normalizeSnapshot(s.state).pages) {
          if (page.zero) continue;
          expect(segmentSum(segments(page))).toBe(page.refcount);
          pages++;
        }
      }
    }
    expect(pages).toBeGreaterThan(5);
  });

  it('draws a pin as one wide locked segment of 1024', () => {
    const page = normalizeSnapshot(recorded('cve57').steps[3]!.state).pages[0]!;
    const pinned = { ...page, refcount: page.refcount + 1024, sources: [...page.sources, { kind: 'pin', count: 1024, proc: null, var: null, index: -1, holder: 'h', cpu: -1 }] };
    const list = segments(pinned);
    const pin = list.find((s) => s.kind === 'pin')!;
    expect(pin.locked).toBe(true);
    expect(pin.label).toContain('1024');
    expect(pin.units).toBeGreaterThan(list[0]!.units);
    expect(segmentSum(list)).toBe(pinned.refcount);
  });
});

describe('layout', () => {
  it('has one card per page and unique keys, arrows only to drawn cards', () => {
    for (const s of recorded('cve57').steps) {
      const snap = normalizeSnapshot(s.state);
      const l = layout(snap);
      expect(l.cards.length).toBe(snap.pages.length);
      const keys = [...l.rows, ...l.cards, ...l.arrows, ...l.holders, ...l.lanes, ...l.vmas].map((x) => x.constructor.name + x.key);
      expect(new Set(l.rows.map((r) => r.key)).size).toBe(l.rows.length);
      expect(keys.length).toBeGreaterThan(0);
      for (const a of l.arrows.filter((x) => !x.holder)) expect(a.to.x).toBe(defaultConfig.cardX);
    }
  });

  it('draws a large mapping as a strip, never one row per page', () => {
    const snap = normalizeSnapshot(recorded('cve57').steps[2]!.state);
    const proc = snap.processes[0]!;
    const vma = { ...proc.vmas[0]!, pages: 262144, ptes: Array.from({ length: 4096 }, (_, i) => ({ ...proc.vmas[0]!.ptes[0]!, index: i })) };
    const big = { ...snap, processes: [{ ...proc, vmas: [vma] }] };
    const l = layout(big);
    expect(l.vmas[0]!.strip).toBe(true);
    expect(l.rows.length).toBe(0);
    // a zoomed window of a few PTEs is drawn as rows under the strip
    const zoomed = layout({ ...big, processes: [{ ...proc, vmas: [{ ...vma, ptes: vma.ptes.slice(1000, 1032) }] }] });
    expect(zoomed.vmas[0]!.strip).toBe(true);
    expect(zoomed.rows.map((r) => r.pte.index)).toEqual(Array.from({ length: 32 }, (_, i) => 1000 + i));
  });
});

describe('THP folding', () => {
  it('draws alike pages of one folio on one card and their PTEs as one row', () => {
    const snap = normalizeSnapshot(recorded('cve57').steps[2]!.state);
    const proc = snap.processes[0]!;
    const base = snap.pages[0]!;
    const pages = Array.from({ length: 8 }, (_, i) => ({ ...base, pfn: 512 + i, content: i === 0 ? 'head' : '', thp: true, thpHead: i === 0, folioHead: 512 }));
    const ptes = pages.map((p, i) => ({ ...proc.vmas[0]!.ptes[0]!, index: i, pfn: p.pfn, pmd: true }));
    const l = layout({ ...snap, pages, processes: [{ ...proc, vmas: [{ ...proc.vmas[0]!, pages: 8, ptes }] }] });
    expect(l.cards.map((c) => [c.page.pfn, c.folded])).toEqual([[512, 0], [513, 6]]);
    expect(l.rows.map((r) => [r.pte.index, r.last])).toEqual([[0, 0], [1, 7]]);
    expect(l.arrows.filter((a) => !a.holder)).toHaveLength(2);
  });

  it('folds a hugetlb folio the same way, and its kpageflags say HUGE, not THP', () => {
    const snap = normalizeSnapshot(recorded('cve57').steps[2]!.state);
    const proc = snap.processes[0]!;
    const base = snap.pages[0]!;
    const pages = Array.from({ length: 8 }, (_, i) => ({ ...base, pfn: 512 + i, content: i === 0 ? 'head' : '', thp: false, hugetlb: true,
      lru: false, thpHead: i === 0, folioHead: 512 }));
    const ptes = pages.map((p, i) => ({ ...proc.vmas[0]!.ptes[0]!, index: i, pfn: p.pfn, pmd: true }));
    const l = layout({ ...snap, pages, processes: [{ ...proc, vmas: [{ ...proc.vmas[0]!, pages: 8, ptes }] }] });
    expect(l.cards.map((c) => [c.page.pfn, c.folded])).toEqual([[512, 0], [513, 6]]);
    expect(kpageflags(pages[0]!)).toEqual(expect.arrayContaining(['COMPOUND_HEAD', 'HUGE']));
    expect(kpageflags(pages[0]!)).not.toContain('THP');
    expect(kpageflags(pages[3]!)).toContain('COMPOUND_TAIL');
  });
});

describe('pagemap, kernels, compare', () => {
  it('sets present, exclusive (mapcount 1) and soft-dirty for the parent page before the write', () => {
    const snap = normalizeSnapshot(recorded('cve57').steps[5]!.state);
    const pte = snap.processes[0]!.vmas[0]!.ptes[0]!;
    const word = pagemapWord(pte, snap.pages.find((p) => p.pfn === pte.pfn), false);
    expect(bitSet(word, 63)).toBe(true);
    expect(bitSet(word, 56)).toBe(true);
    expect(bitSet(word, 62)).toBe(false);
    expect(word & ((1n << 55n) - 1n)).toBe(BigInt(pte.pfn));
  });

  it('names eras and links to Elixir', () => {
    expect(eraOf('5.7').id).toBe('E0');
    expect(eraOf('5.8').id).toBe('E1');
    expect(eraOf('5.10').id).toBe('E2');
    expect(eraOf('6.1').id).toBe('E3');
    expect(eraOf('6.18').id).toBe('E4');
    expect(VERSIONS).toContain('4.8');
    expect(VERSIONS).toContain('6.18');
    expect(elixirUrl('5.10', 'do_wp_page')).toBe('https://elixir.bootlin.com/linux/v5.10/A/ident/do_wp_page');
  });

  it('marks a page difference on the PTE and on the card mapped there', () => {
    const snap = normalizeSnapshot(recorded('cve57').steps[6]!.state);
    const keys = differences([{ what: 'page', key: 'parent.buf[0]', left: 1, right: 2 }], snap);
    const pfn = snap.processes[0]!.vmas[0]!.ptes[0]!.pfn;
    expect(keys).toContain('parent.buf[0]');
    expect(keys).toContain(`page:${pfn}`);
  });

  it('lists the event types of a step for the timeline markers', () => {
    expect(eventTypes(deltaMessage('cve57', 6, false))).toEqual(expect.arrayContaining(['fault', 'reuse']));
    expect(eventTypes(deltaMessage('cve57', 7, false))).toContain('hazard');
  });
});

describe('merged runs of alike rows (issue 12: show the story without panning)', () => {
  const mergedWide = arrangements.find((a) => a.merge && a.arrangement === 'wide')!;
  const snapWith = (n: number, odd: number | null = null) => {
    const snap = normalizeSnapshot(recorded('cve57').steps[2]!.state);
    const proc = snap.processes[0]!;
    const base = snap.pages[0]!;
    const pages = Array.from({ length: n }, (_, i) => ({ ...base, pfn: 100 + i, content: i === odd ? 'other' : 'x', sources: base.sources.map((s) => ({ ...s, index: i })) }));
    const ptes = pages.map((p, i) => ({ ...proc.vmas[0]!.ptes[0]!, index: i, pfn: p.pfn }));
    return { ...snap, pages, processes: [{ ...proc, vmas: [{ ...proc.vmas[0]!, pages: n, ptes }] }] };
  };

  it('draws the first of a run of alike rows, one summary row for the rest, and counts their pages on its card', () => {
    const l = layout(snapWith(40), mergedWide);
    expect(l.rows.map((r) => [r.pte.index, r.run ? `${r.run.first}-${r.run.last} like ${r.run.like}` : 'row'])).toEqual([[0, 'row'], [1, '1-39 like 0']]);
    expect(l.rows[1]!.run!.count).toBe(39);
    expect(l.cards.map((c) => [c.page.pfn, c.folded])).toEqual([[100, 39]]);
    // the summary row has no arrow of its own; the first row points at its card
    expect(l.arrows.filter((a) => !a.holder).map((a) => a.key)).toEqual([l.rows[0]!.key]);
    // without merging (and in the arrangements tried first) every row and card is drawn
    expect(layout(snapWith(40), defaultConfig).rows).toHaveLength(40);
    expect(l.height).toBeLessThan(layout(snapWith(40), { ...mergedWide, merge: false }).height / 3);
  });

  it('a page that differs breaks the run; short runs are not merged', () => {
    const l = layout(snapWith(20, 10), mergedWide);
    expect(l.rows.map((r) => (r.run ? `${r.run.first}-${r.run.last}` : String(r.pte.index)))).toEqual(['0', '1-9', '10', '11', '12-19']);
    expect(l.cards.map((c) => [c.page.pfn, c.folded])).toEqual([[100, 9], [110, 0], [111, 8]]);
    const short = layout(snapWith(2), mergedWide);
    expect(short.rows.filter((r) => r.run)).toHaveLength(0);
  });

  it('an opened run is drawn row by row', () => {
    const snap = snapWith(12);
    const first = layout(snap, mergedWide).rows[0]!.key;
    const opened = layout(snap, mergedWide, null, new Set([first]));
    expect(opened.rows).toHaveLength(12);
    expect(opened.cards).toHaveLength(12);
  });
});

describe('a mapping\'s address line (issue 12: never cut at 1920×1080)', () => {
  it('wraps at a part, else at a space, and splits only a word longer than a line', () => {
    expect(wrapLine('0x7f0000000000–0x7f0000001000 [0..0] rw softdirty', 47)).toEqual(['0x7f0000000000–0x7f0000001000 [0..0] rw', 'softdirty']);
    expect(wrapLine('0x1000–0x5000 [0..1] rw · [2..3] r softdirty uffd_wp', 30)).toEqual(['0x1000–0x5000 [0..1] rw', '[2..3] r softdirty uffd_wp']);
    expect(wrapLine('short', 47)).toEqual(['short']);
    expect(wrapLine('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    for (const line of wrapLine('0x7f0000000000–0x7f0000001000 [0..0] rw softdirty · [1..1] r uffd_wp locked · PTEs 0..1 of 2 shown', 40)) expect(line.length).toBeLessThanOrEqual(40);
  });

  it('gives the full-detail header a line per wrapped address line, and the compact forms none', () => {
    const snap = normalizeSnapshot(recorded('cve57').steps[6]!.state);
    const buf = snap.processes[0]!.vmas[0]!;
    expect(addressLine(buf, false)).toBe('0x7f0000000000–0x7f0000001000 [0..0] rw softdirty');
    expect(addressLines(buf, false, 47)).toEqual(['0x7f0000000000–0x7f0000001000', '[0..0] rw softdirty']);
    expect(addressLines(buf, false, 60)).toEqual(['0x7f0000000000–0x7f0000001000 [0..0] rw softdirty']);
    const full = layout(snap, defaultConfig);
    for (const v of full.vmas) {
      expect(v.address.join(' ').replace(/ /g, '')).toBe(addressLine(v.vma, v.strip).replace(/ · /g, '').replace(/ /g, ''));
      for (const line of v.address) expect(line.length).toBeLessThanOrEqual(addressChars(defaultConfig));
      expect(v.header).toBe(defaultConfig.vmaHeader + (v.address.length - 1) * ADDRESS_LINE);
    }
    const compact = layout(snap, arrangements.find((a) => a.detail === 'compact')!);
    expect(compact.vmas.every((v) => v.address.length === 0 && v.header === 24)).toBe(true);
  });
});
