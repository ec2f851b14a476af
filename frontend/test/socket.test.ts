import { describe, expect, it } from 'vitest';
import type { AppEvent } from '../src/model/state';
import { Connection, type SocketLike, type Timers, socketUrl } from '../src/transport/socket';

class FakeSocket implements SocketLike {
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  readonly sent: string[] = [];
  closed = false;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.closed = true;
  }
}

class FakeTimers implements Timers {
  readonly pending: { fn: () => void; ms: number }[] = [];
  setTimeout(fn: () => void, ms: number) {
    const entry = { fn, ms };
    this.pending.push(entry);
    return entry;
  }
  clearTimeout(handle: unknown) {
    const index = this.pending.indexOf(handle as { fn: () => void; ms: number });
    if (index >= 0) this.pending.splice(index, 1);
  }
  fire() {
    const entry = this.pending.shift();
    entry?.fn();
    return entry?.ms;
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const events: AppEvent[] = [];
  const timers = new FakeTimers();
  const connection = new Connection({
    url: 'ws://here/ws',
    onEvent: (event) => events.push(event),
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    timers,
    retryMs: 100,
    maxRetryMs: 350,
  });
  return { sockets, events, timers, connection };
}

describe('socketUrl', () => {
  it('uses ws on http and wss on https, same host, path /ws', () => {
    expect(socketUrl({ protocol: 'http:', host: 'localhost:8080' })).toBe('ws://localhost:8080/ws');
    expect(socketUrl({ protocol: 'https:', host: 'cow.example' })).toBe('wss://cow.example/ws');
  });
});

describe('Connection', () => {
  it('says hello when the socket opens and passes messages on', () => {
    const { sockets, events, connection } = setup();
    connection.open();
    const socket = sockets[0]!;
    expect(socket.url).toBe('ws://here/ws');
    socket.onopen?.({});
    expect(JSON.parse(socket.sent[0]!)).toEqual({ type: 'hello', v: 1 });
    socket.onmessage?.({ data: '{"type":"hello","v":1,"server":"s","engine":"e"}' });
    expect(events.map((event) => event.kind)).toEqual(['socket-opening', 'socket-open', 'received']);
    expect(events[2]).toEqual({ kind: 'received', message: { type: 'hello', v: 1, server: 's', engine: 'e' } });
  });

  it('retries with doubling delays up to the maximum, and resets after a good open', () => {
    const { sockets, events, timers, connection } = setup();
    connection.open();
    sockets[0]!.onclose?.({});
    expect(events.at(-1)).toEqual({ kind: 'socket-closed', willRetry: true });
    expect(timers.fire()).toBe(100);
    sockets[1]!.onclose?.({});
    expect(timers.fire()).toBe(200);
    sockets[2]!.onclose?.({});
    expect(timers.fire()).toBe(350);
    sockets[3]!.onopen?.({});
    sockets[3]!.onclose?.({});
    expect(timers.fire()).toBe(100);
    expect(sockets).toHaveLength(5);
  });

  it('stops for good on close, and ignores a stale socket', () => {
    const { sockets, events, timers, connection } = setup();
    connection.open();
    const first = sockets[0]!;
    connection.close();
    expect(first.closed).toBe(true);
    expect(events.at(-1)).toEqual({ kind: 'socket-closed', willRetry: false });
    first.onclose?.({});
    first.onmessage?.({ data: '{"type":"hello","v":1,"server":"s","engine":"e"}' });
    expect(timers.pending).toHaveLength(0);
    expect(events.filter((event) => event.kind === 'received')).toHaveLength(0);
  });

  it('reconnect closes the old socket and opens a new one at once', () => {
    const { sockets, connection } = setup();
    connection.open();
    connection.reconnect();
    expect(sockets[0]!.closed).toBe(true);
    expect(sockets).toHaveLength(2);
    expect(connection.send({ type: 'ping' })).toBe(true);
    expect(sockets[1]!.sent).toEqual(['{"type":"ping","id":1}']);
  });

  it('sends a request refused as busy again after a growing back-off, and says so meanwhile', () => {
    const { sockets, events, timers, connection } = setup();
    connection.open();
    const socket = sockets[0]!;
    socket.onopen?.({});
    connection.send({ type: 'step', v: 1, dir: 'forward' });
    expect(JSON.parse(socket.sent[1]!)).toEqual({ type: 'step', v: 1, dir: 'forward', id: 1 });
    const busy = '{"type":"error","code":"limit","message":"the server is busy","id":1,"retryAfterMs":500}';
    socket.onmessage?.({ data: busy });
    expect(events.at(-1)).toEqual({ kind: 'busy', reason: 'the server is busy', retryInMs: 500, attempt: 1, attempts: 6 });
    expect(events.some((e) => e.kind === 'received' && e.message.type === 'error')).toBe(false);
    expect(timers.fire()).toBe(500);
    expect(socket.sent[2]).toBe(socket.sent[1]);
    socket.onmessage?.({ data: busy });
    expect(timers.fire()).toBe(1000);
    socket.onmessage?.({ data: '{"type":"delta","id":1,"step":1,"steps":3}' });
    expect(events.at(-1)!.kind).toBe('received');
    expect(socket.sent).toHaveLength(4);
  });

  it('passes the busy refusal on once the retries are spent, and drops pending retries on close', () => {
    const sockets: FakeSocket[] = [];
    const events: AppEvent[] = [];
    const timers = new FakeTimers();
    const connection = new Connection({
      url: 'ws://here/ws',
      onEvent: (event) => events.push(event),
      createSocket: (url) => {
        const socket = new FakeSocket(url);
        sockets.push(socket);
        return socket;
      },
      timers,
      busyRetries: 1,
    });
    connection.open();
    const socket = sockets[0]!;
    connection.send({ type: 'load', v: 1 });
    const busy = '{"type":"error","code":"limit","message":"busy","id":1,"retryAfterMs":200}';
    socket.onmessage?.({ data: busy });
    expect(timers.pending).toHaveLength(1);
    timers.fire();
    socket.onmessage?.({ data: busy });
    expect(events.at(-1)).toEqual({ kind: 'received', message: { type: 'error', code: 'limit', message: 'busy', id: 1, retryAfterMs: 200 } });
    connection.send({ type: 'load', v: 1 });
    socket.onmessage?.({ data: busy.replace('"id":1', '"id":2') });
    expect(timers.pending).toHaveLength(1);
    connection.close();
    expect(timers.pending).toHaveLength(0);
  });

  it('does not retry errors without retryAfterMs', () => {
    const { sockets, events, timers, connection } = setup();
    connection.open();
    connection.send({ type: 'window', v: 1 });
    sockets[0]!.onmessage?.({ data: '{"type":"error","code":"limit","message":"too large","id":1}' });
    expect(events.at(-1)!.kind).toBe('received');
    expect(timers.pending).toHaveLength(0);
  });
});
