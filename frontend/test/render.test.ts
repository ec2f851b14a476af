// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { initialState } from '../src/model/state';
import { frameScheduler } from '../src/render/frame';
import { findHeader, renderHeader } from '../src/render/header';

beforeEach(() => {
  document.body.innerHTML = `
    <header>
      <span id="conn-status"></span>
      <span id="server-version"></span>
      <span id="engine-version"></span>
      <span id="conn-error" hidden></span>
    </header>`;
});

describe('renderHeader', () => {
  it('shows the status and placeholders before the hello', () => {
    const view = findHeader(document);
    renderHeader(view, initialState);
    expect(view.status.textContent).toBe('Connecting…');
    expect(view.status.dataset.status).toBe('connecting');
    expect(view.server.textContent).toBe('—');
    expect(view.error.hidden).toBe(true);
  });

  it('shows the versions once connected, and an error when there is one', () => {
    const view = findHeader(document);
    renderHeader(view, { ...initialState, status: 'connected', server: 'cowscope 0.1.0', engine: '0.1.0' });
    expect(view.status.textContent).toBe('Connected');
    expect(view.server.textContent).toBe('cowscope 0.1.0');
    expect(view.engine.textContent).toBe('engine 0.1.0');
    renderHeader(view, { ...initialState, lastError: 'malformed: bad' });
    expect(view.error.hidden).toBe(false);
    expect(view.error.textContent).toBe('malformed: bad');
    renderHeader(view, { ...initialState, lastError: 'malformed: bad', busy: 'Server busy — trying again in 0.5 s (1 of 6)' });
    expect(view.error.textContent).toBe('Server busy — trying again in 0.5 s (1 of 6)');
  });

  it('complains about a page without the header', () => {
    document.body.innerHTML = '';
    expect(() => findHeader(document)).toThrow(/conn-status/);
  });
});

describe('frameScheduler', () => {
  it('paints once per frame however often it is asked', () => {
    const frames: (() => void)[] = [];
    let paints = 0;
    const schedule = frameScheduler(
      () => paints++,
      (callback) => frames.push(callback),
    );
    schedule();
    schedule();
    schedule();
    expect(frames).toHaveLength(1);
    frames.shift()!();
    expect(paints).toBe(1);
    schedule();
    expect(frames).toHaveLength(1);
  });
});
