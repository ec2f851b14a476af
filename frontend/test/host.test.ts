import { describe, expect, it } from 'vitest';
import { hostDiffKeys, hostDiffLines, hostStepAt, hostTable } from '../src/model/host';
import { HOST_REQUEST_ID, type HostMessage, parseServerMessage, request, type Statement } from '../src/model/protocol';
import { initialState, reduce } from '../src/model/state';

const answer = {
  type: 'host',
  machine: 'Linux 6.18.44',
  model: '6.18',
  root: true,
  pfns: true,
  swap: 'on',
  softDirty: true,
  unobservable: ['refcount', 'pincount'],
  notes: ['model 6.18 configured as this machine: swap on, soft-dirty on'],
  differences: 1,
  steps: [
    { index: 0, line: 3, source: 'process parent', outcome: 'ok', values: [], kernel: { 'parent state': 'alive' }, model: {}, differs: [] },
    {
      index: 1, line: 4, source: 'parent: buf = mmap(1, anon, private, rw)', outcome: 'ok', faults: 0, values: [],
      kernel: { 'step outcome': 'ok', 'parent.buf[0] vma': 'yes', 'parent.buf[0] present': 'no', 'parent.buf[0] content': '"x"', 'pipe p': '' },
      model: {}, differs: [],
    },
    {
      index: 3, line: 6, source: 'parent: write buf[0] "a"', outcome: 'ok', faults: 1, values: [],
      kernel: { 'step faults': '1', 'parent.buf[0] present': 'yes', 'parent.buf[0] pagemap exclusive': 'no', 'parent.buf[0] vma': 'yes', 'pipe p': 'a' },
      model: { 'parent.buf[0] pagemap exclusive': 'yes', 'pipe p': '' },
      differs: ['parent.buf[0] pagemap exclusive', 'pipe p'],
    },
    { index: 4, line: 7, source: 'parent: get buf[0]', outcome: 'skipped=get: no system call', values: [], skipped: 'get: no system call' },
  ],
};

const statements: Statement[] = [
  { index: 0, line: 3, text: 'process parent', kind: 'operation', step: 0 },
  { index: 1, line: 4, text: 'parent: buf = mmap(1, anon, private, rw)', kind: 'operation', step: 1 },
  { index: 2, line: 5, text: 'say "hi"', kind: 'say', step: null },
  { index: 3, line: 6, text: 'parent: write buf[0] "a"', kind: 'operation', step: 2 },
  { index: 4, line: 7, text: 'parent: get buf[0]', kind: 'operation', step: 3 },
];

function parsed(): HostMessage {
  const m = parseServerMessage(JSON.stringify(answer));
  if (m.type !== 'host') throw new Error(`parsed as ${m.type}`);
  return m;
}

describe('this machine beside the model', () => {
  it('parses the host answer and the hello that offers it', () => {
    const m = parsed();
    expect(m.machine).toBe('Linux 6.18.44');
    expect(m.steps).toHaveLength(4);
    expect(m.steps[2]!.differs).toEqual(['parent.buf[0] pagemap exclusive', 'pipe p']);
    expect(m.steps[3]!.kernel).toBeNull();
    const hello = parseServerMessage('{"type":"hello","v":1,"server":"s","engine":"e","host":"Linux 6.18.44"}');
    expect(hello).toMatchObject({ type: 'hello', host: 'Linux 6.18.44' });
    const without = parseServerMessage('{"type":"hello","v":1,"server":"s","engine":"e"}');
    expect(without).not.toHaveProperty('host');
    expect(request.host()).toEqual({ type: 'host', v: 1, id: HOST_REQUEST_ID });
  });

  it('finds the native step that made each session step', () => {
    const m = parsed();
    expect(hostStepAt(m, statements, 0)?.index).toBe(0);
    expect(hostStepAt(m, statements, 2)?.line).toBe(6);
    expect(hostStepAt(m, statements, 3)?.skipped).toContain('get');
    expect(hostStepAt(m, statements, 9)).toBeNull();
  });

  it('lays pages out as rows, marks what differs with the model value, and keys it for the stage', () => {
    const step = hostStepAt(parsed(), statements, 2)!;
    const t = hostTable(step);
    expect(t.columns).toEqual(['vma', 'present', 'pagemap exclusive']);
    expect(t.pages.map((p) => p.key)).toEqual(['parent.buf[0]']);
    expect(t.pages[0]!.cells.get('pagemap exclusive')).toEqual({ field: 'pagemap exclusive', kernel: 'no', model: 'yes' });
    expect(t.pages[0]!.cells.get('present')!.model).toBeNull();
    expect(t.step.map((c) => c.field)).toEqual(['step faults']);
    expect(t.others).toEqual([{ field: 'pipe p', kernel: 'a', model: '' }]);
    expect([...hostDiffKeys(step)]).toEqual(['parent.buf[0]', 'pipe:p']);
    expect(hostDiffLines(step)[0]).toBe('parent.buf[0] pagemap exclusive: model yes, kernel no');
    expect(hostDiffKeys(hostStepAt(parsed(), statements, 1))).toEqual(new Set());
  });

  it('keeps the offer from the hello, the run and its refusal in the state', () => {
    let s = reduce(initialState, { kind: 'received', message: parseServerMessage('{"type":"hello","v":1,"server":"s","engine":"e","host":"Linux 6.1"}') as never });
    expect(s.host).toBe('Linux 6.1');
    s = reduce(s, { kind: 'host-requested' });
    expect(s.hostRun?.status).toBe('running');
    s = reduce(s, { kind: 'received', message: { type: 'error', code: 'limit', message: 'too many pages (cowscope.host.max-pages)', id: HOST_REQUEST_ID } });
    expect(s.hostRun).toMatchObject({ status: 'failed', error: 'too many pages (cowscope.host.max-pages)' });
    s = reduce(s, { kind: 'received', message: parsed() });
    expect(s.hostRun?.status).toBe('done');
    // another error (not the host request's) leaves the run alone
    s = reduce(s, { kind: 'received', message: { type: 'error', code: 'invalid', message: 'x', id: 7 } });
    expect(s.hostRun?.status).toBe('done');
  });
});
