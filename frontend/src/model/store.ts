import { type AppEvent, type AppState, initialState, reduce } from './state';

export type Listener = (state: AppState, previous: AppState) => void;

/** The one place state lives: events go in, listeners see each new state. */
export class Store {
  private current: AppState;
  private readonly listeners = new Set<Listener>();

  constructor(initial: AppState = initialState) {
    this.current = initial;
  }

  get state(): AppState {
    return this.current;
  }

  dispatch(event: AppEvent): void {
    const previous = this.current;
    const next = reduce(previous, event);
    if (next === previous) return;
    this.current = next;
    for (const listener of this.listeners) listener(next, previous);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
