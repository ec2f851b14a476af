/**
 * The messages exchanged with the server over /ws. Every message is a JSON object with a
 * `type`; the protocol version travels as `v` in the hello. No DOM and no socket here.
 */
export const PROTOCOL_VERSION = 1;

export interface HelloRequest {
  readonly type: 'hello';
  readonly v: number;
}

export interface HelloMessage {
  readonly type: 'hello';
  readonly v: number;
  /** e.g. "cowscope 0.1.0-SNAPSHOT" */
  readonly server: string;
  /** the engine's version, e.g. "0.1.0" */
  readonly engine: string;
}

export interface ErrorMessage {
  readonly type: 'error';
  /** stable, machine-readable: malformed, unknown-type, unsupported-version… */
  readonly code: string;
  readonly message: string;
}

/** A message the client understands. */
export type ServerMessage = HelloMessage | ErrorMessage;

/** What came in but is not a message the client understands; kept to report it. */
export interface UnreadableMessage {
  readonly type: 'unreadable';
  readonly reason: string;
}

export function helloRequest(): HelloRequest {
  return { type: 'hello', v: PROTOCOL_VERSION };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses one text frame from the server; never throws. */
export function parseServerMessage(text: string): ServerMessage | UnreadableMessage {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { type: 'unreadable', reason: 'not JSON' };
  }
  if (!isObject(data) || typeof data.type !== 'string') {
    return { type: 'unreadable', reason: 'not an object with a type' };
  }
  switch (data.type) {
    case 'hello':
      if (typeof data.v === 'number' && typeof data.server === 'string' && typeof data.engine === 'string') {
        return { type: 'hello', v: data.v, server: data.server, engine: data.engine };
      }
      return { type: 'unreadable', reason: 'hello without v, server and engine' };
    case 'error':
      return {
        type: 'error',
        code: typeof data.code === 'string' ? data.code : 'unknown',
        message: typeof data.message === 'string' ? data.message : '',
      };
    default:
      return { type: 'unreadable', reason: `unknown message type "${data.type}"` };
  }
}
