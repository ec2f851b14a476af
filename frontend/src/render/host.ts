import { FIELD_LABELS, hostDiffLines, type HostCell, hostStepAt, hostTable } from '../model/host';
import type { Statement } from '../model/protocol';
import type { HostRunState } from '../model/state';

/**
 * The second column when comparing with this machine: the kernel's observations at the current
 * step, one row per page, each field the model differs on marked Δ with the model's value; what
 * the kernel does not let anyone observe is listed as unobservable, never guessed.
 */
export function renderHost(root: HTMLElement, run: HostRunState | null, statements: readonly Statement[], step: number, machine: string | null): void {
  const doc = root.ownerDocument;
  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] => {
    const e = doc.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const parts: HTMLElement[] = [];
  if (!run || run.status === 'running') {
    parts.push(el('p', { class: 'host-status', role: 'status' }, `running the scenario on ${machine ?? 'this machine'}…`));
  } else if (run.status === 'failed' || !run.result) {
    parts.push(el('p', { class: 'host-status host-error', role: 'status' }, `not run on this machine: ${run.error ?? 'no answer'}`));
  } else {
    const result = run.result;
    const native = hostStepAt(result, statements, step);
    if (!native) {
      parts.push(el('p', { class: 'host-status' }, step === 0 ? 'before the first operation' : 'no native step here'));
    } else {
      const head = el('p', { class: 'host-step' });
      head.append(el('code', {}, native.source), doc.createTextNode(` → ${native.outcome}${native.faults != null ? ` · ${native.faults} fault${native.faults === 1 ? '' : 's'}` : ''}`));
      parts.push(head);
      if (!native.kernel) {
        parts.push(el('p', { class: 'host-status' }, native.skipped ? `not run natively: ${native.skipped}` : 'not compared (an earlier operation was not run natively)'));
      } else {
        const table = hostTable(native);
        const mark = (td: HTMLElement, c: HostCell | undefined) => {
          if (!c) {
            td.textContent = '—';
            td.title = 'not observed for this page';
            td.dataset.missing = '';
            return;
          }
          td.textContent = c.kernel;
          if (c.model !== null) {
            td.classList.add('differs');
            td.dataset.model = c.model;
            td.title = `model ${result.model}: ${c.model}`;
            td.append(el('span', { class: 'differs-mark', 'aria-label': `differs; model ${c.model}` }, ' Δ'));
          }
        };
        const facts = el('ul', { class: 'host-facts' });
        for (const c of [...table.step, ...table.others]) {
          const li = el('li', {}, `${c.field}: `);
          const v = el('span', {});
          mark(v, c);
          li.append(v);
          facts.append(li);
        }
        parts.push(facts);
        if (table.pages.length) {
          const t = el('table', { class: 'host-table', 'aria-label': `pages as ${result.machine} shows them` });
          const hr = el('tr');
          hr.append(el('th', { scope: 'col' }, 'page'), ...table.columns.map((c) => el('th', { scope: 'col' }, FIELD_LABELS[c] ?? c)));
          t.append(el('thead'), el('tbody'));
          t.tHead!.append(hr);
          for (const row of table.pages) {
            const tr = el('tr', { 'data-page': row.key });
            tr.append(el('th', { scope: 'row' }, row.key));
            for (const c of table.columns) {
              const td = el('td', { 'data-field': c });
              mark(td, row.cells.get(c));
              tr.append(td);
            }
            t.tBodies[0]!.append(tr);
          }
          parts.push(el('div', { class: 'host-table-box' }));
          parts[parts.length - 1]!.append(t);
        }
        const diffs = hostDiffLines(native);
        if (diffs.length) {
          parts.push(el('p', { class: 'diff-head' }, `Differences, model ${result.model} ↔ ${result.machine}:`));
          const list = el('ul', { class: 'diff-list host-diff-list', 'aria-label': `differences between the model and ${result.machine}` });
          for (const d of diffs.slice(0, 12)) list.append(el('li', {}, d));
          if (diffs.length > 12) list.append(el('li', {}, `… ${diffs.length - 12} more`));
          parts.push(list);
        } else {
          parts.push(el('p', { class: 'host-agree' }, `the model ${result.model} agrees on everything observable here`));
        }
      }
    }
    parts.push(el('p', { class: 'host-unobservable muted' }, `unobservable: ${result.unobservable.join('; ')}`));
    for (const n of result.notes) parts.push(el('p', { class: 'host-note muted' }, n));
  }
  root.replaceChildren(...parts);
}
