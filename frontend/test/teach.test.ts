import { describe, expect, it } from 'vitest';
import { followerToken, histogram } from '../src/teach/vote';

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

describe('follower token', () => {
  it('is kept per room, so a reconnect or reload votes as the same follower', () => {
    const kept = new Map<string, string>();
    const storage = { getItem: (k: string) => kept.get(k) ?? null, setItem: (k: string, v: string) => void kept.set(k, v) };
    const first = followerToken('room-a', storage);
    expect(first).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    expect(followerToken('room-a', storage)).toBe(first);
    expect(followerToken('room-b', storage)).not.toBe(first);
    // a kept value that is not a token is replaced
    kept.set('cowscope.voter.room-c', 'x');
    expect(followerToken('room-c', storage)).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    // no storage (refused): still a token, for this page only
    expect(followerToken('room-a', null)).not.toBe(first);
  });
});
