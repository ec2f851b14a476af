import { describe, expect, it } from 'vitest';
import { histogram } from '../src/teach/vote';

describe('class vote histogram', () => {
  it('lists every option, then other answers, with anonymous counts', () => {
    const counts = new Map([
      ['reuse', 2],
      ['copy', 1],
      ['42', 1],
    ]);
    expect(histogram(counts, ['copy', 'reuse', 'none'])).toEqual([
      ['copy', 1],
      ['reuse', 2],
      ['none', 0],
      ['42', 1],
    ]);
  });

  it('takes the counts a reveal carries (a plain object) and keeps at most 12 rows', () => {
    const many: Record<string, number> = {};
    for (let i = 0; i < 20; i++) many[String(i)] = 1;
    expect(histogram(many, [])).toHaveLength(12);
    expect(histogram({}, ['yes', 'no'])).toEqual([
      ['yes', 0],
      ['no', 0],
    ]);
  });
});
