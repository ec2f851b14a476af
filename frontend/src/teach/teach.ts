import './teach.css';
import { type ClientRequest } from '../model/protocol';
import type { SessionState } from '../model/session';
import type { Store } from '../model/store';
import { h } from '../share/dom';
import { type Answer, fetchAnswer, fetchLesson, fetchLessons, fetchPractice, fetchQuestions, type Lesson, type PracticeSet, type Question } from './api';

const MOVES = new Set(['step', 'goto', 'into', 'out', 'run', 'append', 'load']);

/** What the teach module needs from the page (main.ts wires it). */
export interface TeachApp {
  readonly store: Store;
  /** the page's send (moves go through {@link Teach.intercept}) */
  send(message: ClientRequest): void;
  /** loads a scenario text at a kernel */
  load(text: string, kernel: string): void;
}

/** A question open on this page, for the class vote (present/follow). */
export interface OpenQuestion {
  readonly id: string;
  readonly prompt: string;
  readonly options: readonly string[];
  readonly form: string;
}

export interface Teach {
  /** true when the move waits for a question (predict mode stops before the step) */
  intercept(message: ClientRequest): boolean;
  /** the address bar holds a lesson or practice position: the page must not clear it */
  keepsAddress(): boolean;
  /** the question shown now (null: none), and its answer once revealed */
  current(): { question: OpenQuestion; answer: Answer | null } | null;
  /** called with each question shown and each reveal (the vote module listens) */
  onChange(listener: () => void): void;
}

/**
 * Predict-then-reveal (issue 13): before a step with questions -- the scenario's asks, and in predict
 * mode an automatic "copy or reuse?" before every decision -- the page stops, the viewer answers, and
 * the reveal shows the engine's answer at the chosen kernel with its rule and commit. A running score.
 * Lessons (?lesson=ID&part=N) and practice (?practice=SEED&count=K) load their scenarios here.
 */
export function installTeach(app: TeachApp): Teach {
  const params = new URLSearchParams(window.location.search);
  let predict = params.get('predict') === '1';
  let lesson: Lesson | null = null;
  let part = 0;
  let practice: PracticeSet | null = null;
  let problem = 0;
  let cacheKey = '';
  let questions: Question[] | null = null;
  let fetching: Promise<void> | null = null;
  const answered = new Set<string>();
  const score = { right: 0, asked: 0 };
  let pending: { message: ClientRequest; list: Question[]; i: number; key: string; text: string; kernel: string; auto: boolean } | null = null;
  let shown: { question: OpenQuestion; answer: Answer | null } | null = null;
  let bypass = false;
  const listeners: (() => void)[] = [];
  const changed = () => listeners.forEach((l) => l());

  // ---------- elements ----------
  const panel = h('aside', { id: 'teach-panel', class: 'teach-panel', role: 'region', 'aria-label': 'Question', 'aria-live': 'polite', hidden: true });
  const bar = h('section', { id: 'teach-lesson', class: 'teach-lesson', 'aria-label': 'Lesson', hidden: true });
  const header = document.querySelector('.app-header');
  if (header) header.after(bar);
  else document.body.prepend(bar);
  document.body.append(panel);
  const scoreText = () => `Score ${score.right} / ${score.asked}`;

  const toolbar = document.querySelector('.toolbar');
  const teachButton = h('button', { type: 'button', id: 'teach-button', 'aria-haspopup': 'true', title: 'Predict, lessons, practice' }, '? Teach');
  teachButton.addEventListener('click', () => showMenu());
  toolbar?.append(teachButton);

  /** auto questions (predict) are asked in predict mode; lessons and practice ask their own */
  const autoAsk = () => predict && !lesson && !practice;
  const active = () => predict || lesson !== null || practice !== null;
  const keyOf = (s: SessionState) => `${autoAsk() ? 'p' : 'a'}\n${s.kernel}\n${s.text}`;

  function refresh(s: SessionState): Promise<void> {
    const key = keyOf(s);
    if (key === cacheKey && questions) return Promise.resolve();
    if (key === cacheKey && fetching) return fetching;
    cacheKey = key;
    questions = null;
    const auto = autoAsk();
    fetching = fetchQuestions(s.text, s.kernel, auto)
      .then((qs) => {
        if (cacheKey === key) questions = qs;
      })
      .catch((e: unknown) => {
        if (cacheKey === key) questions = [];
        console.warn('questions', e);
      });
    return fetching;
  }

  function pass(message: ClientRequest): void {
    bypass = true;
    try {
      app.send(message);
    } finally {
      bypass = false;
    }
  }

  /**
   * Where a move would take the page, for predict: a step forward (and `into`, which shows the next
   * step's kernel steps) goes one step on, a goto to its step; a run forward stops where the server
   * finds its condition, unknown here ('blind': checked when it lands). Other moves ask nothing.
   */
  function targetOf(message: ClientRequest, s: SessionState): number | 'blind' | null {
    if (message.type === 'step') return message.dir === 'forward' ? s.step + 1 : null;
    if (message.type === 'into') return s.kernelStep < 0 ? s.step + 1 : null;
    if (message.type === 'goto') return message.step > s.step ? message.step : null;
    if (message.type === 'run') return message.dir === 'forward' ? 'blind' : null;
    return null;
  }

  /** the unanswered questions of the first step in (from, to] that has any */
  function firstAhead(key: string, from: number, to: number): Question[] {
    const ahead = (questions ?? []).filter((q) => q.step > from && q.step <= to && !answered.has(`${key}#${q.index}`));
    if (!ahead.length) return [];
    const first = Math.min(...ahead.map((q) => q.step));
    return ahead.filter((q) => q.step === first);
  }

  /** a run forward that passed questions: back to before the first of them, ask, then on to where the run stopped */
  let blind: { from: number; key: string } | null = null;

  function stopBefore(list: Question[], message: ClientRequest, s: SessionState, key: string): void {
    if (app.store.state.ui.playing) app.store.dispatch({ kind: 'ui', change: { playing: false } });
    pending = { message, list, i: 0, key, text: s.text, kernel: s.kernel, auto: autoAsk() };
    const before = list[0]!.step - 1;
    if (before !== s.step) pass({ type: 'goto', v: 1, step: before });
    ask();
  }

  function intercept(message: ClientRequest): boolean {
    if (bypass || !active()) return false;
    const s = app.store.state.session;
    if (!s) return false;
    // another move before a run's answer came: that run no longer decides where the page is
    if (message.type !== 'run' && MOVES.has(message.type)) blind = null;
    const target = targetOf(message, s);
    if (target === null) return false;
    if (pending) return true;
    const key = keyOf(s);
    if (key !== cacheKey || questions === null) {
      const step = s.step;
      void refresh(s).then(() => {
        const now = app.store.state.session;
        if (now && now.step === step && !intercept(message)) pass(message);
      });
      return true;
    }
    if (target === 'blind') {
      blind = { from: s.step, key };
      return false;
    }
    const list = firstAhead(key, s.step, target);
    if (!list.length) return false;
    stopBefore(list, message, s, key);
    return true;
  }

  function ask(): void {
    if (!pending) return;
    const q = pending.list[pending.i]!;
    shown = { question: { id: `${pending.kernel}:${q.index}:${q.step}`, prompt: q.prompt, options: q.options, form: q.form }, answer: null };
    const choices = h('div', { class: 'teach-choices' });
    if (q.options.length) {
      for (const option of q.options) {
        const b = h('button', { type: 'button', class: 'teach-choice', 'data-choice': option }, option);
        b.addEventListener('click', () => void answer(option));
        choices.append(b);
      }
    } else {
      const input = h('input', { id: 'teach-input', type: q.form === 'number' ? 'number' : 'text', 'aria-label': 'Your answer' });
      const form = h('form', { class: 'teach-choices' }, input, h('button', { type: 'submit', class: 'teach-choice' }, 'Answer'));
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        void answer(input.value);
      });
      choices.append(form);
    }
    const skip = h('button', { type: 'button', id: 'teach-skip', class: 'muted' }, 'Show the answer');
    skip.addEventListener('click', () => void answer(null));
    panel.replaceChildren(
      h('h2', {}, `Predict · before step ${q.step} · kernel ${pending.kernel}`),
      h('p', { class: 'muted' }, q.stepSource),
      h('p', { class: 'teach-prompt', id: 'teach-prompt' }, q.prompt),
      choices,
      h('p', {}, skip, ' ', h('span', { class: 'teach-score', id: 'teach-score' }, scoreText())),
    );
    panel.hidden = false;
    (panel.querySelector('button') as HTMLElement | null)?.focus();
    changed();
  }

  async function answer(given: string | null): Promise<void> {
    if (!pending) return;
    const p = pending;
    const q = p.list[p.i]!;
    let a: Answer;
    try {
      a = await fetchAnswer(p.text, p.kernel, p.auto, q.index, given);
    } catch (e) {
      panel.append(h('p', { class: 'share-error' }, `no answer: ${e instanceof Error ? e.message : String(e)}`));
      return;
    }
    answered.add(`${p.key}#${q.index}`);
    if (given !== null) {
      score.asked++;
      if (a.right) score.right++;
    }
    if (shown) shown = { question: shown.question, answer: a };
    reveal(a, given);
    changed();
  }

  function reveal(a: Answer, given: string | null): void {
    const why = a.explanation;
    const cont = h('button', { type: 'button', id: 'teach-continue' }, 'Continue ▶');
    cont.addEventListener('click', () => next());
    const verdict = given === null ? 'The answer' : a.right ? `✓ Right: ${given}` : `✗ Not ${given}`;
    const values = why ? Object.entries(why.values).filter(([k]) => k !== 'sources').map(([k, v]) => `${k} ${String(v)}`).join(', ') : '';
    panel.querySelector('.teach-reveal')?.remove();
    panel.querySelectorAll<HTMLButtonElement>('.teach-choice').forEach((b) => (b.disabled = true));
    panel.append(
      h(
        'div',
        { class: 'teach-reveal', id: 'teach-reveal' },
        h('p', { class: 'teach-verdict', 'data-right': given === null ? undefined : String(a.right) }, verdict),
        h('p', { id: 'teach-answer' }, `The engine at ${a.kernel}: `, h('strong', { id: 'teach-correct' }, a.correct.join(' or ') || '—'), ` — ${a.shown}`),
        why
          ? h(
              'p',
              { class: 'teach-why', id: 'teach-why' },
              why.cite ? h('code', {}, why.cite) : '',
              why.function ? ` in ${why.function}` : '',
              why.text ? h('br') : '',
              why.text ?? '',
              values ? h('br') : '',
              values,
              why.commit ? h('br') : '',
              why.commit ? `commit ${why.commit}` : '',
            )
          : '',
        h('div', { id: 'teach-votes' }),
        h('p', {}, cont, ' ', h('span', { class: 'teach-score', id: 'teach-score-after' }, scoreText())),
      ),
    );
    cont.focus();
  }

  function next(): void {
    if (!pending) return;
    pending.i++;
    if (pending.i < pending.list.length) {
      ask();
      return;
    }
    const message = pending.message;
    pending = null;
    shown = null;
    panel.hidden = true;
    changed();
    // a jump goes on to where it was going, stopping again before the next unanswered question
    if (!intercept(message)) pass(message);
  }

  // ---------- the menu: predict on/off, lessons, practice ----------
  function showMenu(): void {
    if (pending) {
      panel.hidden = false;
      return;
    }
    const toggle = h('input', { type: 'checkbox', id: 'teach-predict', checked: predict });
    toggle.addEventListener('change', () => {
      predict = toggle.checked;
      cacheKey = '';
      questions = null;
      const s = app.store.state.session;
      if (s && active()) void refresh(s);
    });
    const lessons = h('ul', { id: 'teach-lessons' });
    void fetchLessons().then((ls) => {
      for (const l of ls) {
        const link = h('a', { href: `?lesson=${encodeURIComponent(l.id)}&part=1` }, `${l.title} (${l.parts} parts)`);
        lessons.append(h('li', {}, link));
      }
    });
    const seed = h('input', { id: 'teach-seed', type: 'number', value: String(Math.floor(Math.random() * 1000)), 'aria-label': 'Seed' });
    const start = h('a', { id: 'teach-practice-start', href: '#' }, 'Start practice');
    start.addEventListener('click', (e) => {
      e.preventDefault();
      const kernel = app.store.state.ui.kernel;
      window.location.search = `?practice=${encodeURIComponent(seed.value)}&count=5&kernel=${encodeURIComponent(kernel)}`;
    });
    const close = h('button', { type: 'button', id: 'teach-close' }, 'Close');
    close.addEventListener('click', () => (panel.hidden = true));
    panel.replaceChildren(
      h('h2', {}, 'Teach'),
      h('p', {}, h('label', {}, toggle, ' Predict: stop before every copy-or-reuse decision and ask')),
      h('p', { class: 'teach-score' }, scoreText()),
      h('h2', {}, 'Lessons'),
      lessons,
      h('h2', {}, 'Practice'),
      h('p', {}, 'Seed ', seed, ' ', start, h('span', { class: 'muted' }, ' (the seed is in the link: a class shares one set)')),
      close,
    );
    panel.hidden = false;
    toggle.focus();
  }

  // ---------- lessons and practice ----------
  function address(extra: Record<string, string>): void {
    const s = app.store.state.session;
    const q = new URLSearchParams(extra);
    if (s) q.set('step', String(s.step));
    const next = `?${q.toString()}`;
    if (window.location.search !== next) history.replaceState(null, '', next);
  }

  function showPart(kernel?: string): void {
    if (!lesson) return;
    const p = lesson.parts[part]!;
    const k = kernel && p.kernels.includes(kernel) ? kernel : p.kernels[0]!;
    const prev = h('button', { type: 'button', id: 'teach-prev', disabled: part === 0 }, '◀ Previous');
    const nextButton = h('button', { type: 'button', id: 'teach-next', disabled: part === lesson.parts.length - 1 }, 'Next ▶');
    prev.addEventListener('click', () => {
      part--;
      showPart();
    });
    nextButton.addEventListener('click', () => {
      part++;
      showPart();
    });
    const kernels = h('span', {}, 'Kernel: ');
    for (const v of p.kernels) {
      const b = h('button', { type: 'button', class: 'teach-kernel', 'data-kernel': v, 'aria-pressed': String(v === k) }, v);
      b.addEventListener('click', () => showPart(v));
      kernels.append(b, ' ');
    }
    const progress = h('progress', { class: 'teach-progress', max: String(lesson.parts.length), value: String(part + 1), 'aria-label': 'Lesson progress' });
    bar.replaceChildren(
      h('div', { class: 'teach-row' }, h('strong', { id: 'teach-lesson-title' }, lesson.title), h('span', { id: 'teach-part' }, `Part ${part + 1} of ${lesson.parts.length}: ${p.title}`), progress, prev, nextButton, kernels),
      ...(part === 0 ? lesson.intro.map((t) => h('p', { class: 'muted' }, t)) : []),
      ...p.intro.map((t) => h('p', { class: 'teach-intro' }, t)),
    );
    bar.hidden = false;
    address({ lesson: lesson.id, part: String(part + 1), kernel: k });
    app.load(p.text, k);
  }

  function showProblem(): void {
    if (!practice) return;
    const p = practice.problems[problem]!;
    const prev = h('button', { type: 'button', id: 'teach-prev', disabled: problem === 0 }, '◀ Previous');
    const nextButton = h('button', { type: 'button', id: 'teach-next', disabled: problem === practice.problems.length - 1 }, 'Next problem ▶');
    prev.addEventListener('click', () => {
      problem--;
      showProblem();
    });
    nextButton.addEventListener('click', () => {
      problem++;
      showProblem();
    });
    bar.replaceChildren(
      h('div', { class: 'teach-row' }, h('strong', {}, `Practice · seed ${practice.seed} · kernel ${practice.kernel}`), h('span', { id: 'teach-part' }, `Problem ${problem + 1} of ${practice.problems.length}`), prev, nextButton, h('span', { class: 'teach-score' }, scoreText())),
      h('p', { class: 'teach-intro' }, `Step to the end: before the last step you are asked — ${p.prompt}`),
    );
    bar.hidden = false;
    address({ practice: String(practice.seed), count: String(practice.problems.length), kernel: practice.kernel, problem: String(problem + 1) });
    app.load(p.text, practice.kernel);
  }

  app.store.subscribe((state, previous) => {
    const s = state.session;
    if (s && active() && s !== previous.session) void refresh(s);
    if (s && blind && previous.session && s.step !== previous.session.step) {
      const from = blind;
      blind = null;
      const list = s.step > from.from && !pending && from.key === keyOf(s) ? firstAhead(from.key, from.from, s.step) : [];
      if (list.length) stopBefore(list, { type: 'goto', v: 1, step: s.step }, s, from.key);
    }
    if (s && previous.session && s.step !== previous.session.step) {
      if (lesson) address({ lesson: lesson.id, part: String(part + 1), kernel: s.kernel });
      if (practice) address({ practice: String(practice.seed), count: String(practice.problems.length), kernel: practice.kernel, problem: String(problem + 1) });
    }
  });

  const lessonId = params.get('lesson');
  const practiceSeed = params.get('practice');
  let started = false;
  // wait for the connection (hello) before loading
  app.store.subscribe((state) => {
    if (started || state.status !== 'connected') return;
    started = true;
    if (lessonId) {
      void fetchLesson(lessonId)
        .then((l) => {
          lesson = l;
          part = Math.max(0, Math.min(l.parts.length - 1, Number(params.get('part') ?? '1') - 1));
          showPart(params.get('kernel') ?? undefined);
        })
        .catch((e: unknown) => {
          bar.replaceChildren(h('p', { class: 'share-error' }, `lesson: ${e instanceof Error ? e.message : String(e)}`));
          bar.hidden = false;
        });
    } else if (practiceSeed) {
      void fetchPractice(practiceSeed, Number(params.get('count') ?? '5') || 5, params.get('kernel') ?? 'latest')
        .then((p) => {
          practice = p;
          problem = Math.max(0, Math.min(p.problems.length - 1, Number(params.get('problem') ?? '1') - 1));
          showProblem();
        })
        .catch((e: unknown) => {
          bar.replaceChildren(h('p', { class: 'share-error' }, `practice: ${e instanceof Error ? e.message : String(e)}`));
          bar.hidden = false;
        });
    }
  });

  return {
    intercept,
    keepsAddress: () => lessonId !== null || practiceSeed !== null,
    current: () => shown,
    onChange: (l) => listeners.push(l),
  };
}
