import { describe, expect, it } from 'vitest';
import { type AppEvent, initialState, reduce, statusLabel } from '../src/model/state';
import { Store } from '../src/model/store';

const hello: AppEvent = {
  kind: 'received',
  message: { type: 'hello', v: 1, server: 'cowscope 1.2.3', engine: '4.5.6' },
};

function run(...events: AppEvent[]) {
  return events.reduce(reduce, initialState);
}

describe('state', () => {
  it('starts connecting, with no versions', () => {
    expect(initialState.status).toBe('connecting');
    expect(initialState.server).toBeNull();
  });

  it('is connected only once the hello arrived', () => {
    const opened = run({ kind: 'socket-opening' }, { kind: 'socket-open' });
    expect(opened.status).toBe('connecting');
    const greeted = reduce(opened, hello);
    expect(greeted).toMatchObject({ status: 'connected', server: 'cowscope 1.2.3', engine: '4.5.6', protocol: 1 });
  });

  it('reconnects after a close and keeps the last versions meanwhile', () => {
    const state = run({ kind: 'socket-opening' }, { kind: 'socket-open' }, hello, { kind: 'socket-closed', willRetry: true });
    expect(state.status).toBe('reconnecting');
    expect(state.server).toBe('cowscope 1.2.3');
    expect(reduce(state, { kind: 'socket-opening' }).status).toBe('reconnecting');
  });

  it('says in the status line that the server was busy until an answer comes', () => {
    const busy = run(hello, { kind: 'busy', reason: 'the server is busy', retryInMs: 1500, attempt: 2, attempts: 6 });
    expect(busy.busy).toBe('Server busy — trying again in 1.5 s (2 of 6)');
    const answered = reduce(busy, { kind: 'received', message: { type: 'paused', position: 0 } as never });
    expect(answered.busy).toBeNull();
    expect(reduce(busy, { kind: 'socket-closed', willRetry: true }).busy).toBeNull();
  });

  it('is offline when it will not retry', () => {
    expect(run({ kind: 'socket-closed', willRetry: false }).status).toBe('offline');
  });

  it('records server errors and unreadable messages, and a hello clears them', () => {
    const failed = run({ kind: 'received', message: { type: 'error', code: 'malformed', message: 'bad' } });
    expect(failed.lastError).toBe('malformed: bad');
    const unreadable = run({ kind: 'received', message: { type: 'unreadable', reason: 'not JSON' } });
    expect(unreadable.lastError).toContain('not JSON');
    expect(reduce(failed, hello).lastError).toBeNull();
  });

  it('labels every status', () => {
    expect(statusLabel('connected')).toBe('Connected');
    expect(statusLabel('offline')).toBe('Offline');
    expect(statusLabel('connecting')).toMatch(/^Connecting/);
    expect(statusLabel('reconnecting')).toMatch(/^Reconnecting/);
  });

  it('store tells listeners the new and the previous state', () => {
    const store = new Store();
    const seen: string[] = [];
    const stop = store.subscribe((next, previous) => seen.push(`${previous.status}->${next.status}`));
    store.dispatch(hello);
    stop();
    store.dispatch({ kind: 'socket-closed', willRetry: false });
    expect(seen).toEqual(['connecting->connected']);
    expect(store.state.status).toBe('offline');
  });
});

describe('opened runs (link state, issue 12)', () => {
  it('are kept on another kernel of the same scenario and forgotten with another scenario', async () => {
    const { sessionMessage } = await import('./fixtures');
    const first = sessionMessage('cve57');
    const opened = run(hello, { kind: 'received', message: first }, { kind: 'ui', change: { openRuns: ['parent.buf[0]'] } });
    expect(opened.ui.openRuns).toEqual(['parent.buf[0]']);
    const kernel = reduce(opened, { kind: 'received', message: { ...first, kernel: '6.18', token: 'other' } });
    expect(kernel.ui.openRuns).toEqual(['parent.buf[0]']);
    const other = reduce(opened, { kind: 'received', message: { ...first, text: first.text + '\n# edited\n', token: 'another' } });
    expect(other.ui.openRuns).toEqual([]);
    // a link's runs set before its scenario's first session stay
    const linked = run(hello, { kind: 'ui', change: { openRuns: ['p.b[0]'] } }, { kind: 'received', message: first });
    expect(linked.ui.openRuns).toEqual(['p.b[0]']);
  });
});
