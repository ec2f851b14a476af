/** The teach API (TeachController): questions without answers, the engine's answer, lessons, practice. */
export interface Question {
  readonly index: number;
  readonly step: number;
  readonly line: number;
  readonly stepSource: string;
  readonly prompt: string;
  readonly question: string;
  readonly form: 'choice' | 'number' | 'text';
  readonly options: readonly string[];
  readonly auto: boolean;
  readonly kernel: string;
}

export interface Explanation {
  readonly rule: string | null;
  readonly cite: string | null;
  readonly commit: string | null;
  readonly function: string | null;
  readonly text: string | null;
  readonly values: Readonly<Record<string, unknown>>;
}

export interface Answer extends Question {
  readonly correct: readonly string[];
  readonly shown: string;
  readonly right: boolean | null;
  readonly explanation: Explanation | null;
}

export interface LessonPart {
  readonly title: string;
  readonly intro: readonly string[];
  readonly scenario: string;
  readonly kernels: readonly string[];
  readonly text: string;
  readonly asks: number;
}

export interface Lesson {
  readonly id: string;
  readonly title: string;
  readonly intro: readonly string[];
  readonly parts: readonly LessonPart[];
}

export interface PracticeSet {
  readonly seed: number;
  readonly kernel: string;
  readonly problems: readonly { number: number; prompt: string; options: readonly string[]; form: string; text: string }[];
}

async function json<T>(response: Response): Promise<T> {
  const body = (await response.json()) as T & { message?: string };
  if (!response.ok) throw new Error(body.message ?? `HTTP ${response.status}`);
  return body;
}

export async function fetchQuestions(text: string, kernel: string, predict: boolean): Promise<Question[]> {
  const r = await fetch('/api/teach/questions', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ text, kernel, predict }) });
  return (await json<{ questions: Question[] }>(r)).questions;
}

export async function fetchAnswer(text: string, kernel: string, predict: boolean, index: number, given: string | null): Promise<Answer> {
  const r = await fetch('/api/teach/answer', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ text, kernel, predict, index, ...(given === null ? {} : { given }) }),
  });
  return json<Answer>(r);
}

export async function fetchLesson(id: string): Promise<Lesson> {
  return json<Lesson>(await fetch(`/api/lessons/${encodeURIComponent(id)}`));
}

export async function fetchLessons(): Promise<{ id: string; title: string; parts: number }[]> {
  return json(await fetch('/api/lessons'));
}

export async function fetchPractice(seed: string, count: number, kernel: string): Promise<PracticeSet> {
  const q = new URLSearchParams({ seed, count: String(count), kernel });
  return json<PracticeSet>(await fetch(`/api/teach/practice?${q.toString()}`));
}
