// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { StepReport } from '../src/model/protocol';
import type { SessionState } from '../src/model/session';
import { normalizeSnapshot, type Snapshot } from '../src/model/snapshot';
import { Motion } from '../src/render/anim';
import { number, renderNarration, renderTimeline } from '../src/render/panels';
import { Stage } from '../src/render/stage';
import { recorded } from './fixtures';

// issue 12, stage 3: what the step's frame does not redo (docs/stage.md, "The step's frames")

describe('number', () => {
  it('groups thousands as en-US does', () => {
    for (const n of [0, 7, 999, 1000, 1024, 65536, 262144, 1234567, -4096]) expect(number(n)).toBe(n.toLocaleString('en-US'));
  });
});

const report = (id: number): StepReport =>
  ({
    id,
    step: 4,
    kernelStep: -1,
    steps: 6,
    op: 'c: write b "y"',
    line: 6,
    say: null,
    kernelSteps: [{ depth: 0, function: 'handle_mm_fault', note: '' }, { depth: 1, function: 'wp_page_copy', note: '' }],
    events: [],
    eventCounts: { cow: 512 },
    summary: 'c wrote "y" to 512 page(s)',
    value: null,
    warnings: [],
    hazards: [],
    expectations: [],
    state: null,
    delta: null,
  }) as unknown as StepReport;

const session = (r: StepReport, step = 4): SessionState =>
  ({ token: 't', kernel: '6.18', compare: null, title: '', description: '', text: '', statements: [], steps: 6, step, kernelStep: -1, report: r, compareReport: null, diff: [], markers: { 1: ['fault'], 4: ['cow'] } }) as unknown as SessionState;

function page(): void {
  document.body.innerHTML = `
    <p id="caption"></p><p id="live-caption"></p><div id="decision"></div><ol id="kernel-steps"></ol><ul id="expectations"></ul>
    <input id="scrubber" type="range"><div id="markers"></div><span id="position"></span>`;
}

describe('the full state after a delta', () => {
  it('does not draw the narration again when only the request id of its report differs', () => {
    page();
    renderNarration(document, session(report(3)), true);
    const first = document.getElementById('kernel-steps')!.firstElementChild;
    expect(first?.textContent).toContain('handle_mm_fault');
    renderNarration(document, session(report(4)), true);
    expect(document.getElementById('kernel-steps')!.firstElementChild).toBe(first);
    // another step is drawn anew
    renderNarration(document, session({ ...report(5), op: 'p: write b "z"', step: 5 } as StepReport, 5), true);
    expect(document.getElementById('kernel-steps')!.firstElementChild).not.toBe(first);
    expect(document.getElementById('caption')!.textContent).toContain('5. p: write b "z"');
  });
});

describe('the timeline', () => {
  it('keeps its ticks and changes only what changed', () => {
    page();
    renderTimeline(document, session(report(1), 3), []);
    const ticks = [...document.getElementById('markers')!.children];
    expect(ticks).toHaveLength(7);
    expect(ticks[3]!.className).toContain('current');
    renderTimeline(document, session(report(1), 4), [2]);
    const again = [...document.getElementById('markers')!.children];
    expect(again).toHaveLength(7);
    again.forEach((tick, i) => expect(tick).toBe(ticks[i]));
    expect(again[3]!.className).not.toContain('current');
    expect(again[4]!.className).toBe('tick ev-cow current');
    expect(again[2]!.className).toContain('breakpoint');
    expect(again[1]!.getAttribute('title')).toContain('fault');
    expect(again[5]!.getAttribute('title')).toContain('not visited yet');
    renderTimeline(document, { ...session(report(1), 0), steps: 2 } as SessionState, []);
    expect(document.getElementById('markers')!.children).toHaveLength(3);
  });
});

describe('a big state laid out ahead of the frame that draws it', () => {
  const context = { report: null, selected: null, involved: new Set<string>(), differs: new Set<string>(), onSelect: () => {} };
  const stageIn = (box: { width: number; height: number }) => {
    document.body.innerHTML = '<div><svg id="s"></svg></div>';
    const stage = new Stage(document.getElementById('s') as unknown as SVGSVGElement, new Motion(() => true));
    stage.setBox(box);
    return stage;
  };
  // one process with n alike pages (the 512-page scenario's shape)
  const snapWith = (n: number): Snapshot => {
    const snap = normalizeSnapshot(recorded('cve57').steps[2]!.state);
    const proc = snap.processes[0]!;
    const base = snap.pages[0]!;
    const pages = Array.from({ length: n }, (_, i) => ({ ...base, pfn: 100 + i, content: 'x', sources: base.sources.map((s) => ({ ...s, index: i })) }));
    const ptes = pages.map((p, i) => ({ ...proc.vmas[0]!.ptes[0]!, index: i, pfn: p.pfn }));
    return { ...snap, pages, processes: [{ ...proc, vmas: [{ ...proc.vmas[0]!, pages: n, ptes }] }] };
  };
  const box = { width: 1100, height: 560 };

  it('makes one arrangement per call, and the render then draws what an unprepared stage draws', () => {
    const snap = snapWith(300);
    const prepared = stageIn(box);
    expect(prepared.needsLayout(snap, {})).toBe(true);
    let calls = 0;
    while (prepared.prepare(snap, {})) calls++;
    // six arrangements: the full-detail ones do not show 300 rows whole, so all are laid out
    expect(calls + 1).toBe(6);
    expect(prepared.needsLayout(snap, {})).toBe(false);
    prepared.render(snap, context);
    const plain = stageIn(box);
    plain.render(snap, context);
    for (const name of ['data-arrangement', 'data-scale', 'data-width', 'data-height', 'data-cards', 'data-runs']) {
      expect(prepared.root.getAttribute(name), name).toBe(plain.root.getAttribute(name));
    }
    expect(prepared.root.getAttribute('data-arrangement')).toContain('merged');
    // the same structure in the same box again: only the kept arrangement
    const next = { ...snap, pages: snap.pages.map((p) => ({ ...p, content: 'y' })) };
    expect(prepared.needsLayout(next, {})).toBe(true);
    expect(prepared.prepare(next, {})).toBe(false);
  });

  it('lays out only the full-detail arrangements when one of them shows the whole state', () => {
    const snap = snapWith(3);
    const stage = stageIn(box);
    let calls = 0;
    while (stage.prepare(snap, {})) calls++;
    expect(calls + 1).toBe(2);
    stage.render(snap, context);
    expect(stage.root.getAttribute('data-arrangement')).not.toContain('merged');
    expect(stage.root.getAttribute('data-whole')).toBe('true');
  });
});
