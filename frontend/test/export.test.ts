// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { exportSvg } from '../src/export/svg';

const NS = 'http://www.w3.org/2000/svg';

function stage(): SVGSVGElement {
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', '0 0 300 200');
  svg.setAttribute('id', 'stage');
  const defs = document.createElementNS(NS, 'defs');
  const marker = document.createElementNS(NS, 'marker');
  marker.setAttribute('id', 'arrowhead-0');
  defs.append(marker);
  const card = document.createElementNS(NS, 'g');
  card.setAttribute('class', 'card');
  (card as SVGGElement).style.transform = 'translate(40px, 30px)';
  const text = document.createElementNS(NS, 'text');
  text.textContent = 'pfn 0x1 <"A">';
  card.append(text);
  const arrow = document.createElementNS(NS, 'path');
  arrow.setAttribute('marker-end', 'url(#arrowhead-0)');
  svg.append(defs, card, arrow);
  document.body.append(svg);
  return svg;
}

describe('exportSvg', () => {
  const options = { title: 'CVE & co', caption: ['Step 2 of 7: parent: write buf "A"', 'do_wp_page: reuse'], background: '#ffffff', foreground: '#000000' };

  it('makes a standalone SVG with the title, the stages side by side and the narration as captions', () => {
    const a = stage();
    const b = stage();
    const out = exportSvg(document, [{ svg: a, label: 'kernel 5.7' }, { svg: b, label: 'kernel 6.18' }], options);
    const doc = new DOMParser().parseFromString(out.text, 'image/svg+xml');
    const root = doc.documentElement;
    expect(root.tagName.toLowerCase()).toBe('svg');
    expect(root.getAttribute('xmlns')).toBe(NS);
    expect(out.width).toBe(16 + 300 + 16 + 300 + 16);
    expect(Number(root.getAttribute('height'))).toBe(out.height);
    const texts = [...doc.querySelectorAll('text')].map((t) => t.textContent);
    expect(texts).toContain('CVE & co');
    expect(texts).toContain('kernel 5.7');
    expect(texts).toContain('kernel 6.18');
    expect(texts).toContain('Step 2 of 7: parent: write buf "A"');
    expect(texts).toContain('do_wp_page: reuse');
    expect(texts).toContain('pfn 0x1 <"A">');
    expect(out.text).toContain('&lt;"A"&gt;');
  });

  it('writes styles as attributes (no style attribute), keeps the CSS transforms and gives each stage its own marker ids', () => {
    const out = exportSvg(document, [{ svg: stage(), label: 'a' }, { svg: stage(), label: 'b' }], options);
    expect(out.text).not.toContain('style=');
    expect(out.text).not.toContain('id="stage"');
    const doc = new DOMParser().parseFromString(out.text, 'image/svg+xml');
    const cards = [...doc.querySelectorAll('g')].filter((g) => (g.getAttribute('transform') ?? '').includes('40'));
    expect(cards.length).toBe(2);
    const ids = [...doc.querySelectorAll('marker')].map((m) => m.getAttribute('id'));
    expect(ids).toEqual(['s0-arrowhead-0', 's1-arrowhead-0']);
    const ends = [...doc.querySelectorAll('path[marker-end]')].map((p) => p.getAttribute('marker-end'));
    expect(ends).toEqual(['url(#s0-arrowhead-0)', 'url(#s1-arrowhead-0)']);
  });
});
