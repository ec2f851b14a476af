import { type ClientRequest, request } from '../model/protocol';
import type { Store } from '../model/store';
import { painted, waitUntil } from '../share/dom';
import { canvasToPng, encodeGif, fitScale, type GifFrame, svgToCanvas } from './raster';
import { exportSvg, type ExportStage } from './svg';

/** A file the page offers for download (kept for the browser tests: `window.cowscopeShare.lastDownload()`). */
export interface Download {
  readonly name: string;
  readonly type: string;
  readonly size: number;
  readonly base64: string;
}

export interface ExporterApp {
  readonly store: Store;
  send(message: ClientRequest): void;
  settle?(): Promise<unknown>;
  /** progress for a status line */
  say(text: string): void;
}

/**
 * Exports of the page as it is now: the stage(s) and the narration read from the DOM, made into
 * SVG (styles inlined), PNG (the SVG on a canvas) or an animated GIF of a step range (the page
 * goes through the steps and back). Offered as downloads.
 */
export class Exporter {
  last: Download | null = null;

  constructor(private readonly app: ExporterApp) {}

  private colour(name: string, fallback: string): string {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
  }

  private stages(): ExportStage[] {
    const stages: ExportStage[] = [{ svg: document.getElementById('stage') as unknown as SVGSVGElement, label: document.getElementById('stage-main-kernel')?.textContent ?? '' }];
    const compare = document.getElementById('stage-compare');
    if (compare && !compare.hidden) stages.push({ svg: document.getElementById('stage2') as unknown as SVGSVGElement, label: document.getElementById('stage-compare-kernel')?.textContent ?? '' });
    return stages;
  }

  /** The current step as an SVG document, with the narration as its caption. */
  snapshot(): { text: string; width: number; height: number } {
    const session = this.app.store.state.session!;
    const caption = [
      `Step ${session.step} of ${session.steps}: ${(document.getElementById('caption')?.textContent ?? '').trim() || (session.step === 0 ? 'the initial state' : '')}`,
      // the decision lines as read aloud: without the coloured letter marks (aria-hidden)
      ...[...document.querySelectorAll('#decision > p')]
        .map((p) => [...p.childNodes].filter((n) => !(n instanceof Element && n.getAttribute('aria-hidden') === 'true')).map((n) => n.textContent ?? '').join('').trim())
        .filter(Boolean),
    ];
    return exportSvg(document, this.stages(), {
      title: `${session.title || 'cowscope'} · kernel ${session.kernel}${session.compare ? ' vs ' + session.compare : ''}`,
      caption,
      background: this.colour('--bg', '#ffffff'),
      foreground: this.colour('--fg', '#000000'),
    });
  }

  private fileBase(): string {
    const session = this.app.store.state.session;
    const title = (session?.title || 'cowscope').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'cowscope';
    return `${title}-${session?.kernel ?? ''}`;
  }

  private async download(blob: Blob, name: string): Promise<void> {
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    this.last = { name, type: blob.type, size: blob.size, base64: btoa(binary) };
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.hidden = true;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    document.documentElement.dataset.exported = name;
  }

  async svg(): Promise<void> {
    const svg = this.snapshot();
    await this.download(new Blob([`<?xml version="1.0" encoding="UTF-8"?>\n${svg.text}`], { type: 'image/svg+xml' }), `${this.fileBase()}-step${this.app.store.state.session!.step}.svg`);
    this.app.say('SVG exported.');
  }

  async png(): Promise<void> {
    const svg = this.snapshot();
    const canvas = await svgToCanvas(document, svg.text, svg.width, svg.height, fitScale(svg.width, svg.height, 2400), this.colour('--bg', '#ffffff'));
    await this.download(await canvasToPng(canvas), `${this.fileBase()}-step${this.app.store.state.session!.step}.png`);
    this.app.say('PNG exported.');
  }

  private async goAndWait(step: number): Promise<void> {
    const { store } = this.app;
    if (store.state.session!.step !== step) {
      this.app.send(request.goto(step));
      await waitUntil(() => store.state.session?.step === step, 15_000, `step ${step}`);
    }
    await painted();
    await this.app.settle?.();
    await painted();
  }

  /** An animated GIF of steps from..to (clamped), one frame per step, then back to where the page was. */
  async gif(fromStep: number, toStep: number): Promise<void> {
    const { store } = this.app;
    const session = store.state.session!;
    const from = Math.max(0, Math.min(session.steps, fromStep));
    const to = Math.max(from, Math.min(session.steps, toStep));
    const back = session.step;
    const svgs: { text: string; width: number; height: number }[] = [];
    try {
      for (let step = from; step <= to; step++) {
        this.app.say(`Recording step ${step} (${step - from + 1} of ${to - from + 1})…`);
        await this.goAndWait(step);
        svgs.push(this.snapshot());
      }
    } finally {
      if (store.state.session && store.state.session.step !== back) this.app.send(request.goto(back));
    }
    const width = Math.max(...svgs.map((s) => s.width));
    const height = Math.max(...svgs.map((s) => s.height));
    const scale = fitScale(width, height, 1000);
    const w = Math.round(width * scale);
    const h = Math.round(height * scale);
    const frames: GifFrame[] = [];
    const background = this.colour('--bg', '#ffffff');
    for (const [i, svg] of svgs.entries()) {
      this.app.say(`Encoding frame ${i + 1} of ${svgs.length}…`);
      const canvas = document.createElement('canvas');
      canvas.width = w;
      canvas.height = h;
      await svgToCanvas(document, svg.text, svg.width, svg.height, scale, background, canvas);
      frames.push({ rgba: canvas.getContext('2d')!.getImageData(0, 0, w, h).data, delay: i === svgs.length - 1 ? 2500 : 1200 });
    }
    const bytes = encodeGif(frames, w, h);
    await this.download(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/gif' }), `${this.fileBase()}-steps${from}-${to}.gif`);
    this.app.say(`GIF exported: ${frames.length} frames.`);
  }
}
