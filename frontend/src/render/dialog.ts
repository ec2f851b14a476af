/** Keyboard behaviour of the page's dialogs (gallery, help): Tab stays inside, focus comes back. */

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** The elements Tab visits inside a dialog, in order (hidden ones left out). */
export function focusables(dialog: ParentNode): HTMLElement[] {
  return [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((e) => !e.hidden && !e.closest('[hidden]'));
}

/**
 * Tab from the last element goes to the first, Shift+Tab from the first to the last, and focus
 * outside the dialog is pulled back in. Returns true when it moved the focus.
 */
export function trapTab(dialog: ParentNode, event: Pick<KeyboardEvent, 'key' | 'shiftKey' | 'preventDefault'>, active: Element | null): boolean {
  if (event.key !== 'Tab') return false;
  const list = focusables(dialog);
  if (list.length === 0) return false;
  const first = list[0]!;
  const last = list[list.length - 1]!;
  const inside = active !== null && list.includes(active as HTMLElement);
  let target: HTMLElement | null = null;
  if (!inside) target = event.shiftKey ? last : first;
  else if (event.shiftKey && active === first) target = last;
  else if (!event.shiftKey && active === last) target = first;
  if (!target) return false;
  event.preventDefault();
  target.focus();
  return true;
}
