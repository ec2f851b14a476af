import { nextTheme } from '../model/theme';
import { type ClientRequest, request } from '../model/protocol';
import type { Store } from '../model/store';
import type { Action } from './actions';

/** What the actions may touch: the store, the socket and a few page services. */
export interface Controller {
  readonly store: Store;
  send(message: ClientRequest): void;
  /** finishes the running animations at once */
  stepAnimations(): void;
  connection(): void;
  focusGallery(): void;
  /** starts or stops playing (the page paces it: one step per speed, after the animations) */
  setPlaying(on: boolean): void;
  /** the stage's view: fit all, zoom in / out, pan up / down (docs/stage.md) */
  view?(op: 'fit' | 'in' | 'out' | 'up' | 'down'): void;
}

/** Every user action of the explorer, one list for keys, buttons and the help sheet. */
export function createActions(c: Controller): Action[] {
  const session = () => c.store.state.session;
  const whenLoaded = (fn: () => void) => () => {
    if (session()) fn();
  };
  const pauseFirst = () => {
    if (c.store.state.ui.playing) c.setPlaying(false);
  };
  return [
    {
      name: 'forward',
      label: 'Step forward',
      key: 'ArrowRight',
      perform: whenLoaded(() => {
        pauseFirst();
        c.stepAnimations();
        c.send(request.step('forward'));
      }),
    },
    {
      name: 'back',
      label: 'Step back',
      key: 'ArrowLeft',
      perform: whenLoaded(() => {
        pauseFirst();
        c.stepAnimations();
        c.send(request.step('back'));
      }),
    },
    { name: 'into', label: 'Step into the kernel steps', key: 'Shift+ArrowRight', perform: whenLoaded(() => c.send(request.into())) },
    { name: 'out', label: 'Step out of the kernel steps', key: 'Shift+ArrowLeft', perform: whenLoaded(() => c.send(request.out())) },
    {
      name: 'play',
      label: 'Play / pause',
      key: ' ',
      perform: whenLoaded(() => {
        const s = session()!;
        if (c.store.state.ui.playing) {
          pauseFirst();
          return;
        }
        if (s.step >= s.steps) c.send(request.goto(0));
        c.setPlaying(true);
      }),
    },
    {
      name: 'faster',
      label: 'Faster',
      key: '+',
      keys: ['='],
      perform: () => c.store.dispatch({ kind: 'speed', faster: true }),
    },
    {
      name: 'slower',
      label: 'Slower',
      key: '-',
      keys: ['−'],
      perform: () => c.store.dispatch({ kind: 'speed', faster: false }),
    },
    { name: 'home', label: 'First step', key: 'Home', perform: whenLoaded(() => (pauseFirst(), c.send(request.goto(0)))) },
    { name: 'end', label: 'Last step', key: 'End', perform: whenLoaded(() => (pauseFirst(), c.send(request.goto(session()!.steps)))) },
    {
      name: 'breakpoint',
      label: 'Toggle a breakpoint on this step',
      key: 'b',
      perform: whenLoaded(() => c.store.dispatch({ kind: 'toggle-breakpoint', step: session()!.step })),
    },
    {
      name: 'gallery',
      label: 'Open / close the gallery',
      key: 'g',
      perform: () => {
        const open = !c.store.state.ui.gallery;
        c.store.dispatch({ kind: 'ui', change: { gallery: open, help: false } });
        if (open) setTimeout(() => c.focusGallery(), 0);
      },
    },
    {
      name: 'theme',
      label: 'Theme: projector → dark → light',
      key: 't',
      perform: () => c.store.dispatch({ kind: 'ui', change: { theme: nextTheme(c.store.state.ui.theme) } }),
    },
    { name: 'fit', label: 'Fit the stage to the screen (show all)', key: 'f', keys: ['0'], perform: () => c.view?.('fit') },
    { name: 'zoom-in', label: 'Zoom the stage in', key: ']', perform: () => c.view?.('in') },
    { name: 'zoom-out', label: 'Zoom the stage out', key: '[', perform: () => c.view?.('out') },
    { name: 'pan-down', label: 'Pan the stage down', key: 'PageDown', perform: () => c.view?.('down') },
    { name: 'pan-up', label: 'Pan the stage up', key: 'PageUp', perform: () => c.view?.('up') },
    { name: 'help', label: 'This help', key: '?', perform: () => c.store.dispatch({ kind: 'ui', change: { help: !c.store.state.ui.help, gallery: false } }) },
    { name: 'reconnect', label: 'Reconnect', key: 'r', perform: () => c.connection() },
    { name: 'run-text', label: 'Load the editor text', perform: () => document.dispatchEvent(new CustomEvent('cowscope:run-text')) },
  ];
}
