/**
 * A user action: one name, one optional key, one perform. The keyboard, buttons and (later) the
 * help overlay all read the same list.
 */
export interface Action {
  readonly name: string;
  readonly label: string;
  /** KeyboardEvent.key that triggers it, if any */
  readonly key?: string;
  perform(): void;
}

export interface KeyLike {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly altKey: boolean;
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
  return actions.find((action) => action.key !== undefined && action.key === event.key);
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
