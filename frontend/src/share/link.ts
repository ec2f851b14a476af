import { deflateSync, inflateSync, strFromU8, strToU8 } from 'fflate';

/**
 * Full-state links (docs/share.md): `#v1:` + base64url(deflate-raw(UTF-8(canonical JSON))).
 * Everything is in the URL fragment, which browsers never send to the server. No DOM here.
 *
 * A later schema gets its own prefix (`v2:`) and a normaliser that turns a v1 object into it, so
 * old links keep loading: `decodeFragment` reads any known version and returns the current shape.
 */
export const LINK_VERSION = 1;

/** The view options a link carries: the front end's own keys, sorted in the canonical form. */
export interface LinkView {
  readonly theme?: 'projector' | 'dark' | 'light';
  readonly kernelStep?: number;
  /** merged runs of alike rows drawn row by row (the keys of their first rows: "p.b[0]") */
  readonly open?: readonly string[];
  readonly [key: string]: unknown;
}

/** What a link holds (the same object a short link stores, without `v`). */
export interface LinkContent {
  readonly text: string;
  readonly kernel: string;
  readonly compare?: string;
  readonly step?: number;
  readonly view?: LinkView;
}

export class LinkError extends Error {}

const KERNEL = /^[0-9A-Za-z][0-9A-Za-z._+-]{0,31}$/;

/** `view` with keys sorted at every level (arrays keep their order). */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** Checks a content object and returns it in canonical form (LF line endings, absent fields left out). */
export function normalizeContent(raw: unknown): LinkContent {
  if (!raw || typeof raw !== 'object') throw new LinkError('the link holds no object');
  const o = raw as Record<string, unknown>;
  if (typeof o.text !== 'string') throw new LinkError('the link has no scenario text');
  if (typeof o.kernel !== 'string' || !KERNEL.test(o.kernel)) throw new LinkError('the link has no valid kernel');
  const content: { -readonly [K in keyof LinkContent]: LinkContent[K] } = { text: o.text.replace(/\r\n?/g, '\n'), kernel: o.kernel };
  if (o.compare !== undefined && o.compare !== null) {
    if (typeof o.compare !== 'string' || !KERNEL.test(o.compare)) throw new LinkError('the link has an invalid compare kernel');
    content.compare = o.compare;
  }
  if (o.step !== undefined && o.step !== null) {
    if (typeof o.step !== 'number' || !Number.isInteger(o.step) || o.step < 0) throw new LinkError('the link has an invalid step');
    content.step = o.step;
  }
  if (o.view !== undefined && o.view !== null) {
    if (typeof o.view !== 'object' || Array.isArray(o.view)) throw new LinkError('the link has an invalid view');
    if (Object.keys(o.view).length > 0) content.view = sortKeys(o.view) as LinkView;
  }
  return content;
}

/** The canonical JSON: `{"v":1,"text","kernel","compare"?,"step"?,"view"?}`, compact, in this order. */
export function canonicalJson(content: LinkContent): string {
  const c = normalizeContent(content);
  const ordered: Record<string, unknown> = { v: LINK_VERSION, text: c.text, kernel: c.kernel };
  if (c.compare !== undefined) ordered.compare = c.compare;
  if (c.step !== undefined) ordered.step = c.step;
  if (c.view !== undefined) ordered.view = c.view;
  return JSON.stringify(ordered);
}

/** RFC 4648 §5 without padding. */
export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new LinkError('the link is not base64url');
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const binary = atob(b64);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** The fragment (with its `#`) for a content: `#v1:…`. */
export function encodeFragment(content: LinkContent): string {
  return `#v${LINK_VERSION}:` + base64url(deflateSync(strToU8(canonicalJson(content)), { level: 9 }));
}

/**
 * Normalisers from each older schema to the next. v1 is the first; when v2 comes, add
 * `1: (o) => ({...o, v: 2, …})` here and bump LINK_VERSION: every v1 link still opens.
 */
const UPGRADES: Readonly<Record<number, (o: Record<string, unknown>) => Record<string, unknown>>> = {};

/** Reads a fragment (`#v1:…`, with or without `#`); throws LinkError with a reason. */
export function decodeFragment(fragment: string): LinkContent {
  const m = /^#?v(\d+):(.*)$/s.exec(fragment.trim());
  if (!m) throw new LinkError('not a cowscope link (expected #v1:…)');
  const version = Number(m[1]);
  if (version < 1 || version > LINK_VERSION) throw new LinkError(`link schema v${version} is not known to this page (it reads v1–v${LINK_VERSION})`);
  let json: string;
  try {
    json = strFromU8(inflateSync(fromBase64url(m[2]!)));
  } catch (e) {
    throw e instanceof LinkError ? e : new LinkError('the link is damaged (it does not inflate)');
  }
  let object: Record<string, unknown>;
  try {
    object = JSON.parse(json) as Record<string, unknown>;
  } catch {
    throw new LinkError('the link is damaged (not JSON)');
  }
  if (typeof object !== 'object' || object === null) throw new LinkError('the link holds no object');
  if (object.v !== undefined && object.v !== version) throw new LinkError('the link contradicts its own version');
  for (let v = version; v < LINK_VERSION; v++) object = UPGRADES[v]!(object);
  return normalizeContent(object);
}

/** A full link for a page location: origin + path (+ query, for /embed) + fragment. */
export function fullLink(base: string, content: LinkContent): string {
  return base.replace(/#.*$/, '') + encodeFragment(content);
}

/** SHA-256 of the canonical JSON in lower-case base32 without padding (52 characters), as the server computes it. */
export async function contentHash(content: LinkContent): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', strToU8(canonicalJson(content))));
  return base32(digest);
}

export function base32(bytes: Uint8Array): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const b of bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += alphabet[(buffer << (5 - bits)) & 31];
  return out;
}
