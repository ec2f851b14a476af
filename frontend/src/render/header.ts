import { type AppState, statusLabel } from '../model/state';

/** The header's live parts, found once by id in the server-rendered page. */
export interface HeaderView {
  readonly status: HTMLElement;
  readonly server: HTMLElement;
  readonly engine: HTMLElement;
  readonly error: HTMLElement;
}

export function findHeader(doc: Document): HeaderView {
  const get = (id: string): HTMLElement => {
    const element = doc.getElementById(id);
    if (!element) throw new Error(`page has no #${id}`);
    return element;
  };
  return {
    status: get('conn-status'),
    server: get('server-version'),
    engine: get('engine-version'),
    error: get('conn-error'),
  };
}

function setText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

/** Writes the state into the header; touches the DOM only where something changed. */
export function renderHeader(view: HeaderView, state: AppState): void {
  setText(view.status, statusLabel(state.status));
  if (view.status.dataset.status !== state.status) view.status.dataset.status = state.status;
  setText(view.server, state.server ?? '—');
  setText(view.engine, state.engine ? `engine ${state.engine}` : '—');
  const line = state.busy ?? state.lastError;
  setText(view.error, line ?? '');
  view.error.hidden = line === null;
}
