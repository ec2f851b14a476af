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

  constructor(private readonly options: ConnectionOptions) {
    this.createSocket = options.createSocket ?? browserSocket;
    this.timers = options.timers ?? browserTimers;
    this.retryMs = options.retryMs ?? 500;
    this.maxRetryMs = options.maxRetryMs ?? 10_000;
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
      this.options.onEvent({ kind: 'received', message: parseServerMessage(text) });
    };
    // a failed open fires error then close; close alone decides what happens next
    socket.onerror = () => {};
    socket.onclose = () => {
      if (socket !== this.socket) return;
      this.socket = null;
      this.options.onEvent({ kind: 'socket-closed', willRetry: !this.stopped });
      if (!this.stopped) this.scheduleRetry();
    };
  }

  /** Closes now and opens again at once (the "reconnect" action). */
  reconnect(): void {
    const old = this.socket;
    this.socket = null;
    old?.close();
    this.nextDelay = this.retryMs;
    this.open();
  }

  /** Closes for good: no retry. */
  close(): void {
    this.stopped = true;
    this.cancelRetry();
    const old = this.socket;
    this.socket = null;
    if (old) {
      old.close();
      this.options.onEvent({ kind: 'socket-closed', willRetry: false });
    }
  }

  send(message: object): boolean {
    if (!this.socket) return false;
    this.socket.send(JSON.stringify(message));
    return true;
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
