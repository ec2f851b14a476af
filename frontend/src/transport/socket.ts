import { helloRequest, parseServerMessage } from '../model/protocol';
import type { AppEvent } from '../model/state';

/** The part of the browser's WebSocket this module uses, so tests can hand in a fake. */
export interface SocketLike {
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(): void;
}

export type SocketFactory = (url: string) => SocketLike;

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface ConnectionOptions {
  readonly url: string;
  readonly onEvent: (event: AppEvent) => void;
  readonly createSocket?: SocketFactory;
  readonly timers?: Timers;
  /** first retry delay; doubles up to maxRetryMs */
  readonly retryMs?: number;
  readonly maxRetryMs?: number;
  /** how often a request refused as busy is sent again (default 6) */
  readonly busyRetries?: number;
  /** the longest wait before sending a busy request again (default 8000 ms) */
  readonly maxBusyDelayMs?: number;
}

/** requests remembered for a busy retry; older ones are forgotten (their answers simply pass on) */
const REMEMBERED = 64;

interface Sent {
  readonly message: object;
  attempt: number;
  delay: number;
}

/** The server's socket address for a page location: same host, ws or wss, path /ws. */
export function socketUrl(location: { protocol: string; host: string }): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws`;
}

const browserSocket: SocketFactory = (url) => new WebSocket(url) as unknown as SocketLike;
const browserTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as number),
};

/**
 * One socket to the server, reopened with exponential back-off when it closes. It says hello
 * on every open and turns what happens into AppEvents; it knows nothing of the DOM.
 *
 * Every request gets an `id` (unless it has one), which the server echoes. When the server
 * refuses a request as busy (an error carrying `retryAfterMs`: too many heavy requests wait for
 * a turn), the request is sent again after a back-off (retryAfterMs, then doubling up to
 * maxBusyDelayMs, at most busyRetries times) and a `busy` event says so for the status line; the
 * refusal itself is passed on only when the retries are spent.
 */
export class Connection {
  private socket: SocketLike | null = null;
  private retryHandle: unknown = null;
  private nextDelay: number;
  private stopped = false;
  private readonly createSocket: SocketFactory;
  private readonly timers: Timers;
  private readonly retryMs: number;
  private readonly maxRetryMs: number;
  private readonly busyRetries: number;
  private readonly maxBusyDelayMs: number;
  private nextId = 1;
  private readonly sent = new Map<unknown, Sent>();
  private readonly busyTimers = new Set<unknown>();

  constructor(private readonly options: ConnectionOptions) {
    this.createSocket = options.createSocket ?? browserSocket;
    this.timers = options.timers ?? browserTimers;
    this.retryMs = options.retryMs ?? 500;
    this.maxRetryMs = options.maxRetryMs ?? 10_000;
    this.busyRetries = options.busyRetries ?? 6;
    this.maxBusyDelayMs = options.maxBusyDelayMs ?? 8000;
    this.nextDelay = this.retryMs;
  }

  open(): void {
    this.stopped = false;
    this.cancelRetry();
    this.options.onEvent({ kind: 'socket-opening' });
    const socket = this.createSocket(this.options.url);
    this.socket = socket;
    socket.onopen = () => {
      if (socket !== this.socket) return;
      this.nextDelay = this.retryMs;
      this.options.onEvent({ kind: 'socket-open' });
      socket.send(JSON.stringify(helloRequest()));
    };
    socket.onmessage = (event) => {
      if (socket !== this.socket) return;
      const text = typeof event.data === 'string' ? event.data : '';
      const message = parseServerMessage(text);
      if (this.retryBusy(socket, message)) return;
      if ('id' in message && message.id !== undefined) this.sent.delete(message.id);
      this.options.onEvent({ kind: 'received', message });
    };
    // a failed open fires error then close; close alone decides what happens next
    socket.onerror = () => {};
    socket.onclose = () => {
      if (socket !== this.socket) return;
      this.socket = null;
      this.forgetSent();
      this.options.onEvent({ kind: 'socket-closed', willRetry: !this.stopped });
      if (!this.stopped) this.scheduleRetry();
    };
  }

  /** Closes now and opens again at once (the "reconnect" action). */
  reconnect(): void {
    const old = this.socket;
    this.socket = null;
    this.forgetSent();
    old?.close();
    this.nextDelay = this.retryMs;
    this.open();
  }

  /** Closes for good: no retry. */
  close(): void {
    this.stopped = true;
    this.cancelRetry();
    this.forgetSent();
    const old = this.socket;
    this.socket = null;
    if (old) {
      old.close();
      this.options.onEvent({ kind: 'socket-closed', willRetry: false });
    }
  }

  send(message: object): boolean {
    if (!this.socket) return false;
    const withId: object & { id?: unknown } = 'id' in message ? message : { ...message, id: this.nextId++ };
    if (withId.id !== undefined) {
      this.sent.set(withId.id, { message: withId, attempt: 0, delay: 0 });
      if (this.sent.size > REMEMBERED) this.sent.delete(this.sent.keys().next().value);
    }
    this.socket.send(JSON.stringify(withId));
    return true;
  }

  /** a busy refusal of a request we sent: schedules it again (true), or false to pass the message on */
  private retryBusy(socket: SocketLike, message: ReturnType<typeof parseServerMessage>): boolean {
    if (message.type !== 'error' || message.retryAfterMs === undefined || message.id === undefined) return false;
    const sent = this.sent.get(message.id);
    if (!sent || sent.attempt >= this.busyRetries) return false;
    sent.attempt++;
    sent.delay = Math.min(this.maxBusyDelayMs, Math.max(message.retryAfterMs, sent.delay * 2));
    this.options.onEvent({ kind: 'busy', reason: message.message, retryInMs: sent.delay, attempt: sent.attempt, attempts: this.busyRetries });
    const handle = this.timers.setTimeout(() => {
      this.busyTimers.delete(handle);
      if (socket === this.socket) socket.send(JSON.stringify(sent.message));
    }, sent.delay);
    this.busyTimers.add(handle);
    return true;
  }

  private forgetSent(): void {
    for (const handle of this.busyTimers) this.timers.clearTimeout(handle);
    this.busyTimers.clear();
    this.sent.clear();
  }

  private scheduleRetry(): void {
    const delay = this.nextDelay;
    this.nextDelay = Math.min(this.nextDelay * 2, this.maxRetryMs);
    this.retryHandle = this.timers.setTimeout(() => {
      this.retryHandle = null;
      this.open();
    }, delay);
  }

  private cancelRetry(): void {
    if (this.retryHandle !== null) {
      this.timers.clearTimeout(this.retryHandle);
      this.retryHandle = null;
    }
  }
}
