import './style.css';
import { bindButtons, bindKeys } from './actions/actions';
import { createActions, type Controller } from './actions/session-actions';
import { GALLERY } from './gallery-data';
import { galleryKernel } from './model/gallery';
import { compareVersions, eraOf, VERSIONS } from './model/kernels';
import { type ClientRequest, type Diagnostic, parseServerMessage, request } from './model/protocol';
import { hostDiffKeys, hostStepAt } from './model/host';
import { renderHost } from './render/host';
import type { Snapshot } from './model/snapshot';
import { currentLine, differences, eventTypes, needsFullState, reportWanted, runMiss, type SessionState, shownSnapshot, stripsWanted } from './model/session';
import { Store } from './model/store';
import { isTheme, keepTheme, storedTheme, THEME_LABEL } from './model/theme';
import type { Selection } from './model/state';
import { Motion } from './render/anim';
import { trapTab } from './render/dialog';
import { createEditor } from './render/editor';
import { frameScheduler } from './render/frame';
import { findHeader, renderHeader } from './render/header';
import {
  involvedKeys,
  renderBanner,
  renderInspector,
  renderKernelEra,
  renderLegend,
  renderNarration,
  renderTimeline,
  setText,
} from './render/panels';
import { Stage } from './render/stage';
import { compareDirection, typeFloor } from './model/fit';
import { defaultConfig, FULL_DETAIL } from './model/layout';
import { mappedPages, scanTimeline } from './transport/scan';
import { Connection, socketUrl } from './transport/socket';
import { installShare } from './share';
import { installTeach } from './teach/teach';
import { installVotes } from './teach/vote';

// Wiring only: the model holds state, transport feeds it, render draws it, actions change it.
const store = new Store();
const header = findHeader(document);
const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const motion = new Motion();
const motion2 = new Motion();
const stage = new Stage(byId<HTMLElement>('stage') as unknown as SVGSVGElement, motion);
const stage2 = new Stage(byId<HTMLElement>('stage2') as unknown as SVGSVGElement, motion2);
// the merged runs the user opens are link state (share links, the gallery address, reload)
stage.onRunsChanged = stage2.onRunsChanged = (openRuns) => store.dispatch({ kind: 'ui', change: { openRuns } });

/** requests answered by a delta, sent and not yet answered (to ask for a full state only at the latest position) */
const MOVES = new Set(['step', 'goto', 'into', 'out', 'run', 'append']);
let pendingMoves = 0;
/** a delta on the way lacked structure (a fork, a new mapping) and was not followed by a full state */
let staleState = false;
/**
 * The full state was asked for after a delta that cannot carry the step (a fork, a bulk change):
 * the stage keeps its picture until the state comes, instead of drawing the incomplete one and
 * then the real one (two heavy paints, and the copies of a bulk step would move twice).
 */
let fullStateAsked = false;

// issue 13: predict mode may hold a step until its question is answered (src/teach)
let teachIntercept: (message: ClientRequest) => boolean = () => false;
let teachKeepsAddress: () => boolean = () => false;
/** Sends a request; false when it could not go (held by predict mode, or offline). */
function send(message: ClientRequest): boolean {
  if (teachIntercept(message)) return false;
  if (!connection.send(message)) {
    store.dispatch({ kind: 'received', message: { type: 'error', code: 'offline', message: 'not connected' } });
    return false;
  }
  if (MOVES.has(message.type)) pendingMoves++;
  return true;
}

/** a gallery pick closes the dialog: the focus then goes to the stage, not back to the opener */
let focusAfterPick = false;
let galleryOpener: HTMLElement | null = null;

let editTimer: ReturnType<typeof setTimeout> | null = null;
/** the gallery scenario shown, while its text is unedited: the address bar then links to the view */
let currentGallery: string | null = null;
/** the step to return to after a load caused by editing the text */
let keepStep: number | null = null;
const editor = createEditor(
  byId('editor'),
  (text) => {
    if (editTimer) clearTimeout(editTimer);
    editTimer = setTimeout(() => loadText(text), 800);
  },
  () => loadText(editor.text()),
);

/** the last load sent, so that a background scan can load the same */
let lastLoad: ClientRequest | null = null;
let stopScan: () => void = () => {};
function sendLoad(load: ClientRequest): void {
  lastLoad = load;
  send(load);
}

function loadText(text: string): void {
  currentGallery = null;
  keepStep = store.state.session?.step ?? null;
  sendLoad(request.load({ text }, store.state.ui.kernel, store.state.ui.compareKernel ?? undefined));
}

function select(key: string): void {
  let selection: Selection | null = null;
  if (key.startsWith('page:')) selection = { kind: 'page', pfn: Number(key.slice(5)) };
  const pte = /^pte:(.+)\.([^.[]+)\[(\d+)\]$/.exec(key);
  if (pte) selection = { kind: 'pte', proc: pte[1]!, var: pte[2]!, index: Number(pte[3]) };
  const strip = /^strip:(.+)\.([^.:]+):(\d+)$/.exec(key);
  if (strip) {
    const page = Number(strip[3]);
    const pages = store.state.session?.snapshot.processes.find((p) => p.name === strip[1])?.vmas.find((v) => v.var === strip[2])?.pages ?? page + 32;
    const first = Math.max(0, Math.min(page - 32, pages - 64));
    send(request.window(strip[1]!, strip[2]!, first, Math.min(pages - 1, first + 63)));
    selection = { kind: 'pte', proc: strip[1]!, var: strip[2]!, index: page };
  }
  const current = store.state.ui.selection;
  const same = current && selection && JSON.stringify(current) === JSON.stringify(selection);
  store.dispatch({ kind: 'ui', change: { selection: same ? null : selection } });
}

const controller: Controller = {
  store,
  send,
  stepAnimations: () => {
    motion.skip();
    motion2.skip();
  },
  connection: () => connection.reconnect(),
  focusGallery: () => byId('gallery-list').querySelector<HTMLElement>('button')?.focus(),
  setPlaying: (on) => {
    store.dispatch({ kind: 'ui', change: { playing: on } });
    if (on) playNext();
    else if (playTimer) clearTimeout(playTimer);
  },
  view: (op) => {
    for (const s of [stage, stage2]) {
      const box = s.viewport.viewBox;
      if (op === 'fit') {
        s.collapseRuns();
        s.viewport.fit();
      }
      else if (op === 'in' || op === 'out') s.viewport.zoom(op === 'in' ? 1.25 : 0.8);
      else s.viewport.pan(0, (op === 'down' ? 0.8 : -0.8) * box.height * box.scale);
    }
  },
};

/**
 * Playing is paced by the page: the next step is asked for once the speed's delay has passed
 * and the current step's animations have finished (and a full state, when one was needed, came).
 */
let playTimer: ReturnType<typeof setTimeout> | null = null;
function playNext(): void {
  if (playTimer) clearTimeout(playTimer);
  // the position this wait is for (markers and strips may bump the version meanwhile)
  const asked = store.state.session?.step;
  playTimer = setTimeout(() => {
    void Promise.all([motion.finished(), motion2.finished()]).then(() => {
      const { session, ui } = store.state;
      if (!ui.playing || !session || session.step !== asked) return;
      if (session.step >= session.steps) {
        controller.setPlaying(false);
        return;
      }
      send(request.step('forward'));
    });
  }, store.state.ui.speed);
}
const actions = createActions(controller);

// ---- kernel pickers ----
const kernelPicker = byId<HTMLSelectElement>('kernel-picker');
const comparePicker = byId<HTMLSelectElement>('compare-picker');
for (const version of [...VERSIONS].sort((a, b) => compareVersions(b, a))) {
  const era = eraOf(version);
  kernelPicker.add(new Option(`${version} · ${era.id} ${era.name}`, version));
  comparePicker.add(new Option(`${version} · ${era.id}`, version));
}
kernelPicker.value = store.state.ui.kernel;
kernelPicker.addEventListener('change', () => {
  const version = kernelPicker.value;
  store.dispatch({ kind: 'ui', change: { kernel: version } });
  if (store.state.session) send(request.kernel(version));
});
// "this machine (Linux x.y.z)": offered when the server's hello names it (cowscope.host.enabled)
const HOST_OPTION = 'host';
/** the machine the host option was last set for: the picker is touched only when it changes (every paint calls this) */
let hostOptionFor: string | null | undefined;
function syncHostOption(machine: string | null): void {
  if (machine === hostOptionFor) return;
  hostOptionFor = machine;
  let option = [...comparePicker.options].find((o) => o.value === HOST_OPTION);
  if (!machine) {
    option?.remove();
    return;
  }
  if (!option) {
    option = new Option('', HOST_OPTION);
    comparePicker.add(option, 1);
  }
  option.textContent = `this machine (${machine})`;
}
function askHost(): void {
  store.dispatch({ kind: 'host-requested' });
  send(request.host());
}
comparePicker.addEventListener('change', () => {
  if (comparePicker.value === HOST_OPTION) {
    store.dispatch({ kind: 'ui', change: { compareKernel: null, compareHost: true } });
    const session = store.state.session;
    // a model compare ends first; its session answer asks for the native run (below)
    if (session?.compare) send(request.compare(null));
    else if (session) askHost();
    return;
  }
  const version = comparePicker.value || null;
  store.dispatch({ kind: 'ui', change: { compareKernel: version, compareHost: false } });
  if (store.state.session) send(request.compare(version));
});

// ---- gallery ----
const galleryList = byId('gallery-list');
for (const item of GALLERY) {
  const li = document.createElement('li');
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'gallery-item';
  button.dataset.gallery = item.id;
  button.innerHTML = '';
  const title = document.createElement('strong');
  title.textContent = item.title;
  const meta = document.createElement('span');
  meta.className = 'muted';
  meta.textContent = ` ${item.id}${item.kernel ? ' · kernel ' + item.kernel : ''}${item.tags.length ? ' · ' + item.tags.join(', ') : ''}`;
  button.append(title, meta);
  button.addEventListener('click', () => {
    currentGallery = item.id;
    editor.setText(item.text);
    keepStep = null;
    // a scenario opens on its own `kernel` line (Dirty COW on 4.8); the picker follows the session
    sendLoad(request.load({ gallery: item.id }, galleryKernel(item, store.state.ui.kernel), store.state.ui.compareKernel ?? undefined));
    store.dispatch({ kind: 'ui', change: { gallery: false } });
    focusAfterPick = true;
  });
  li.appendChild(button);
  galleryList.appendChild(li);
}

// ---- timeline controls ----
const scrubber = byId<HTMLInputElement>('scrubber');
// the stage follows the scrubber while it is dragged: one goto in flight, the latest value next
let scrubTarget: number | null = null;
function scrubTo(value: number): void {
  scrubTarget = value;
  if (pendingMoves === 0 && store.state.session?.step !== value) send(request.goto(value));
}
scrubber.addEventListener('input', () => scrubTo(Number(scrubber.value)));
scrubber.addEventListener('pointerdown', () => (scrubber.dataset.dragging = 'true'));
scrubber.addEventListener('change', () => {
  delete scrubber.dataset.dragging;
  scrubTo(Number(scrubber.value));
});
byId('markers').addEventListener('click', (event) => {
  const step = (event.target as HTMLElement).dataset.step;
  if (step !== undefined) send(request.goto(Number(step)));
});
/** what the last `run` asked for, until its answer: a run that finds nothing says so */
let runAsked: string | null = null;
function runResult(text: string): void {
  const shown = byId('run-result');
  if (shown.textContent !== text) shown.textContent = text;
}
byId<HTMLSelectElement>('run-event').addEventListener('change', (event) => {
  const select = event.target as HTMLSelectElement;
  if (select.value) {
    runAsked = `run to the next ${select.value}`;
    runResult('');
    send(request.run('forward', { event: select.value }));
    // a one-shot command: the arrows step again afterwards (a focused select would take them)
    byId('stage-area').focus();
  }
  select.value = '';
});
byId<HTMLFormElement>('run-condition').addEventListener('submit', (event) => {
  event.preventDefault();
  const target = /^(\w+)\.(\w+)\[(\d+)\]$/.exec(byId<HTMLInputElement>('cond-target').value.trim());
  if (!target) {
    store.dispatch({ kind: 'received', message: { type: 'error', code: 'condition', message: 'write the page as proc.var[i]' } });
    return;
  }
  const op = byId<HTMLSelectElement>('cond-op').value as '==' | '!=' | 'changes';
  const raw = byId<HTMLInputElement>('cond-value').value.trim();
  const value = raw === '' ? undefined : raw === 'true' ? true : raw === 'false' ? false : Number.isNaN(Number(raw)) ? raw : Number(raw);
  const field = byId<HTMLSelectElement>('cond-field').value;
  runAsked = `run until ${target[0]}.${field} ${op}${op === 'changes' ? '' : ' ' + raw}`;
  runResult('');
  send(
    request.run('forward', {
      condition: { proc: target[1]!, var: target[2]!, page: Number(target[3]), field, op, ...(op === 'changes' ? {} : { value }) },
    }),
  );
});

byId<HTMLFormElement>('append-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = byId<HTMLInputElement>('append-input');
  if (input.value.trim() && store.state.session) {
    currentGallery = null;
    send(request.append(input.value.trim()));
  }
});

// ---- help sheet ----
const helpList = byId('help-list');
for (const action of actions) {
  if (!action.key) continue;
  const dt = document.createElement('dt');
  dt.textContent = [action.key, ...(action.keys ?? [])].map((k) => k.replace('ArrowRight', '→').replace('ArrowLeft', '←').replace(/^ $/, 'Space')).join(' / ');
  const dd = document.createElement('dd');
  dd.textContent = action.label;
  helpList.append(dt, dd);
}
for (const [keys, label] of [
  ['Tab, Enter', 'select a PTE row or a page card (the inspector shows it)'],
  ['Enter, ← →', 'on a strip: zoom into 64 pages, move the window'],
  ['Ctrl+Enter', 'in the editor: load the text'],
  ['Esc', 'close the gallery or this help'],
]) {
  const dt = document.createElement('dt');
  dt.textContent = keys!;
  const dd = document.createElement('dd');
  dd.textContent = label!;
  helpList.append(dt, dd);
}

// ---- paint: one per animation frame, whatever arrived ----
// the session object itself: a new session (after load, kernel or compare) starts again at version 1
let paintedSession: SessionState | null = null;
let paintedDiagnostics: readonly Diagnostic[] | null = null;
function paintDiagnostics(list: readonly Diagnostic[]): void {
  byId('diagnostics').replaceChildren(
    ...list.map((d) => {
      const li = document.createElement('li');
      li.textContent = `line ${d.line}:${d.column}: ${d.message}${d.code ? ` [${d.code}]` : ''}`;
      return li;
    }),
  );
  editor.showDiagnostics(list);
}
let paintedUi: unknown = null;
let paintedHost: unknown = null;
function paint(): void {
  const state = store.state;
  renderHeader(header, state);
  const ui = state.ui;
  const root = document.documentElement;
  if (root.dataset.theme !== ui.theme) {
    root.dataset.theme = ui.theme;
    const button = document.querySelector<HTMLElement>('[data-action="theme"]');
    if (button) setText(button, `◐ Theme: ${THEME_LABEL[ui.theme]}`);
  }
  const gallery = byId('gallery');
  if (gallery.hidden === ui.gallery) {
    gallery.hidden = !ui.gallery;
    if (ui.gallery) galleryOpener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    else {
      // after a pick the stage has the focus (arrows step); after Esc or Close, whatever opened the gallery
      const back = focusAfterPick || !galleryOpener || !galleryOpener.isConnected ? byId('stage-area') : galleryOpener;
      focusAfterPick = false;
      galleryOpener = null;
      back.focus();
    }
  }
  const help = byId('help');
  if (help.hidden === ui.help) {
    help.hidden = !ui.help;
    // a dialog takes the focus while open and gives it back to the page when closed
    if (ui.help) help.querySelector<HTMLElement>('button')?.focus();
    else byId('stage-area').focus();
  }
  setText(byId('speed'), `${Number((1000 / ui.speed).toFixed(1))} steps/s`);
  const play = byId('play-button');
  setText(play, ui.playing ? '❚❚ Pause' : '▶ Play');
  if (play.getAttribute('aria-pressed') !== String(ui.playing)) play.setAttribute('aria-pressed', String(ui.playing));
  motion.duration = motion2.duration = Math.min(900, ui.speed * 0.8);
  if (kernelPicker.value !== ui.kernel) kernelPicker.value = ui.kernel;
  syncHostOption(state.host);
  const pickerValue = ui.compareHost && state.host ? HOST_OPTION : (ui.compareKernel ?? '');
  if (comparePicker.value !== pickerValue) comparePicker.value = pickerValue;
  renderKernelEra(document, ui.kernel);
  renderLegend(document, ui.eventBreaks, (event) => store.dispatch({ kind: 'toggle-event-break', event }));
  if (state.diagnostics !== paintedDiagnostics) {
    paintedDiagnostics = state.diagnostics;
    paintDiagnostics(state.diagnostics);
  }


  const session = state.session;
  const uiKey = JSON.stringify([ui.selection, ui.breakpoints, areaSize, ui.openRuns]);
  const hostOn = ui.compareHost && !!state.host;
  const hostKey = hostOn ? state.hostRun : null;
  if (session && session === paintedSession && uiKey === paintedUi && hostKey === paintedHost) return;
  paintedHost = hostKey;
  const moved = session !== paintedSession;
  paintedSession = session;
  paintedUi = uiKey;
  if (session && currentGallery) {
    const link = new URLSearchParams({ gallery: currentGallery, kernel: session.kernel, step: String(session.step) });
    if (session.compare) link.set('compare', session.compare);
    if (ui.theme !== 'projector') link.set('theme', ui.theme);
    if (ui.openRuns.length) link.set('open', ui.openRuns.join(' '));
    const next = `?${link.toString()}`;
    if (window.location.search !== next) history.replaceState(null, '', next);
  } else if (session && window.location.search && !document.documentElement.dataset.embed && !window.location.search.includes('room=') && !teachKeepsAddress()) {
    // (an embed's options and a follower's room stay in the address bar)
    history.replaceState(null, '', window.location.pathname);
  }
  setText(byId('scenario-title'), session ? session.title || 'Scenario' : 'No scenario loaded — open the gallery (G)');
  renderTimeline(document, session, ui.breakpoints);
  renderNarration(document, session, moved);
  // inside a step the stage, the banner and the inspector show that kernel step's state
  const shown = session ? shownSnapshot(session) : null;
  renderBanner(document, shown, session?.compareSnapshot ?? null);
  renderInspector(document, shown, ui.selection);
  // the editor's highlight after the frame, in its own task: CodeMirror measures the page when it
  // updates, and doing that inside the paint would lengthen the step's frame (docs/stage.md)
  highlightSoon(session ? currentLine(session) : null);
  const selected = ui.selection ? (ui.selection.kind === 'page' ? `page:${ui.selection.pfn}` : `pte:${ui.selection.proc}.${ui.selection.var}[${ui.selection.index}]`) : null;
  if (!session) return;
  if (fullStateAsked) {
    // the narration is the step's already; the stage waits for the full state (painted as moved)
    paintedSession = null;
    return;
  }
  const differs = differences(session.diff, shown!);
  const hostResult = hostOn && state.hostRun?.result ? state.hostRun.result : null;
  if (hostResult) for (const key of hostDiffKeys(hostStepAt(hostResult, session.statements, session.step))) differs.add(key);
  setText(byId('stage-main-kernel'), `kernel ${session.kernel} · ${eraOf(session.kernel).name}`);
  // the boxes first (compare or not, side by side or stacked), then the stages fitted into them
  attachCompare(session);
  const compare = session.compareSnapshot;
  if (byId('stage-compare').hidden !== !compare) byId('stage-compare').hidden = !compare;
  if (byId('stage-host').hidden !== !hostOn) byId('stage-host').hidden = !hostOn;
  if (hostOn) {
    setText(byId('stage-host-kernel'), `this machine · ${state.host}${hostResult ? ` · model ${hostResult.model}` : ''}`);
    renderHost(byId('stage-host-body'), state.hostRun, session.statements, session.step, state.host);
  }
  const stages = byId('stages');
  stages.classList.toggle('comparing', !!compare || hostOn);
  const floorPx = typeFloor({ width: window.innerWidth, height: window.innerHeight }, !!compare);
  stage.setOpenRuns(ui.openRuns);
  stage2.setOpenRuns(ui.openRuns);
  let arrangement: number | undefined;
  if (compare) {
    // the sizes the resize observer saw (reading them here would force a layout in every paint)
    const area = boxes.get(stages) ?? { width: stages.clientWidth, height: stages.clientHeight };
    const chosen = compareDirection(area, [stage.candidates(shown!), stage2.candidates(compare)], defaultConfig.font, floorPx, 12, FULL_DETAIL);
    stages.classList.toggle('column', chosen.direction === 'column');
    arrangement = chosen.arrangement;
  } else {
    stages.classList.remove('column');
  }
  const context = { report: moved ? session.report : null, selected, involved: involvedKeys(shown), differs, onSelect: select, strips: session.strips, floorPx, arrangement };
  if (!compare && moved && shown !== unprepared && bigState(shown!) && stage.needsLayout(shown!, context)) {
    // a big state's arrangements are laid out in tasks of their own first; the frame that draws
    // it then only joins (docs/stage.md, "The step's frames"). Painted again when they are made.
    paintedSession = null;
    prepareStage(shown!, context);
    return;
  }
  stage.render(shown!, context);
  if (compare && session.compare) {
    setText(byId('stage-compare-kernel'), `kernel ${session.compare} · ${eraOf(session.compare).name}`);
    stage2.render(compare, { report: moved ? session.compareReport : null, selected, involved: involvedKeys(compare), differs: differences(session.diff, compare), onSelect: select, strips: session.compareStrips, floorPx, arrangement });
  }
}
/** More rows and pages than a frame lays out in all arrangements with time to spare. */
function bigState(snapshot: Snapshot): boolean {
  let rows = snapshot.pages.length;
  for (const p of snapshot.processes) for (const v of p.vmas) rows += v.ptes.length;
  return rows > BIG_STATE;
}
const BIG_STATE = 256;
/** the snapshot whose layouts are being made, one arrangement per task */
let preparing: Snapshot | null = null;
/** a snapshot whose layouts failed ahead of the paint */
let unprepared: Snapshot | null = null;
function prepareStage(snapshot: Snapshot, context: Parameters<Stage['prepare']>[1]): void {
  if (preparing === snapshot) return;
  preparing = snapshot;
  const next = () => {
    if (preparing !== snapshot) return;
    let more = false;
    try {
      more = stage.prepare(snapshot, context);
    } catch (error) {
      // the paint lays it out itself (and shows the error)
      console.error(error);
      unprepared = snapshot;
    }
    if (more) setTimeout(next, 0);
    else {
      preparing = null;
      schedule();
    }
  };
  setTimeout(next, 0);
}
function attachCompare(session: SessionState): void {
  document.body.dataset.compare = session.compareSnapshot ? 'on' : 'off';
}
let highlightTimer: unknown = null;
let highlighted: number | null | undefined;
function highlightSoon(line: number | null): void {
  if (line === highlighted) return;
  highlighted = line;
  if (highlightTimer) return;
  // when the page is idle: a step's frames (the new state joined, its animation) come first
  highlightTimer = whenIdle(() => {
    highlightTimer = null;
    editor.highlightLine(highlighted ?? null);
  });
}
/** Runs a callback when the main thread is idle (within 300 ms at the latest). */
function whenIdle(callback: () => void): unknown {
  if (typeof requestIdleCallback === 'function') return requestIdleCallback(callback, { timeout: 300 });
  return setTimeout(callback, 0);
}
const timing = { lastPaintMs: 0, maxPaintMs: 0, paints: 0 };
function safePaint(): void {
  try {
    const t0 = performance.now();
    paint();
    timing.lastPaintMs = performance.now() - t0;
    timing.maxPaintMs = Math.max(timing.maxPaintMs, timing.lastPaintMs);
    timing.paints++;
  } catch (error) {
    console.error(error);
    const shown = byId('conn-error');
    shown.hidden = false;
    shown.textContent = `page error: ${error instanceof Error ? error.message : String(error)}`;
  }
}
const schedule = frameScheduler(safePaint);
store.subscribe(schedule);
// a new size (window, panels, compare) fits the stages again: the key of the last paint changes
let areaSize = '';
const boxes = new Map<Element, { width: number; height: number }>();
if (typeof ResizeObserver === 'function') {
  const observer = new ResizeObserver((entries) => {
    for (const entry of entries) {
      const box = { width: entry.contentRect.width, height: entry.contentRect.height };
      boxes.set(entry.target, box);
      if (entry.target === stage.root.parentElement) stage.setBox(box);
      if (entry.target === stage2.root.parentElement) stage2.setBox(box);
    }
    const size = [...boxes.values()].map((b) => `${Math.round(b.width)}x${Math.round(b.height)}`).join(':') + `:${window.innerWidth}x${window.innerHeight}`;
    if (size === areaSize) return;
    areaSize = size;
    schedule();
  });
  for (const el of [byId('stages'), stage.root.parentElement, stage2.root.parentElement]) if (el) observer.observe(el);
}

/** Large mappings are drawn from the server's strips: ask once per mapping and step. */
const stripsAsked = new Set<string>();
let stripsAskedAt = '';
function askForStrips(session: SessionState): void {
  const at = `${session.token}:${session.step}:${session.report?.kernelStep ?? -1}:${session.report === null ? 'load' : ''}`;
  if (at !== stripsAskedAt) {
    stripsAsked.clear();
    stripsAskedAt = at;
  }
  for (const [proc, variable, pages] of stripsWanted(session, 512)) {
    const key = `${proc}.${variable}`;
    if (stripsAsked.has(key)) continue;
    stripsAsked.add(key);
    send(request.strip(proc, variable, 0, pages - 1));
  }
}

// ---- a link may name what to show: ?gallery=ID&kernel=5.7&compare=6.18&step=end&theme=dark ----
const params = new URLSearchParams(window.location.search);
const initial = {
  gallery: params.get('gallery'),
  kernel: params.get('kernel'),
  compare: params.get('compare'),
  step: params.get('step') as string | null,
};
let autoloaded = false;
if (initial.kernel) store.dispatch({ kind: 'ui', change: { kernel: initial.kernel } });
// merged runs the link opened ("open=p.b[0] c.b[0]")
const linkedRuns = (params.get('open') ?? '').split(/\s+/).filter((k) => /^[^\s[\]]+\[\d+\]$/.test(k));
if (linkedRuns.length) store.dispatch({ kind: 'ui', change: { openRuns: linkedRuns } });
// the theme: the link's, else the one kept from the last visit
const localStore = (() => {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
})();
const linkedTheme = params.get('theme');
const startTheme = isTheme(linkedTheme) ? linkedTheme : storedTheme(localStore);
if (startTheme) store.dispatch({ kind: 'ui', change: { theme: startTheme } });
let keptTheme = store.state.ui.theme;
store.subscribe(() => {
  const theme = store.state.ui.theme;
  if (theme !== keptTheme && !document.documentElement.dataset.embed) keepTheme(localStore, theme);
  keptTheme = theme;
});

// ---- transport: what arrives may need an answer ----
const connection = new Connection({
  url: socketUrl(window.location),
  onEvent: (event) => {
    store.dispatch(event);
    if (event.kind !== 'received') return;
    const message = event.message;
    const state = store.state;
    if (message.type === 'error' || message.type === 'diagnostics') pendingMoves = Math.max(0, pendingMoves - 1);
    if (message.type === 'error' || message.type === 'diagnostics' || message.type === 'hello' || message.type === 'session' || (message.type === 'delta' && message.state)) {
      if (fullStateAsked) {
        fullStateAsked = false;
        schedule();
      }
    }
    if (message.type === 'hello' || message.type === 'session') {
      pendingMoves = 0;
      staleState = false;
    }
    if (message.type === 'hello' && state.session) send(request.resume(state.session.token));
    else if (message.type === 'hello' && initial.gallery && !autoloaded) {
      autoloaded = true;
      currentGallery = initial.gallery;
      const item = GALLERY.find((g) => g.id === initial.gallery);
      if (item) editor.setText(item.text);
      sendLoad(request.load({ gallery: initial.gallery }, initial.kernel ?? (item ? galleryKernel(item, state.ui.kernel) : state.ui.kernel), initial.compare ?? undefined));
    }
    // comparing with this machine: every new session (scenario, kernel) is run natively again
    if (message.type === 'session' && store.state.ui.compareHost && store.state.host) askHost();
    if (message.type === 'session') {
      editor.setText(message.text);
      // fill the timeline's markers in the background (same scenario, same kernel, no compare)
      stopScan();
      const token = message.token;
      const scenario = lastLoad && lastLoad.type === 'load' ? lastLoad.scenario : { text: message.text };
      if (!params.has('noscan') && mappedPages(message.text) <= 16_384) {
        stopScan = scanTimeline({
          url: socketUrl(window.location),
          load: request.load(scenario, message.kernel),
          steps: message.steps,
          onStep: (step, types) => store.dispatch({ kind: 'scanned', token, step, types }),
        });
      }
      const jumping = initial.step !== null;
      if (initial.step !== null) {
        send(request.goto(initial.step === 'end' ? message.steps : Math.min(Number(initial.step), message.steps)));
        initial.step = null;
      }
      if (keepStep !== null && keepStep > 0) send(request.goto(Math.min(keepStep, message.steps)));
      else if (reportWanted(message, jumping)) send(request.goto(message.position.step));
      keepStep = null;
    }
    if ((message.type === 'delta' || message.type === 'session' || message.type === 'window') && store.state.session) {
      askForStrips(store.state.session);
    }
    if (message.type === 'delta') {
      if (message.appended.length && state.session) {
        editor.setText(state.session.text);
        byId<HTMLInputElement>('append-input').value = '';
      }
      pendingMoves = Math.max(0, pendingMoves - 1);
      if (scrubTarget !== null && pendingMoves === 0) {
        if (message.step !== scrubTarget) send(request.goto(scrubTarget));
        else scrubTarget = null;
      }
      const asked = runAsked;
      runAsked = null;
      if (asked && message.reason && message.reason !== 'breakpoint') runResult(`${asked}: ${runMiss(message.reason, message.step)}`);
      else if (asked) runResult(`${asked}: stopped at step ${message.step}`);
      else runResult('');
      staleState ||= needsFullState(message) || (message.compare !== null && needsFullState(message.compare));
      // only the answer to the latest move asks for the full state: an earlier goto would undo later moves
      const incomplete = staleState;
      if (staleState && pendingMoves === 0) {
        staleState = false;
        fullStateAsked = send(request.goto(message.step)) && !message.state;
      }
      if (state.ui.playing && !incomplete) {
        const types = eventTypes(message);
        const hit = state.ui.breakpoints.includes(message.step) || types.some((t) => state.ui.eventBreaks.includes(t));
        if (hit || message.step >= message.steps) controller.setPlaying(false);
        else playNext();
      }
    }
  },
});

bindKeys(document, actions);
bindButtons(document, actions);
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && (store.state.ui.gallery || store.state.ui.help)) {
    store.dispatch({ kind: 'ui', change: { gallery: false, help: false } });
  }
  // a modal dialog keeps the focus inside while open
  const open = store.state.ui.gallery ? byId('gallery') : store.state.ui.help ? byId('help') : null;
  if (open && !open.hidden) trapTab(open, event, document.activeElement);
});
const teach = installTeach({
  store,
  send,
  load: (text, kernel) => {
    currentGallery = null;
    keepStep = null;
    editor.setText(text);
    store.dispatch({ kind: 'ui', change: { kernel } });
    sendLoad(request.load({ text }, kernel));
  },
});
teachIntercept = teach.intercept;
installVotes(teach);
document.addEventListener('cowscope:run-text', () => loadText(editor.text()));
// issue 7: links, share dialog, embed, export, present / follow (src/share, src/export, src/embed)
installShare({ store, send: (m) => (m.type === 'load' ? sendLoad(m) : send(m)), editor, settle: () => Promise.all([motion.finished(), motion2.finished()]), loadedElsewhere: () => (currentGallery = null) });
teachKeepsAddress = teach.keepsAddress;
paint();
connection.open();

// for tests and the benchmark page: read-only access to the state
(window as unknown as { cowscope: unknown }).cowscope = { store, stage, stage2, send, parse: parseServerMessage, timing };
