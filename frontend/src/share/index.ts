import './csp';
import './share.css';
import { embedSnippet, embedUrl, type EmbedOptions, readEmbedOptions } from '../embed/snippet';
import { Exporter } from '../export/exporter';
import { type ClientRequest, request } from '../model/protocol';
import type { Store } from '../model/store';
import type { Theme } from '../model/state';
import { ApiError, createShortLink, fetchShortLink } from './api';
import { copyText, h } from './dom';
import { decodeFragment, encodeFragment, type LinkContent } from './link';
import { qrSvg } from './qr';
import { installPresent } from './present';

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
  /** the diagnostics before our load: only new ones are the answer */
  diagnostics: unknown;
  resolve(): void;
  reject(error: Error): void;
}


const THEMES: Record<string, Theme> = { light: 'light', projector: 'projector', dark: 'dark' };

export function installShare(app: ShareApp): void {
  const { store } = app;
  const root = document.documentElement;
  const embed = readEmbedOptions(root.dataset);
  let opening: Opening | null = null;
  /** the scenario now shown came from this short link / content (valid while the session's text is openedText) */
  let openedLink: string | null = null;
  let openedText: string | null = null;
  const say = (text: string) => {
    status.textContent = text;
  };

  // ---------- opening a link: load its text at its kernel(s), go to its step, apply its view ----------
  function open(content: LinkContent, link: string | null, step: number | null = content.step ?? null): Promise<void> {
    opening?.reject(new Error('another link was opened'));
    return new Promise<void>((resolve, reject) => {
      opening = { content, link, step, phase: 'waiting', before: store.state.session?.token ?? null, diagnostics: store.state.diagnostics, resolve, reject };
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
      // the merged runs the link had open (view.open: the keys of their first rows)
      const open = o.content.view?.open;
      const runs = Array.isArray(open) ? open.filter((k): k is string => typeof k === 'string') : [];
      if (runs.length || store.state.ui.openRuns.length) store.dispatch({ kind: 'ui', change: { openRuns: runs } });
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
      o.diagnostics = state.diagnostics;
      app.editor.setText(o.content.text);
      app.loadedElsewhere?.();
      store.dispatch({ kind: 'ui', change: { kernel: o.content.kernel, compareKernel: o.content.compare ?? null } });
      app.send(request.load({ text: o.content.text }, o.content.kernel, o.content.compare));
      return;
    }
    if (o.phase === 'loading') {
      if (state.diagnostics !== o.diagnostics && state.diagnostics.length > 0) {
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
      view: { theme: store.state.ui.theme, ...(store.state.ui.openRuns.length ? { open: [...store.state.ui.openRuns] } : {}) },
    };
  }

  function fullLinkOf(content: LinkContent): string {
    return `${location.origin}/${encodeFragment(content)}`;
  }

  // ---------- embed mode ----------
  if (embed.embed) {
    document.body.classList.add('embed');
    document.body.dataset.controls = embed.controls ? '1' : '0';
    const dark = matchMedia('(prefers-color-scheme: dark)');
    const apply = () => store.dispatch({ kind: 'ui', change: { theme: embed.theme === 'dark' ? 'dark' : embed.theme === 'light' ? 'projector' : dark.matches ? 'dark' : 'projector' } });
    apply();
    // theme=auto follows the reader's system setting as it changes
    if (embed.theme !== 'light' && embed.theme !== 'dark') dark.addEventListener('change', apply);
  }

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
      qrBox.replaceChildren(
        qrSvg(document, link, `QR code of ${link.length > 60 ? 'the link' : link}`),
        ...(link.length > 300 ? [h('p', { class: 'muted' }, 'A long link makes a dense code: a short link is easier to scan from a projector.')] : []),
      );
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
  const exporter = new Exporter({ store, send: app.send, settle: app.settle, say });
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
  exportSvgButton.addEventListener('click', () => void exporting(exportSvgButton, () => exporter.svg()));
  exportPngButton.addEventListener('click', () => void exporting(exportPngButton, () => exporter.png()));
  exportGifButton.addEventListener('click', () => void exporting(exportGifButton, () => exporter.gif(Number(gifFrom.value || 0), Number(gifTo.value || store.state.session!.steps))));

  // ---------- present / follow ----------
  const rooms = installPresent({
    store,
    send: app.send,
    open: (content, link, step) => open(content, link, step),
    shown: () => ({ busy: opening !== null, link: store.state.session && store.state.session.text === openedText ? openedLink : null }),
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
      rooms.showDialog();
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
    rooms.sync();
    if (trackFragment && !opening && (state.session !== previous.session || state.ui.theme !== previous.ui.theme || state.ui.openRuns !== previous.ui.openRuns)) {
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
  if (roomParam && /^[a-z2-7]{26}$/.test(roomParam)) rooms.follow(roomParam, null);

  // for tests: what the page would have downloaded, and the link helpers
  (window as unknown as { cowscopeShare: unknown }).cowscopeShare = {
    lastDownload: () => exporter.last,
    currentLink: () => {
      const content = currentContent();
      return content ? fullLinkOf(content) : null;
    },
    decode: decodeFragment,
    following: () => rooms.following(),
    presenting: () => rooms.presenting(),
  };
}
