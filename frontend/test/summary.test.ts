import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../src/model/snapshot';
import { decisionSummary, picturedPages } from '../src/render/panels';
import type { StepReport } from '../src/model/protocol';

const cow = (page: number): EngineEvent =>
  ({ type: 'cow', proc: 'c', var: 'b', page, pfn: 100 + page, function: 'wp_page_copy', rule: 'PAGE_COUNT_REUSE', text: 'copy', values: {} }) as unknown as EngineEvent;

describe('a bulk step\'s decisions', () => {
  it('are summed by kind with the exact totals of the step, not "13 more decisions"', () => {
    const listed = Array.from({ length: 16 }, (_, i) => cow(i));
    const text = decisionSummary(listed, { cow: 1024, fault: 1024 });
    expect(text).toContain('1,024 × cow');
    expect(text).toContain('wp_page_copy');
    expect(text).toContain('PAGE_COUNT_REUSE');
    expect(text).not.toMatch(/more decisions/);
  });

  it('keeps kinds apart and counts the listed ones when the step has no totals', () => {
    const reuse = { ...cow(0), type: 'reuse', function: 'wp_page_reuse', rule: 'MAPCOUNT_REUSE' } as unknown as EngineEvent;
    const text = decisionSummary([cow(0), cow(1), reuse, cow(2)], {});
    expect(text).toBe('This step: 3 × cow (wp_page_copy · PAGE_COUNT_REUSE); 1 × reuse (wp_page_reuse · MAPCOUNT_REUSE).');
  });
});

describe('which pages a bulk step\'s kernel steps picture (issue 12)', () => {
  const report = (events: EngineEvent[], eventCounts: Record<string, number>) => ({ events, eventCounts, kernelSteps: [{ depth: 0, function: 'handle_mm_fault', note: '' }] }) as unknown as StepReport;

  it('names the pictured pages and how many are only counted', () => {
    const text = picturedPages(report(Array.from({ length: 16 }, (_, i) => cow(i)), { cow: 512, fault: 512 }));
    expect(text).toBe('Kernel steps (and step into) picture 16 of the 512 pages: c.b 0–15; the other 496 went the same way and are only counted.');
  });

  it('says nothing when every page the step touched is pictured', () => {
    expect(picturedPages(report([cow(0), cow(1), cow(2)], { cow: 3 }))).toBeNull();
    expect(picturedPages(report([], { fault: 0 }))).toBeNull();
  });

  it('lists broken ranges of pages', () => {
    const text = picturedPages(report([cow(0), cow(1), cow(2), cow(7), cow(9), cow(10)], { cow: 40 }));
    expect(text).toContain('c.b 0–2, 7, 9–10');
    expect(text).toContain('6 of the 40 pages');
  });
});
