import type { ServerMessage, UnreadableMessage } from './protocol';

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
  /** how many times the socket has been (re)opened */
  readonly connects: number;
}

export const initialState: AppState = {
  status: 'connecting',
  server: null,
  engine: null,
  protocol: null,
  lastError: null,
  connects: 0,
};

/** Everything that can change the state, as plain data. */
export type AppEvent =
  | { readonly kind: 'socket-opening' }
  | { readonly kind: 'socket-open' }
  | { readonly kind: 'socket-closed'; readonly willRetry: boolean }
  | { readonly kind: 'received'; readonly message: ServerMessage | UnreadableMessage };

export function reduce(state: AppState, event: AppEvent): AppState {
  switch (event.kind) {
    case 'socket-opening':
      return { ...state, status: state.connects === 0 ? 'connecting' : 'reconnecting' };
    case 'socket-open':
      // still waiting for the hello; keep the old versions until the new ones arrive
      return { ...state, connects: state.connects + 1 };
    case 'socket-closed':
      return { ...state, status: event.willRetry ? 'reconnecting' : 'offline' };
    case 'received':
      return receive(state, event.message);
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
      };
    case 'error':
      return { ...state, lastError: `${message.code}: ${message.message}` };
    case 'unreadable':
      return { ...state, lastError: `unreadable message from server (${message.reason})` };
  }
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
