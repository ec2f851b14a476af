/**
 * A keyed data join, d3-style: elements under `parent` carry data-key; for each datum the
 * element with its key is updated (or created: enter), and elements whose key is gone leave
 * (exit). The exit callback may return a promise; the element is removed when it settles.
 * Returns the entered keys, so callers can animate them.
 */
export interface JoinSpec<D> {
  readonly key: (datum: D) => string;
  readonly create: (datum: D) => Element;
  readonly update: (element: Element, datum: D, entering: boolean) => void;
  readonly exit?: (element: Element) => Promise<void> | void;
}

export interface JoinResult {
  readonly entered: readonly string[];
  readonly updated: readonly string[];
  readonly exited: readonly string[];
}

export function join<D>(parent: Element, data: readonly D[], spec: JoinSpec<D>): JoinResult {
  const existing = new Map<string, Element>();
  for (const child of Array.from(parent.children)) {
    const key = child.getAttribute('data-key');
    if (key !== null && !child.hasAttribute('data-exiting')) existing.set(key, child);
  }
  const entered: string[] = [];
  const updated: string[] = [];
  const seen = new Set<string>();
  for (const datum of data) {
    const key = spec.key(datum);
    if (seen.has(key)) continue;
    seen.add(key);
    let element = existing.get(key);
    if (element) {
      spec.update(element, datum, false);
      updated.push(key);
    } else {
      element = spec.create(datum);
      element.setAttribute('data-key', key);
      parent.appendChild(element);
      spec.update(element, datum, true);
      entered.push(key);
    }
  }
  const exited: string[] = [];
  for (const [key, element] of existing) {
    if (seen.has(key)) continue;
    exited.push(key);
    element.setAttribute('data-exiting', '');
    const leaving = spec.exit?.(element);
    if (leaving) void leaving.then(() => element.remove());
    else element.remove();
  }
  return { entered, updated, exited };
}

const SVG = 'http://www.w3.org/2000/svg';

/** An SVG element with attributes. */
export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number> = {},
  text?: string,
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/** Sets an attribute only when it changed (cheap repeated paints). */
export function attr(element: Element, name: string, value: string | number): void {
  const text = String(value);
  if (element.getAttribute(name) !== text) element.setAttribute(name, text);
}

export function text(element: Element, value: string): void {
  if (element.textContent !== value) element.textContent = value;
}
