import qrcode from 'qrcode-generator';

const SVG = 'http://www.w3.org/2000/svg';

/** The dark modules of a QR code for text, as one SVG path (no style attribute: fill is an attribute). */
export function qrPath(text: string): { size: number; d: string } {
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const n = qr.getModuleCount();
  let d = '';
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (!qr.isDark(r, c)) continue;
      // runs of dark modules in a row become one rectangle
      let end = c;
      while (end + 1 < n && qr.isDark(r, end + 1)) end++;
      d += `M${c + 4} ${r + 4}h${end - c + 1}v1h${-(end - c + 1)}z`;
      c = end;
    }
  }
  return { size: n + 8, d };
}

/** An SVG element showing the QR code (4-module quiet zone, black on white whatever the theme). */
export function qrSvg(doc: Document, text: string, label: string): SVGSVGElement {
  const { size, d } = qrPath(text);
  const svg = doc.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${size} ${size}`);
  svg.setAttribute('class', 'qr');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  svg.setAttribute('shape-rendering', 'crispEdges');
  const bg = doc.createElementNS(SVG, 'rect');
  bg.setAttribute('width', String(size));
  bg.setAttribute('height', String(size));
  bg.setAttribute('fill', '#ffffff');
  const path = doc.createElementNS(SVG, 'path');
  path.setAttribute('d', d);
  path.setAttribute('fill', '#000000');
  svg.append(bg, path);
  return svg;
}
