import './csp';
import './share.css';
import { embedSnippet, embedUrl, type EmbedOptions, readEmbedOptions } from '../embed/snippet';
import { exportSvg, type ExportStage } from '../export/svg';
import { canvasToPng, encodeGif, fitScale, type GifFrame, svgToCanvas } from '../export/raster';
import { type ClientRequest, request } from '../model/protocol';
import type { Store } from '../model/store';
import type { Theme } from '../model/state';
import { ApiError, createRoom, createShortLink, fetchShortLink, findRoom } from './api';
import { copyText, h, painted, waitUntil } from './dom';
import { decodeFragment, encodeFragment, type LinkContent } from './link';
import { qrSvg } from './qr';
import { newer, plan, RoomConnection, type RoomState, type RoomUpdate, stompUrl } from './room';

/**
 * Issue 7's front end: full-state and short links (open and share), the share dialog (copy, short
 * link, QR, embed snippet, export), the embed mode, and present / follow. It hooks into the page
 * through the store (it reads the state and dispatches ui changes) and `send`, nothing else.
 */
export interface ShareApp {
  readonly store: Store;
  send(message: ClientRequest): void;
  readonly editor: { text(): string; setText(text: string): void };
  /** resolves when the stages' animations have finished */
  settle?(): Promise<unknown>;
  /** a link (not the gallery) is being loaded: the address bar's gallery link no longer applies */
  loadedElsewhere?(): void;
}

interface Opening {
  readonly content: LinkContent;
  readonly link: string | null;
  readonly step: number | null;
  phase: 'waiting' | 'loading' | 'stepping';
  /** the session token before our load, to recognise the answer */
  before: string | null;
  resolve(): void;
  reject(error: Error): void;
}

interface Download {
  name: string;
  type: string;
  size: number;
  base64: string;
}

const THEMES: Record<string, Theme> = { light: 'projector', projector: 'projector', dark: 'dark' };

export function installShare(app: ShareApp): void {
  const { store } = app;
  const root = document.documentElement;
  const embed = readEmbedOptions(root.dataset);
  let opening: Opening | null = null;
  /** the scenario now shown came from this short link / content (valid while the session's text is openedText) */
  let openedLink: string | null = null;
  let openedText: string | null = null;
  let lastDownload: Download | null = null;
  const say = (text: string) => {
    status.textContent = text;
  };

  // ---------- opening a link: load its text at its kernel(s), go to its step, apply its view ----------
  function open(content: LinkContent, link: string | null, step: number | null = content.step ?? null): Promise<void> {
    opening?.reject(new Error('another link was opened'));
    return new Promise<void>((resolve, reject) => {
      opening = { content, link, step, phase: 'waiting', before: store.state.session?.token ?? null, resolve, reject };
      root.dataset.opened = 'opening';
      const theme = embed.embed ? null : content.view?.theme;
      if (theme && THEMES[theme]) store.dispatch({ kind: 'ui', change: { theme: THEMES[theme] } });
      advanceOpening();
    });
  }

  function finishOpening(error?: Error): void {
    const o = opening;
    opening = null;
    if (!o) return;
    if (error) {
      root.dataset.opened = 'failed';
      o.reject(error);
    } else {
      root.dataset.opened = 'done';
      o.resolve();
    }
  }

  function advanceOpening(): void {
    const o = opening;
    if (!o) return;
    const state = store.state;
    if (o.phase === 'waiting' && state.status === 'connected') {
      o.phase = 'loading';
      o.before = state.session?.token ?? null;
      app.editor.setText(o.content.text);
      app.loadedElsewhere?.();
      store.dispatch({ kind: 'ui', change: { kernel: o.content.kernel, compareKernel: o.content.compare ?? null } });
      app.send(request.load({ text: o.content.text }, o.content.kernel, o.content.compare));
      return;
    }
    if (o.phase === 'loading') {
      if (state.diagnostics.length > 0) {
        finishOpening(new Error(`the linked scenario does not load: ${state.diagnostics[0]!.message}`));
        return;
      }
      const session = state.session;
      if (!session || session.token === o.before) return;
      openedLink = o.link;
      openedText = session.text;
      const target = Math.min(o.step ?? 0, session.steps);
      if (session.step === target) {
        finishOpening();
        return;
      }
      o.phase = 'stepping';
      app.send(request.goto(target));
      return;
    }
    if (o.phase === 'stepping') {
      const session = state.session;
      const target = Math.min(o.step ?? 0, session?.steps ?? 0);
      if (session && session.step === target) finishOpening();
    }
  }

  /** The view the page shows now, as link content. */
  function currentContent(): LinkContent | null {
    const session = store.state.session;
    if (!session) return null;
    return {
      text: session.text,
      kernel: session.kernel,
      ...(session.compare ? { compare: session.compare } : {}),
      ...(session.step > 0 ? { step: session.step } : {}),
      view: { theme: store.state.ui.theme },
    };
  }

  function fullLinkOf(content: LinkContent): string {
    return `${location.origin}/${encodeFragment(content)}`;
  }

  // ---------- embed mode ----------
  if (embed.embed) {
    document.body.classList.add('embed');
    document.body.dataset.controls = embed.controls ? '1' : '0';
    const theme = embed.theme === 'dark' ? 'dark' : embed.theme === 'light' ? 'projector' : matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'projector';
    store.dispatch({ kind: 'ui', change: { theme } });
  }

  // ---------- follow banner (present / follow) ----------
  const bannerText = h('span', { id: 'follow-text' });
  const detachButton = h('button', { type: 'button', id: 'follow-detach' }, 'Detach');
  const refollowButton = h('button', { type: 'button', id: 'follow-again', hidden: true }, 'Follow again');
  const leaveButton = h('button', { type: 'button', id: 'follow-leave' }, 'Leave');
  const banner = h('div', { id: 'follow-banner', class: 'follow-banner', role: 'status', 'aria-live': 'polite', hidden: true }, bannerText, ' ', detachButton, refollowButton, ' ', leaveButton);
  (document.querySelector('.app-header') ?? document.body.firstElementChild)?.after(banner);

  // ---------- the share dialog ----------
  const fullInput = h('input', { id: 'share-full', readonly: true, class: 'share-url' });
  const fullSize = h('span', { id: 'share-full-size', class: 'muted' });
  const copyFull = h('button', { type: 'button', id: 'share-copy' }, 'Copy link');
  const shortButton = h('button', { type: 'button', id: 'share-short-create' }, 'Create short link');
  const shortInput = h('input', { id: 'share-short', readonly: true, class: 'share-url', hidden: true, 'aria-label': 'Short link' });
  const copyShort = h('button', { type: 'button', id: 'share-short-copy', hidden: true }, 'Copy short link');
  const status = h('p', { id: 'share-status', class: 'share-status', role: 'status', 'aria-live': 'polite' });
  const error = h('p', { id: 'share-error', class: 'share-error', role: 'alert' });
  const qrBox = h('div', { id: 'share-qr', class: 'qr-box' });
  const embedStep = h('input', { id: 'embed-step', type: 'number', min: '0', size: '4' });
  const embedFrom = h('input', { id: 'embed-loop-from', type: 'number', min: '0', size: '4', 'aria-label': 'loop from step' });
  const embedTo = h('input', { id: 'embed-loop-to', type: 'number', min: '0', size: '4', 'aria-label': 'loop to step' });
  const embedTheme = h('select', { id: 'embed-theme' }, new Option('auto', 'auto'), new Option('light', 'light'), new Option('dark', 'dark'));
  const embedControls = h('input', { id: 'embed-controls', type: 'checkbox', checked: true });
  const snippet = h('textarea', { id: 'embed-snippet', readonly: true, rows: '4', class: 'snippet' });
  const copySnippet = h('button', { type: 'button', id: 'embed-copy' }, 'Copy snippet');
  const exportSvgButton = h('button', { type: 'button', id: 'export-svg' }, 'SVG');
  const exportPngButton = h('button', { type: 'button', id: 'export-png' }, 'PNG');
  const gifFrom = h('input', { id: 'export-gif-from', type: 'number', min: '0', size: '4', 'aria-label': 'GIF from step' });
  const gifTo = h('input', { id: 'export-gif-to', type: 'number', min: '0', size: '4', 'aria-label': 'GIF to step' });
  const exportGifButton = h('button', { type: 'button', id: 'export-gif' }, 'Animated GIF');
  const closeShare = h('button', { type: 'button', class: 'dialog-close' }, 'Close');
  const shareDialog = h(
    'dialog',
    { id: 'share-dialog', class: 'share-dialog', 'aria-labelledby': 'share-h' },
    h('h2', { id: 'share-h' }, 'Share this view'),
    h('p', { id: 'share-what', class: 'muted' }),
    h('section', { 'aria-labelledby': 'share-link-h' },
      h('h3', { id: 'share-link-h' }, 'Link'),
      h('label', { for: 'share-full' }, 'Full link — the scenario, kernel, step and theme are in the link itself; nothing is stored'),
      h('div', { class: 'share-row' }, fullInput, copyFull),
      fullSize,
      h('div', { class: 'share-row' }, shortButton, shortInput, copyShort),
      h('p', { class: 'muted privacy' }, 'Short links are stored on the server and content-addressed: the same scenario gets the same link, and anyone with the link can read it.'),
      status,
      error),
    h('section', { 'aria-labelledby': 'share-qr-h' }, h('h3', { id: 'share-qr-h' }, 'QR code'), qrBox),
    h('section', { 'aria-labelledby': 'share-embed-h' },
      h('h3', { id: 'share-embed-h' }, 'Embed'),
      h('div', { class: 'share-row' },
        h('label', { for: 'embed-step' }, 'Start step '), embedStep,
        h('span', {}, ' Loop '), embedFrom, h('span', {}, '–'), embedTo,
        h('label', { for: 'embed-theme' }, ' Theme '), embedTheme,
        h('label', {}, embedControls, ' controls')),
      h('label', { for: 'embed-snippet' }, 'Paste this into your page'),
      snippet,
      copySnippet),
    h('section', { 'aria-labelledby': 'share-export-h' },
      h('h3', { id: 'share-export-h' }, 'Export this step'),
      h('div', { class: 'share-row' }, exportSvgButton, exportPngButton, h('span', { class: 'muted' }, ' · steps '), gifFrom, h('span', {}, '–'), gifTo, exportGifButton)),
    closeShare,
  );
  document.body.append(shareDialog);
  // keys typed in the dialog are the dialog's, not the explorer's shortcuts
  shareDialog.addEventListener('keydown', (event) => event.stopPropagation());
  closeShare.addEventListener('click', () => shareDialog.close());

  let shortId: string | null = null;
  let shared: LinkContent | null = null;

  function refreshShare(): void {
    const content = currentContent();
    shared = content;
    error.textContent = '';
    status.textContent = '';
    shortId = null;
    shortInput.hidden = copyShort.hidden = true;
    const session = store.state.session;
    const what = shareDialog.querySelector('#share-what')!;
    if (!content || !session) {
      what.textContent = 'Load a scenario first.';
      fullInput.value = '';
      qrBox.replaceChildren();
      return;
    }
    what.textContent = `${session.title || 'Scenario'} · step ${session.step} of ${session.steps} · kernel ${session.kernel}${session.compare ? ' compared with ' + session.compare : ''}`;
    const link = fullLinkOf(content);
    fullInput.value = link;
    fullSize.textContent = `${link.length} characters`;
    embedStep.value = String(session.step);
    embedStep.max = embedFrom.max = embedTo.max = gifFrom.max = gifTo.max = String(session.steps);
    gifFrom.value = gifFrom.value || '0';
    gifTo.value = gifTo.value || String(session.steps);
    showQr(link);
    refreshSnippet();
  }

  function showQr(link: string): void {
    try {
      qrBox.replaceChildren(qrSvg(document, link, `QR code of ${link.length > 60 ? 'the link' : link}`));
    } catch {
      qrBox.replaceChildren(h('p', { class: 'muted' }, 'This link is too long for a QR code: create a short link.'));
    }
  }

  function embedOptions(): EmbedOptions {
    const num = (input: HTMLInputElement) => (input.value.trim() === '' ? undefined : Number(input.value));
    const from = num(embedFrom);
    const to = num(embedTo);
    return {
      ...(num(embedStep) !== undefined ? { step: num(embedStep)! } : {}),
      ...(from !== undefined && to !== undefined ? { loop: [from, to] as const } : {}),
      theme: embedTheme.value as 'auto' | 'light' | 'dark',
      controls: embedControls.checked,
      title: store.state.session?.title ?? '',
    };
  }

  function refreshSnippet(): void {
    if (!shared) return;
    try {
      const options = embedOptions();
      const target = shortId ? { shortId } : { fragment: encodeFragment({ ...shared, view: undefined } as LinkContent) };
      snippet.value = embedSnippet(embedUrl(location.origin, target, options), options);
    } catch (e) {
      snippet.value = '';
      error.textContent = e instanceof Error ? e.message : String(e);
    }
  }
  for (const input of [embedStep, embedFrom, embedTo, embedTheme, embedControls]) input.addEventListener('input', refreshSnippet);
  embedTheme.addEventListener('change', refreshSnippet);

  copyFull.addEventListener('click', async () => say((await copyText(fullInput.value, fullInput)) ? 'Link copied.' : 'Select the link and copy it (Ctrl+C).'));
  copyShort.addEventListener('click', async () => say((await copyText(shortInput.value, shortInput)) ? 'Short link copied.' : 'Select the link and copy it.'));
  copySnippet.addEventListener('click', async () => say((await copyText(snippet.value, snippet)) ? 'Snippet copied.' : 'Select the snippet and copy it.'));
  shortButton.addEventListener('click', async () => {
    if (!shared) return;
    error.textContent = '';
    shortButton.disabled = true;
    say('Creating a short link…');
    try {
      const { view, ...rest } = shared;
      const created = await createShortLink({ ...rest, ...(view ? { view } : {}) });
      shortId = created.id;
      const url = `${location.origin}/s/${created.id}`;
      shortInput.value = url;
      shortInput.hidden = copyShort.hidden = false;
      say(`Short link ready: ${url}`);
      showQr(url);
      refreshSnippet();
      shortInput.focus();
      shortInput.select();
    } catch (e) {
      say('');
      error.textContent = e instanceof ApiError ? e.message : `The short link could not be made: ${String(e)}`;
    } finally {
      shortButton.disabled = false;
    }
  });

  // ---------- export ----------
  function cssColour(name: string, fallback: string): string {
    return getComputedStyle(root).getPropertyValue(name).trim() || fallback;
  }

  function stagesNow(): ExportStage[] {
    const stages: ExportStage[] = [{ svg: document.getElementById('stage') as unknown as SVGSVGElement, label: document.getElementById('stage-main-kernel')?.textContent ?? '' }];
    const compare = document.getElementById('stage-compare');
    if (compare && !compare.hidden) stages.push({ svg: document.getElementById('stage2') as unknown as SVGSVGElement, label: document.getElementById('stage-compare-kernel')?.textContent ?? '' });
    return stages;
  }

  function snapshotSvg(): { text: string; width: number; height: number } {
    const session = store.state.session!;
    const caption = [
      `Step ${session.step} of ${session.steps}: ${(document.getElementById('caption')?.textContent ?? '').trim() || (session.step === 0 ? 'the initial state' : '')}`,
      // the decision lines as read aloud: without the coloured letter marks (aria-hidden)
      ...[...document.querySelectorAll('#decision > p')]
        .map((p) => [...p.childNodes].filter((n) => !(n instanceof Element && n.getAttribute('aria-hidden') === 'true')).map((n) => n.textContent ?? '').join('').trim())
        .filter(Boolean),
    ];
    if (caption.length === 1) {
      const decision = (document.getElementById('decision')?.textContent ?? '').trim();
      if (decision) caption.push(decision);
    }
    return exportSvg(document, stagesNow(), {
      title: `${session.title || 'cowscope'} · kernel ${session.kernel}${session.compare ? ' vs ' + session.compare : ''}`,
      caption,
      background: cssColour('--bg', '#ffffff'),
      foreground: cssColour('--fg', '#000000'),
    });
  }

  function fileBase(): string {
    const session = store.state.session;
    const title = (session?.title || 'cowscope').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'cowscope';
    return `${title}-${session?.kernel ?? ''}`;
  }

  async function download(blob: Blob, name: string): Promise<void> {
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    lastDownload = { name, type: blob.type, size: blob.size, base64: btoa(binary) };
    const url = URL.createObjectURL(blob);
    const a = h('a', { href: url, download: name, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    root.dataset.exported = name;
  }

  async function exporting(button: HTMLButtonElement, work: () => Promise<void>): Promise<void> {
    if (!store.state.session) {
      error.textContent = 'Load a scenario first.';
      return;
    }
    error.textContent = '';
    button.disabled = true;
    try {
      await work();
    } catch (e) {
      error.textContent = `Export failed: ${e instanceof Error ? e.message : String(e)}`;
    } finally {
      button.disabled = false;
    }
  }

  async function exportSvgFile(): Promise<void> {
    const svg = snapshotSvg();
    await download(new Blob([`<?xml version="1.0" encoding="UTF-8"?>\n${svg.text}`], { type: 'image/svg+xml' }), `${fileBase()}-step${store.state.session!.step}.svg`);
    say('SVG exported.');
  }

  async function exportPngFile(): Promise<void> {
    const svg = snapshotSvg();
    const canvas = await svgToCanvas(document, svg.text, svg.width, svg.height, fitScale(svg.width, svg.height, 2400), cssColour('--bg', '#ffffff'));
    await download(await canvasToPng(canvas), `${fileBase()}-step${store.state.session!.step}.png`);
    say('PNG exported.');
  }

  async function goAndWait(step: number): Promise<void> {
    const session = store.state.session!;
    if (session.step !== step) {
      app.send(request.goto(step));
      await waitUntil(() => store.state.session?.step === step, 15_000, `step ${step}`);
    }
    await painted();
    await app.settle?.();
    await painted();
  }

  async function exportGifFile(): Promise<void> {
    const session = store.state.session!;
    const from = Math.max(0, Math.min(session.steps, Number(gifFrom.value || 0)));
    const to = Math.max(from, Math.min(session.steps, Number(gifTo.value || session.steps)));
    const back = session.step;
    const svgs: { text: string; width: number; height: number }[] = [];
    try {
      for (let step = from; step <= to; step++) {
        say(`Recording step ${step} (${step - from + 1} of ${to - from + 1})…`);
        await goAndWait(step);
        svgs.push(snapshotSvg());
      }
    } finally {
      if (store.state.session && store.state.session.step !== back) app.send(request.goto(back));
    }
    const width = Math.max(...svgs.map((s) => s.width));
    const height = Math.max(...svgs.map((s) => s.height));
    const scale = fitScale(width, height, 1000);
    const w = Math.round(width * scale);
    const hgt = Math.round(height * scale);
    const frames: GifFrame[] = [];
    const background = cssColour('--bg', '#ffffff');
    for (const [i, svg] of svgs.entries()) {
      say(`Encoding frame ${i + 1} of ${svgs.length}…`);
      const canvas = document.createElement('canvas');
      canvas.width = w;
      canvas.height = hgt;
      await svgToCanvas(document, svg.text, svg.width, svg.height, scale, background, canvas);
      frames.push({ rgba: canvas.getContext('2d')!.getImageData(0, 0, w, hgt).data, delay: i === svgs.length - 1 ? 2500 : 1200 });
    }
    const bytes = encodeGif(frames, w, hgt);
    await download(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/gif' }), `${fileBase()}-steps${from}-${to}.gif`);
    say(`GIF exported: ${frames.length} frames.`);
  }

  exportSvgButton.addEventListener('click', () => void exporting(exportSvgButton, exportSvgFile));
  exportPngButton.addEventListener('click', () => void exporting(exportPngButton, exportPngFile));
  exportGifButton.addEventListener('click', () => void exporting(exportGifButton, exportGifFile));

  // ---------- present / follow ----------
  const presentStart = h('button', { type: 'button', id: 'present-start' }, 'Start presenting');
  const presentStop = h('button', { type: 'button', id: 'present-stop', hidden: true }, 'Stop presenting');
  const joinInput = h('input', { id: 'present-join-link', readonly: true, class: 'share-url', 'aria-label': 'Join link' });
  const copyJoin = h('button', { type: 'button', id: 'present-join-copy' }, 'Copy join link');
  const codeShown = h('strong', { id: 'present-code', class: 'room-code' });
  const joinQr = h('div', { class: 'qr-box' });
  const presentInfo = h('div', { id: 'present-info', hidden: true },
    h('p', {}, 'Room code: ', codeShown),
    h('div', { class: 'share-row' }, joinInput, copyJoin),
    joinQr);
  const codeInput = h('input', { id: 'join-code', autocomplete: 'off', size: '8', placeholder: 'K7QF2M' });
  const joinForm = h('form', { id: 'join-form', class: 'share-row' }, h('label', { for: 'join-code' }, 'Room code '), codeInput, h('button', { type: 'submit' }, 'Follow'));
  const presentStatus = h('p', { id: 'present-status', role: 'status', 'aria-live': 'polite' });
  const presentError = h('p', { id: 'present-error', class: 'share-error', role: 'alert' });
  const closePresent = h('button', { type: 'button', class: 'dialog-close' }, 'Close');
  const presentDialog = h(
    'dialog',
    { id: 'present-dialog', class: 'share-dialog', 'aria-labelledby': 'present-h' },
    h('h2', { id: 'present-h' }, 'Present / follow'),
    h('section', { 'aria-labelledby': 'present-p-h' },
      h('h3', { id: 'present-p-h' }, 'Present'),
      h('p', { class: 'muted' }, 'Followers see your scenario, step, kernel and compare mode as you change them. The room keeps only that state; idle rooms are deleted after 12 hours.'),
      presentStart, presentStop, presentInfo),
    h('section', { 'aria-labelledby': 'present-f-h' }, h('h3', { id: 'present-f-h' }, 'Follow a presenter'), joinForm),
    presentStatus,
    presentError,
    closePresent,
  );
  document.body.append(presentDialog);
  presentDialog.addEventListener('keydown', (event) => event.stopPropagation());
  closePresent.addEventListener('click', () => presentDialog.close());

  let presenting: { connection: RoomConnection; code: string; link: string | null; linkedText: string | null; creating: boolean; published: string } | null = null;
  let following: { connection: RoomConnection; code: string | null; latest: RoomUpdate | null; attached: boolean; busy: string | null; problem: string | null } | null = null;

  function showBanner(): void {
    if (following) {
      const state = following.latest?.state;
      const where = state ? `step ${state.step} · kernel ${state.kernel}${state.compare ? ' vs ' + state.compare : ''}` : 'waiting for the presenter';
      bannerText.textContent = following.attached
        ? `Following the presenter (${following.code ? 'room ' + following.code : 'by link'}) — ${where}${following.problem ? ' · ' + following.problem : ''}`
        : `Detached from the presenter (${following.code ? 'room ' + following.code : 'by link'}), who is at ${where}`;
      banner.dataset.mode = following.attached ? 'following' : 'detached';
      detachButton.hidden = !following.attached;
      refollowButton.hidden = following.attached;
      banner.hidden = false;
      root.dataset.following = following.attached ? 'on' : 'detached';
    } else if (presenting) {
      bannerText.textContent = `Presenting — followers join with code ${presenting.code} or the join link`;
      banner.dataset.mode = 'presenting';
      detachButton.hidden = refollowButton.hidden = true;
      banner.hidden = false;
      delete root.dataset.following;
    } else {
      banner.hidden = true;
      delete root.dataset.following;
    }
  }

  function stopAll(): void {
    presenting?.connection.stop();
    following?.connection.stop();
    presenting = null;
    following = null;
    presentStart.hidden = false;
    presentStop.hidden = true;
    presentInfo.hidden = true;
    showBanner();
  }

  async function presenterSync(): Promise<void> {
    const p = presenting;
    const session = store.state.session;
    if (!p || !session) return;
    if (p.linkedText !== session.text) {
      if (p.creating) return;
      p.creating = true;
      try {
        p.link = (await createShortLink({ text: session.text, kernel: session.kernel })).id;
        p.linkedText = session.text;
      } catch (e) {
        presentError.textContent = `The scenario could not be shared with the room: ${e instanceof Error ? e.message : String(e)}`;
        return;
      } finally {
        p.creating = false;
      }
    }
    const now = store.state.session;
    if (!now || !p.link || presenting !== p) return;
    const state: RoomState = { step: now.step, kernelStep: now.kernelStep, kernel: now.kernel, ...(now.compare ? { compare: now.compare } : {}), link: p.link };
    const key = JSON.stringify(state);
    if (key === p.published) return;
    if (p.connection.publish(state)) p.published = key;
    if (p.linkedText !== now.text) void presenterSync();
  }

  presentStart.addEventListener('click', async () => {
    presentError.textContent = '';
    if (!store.state.session) {
      presentError.textContent = 'Load a scenario first: followers see what you show.';
      return;
    }
    presentStart.disabled = true;
    try {
      const room = await createRoom();
      stopAll();
      const connection = new RoomConnection(stompUrl(location), room.room, room.presenterKey, {
        onConnected: (up) => {
          presentStatus.textContent = up ? 'Connected to the room.' : 'Room connection lost, reconnecting…';
          if (up && presenting) {
            presenting.published = '';
            void presenterSync();
          }
        },
        onError: (message) => (presentError.textContent = message),
      });
      presenting = { connection, code: room.code, link: null, linkedText: null, creating: false, published: '' };
      connection.start();
      const join = `${location.origin}/?room=${room.room}`;
      joinInput.value = join;
      codeShown.textContent = room.code;
      joinQr.replaceChildren(qrSvg(document, join, 'QR code of the join link'));
      presentInfo.hidden = false;
      presentStart.hidden = true;
      presentStop.hidden = false;
      root.dataset.presenting = room.code;
      showBanner();
      void presenterSync();
    } catch (e) {
      presentError.textContent = e instanceof ApiError ? e.message : `The room could not be opened: ${String(e)}`;
    } finally {
      presentStart.disabled = false;
    }
  });
  presentStop.addEventListener('click', () => {
    stopAll();
    delete root.dataset.presenting;
  });
  copyJoin.addEventListener('click', async () => (presentStatus.textContent = (await copyText(joinInput.value, joinInput)) ? 'Join link copied.' : 'Select the link and copy it.'));

  function follow(room: string, code: string | null): void {
    stopAll();
    const connection = new RoomConnection(stompUrl(location), room, null, {
      onUpdate: (update) => {
        if (!following) return;
        following.latest = newer(following.latest, update);
        showBanner();
        followerSync();
      },
      onError: (message) => {
        if (following) following.problem = message;
        showBanner();
      },
      onConnected: (up) => {
        if (following) following.problem = up ? null : 'connection lost, reconnecting…';
        showBanner();
      },
    });
    following = { connection, code, latest: null, attached: true, busy: null, problem: null };
    connection.start();
    showBanner();
  }

  /** Takes the follower one move closer to the presenter's state; called on every update and state change. */
  function followerSync(): void {
    const f = following;
    if (!f || !f.attached || opening || store.state.status !== 'connected') return;
    const session = store.state.session;
    const shown = session
      ? { link: session.text === openedText ? openedLink : null, hash: null, kernel: session.kernel, compare: session.compare, step: session.step }
      : null;
    const next = plan(f.latest?.state ?? null, shown);
    const key = `${JSON.stringify(next)}@${session?.version ?? 0}`;
    if (next.kind === 'none') {
      f.busy = null;
      return;
    }
    if (f.busy === key) return;
    f.busy = key;
    switch (next.kind) {
      case 'open':
        fetchShortLink(next.link)
          .then((content) => open({ text: content.text, kernel: next.state.kernel, ...(next.state.compare ? { compare: next.state.compare } : {}) }, next.link, next.state.step))
          .catch((e: unknown) => {
            f.problem = `cannot open the presenter's scenario: ${e instanceof Error ? e.message : String(e)}`;
            showBanner();
          })
          .finally(() => {
            f.busy = null;
            followerSync();
          });
        return;
      case 'kernel':
        app.send(request.kernel(next.version));
        return;
      case 'compare':
        app.send(request.compare(next.kernel));
        return;
      case 'goto':
        app.send(request.goto(next.step));
        return;
      case 'missing':
        f.problem = "the presenter's scenario is not available here";
        showBanner();
    }
  }

  joinForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    presentError.textContent = '';
    try {
      const found = await findRoom(codeInput.value);
      follow(found.room, found.code);
      presentDialog.close();
    } catch (e) {
      presentError.textContent = e instanceof ApiError && e.code === 'not-found' ? `There is no room with code ${codeInput.value.trim().toUpperCase()}.` : e instanceof Error ? e.message : String(e);
    }
  });
  detachButton.addEventListener('click', () => {
    if (!following) return;
    following.attached = false;
    showBanner();
    refollowButton.focus();
  });
  refollowButton.addEventListener('click', () => {
    if (!following) return;
    following.attached = true;
    following.busy = null;
    showBanner();
    detachButton.focus();
    followerSync();
  });
  leaveButton.addEventListener('click', () => {
    stopAll();
    delete root.dataset.presenting;
  });

  // ---------- toolbar buttons (not in the embed) ----------
  if (!embed.embed) {
    const toolbar = document.querySelector('.toolbar');
    const shareButton = h('button', { type: 'button', id: 'share-button', 'aria-haspopup': 'dialog', title: 'Share, embed, export' }, '⤴ Share');
    const presentButton = h('button', { type: 'button', id: 'present-button', 'aria-haspopup': 'dialog', title: 'Present to followers or follow a presenter' }, '◉ Present');
    shareButton.addEventListener('click', () => {
      refreshShare();
      shareDialog.showModal();
      (fullInput.value ? copyFull : closeShare).focus();
    });
    presentButton.addEventListener('click', () => {
      presentDialog.showModal();
      (presenting ? copyJoin : presentStart).focus();
    });
    toolbar?.append(shareButton, presentButton);
  } else {
    const openLink = h('a', { id: 'embed-open', class: 'embed-open', target: '_blank', rel: 'noopener' }, 'Open in cowscope ↗');
    document.querySelector('.app-header')?.append(openLink);
    store.subscribe(() => {
      const content = currentContent();
      if (content) openLink.href = fullLinkOf({ ...content, view: undefined } as LinkContent);
    });
  }

  // ---------- embed loop ----------
  let loopTimer: ReturnType<typeof setTimeout> | null = null;
  function loopNext(): void {
    const loop = embed.loop;
    const session = store.state.session;
    if (!loop || !session || opening) return;
    const [from, to] = [Math.min(loop[0], session.steps), Math.min(loop[1], session.steps)];
    const next = session.step >= to || session.step < from ? from : session.step + 1;
    if (next !== session.step) app.send(request.goto(next));
  }
  function startLoop(): void {
    if (!embed.loop) return;
    const tick = () => {
      loopTimer = setTimeout(() => {
        void Promise.resolve(app.settle?.()).then(() => {
          loopNext();
          tick();
        });
      }, store.state.ui.speed + 400);
    };
    if (loopTimer === null) tick();
  }

  // ---------- what the page opens ----------
  /** opened from a full-state link: the fragment keeps naming the view as it changes (like Compiler Explorer) */
  let trackFragment = false;
  let fragmentTimer: ReturnType<typeof setTimeout> | null = null;
  store.subscribe((state, previous) => {
    advanceOpening();
    followerSync();
    void presenterSync();
    if (trackFragment && !opening && (state.session !== previous.session || state.ui.theme !== previous.ui.theme)) {
      if (fragmentTimer) clearTimeout(fragmentTimer);
      fragmentTimer = setTimeout(() => {
        const content = currentContent();
        // a gallery load writes its own ?gallery= link; then that one names the view
        if (!content || !trackFragment || location.search) return;
        const fragment = encodeFragment(content);
        if (location.hash !== fragment) history.replaceState(null, '', location.pathname + location.search + fragment);
      }, 400);
    }
  });

  const params = new URLSearchParams(location.search);
  const linkId = root.dataset.link;
  const fragment = location.hash;
  const embedStart = embed.step ?? embed.loop?.[0] ?? null;
  let first: Promise<void> | null = null;
  if (linkId) {
    root.dataset.opened = 'fetching';
    first = fetchShortLink(linkId).then((content) => open(content, linkId, embedStart ?? content.step ?? null));
  } else if (/^#v\d+:/.test(fragment)) {
    try {
      const content = decodeFragment(fragment);
      first = open(content, null, embedStart ?? content.step ?? null).then(() => {
        trackFragment = !embed.embed;
      });
    } catch (e) {
      first = Promise.reject(e);
    }
  }
  first
    ?.then(() => startLoop())
    .catch((e: unknown) => {
      root.dataset.opened = 'failed';
      const shown = document.getElementById('conn-error');
      if (shown) {
        shown.hidden = false;
        shown.textContent = `link: ${e instanceof Error ? e.message : String(e)}`;
      }
    });
  const roomParam = params.get('room');
  if (roomParam && /^[a-z2-7]{26}$/.test(roomParam)) follow(roomParam, null);

  // for tests: what the page would have downloaded, and the link helpers
  (window as unknown as { cowscopeShare: unknown }).cowscopeShare = {
    lastDownload: () => lastDownload,
    currentLink: () => {
      const content = currentContent();
      return content ? fullLinkOf(content) : null;
    },
    decode: decodeFragment,
    following: () => (following ? { attached: following.attached, seq: following.latest?.seq ?? -1, state: following.latest?.state ?? null } : null),
    presenting: () => (presenting ? { code: presenting.code, link: presenting.link, published: presenting.published } : null),
  };
}
