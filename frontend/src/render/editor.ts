import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { HighlightStyle, StreamLanguage, syntaxHighlighting, type StringStream } from '@codemirror/language';
import { type Diagnostic as LintDiagnostic, lintGutter, setDiagnostics } from '@codemirror/lint';
import { EditorState, RangeSetBuilder, StateEffect, StateField } from '@codemirror/state';
import { Decoration, type DecorationSet, EditorView, keymap, lineNumbers } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import type { Diagnostic } from '../model/protocol';

const KEYWORDS = new Set([
  'title', 'description', 'kernel', 'cpus', 'thp', 'mthp', 'swap', 'soft_dirty', 'fault_around_bytes', 'file', 'process', 'say',
  'expect', 'on',
]);
const OPERATIONS = new Set([
  'mmap', 'munmap', 'mprotect', 'madvise', 'write', 'read', 'fork', 'exit', 'clear_refs', 'vmsplice', 'pin', 'get',
  'unpin', 'put', 'io_uring_register', 'rdma_register', 'odirect_read', 'poke', 'uffd_register', 'uffd_wp', 'cpu',
  'dma', 'complete', 'ksmd', 'lru_drain', 'reclaim',
]);
const WORDS = new Set([
  'anon', 'private', 'shared', 'rw', 'ro', 'none', 'hugepage', 'hugetlb', 'populate', 'into', 'as', 'longterm', 'fast', 'force',
  'dontneed', 'dontfork', 'dofork', 'wipeonfork', 'keeponfork', 'mergeable', 'unmergeable', 'pageout', 'nohugepage',
  'never', 'madvise', 'always', 'inherit', 'off', 'latest', 'last', 'errno', 'hazard', 'stats', 'pte', 'page', 'pagemap', 'shares',
  'gup_retry', 'leak', 'coherent',
]);

/** Tokens of a `.cow` line: comments, strings, keywords, operations, process prefixes, numbers. */
export const cowLanguage = StreamLanguage.define<{ start: boolean }>({
  name: 'cow',
  startState: () => ({ start: true }),
  token(stream: StringStream, state) {
    if (stream.sol()) state.start = true;
    if (stream.eatSpace()) return null;
    if (stream.peek() === '#') {
      stream.skipToEnd();
      return 'comment';
    }
    if (stream.match(/^"(?:[^"\\]|\\.)*"?/)) return 'string';
    if (stream.match(/^\[[^\]]*\]/)) return 'meta';
    if (stream.match(/^\d+(?:\.\d+)?[KMG]?\b/)) return 'number';
    if (stream.match(/^(?:==|!=|>=|<=|=|!|,|\.\.)/)) return 'operator';
    const wordMatch = stream.match(/^[A-Za-z_][A-Za-z0-9_]*/) as RegExpMatchArray | null;
    if (wordMatch) {
      const w = wordMatch[0];
      const first = state.start;
      state.start = false;
      if (first && stream.peek() === ':') return 'labelName';
      if (KEYWORDS.has(w)) return 'keyword';
      if (OPERATIONS.has(w)) return 'controlKeyword';
      if (WORDS.has(w)) return 'atom';
      return 'variableName';
    }
    stream.next();
    return null;
  },
  languageData: { commentTokens: { line: '#' } },
});

const cowHighlight = HighlightStyle.define([
  { tag: tags.comment, class: 'tok-comment' },
  { tag: tags.string, class: 'tok-string' },
  { tag: tags.keyword, class: 'tok-keyword' },
  { tag: tags.controlKeyword, class: 'tok-op' },
  { tag: tags.atom, class: 'tok-atom' },
  { tag: tags.labelName, class: 'tok-proc' },
  { tag: tags.number, class: 'tok-number' },
  { tag: tags.meta, class: 'tok-meta' },
  { tag: tags.variableName, class: 'tok-name' },
]);

const setCurrentLine = StateEffect.define<number | null>();
const currentLineField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(value, tr) {
    let next = value.map(tr.changes);
    for (const effect of tr.effects) {
      if (!effect.is(setCurrentLine)) continue;
      const line = effect.value;
      if (line === null || line < 1 || line > tr.state.doc.lines) {
        next = Decoration.none;
      } else {
        const builder = new RangeSetBuilder<Decoration>();
        const at = tr.state.doc.line(line);
        builder.add(at.from, at.from, Decoration.line({ class: 'cm-current-statement', attributes: { 'aria-current': 'step' } }));
        next = builder.finish();
      }
    }
    return next;
  },
  provide: (field) => EditorView.decorations.from(field),
});

/** Converts the server's diagnostics (1-based line and column) to CodeMirror ranges. */
export function toLint(state: EditorState, diagnostics: readonly Diagnostic[]): LintDiagnostic[] {
  return diagnostics.map((d) => {
    const lineNo = Math.min(Math.max(1, d.line || 1), state.doc.lines);
    const line = state.doc.line(lineNo);
    const from = Math.min(line.to, line.from + Math.max(0, (d.column || 1) - 1));
    const to = Math.min(line.to, from + Math.max(1, d.length || 1));
    const severity = d.severity === 'warning' ? 'warning' : d.severity === 'info' ? 'info' : 'error';
    return { from, to: Math.max(to, from), severity, message: `${d.code ? d.code + ': ' : ''}${d.message}` };
  });
}

export interface ScenarioEditor {
  readonly view: EditorView;
  text(): string;
  setText(text: string): void;
  showDiagnostics(diagnostics: readonly Diagnostic[]): void;
  highlightLine(line: number | null): void;
}

/** The scenario editor; `onEdit` hears every user change (debounce it there). */
export function createEditor(parent: HTMLElement, onEdit: (text: string) => void, onRun: () => void): ScenarioEditor {
  let silent = false;
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: '',
      extensions: [
        lineNumbers(),
        history(),
        lintGutter(),
        cowLanguage,
        syntaxHighlighting(cowHighlight),
        currentLineField,
        EditorView.lineWrapping,
        EditorView.theme({ '&': { maxHeight: '40vh' }, '.cm-scroller': { overflow: 'auto' } }),
        // tabindex: axe counts only explicit focusables as a scrollable region's keyboard access
        EditorView.contentAttributes.of({ 'aria-label': 'scenario text (.cow)', tabindex: '0' }),
        keymap.of([{ key: 'Mod-Enter', run: () => (onRun(), true) }, ...defaultKeymap, ...historyKeymap]),
        EditorView.updateListener.of((update) => {
          if (update.docChanged && !silent) onEdit(update.state.doc.toString());
        }),
      ],
    }),
  });
  return {
    view,
    text: () => view.state.doc.toString(),
    setText(text) {
      if (text === view.state.doc.toString()) return;
      silent = true;
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
      silent = false;
    },
    showDiagnostics(diagnostics) {
      view.dispatch(setDiagnostics(view.state, toLint(view.state, diagnostics)));
    },
    highlightLine(line) {
      view.dispatch({ effects: [setCurrentLine.of(line)] });
      // scroll the editor only (scrollIntoView would also scroll the panels around it)
      if (line !== null && line >= 1 && line <= view.state.doc.lines) {
        view.requestMeasure({
          read: () => view.lineBlockAt(view.state.doc.line(line).from),
          write: (block) => {
            const scroller = view.scrollDOM;
            if (block.top < scroller.scrollTop || block.bottom > scroller.scrollTop + scroller.clientHeight) {
              scroller.scrollTop = Math.max(0, block.top - scroller.clientHeight / 3);
            }
          },
        });
      }
    },
  };
}
