/**
 * How the stage's drawing fits the box it gets (pure; no DOM). The state is laid out in user
 * units (model/layout.ts) and drawn through an SVG viewBox, so one number, the scale (CSS px per
 * unit), decides the size of every label on the stage: a label of `labelUnits` units is
 * `labelUnits × scale` CSS px tall on screen.
 *
 * The rules (docs/stage.md):
 *  - fit: the largest scale that shows the whole state in the box (width and height);
 *  - never below the type floor: when fitting everything would make labels smaller than the floor,
 *    the scale stays at the floor and the stage shows a window of the state (pan to see the rest);
 *  - never above the ceiling: a tiny state does not become poster-sized;
 *  - of several arrangements (lanes beside the pages, or above them) the one with the larger
 *    scale wins; at equal scale, the one that hides less.
 */

export interface Box {
  readonly width: number;
  readonly height: number;
}

export interface Fit {
  /** CSS px per layout unit */
  readonly scale: number;
  /** the whole state is visible at this scale */
  readonly whole: boolean;
  /** the scale was raised to the floor (fitting everything would have made the type smaller) */
  readonly floored: boolean;
  /** the share of the state's area visible at this scale (1 when whole) */
  readonly visible: number;
}

/** The scale that shows `content` in `box`, bounded by the type floor and ceiling (CSS px). */
export function fit(content: Box, box: Box, labelUnits: number, floorPx: number, ceilingPx = 30): Fit {
  const w = Math.max(1, content.width);
  const h = Math.max(1, content.height);
  const all = Math.min(box.width / w, box.height / h);
  // a hair above the floor: the browser's rounding of the box must not put the type under it
  const floor = (floorPx / labelUnits) * 1.002;
  const ceiling = Math.max(floor, ceilingPx / labelUnits);
  const scale = Math.min(ceiling, Math.max(all, floor));
  const visible = Math.min(1, box.width / (w * scale)) * Math.min(1, box.height / (h * scale));
  return { scale, whole: scale <= all + 1e-9, floored: all < floor, visible };
}

/** The better of several candidates for one box: the larger scale, then the larger visible share. */
export function best<T extends { readonly content: Box }>(candidates: readonly T[], box: Box, labelUnits: number, floorPx: number): { choice: T; fit: Fit } {
  let choice = candidates[0]!;
  let chosen = fit(choice.content, box, labelUnits, floorPx);
  for (const candidate of candidates.slice(1)) {
    const f = fit(candidate.content, box, labelUnits, floorPx);
    const better = f.scale > chosen.scale + 1e-6 || (Math.abs(f.scale - chosen.scale) <= 1e-6 && f.visible > chosen.visible + 1e-6);
    if (better) {
      choice = candidate;
      chosen = f;
    }
  }
  return { choice, fit: chosen };
}

/**
 * The type floor in CSS px for a viewport: what the back of a room (or a small embed) needs.
 * 18 px on a 1080-line projector, about a sixtieth of the viewport height below that, 13 px at
 * least on a desk or in an embed (11 px in compare, where two kernels share the box). Phones
 * (narrow viewports) go down to 11 px: the width, not the room, limits them.
 */
export function typeFloor(viewport: Box, compare: boolean): number {
  const byHeight = compare ? viewport.height / 64 : viewport.height / 60;
  const low = viewport.width < 600 ? 11 : compare ? 11 : 13;
  const byWidth = viewport.width / 36;
  return clamp(Math.min(byHeight, byWidth), low, 18);
}

/**
 * Compare: the two stages side by side ('row') or stacked ('column'), and one arrangement for
 * both (the same picture on both kernels), whichever gives the smaller of the two stages' scales
 * the larger value (then the larger visible share). `candidates[i][a]` is stage i's drawing in
 * arrangement a; `gap` is the space between the stages (px).
 */
export function compareDirection(
  area: Box,
  candidates: readonly (readonly { readonly content: Box }[])[],
  labelUnits: number,
  floorPx: number,
  gap = 12,
  full = Infinity,
): { direction: 'row' | 'column'; arrangement: number; scale: number; whole: boolean } {
  // the full-detail arrangements (the first `full`) first; the compact ones only when those
  // cannot show everything at the floor
  const first = chooseCompare(area, candidates, labelUnits, floorPx, gap, Math.min(full, ...candidates.map((l) => l.length)));
  if (first.whole || full >= Math.min(...candidates.map((l) => l.length))) return first;
  const all = chooseCompare(area, candidates, labelUnits, floorPx, gap, Infinity);
  return all.scale > first.scale + 1e-6 || all.visible > first.visible + 1e-6 ? all : first;
}

function chooseCompare(
  area: Box,
  candidates: readonly (readonly { readonly content: Box }[])[],
  labelUnits: number,
  floorPx: number,
  gap: number,
  limit: number,
): { direction: 'row' | 'column'; arrangement: number; scale: number; whole: boolean; visible: number } {
  const boxes = {
    row: { width: (area.width - gap) / 2, height: area.height },
    column: { width: area.width, height: (area.height - gap) / 2 },
  };
  let chosen = { direction: 'row' as 'row' | 'column', arrangement: 0, scale: -1, visible: -1, whole: false };
  const arrangements = Math.min(limit, ...candidates.map((list) => list.length));
  for (const direction of ['row', 'column'] as const) {
    for (let a = 0; a < arrangements; a++) {
      let scale = Infinity;
      let visible = 1;
      let whole = true;
      for (const list of candidates) {
        const f = fit(list[a]!.content, boxes[direction], labelUnits, floorPx);
        scale = Math.min(scale, f.scale);
        visible = Math.min(visible, f.visible);
        whole &&= f.whole;
      }
      if (scale > chosen.scale + 1e-6 || (Math.abs(scale - chosen.scale) <= 1e-6 && visible > chosen.visible + 1e-6)) {
        chosen = { direction, arrangement: a, scale, visible, whole };
      }
    }
  }
  return chosen;
}

/**
 * {@link best} among the full-detail candidates (the first `full`); only when none of them shows
 * everything at the floor, among all (the compact ones too), if that shows more.
 */
export function bestDetailed<T extends { readonly content: Box }>(candidates: readonly T[], full: number, box: Box, labelUnits: number, floorPx: number): { choice: T; fit: Fit } {
  const first = best(candidates.slice(0, Math.max(1, full)), box, labelUnits, floorPx);
  if (first.fit.whole || full >= candidates.length) return first;
  const all = best(candidates, box, labelUnits, floorPx);
  return all.fit.scale > first.fit.scale + 1e-6 || all.fit.visible > first.fit.visible + 1e-6 ? all : first;
}

/** What the user did to the view: a zoom factor on the fitted scale and a pan (layout units). */
export interface View {
  readonly zoom: number;
  /** top-left of the visible window in layout units; null: the default place (top, centred) */
  readonly x: number | null;
  readonly y: number | null;
}

export const FITTED: View = { zoom: 1, x: null, y: null };

export interface ViewBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** CSS px per unit */
  readonly scale: number;
}

/**
 * The viewBox for a box: the visible window of the content at scale × zoom, kept inside the
 * content (a content smaller than the window is centred horizontally and kept at the top).
 */
export function viewBoxOf(content: Box, box: Box, scale: number, view: View): ViewBox {
  const s = scale * view.zoom;
  const width = box.width / s;
  const height = box.height / s;
  const place = (wanted: number | null, visible: number, total: number, centre: boolean) => {
    if (visible >= total) return centre ? (total - visible) / 2 : 0;
    return clamp(wanted ?? 0, 0, total - visible);
  };
  return {
    x: place(view.x, width, content.width, true),
    y: place(view.y, height, content.height, false),
    width,
    height,
    scale: s,
  };
}

/** Zooms by `factor` keeping the content point under `at` (box px) where it is. */
export function zoomAt(view: View, current: ViewBox, factor: number, at: { x: number; y: number }, limits = { min: 0.25, max: 6 }): View {
  const zoom = clamp(view.zoom * factor, limits.min, limits.max);
  const real = zoom / view.zoom;
  const ux = current.x + at.x / current.scale;
  const uy = current.y + at.y / current.scale;
  const s = current.scale * real;
  return { zoom, x: ux - at.x / s, y: uy - at.y / s };
}

/** Moves the window by (dx, dy) box px (a drag or a wheel). */
export function panBy(current: ViewBox, view: View, dx: number, dy: number): View {
  return { zoom: view.zoom, x: current.x + dx / current.scale, y: current.y + dy / current.scale };
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
