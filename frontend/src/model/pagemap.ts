import type { PageView, PteView } from './snapshot';

/** The bits of a /proc/PID/pagemap entry the inspector labels (kernel-model.md §4). */
export const PAGEMAP_BITS: readonly { bit: number; name: string }[] = [
  { bit: 63, name: 'present' },
  { bit: 62, name: 'swapped' },
  { bit: 61, name: 'file/shared-anon' },
  { bit: 57, name: 'uffd-wp' },
  { bit: 56, name: 'exclusive' },
  { bit: 55, name: 'soft-dirty' },
];

/**
 * The 64-bit pagemap word of a PTE as the kernel reports it: bit 56 "exclusively mapped" is
 * mapcount == 1 (not PageAnonExclusive), bit 61 for file and shared-anon pages.
 */
export function pagemapWord(pte: PteView, page: PageView | undefined, sharedVma: boolean): bigint {
  let word = 0n;
  const set = (bit: number) => {
    word |= 1n << BigInt(bit);
  };
  if (pte.present) {
    set(63);
    if (pte.pfn >= 0) word |= BigInt(pte.pfn) & ((1n << 55n) - 1n);
    if (page && (page.file || !page.anon || sharedVma) && !page.zero) set(61);
    if (page && page.mapcount === 1) set(56);
  } else if (pte.swap) {
    set(62);
    if (pte.slot >= 0) word |= BigInt(pte.slot) << 5n;
  }
  if (pte.softDirty) set(55);
  if (pte.uffdWp) set(57);
  return word;
}

export function hex64(word: bigint): string {
  return '0x' + word.toString(16).padStart(16, '0');
}

export function bitSet(word: bigint, bit: number): boolean {
  return ((word >> BigInt(bit)) & 1n) === 1n;
}

/** kpageflags names (include/uapi/linux/kernel-page-flags.h) that the page's state implies. */
export function kpageflags(page: PageView): string[] {
  const flags: [boolean, string][] = [
    [page.locked, 'LOCKED'],
    [page.dirty, 'DIRTY'],
    [page.lru, 'LRU'],
    [page.mapcount > 0, 'MMAP'],
    [page.anon, 'ANON'],
    [page.swapcache, 'SWAPCACHE'],
    [(page.thp || page.hugetlb === true) && page.thpHead, 'COMPOUND_HEAD'],
    [(page.thp || page.hugetlb === true) && !page.thpHead, 'COMPOUND_TAIL'],
    [page.hugetlb === true, 'HUGE'],
    [page.thp, 'THP'],
    [page.zero, 'ZERO_PAGE'],
    [page.ksm, 'KSM'],
    [page.free, 'NOPAGE'],
  ];
  return flags.filter(([on]) => on).map(([, name]) => name);
}
