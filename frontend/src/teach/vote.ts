import { Client, type IMessage } from '@stomp/stompjs';
import { h } from '../share/dom';
import { stompUrl } from '../share/room';
import type { Teach } from './teach';

/** The room the page is in, announced by present.ts ('cowscope:room' events). */
type Role = { readonly role: 'presenter'; readonly room: string; readonly key: string } | { readonly role: 'follower'; readonly room: string } | null;

interface Poll {
  readonly id: string;
  readonly prompt: string;
  readonly options: readonly string[];
  readonly form: string;
  readonly state: 'open' | 'revealed';
  readonly correct?: readonly string[];
  readonly shown?: string;
  readonly counts?: Readonly<Record<string, number>>;
}

/** Anonymous counts per choice, the largest first (at most 12 rows). */
export function histogram(counts: ReadonlyMap<string, number> | Readonly<Record<string, number>>, options: readonly string[]): [string, number][] {
  const m = new Map<string, number>(counts instanceof Map ? counts : Object.entries(counts));
  const rows: [string, number][] = options.map((o) => [o, m.get(o) ?? 0]);
  for (const [k, v] of m) if (!options.includes(k)) rows.push([k, v]);
  return rows.slice(0, 12);
}

function bars(rows: [string, number][], correct: readonly string[] = []): HTMLElement {
  const total = rows.reduce((n, [, v]) => n + v, 0);
  const grid = h('div', { class: 'teach-hist', id: 'vote-hist', 'data-total': String(total) });
  for (const [choice, n] of rows) {
    const w = total === 0 ? 0 : Math.round((n / total) * 10);
    grid.append(
      h('span', { class: correct.includes(choice) ? 'teach-verdict' : '', 'data-right': correct.includes(choice) ? 'true' : undefined }, choice),
      h('span', { class: 'teach-bar', 'data-w': String(w) }),
      h('span', { class: 'vote-count', 'data-choice': choice }, String(n)),
    );
  }
  return grid;
}

/** A follower's own random identity for a room, kept in localStorage (a reload or reconnect keeps it). */
export function followerToken(room: string, storage: Pick<Storage, 'getItem' | 'setItem'> | null = safeStorage()): string {
  const key = `cowscope.voter.${room}`;
  const kept = storage?.getItem(key);
  if (kept && /^[A-Za-z0-9_-]{16,64}$/.test(kept)) return kept;
  const bytes = new Uint8Array(18);
  crypto.getRandomValues(bytes);
  const token = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  storage?.setItem(key, token);
  return token;
}

function safeStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** my votes in a room (poll id -> choice), kept beside the token so a reload shows "Your vote" */
function keptVotes(room: string): Map<string, string> {
  try {
    const raw = safeStorage()?.getItem(`cowscope.votes.${room}`);
    const parsed = raw ? (JSON.parse(raw) as Record<string, string>) : {};
    return new Map(Object.entries(parsed).filter(([, v]) => typeof v === 'string'));
  } catch {
    return new Map();
  }
}

function keepVotes(room: string, votes: ReadonlyMap<string, string>): void {
  try {
    // the newest 50 are enough to show a reloaded page its vote
    safeStorage()?.setItem(`cowscope.votes.${room}`, JSON.stringify(Object.fromEntries([...votes].slice(-50))));
  } catch {
    // storage full or refused: the server still refuses a second vote
  }
}

/**
 * Class votes (issue 13): in present/follow mode the presenter's open question appears on every
 * follower's screen; each follower votes once (the server enforces it per connection and rate-limits);
 * the presenter sees a live anonymous histogram, then reveals, and the distribution stays beside the
 * answer on every screen.
 */
export function installVotes(teach: Teach): void {
  let role: Role = null;
  let client: Client | null = null;
  /** presenter: poll id -> voter hash -> choice (a voter's first vote counts) */
  const tally = new Map<string, Map<string, string>>();
  /** follower: the presenter's latest poll, and my votes */
  let poll: Poll | null = null;
  let mine = new Map<string, string>();
  let problem = '';
  const panel = h('aside', { id: 'vote-panel', class: 'teach-panel vote-panel', role: 'region', 'aria-label': 'Class vote', 'aria-live': 'polite', hidden: true });
  document.body.append(panel);

  document.addEventListener('cowscope:room', (event) => {
    role = ((event as CustomEvent).detail as Role) ?? null;
    connect();
  });
  teach.onChange(() => {
    if (role?.role === 'presenter') publish();
  });

  function connect(): void {
    if (client) void client.deactivate();
    client = null;
    poll = null;
    render();
    const r = role;
    if (!r) return;
    if (r.role === 'follower') mine = keptVotes(r.room);
    const c = new Client({
      brokerURL: stompUrl(location),
      reconnectDelay: 2000,
      onConnect: () => {
        c.subscribe('/user/topic/errors', (m: IMessage) => {
          try {
            problem = (JSON.parse(m.body) as { message?: string }).message ?? 'refused';
          } catch {
            problem = 'refused';
          }
          render();
        });
        if (r.role === 'presenter') {
          c.subscribe(`/topic/rooms.${r.room}.votes`, (m: IMessage) => {
            const v = JSON.parse(m.body) as { poll: string; choice: string; voter: string };
            const votes = tally.get(v.poll) ?? new Map<string, string>();
            if (!votes.has(v.voter)) votes.set(v.voter, v.choice);
            tally.set(v.poll, votes);
            render();
          });
          publish();
        } else {
          let live = false;
          c.subscribe(`/topic/rooms.${r.room}.poll`, (m: IMessage) => {
            live = true;
            poll = JSON.parse(m.body) as Poll;
            render();
          });
          // joining while a question is open: the room's latest question, unless a newer one came first
          c.subscribe(`/app/rooms/${r.room}/poll`, (m: IMessage) => {
            const latest = (JSON.parse(m.body) as { poll: Poll | null }).poll;
            if (!live && latest) {
              poll = latest;
              render();
            }
          });
        }
      },
    });
    client = c;
    c.activate();
  }

  function counts(id: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const choice of tally.get(id)?.values() ?? []) out[choice] = (out[choice] ?? 0) + 1;
    return out;
  }

  function publish(): void {
    const r = role;
    const now = teach.current();
    if (r?.role === 'presenter' && now && client?.connected) {
      const q = now.question;
      const body: Poll = now.answer
        ? { ...q, state: 'revealed', correct: now.answer.correct, shown: now.answer.shown.slice(0, 600), counts: counts(q.id) }
        : { ...q, state: 'open' };
      client.publish({ destination: `/app/rooms/${r.room}/poll`, headers: { 'presenter-key': r.key }, body: JSON.stringify(body) });
    }
    render();
  }

  function vote(p: Poll, choice: string): void {
    const r = role;
    if (r?.role !== 'follower' || !client?.connected || mine.has(p.id) || !choice.trim()) return;
    mine.set(p.id, choice.trim());
    keepVotes(r.room, mine);
    client.publish({ destination: `/app/rooms/${r.room}/vote`, body: JSON.stringify({ poll: p.id, choice: choice.trim(), token: followerToken(r.room) }) });
    render();
  }

  function render(): void {
    const r = role;
    const error = problem ? h('p', { class: 'share-error' }, problem) : '';
    if (r?.role === 'presenter') {
      const now = teach.current();
      if (!now) {
        panel.hidden = true;
        return;
      }
      const votes = tally.get(now.question.id)?.size ?? 0;
      panel.replaceChildren(
        h('h2', {}, `Class votes: `, h('span', { id: 'vote-total' }, String(votes))),
        bars(histogram(counts(now.question.id), now.question.options), now.answer?.correct ?? []),
        h('p', { class: 'muted' }, now.answer ? 'Revealed to the class.' : 'Live and anonymous; the class sees the counts after you reveal.'),
        error,
      );
      panel.hidden = false;
      return;
    }
    if (r?.role === 'follower' && poll) {
      const p = poll;
      const voted = mine.get(p.id);
      const children: (Node | string)[] = [h('h2', {}, 'The presenter asks'), h('p', { class: 'teach-prompt', id: 'vote-prompt' }, p.prompt)];
      if (p.state === 'open' && voted === undefined) {
        const choices = h('div', { class: 'teach-choices' });
        if (p.options.length) {
          for (const o of p.options) {
            const b = h('button', { type: 'button', class: 'vote-choice', 'data-choice': o }, o);
            b.addEventListener('click', () => vote(p, o));
            choices.append(b);
          }
        } else {
          const input = h('input', { id: 'vote-input', type: p.form === 'number' ? 'number' : 'text', 'aria-label': 'Your answer' });
          const form = h('form', {}, input, h('button', { type: 'submit', class: 'vote-choice' }, 'Vote'));
          form.addEventListener('submit', (e) => {
            e.preventDefault();
            vote(p, input.value);
          });
          choices.append(form);
        }
        children.push(choices);
      } else if (p.state === 'open') {
        children.push(h('p', { id: 'vote-mine' }, `Your vote: ${voted}. Waiting for the reveal…`));
      } else {
        const right = voted !== undefined && (p.correct ?? []).includes(voted);
        children.push(
          h('p', { id: 'vote-answer' }, 'Answer: ', h('strong', {}, (p.correct ?? []).join(' or ') || '—'), p.shown ? ` — ${p.shown}` : ''),
          bars(histogram(p.counts ?? {}, p.options), p.correct ?? []),
          voted === undefined ? '' : h('p', { class: 'teach-verdict', id: 'vote-verdict', 'data-right': String(right) }, right ? `✓ You voted ${voted}` : `✗ You voted ${voted}`),
        );
      }
      if (error) children.push(error);
      panel.replaceChildren(...children);
      panel.hidden = false;
      return;
    }
    panel.hidden = true;
  }
}
