import { describe, expect, it } from 'vitest';
import { Motion } from '../src/render/anim';
import { mergeWindow } from '../src/model/session';
import { normalizeSnapshot } from '../src/model/snapshot';
import { recorded } from './fixtures';

function fakeElement() {
  const animations: { finish: () => void }[] = [];
  return {
    animations,
    animate() {
      let resolve!: () => void;
      const finished = new Promise<void>((r) => (resolve = r));
      const animation = { finished, finish: () => resolve() };
      animations.push(animation);
      return animation;
    },
  };
}

describe('motion', () => {
  it('tracks the animations of a paint and resolves finished when they end', async () => {
    const motion = new Motion(() => false);
    const el = fakeElement();
    let done = false;
    void motion.play(el as unknown as Element, [{ opacity: 0 }, { opacity: 1 }]);
    void motion.finished().then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    el.animations[0]!.finish();
    await new Promise((r) => setTimeout(r, 0));
    expect(done).toBe(true);
  });

  it('is instant under prefers-reduced-motion, and past the budget of a paint', async () => {
    const reduced = new Motion(() => true);
    const el = fakeElement();
    await reduced.play(el as unknown as Element, [{ opacity: 0 }]);
    expect(el.animations).toHaveLength(0);
    const budgeted = new Motion(() => false);
    budgeted.budget = 2;
    for (let i = 0; i < 5; i++) void budgeted.play(el as unknown as Element, [{ opacity: 0 }]);
    expect(el.animations).toHaveLength(2);
    budgeted.beginPaint();
    void budgeted.play(el as unknown as Element, [{ opacity: 0 }]);
    expect(el.animations).toHaveLength(3);
  });
});

describe('window answers', () => {
  it('replace the PTEs of the windowed mapping only and add the pages they map', () => {
    const current = normalizeSnapshot(recorded('cve57').steps[3]!.state);
    const parent = current.processes.find((p) => p.name === 'parent')!;
    const windowed = {
      ...current,
      processes: current.processes.map((p) => ({ ...p, vmas: p.vmas.map((v) => ({ ...v, ptes: p.name === 'child' ? v.ptes : [] })) })),
      pages: [{ ...current.pages[0]!, pfn: 999 }],
    };
    const merged = mergeWindow(current, windowed, 'child', 'buf');
    expect(merged.processes.find((p) => p.name === 'parent')!.vmas[0]!.ptes).toEqual(parent.vmas[0]!.ptes);
    expect(merged.pages.map((p) => p.pfn)).toEqual(expect.arrayContaining([...current.pages.map((p) => p.pfn), 999]));
  });
});

import { cellsFromStrip } from '../src/render/strip';

describe('strip cells', () => {
  it('reads the server strip, one char per page, the most frequent state per column', () => {
    expect(cellsFromStrip('wwrr..zzsS', 5)).toEqual(['writable', 'readonly', 'none', 'zero', 'swapped']);
    const big = 'r'.repeat(100_000) + '.'.repeat(162_144);
    const cells = cellsFromStrip(big, 400);
    expect(cells.slice(0, 150).every((c) => c === 'readonly')).toBe(true);
    expect(cells.slice(160).every((c) => c === 'none')).toBe(true);
  });
});
