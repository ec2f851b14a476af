/**
 * A user action: one name, one optional key, one perform. The keyboard, buttons and (later) the
 * help overlay all read the same list.
 */
export interface Action {
  readonly name: string;
  readonly label: string;
  /** KeyboardEvent.key that triggers it, if any; "Shift+ArrowRight" for a shifted named key */
  readonly key?: string;
  /** more keys for the same action (e.g. "=" for "+") */
  readonly keys?: readonly string[];
  perform(): void;
}

export interface KeyLike {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly altKey: boolean;
  readonly shiftKey?: boolean;
  readonly target: unknown;
}

function typingInto(target: unknown): boolean {
  const element = target as { tagName?: string; isContentEditable?: boolean } | null;
  if (!element || typeof element.tagName !== 'string') return false;
  const tag = element.tagName.toUpperCase();
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || element.isContentEditable === true;
}

/** The action a key press triggers, or undefined; ignores modified keys and typing in fields. */
export function actionForKey(actions: readonly Action[], event: KeyLike): Action | undefined {
  if (event.ctrlKey || event.metaKey || event.altKey || typingInto(event.target)) return undefined;
  return actions.find((action) => [action.key, ...(action.keys ?? [])].some((key) => key !== undefined && keyMatches(key, event)));
}

/**
 * "Shift+ArrowRight" needs Shift; a named key ("ArrowRight", "Home") needs no Shift; a printed
 * character ("+", "?", "b") matches whatever Shift it took to type it.
 */
export function keyMatches(key: string, event: KeyLike): boolean {
  const shift = event.shiftKey === true;
  if (key.startsWith('Shift+')) return shift && event.key === key.slice(6);
  if (key.length > 1 && key !== ' ') return !shift && event.key === key;
  return event.key === key || (key.length === 1 && event.key.toLowerCase() === key && /[a-z]/.test(key) && !shift);
}

/** How a key is shown in the help sheet. */
export function keyLabel(key: string): string {
  return key
    .replace('ArrowRight', '→')
    .replace('ArrowLeft', '←')
    .replace(/^ $/, 'Space')
    .replace('Escape', 'Esc');
}

/** Listens for keys on target; returns a function that stops listening. */
export function bindKeys(target: EventTarget, actions: readonly Action[]): () => void {
  const listener = (event: Event) => {
    const action = actionForKey(actions, event as KeyboardEvent);
    if (action) {
      event.preventDefault();
      action.perform();
    }
  };
  target.addEventListener('keydown', listener);
  return () => target.removeEventListener('keydown', listener);
}

/** Wires every element with data-action="name" to that action's perform. */
export function bindButtons(root: ParentNode, actions: readonly Action[]): void {
  for (const element of root.querySelectorAll<HTMLElement>('[data-action]')) {
    const action = actions.find((candidate) => candidate.name === element.dataset.action);
    if (action) element.addEventListener('click', () => action.perform());
  }
}
