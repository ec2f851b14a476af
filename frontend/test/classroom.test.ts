// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { galleryItem, galleryKernel } from '../src/model/gallery';
import { reportWanted, runMiss } from '../src/model/session';
import { isTheme, keepTheme, nextTheme, storedTheme, THEME_KEY, THEMES } from '../src/model/theme';
import { focusables, trapTab } from '../src/render/dialog';
import { EVENT_MARK, EVENT_MEANING } from '../src/render/panels';
import { segments } from '../src/model/refbar';
import type { SessionMessage } from '../src/model/protocol';

describe('gallery kernel', () => {
  it('opens a scenario on its own kernel line, else on the picked one', () => {
    const dirty = galleryItem('dirty-cow', 'title "Dirty COW"\nkernel 4.8\nprocess a\n');
    expect(dirty.kernel).toBe('4.8');
    // undefined: the server reads the scenario's own line (also "latest")
    expect(galleryKernel(dirty, '5.7')).toBeUndefined();
    const plain = galleryItem('x', 'title "no kernel line"\nprocess a\n');
    expect(galleryKernel(plain, '6.1')).toBe('6.1');
  });
});

describe('narration after kernel / compare', () => {
  const session = (step: number) => ({ type: 'session', position: { step, kernelStep: -1 } }) as unknown as SessionMessage;
  it('asks for the step again mid-scenario, not at step 0 or when a jump follows', () => {
    expect(reportWanted(session(4), false)).toBe(true);
    expect(reportWanted(session(0), false)).toBe(false);
    expect(reportWanted(session(4), true)).toBe(false);
  });
});

describe('run until', () => {
  it('says that nothing matched', () => {
    expect(runMiss('at the end', 7)).toContain('no later step matches');
    expect(runMiss('at the end', 7)).toContain('7');
    expect(runMiss('at the start', 0)).toContain('no earlier step matches');
    expect(runMiss('limit', 3)).toContain('limit');
  });
});

describe('themes', () => {
  it('cycles projector → dark → light and back', () => {
    expect(THEMES).toEqual(['projector', 'dark', 'light']);
    expect(nextTheme('projector')).toBe('dark');
    expect(nextTheme('dark')).toBe('light');
    expect(nextTheme('light')).toBe('projector');
    expect(isTheme('light')).toBe(true);
    expect(isTheme('sepia')).toBe(false);
  });
  it('is kept between visits, and a refusing storage is no error', () => {
    const map = new Map<string, string>();
    const storage = { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) };
    expect(storedTheme(storage)).toBeNull();
    expect(keepTheme(storage, 'dark')).toBe(true);
    expect(map.get(THEME_KEY)).toBe('dark');
    expect(storedTheme(storage)).toBe('dark');
    map.set(THEME_KEY, 'bogus');
    expect(storedTheme(storage)).toBeNull();
    const refusing = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceeded');
      },
    };
    expect(storedTheme(refusing)).toBeNull();
    expect(keepTheme(refusing, 'light')).toBe(false);
  });
});

describe('dialog focus trap', () => {
  const dialog = () => {
    const root = document.createElement('div');
    root.innerHTML = '<button id="a">a</button><span hidden><button id="h">hidden</button></span><input id="b"><button id="c">c</button>';
    document.body.replaceChildren(root);
    return root;
  };
  const tab = (shiftKey = false) => {
    let prevented = false;
    return { key: 'Tab', shiftKey, preventDefault: () => (prevented = true), prevented: () => prevented };
  };
  it('lists the visible focusables in order', () => {
    expect(focusables(dialog()).map((e) => e.id)).toEqual(['a', 'b', 'c']);
  });
  it('wraps Tab from the last to the first and Shift+Tab from the first to the last', () => {
    const root = dialog();
    const [a, , c] = focusables(root);
    const forward = tab();
    expect(trapTab(root, forward, c!)).toBe(true);
    expect(forward.prevented()).toBe(true);
    expect(document.activeElement).toBe(a);
    const back = tab(true);
    expect(trapTab(root, back, a!)).toBe(true);
    expect(document.activeElement).toBe(c);
  });
  it('leaves Tab alone in the middle and pulls an outside focus back in', () => {
    const root = dialog();
    const [a, b] = focusables(root);
    const middle = tab();
    expect(trapTab(root, middle, b!)).toBe(false);
    expect(middle.prevented()).toBe(false);
    expect(trapTab(root, tab(), document.body)).toBe(true);
    expect(document.activeElement).toBe(a);
    expect(trapTab(root, { key: 'Enter', shiftKey: false, preventDefault: () => {} }, b!)).toBe(false);
  });
});

describe('letters', () => {
  it('gives every marker a distinct letter and a meaning, none of them P (the present bit)', () => {
    const letters = Object.values(EVENT_MARK);
    expect(new Set(letters).size).toBe(letters.length);
    expect(letters).not.toContain('P');
    for (const type of Object.keys(EVENT_MARK)) expect(EVENT_MEANING[type], type).toBeTruthy();
  });
  it('spells the pipe out on the refcount bar', () => {
    const page = { sources: [{ kind: 'pipe', count: 1, holder: 'pipe', proc: null, var: null, index: -1, cpu: -1 }] } as never;
    expect(segments(page)[0]!.label).toBe('pipe');
  });
});

import { diffLine } from '../src/render/panels';
import { differences, receiveDelta, shownSnapshot, startSession } from '../src/model/session';

describe('compare differences', () => {
  it('say what differs, not two summaries cut at the same length', () => {
    const line = diffLine({
      what: 'page',
      key: 'parent.buf[0]',
      left: '"secret-2" refcount 2, mapcount 1, pincount 0, lru',
      right: '"secret-2" refcount 1, mapcount 1, pincount 0, lru',
      fields: [
        { field: 'pfn', left: '0x1', right: '0x3' },
        { field: 'refcount', left: 2, right: 1 },
        { field: 'references', left: '1 mapping + 1 pipe', right: '1 mapping' },
      ],
    });
    expect(line).toBe('Δ page at parent.buf[0]: pfn 0x1 ↔ 0x3 · refcount 2 ↔ 1 · references 1 mapping + 1 pipe ↔ 1 mapping');
    expect(diffLine({ what: 'holder', key: 'pipe:p', left: ['secret-2'], right: ['secret-1'], fields: [{ field: 'content', left: ['secret-2'], right: ['secret-1'] }] })).toBe(
      'Δ pipe p: content ["secret-2"] ↔ ["secret-1"]',
    );
    expect(diffLine({ what: 'event', key: 'cow', left: 0, right: 1 })).toBe('Δ cow events: 0 ↔ 1');
  });
  it('mark the holders that differ', () => {
    const snapshot = { processes: [], pages: [] } as never;
    const keys = differences([{ what: 'holder', key: 'pipe:p', left: ['a'], right: ['b'] }], snapshot);
    expect(keys.has('pipe:p')).toBe(true);
  });
});

describe('kernel-step state', () => {
  it('is what the stage shows inside a step, and the step state again outside', () => {
    const snapshot = (pages: number) => ({ step: 1, processes: [], pages: Array.from({ length: pages }, (_, i) => ({ pfn: i, sources: [] })), pipes: [], handles: [], lruBatches: [], hazards: [] }) as never;
    const session = startSession({ type: 'session', token: 't', kernel: '6.18', title: '', description: '', text: '', statements: [], steps: 3, position: { step: 1, kernelStep: -1 }, state: snapshot(2), expectations: [] } as never);
    const report = { type: 'delta', step: 1, kernelStep: 0, steps: 3, op: 'x', line: 1, say: null, kernelSteps: [], events: [], eventCounts: {}, summary: null, value: null, warnings: [], hazards: [], expectations: [], delta: null, compare: null, diff: [], appended: [], reason: null };
    const inside = receiveDelta(session, { ...report, state: snapshot(3), kernelState: snapshot(2) } as never);
    expect(shownSnapshot(inside).pages).toHaveLength(2);
    expect(inside.snapshot.pages).toHaveLength(3);
    const outside = receiveDelta(inside, { ...report, kernelStep: -1, state: snapshot(3), kernelState: null } as never);
    expect(shownSnapshot(outside).pages).toHaveLength(3);
  });
});
