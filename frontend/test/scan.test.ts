import { describe, expect, it } from 'vitest';
import { request } from '../src/model/protocol';
import { mappedPages, scanTimeline } from '../src/transport/scan';
import type { SocketLike } from '../src/transport/socket';

class FakeSocket implements SocketLike {
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  sent: Record<string, unknown>[] = [];
  closed = false;
  send(data: string) {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close() {
    this.closed = true;
  }
  receive(message: object) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
}

const delta = (step: number, events: string[]) => ({
  type: 'delta', step, kernelStep: -1, steps: 2, events: events.map((type) => ({ type })), eventCounts: {}, hazards: [], kernelSteps: [], warnings: [], expectations: [],
});

describe('timeline scan', () => {
  it('loads the same scenario on a second socket, steps through it, reports event types and closes', () => {
    const socket = new FakeSocket();
    const seen: [number, string[]][] = [];
    scanTimeline({ url: 'ws://x/ws', load: request.load({ gallery: 'g' }, '5.7'), steps: 2, onStep: (s, t) => seen.push([s, t]), createSocket: () => socket });
    socket.onopen?.({});
    expect(socket.sent.map((m) => m.type)).toEqual(['hello', 'load']);
    socket.receive({ type: 'hello', v: 1, server: 's', engine: 'e' });
    socket.receive({ type: 'session', token: 't', state: {}, steps: 2, position: { step: 0, kernelStep: -1 } });
    socket.receive(delta(1, ['fault']));
    socket.receive(delta(2, ['cow', 'fault']));
    expect(seen).toEqual([[1, ['fault']], [2, ['cow', 'fault']]]);
    expect(socket.sent.map((m) => m.type)).toEqual(['hello', 'load', 'step', 'step', 'close']);
    expect(socket.closed).toBe(true);
  });

  it('does not scan long scenarios', () => {
    let created = false;
    scanTimeline({ url: 'ws://x/ws', load: request.load({ gallery: 'g' }), steps: 1000, onStep: () => {}, createSocket: () => ((created = true), new FakeSocket()) });
    expect(created).toBe(false);
  });
});

describe('scan size', () => {
  it('counts the pages a scenario maps', () => {
    expect(mappedPages('p: a = mmap 4\np: b = mmap 2M hugepage\np: c = mmap 1G\n')).toBe(4 + 512 + 262_144);
    expect(mappedPages('p: a = mmap 16K')).toBe(4);
  });
});
