import { describe, expect, it } from 'vitest';
import { best, bestDetailed, compareDirection, fit, FITTED, panBy, typeFloor, viewBoxOf, zoomAt } from '../src/model/fit';
import { arrangements, defaultConfig, FULL_DETAIL, layout, tallConfig, visiblePart } from '../src/model/layout';
import { normalizeSnapshot } from '../src/model/snapshot';
import { recorded } from './fixtures';

describe('fit', () => {
  it('takes the largest scale that shows everything, width and height', () => {
    expect(fit({ width: 1000, height: 500 }, { width: 1500, height: 1000 }, 14, 10).scale).toBeCloseTo(1.5);
    expect(fit({ width: 1000, height: 500 }, { width: 3000, height: 600 }, 14, 10).scale).toBeCloseTo(1.2);
    const f = fit({ width: 1000, height: 500 }, { width: 1500, height: 1000 }, 14, 10);
    expect(f.whole).toBe(true);
    expect(f.visible).toBe(1);
  });

  it('never goes below the type floor: a window of the state is shown instead', () => {
    const f = fit({ width: 1000, height: 2000 }, { width: 1000, height: 500 }, 14, 18);
    expect(f.scale * 14).toBeGreaterThanOrEqual(18);
    expect(f.scale * 14).toBeLessThan(18.1);
    expect(f.floored).toBe(true);
    expect(f.whole).toBe(false);
    const s = f.scale;
    expect(f.visible).toBeCloseTo(Math.min(1, 1000 / (1000 * s)) * (500 / (2000 * s)), 5);
  });

  it('does not blow a tiny state up beyond the ceiling', () => {
    const f = fit({ width: 100, height: 50 }, { width: 1900, height: 900 }, 14, 12, 30);
    expect(f.scale * 14).toBeCloseTo(30);
    expect(f.whole).toBe(true);
  });

  it('chooses the arrangement with the larger type; at the floor, the one that shows more', () => {
    const wide = { name: 'wide', content: { width: 850, height: 400 } };
    const tall = { name: 'tall', content: { width: 480, height: 700 } };
    expect(best([wide, tall], { width: 1400, height: 800 }, 14, 12).choice.name).toBe('wide');
    expect(best([wide, tall], { width: 400, height: 800 }, 14, 11).choice.name).toBe('tall');
    // both floored: the visible share decides
    const r = best([wide, tall], { width: 300, height: 200 }, 14, 14);
    expect(r.fit.floored).toBe(true);
    expect(r.choice.name).toBe(fit(wide.content, { width: 300, height: 200 }, 14, 14).visible >= fit(tall.content, { width: 300, height: 200 }, 14, 14).visible ? 'wide' : 'tall');
  });

  it('takes a compact form only when no full-detail one shows everything at the floor', () => {
    const full = { name: 'full', content: { width: 800, height: 500 } };
    const compact = { name: 'compact', content: { width: 800, height: 300 } };
    expect(bestDetailed([full, compact], 1, { width: 1600, height: 1000 }, 14, 13).choice.name).toBe('full');
    expect(bestDetailed([full, compact], 1, { width: 800, height: 300 }, 14, 13).choice.name).toBe('compact');
  });
});

describe('type floor', () => {
  it('meets the classroom targets: 18 px on a 1080p projector, 12 px in compare at 1366×768, 13 / 11 px in an 800×450 embed', () => {
    expect(typeFloor({ width: 1920, height: 1080 }, false)).toBe(18);
    expect(typeFloor({ width: 1366, height: 768 }, true)).toBeGreaterThanOrEqual(12);
    expect(typeFloor({ width: 800, height: 450 }, false)).toBeGreaterThanOrEqual(13);
    expect(typeFloor({ width: 800, height: 450 }, true)).toBeGreaterThanOrEqual(11);
  });

  it('lets a phone go down to 11 px rather than scroll sideways', () => {
    expect(typeFloor({ width: 390, height: 844 }, false)).toBe(11);
    expect(typeFloor({ width: 3840, height: 2160 }, false)).toBe(18);
  });
});

describe('compare', () => {
  const wide = { content: { width: 850, height: 400 } };
  const tall = { content: { width: 480, height: 700 } };
  it('puts two stages side by side in a wide box and stacks them in a tall one', () => {
    expect(compareDirection({ width: 1800, height: 700 }, [[wide, tall], [wide, tall]], 14, 11).direction).toBe('row');
    expect(compareDirection({ width: 900, height: 1400 }, [[wide, tall], [wide, tall]], 14, 11).direction).toBe('column');
  });

  it('uses one arrangement for both and maximises the smaller stage\'s type', () => {
    const r = compareDirection({ width: 1000, height: 600 }, [[wide, tall], [wide, { content: { width: 480, height: 900 } }]], 14, 8);
    const other = r.direction === 'row' ? { width: 494, height: 600 } : { width: 1000, height: 294 };
    const scales = [[wide, tall], [wide, { content: { width: 480, height: 900 } }]].map((l) => fit(l[r.arrangement]!.content, other, 14, 8).scale);
    expect(r.scale).toBeCloseTo(Math.min(...scales));
    for (const direction of ['row', 'column'] as const) {
      const box = direction === 'row' ? { width: 494, height: 600 } : { width: 1000, height: 294 };
      for (const a of [0, 1]) {
        const s = Math.min(fit([wide, tall][a]!.content, box, 14, 8).scale, fit([wide, { content: { width: 480, height: 900 } }][a]!.content, box, 14, 8).scale);
        expect(s).toBeLessThanOrEqual(r.scale + 1e-9);
      }
    }
  });
});

describe('view box', () => {
  const content = { width: 800, height: 1200 };
  const box = { width: 400, height: 300 };
  it('is the box in layout units at the scale, kept inside the content', () => {
    const vb = viewBoxOf(content, box, 0.5, FITTED);
    expect(vb).toEqual({ x: 0, y: 0, width: 800, height: 600, scale: 0.5 });
    const far = viewBoxOf(content, box, 0.5, { zoom: 1, x: 5000, y: 5000 });
    expect(far.x).toBe(0);
    expect(far.y).toBe(600);
  });

  it('centres a narrow drawing', () => {
    const vb = viewBoxOf({ width: 400, height: 100 }, { width: 1000, height: 500 }, 1, FITTED);
    expect(vb.x).toBe(-300);
    expect(vb.y).toBe(0);
  });

  it('zooms around the pointer and pans by screen pixels', () => {
    const vb = viewBoxOf(content, box, 0.5, FITTED);
    const at = { x: 200, y: 100 };
    const zoomed = zoomAt(FITTED, vb, 2, at);
    const after = viewBoxOf(content, box, 0.5, zoomed);
    // the content point under the pointer stays under it
    expect(after.x + at.x / after.scale).toBeCloseTo(vb.x + at.x / vb.scale);
    expect(after.y + at.y / after.scale).toBeCloseTo(vb.y + at.y / vb.scale);
    const panned = viewBoxOf(content, box, 0.5, panBy(vb, FITTED, 0, 100));
    expect(panned.y).toBeCloseTo(200);
  });
});

describe('arrangements', () => {
  const snap = normalizeSnapshot(recorded('cve618').steps[4]!.state);
  it('tall puts every page card below the lanes and is narrower than wide', () => {
    const wide = layout(snap, defaultConfig);
    const tall = layout(snap, tallConfig);
    const lanesBottom = Math.max(...tall.lanes.map((l) => l.y + l.height));
    expect(tall.cards.length).toBeGreaterThan(0);
    for (const c of tall.cards) expect(c.y).toBeGreaterThanOrEqual(lanesBottom);
    expect(tall.width).toBeLessThan(wide.width * 0.7);
    for (const a of tall.arrows.filter((x) => !x.holder)) expect(a.gutter).toBeGreaterThan(0);
  });

  it('compact forms are shorter and come after the full-detail ones', () => {
    expect(arrangements.slice(0, FULL_DETAIL).every((c) => c.detail === 'full')).toBe(true);
    const compactWide = arrangements.find((c) => c.detail === 'compact' && c.arrangement === 'wide')!;
    expect(layout(snap, compactWide).height).toBeLessThan(layout(snap, defaultConfig).height);
  });
});

describe('a COW copy gets its own card (gap 4)', () => {
  // cve618 statement 6: the parent writes; 6.18 copies (pfn 1 → a new pfn); the pipe keeps pfn 1
  const steps = recorded('cve618').steps;
  const i = steps.findIndex((s) => (s.step.events as { type: string }[]).some((e) => e.type === 'COW'));
  const before = normalizeSnapshot(steps[i - 1]!.state);
  const after = normalizeSnapshot(steps[i]!.state);
  const row = 'parent.buf[0]';

  for (const config of [defaultConfig, tallConfig]) {
    it(`${config.arrangement}: the old card stays where it was, the copy gets a new place and the arrow moves to it`, () => {
      const first = layout(before, config);
      const second = layout(after, config, first);
      const oldPfn = first.rows.find((r) => r.key === row)!.pte.pfn;
      const newPfn = second.rows.find((r) => r.key === row)!.pte.pfn;
      expect(newPfn).not.toBe(oldPfn);
      const oldCard = first.cards.find((c) => c.page.pfn === oldPfn)!;
      const kept = second.cards.find((c) => c.page.pfn === oldPfn);
      const copy = second.cards.find((c) => c.page.pfn === newPfn)!;
      expect(kept, 'the old page is still referenced (the pipe): its card stays').toBeDefined();
      expect(kept!.y).toBe(oldCard.y);
      expect(copy.y).not.toBe(oldCard.y);
      const arrowBefore = first.arrows.find((a) => a.key === row)!;
      const arrowAfter = second.arrows.find((a) => a.key === row)!;
      expect(arrowAfter.to).not.toEqual(arrowBefore.to);
      expect(arrowAfter.to.y).toBe(copy.y + config.cardHeight / 2);
    });
  }

  it('without the previous layout the copy would take the old card\'s place (why the previous one is passed)', () => {
    const fresh = layout(after, defaultConfig);
    const first = layout(before, defaultConfig);
    const oldPfn = first.rows.find((r) => r.key === row)!.pte.pfn;
    const newPfn = fresh.rows.find((r) => r.key === row)!.pte.pfn;
    expect(fresh.cards.find((c) => c.page.pfn === newPfn)!.y).toBe(first.cards.find((c) => c.page.pfn === oldPfn)!.y);
  });
});

describe('only the part around the window is drawn', () => {
  it('keeps what overlaps the region vertically, everything without a region', () => {
    const snap = normalizeSnapshot(recorded('cve618').steps[4]!.state);
    const l = layout(snap, defaultConfig);
    expect(visiblePart(l, null, defaultConfig)).toBe(l);
    const first = l.lanes[0]!;
    const part = visiblePart(l, { x: 0, y: first.y, width: l.width, height: first.height / 2 }, defaultConfig);
    expect(part.lanes.map((x) => x.key)).toEqual([first.key]);
    expect(part.rows.every((r) => r.y <= first.y + first.height / 2)).toBe(true);
    expect(part.rows.length).toBeLessThan(l.rows.length + 1);
    const none = visiblePart(l, { x: 0, y: l.height + 100, width: l.width, height: 50 }, defaultConfig);
    expect(none.rows.length + none.cards.length + none.lanes.length).toBe(0);
  });
});
