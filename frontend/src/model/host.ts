import type { HostMessage, HostStep, Statement } from './protocol';

/**
 * This machine's kernel beside the model (docs/host.md "In the page"): which native step belongs
 * to a session step, and the observed fields laid out as a table. No DOM here.
 */

/** The native step shown at a session step: the operation statement that made it (step 0: the last leading process line). */
export function hostStepAt(run: HostMessage, statements: readonly Statement[], step: number): HostStep | null {
  let index: number | null = null;
  for (const s of statements) if (s.kind === 'operation' && s.step === step) index = s.index;
  if (index === null) return null;
  return run.steps.find((h) => h.index === index) ?? null;
}

export interface HostCell {
  /** the field's name as the server sends it ("present", "pagemap exclusive", "step faults") */
  readonly field: string;
  readonly kernel: string;
  /** the model's value when it differs */
  readonly model: string | null;
}

export interface HostRow {
  /** the page as the stage keys its PTEs ("parent.buf[0]"), or the holder ("pipe p") */
  readonly key: string;
  readonly cells: ReadonlyMap<string, HostCell>;
}

export interface HostTable {
  /** step outcome, faults, value; process states */
  readonly step: readonly HostCell[];
  /** the page fields present in any row, in a fixed order */
  readonly columns: readonly string[];
  readonly pages: readonly HostRow[];
  /** pipes, handles, file pages */
  readonly others: readonly HostCell[];
}

/** page fields in the order the table shows them; unknown ones follow */
export const PAGE_FIELDS: readonly string[] = [
  'vma', 'present', 'swapped', 'pagemap exclusive', 'pagemap soft_dirty', 'pagemap uffd_wp', 'pagemap file',
  'frame', 'frame changed', 'mapcount', 'page anon', 'page ksm', 'page thp', 'page hugetlb', 'page swapcache', 'page lru', 'content',
];

/** short column headings */
export const FIELD_LABELS: Readonly<Record<string, string>> = {
  vma: 'vma', present: 'present', swapped: 'swapped', 'pagemap exclusive': 'excl', 'pagemap soft_dirty': 'soft-dirty',
  'pagemap uffd_wp': 'uffd-wp', 'pagemap file': 'file', frame: 'frame (shares)', 'frame changed': 'moved', mapcount: 'kpagecount',
  'page anon': 'anon', 'page ksm': 'ksm', 'page thp': 'thp', 'page hugetlb': 'hugetlb', 'page swapcache': 'swapcache', 'page lru': 'lru',
  content: 'content',
};

const PAGE_KEY = /^(\S+\[\d+\]) (.+)$/;

/** Lays a native step's fields out: step fields, one row per page, then holders. */
export function hostTable(step: HostStep): HostTable {
  const kernel = step.kernel ?? {};
  const model = step.model ?? {};
  const differs = new Set(step.differs ?? []);
  const cell = (key: string, field: string): HostCell => ({ field, kernel: kernel[key]!, model: differs.has(key) ? (model[key] ?? '(none)') : null });
  const stepCells: HostCell[] = [];
  const others: HostCell[] = [];
  const rows = new Map<string, Map<string, HostCell>>();
  const seen = new Set<string>();
  for (const key of Object.keys(kernel)) {
    const m = PAGE_KEY.exec(key);
    if (m && !key.startsWith('file ')) {
      const [, page, field] = m as unknown as [string, string, string];
      if (!rows.has(page)) rows.set(page, new Map());
      rows.get(page)!.set(field, cell(key, field));
      seen.add(field);
    } else if (key.startsWith('step ') || key.endsWith(' state')) {
      stepCells.push(cell(key, key));
    } else {
      others.push(cell(key, key));
    }
  }
  const columns = [...PAGE_FIELDS.filter((f) => seen.has(f)), ...[...seen].filter((f) => !PAGE_FIELDS.includes(f))];
  return { step: stepCells, columns, pages: [...rows].map(([key, cells]) => ({ key, cells })), others };
}

/** The stage keys of what differs at this step: PTEs ("parent.buf[0]") and holders ("pipe:p"). */
export function hostDiffKeys(step: HostStep | null): Set<string> {
  const keys = new Set<string>();
  for (const key of step?.differs ?? []) {
    const m = PAGE_KEY.exec(key);
    if (m && !key.startsWith('file ')) keys.add(m[1]!);
    else if (key.startsWith('pipe ')) keys.add(`pipe:${key.slice(5)}`);
  }
  return keys;
}

/** "parent.buf[0] pagemap exclusive: model yes, kernel no" for each difference. */
export function hostDiffLines(step: HostStep | null): string[] {
  if (!step) return [];
  return (step.differs ?? []).map((key) => `${key}: model ${step.model?.[key] ?? '(none)'}, kernel ${step.kernel?.[key] ?? '?'}`);
}
