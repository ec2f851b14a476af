import type { PteView, VmaView } from '../model/snapshot';

/** A page's state in a strip, with the letter drawn when cells are wide enough (never colour alone). */
export type CellState = 'writable' | 'readonly' | 'swapped' | 'zero' | 'none' | 'unknown';

export const CELL_LETTER: Record<CellState, string> = {
  writable: 'W',
  readonly: 'R',
  swapped: 'S',
  zero: '0',
  none: '·',
  unknown: '?',
};

// Okabe–Ito: blue, orange, vermillion, grey; patterns tell them apart without colour
const CELL_COLOUR: Record<CellState, string> = {
  writable: '#0072B2',
  readonly: '#E69F00',
  swapped: '#CC79A7',
  zero: '#999999',
  none: '#ffffff',
  unknown: '#dddddd',
};

export function cellState(pte: PteView | undefined): CellState {
  if (!pte) return 'unknown';
  if (pte.swap) return 'swapped';
  if (!pte.present) return 'none';
  if (pte.zero) return 'zero';
  return pte.write ? 'writable' : 'readonly';
}

/**
 * One cell per page of the mapping, on one canvas (never one DOM node per page). Pages whose
 * PTEs are not in the current window are drawn as "not loaded"; when cells are narrower than a
 * pixel, each pixel column shows the state most of its pages share.
 */
export function stripCells(vma: VmaView, columns: number): CellState[] {
  const byIndex = new Map<number, PteView>();
  for (const pte of vma.ptes) byIndex.set(pte.index, pte);
  const cells: CellState[] = [];
  const perColumn = vma.pages / columns;
  for (let c = 0; c < columns; c++) {
    const first = Math.floor(c * perColumn);
    const last = Math.max(first, Math.floor((c + 1) * perColumn) - 1);
    const tally = new Map<CellState, number>();
    for (let i = first; i <= last && i < vma.pages; i += Math.max(1, Math.floor((last - first + 1) / 16))) {
      const state = cellState(byIndex.get(i));
      tally.set(state, (tally.get(state) ?? 0) + 1);
    }
    let best: CellState = 'unknown';
    let n = -1;
    for (const [state, count] of tally) if (count > n) [best, n] = [state, count];
    cells.push(best);
  }
  return cells;
}

/**
 * When almost no PTE of the mapping is loaded, the strip shows its composition from the exact
 * per-VMA counts instead (positions unknown): W, R, S, 0 and none as proportional bands.
 */
export function compositionBands(vma: VmaView): { state: CellState; pages: number }[] {
  const c = vma.counts;
  if (!c) return [];
  const bands: { state: CellState; pages: number }[] = [
    { state: 'writable', pages: c.writable },
    { state: 'readonly', pages: Math.max(0, c.present - c.writable - c.zero) },
    { state: 'zero', pages: c.zero },
    { state: 'swapped', pages: c.swapped },
    { state: 'none', pages: c.none },
  ];
  return bands.filter((b) => b.pages > 0);
}

const CHAR_STATE: Record<string, CellState> = {
  x: 'none',
  '.': 'none',
  z: 'zero',
  r: 'readonly',
  h: 'readonly',
  w: 'writable',
  H: 'writable',
  s: 'swapped',
  S: 'swapped',
};

/** Cells from the server's strip (one char per page), the most frequent state per column. */
export function cellsFromStrip(strip: string, columns: number): CellState[] {
  const cells: CellState[] = [];
  const per = strip.length / columns;
  for (let c = 0; c < columns; c++) {
    const first = Math.floor(c * per);
    const last = Math.max(first, Math.floor((c + 1) * per) - 1);
    const stride = Math.max(1, Math.floor((last - first + 1) / 32));
    const tally = new Map<CellState, number>();
    for (let i = first; i <= last && i < strip.length; i += stride) {
      const state = CHAR_STATE[strip[i]!] ?? 'unknown';
      tally.set(state, (tally.get(state) ?? 0) + 1);
    }
    let best: CellState = 'unknown';
    let n = -1;
    for (const [state, count] of tally) if (count > n) [best, n] = [state, count];
    cells.push(best);
  }
  return cells;
}

export function drawStrip(canvas: HTMLCanvasElement, vma: VmaView, strip?: string): void {
  const ctx = canvas.getContext?.('2d');
  if (!ctx) return;
  if (strip && strip.length > 0) {
    paintCells(ctx, canvas, cellsFromStrip(strip, Math.min(strip.length, canvas.width)));
    return;
  }
  if (vma.ptes.length * 100 < vma.pages && vma.counts) {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    let x = 0;
    for (const band of compositionBands(vma)) {
      const w = (band.pages / vma.pages) * canvas.width;
      ctx.fillStyle = CELL_COLOUR[band.state];
      ctx.fillRect(x, 0, Math.max(1, w), canvas.height);
      ctx.strokeStyle = '#000';
      ctx.strokeRect(x + 0.5, 0.5, Math.max(1, w) - 1, canvas.height - 1);
      if (w > 40) {
        ctx.fillStyle = band.state === 'writable' ? '#fff' : '#000';
        ctx.font = '12px sans-serif';
        ctx.fillText(`${CELL_LETTER[band.state]} ${band.pages}`, x + 4, canvas.height / 2 + 4);
      }
      x += w;
    }
    return;
  }
  paintCells(ctx, canvas, stripCells(vma, Math.min(vma.pages, canvas.width)));
}

function paintCells(ctx: CanvasRenderingContext2D, canvas: HTMLCanvasElement, cells: readonly CellState[]): void {
  const w = canvas.width / cells.length;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  cells.forEach((state, i) => {
    ctx.fillStyle = CELL_COLOUR[state];
    ctx.fillRect(i * w, 0, Math.max(1, w - (w > 3 ? 1 : 0)), canvas.height);
    if (state === 'readonly') {
      // a second channel besides colour: read-only cells carry a line, zero cells a dot
      ctx.fillStyle = 'rgba(0,0,0,0.55)';
      ctx.fillRect(i * w, canvas.height / 2 - 1, Math.max(1, w), 2);
    } else if (state === 'zero' && i % 2 === 0) {
      ctx.fillStyle = '#000';
      ctx.fillRect(i * w, canvas.height / 2 - 1, Math.max(1, Math.min(2, w)), 2);
    }
    if (state === 'swapped' || state === 'unknown') {
      // hatching: the second channel besides colour
      ctx.fillStyle = 'rgba(0,0,0,0.35)';
      for (let y = (i % 2) * 3; y < canvas.height; y += 6) ctx.fillRect(i * w, y, Math.max(1, w - 1), 1);
    }
    if (w >= 9) {
      ctx.fillStyle = state === 'writable' ? '#fff' : '#000';
      ctx.font = `${Math.min(12, w)}px sans-serif`;
      ctx.fillText(CELL_LETTER[state], i * w + w / 2 - 3, canvas.height / 2 + 4);
    }
  });
}
