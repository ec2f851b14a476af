import { type Diagnostic, HOST_REQUEST_ID, type HostMessage, type ServerMessage, type UnreadableMessage } from './protocol';
import { receiveDelta, receiveStrip, receiveWindow, type SessionState, startSession } from './session';

/**
 * What the page knows. `connected` means the server answered our hello, not merely that the
 * socket opened: only then are the versions known.
 */
export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'offline';

export interface AppState {
  readonly status: ConnectionStatus;
  readonly server: string | null;
  readonly engine: string | null;
  readonly protocol: number | null;
  /** the last error the server or the client reported, for the status line */
  readonly lastError: string | null;
  /** the server refused a request as busy and the page sends it again: what the status line says meanwhile */
  readonly busy: string | null;
  /** how many times the socket has been (re)opened */
  readonly connects: number;
  readonly session: SessionState | null;
  /** the last load's diagnostics (empty when it loaded) */
  readonly diagnostics: readonly Diagnostic[];
  /** "Linux 6.18.44" when the server offers to run scenarios on its own kernel (the hello says) */
  readonly host: string | null;
  /** the session's scenario run on that kernel: asked, answered or refused */
  readonly hostRun: HostRunState | null;
  readonly ui: UiState;
}

export interface HostRunState {
  readonly status: 'running' | 'done' | 'failed';
  readonly result: HostMessage | null;
  readonly error: string | null;
}

export type Selection =
  | { readonly kind: 'page'; readonly pfn: number }
  | { readonly kind: 'pte'; readonly proc: string; readonly var: string; readonly index: number };

/** projector: light, high contrast, large type; dark: for desks; light: plain, normal type */
export type Theme = 'projector' | 'dark' | 'light';

/** What the page itself decides: not from the server. */
export interface UiState {
  readonly playing: boolean;
  /** milliseconds per step while playing */
  readonly speed: number;
  /** steps to stop at while playing */
  readonly breakpoints: readonly number[];
  /** event types to stop at while playing (fault, cow, pin, hazard…) */
  readonly eventBreaks: readonly string[];
  readonly selection: Selection | null;
  readonly theme: Theme;
  readonly help: boolean;
  readonly gallery: boolean;
  /** the kernel asked for in the picker (the session's kernel once loaded) */
  readonly kernel: string;
  readonly compareKernel: string | null;
  /** compare with this machine's kernel (the server's) instead of another model */
  readonly compareHost: boolean;
  /**
   * merged runs of alike rows the user opened (the keys of their first rows, "p.b[0]"): drawn row
   * by row. Link state: kept in share links (`view.open`) and the gallery address (`open=`).
   */
  readonly openRuns: readonly string[];
}

export const SPEEDS: readonly number[] = [2000, 1200, 800, 400, 200, 100];

export const initialState: AppState = {
  status: 'connecting',
  server: null,
  engine: null,
  protocol: null,
  lastError: null,
  busy: null,
  connects: 0,
  session: null,
  diagnostics: [],
  host: null,
  hostRun: null,
  ui: {
    playing: false,
    speed: 800,
    breakpoints: [],
    eventBreaks: [],
    selection: null,
    theme: 'projector',
    help: false,
    gallery: false,
    kernel: '5.7',
    compareKernel: null,
    compareHost: false,
    openRuns: [],
  },
};

/** Everything that can change the state, as plain data. */
export type AppEvent =
  | { readonly kind: 'socket-opening' }
  | { readonly kind: 'socket-open' }
  | { readonly kind: 'socket-closed'; readonly willRetry: boolean }
  | { readonly kind: 'received'; readonly message: ServerMessage | UnreadableMessage }
  /** the server refused a request as busy; the transport sends it again in retryInMs (attempt of attempts) */
  | { readonly kind: 'busy'; readonly reason: string; readonly retryInMs: number; readonly attempt: number; readonly attempts: number }
  | { readonly kind: 'ui'; readonly change: Partial<UiState> }
  | { readonly kind: 'toggle-breakpoint'; readonly step: number }
  | { readonly kind: 'toggle-event-break'; readonly event: string }
  | { readonly kind: 'speed'; readonly faster: boolean }
  /** the page asked the server to run the session's scenario on its kernel */
  | { readonly kind: 'host-requested' }
  /** a background scan learned the event types of a step of the session with this token */
  | { readonly kind: 'scanned'; readonly token: string; readonly step: number; readonly types: readonly string[] };

/** One notch faster or slower on the SPEEDS scale. */
export function nextSpeed(speed: number, faster: boolean): number {
  let i = SPEEDS.findIndex((s) => s <= speed);
  if (i < 0) i = SPEEDS.length - 1;
  const j = Math.max(0, Math.min(SPEEDS.length - 1, i + (faster ? 1 : -1)));
  return SPEEDS[j]!;
}

function toggle<T>(list: readonly T[], item: T): T[] {
  return list.includes(item) ? list.filter((x) => x !== item) : [...list, item];
}

export function reduce(state: AppState, event: AppEvent): AppState {
  switch (event.kind) {
    case 'socket-opening':
      return { ...state, status: state.connects === 0 ? 'connecting' : 'reconnecting' };
    case 'socket-open':
      // still waiting for the hello; keep the old versions until the new ones arrive
      return { ...state, connects: state.connects + 1 };
    case 'socket-closed':
      return { ...state, status: event.willRetry ? 'reconnecting' : 'offline', busy: null };
    case 'received': {
      const next = receive(state, event.message);
      return next.busy === null ? next : { ...next, busy: null };
    }
    case 'busy':
      return { ...state, busy: busyText(event.retryInMs, event.attempt, event.attempts) };
    case 'ui':
      return { ...state, ui: { ...state.ui, ...event.change } };
    case 'toggle-breakpoint':
      return { ...state, ui: { ...state.ui, breakpoints: toggle(state.ui.breakpoints, event.step) } };
    case 'toggle-event-break':
      return { ...state, ui: { ...state.ui, eventBreaks: toggle(state.ui.eventBreaks, event.event) } };
    case 'speed':
      return { ...state, ui: { ...state.ui, speed: nextSpeed(state.ui.speed, event.faster) } };
    case 'host-requested':
      return { ...state, hostRun: { status: 'running', result: null, error: null } };
    case 'scanned': {
      const s = state.session;
      if (!s || s.token !== event.token || s.markers[event.step]) return state;
      return { ...state, session: { ...s, markers: { ...s.markers, [event.step]: event.types }, version: s.version + 1 } };
    }
  }
}

function receive(state: AppState, message: ServerMessage | UnreadableMessage): AppState {
  switch (message.type) {
    case 'hello':
      return {
        ...state,
        status: 'connected',
        server: message.server,
        engine: message.engine,
        protocol: message.v,
        lastError: null,
        host: message.host ?? null,
      };
    case 'error':
      if (message.id === HOST_REQUEST_ID) {
        return { ...state, lastError: `${message.code}: ${message.message}`, hostRun: { status: 'failed', result: null, error: message.message } };
      }
      return { ...state, lastError: `${message.code}: ${message.message}` };
    case 'host':
      return { ...state, hostRun: { status: 'done', result: message, error: null } };
    case 'diagnostics':
      return { ...state, diagnostics: message.diagnostics, ui: { ...state.ui, playing: false } };
    case 'session':
      return {
        ...state,
        lastError: null,
        diagnostics: [],
        session: startSession(message),
        // a new session (scenario, kernel) needs a new native run: the page asks again when comparing with this machine
        hostRun: null,
        ui: {
          ...state.ui,
          playing: false,
          kernel: message.kernel || state.ui.kernel,
          compareKernel: message.compare ?? null,
          compareHost: state.ui.compareHost && !message.compare,
          selection: null,
          // another scenario: the runs opened in the last one are gone (another kernel keeps them)
          openRuns: state.session && state.session.text !== message.text ? [] : state.ui.openRuns,
        },
      };
    case 'delta':
      return state.session ? { ...state, session: receiveDelta(state.session, message) } : state;
    case 'window':
      return state.session ? { ...state, session: receiveWindow(state.session, message) } : state;
    case 'strip':
      return state.session ? { ...state, session: receiveStrip(state.session, message) } : state;
    case 'playing':
      return { ...state, ui: { ...state.ui, playing: true } };
    case 'paused':
    case 'ended':
      return { ...state, ui: { ...state.ui, playing: false } };
    case 'closed':
    case 'expired':
      return { ...state, session: null, lastError: `session ${message.type}${message.reason ? ': ' + message.reason : ''}`, ui: { ...state.ui, playing: false } };
    case 'unreadable':
      return { ...state, lastError: `unreadable message from server (${message.reason})` };
  }
}

/** The status line while a busy request waits to be sent again. */
export function busyText(retryInMs: number, attempt: number, attempts: number): string {
  return `Server busy — trying again in ${(retryInMs / 1000).toFixed(1)} s (${attempt} of ${attempts})`;
}

/** Words for the status line; the state stays the single source. */
export function statusLabel(status: ConnectionStatus): string {
  switch (status) {
    case 'connecting':
      return 'Connecting…';
    case 'connected':
      return 'Connected';
    case 'reconnecting':
      return 'Reconnecting…';
    case 'offline':
      return 'Offline';
  }
}
