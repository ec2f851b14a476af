// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { createActions, type Controller } from '../src/actions/session-actions';
import { actionForKey } from '../src/actions/actions';
import type { ClientRequest } from '../src/model/protocol';
import { receiveDelta, startSession } from '../src/model/session';
import { Store } from '../src/model/store';
import { normalizeSnapshot } from '../src/model/snapshot';
import { Motion } from '../src/render/anim';
import { join } from '../src/render/join';
import { Stage } from '../src/render/stage';
import { deltaMessage, recorded, sessionMessage } from './fixtures';

const context = { report: null, selected: null, involved: new Set<string>(), differs: new Set<string>(), onSelect: () => {} };

function newStage(): Stage {
  document.body.innerHTML = '<svg id="s"></svg>';
  const motion = new Motion(() => true); // reduced motion: instant
  return new Stage(document.getElementById('s') as unknown as SVGSVGElement, motion);
}

describe('keyed join', () => {
  it('enters, updates and exits by key, keeping the elements of kept keys', () => {
    const parent = document.createElement('div');
    const spec = {
      key: (d: { id: string }) => d.id,
      create: () => document.createElement('span'),
      update: (el: Element, d: { id: string; t: string }) => {
        el.textContent = d.t;
      },
    };
    const first = join(parent, [{ id: 'a', t: '1' }, { id: 'b', t: '2' }], spec);
    expect(first.entered).toEqual(['a', 'b']);
    const a = parent.querySelector('[data-key="a"]');
    const second = join(parent, [{ id: 'a', t: '3' }, { id: 'c', t: '4' }], spec);
    expect(second).toEqual({ entered: ['c'], updated: ['a'], exited: ['b'] });
    expect(parent.querySelector('[data-key="a"]')).toBe(a);
    expect(a?.textContent).toBe('3');
    expect(parent.children.length).toBe(2);
  });
});

describe('stage', () => {
  it('draws one card per page, a PTE row per page-table entry, the pipe holder and the refcount sum', () => {
    const stage = newStage();
    const snap = normalizeSnapshot(recorded('cve57').steps[6]!.state);
    stage.render(snap, context);
    const root = stage.root;
    expect(root.querySelectorAll('.layer-cards > .card').length).toBe(snap.pages.length);
    expect(root.getAttribute('data-cards')).toBe(String(snap.pages.length));
    expect(root.querySelectorAll('.layer-rows > .pte').length).toBe(2);
    expect(root.querySelector('[data-key="pipe:pipe"]')).not.toBeNull();
    const counts = root.querySelector('.card-counts')?.textContent ?? '';
    expect(counts).toMatch(/ref 2 = Σ 2/);
    expect([...root.querySelectorAll('.seg')].map((s) => s.getAttribute('data-seg'))).toEqual(['mapping', 'pipe']);
  });

  it('keeps the card element across steps (keyed by pfn) and removes freed pages', () => {
    const stage = newStage();
    let session = startSession(sessionMessage('cve618'));
    stage.render(session.snapshot, context);
    const { steps } = recorded('cve618');
    let card: Element | null = null;
    for (let i = 1; i < steps.length; i++) {
      session = receiveDelta(session, deltaMessage('cve618', i, true));
      stage.render(session.snapshot, { ...context, report: session.report });
      if (i === 2) card = stage.root.querySelector('.layer-cards > .card');
      expect(stage.root.querySelectorAll('.layer-cards > .card:not([data-exiting])').length).toBe(session.snapshot.pages.length);
    }
    expect(card?.isConnected).toBe(true);
  });
});

describe('session actions', () => {
  function setup() {
    const store = new Store();
    const sent: ClientRequest[] = [];
    const c: Controller = { store, send: (m) => sent.push(m), stepAnimations: () => {}, connection: () => {}, focusGallery: () => {}, setPlaying: (on) => store.dispatch({ kind: 'ui', change: { playing: on } }) };
    store.dispatch({ kind: 'received', message: sessionMessage('cve57') });
    return { store, sent, actions: createActions(c) };
  }
  const key = (k: string, shiftKey = false) => ({ key: k, shiftKey, ctrlKey: false, metaKey: false, altKey: false, target: null });

  it('maps the keyboard to session requests', () => {
    const { sent, actions } = setup();
    for (const [k, shift] of [['ArrowRight', false], ['ArrowLeft', false], ['ArrowRight', true], ['ArrowLeft', true], ['Home', false], ['End', false]] as const) {
      actionForKey(actions, key(k, shift))!.perform();
    }
    expect(sent.map((m) => [m.type, 'dir' in m ? m.dir : 'step' in m ? m.step : ''])).toEqual([
      ['step', 'forward'],
      ['step', 'back'],
      ['into', ''],
      ['out', ''],
      ['goto', 0],
      ['goto', 7],
    ]);
  });

  it('plays and pauses with Space, changes speed with + and −, toggles a breakpoint with B', () => {
    const { store, sent, actions } = setup();
    actionForKey(actions, key(' '))!.perform();
    expect(store.state.ui.playing).toBe(true);
    actionForKey(actions, key('+', true))!.perform();
    expect(store.state.ui.speed).toBeLessThan(800);
    actionForKey(actions, key(' '))!.perform();
    expect(store.state.ui.playing).toBe(false);
    expect(sent).toEqual([]);
    actionForKey(actions, key('-'))!.perform();
    expect(store.state.ui.speed).toBe(800);
    actionForKey(actions, key('b'))!.perform();
    expect(store.state.ui.breakpoints).toEqual([0]);
    expect(actionForKey(actions, key('?', true))?.name).toBe('help');
  });
});
