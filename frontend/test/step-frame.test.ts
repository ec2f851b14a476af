// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { StepReport } from '../src/model/protocol';
import type { SessionState } from '../src/model/session';
import { number, renderNarration, renderTimeline } from '../src/render/panels';

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
