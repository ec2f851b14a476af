import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inflateSync, strFromU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { embedSnippet, embedUrl, readEmbedOptions } from '../src/embed/snippet';
import { encodeGif, fitScale } from '../src/export/raster';
import { wrap } from '../src/export/svg';
import {
  base32,
  base64url,
  canonicalJson,
  contentHash,
  decodeFragment,
  encodeFragment,
  fromBase64url,
  LinkError,
  normalizeContent,
} from '../src/share/link';
import { qrPath } from '../src/share/qr';
import { newer, plan, stompUrl } from '../src/share/room';

const scenarios = fileURLToPath(new URL('../../src/main/resources/scenarios', import.meta.url));
const gallery = readdirSync(scenarios).filter((f) => f.endsWith('.cow'));

describe('full-state links', () => {
  const content = { text: 'title "T"\r\nprocess p\n', kernel: '5.7', compare: '6.18', step: 4, view: { theme: 'dark' as const, b: { z: 1, a: 2 } } };

  it('round-trips through the fragment, normalising line endings and key order', () => {
    const fragment = encodeFragment(content);
    expect(fragment).toMatch(/^#v1:[A-Za-z0-9_-]+$/);
    const back = decodeFragment(fragment);
    expect(back).toEqual({ text: 'title "T"\nprocess p\n', kernel: '5.7', compare: '6.18', step: 4, view: { b: { a: 2, z: 1 }, theme: 'dark' } });
    expect(encodeFragment(back)).toBe(fragment);
  });

  it('writes the canonical JSON of docs/share.md: v first, fields in order, absent ones left out, view sorted', () => {
    expect(canonicalJson({ view: { z: 1, a: { y: 2, b: 3 } }, step: 2, kernel: '6.18', text: 'x' } as never)).toBe(
      '{"v":1,"text":"x","kernel":"6.18","step":2,"view":{"a":{"b":3,"y":2},"z":1}}',
    );
    expect(canonicalJson({ text: 'x', kernel: 'latest' })).toBe('{"v":1,"text":"x","kernel":"latest"}');
  });

  it('is raw deflate of the canonical JSON, base64url without padding', () => {
    const fragment = encodeFragment({ text: 'hello', kernel: '5.7' });
    const bytes = fromBase64url(fragment.slice(4));
    expect(strFromU8(inflateSync(bytes))).toBe('{"v":1,"text":"hello","kernel":"5.7"}');
    expect(fragment).not.toContain('=');
  });

  it('reads a fragment without the # and refuses unknown versions, damage and bad fields with a reason', () => {
    const fragment = encodeFragment({ text: 'x', kernel: '5.7' });
    expect(decodeFragment(fragment.slice(1)).kernel).toBe('5.7');
    expect(() => decodeFragment('#v2:' + fragment.slice(4))).toThrow(/schema v2/);
    expect(() => decodeFragment('#v0:' + fragment.slice(4))).toThrow(LinkError);
    expect(() => decodeFragment('#gallery')).toThrow(/not a cowscope link/);
    expect(() => decodeFragment('#v1:AAAA')).toThrow(/damaged/);
    expect(() => decodeFragment('#v1:a+b/')).toThrow(/base64url/);
    expect(() => normalizeContent({ text: 'x', kernel: '../etc' })).toThrow(/kernel/);
    expect(() => normalizeContent({ text: 'x', kernel: '5.7', step: -1 })).toThrow(/step/);
    expect(() => normalizeContent({ text: 1, kernel: '5.7' })).toThrow(/text/);
  });

  it('refuses a v1 payload that says it is another version', () => {
    const lying = '#v1:' + base64url(new TextEncoder().encode('x')); // not deflate at all
    expect(() => decodeFragment(lying)).toThrow(LinkError);
  });

  it.each(gallery)('gallery %s fits in under 2 KB as a #v1: fragment', (file) => {
    const text = readFileSync(`${scenarios}/${file}`, 'utf8');
    const fragment = encodeFragment({ text, kernel: '6.18', compare: '5.7', step: 12, view: { theme: 'projector' } });
    expect(fragment.length).toBeLessThan(2048);
    expect(decodeFragment(fragment).text).toBe(text.replace(/\r\n?/g, '\n'));
  });

  it('hashes the canonical JSON like the server: SHA-256 in lower-case base32 without padding', async () => {
    // RFC 4648 test vectors
    expect(base32(new TextEncoder().encode('foobar'))).toBe('mzxw6ytboi');
    expect(base32(new TextEncoder().encode('f'))).toBe('my');
    const hash = await contentHash({ text: 'x', kernel: '5.7' });
    expect(hash).toMatch(/^[a-z2-7]{52}$/);
    expect(await contentHash({ text: 'x\r\n', kernel: '5.7' })).toBe(await contentHash({ text: 'x\n', kernel: '5.7' }));
    expect(await contentHash({ text: 'x', kernel: '6.18' })).not.toBe(hash);
  });
});

describe('embed snippet', () => {
  it('writes only the options that differ from the defaults, on a short link', () => {
    const url = embedUrl('https://h.example/', { shortId: 'k7fq2a' }, { step: 3, loop: [2, 5], theme: 'dark', controls: false });
    expect(url).toBe('https://h.example/embed/s/k7fq2a?step=3&loop=2-5&theme=dark&controls=0');
    expect(embedUrl('https://h.example', { shortId: 'k7fq2a' }, { theme: 'auto', controls: true })).toBe('https://h.example/embed/s/k7fq2a');
  });

  it('keeps a full-state link in the fragment, after the query', () => {
    expect(embedUrl('http://h', { fragment: '#v1:abc' }, { step: 1 })).toBe('http://h/embed?step=1#v1:abc');
  });

  it('refuses a loop that runs backwards', () => {
    expect(() => embedUrl('http://h', { shortId: 'abcdef' }, { loop: [5, 2] })).toThrow(RangeError);
  });

  it('escapes the title and URL inside the iframe markup', () => {
    const html = embedSnippet('http://h/embed/s/abcdef?step=1&theme=dark', { title: 'a "quoted" <b>' });
    expect(html).toBe(
      '<iframe src="http://h/embed/s/abcdef?step=1&amp;theme=dark" width="800" height="450" style="border:0" loading="lazy" title="cowscope: a &quot;quoted&quot; &lt;b&gt;"></iframe>',
    );
  });

  it('reads the data attributes the server writes, ignoring bad ones', () => {
    expect(readEmbedOptions({ embed: '1', step: '3', loop: '2-5', theme: 'dark', controls: '0' })).toEqual({ embed: true, step: 3, loop: [2, 5], theme: 'dark', controls: false });
    expect(readEmbedOptions({ step: 'x', loop: '5-2', theme: 'pink' })).toEqual({ embed: false, controls: true });
  });
});

describe('follow', () => {
  const state = { step: 4, kernel: '5.7', compare: '6.18', link: 'abcdef' };
  const shown = { link: 'abcdef', hash: null, kernel: '5.7', compare: '6.18', step: 4 };

  it('opens the scenario first, then kernel, compare and step, one at a time', () => {
    expect(plan(state, null)).toEqual({ kind: 'open', link: 'abcdef', state });
    expect(plan(state, { ...shown, link: 'zzzzzz' }).kind).toBe('open');
    expect(plan(state, { ...shown, kernel: '6.1', step: 0 })).toEqual({ kind: 'kernel', version: '5.7' });
    expect(plan(state, { ...shown, compare: null, step: 0 })).toEqual({ kind: 'compare', kernel: '6.18' });
    expect(plan({ ...state, compare: undefined }, shown)).toEqual({ kind: 'compare', kernel: null });
    expect(plan(state, { ...shown, step: 1 })).toEqual({ kind: 'goto', step: 4 });
    expect(plan(state, shown)).toEqual({ kind: 'none' });
    expect(plan(null, shown)).toEqual({ kind: 'none' });
  });

  it('follows the kernel steps within a step: into one at a time, out to start again or to the whole step', () => {
    const at = (kernelStep: number) => ({ ...shown, kernelStep });
    expect(plan({ ...state, kernelStep: 2 }, at(-1))).toEqual({ kind: 'into' });
    expect(plan({ ...state, kernelStep: 2 }, at(1))).toEqual({ kind: 'into' });
    expect(plan({ ...state, kernelStep: 2 }, at(2))).toEqual({ kind: 'none' });
    expect(plan({ ...state, kernelStep: 0 }, at(2))).toEqual({ kind: 'out' });
    expect(plan({ ...state, kernelStep: -1 }, at(1))).toEqual({ kind: 'out' });
    expect(plan(state, at(1))).toEqual({ kind: 'none' }); // a presenter that says nothing about kernel steps
    expect(plan({ ...state, kernelStep: 1 }, { ...at(0), step: 3 })).toEqual({ kind: 'goto', step: 4 });
  });

  it('recognises the scenario by hash, and says so when neither link nor hash matches', () => {
    expect(plan({ step: 1, kernel: '5.7', hash: 'h1' }, { ...shown, link: null, hash: 'h1', compare: null, step: 1 })).toEqual({ kind: 'none' });
    expect(plan({ step: 1, kernel: '5.7', hash: 'h1' }, { ...shown, hash: 'h2' })).toEqual({ kind: 'missing' });
  });

  it('keeps the update with the highest seq', () => {
    const a = { room: 'r', seq: 3, state: null };
    const b = { room: 'r', seq: 2, state: null };
    expect(newer(null, b)).toBe(b);
    expect(newer(a, b)).toBe(a);
    expect(newer(b, a)).toBe(a);
  });

  it('talks to /stomp on the page host, wss under https', () => {
    expect(stompUrl({ protocol: 'https:', host: 'h:8443' })).toBe('wss://h:8443/stomp');
    expect(stompUrl({ protocol: 'http:', host: 'localhost:1' })).toBe('ws://localhost:1/stomp');
  });
});

describe('export helpers', () => {
  it('wraps captions at spaces and cuts words longer than a line', () => {
    expect(wrap('do_wp_page: page_count is 2 ≠ 1 → wp_page_copy', 20)).toEqual(['do_wp_page:', 'page_count is 2 ≠ 1', '→ wp_page_copy']);
    expect(wrap('a'.repeat(25), 10)).toEqual(['aaaaaaaaaa', 'aaaaaaaaaa', 'aaaaa']);
    expect(wrap('one\ntwo', 80)).toEqual(['one', 'two']);
  });

  it('fits the wider side in the limit and never enlarges more than twice', () => {
    expect(fitScale(2000, 1000, 1000)).toBe(0.5);
    expect(fitScale(100, 50, 1000)).toBe(2);
  });

  it('encodes a looping GIF89a with one image per frame', () => {
    const w = 4;
    const h = 3;
    const frame = (r: number) => ({ rgba: new Uint8ClampedArray(Array.from({ length: w * h }, () => [r, 0, 255 - r, 255]).flat()), delay: 100 });
    const bytes = encodeGif([frame(0), frame(200)], w, h);
    expect(new TextDecoder().decode(bytes.slice(0, 6))).toBe('GIF89a');
    expect(bytes[6]! | (bytes[7]! << 8)).toBe(w);
    expect(bytes[8]! | (bytes[9]! << 8)).toBe(h);
    expect(bytes[bytes.length - 1]).toBe(0x3b); // trailer
    expect([...bytes].filter((b, i) => b === 0x2c && bytes[i - 1] === 0x00).length).toBeGreaterThanOrEqual(2); // image descriptors
    expect(new TextDecoder().decode(bytes)).toContain('NETSCAPE2.0'); // loops
  });

  it('draws a QR code with a quiet zone, as rectangles', () => {
    const { size, d } = qrPath('https://cowscope.example/#v1:abc');
    expect(size).toBeGreaterThanOrEqual(21 + 8);
    expect(d).toMatch(/^(M\d+ \d+h\d+v1h-\d+z)+$/);
    // the finder pattern's top-left corner sits right after the 4-module quiet zone
    expect(d.startsWith('M4 4h7')).toBe(true);
  });
});
