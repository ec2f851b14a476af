// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { type Action, actionForKey, bindButtons, bindKeys } from '../src/actions/actions';

function counting(name: string, key?: string) {
  const calls = { count: 0 };
  const action: Action = { name, label: name, key, perform: () => calls.count++ };
  return { action, calls };
}

const plain = { ctrlKey: false, metaKey: false, altKey: false, target: null };

describe('actions', () => {
  it('finds the action for a key, but not with modifiers or while typing', () => {
    const { action } = counting('reconnect', 'r');
    expect(actionForKey([action], { ...plain, key: 'r' })).toBe(action);
    expect(actionForKey([action], { ...plain, key: 'x' })).toBeUndefined();
    expect(actionForKey([action], { ...plain, key: 'r', ctrlKey: true })).toBeUndefined();
    expect(actionForKey([action], { ...plain, key: 'r', target: document.createElement('textarea') })).toBeUndefined();
  });

  it('binds keys on a target and unbinds them', () => {
    const { action, calls } = counting('reconnect', 'r');
    const unbind = bindKeys(document, [action]);
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'r' }));
    unbind();
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'r' }));
    expect(calls.count).toBe(1);
  });

  it('binds buttons by data-action', () => {
    document.body.innerHTML = '<button data-action="reconnect">Reconnect</button><button data-action="none">?</button>';
    const { action, calls } = counting('reconnect');
    bindButtons(document, [action]);
    for (const button of document.querySelectorAll('button')) button.click();
    expect(calls.count).toBe(1);
  });
});
