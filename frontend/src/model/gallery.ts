/** A gallery scenario: its id (file name without .cow), title, tags and text. */
export interface GalleryItem {
  readonly id: string;
  readonly title: string;
  readonly tags: readonly string[];
  readonly kernel: string | null;
  readonly text: string;
}

/** Reads title, tags and kernel from a scenario's text (no full parse: the server does that). */
export function galleryItem(id: string, text: string): GalleryItem {
  const title = /^title\s+"((?:[^"\\]|\\.)*)"/m.exec(text)?.[1] ?? id;
  const tags = /^#\s*tags:\s*(.*)$/m.exec(text)?.[1]?.split(',').map((t) => t.trim()).filter(Boolean) ?? [];
  const kernel = /^kernel\s+(\S+)/m.exec(text)?.[1] ?? null;
  return { id, title, tags, kernel, text };
}

/** The items in the course order of index.txt; files not listed there come last. */
export function galleryOrder(index: string, files: Readonly<Record<string, string>>): GalleryItem[] {
  const order = index.split('\n').map((l) => l.trim()).filter((l) => l.endsWith('.cow'));
  const ids = Object.keys(files).sort((a, b) => {
    const ia = order.indexOf(a + '.cow');
    const ib = order.indexOf(b + '.cow');
    return (ia < 0 ? 1e9 : ia) - (ib < 0 ? 1e9 : ib) || a.localeCompare(b);
  });
  return ids.map((id) => galleryItem(id, files[id]!));
}

/**
 * The kernel a gallery scenario opens on: its own `kernel` line when it has one (so Dirty COW,
 * written for 4.8, shows its bug), else the picker's. Undefined lets the server read the line
 * itself (`kernel latest` included).
 */
export function galleryKernel(item: GalleryItem, picked: string): string | undefined {
  return item.kernel ? undefined : picked;
}
