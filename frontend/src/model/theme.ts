import type { Theme } from './state';

/** The themes in the order the theme key (T) cycles through them. */
export const THEMES: readonly Theme[] = ['projector', 'dark', 'light'];

export const THEME_LABEL: Record<Theme, string> = { projector: 'Projector', dark: 'Dark', light: 'Light' };

export function isTheme(value: unknown): value is Theme {
  return typeof value === 'string' && (THEMES as readonly string[]).includes(value);
}

export function nextTheme(theme: Theme): Theme {
  return THEMES[(THEMES.indexOf(theme) + 1) % THEMES.length]!;
}

/** Where the chosen theme is kept between visits. */
export const THEME_KEY = 'cowscope.theme';

/** The theme kept by an earlier visit, or null (none, unknown, or storage refused: a sandboxed frame). */
export function storedTheme(storage: Pick<Storage, 'getItem'> | null): Theme | null {
  try {
    const value = storage?.getItem(THEME_KEY);
    return isTheme(value) ? value : null;
  } catch {
    return null;
  }
}

/** Keeps the theme for the next visit; false when storage refused. */
export function keepTheme(storage: Pick<Storage, 'setItem'> | null, theme: Theme): boolean {
  try {
    storage?.setItem(THEME_KEY, theme);
    return storage !== null;
  } catch {
    return false;
  }
}
