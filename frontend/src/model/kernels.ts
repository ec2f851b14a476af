/** Supported mainline releases and the eras the explorer groups them in (kernel-model.md §2). */
export interface Era {
  readonly id: string;
  readonly name: string;
  readonly summary: string;
}

export const ERAS: readonly Era[] = [
  { id: 'E0', name: 'mapcount reuse (≤ 5.7)', summary: 'a write fault reuses a page mapped once; GUP references are ignored' },
  { id: 'E1', name: 'COW broken at GUP (5.8)', summary: 'any GUP in a COW mapping breaks COW first' },
  { id: 'E2', name: 'page_count reuse (5.9–5.18)', summary: 'reuse only when refcount == 1' },
  { id: 'E3', name: 'PageAnonExclusive (5.19–6.14)', summary: 'exclusive anon pages are reused; pins unshare first' },
  { id: 'E4', name: 'large-folio reuse (6.15+)', summary: 'PTE-mapped large folios may be reused' },
];

function parse(version: string): [number, number] {
  const [a, b] = version.split('.').map((x) => Number.parseInt(x, 10));
  return [a ?? 0, b ?? 0];
}

export function compareVersions(a: string, b: string): number {
  const [a1, a2] = parse(a);
  const [b1, b2] = parse(b);
  return a1 !== b1 ? a1 - b1 : a2 - b2;
}

export const VERSIONS: readonly string[] = [
  ...Array.from({ length: 13 }, (_, i) => `4.${i + 8}`),
  ...Array.from({ length: 20 }, (_, i) => `5.${i}`),
  ...Array.from({ length: 19 }, (_, i) => `6.${i}`),
];

export function eraOf(version: string): Era {
  const at = (v: string) => compareVersions(version, v);
  if (at('5.7') <= 0) return ERAS[0]!;
  if (at('5.8') === 0) return ERAS[1]!;
  if (at('5.18') <= 0) return ERAS[2]!;
  if (at('6.14') <= 0) return ERAS[3]!;
  return ERAS[4]!;
}

/** The kernel function's source at that version on Elixir. */
export function elixirUrl(version: string, fn: string): string {
  return `https://elixir.bootlin.com/linux/v${version}/A/ident/${encodeURIComponent(fn)}`;
}
