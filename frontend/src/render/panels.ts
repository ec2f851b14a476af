import { elixirUrl, eraOf } from '../model/kernels';
import { bitSet, hex64, kpageflags, PAGEMAP_BITS, pagemapWord } from '../model/pagemap';
import type { DiffEntry, StepReport } from '../model/protocol';
import { refcountSentence, segments } from '../model/refbar';
import type { SessionState } from '../model/session';
import { type EngineEvent, type PageView, type PteView, type Snapshot, word } from '../model/snapshot';
import type { Selection } from '../model/state';

/** Event types, their marker letter and whether a decision is explained for them. */
export const EVENT_MARK: Record<string, string> = {
  fault: 'F',
  cow: 'C',
  reuse: 'R',
  unshare: 'U',
  fork_copy: 'K',
  fork: 'k',
  // N for piN: P is the PTE's present bit
  pin: 'N',
  unpin: 'n',
  get: 'G',
  put: 'g',
  swap_out: 'S',
  swap_in: 's',
  ksm_merge: 'M',
  free: 'x',
  hazard: '!',
  wrprotect: 'w',
  soft_dirty_set: 'D',
  soft_dirty_clear: 'd',
  sigsegv: '☠',
  blocked: 'B',
};
/** What each marker letter means, for the timeline's key (every letter of EVENT_MARK). */
export const EVENT_MEANING: Record<string, string> = {
  fault: 'page fault',
  cow: 'copy-on-write: a new page',
  reuse: 'write fault reuses the page',
  unshare: 'unshare fault (GUP read)',
  fork_copy: 'copied at fork',
  fork: 'fork',
  pin: 'pin (FOLL_PIN)',
  unpin: 'unpin',
  get: 'get (FOLL_GET reference)',
  put: 'put (reference dropped)',
  swap_out: 'swapped out',
  swap_in: 'swapped in',
  ksm_merge: 'KSM merge',
  free: 'page freed',
  hazard: 'hazard',
  wrprotect: 'write-protected',
  soft_dirty_set: 'soft-dirty set',
  soft_dirty_clear: 'soft-dirty cleared',
  sigsegv: 'SIGSEGV: process killed',
  blocked: 'process blocked',
};
/** the marker shown for a step: the most telling of its events */
const PRIORITY = ['hazard', 'sigsegv', 'cow', 'unshare', 'fork_copy', 'reuse', 'pin', 'unpin', 'swap_out', 'swap_in', 'ksm_merge', 'fault', 'fork', 'get', 'free'];

export function markerType(types: readonly string[]): string | null {
  for (const t of PRIORITY) if (types.includes(t)) return t;
  return types.find((t) => EVENT_MARK[t]) ?? null;
}

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
};

/** One sentence about a decision event, with its rule and a link to the function's source. */
export function decisionSentence(event: EngineEvent): string {
  const parts: string[] = [];
  const text = event.text ?? '';
  // the engine's text usually starts with the deciding function ("wp_can_reuse_anon_folio: …")
  if (event.function && !/^\w+:/.test(text)) parts.push(`${event.function}:`);
  if (text) parts.push(text);
  const rule = event.rule ? word(event.rule).toUpperCase() : '';
  // the engine's sentence often cites its rule already
  if (event.ruleCite && !text.includes(event.ruleCite)) parts.push(`· ${event.ruleCite}`);
  else if (!event.ruleCite && rule && !text.includes(rule)) parts.push(`· ${rule}`);
  return parts.join(' ');
}

const DECISIONS = new Set(['cow', 'reuse', 'unshare', 'fork_copy', 'hazard', 'sigsegv', 'swap_in', 'ksm_merge', 'pin', 'get', 'wrprotect', 'mkwrite']);

/** What the narration was last drawn from, per document: the same again draws nothing. */
const narrated = new WeakMap<Document, string>();

/** Everything the narration shows, as one string (not the states: a full state after a delta
 * carries the same report, and redrawing the same narration would lay it all out again). */
function narrationKey(session: SessionState | null): string {
  if (!session) return 'none';
  // (the id is the request's: the full state asked for after a delta answers another request)
  const strip = (r: StepReport | null) => (r ? { ...r, id: null, state: null, delta: null, kernelState: null } : null);
  return JSON.stringify([session.token, session.step, session.kernel, session.compare, session.step === 0 ? session.description : '', strip(session.report), session.compare ? strip(session.compareReport) : null, session.compare ? session.diff : null]);
}

export function renderNarration(root: Document, session: SessionState | null, announce: boolean): void {
  const key = narrationKey(session);
  if (narrated.get(root) === key) return;
  narrated.set(root, key);
  const caption = root.getElementById('caption')!;
  const live = root.getElementById('live-caption')!;
  const decision = root.getElementById('decision')!;
  const kernelSteps = root.getElementById('kernel-steps')!;
  const expectations = root.getElementById('expectations')!;
  const report = session?.report ?? null;
  const say = report?.say ?? (session && session.step === 0 ? session.description : '');
  const opLine = report?.op ? `${report.step}. ${report.op}` : '';
  caption.replaceChildren();
  if (opLine) caption.appendChild(el('code', { class: 'op' }, opLine));
  if (say) caption.appendChild(el('span', { class: 'say' }, (opLine ? ' — ' : '') + say));
  if (report?.summary) caption.appendChild(el('span', { class: 'summary' }, ` ${report.summary}`));
  if (report?.value !== null && report?.value !== undefined) caption.appendChild(el('span', { class: 'value' }, ` read: ${valueText(report.value)}`));
  if (announce) {
    const words = [opLine, say, report?.hazards.map((h) => 'Hazard: ' + h.text).join(' ')].filter(Boolean).join('. ');
    if (live.textContent !== words) live.textContent = words;
  }
  decision.replaceChildren();
  const kernel = session?.kernel ?? '6.18';
  const decisions = (report?.events ?? []).filter((event) => DECISIONS.has(word(event.type)) || event.rule);
  for (const event of decisions.slice(0, 3)) {
    const p = el('p', { class: `decision-line ev-${word(event.type)}` });
    p.appendChild(el('span', { class: 'ev-mark', 'aria-hidden': 'true' }, EVENT_MARK[word(event.type)] ?? '•'));
    p.appendChild(el('span', {}, ' ' + decisionSentence(event) + ' '));
    const values = Object.entries(event.values ?? {});
    if (values.length) p.appendChild(el('code', { class: 'values' }, values.map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' ') + ' '));
    const commit = (event as { commit?: string }).commit;
    if (commit && !(event.ruleCite ?? '').includes(commit)) p.appendChild(el('span', { class: 'muted' }, `commit ${commit} `));
    if (event.function) {
      const a = el('a', { href: elixirUrl(kernel, event.function), target: '_blank', rel: 'noopener' }, `${event.function} in v${kernel}`);
      p.appendChild(a);
    }
    decision.appendChild(p);
  }
  if (decisions.length > 3) decision.appendChild(el('p', { class: 'decision-summary' }, decisionSummary(decisions, report?.eventCounts ?? {})));
  const compared = session?.compareReport;
  if (compared && session?.compare) {
    const other = compared.events.filter((event) => DECISIONS.has(word(event.type)) || event.rule)[0];
    if (other) {
      const p = el('p', { class: `decision-line compare ev-${word(other.type)}` });
      p.append(el('span', { class: 'ev-mark', 'aria-hidden': 'true' }, EVENT_MARK[word(other.type)] ?? '•'), document.createTextNode(` on ${session.compare}: ${decisionSentence(other)}`));
      decision.appendChild(p);
    }
    const diffs = session.diff;
    if (diffs.length) {
      decision.appendChild(el('p', { class: 'diff-head' }, `Differences, ${session.kernel} ↔ ${session.compare}:`));
      const list = el('ul', { class: 'diff-list', 'aria-label': `differences between ${session.kernel} and ${session.compare}` });
      for (const d of diffs.slice(0, 8)) list.appendChild(el('li', { 'data-what': d.what }, diffLine(d)));
      if (diffs.length > 8) list.appendChild(el('li', {}, `… ${diffs.length - 8} more`));
      decision.appendChild(list);
    }
  }
  for (const w of report?.warnings ?? []) decision.appendChild(el('p', { class: 'warning' }, '⚠ ' + w));
  // a bulk operation's kernel steps picture its first pages only: say which
  let pictured = root.getElementById('kernel-pictured');
  const note = report && report.kernelSteps.length ? picturedPages(report) : null;
  if (note && !pictured) {
    pictured = el('p', { id: 'kernel-pictured', class: 'kernel-pictured' });
    kernelSteps.parentElement?.insertBefore(pictured, kernelSteps);
  }
  if (pictured) {
    pictured.textContent = note ?? '';
    pictured.hidden = !note;
  }
  const allSteps = report?.kernelSteps ?? [];
  // bulk operations have thousands of kernel steps: show those around the current one
  const from = Math.max(0, Math.min(allSteps.length - 40, (report?.kernelStep ?? 0) - 10));
  kernelSteps.setAttribute('start', String(from + 1));
  kernelSteps.replaceChildren(
    ...allSteps.slice(from, from + 40).map((k, j) => {
      const i = from + j;
      const li = el('li', { class: i === report!.kernelStep ? 'current' : '' });
      li.style.paddingLeft = `${k.depth}em`;
      li.append(el('code', {}, k.function), document.createTextNode(k.note ? ' · ' + k.note : ''));
      if (i === report!.kernelStep) li.setAttribute('aria-current', 'step');
      return li;
    }),
  );
  if (allSteps.length > from + 40) kernelSteps.appendChild(el('li', { class: 'muted' }, `… ${allSteps.length - from - 40} more kernel steps`));
  const results = report?.expectations ?? (session?.step === 0 ? [] : []);
  expectations.replaceChildren(
    ...results.map((x) =>
      el('li', { class: x.skipped ? 'skipped' : x.passed ? 'passed' : 'failed' }, `${x.skipped ? '–' : x.passed ? '✓' : '✗'} line ${x.line}: ${x.text}${!x.passed && !x.skipped && x.actual !== undefined ? ` (actual ${valueText(x.actual)})` : ''}`),
    ),
  );
}

/**
 * One difference in words, left kernel first: only what differs ("pfn 0x1 ↔ 0x3 · references
 * 1 mapping + 1 pipe pipe ↔ 1 mapping"), never two summaries cut at the same length.
 */
export function diffLine(d: DiffEntry): string {
  const value = (v: unknown) => (v === null || v === undefined ? '—' : Array.isArray(v) ? `[${v.map((x) => JSON.stringify(x)).join(', ')}]` : typeof v === 'string' && !/^0x/.test(v) ? JSON.stringify(v) : String(v));
  const number = (v: unknown) => (v === null || v === undefined ? '—' : String(v));
  switch (d.what) {
    case 'event':
      return `Δ ${d.key} events: ${number(d.left)} ↔ ${number(d.right)}`;
    case 'hazard':
      return `Δ hazard ${d.key}: ${d.left ? 'raised' : 'none'} ↔ ${d.right ? 'raised' : 'none'}`;
    case 'pte':
      return `Δ PTE ${d.key}: ${number(d.left) || 'no bits'} ↔ ${number(d.right) || 'no bits'}`;
    default: {
      const where = d.what === 'holder' ? d.key.replace(':', ' ') : `page at ${d.key}`;
      const fields = d.fields ?? [];
      if (!fields.length) return `Δ ${where}: ${short(d.left)} ↔ ${short(d.right)}`;
      const numeric = new Set(['refcount', 'mapcount', 'pincount', 'AE', 'ksm', 'swapcache', 'lru', 'references']);
      return `Δ ${where}: ${fields.map((f) => `${f.field} ${numeric.has(f.field) ? number(f.left) : value(f.left)} ↔ ${numeric.has(f.field) ? number(f.right) : value(f.right)}`).join(' · ')}`;
    }
  }
}

function short(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? '—';
  return text.length > 40 ? text.slice(0, 39) + '…' : text;
}

function valueText(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value && typeof value === 'object' && 'runs' in value) {
    const runs = (value as { runs: { text: string; count: number }[] }).runs;
    if (!runs.length) return '(nothing)';
    return runs.map((r) => `${JSON.stringify(r.text)}${r.count > 1 ? '×' + r.count : ''}`).join(' ');
  }
  return JSON.stringify(value);
}

/** The red banner: one sentence per hazard raised so far. */
export function renderBanner(root: Document, snapshot: Snapshot | null, compare: Snapshot | null): void {
  const banner = root.getElementById('hazard-banner')!;
  const hazards = [...(snapshot?.hazards ?? [])];
  const lines = hazards.map((h) => `⚠ ${word(h.type).replace('_', ' ')} (step ${h.step}): ${h.text}`);
  if (compare) for (const h of compare.hazards) lines.push(`⚠ [compared kernel] ${word(h.type)} (step ${h.step}): ${h.text}`);
  const text = lines.join('\n');
  if (banner.textContent !== text) banner.textContent = text;
  banner.hidden = lines.length === 0;
  banner.dataset.hazards = String(hazards.length);
  if (hazards.length) banner.dataset.type = hazards.map((h) => word(h.type)).join(' ');
  else delete banner.dataset.type;
}

/** Keys to outline: the hazards' pages, PTEs and holders. */
export function involvedKeys(snapshot: Snapshot | null): Set<string> {
  const keys = new Set<string>();
  for (const h of snapshot?.hazards ?? []) {
    for (const pfn of h.pfns) keys.add(`page:${pfn}`);
    for (const item of h.involved) {
      keys.add(item);
      keys.add(`pipe:${item}`);
      keys.add(`handle:${item}`);
    }
  }
  return keys;
}

export function renderTimeline(root: Document, session: SessionState | null, breakpoints: readonly number[]): void {
  const scrubber = root.getElementById('scrubber') as HTMLInputElement;
  const markers = root.getElementById('markers')!;
  const position = root.getElementById('position')!;
  const steps = session?.steps ?? 0;
  if (scrubber.max !== String(steps)) scrubber.max = String(steps);
  // (while dragged, the thumb stays under the pointer; the stage follows it)
  if (scrubber.dataset.dragging !== 'true' && scrubber.value !== String(session?.step ?? 0)) scrubber.value = String(session?.step ?? 0);
  const spoken = session ? `step ${session.step} of ${steps}` : 'no scenario';
  if (scrubber.getAttribute('aria-valuetext') !== spoken) scrubber.setAttribute('aria-valuetext', spoken);
  setText(position, session ? `step ${session.step} / ${steps}${session.kernelStep >= 0 ? ` · kernel step ${session.kernelStep + 1}` : ''}` : '');
  // the ticks are kept and only what changed is set: rebuilding them at every step would lay the
  // page out again in the step's frame
  const count = steps + 1;
  while (markers.childElementCount > count) markers.lastElementChild!.remove();
  while (markers.childElementCount < count) markers.appendChild(el('span', { class: 'tick' }));
  const statements = new Map<number, string>();
  for (const s of session?.statements ?? []) {
    const at = (s as { step?: number }).step;
    if (at !== undefined && !statements.has(at)) statements.set(at, s.text);
  }
  for (let i = 0; i < count; i++) {
    const tick = markers.children[i] as HTMLElement;
    const types = session?.markers[i] ?? [];
    const type = markerType(types);
    const statement = statements.get(i);
    const cls = `tick${type ? ' ev-' + type : ''}${i === session?.step ? ' current' : ''}${breakpoints.includes(i) ? ' breakpoint' : ''}`;
    const title = `step ${i}${statement ? ' · ' + statement : ''}${types.length ? ' · ' + types.join(', ') : session?.markers[i] ? '' : ' · not visited yet'}`;
    const left = `${steps ? (i / steps) * 100 : 0}%`;
    const text = type ? EVENT_MARK[type] ?? '•' : '';
    if (tick.getAttribute('class') !== cls) tick.setAttribute('class', cls);
    if (tick.getAttribute('title') !== title) tick.setAttribute('title', title);
    if (tick.style.left !== left) tick.style.left = left;
    if (tick.textContent !== text) tick.textContent = text;
    if (tick.dataset.step !== String(i)) tick.dataset.step = String(i);
  }
}

/**
 * The legend of the markers; each entry is also a toggle: "stop at this event while playing"
 * (a breakpoint by event type).
 */
export function renderLegend(root: Document, eventBreaks: readonly string[], onToggle: (event: string) => void): void {
  const legend = root.getElementById('legend')!;
  if (!legend.childElementCount) {
    legend.appendChild(el('span', { class: 'legend-title' }, 'Stop at:'));
    for (const t of ['fault', 'cow', 'reuse', 'unshare', 'fork_copy', 'pin', 'swap_out', 'hazard']) {
      const item = el('button', { type: 'button', class: `legend-item ev-${t}`, 'data-event': t, 'aria-pressed': 'false', title: `stop playing at a ${t} event` });
      item.append(el('span', { class: 'tick-sample' }, EVENT_MARK[t]!), document.createTextNode(' ' + t));
      item.addEventListener('click', () => onToggle(t));
      legend.appendChild(item);
    }
    legend.appendChild(el('span', { class: 'legend-item breakpoint-sample' }, '● = breakpoint on a step (B)'));
    // the key of every marker letter, not only the ones that can be stops
    const key = el('details', { class: 'marker-key' });
    key.appendChild(el('summary', {}, `Marker letters (${Object.keys(EVENT_MARK).length})`));
    const list = el('dl', { 'aria-label': 'timeline marker letters' });
    for (const [type, letter] of Object.entries(EVENT_MARK)) {
      const row = el('div', { class: `ev-${type}`, 'data-marker': type });
      row.append(el('dt', {}), el('dd', {}, EVENT_MEANING[type] ?? type.replace('_', ' ')));
      row.firstElementChild!.appendChild(el('span', { class: 'tick-sample' }, letter));
      list.appendChild(row);
    }
    key.appendChild(list);
    legend.appendChild(key);
  }
  for (const button of legend.querySelectorAll<HTMLElement>('[data-event]')) {
    const on = eventBreaks.includes(button.dataset.event ?? '');
    if (button.getAttribute('aria-pressed') !== String(on)) button.setAttribute('aria-pressed', String(on));
  }
}

export function renderKernelEra(root: Document, kernel: string): void {
  const era = eraOf(kernel);
  const label = root.getElementById('kernel-era')!;
  setText(label, `${era.id}: ${era.name}`);
  if (label.title !== era.summary) label.title = era.summary;
}

/**
 * Sets an element's text unless it says that already: every paint calls these, and a new text
 * node, even with the same words, lays the page out again (in the frame of a step, on a big state).
 */
export function setText(element: Element, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

/** Puts nodes into a box unless it shows the same already (see {@link setText}). */
function replaceIfChanged(box: Element, ...nodes: Element[]): void {
  if (box.childElementCount === nodes.length && box.innerHTML === nodes.map((n) => n.outerHTML).join('')) return;
  box.replaceChildren(...nodes);
}

function findPte(snapshot: Snapshot, proc: string, variable: string, index: number): { pte: PteView; shared: boolean } | null {
  const p = snapshot.processes.find((x) => x.name === proc);
  const v = p?.vmas.find((x) => x.var === variable);
  const pte = v?.ptes.find((x) => x.index === index);
  return pte && v ? { pte, shared: v.shared } : null;
}

function table(rows: [string, string][]): HTMLTableElement {
  const t = el('table', { class: 'fields' });
  for (const [k, v] of rows) {
    const tr = el('tr');
    tr.append(el('th', { scope: 'row' }, k), el('td', {}, v));
    t.appendChild(tr);
  }
  return t;
}

function pageSection(page: PageView): HTMLElement[] {
  const out: HTMLElement[] = [el('h3', {}, `Page pfn 0x${page.pfn.toString(16)} (${page.pfn})`)];
  out.push(
    table([
      ['content', JSON.stringify(page.content)],
      ['refcount', refcountSentence(page)],
      ['mapcount', `${page.mapcount}${page.entireMapcount ? ` (entire ${page.entireMapcount})` : ''}`],
      ['pincount', String(page.pincount)],
      ['flags', [page.anon && 'anon', page.anonExclusive && 'anon-exclusive', page.ksm && 'ksm', page.swapcache && 'swapcache', page.lru && 'lru', page.locked && 'locked', page.dirty && 'dirty', page.thp && (page.thpHead ? 'thp head' : 'thp tail'), page.hugetlb && (page.thpHead ? 'hugetlb head' : 'hugetlb tail'), page.zero && 'zero', page.file && 'file'].filter(Boolean).join(', ') || '—'],
      ['folio head', page.thp || page.hugetlb ? '0x' + page.folioHead.toString(16) : '—'],
      ['swap slot', page.swapSlot >= 0 ? `#${page.swapSlot}` : '—'],
      ['LRU batch', page.lruBatchCpu >= 0 ? `cpu${page.lruBatchCpu}` : '—'],
      ['file', page.fileName ? `${page.fileName}[${page.fileIndex}]` : '—'],
      ['written by', page.writer ? `${page.writer} at step ${page.writtenAt}` : '—'],
      ['kpageflags', kpageflags(page).join(' ') || '—'],
    ]),
  );
  const list = el('ul', { class: 'sources' });
  for (const s of segments(page)) list.appendChild(el('li', {}, `${s.count} · ${s.title}`));
  out.push(el('h4', {}, 'References'), list);
  return out;
}

export function renderInspector(root: Document, snapshot: Snapshot | null, selection: Selection | null): void {
  const box = root.getElementById('inspector')!;
  if (!snapshot || !selection) {
    replaceIfChanged(box, el('p', { class: 'muted' }, 'Select a page card or a PTE row (click, or Tab and Enter).'));
    return;
  }
  const parts: HTMLElement[] = [];
  if (selection.kind === 'pte') {
    const found = findPte(snapshot, selection.proc, selection.var, selection.index);
    if (!found) {
      replaceIfChanged(box, el('p', { class: 'muted' }, `${selection.proc}.${selection.var}[${selection.index}] is not in this state.`));
      return;
    }
    const { pte, shared } = found;
    const page = snapshot.pages.find((p) => p.pfn === pte.pfn);
    parts.push(el('h3', {}, `PTE ${selection.proc}.${selection.var}[${selection.index}]`));
    parts.push(
      table([
        ['present', String(pte.present)],
        ['write', String(pte.write)],
        ['dirty', String(pte.dirty)],
        ['young (A)', String(pte.young)],
        ['soft-dirty', String(pte.softDirty)],
        ['uffd-wp', String(pte.uffdWp)],
        ['swap entry', pte.swap ? `#${pte.slot}${pte.swpExclusive ? ' (exclusive)' : ''}` : '—'],
        ['PMD-mapped', String(pte.pmd)],
        ['zero page', String(pte.zero)],
        ['pfn', pte.pfn >= 0 ? `0x${pte.pfn.toString(16)}` : '—'],
      ]),
    );
    const wordValue = pagemapWord(pte, page, shared);
    parts.push(el('h4', {}, 'pagemap'), el('code', { class: 'pagemap-word', 'data-word': hex64(wordValue) }, hex64(wordValue)));
    const bits = el('ul', { class: 'pagemap-bits' });
    for (const { bit, name } of PAGEMAP_BITS) {
      const on = bitSet(wordValue, bit);
      bits.appendChild(el('li', { class: on ? 'on' : 'off' }, `${on ? '■' : '□'} bit ${bit} ${name}: ${on ? 1 : 0}`));
    }
    bits.appendChild(el('li', {}, `bits 0–54 ${pte.swap ? 'swap type|offset' : 'pfn'}: ${(wordValue & ((1n << 55n) - 1n)).toString()}`));
    parts.push(bits);
    if (page) parts.push(...pageSection(page));
  } else {
    const page = snapshot.pages.find((p) => p.pfn === selection.pfn);
    if (!page) {
      replaceIfChanged(box, el('p', { class: 'muted' }, `Page 0x${selection.pfn.toString(16)} is not in this state (freed?).`));
      return;
    }
    parts.push(...pageSection(page));
  }
  replaceIfChanged(box, ...parts);
}

/**
 * Which pages a bulk step's kernel steps picture (the engine records per-page detail for the
 * first pages an operation touches and counts the rest): "Kernel steps (and step into) picture
 * 16 of the 512 pages: c.b 0–15; the other 496 went the same way and are counted above." null
 * when every page the step touched is pictured.
 */
export function picturedPages(report: StepReport): string | null {
  const pages = new Map<string, Set<number>>();
  const kinds = new Set<string>();
  for (const e of report.events) {
    if (!e.proc || !e.var || e.page < 0) continue;
    const key = `${e.proc}.${e.var}`;
    const set = pages.get(key) ?? new Set<number>();
    set.add(e.page);
    pages.set(key, set);
    kinds.add(word(e.type));
  }
  const shown = [...pages.values()].reduce((n, s) => n + s.size, 0);
  if (!shown) return null;
  // the pages the step touched: the most frequent per-page event kind's exact total
  const total = Math.max(shown, ...[...kinds].map((k) => report.eventCounts[k] ?? 0));
  if (total <= shown) return null;
  const where = [...pages].map(([key, set]) => `${key} ${ranges([...set].sort((a, b) => a - b))}`).join('; ');
  return `Kernel steps (and step into) picture ${number(shown)} of the ${number(total)} pages: ${where}; the other ${number(total - shown)} went the same way and are only counted.`;
}

/**
 * 1024 → "1,024" (as toLocaleString('en-US') says it, without its cost: the first call of a step
 * sets up a number format, ~7 ms of the step's frame under load).
 */
export function number(n: number): string {
  const sign = n < 0 ? '-' : '';
  const digits = String(Math.abs(Math.trunc(n)));
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** 0, 1, 2, 3, 7, 9, 10 → "0–3, 7, 9–10" */
function ranges(sorted: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    out.push(j > i ? `${sorted[i]}–${sorted[j]}` : String(sorted[i]));
    i = j + 1;
  }
  return out.join(', ');
}

export function stepReportTypes(report: StepReport | null): string[] {
  return report ? report.events.map((e) => word(e.type)) : [];
}

/**
 * A bulk step's decisions in one sentence, by kind, with the exact totals of the step's event
 * counts (the listed events are capped by the server): "This step: 1,024 × cow (wp_page_copy ·
 * PAGE_COUNT_REUSE), 1 × fault …". Kinds keep the order they first happened in.
 */
export function decisionSummary(decisions: readonly EngineEvent[], eventCounts: Readonly<Record<string, number>>): string {
  const kinds = new Map<string, { listed: number; functions: Set<string>; rules: Set<string> }>();
  for (const event of decisions) {
    const type = word(event.type);
    const kind = kinds.get(type) ?? { listed: 0, functions: new Set<string>(), rules: new Set<string>() };
    kind.listed++;
    if (event.function) kind.functions.add(event.function);
    const rule = event.ruleCite ?? (event.rule ? word(event.rule).toUpperCase() : '');
    if (rule) kind.rules.add(rule.split(' ')[0]!);
    kinds.set(type, kind);
  }
  const parts = [...kinds].map(([type, kind]) => {
    const total = Math.max(kind.listed, eventCounts[type] ?? 0);
    const why = [[...kind.functions].slice(0, 2).join(', '), [...kind.rules].slice(0, 2).join(', ')].filter(Boolean).join(' · ');
    return `${number(total)} × ${type}${why ? ` (${why})` : ''}`;
  });
  return `This step: ${parts.join('; ')}.`;
}
