import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../src/model/snapshot';
import { decisionSummary } from '../src/render/panels';

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
