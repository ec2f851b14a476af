import type {
  DeltaMessage,
  DiffEntry,
  ExpectationResult,
  SessionMessage,
  Statement,
  StripMessage,
  StepReport,
  WindowMessage,
} from './protocol';
import {
  applyDelta,
  type HandleView,
  type Hazard,
  type LruBatchView,
  type PipeView,
  type Snapshot,
  word,
} from './snapshot';

/** One loaded scenario as the page knows it: the position, the state there and what the step did. */
export interface SessionState {
  readonly token: string;
  readonly kernel: string;
  readonly compare: string | null;
  readonly title: string;
  readonly description: string;
  readonly text: string;
  readonly statements: readonly Statement[];
  readonly steps: number;
  readonly step: number;
  readonly kernelStep: number;
  readonly snapshot: Snapshot;
  readonly compareSnapshot: Snapshot | null;
  /** inside a step (kernelStep ≥ 0): the state where that kernel step has left it, which the stage shows */
  readonly kernelSnapshot: Snapshot | null;
  /** what the last step did (null right after load) */
  readonly report: StepReport | null;
  readonly compareReport: StepReport | null;
  readonly diff: readonly DiffEntry[];
  /** event types per step, learned as steps are visited: the timeline's markers */
  readonly markers: Readonly<Record<number, readonly string[]>>;
  readonly expectations: readonly ExpectationResult[];
  /** whole-mapping strips of large mappings at the current step: "proc.var" → one char per page */
  readonly strips: Readonly<Record<string, string>>;
  readonly compareStrips: Readonly<Record<string, string>>;
  /** bumps on every change of position or state, so views can skip unchanged frames */
  readonly version: number;
}

/** Operations that change processes or VMAs, which a delta (PTEs and pages only) cannot carry. */
const STRUCTURAL = /^\s*(?:\w+\s*:\s*)?(?:\w+\s*=\s*mmap|munmap|mprotect|madvise|fork|exit|cpu|uffd_register)\b/;
// and events that change holders' own fields (a handle's coherence, a swap slot, the KSM tree)
const STRUCTURAL_EVENTS = new Set(['fork', 'exit', 'map', 'unmap', 'split', 'pin', 'unpin', 'get', 'put', 'dma', 'swap_out', 'swap_in', 'ksm_merge', 'hazard']);

/** True when the page must ask for the full state after this delta (goto the same step). */
export function needsFullState(report: StepReport): boolean {
  if (report.state) return false;
  if (!report.delta) return report.kernelStep < 0;
  if (report.op && STRUCTURAL.test(report.op)) return true;
  // large mappings are windowed: a bulk change is better read from a fresh windowed state
  if (report.delta.truncated || report.delta.pteRanges.some((r) => r.last - r.first >= 512)) return true;
  return report.events.some((e) => STRUCTURAL_EVENTS.has(word(e.type)));
}

export function startSession(message: SessionMessage): SessionState {
  return {
    token: message.token,
    kernel: message.kernel,
    compare: message.compare ?? null,
    title: message.title,
    description: message.description,
    text: message.text,
    statements: message.statements,
    steps: message.steps,
    step: message.position.step,
    kernelStep: message.position.kernelStep,
    snapshot: message.state,
    compareSnapshot: message.compareState ?? null,
    kernelSnapshot: null,
    report: null,
    compareReport: null,
    diff: [],
    markers: {},
    expectations: message.expectations,
    strips: {},
    compareStrips: {},
    version: 1,
  };
}

/** The distinct event types of a step, in the order they first happened. */
export function eventTypes(report: StepReport): string[] {
  const seen = new Set<string>();
  for (const e of report.events) seen.add(word(e.type));
  for (const [type, n] of Object.entries(report.eventCounts)) if (n > 0) seen.add(word(type));
  if (report.hazards.length > 0) seen.add('hazard');
  return [...seen].filter((t) => t !== '');
}

function advance(previous: Snapshot | null, report: StepReport): Snapshot | null {
  if (report.state) return report.state;
  if (!previous) return null;
  if (report.delta && report.step !== previous.step) return deriveHolders(applyDelta(previous, report.delta, report.step));
  return previous;
}

export function receiveDelta(session: SessionState, message: DeltaMessage): SessionState {
  const snapshot = advance(session.snapshot, message) ?? session.snapshot;
  const compareSnapshot = message.compare ? advance(session.compareSnapshot, message.compare) : session.compareSnapshot;
  const markers = { ...session.markers, [message.step]: eventTypes(message) };
  return {
    ...session,
    steps: message.steps || session.steps,
    statements: message.appended?.length ? [...session.statements, ...message.appended] : session.statements,
    text: message.appended?.length ? appendLines(session.text, message.appended.map((s) => s.text)) : session.text,
    step: message.step,
    kernelStep: message.kernelStep,
    snapshot: { ...snapshot, hazards: message.hazards.length ? mergeHazards(snapshot.hazards, message.hazards) : snapshot.hazards },
    compareSnapshot,
    kernelSnapshot: message.kernelStep >= 0 ? message.kernelState : null,
    report: message,
    compareReport: message.compare,
    diff: message.diff,
    markers,
    // strips belong to a step; the page asks again for the new one
    strips: message.step === session.step ? session.strips : {},
    compareStrips: message.step === session.step ? session.compareStrips : {},
    version: session.version + 1,
  };
}

export function receiveStrip(session: SessionState, message: StripMessage): SessionState {
  if (message.step !== session.step) return session;
  const key = `${message.proc}.${message.var}`;
  return {
    ...session,
    strips: { ...session.strips, [key]: message.strip },
    compareStrips: message.compareStrip !== null ? { ...session.compareStrips, [key]: message.compareStrip } : session.compareStrips,
    version: session.version + 1,
  };
}

/** The large mappings of a snapshot whose strip the page should ask for: [proc, var, pages]. */
export function stripsWanted(session: SessionState, threshold: number): [string, string, number][] {
  const wanted: [string, string, number][] = [];
  for (const p of session.snapshot.processes) {
    for (const v of p.vmas) {
      if (v.pages > threshold && session.strips[`${p.name}.${v.var}`] === undefined) wanted.push([p.name, v.var, v.pages]);
    }
  }
  return wanted;
}

function mergeHazards(old: readonly Hazard[], added: readonly Hazard[]): Hazard[] {
  const key = (h: Hazard) => `${word(h.type)}:${h.step}:${h.text}`;
  const seen = new Set(old.map(key));
  return [...old, ...added.filter((h) => !seen.has(key(h)))];
}

export function receiveWindow(session: SessionState, message: WindowMessage): SessionState {
  if (!message.state) return session;
  return {
    ...session,
    snapshot: mergeWindow(session.snapshot, message.state, message.proc, message.var),
    compareSnapshot: message.compareState && session.compareSnapshot
      ? mergeWindow(session.compareSnapshot, message.compareState, message.proc, message.var)
      : session.compareSnapshot,
    version: session.version + 1,
  };
}

/**
 * A window answer holds the PTEs of one mapping's window: take those for that mapping, keep
 * every other mapping's PTEs, and add the pages the window maps.
 */
export function mergeWindow(current: Snapshot, window: Snapshot, proc: string | null, variable: string | null): Snapshot {
  if (proc === null || variable === null) return window;
  const processes = window.processes.map((p) => {
    const old = current.processes.find((x) => x.name === p.name);
    return {
      ...p,
      vmas: p.vmas.map((v) => {
        if (p.name === proc && v.var === variable) return v;
        const kept = old?.vmas.find((x) => x.var === v.var);
        return kept ? { ...v, ptes: kept.ptes, ptesFirst: kept.ptesFirst } : v;
      }),
    };
  });
  const pages = new Map(current.pages.map((p) => [p.pfn, p]));
  for (const p of window.pages) pages.set(p.pfn, p);
  return { ...window, processes, pages: [...pages.values()] };
}

/**
 * A delta carries pages (with their reference sources) but not the holders: rebuild pipes,
 * handles and LRU batches from the sources, keeping what only the full state knows (devices,
 * flags, capacities).
 */
export function deriveHolders(snapshot: Snapshot): Snapshot {
  const pipeBuffers = new Map<string, number[]>();
  const handlePfns = new Map<string, { kind: string; pfns: number[] }>();
  const lru = new Map<number, number[]>();
  for (const page of snapshot.pages) {
    for (const s of page.sources) {
      if (s.kind === 'pipe' && s.holder) {
        const list = pipeBuffers.get(s.holder) ?? [];
        for (let i = 0; i < Math.max(1, s.count); i++) list.push(page.pfn);
        pipeBuffers.set(s.holder, list);
      } else if ((s.kind === 'pin' || s.kind === 'get') && s.holder) {
        const entry = handlePfns.get(s.holder) ?? { kind: s.kind, pfns: [] };
        entry.pfns.push(page.pfn);
        handlePfns.set(s.holder, entry);
      } else if (s.kind === 'lru_batch') {
        const list = lru.get(s.cpu) ?? [];
        list.push(page.pfn);
        lru.set(s.cpu, list);
      }
    }
  }
  const content = new Map(snapshot.pages.map((p) => [p.pfn, p.content]));
  const pipeNames = new Set([...snapshot.pipes.map((p) => p.name), ...pipeBuffers.keys()]);
  const pipes: PipeView[] = [...pipeNames].map((name) => {
    const buffers = pipeBuffers.get(name) ?? [];
    return { name, buffers, contents: buffers.map((pfn) => content.get(pfn) ?? '') };
  });
  const handles: HandleView[] = snapshot.handles.map((h) => {
    const now = handlePfns.get(h.name);
    handlePfns.delete(h.name);
    return { ...h, pfns: now ? now.pfns : [], live: now !== undefined };
  });
  for (const [name, { kind, pfns }] of handlePfns) {
    handles.push({ name, kind, owner: '', device: null, flags: [], var: null, first: 0, pfns, coherent: true, live: true });
  }
  const cpus = new Set([...snapshot.lruBatches.map((b) => b.cpu), ...lru.keys()]);
  const lruBatches: LruBatchView[] = [...cpus].sort((a, b) => a - b).map((cpu) => ({
    cpu,
    capacity: snapshot.lruBatches.find((b) => b.cpu === cpu)?.capacity ?? 15,
    pfns: lru.get(cpu) ?? [],
  }));
  return { ...snapshot, pipes, handles, lruBatches };
}

/** The statement the current step executed (for the editor's highlight), or null at step 0. */
export function currentLine(session: SessionState): number | null {
  if (session.report && session.report.line > 0) return session.report.line;
  const byStep = session.statements.find((s) => (s as { step?: number }).step === session.step && session.step > 0);
  if (byStep) return byStep.line;
  const ops = session.statements.filter((s) => s.kind !== 'header' && s.kind !== 'process' && s.kind !== 'expect' && s.kind !== 'say');
  const statement = ops[session.step - 1];
  return statement ? statement.line : null;
}

/**
 * The keys to mark as different in one stage: the server keys PTE and page differences by
 * where they are mapped ("proc.var[i]"); a page difference also marks the card mapped there.
 */
export function differences(diff: readonly DiffEntry[], snapshot: Snapshot): Set<string> {
  const keys = new Set<string>();
  const pfnAt = new Map<string, number>();
  for (const p of snapshot.processes) for (const v of p.vmas) for (const pte of v.ptes) if (pte.present) pfnAt.set(`${p.name}.${v.var}[${pte.index}]`, pte.pfn);
  for (const d of diff) {
    if (d.what === 'pte') keys.add(d.key);
    // a holder whose contents differ (the pipe): keyed as the stage keys holders ("pipe:NAME")
    if (d.what === 'holder') keys.add(d.key);
    if (d.what === 'page') {
      keys.add(d.key);
      const pfn = pfnAt.get(d.key);
      if (pfn !== undefined) keys.add(`page:${pfn}`);
    }
  }
  return keys;
}

function appendLines(text: string, lines: readonly string[]): string {
  return (text.endsWith('\n') || text === '' ? text : text + '\n') + lines.join('\n') + '\n';
}

/**
 * A session answer (after `kernel`, `compare` or `resume`) carries the state but not what the
 * step did, so the narration would go blank mid-scenario: true when the page should ask for the
 * current step again (a `goto` there answers with its report). Not at step 0 (the description
 * is shown) and not when the page is about to jump anyway.
 */
export function reportWanted(message: SessionMessage, jumping: boolean): boolean {
  return !jumping && message.position.step > 0;
}

/** What to tell the user when a `run` found no step that matches (the delta's `reason`). */
export function runMiss(reason: string, step: number): string {
  switch (reason) {
    case 'at the end':
      return `no later step matches — ran to the last step (${step})`;
    case 'at the start':
      return `no earlier step matches — ran back to step ${step}`;
    case 'limit':
      return `stopped at step ${step}: the work limit was reached before a match`;
    default:
      return `${reason} (step ${step})`;
  }
}

/** The state the stage draws: at a kernel step, that kernel step's; else the step's. */
export function shownSnapshot(session: SessionState): Snapshot {
  return session.kernelSnapshot ?? session.snapshot;
}
