import { ApiError, createRoom, type CreatedRoom, createShortLink, fetchShortLink, findRoom } from './api';
import { copyText, h } from './dom';
import type { LinkContent } from './link';
import { qrSvg } from './qr';
import { newer, plan, RoomConnection, type RoomState, type RoomUpdate, stompUrl } from './room';
import { type ClientRequest, request } from '../model/protocol';
import type { Store } from '../model/store';

/** sessionStorage key of the room this tab presents (with its key), so a reload keeps presenting */
const PRESENTING = 'cowscope.presenting';

/** What present / follow needs from the page. */
export interface PresentApp {
  readonly store: Store;
  send(message: ClientRequest): void;
  /** opens link content at a step (as a full-state or short link would) */
  open(content: LinkContent, link: string, step: number): Promise<void>;
  /** the short link the shown scenario came from (null if none), and whether a link is being opened */
  shown(): { readonly link: string | null; readonly busy: boolean };
}

export interface Rooms {
  showDialog(): void;
  follow(room: string, code: string | null): void;
  /** called on every state change: the presenter publishes, the follower catches up */
  sync(): void;
  following(): { attached: boolean; seq: number; state: RoomState | null } | null;
  presenting(): { code: string; link: string | null; published: string } | null;
}

/**
 * Present / follow (docs/share.md, "Rooms" and "Front end"): the ◉ Present dialog, the banner
 * that says when the page is presenting or following (role=status, aria-live), the presenter's
 * publishing and the follower's catching up, one request at a time (room.ts plan).
 */
export function installPresent(app: PresentApp): Rooms {
  const { store } = app;
  const root = document.documentElement;
  // ---------- follow banner (present / follow) ----------
  const bannerText = h('span', { id: 'follow-text' });
  const detachButton = h('button', { type: 'button', id: 'follow-detach' }, 'Detach');
  const refollowButton = h('button', { type: 'button', id: 'follow-again', hidden: true }, 'Follow again');
  const leaveButton = h('button', { type: 'button', id: 'follow-leave' }, 'Leave');
  const banner = h('div', { id: 'follow-banner', class: 'follow-banner', role: 'status', 'aria-live': 'polite', hidden: true }, bannerText, ' ', detachButton, refollowButton, ' ', leaveButton);
  (document.querySelector('.app-header') ?? document.body.firstElementChild)?.after(banner);

  // ---------- present / follow ----------
  const presentStart = h('button', { type: 'button', id: 'present-start' }, 'Start presenting');
  const presentStop = h('button', { type: 'button', id: 'present-stop', hidden: true }, 'Stop presenting');
  const joinInput = h('input', { id: 'present-join-link', readonly: true, class: 'share-url', 'aria-label': 'Join link' });
  const copyJoin = h('button', { type: 'button', id: 'present-join-copy' }, 'Copy join link');
  const codeShown = h('strong', { id: 'present-code', class: 'room-code' });
  const joinQr = h('div', { class: 'qr-box' });
  const presentInfo = h('div', { id: 'present-info', hidden: true },
    h('p', {}, 'Room code: ', codeShown),
    h('div', { class: 'share-row' }, joinInput, copyJoin),
    joinQr);
  const codeInput = h('input', { id: 'join-code', autocomplete: 'off', size: '8', placeholder: 'K7QF2M' });
  const joinForm = h('form', { id: 'join-form', class: 'share-row' }, h('label', { for: 'join-code' }, 'Room code '), codeInput, h('button', { type: 'submit' }, 'Follow'));
  const presentStatus = h('p', { id: 'present-status', role: 'status', 'aria-live': 'polite' });
  const presentError = h('p', { id: 'present-error', class: 'share-error', role: 'alert' });
  const closePresent = h('button', { type: 'button', class: 'dialog-close' }, 'Close');
  const presentDialog = h(
    'dialog',
    { id: 'present-dialog', class: 'share-dialog', 'aria-labelledby': 'present-h' },
    h('h2', { id: 'present-h' }, 'Present / follow'),
    h('section', { 'aria-labelledby': 'present-p-h' },
      h('h3', { id: 'present-p-h' }, 'Present'),
      h('p', { class: 'muted' }, 'Followers see your scenario, step, kernel and compare mode as you change them. The room keeps only that state; idle rooms are deleted after 12 hours.'),
      presentStart, presentStop, presentInfo),
    h('section', { 'aria-labelledby': 'present-f-h' }, h('h3', { id: 'present-f-h' }, 'Follow a presenter'), joinForm),
    presentStatus,
    presentError,
    closePresent,
  );
  document.body.append(presentDialog);
  presentDialog.addEventListener('keydown', (event) => event.stopPropagation());
  closePresent.addEventListener('click', () => presentDialog.close());

  let presenting: { connection: RoomConnection; code: string; link: string | null; linkedText: string | null; creating: boolean; retryAt: number; published: string } | null = null;
  let following: { connection: RoomConnection; code: string | null; latest: RoomUpdate | null; attached: boolean; busy: string | null; problem: string | null; presenterLeft: boolean } | null = null;

  function showBanner(): void {
    if (following) {
      const state = following.latest?.state;
      const where = state ? `step ${state.step} · kernel ${state.kernel}${state.compare ? ' vs ' + state.compare : ''}` : 'waiting for the presenter';
      bannerText.textContent = following.presenterLeft
        ? `The presenter has left${following.code ? ' room ' + following.code : ''}; this page stays where they were${state ? ` (${where})` : ''} and follows again if they come back`
        : following.attached
        ? `Following the presenter (${following.code ? 'room ' + following.code : 'by link'}) — ${where}${following.problem ? ' · ' + following.problem : ''}`
        : `Detached from the presenter (${following.code ? 'room ' + following.code : 'by link'}), who is at ${where}`;
      banner.dataset.mode = following.presenterLeft ? 'presenter-left' : following.attached ? 'following' : 'detached';
      detachButton.hidden = !following.attached;
      refollowButton.hidden = following.attached;
      banner.hidden = false;
      root.dataset.following = following.attached ? 'on' : 'detached';
    } else if (presenting) {
      bannerText.textContent = `Presenting — followers join with code ${presenting.code} or the join link`;
      banner.dataset.mode = 'presenting';
      detachButton.hidden = refollowButton.hidden = true;
      banner.hidden = false;
      delete root.dataset.following;
    } else {
      banner.hidden = true;
      delete root.dataset.following;
    }
  }

  function stopAll(): void {
    if (presenting || following) document.dispatchEvent(new CustomEvent('cowscope:room', { detail: null }));
    if (presenting) sessionStorage.removeItem(PRESENTING);
    presenting?.connection.stop();
    following?.connection.stop();
    presenting = null;
    following = null;
    presentStart.hidden = false;
    presentStop.hidden = true;
    presentInfo.hidden = true;
    showBanner();
  }

  async function presenterSync(): Promise<void> {
    const p = presenting;
    const session = store.state.session;
    if (!p || !session) return;
    if (p.linkedText !== session.text) {
      if (p.creating || Date.now() < p.retryAt) return;
      p.creating = true;
      try {
        p.link = (await createShortLink({ text: session.text, kernel: session.kernel })).id;
        p.linkedText = session.text;
        presentError.textContent = '';
      } catch (e) {
        presentError.textContent = `The scenario could not be shared with the room: ${e instanceof Error ? e.message : String(e)}`;
        // not again on every change of the page: after the server's Retry-After, or 5 s
        const delay = e instanceof ApiError && e.retryAfter ? e.retryAfter * 1000 : 5000;
        p.retryAt = Date.now() + delay;
        setTimeout(() => void presenterSync(), delay + 50);
        return;
      } finally {
        p.creating = false;
      }
    }
    const now = store.state.session;
    if (!now || !p.link || presenting !== p) return;
    const state: RoomState = { step: now.step, kernelStep: now.kernelStep, kernel: now.kernel, ...(now.compare ? { compare: now.compare } : {}), link: p.link };
    const key = JSON.stringify(state);
    if (key === p.published) return;
    if (p.connection.publish(state)) p.published = key;
    if (p.linkedText !== now.text) void presenterSync();
  }

  presentStart.addEventListener('click', async () => {
    presentError.textContent = '';
    if (!store.state.session) {
      presentError.textContent = 'Load a scenario first: followers see what you show.';
      return;
    }
    presentStart.disabled = true;
    try {
      present(await createRoom());
    } catch (e) {
      presentError.textContent = e instanceof ApiError ? e.message : `The room could not be opened: ${String(e)}`;
    } finally {
      presentStart.disabled = false;
    }
  });

  /** Presents in a room: connects with its key, shows code and join link, publishes on every change. */
  function present(room: CreatedRoom): void {
    stopAll();
    const connection = new RoomConnection(stompUrl(location), room.room, room.presenterKey, {
      onConnected: (up) => {
        presentStatus.textContent = up ? 'Connected to the room.' : 'Room connection lost, reconnecting…';
        if (up && presenting) {
          presenting.published = '';
          void presenterSync();
        }
      },
      onError: (message) => (presentError.textContent = message),
    });
    presenting = { connection, code: room.code, link: null, linkedText: null, creating: false, retryAt: 0, published: '' };
    // issue 13: the class vote (src/teach/vote.ts) speaks in the same room
    document.dispatchEvent(new CustomEvent('cowscope:room', { detail: { role: 'presenter', room: room.room, key: room.presenterKey } }));
    // a reload of this tab keeps presenting the same room (the key never leaves the tab)
    sessionStorage.setItem(PRESENTING, JSON.stringify(room));
    connection.start();
    const join = `${location.origin}/?room=${room.room}`;
    joinInput.value = join;
    codeShown.textContent = room.code;
    joinQr.replaceChildren(qrSvg(document, join, 'QR code of the join link'));
    presentInfo.hidden = false;
    presentStart.hidden = true;
    presentStop.hidden = false;
    root.dataset.presenting = room.code;
    showBanner();
    void presenterSync();
  }
  presentStop.addEventListener('click', () => {
    stopAll();
    delete root.dataset.presenting;
  });
  copyJoin.addEventListener('click', async () => (presentStatus.textContent = (await copyText(joinInput.value, joinInput)) ? 'Join link copied.' : 'Select the link and copy it.'));

  function follow(room: string, code: string | null): void {
    stopAll();
    const connection = new RoomConnection(stompUrl(location), room, null, {
      onUpdate: (update) => {
        if (!following) return;
        following.latest = newer(following.latest, update);
        following.presenterLeft = false;
        showBanner();
        followerSync();
      },
      onPresenterLeft: () => {
        if (!following) return;
        following.presenterLeft = true;
        showBanner();
      },
      onError: (message) => {
        if (following) following.problem = message;
        showBanner();
      },
      onConnected: (up) => {
        if (following) following.problem = up ? null : 'connection lost, reconnecting…';
        showBanner();
      },
    });
    following = { connection, code, latest: null, attached: true, busy: null, problem: null, presenterLeft: false };
    document.dispatchEvent(new CustomEvent('cowscope:room', { detail: { role: 'follower', room } }));
    connection.start();
    showBanner();
  }

  /** Takes the follower one move closer to the presenter's state; called on every update and state change. */
  function followerSync(): void {
    const f = following;
    if (!f || !f.attached || app.shown().busy || store.state.status !== 'connected') return;
    const session = store.state.session;
    const shown = session ? { link: app.shown().link, hash: null, kernel: session.kernel, compare: session.compare, step: session.step, kernelStep: session.kernelStep } : null;
    const next = plan(f.latest?.state ?? null, shown);
    const key = `${JSON.stringify(next)}@${session?.version ?? 0}`;
    if (next.kind === 'none') {
      f.busy = null;
      return;
    }
    if (f.busy === key) return;
    f.busy = key;
    switch (next.kind) {
      case 'open':
        fetchShortLink(next.link)
          .then((content) => app.open({ text: content.text, kernel: next.state.kernel, ...(next.state.compare ? { compare: next.state.compare } : {}) }, next.link, next.state.step))
          .catch((e: unknown) => {
            f.problem = `cannot open the presenter's scenario: ${e instanceof Error ? e.message : String(e)}`;
            showBanner();
          })
          .finally(() => {
            f.busy = null;
            followerSync();
          });
        return;
      case 'kernel':
        app.send(request.kernel(next.version));
        return;
      case 'compare':
        app.send(request.compare(next.kernel));
        return;
      case 'goto':
        app.send(request.goto(next.step));
        return;
      case 'into':
        app.send(request.into());
        return;
      case 'out':
        app.send(request.out());
        return;
      case 'missing':
        f.problem = "the presenter's scenario is not available here";
        showBanner();
    }
  }

  joinForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    presentError.textContent = '';
    try {
      const found = await findRoom(codeInput.value);
      follow(found.room, found.code);
      presentDialog.close();
    } catch (e) {
      presentError.textContent = e instanceof ApiError && e.code === 'not-found' ? `There is no room with code ${codeInput.value.trim().toUpperCase()}.` : e instanceof Error ? e.message : String(e);
    }
  });
  detachButton.addEventListener('click', () => {
    if (!following) return;
    following.attached = false;
    showBanner();
    refollowButton.focus();
  });
  refollowButton.addEventListener('click', () => {
    if (!following) return;
    following.attached = true;
    following.busy = null;
    showBanner();
    detachButton.focus();
    followerSync();
  });
  leaveButton.addEventListener('click', () => {
    stopAll();
    delete root.dataset.presenting;
  });

  try {
    const saved = JSON.parse(sessionStorage.getItem(PRESENTING) ?? 'null') as CreatedRoom | null;
    if (saved && !root.dataset.embed && !new URLSearchParams(location.search).has('room')) present(saved);
  } catch {
    sessionStorage.removeItem(PRESENTING);
  }

  return {
    showDialog: () => {
      presentDialog.showModal();
      (presenting ? copyJoin : presentStart).focus();
    },
    follow,
    sync: () => {
      followerSync();
      void presenterSync();
    },
    following: () => (following ? { attached: following.attached, seq: following.latest?.seq ?? -1, state: following.latest?.state ?? null } : null),
    presenting: () => (presenting ? { code: presenting.code, link: presenting.link, published: presenting.published } : null),
  };
}
