import type { LinkContent } from './link';

/** The server's share and room APIs (docs/share.md); errors come back as ApiError with the server's words. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfter: number | null = null,
  ) {
    super(message);
  }
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { ...init, credentials: 'same-origin', headers: { Accept: 'application/json', ...(init?.body ? { 'Content-Type': 'application/json' } : {}) } });
  } catch {
    throw new ApiError(0, 'offline', 'the server cannot be reached');
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    const retry = Number(response.headers.get('Retry-After'));
    const code = typeof body.error === 'string' ? body.error : `http-${response.status}`;
    let message = typeof body.message === 'string' ? body.message : `the server answered ${response.status}`;
    if (code === 'rate-limited') message = `Too many at once: ${message}${retry ? ` — try again in ${retry} s` : ''}`;
    throw new ApiError(response.status, code, message, Number.isFinite(retry) && retry > 0 ? retry : null);
  }
  return body as T;
}

export interface ShortLink {
  readonly id: string;
  readonly url: string;
}

export function createShortLink(content: LinkContent): Promise<ShortLink> {
  return call<ShortLink>('/api/links', { method: 'POST', body: JSON.stringify(content) });
}

export function fetchShortLink(id: string): Promise<LinkContent & { id: string }> {
  return call(`/api/links/${encodeURIComponent(id)}`);
}

export interface CreatedRoom {
  readonly room: string;
  readonly code: string;
  readonly presenterKey: string;
}

export function createRoom(): Promise<CreatedRoom> {
  return call<CreatedRoom>('/api/rooms', { method: 'POST' });
}

export function findRoom(code: string): Promise<{ room: string; code: string }> {
  return call(`/api/rooms/${encodeURIComponent(code.trim())}`);
}
