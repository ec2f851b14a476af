import { Client, type IMessage, type StompSubscription } from '@stomp/stompjs';

/**
 * Present / follow over STOMP at /stomp (docs/share.md, "Rooms"). This module speaks the room
 * protocol; what a state means for the page (load, kernel, compare, goto) is decided by `plan`.
 */
export interface RoomState {
  readonly step: number;
  readonly kernelStep?: number;
  readonly kernel: string;
  readonly compare?: string;
  /** a short-link id of the scenario */
  readonly link?: string;
  /** the content hash of the scenario (a full-state link the followers already opened) */
  readonly hash?: string;
}

export interface RoomUpdate {
  readonly room: string;
  readonly seq: number;
  readonly state: RoomState | null;
}

/** What the page shows now, as far as following is concerned. */
export interface Shown {
  /** the short link the current scenario was loaded from, if any */
  readonly link: string | null;
  readonly hash: string | null;
  readonly kernel: string;
  readonly compare: string | null;
  readonly step: number;
  /** index into the step's kernel steps, -1 for the whole step */
  readonly kernelStep?: number;
}

export type FollowStep =
  | { readonly kind: 'open'; readonly link: string; readonly state: RoomState }
  | { readonly kind: 'kernel'; readonly version: string }
  | { readonly kind: 'compare'; readonly kernel: string | null }
  | { readonly kind: 'goto'; readonly step: number }
  | { readonly kind: 'into' }
  | { readonly kind: 'out' }
  | { readonly kind: 'missing' }
  | { readonly kind: 'none' };

/** The next thing a follower must do to show the presenter's state (one at a time, in this order). */
export function plan(state: RoomState | null, shown: Shown | null): FollowStep {
  if (!state) return { kind: 'none' };
  const sameScenario = shown && ((state.link && shown.link === state.link) || (state.hash && shown.hash === state.hash));
  if (!sameScenario) return state.link ? { kind: 'open', link: state.link, state } : { kind: 'missing' };
  if (shown.kernel !== state.kernel) return { kind: 'kernel', version: state.kernel };
  if ((shown.compare ?? null) !== (state.compare ?? null)) return { kind: 'compare', kernel: state.compare ?? null };
  if (shown.step !== state.step) return { kind: 'goto', step: state.step };
  // within the step: `into` moves one kernel step on, `out` back to the whole step
  const want = state.kernelStep;
  const at = shown.kernelStep ?? -1;
  if (want === undefined || want === at) return { kind: 'none' };
  if (want < 0 || at > want) return { kind: 'out' };
  return { kind: 'into' };
}

/** Keeps the update with the highest seq (the topic and the one-off last state may arrive in any order). */
export function newer(current: RoomUpdate | null, update: RoomUpdate): RoomUpdate {
  return !current || update.seq > current.seq ? update : current;
}

export function stompUrl(location: { protocol: string; host: string }): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/stomp`;
}

export interface RoomCallbacks {
  onUpdate?(update: RoomUpdate): void;
  /** the presenter's connection closed (stopped presenting, closed the tab, lost the network) */
  onPresenterLeft?(): void;
  onError?(message: string): void;
  onConnected?(connected: boolean): void;
}

/** One STOMP connection to one room, as presenter (with its key) or follower. */
export class RoomConnection {
  private readonly client: Client;
  private subscriptions: StompSubscription[] = [];

  constructor(
    url: string,
    readonly room: string,
    private readonly presenterKey: string | null,
    private readonly callbacks: RoomCallbacks,
  ) {
    this.client = new Client({
      brokerURL: url,
      reconnectDelay: 2000,
      heartbeatIncoming: 20000,
      heartbeatOutgoing: 20000,
      onConnect: () => this.subscribe(),
      onStompError: (frame) => callbacks.onError?.(frame.headers.message ?? 'the room server refused'),
      onWebSocketClose: () => callbacks.onConnected?.(false),
    });
  }

  start(): void {
    this.client.activate();
  }

  get connected(): boolean {
    return this.client.connected;
  }

  private subscribe(): void {
    this.subscriptions = [];
    const read = (message: IMessage) => {
      try {
        const update = JSON.parse(message.body) as RoomUpdate & { presenter?: string };
        if (update.presenter === 'left') this.callbacks.onPresenterLeft?.();
        else if (typeof update.seq === 'number') this.callbacks.onUpdate?.(update);
      } catch {
        this.callbacks.onError?.('an unreadable room update');
      }
    };
    this.subscriptions.push(
      this.client.subscribe('/user/topic/errors', (message) => {
        try {
          const error = JSON.parse(message.body) as { message?: string; error?: string };
          this.callbacks.onError?.(error.message ?? error.error ?? 'refused');
        } catch {
          this.callbacks.onError?.('refused');
        }
      }),
    );
    if (!this.presenterKey) {
      // the topic first, then the last state: nothing is missed in between (highest seq wins)
      this.subscriptions.push(this.client.subscribe(`/topic/rooms.${this.room}`, read));
      this.subscriptions.push(this.client.subscribe(`/app/rooms/${this.room}/state`, read));
    }
    this.callbacks.onConnected?.(true);
  }

  /** Presenter only: publishes the state (dropped while disconnected; the caller re-sends on connect). */
  publish(state: RoomState): boolean {
    if (!this.presenterKey || !this.client.connected) return false;
    this.client.publish({ destination: `/app/rooms/${this.room}/state`, headers: { 'presenter-key': this.presenterKey }, body: JSON.stringify(state) });
    return true;
  }

  stop(): void {
    for (const s of this.subscriptions) {
      try {
        s.unsubscribe();
      } catch {
        /* already gone */
      }
    }
    void this.client.deactivate();
  }
}
