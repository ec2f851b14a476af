/**
 * SVG export of the stage: a clone with every computed style written as presentation attributes
 * (so the file looks the same anywhere, without our stylesheet), the strips' canvases as images,
 * and the narration as a caption underneath.
 */
const SVG_NS = 'http://www.w3.org/2000/svg';

/** Computed properties copied onto each element (presentation attributes, no style attribute). */
export const INLINED = [
  'fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-dasharray', 'stroke-opacity', 'stroke-linecap', 'stroke-linejoin',
  'opacity', 'font-family', 'font-size', 'font-weight', 'font-style', 'text-anchor', 'dominant-baseline', 'visibility',
] as const;

export interface ExportStage {
  readonly svg: SVGSVGElement;
  /** a heading above this stage (e.g. its kernel) */
  readonly label: string;
}

export interface ExportOptions {
  readonly title: string;
  /** narration lines, written under the stages */
  readonly caption: readonly string[];
  readonly background: string;
  readonly foreground: string;
}

/** Splits text into lines of at most `width` characters, at spaces where it can. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line && line.length + 1 + word.length > width) {
        lines.push(line);
        line = '';
      }
      let w = word;
      while (w.length > width) {
        lines.push(w.slice(0, width));
        w = w.slice(width);
      }
      line = line ? `${line} ${w}` : w;
    }
    if (line) lines.push(line);
  }
  return lines;
}

function inlineStyles(source: Element, target: Element, view: Window): void {
  const computed = view.getComputedStyle(source);
  if (computed.display === 'none') {
    target.remove();
    return;
  }
  for (const property of INLINED) {
    const value = computed.getPropertyValue(property);
    if (value && value !== 'normal' && !(property === 'stroke-dasharray' && value === 'none')) target.setAttribute(property, value);
  }
  // the stage places cards with CSS transforms (element.style): write them as SVG transforms
  const transform = computed.getPropertyValue('transform');
  if (transform && transform !== 'none') target.setAttribute('transform', transform);
  target.removeAttribute('style');
  const sourceChildren = source.children;
  const targetChildren = [...target.children];
  for (let i = 0; i < targetChildren.length && i < sourceChildren.length; i++) inlineStyles(sourceChildren[i]!, targetChildren[i]!, view);
}

/** foreignObject holding a canvas (the strips of large mappings) → an <image> of that canvas. */
function replaceCanvases(source: SVGSVGElement, clone: SVGSVGElement): void {
  const sources = [...source.querySelectorAll('foreignObject')];
  const clones = [...clone.querySelectorAll('foreignObject')];
  sources.forEach((fo, i) => {
    const target = clones[i];
    if (!target) return;
    const canvas = fo.querySelector('canvas');
    const image = clone.ownerDocument.createElementNS(SVG_NS, 'image');
    for (const a of ['x', 'y', 'width', 'height']) {
      const v = fo.getAttribute(a);
      if (v !== null) image.setAttribute(a, v);
    }
    if (canvas) {
      try {
        image.setAttribute('href', canvas.toDataURL('image/png'));
      } catch {
        /* a tainted canvas cannot be read: leave the area empty */
      }
    }
    target.replaceWith(image);
  });
}

function size(svg: SVGSVGElement): { width: number; height: number } {
  // the stage's whole drawing (its viewBox shows only the zoomed or panned window of it)
  const whole = { width: Number(svg.getAttribute('data-width')), height: Number(svg.getAttribute('data-height')) };
  if (whole.width > 0 && whole.height > 0) return whole;
  const box = svg.viewBox.baseVal;
  const width = box && box.width ? box.width : Number(svg.getAttribute('width')) || svg.clientWidth || 800;
  const height = box && box.height ? box.height : Number(svg.getAttribute('height')) || svg.clientHeight || 600;
  return { width, height };
}

/** The export as a standalone SVG document (a string starting with `<svg`). */
export function exportSvg(doc: Document, stages: readonly ExportStage[], options: ExportOptions): { text: string; width: number; height: number } {
  const view = doc.defaultView!;
  const pad = 16;
  const labelHeight = 28;
  const fontSize = 16;
  const lineHeight = 22;
  const sizes = stages.map((s) => size(s.svg));
  const width = Math.ceil(pad + sizes.reduce((sum, s) => sum + s.width + pad, 0));
  const stagesHeight = Math.max(0, ...sizes.map((s) => s.height));
  const caption = options.caption.flatMap((line) => wrap(line, Math.max(40, Math.floor((width - 2 * pad) / (fontSize * 0.55)))));
  const top = pad + lineHeight + 8;
  const height = Math.ceil(top + labelHeight + stagesHeight + pad + caption.length * lineHeight + pad);

  const root = doc.createElementNS(SVG_NS, 'svg');
  root.setAttribute('xmlns', SVG_NS);
  root.setAttribute('xmlns:xlink', 'http://www.w3.org/1999/xlink');
  root.setAttribute('width', String(width));
  root.setAttribute('height', String(height));
  root.setAttribute('viewBox', `0 0 ${width} ${height}`);
  root.setAttribute('font-family', 'system-ui, sans-serif');
  const title = doc.createElementNS(SVG_NS, 'title');
  title.textContent = options.title;
  const background = doc.createElementNS(SVG_NS, 'rect');
  for (const [k, v] of Object.entries({ width, height, fill: options.background })) background.setAttribute(k, String(v));
  root.append(title, background);
  const text = (x: number, y: number, content: string, extra: Record<string, string> = {}) => {
    const t = doc.createElementNS(SVG_NS, 'text');
    for (const [k, v] of Object.entries({ x: String(x), y: String(y), fill: options.foreground, 'font-size': String(fontSize), ...extra })) t.setAttribute(k, v);
    t.textContent = content;
    return t;
  };
  root.append(text(pad, pad + fontSize, options.title, { 'font-weight': '700', 'font-size': '20' }));

  let x = pad;
  stages.forEach((stage, i) => {
    const s = sizes[i]!;
    root.append(text(x, top + fontSize, stage.label, { 'font-weight': '600' }));
    const clone = stage.svg.cloneNode(true) as SVGSVGElement;
    inlineStyles(stage.svg, clone, view);
    replaceCanvases(stage.svg, clone);
    clone.removeAttribute('id');
    clone.removeAttribute('class');
    clone.setAttribute('x', String(x));
    clone.setAttribute('y', String(top + labelHeight));
    clone.setAttribute('width', String(s.width));
    clone.setAttribute('height', String(s.height));
    clone.setAttribute('viewBox', `0 0 ${s.width} ${s.height}`);
    // two stages share marker ids: give each clone its own
    for (const marker of clone.querySelectorAll('[id]')) {
      const old = marker.id;
      const fresh = `s${i}-${old}`;
      marker.id = fresh;
      for (const user of clone.querySelectorAll('*')) {
        for (const a of ['marker-end', 'marker-start', 'marker-mid', 'href', 'fill', 'stroke']) {
          const v = user.getAttribute(a);
          if (v && v.includes(`#${old})`)) user.setAttribute(a, v.replace(`#${old})`, `#${fresh})`));
          else if (v === `#${old}`) user.setAttribute(a, `#${fresh}`);
        }
      }
    }
    root.append(clone);
    x += s.width + pad;
  });

  const captionTop = top + labelHeight + stagesHeight + pad;
  const group = doc.createElementNS(SVG_NS, 'g');
  group.setAttribute('class', 'caption');
  caption.forEach((line, i) => group.append(text(pad, captionTop + (i + 1) * lineHeight - 6, line)));
  root.append(group);
  return { text: new XMLSerializer().serializeToString(root), width, height };
}
