// @vitest-environment happy-dom
import { EditorState } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { toLint } from '../src/render/editor';
import { galleryItem, galleryOrder } from '../src/model/gallery';

describe('editor diagnostics', () => {
  it('turns the server\'s 1-based line and column into a range on that line', () => {
    const state = EditorState.create({ doc: 'process parent\nparent: buf = mmpa 1\n' });
    const [d] = toLint(state, [{ code: 'E201', message: "unknown operation 'mmpa'; did you mean 'mmap'?", line: 2, column: 15, length: 4, severity: 'error' }]);
    expect(state.sliceDoc(d!.from, d!.to)).toBe('mmpa');
    expect(d!.severity).toBe('error');
    expect(d!.message).toContain('E201');
  });

  it('clamps diagnostics outside the text', () => {
    const state = EditorState.create({ doc: 'x' });
    const [d] = toLint(state, [{ code: '', message: 'm', line: 9, column: 40, length: 3, severity: 'error' }]);
    expect(d!.from).toBeLessThanOrEqual(1);
  });
});

describe('gallery', () => {
  it('reads title, tags and kernel from a scenario and keeps the course order', () => {
    const text = '# tags: cve, pipe\ntitle "T"\nkernel 5.7\nprocess p\n';
    expect(galleryItem('x', text)).toMatchObject({ id: 'x', title: 'T', tags: ['cve', 'pipe'], kernel: '5.7' });
    const items = galleryOrder('b.cow\na.cow\n', { a: 'title "A"', b: 'title "B"', c: 'title "C"' });
    expect(items.map((i) => i.id)).toEqual(['b', 'a', 'c']);
  });
});
