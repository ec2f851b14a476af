/** The embed's options (docs/share.md, "Embed"); absent means the default. */
export interface EmbedOptions {
  readonly step?: number;
  readonly loop?: readonly [number, number];
  readonly theme?: 'light' | 'dark' | 'auto';
  readonly controls?: boolean;
  readonly width?: number;
  readonly height?: number;
  readonly title?: string;
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The embed URL: `/embed/s/{id}?…` for a short link, or `/embed?…#v1:…` for a full-state link
 * (`fragment` with its `#`). Only options that differ from the defaults are written.
 */
export function embedUrl(origin: string, target: { shortId: string } | { fragment: string }, options: EmbedOptions): string {
  const query = new URLSearchParams();
  if (options.step !== undefined) query.set('step', String(Math.max(0, Math.floor(options.step))));
  if (options.loop) {
    const [from, to] = options.loop;
    if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && from <= to)) throw new RangeError('loop must be FROM-TO with 0 ≤ FROM ≤ TO');
    query.set('loop', `${from}-${to}`);
  }
  if (options.theme && options.theme !== 'auto') query.set('theme', options.theme);
  if (options.controls === false) query.set('controls', '0');
  const q = query.toString();
  const base = origin.replace(/\/$/, '');
  if ('shortId' in target) return `${base}/embed/s/${encodeURIComponent(target.shortId)}${q ? '?' + q : ''}`;
  return `${base}/embed${q ? '?' + q : ''}${target.fragment}`;
}

/** An `<iframe>` snippet for a page elsewhere (their CSP, not ours, governs the style attribute there). */
export function embedSnippet(url: string, options: EmbedOptions): string {
  const width = options.width ?? 800;
  const height = options.height ?? 450;
  const title = `cowscope${options.title ? ': ' + options.title : ''}`;
  return `<iframe src="${escapeAttribute(url)}" width="${width}" height="${height}" style="border:0" loading="lazy" title="${escapeAttribute(title)}"></iframe>`;
}

/** Reads the options the server put on `<html>` (data-step, data-loop, data-theme, data-controls). */
export function readEmbedOptions(data: DOMStringMap | Record<string, string | undefined>): EmbedOptions & { embed: boolean } {
  const step = data.step !== undefined && /^\d+$/.test(data.step) ? Number(data.step) : undefined;
  const loopMatch = data.loop ? /^(\d+)-(\d+)$/.exec(data.loop) : null;
  const loop = loopMatch && Number(loopMatch[1]) <= Number(loopMatch[2]) ? ([Number(loopMatch[1]), Number(loopMatch[2])] as const) : undefined;
  const theme = data.theme === 'light' || data.theme === 'dark' || data.theme === 'auto' ? data.theme : undefined;
  return {
    embed: data.embed === '1',
    ...(step !== undefined ? { step } : {}),
    ...(loop ? { loop } : {}),
    ...(theme ? { theme } : {}),
    controls: data.controls !== '0',
  };
}
