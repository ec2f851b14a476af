import {
  type Delta,
  type EngineEvent,
  type Hazard,
  type KernelStep,
  normalizeSnapshot,
  type Snapshot,
  versionText,
} from './snapshot';

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
  /** "Linux 6.18.44" when the server runs scenarios on its own kernel (cowscope.host.enabled) */
  readonly host?: string | null;
}

/** One operation statement as this machine's kernel ran it (docs/host.md "In the page"). */
export interface HostStep {
  /** the statement's index in the scenario (Statement.index) */
  readonly index: number;
  readonly line: number;
  readonly source: string;
  /** ok, err=EFAULT, killed, skipped=…, not run */
  readonly outcome: string;
  readonly faults?: number | null;
  readonly values: readonly string[];
  readonly skipped?: string | null;
  /** the observable fields ("parent.buf[0] present" → "yes"); absent when the step was not compared */
  readonly kernel?: Readonly<Record<string, string>> | null;
  /** the model's value of each differing field */
  readonly model?: Readonly<Record<string, string>> | null;
  readonly differs?: readonly string[] | null;
}

/** The answer to `host`: the session's scenario run on the server's own kernel. */
export interface HostMessage {
  readonly type: 'host';
  readonly machine: string;
  /** the model's kernel the observations are compared with */
  readonly model: string;
  readonly root: boolean;
  readonly pfns: boolean;
  readonly unobservable: readonly string[];
  readonly notes: readonly string[];
  readonly steps: readonly HostStep[];
  readonly differences: number;
  readonly id?: unknown;
}

export interface ErrorMessage {
  readonly type: 'error';
  /** stable, machine-readable: malformed, unknown-type, unsupported-version… */
  readonly code: string;
  readonly message: string;
  readonly id?: unknown;
  /** set on busy refusals: worth sending again unchanged after about this long */
  readonly retryAfterMs?: number;
}

export interface Diagnostic {
  readonly code: string;
  readonly message: string;
  readonly line: number;
  readonly column: number;
  readonly length: number;
  readonly severity: string;
}

export interface DiagnosticsMessage {
  readonly type: 'diagnostics';
  readonly diagnostics: readonly Diagnostic[];
  readonly id?: unknown;
}

export interface Statement {
  readonly index: number;
  readonly line: number;
  readonly text: string;
  readonly kind: string;
  /** the step an operation makes (0 for leading process lines); absent for say/expect/ask */
  readonly step?: number | null;
}

export interface ExpectationResult {
  readonly line: number;
  readonly text: string;
  readonly passed: boolean;
  readonly expected?: unknown;
  readonly actual?: unknown;
  readonly skipped?: boolean;
}

export interface Position {
  readonly step: number;
  readonly kernelStep: number;
}

/** The answer to load / resume: everything about the session and the state at its position. */
export interface SessionMessage {
  readonly type: 'session';
  readonly token: string;
  readonly kernel: string;
  readonly compare?: string | null;
  readonly title: string;
  readonly description: string;
  readonly text: string;
  readonly statements: readonly Statement[];
  readonly steps: number;
  readonly position: Position;
  readonly state: Snapshot;
  readonly compareState?: Snapshot | null;
  readonly expectations: readonly ExpectationResult[];
  readonly id?: unknown;
}

/** What one side (the main kernel or the compared one) says about a step. */
export interface StepReport {
  readonly step: number;
  readonly kernelStep: number;
  readonly steps: number;
  readonly op: string | null;
  readonly line: number;
  readonly say: string | null;
  readonly kernelSteps: readonly KernelStep[];
  readonly events: readonly EngineEvent[];
  readonly eventCounts: Readonly<Record<string, number>>;
  readonly summary: string | null;
  readonly value: unknown;
  readonly warnings: readonly string[];
  readonly hazards: readonly Hazard[];
  readonly expectations: readonly ExpectationResult[];
  readonly delta: Delta | null;
  readonly state: Snapshot | null;
  /** at a kernel step (kernelStep ≥ 0): the windowed state at that point of the step */
  readonly kernelState: Snapshot | null;
}

export interface DiffEntry {
  readonly what: string;
  readonly key: string;
  readonly left: unknown;
  readonly right: unknown;
  /** page and holder entries: only the fields that differ, each with both sides */
  readonly fields?: readonly { readonly field: string; readonly left: unknown; readonly right: unknown }[];
}

export interface DeltaMessage extends StepReport {
  readonly type: 'delta';
  readonly compare: StepReport | null;
  readonly diff: readonly DiffEntry[];
  /** after `append`: the statements added to the scenario */
  readonly appended: readonly Statement[];
  /** why the position is where it is: "breakpoint", "at the end", "at the start", "limit" */
  readonly reason: string | null;
  readonly id?: unknown;
}

export interface WindowMessage {
  readonly type: 'window';
  readonly proc: string | null;
  readonly var: string | null;
  readonly first: number;
  readonly last: number;
  readonly state: Snapshot | null;
  readonly compareState?: Snapshot | null;
}

/** One character per page of a mapping (Observer.pteStrip): x . z r w h H s S */
export interface StripMessage {
  readonly type: 'strip';
  readonly step: number;
  readonly proc: string;
  readonly var: string;
  readonly first: number;
  readonly last: number;
  readonly pages: number;
  readonly strip: string;
  readonly compareStrip: string | null;
}

export interface NoticeMessage {
  readonly type: 'playing' | 'paused' | 'ended' | 'closed' | 'expired';
  readonly step?: number;
  readonly reason?: string;
}

/** A message the client understands. */
export type ServerMessage =
  | HelloMessage
  | ErrorMessage
  | DiagnosticsMessage
  | SessionMessage
  | DeltaMessage
  | WindowMessage
  | StripMessage
  | HostMessage
  | NoticeMessage;

/** What came in but is not a message the client understands; kept to report it. */
export interface UnreadableMessage {
  readonly type: 'unreadable';
  readonly reason: string;
}

/** the id of the `host` request, so that its error is told apart from others */
export const HOST_REQUEST_ID = 'host';

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
        return { type: 'hello', v: data.v, server: data.server, engine: data.engine, ...(typeof data.host === 'string' ? { host: data.host } : {}) };
      }
      return { type: 'unreadable', reason: 'hello without v, server and engine' };
    case 'error':
      return {
        type: 'error',
        code: typeof data.code === 'string' ? data.code : 'unknown',
        message: typeof data.message === 'string' ? data.message : '',
        id: data.id,
        ...(typeof data.retryAfterMs === 'number' && data.retryAfterMs >= 0 ? { retryAfterMs: data.retryAfterMs } : {}),
      };
    case 'diagnostics':
      return { type: 'diagnostics', diagnostics: list(data.diagnostics) as Diagnostic[], id: data.id };
    case 'session':
      if (!isObject(data.state)) return { type: 'unreadable', reason: 'session without state' };
      return {
        type: 'session',
        token: String(data.token ?? ''),
        kernel: versionText(data.kernel),
        compare: data.compare == null ? null : versionText(data.compare),
        title: str(data.title) ?? '',
        description: str(data.description) ?? '',
        text: str(data.text) ?? '',
        statements: list(data.statements) as Statement[],
        steps: num(data.steps, 0),
        position: readPosition(data.position),
        state: normalizeSnapshot(data.state),
        compareState: isObject(data.compareState) ? normalizeSnapshot(data.compareState) : null,
        expectations: list(data.expectations) as ExpectationResult[],
        id: data.id,
      };
    case 'delta':
      return {
        type: 'delta',
        ...readReport(data),
        compare: isObject(data.compare) ? readReport(data.compare) : null,
        diff: list(data.diff) as DiffEntry[],
        appended: list(data.appended) as Statement[],
        reason: str(data.reason),
        id: data.id,
      };
    case 'window':
      return {
        type: 'window',
        proc: str(data.proc),
        var: str(data.var),
        first: num(data.first, 0),
        last: num(data.last, 0),
        state: isObject(data.state) ? normalizeSnapshot(data.state) : null,
        compareState: isObject(data.compareState) ? normalizeSnapshot(data.compareState) : null,
      };
    case 'strip':
      return {
        type: 'strip',
        step: num(data.step, 0),
        proc: str(data.proc) ?? '',
        var: str(data.var) ?? '',
        first: num(data.first, 0),
        last: num(data.last, 0),
        pages: num(data.pages, 0),
        strip: str(data.strip) ?? '',
        compareStrip: str(data.compareStrip),
      };
    case 'host':
      return {
        type: 'host',
        machine: str(data.machine) ?? 'this machine',
        model: versionText(data.model),
        root: data.root === true,
        pfns: data.pfns === true,
        unobservable: list(data.unobservable).map(String),
        notes: list(data.notes).map(String),
        steps: list(data.steps).filter(isObject).map(readHostStep),
        differences: num(data.differences, 0),
        id: data.id,
      };
    case 'playing':
    case 'paused':
    case 'ended':
    case 'closed':
    case 'expired':
      return { type: data.type, step: typeof data.step === 'number' ? data.step : undefined, reason: str(data.reason) ?? undefined };
    default:
      return { type: 'unreadable', reason: `unknown message type "${data.type}"` };
  }
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
function num(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}
function readPosition(value: unknown): Position {
  const p = isObject(value) ? value : {};
  return { step: num(p.step, 0), kernelStep: num(p.kernelStep, -1) };
}

function strings(value: unknown): Record<string, string> | null {
  if (!isObject(value)) return null;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) out[k] = String(v);
  return out;
}
function readHostStep(data: Record<string, unknown>): HostStep {
  return {
    index: num(data.index, -1),
    line: num(data.line, 0),
    source: str(data.source) ?? '',
    outcome: str(data.outcome) ?? '',
    faults: typeof data.faults === 'number' ? data.faults : null,
    values: list(data.values).map(String),
    skipped: str(data.skipped),
    kernel: strings(data.kernel),
    model: strings(data.model),
    differs: Array.isArray(data.differs) ? data.differs.map(String) : null,
  };
}

/** The fields a delta message (or its compare part) carries about one step. */
function readReport(data: Record<string, unknown>): StepReport {
  return {
    step: num(data.step, 0),
    kernelStep: num(data.kernelStep, -1),
    steps: num(data.steps, 0),
    op: str(data.op),
    line: num(data.line, 0),
    say: str(data.say),
    kernelSteps: list(data.kernelSteps) as KernelStep[],
    events: list(data.events) as EngineEvent[],
    eventCounts: isObject(data.eventCounts) ? (data.eventCounts as Record<string, number>) : {},
    summary: str(data.summary),
    value: data.value ?? null,
    warnings: list(data.warnings).map(String),
    hazards: list(data.hazards) as Hazard[],
    expectations: list(data.expectations) as ExpectationResult[],
    delta: isObject(data.delta) ? (data.delta as unknown as Delta) : null,
    state: isObject(data.state) ? normalizeSnapshot(data.state) : null,
    kernelState: isObject(data.kernelState) ? normalizeSnapshot(data.kernelState) : null,
  };
}

// ---- client requests (session protocol v1) ----
export type LoadSource = { readonly text: string } | { readonly gallery: string };
export type RunUntil =
  | { readonly event: string }
  | {
      readonly condition: {
        readonly proc: string;
        readonly var: string;
        readonly page: number;
        readonly field: string;
        readonly op: '==' | '!=' | 'changes';
        readonly value?: unknown;
      };
    };

export type ClientRequest =
  | { type: 'load'; v: 1; scenario: LoadSource; kernel?: string; compare?: string }
  | { type: 'step'; v: 1; dir: 'forward' | 'back' }
  | { type: 'goto'; v: 1; step: number }
  | { type: 'into'; v: 1 }
  | { type: 'out'; v: 1 }
  | { type: 'run'; v: 1; dir: 'forward' | 'back'; until: RunUntil }
  | { type: 'play'; v: 1; speed: number }
  | { type: 'pause'; v: 1 }
  | { type: 'append'; v: 1; statement: string }
  | { type: 'kernel'; v: 1; version: string }
  | { type: 'compare'; v: 1; kernel: string | null }
  | { type: 'window'; v: 1; proc: string; var: string; first: number; last: number }
  | { type: 'strip'; v: 1; proc: string; var: string; first: number; last: number }
  | { type: 'host'; v: 1; id: string }
  | { type: 'resume'; v: 1; token: string }
  | { type: 'close'; v: 1 };

/** Builds the requests, so callers never spell a message by hand. */
export const request = {
  load: (scenario: LoadSource, kernel?: string, compare?: string): ClientRequest => ({
    type: 'load',
    v: 1,
    scenario,
    ...(kernel ? { kernel } : {}),
    ...(compare ? { compare } : {}),
  }),
  step: (dir: 'forward' | 'back'): ClientRequest => ({ type: 'step', v: 1, dir }),
  goto: (step: number): ClientRequest => ({ type: 'goto', v: 1, step }),
  into: (): ClientRequest => ({ type: 'into', v: 1 }),
  out: (): ClientRequest => ({ type: 'out', v: 1 }),
  run: (dir: 'forward' | 'back', until: RunUntil): ClientRequest => ({ type: 'run', v: 1, dir, until }),
  play: (speed: number): ClientRequest => ({ type: 'play', v: 1, speed }),
  pause: (): ClientRequest => ({ type: 'pause', v: 1 }),
  append: (statement: string): ClientRequest => ({ type: 'append', v: 1, statement }),
  kernel: (version: string): ClientRequest => ({ type: 'kernel', v: 1, version }),
  compare: (kernel: string | null): ClientRequest => ({ type: 'compare', v: 1, kernel }),
  window: (proc: string, variable: string, first: number, last: number): ClientRequest => ({
    type: 'window',
    v: 1,
    proc,
    var: variable,
    first,
    last,
  }),
  strip: (proc: string, variable: string, first: number, last: number): ClientRequest => ({
    type: 'strip',
    v: 1,
    proc,
    var: variable,
    first,
    last,
  }),
  /** runs the session's scenario on the server's own kernel; the answer (or error) carries id "host" */
  host: (): ClientRequest => ({ type: 'host', v: 1, id: HOST_REQUEST_ID }),
  resume: (token: string): ClientRequest => ({ type: 'resume', v: 1, token }),
  close: (): ClientRequest => ({ type: 'close', v: 1 }),
};
