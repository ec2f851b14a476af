import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DeltaMessage, SessionMessage } from '../src/model/protocol';
import { parseServerMessage } from '../src/model/protocol';
import { normalizeSnapshot, type Snapshot } from '../src/model/snapshot';

/**
 * Recorded engine output (io.cowscope.engine records as Jackson writes them) for the gallery's
 * CVE-2020-29374 scenario: the initial snapshot, then per statement {line, op, say, step, state}.
 */
interface Recorded {
  line: number;
  op: string;
  say: string | null;
  step: Record<string, unknown> & { delta: unknown; events: unknown[]; hazards: unknown[] };
  state: Record<string, unknown>;
}

export function recorded(name: 'cve57' | 'cve618'): { initial: Snapshot; steps: Recorded[] } {
  const data = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'fixtures', name + '.json'), 'utf8')) as unknown[];
  return { initial: normalizeSnapshot(data[0] as Record<string, unknown>), steps: data.slice(1) as Recorded[] };
}

/** The session message a server would send after the process declarations (recorded step 0). */
export function sessionMessage(name: 'cve57' | 'cve618'): SessionMessage {
  const { steps } = recorded(name);
  return parseServerMessage(
    JSON.stringify({ type: 'session', token: 't', kernel: name === 'cve57' ? '5.7' : '6.18', title: 'CVE', description: '', text: '', statements: [], steps: steps.length - 1, position: { step: 0, kernelStep: -1 }, state: steps[0]!.state, expectations: [] }),
  ) as SessionMessage;
}

/** The delta message for recorded statement i (1-based step), with or without the full state. */
export function deltaMessage(name: 'cve57' | 'cve618', i: number, withState: boolean): DeltaMessage {
  const { steps } = recorded(name);
  const s = steps[i]!;
  const events = (s.step.events as { type: string }[]).map((e) => ({ ...e, type: e.type.toLowerCase() }));
  return parseServerMessage(
    JSON.stringify({ type: 'delta', step: i, kernelStep: -1, steps: steps.length - 1, op: s.op, line: s.line, say: s.say, kernelSteps: s.step.kernelSteps, events, eventCounts: s.step.eventCounts, summary: s.step.summary, hazards: s.step.hazards, expectations: [], delta: s.step.delta, ...(withState ? { state: s.state } : {}) }),
  ) as DeltaMessage;
}
