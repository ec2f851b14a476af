import { applyPalette, GIFEncoder, quantize } from 'gifenc';

/** Draws an SVG document (text) onto a canvas at `scale`, over `background`. */
export async function svgToCanvas(doc: Document, svg: string, width: number, height: number, scale: number, background: string, canvas?: HTMLCanvasElement): Promise<HTMLCanvasElement> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.decoding = 'async';
    const loaded = new Promise<void>((resolve, reject) => {
      image.onload = () => resolve();
      image.onerror = () => reject(new Error('the browser could not draw the SVG'));
    });
    image.src = url;
    await loaded;
    const out = canvas ?? doc.createElement('canvas');
    if (!canvas) {
      out.width = Math.round(width * scale);
      out.height = Math.round(height * scale);
    }
    const ctx = out.getContext('2d', { willReadFrequently: true })!;
    ctx.fillStyle = background;
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(image, 0, 0, Math.round(width * scale), Math.round(height * scale));
    return out;
  } finally {
    URL.revokeObjectURL(url);
  }
}

export function canvasToPng(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('no PNG from the canvas'))), 'image/png'));
}

/** The scale that keeps the wider side within `max` pixels (and never enlarges more than 2×). */
export function fitScale(width: number, height: number, max: number): number {
  return Math.min(2, max / Math.max(width, height, 1));
}

export interface GifFrame {
  readonly rgba: Uint8ClampedArray;
  /** milliseconds */
  readonly delay: number;
}

/** An animated GIF89a (looping) from same-sized RGBA frames, each with its own palette. */
export function encodeGif(frames: readonly GifFrame[], width: number, height: number): Uint8Array {
  const gif = GIFEncoder();
  for (const frame of frames) {
    const palette = quantize(frame.rgba, 256);
    const index = applyPalette(frame.rgba, palette);
    gif.writeFrame(index, width, height, { palette, delay: frame.delay, repeat: 0 });
  }
  gif.finish();
  return gif.bytes();
}
