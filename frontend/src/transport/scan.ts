import { type ClientRequest, parseServerMessage, request } from '../model/protocol';
import { eventTypes } from '../model/session';
import type { SocketFactory } from './socket';

/** Pages a scenario maps, from its text (mmap sizes): a scan of a huge scenario would double the server's work. */
export function mappedPages(text: string): number {
  let pages = 0;
  for (const m of text.matchAll(/\bmmap\s+(\d+)([KMG]?)\b/g)) {
    const n = Number(m[1]);
    const unit = m[2] === 'G' ? 262_144 : m[2] === 'M' ? 256 : m[2] === 'K' ? 1 / 4 : 1;
    pages += n * unit;
  }
  return pages;
}

export interface ScanOptions {
  readonly url: string;
  /** the same load the page sent (same scenario, same kernel) */
  readonly load: ClientRequest;
  readonly steps: number;
  /** called once per step with its event types */
  readonly onStep: (step: number, types: string[]) => void;
  readonly createSocket?: SocketFactory;
  /** give up when one step takes longer (a huge scenario) */
  readonly stepTimeoutMs?: number;
}

/**
 * Fills the timeline before the user gets there: a second, short-lived connection loads the same
 * scenario and steps forward through it once, reporting each step's event types; then it closes
 * its session. Any error, a slow step or more than `maxSteps` steps end the scan quietly: the
 * markers then fill in as the user visits the steps.
 */
export function scanTimeline(options: ScanOptions, maxSteps = 150): () => void {
  if (options.steps <= 0 || options.steps > maxSteps) return () => {};
  const create = options.createSocket ?? ((url: string) => new WebSocket(url) as unknown as ReturnType<SocketFactory>);
  const socket = create(options.url);
  let timer: ReturnType<typeof setTimeout> | null = null;
  let done = false;
  const stop = () => {
    if (done) return;
    done = true;
    if (timer) clearTimeout(timer);
    try {
      socket.send(JSON.stringify(request.close()));
    } catch {
      // already closed
    }
    socket.close();
  };
  const next = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(stop, options.stepTimeoutMs ?? 3000);
    socket.send(JSON.stringify(request.step('forward')));
  };
  socket.onopen = () => {
    socket.send(JSON.stringify({ type: 'hello', v: 1 }));
    socket.send(JSON.stringify(options.load));
  };
  socket.onmessage = (event) => {
    if (done) return;
    const message = parseServerMessage(typeof event.data === 'string' ? event.data : '');
    if (message.type === 'session') next();
    else if (message.type === 'delta') {
      options.onStep(message.step, eventTypes(message));
      if (message.step >= message.steps) stop();
      else next();
    } else if (message.type === 'error' || message.type === 'diagnostics' || message.type === 'unreadable') stop();
  };
  socket.onerror = () => stop();
  socket.onclose = () => {
    done = true;
    if (timer) clearTimeout(timer);
  };
  return stop;
}
