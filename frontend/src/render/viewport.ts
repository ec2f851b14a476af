import { type Box, FITTED, panBy, type View, type ViewBox, viewBoxOf, zoomAt } from '../model/fit';
import { attr } from './join';

/**
 * Zoom and pan of one stage's SVG: the viewBox shows a window of the laid-out state at the fitted
 * scale times the user's zoom. Wheel pans (when there is more to see), Ctrl/⌘+wheel zooms at the
 * pointer, a drag pans (a click without moving still selects), and the keys go through
 * {@link Viewport.zoom}, {@link Viewport.pan} and {@link Viewport.fit}. Changing the view never
 * re-renders the stage: only the viewBox attribute changes.
 */
export class Viewport {
  private view: View = FITTED;
  private content: Box = { width: 1, height: 1 };
  private box: Box = { width: 1, height: 1 };
  private scale = 1;
  private current: ViewBox = { x: 0, y: 0, width: 1, height: 1, scale: 1 };
  private readonly hint: HTMLElement | null;

  /** @param changed called after the window moved (to draw what came into view) */
  constructor(
    readonly svg: SVGSVGElement,
    private readonly changed: () => void = () => {},
  ) {
    const host = svg.parentElement;
    this.hint = host && typeof document !== 'undefined' ? document.createElement('p') : null;
    if (this.hint && host) {
      this.hint.className = 'stage-more';
      this.hint.hidden = true;
      this.hint.setAttribute('aria-live', 'off');
      host.appendChild(this.hint);
    }
    svg.addEventListener('wheel', (event) => this.wheel(event as WheelEvent), { passive: false });
    this.dragging();
  }

  /** The drawing, the box it is shown in (CSS px) and the fitted scale (px per unit). */
  set(content: Box, box: Box, scale: number): void {
    this.content = content;
    this.box = box;
    this.scale = scale;
    this.apply();
  }

  get viewBox(): ViewBox {
    return this.current;
  }

  get zoomed(): boolean {
    return this.view !== FITTED;
  }

  fit(): void {
    this.view = FITTED;
    this.apply();
  }

  /** Zooms by a factor around a point of the box (default: its centre). */
  zoom(factor: number, at: { x: number; y: number } = { x: this.box.width / 2, y: this.box.height / 2 }): void {
    this.view = zoomAt(this.view, this.current, factor, at);
    this.apply();
  }

  /** Pans by box px; says whether the window moved. */
  pan(dx: number, dy: number): boolean {
    const before = this.current;
    this.view = panBy(this.current, this.view, dx, dy);
    this.apply();
    return Math.abs(before.x - this.current.x) > 0.01 || Math.abs(before.y - this.current.y) > 0.01;
  }

  private apply(): void {
    const vb = viewBoxOf(this.content, this.box, this.scale, this.view);
    const moved = vb.x !== this.current.x || vb.y !== this.current.y || vb.width !== this.current.width || vb.height !== this.current.height;
    this.current = vb;
    const r = (n: number) => Math.round(n * 100) / 100;
    // sizes rounded down: a rounded-up viewBox would draw the type a hair under the floor
    const down = (n: number) => Math.floor(n * 100) / 100;
    attr(this.svg, 'viewBox', `${r(vb.x)} ${r(vb.y)} ${down(vb.width)} ${down(vb.height)}`);
    attr(this.svg, 'data-scale', r(vb.scale));
    const whole = vb.width >= this.content.width - 0.5 && vb.height >= this.content.height - 0.5;
    attr(this.svg, 'data-whole', String(whole));
    if (moved) this.changed();
    if (!this.hint) return;
    this.hint.hidden = whole;
    if (!whole) {
      const shown = Math.min(1, vb.width / this.content.width) * Math.min(1, vb.height / this.content.height);
      const below = vb.y + vb.height < this.content.height - 0.5;
      const text = `${Math.round(shown * 100)}% shown${below ? ' · more below' : ''} — scroll or drag to pan · F fits all`;
      if (this.hint.textContent !== text) this.hint.textContent = text;
    }
  }

  private wheel(event: WheelEvent): void {
    const rect = this.svg.getBoundingClientRect();
    const at = { x: event.clientX - rect.left, y: event.clientY - rect.top };
    const unit = event.deltaMode === 1 ? 16 : event.deltaMode === 2 ? this.box.height : 1;
    if (event.ctrlKey || event.metaKey) {
      event.preventDefault();
      this.zoom(Math.exp(-event.deltaY * unit * 0.002), at);
      return;
    }
    // pan only when there is more to see that way; otherwise the page scrolls as usual
    const dx = (event.shiftKey ? event.deltaY : event.deltaX) * unit;
    const dy = event.shiftKey ? 0 : event.deltaY * unit;
    if (this.pan(dx, dy)) event.preventDefault();
  }

  private dragging(): void {
    let start: { x: number; y: number; id: number } | null = null;
    let moved = false;
    this.svg.addEventListener('pointerdown', (event) => {
      const e = event as PointerEvent;
      if (e.button !== 0 || e.pointerType === 'touch' && this.current.width >= this.content.width && this.current.height >= this.content.height) return;
      start = { x: e.clientX, y: e.clientY, id: e.pointerId };
      moved = false;
    });
    this.svg.addEventListener('pointermove', (event) => {
      const e = event as PointerEvent;
      if (!start || e.pointerId !== start.id) return;
      const dx = e.clientX - start.x;
      const dy = e.clientY - start.y;
      if (!moved && Math.hypot(dx, dy) < 5) return;
      if (!moved) {
        moved = true;
        this.svg.setPointerCapture?.(e.pointerId);
        this.svg.classList.add('panning');
      }
      this.pan(-dx, -dy);
      start = { ...start, x: e.clientX, y: e.clientY };
    });
    const end = () => {
      start = null;
      this.svg.classList.remove('panning');
    };
    this.svg.addEventListener('pointerup', end);
    this.svg.addEventListener('pointercancel', end);
    // a drag is not a click: the card or row under the pointer stays unselected
    this.svg.addEventListener(
      'click',
      (event) => {
        if (moved) {
          event.stopPropagation();
          moved = false;
        }
      },
      true,
    );
  }
}
