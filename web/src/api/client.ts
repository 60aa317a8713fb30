/**
 * The one way the dashboard talks to the API: bearer token, refresh on expiry, JSON errors turned
 * into ApiError (code + message + parameter), and aborts when a view no longer needs the answer.
 */
import { getSession, sessionFromTokens, setSession, type Session } from '../session/session';

export const API_BASE = '/api/v1';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly parameter?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
  get forbidden(): boolean {
    return this.status === 403;
  }
}

export type Params = Readonly<Record<string, string | number | boolean | null | undefined>>;

export function queryString(params: Params = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

async function errorFrom(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's HTML page, say): fall back to the status text.
  }
  const error = body && typeof body === 'object' ? (body as { error?: unknown }).error : null;
  if (error && typeof error === 'object') {
    const e = error as Record<string, unknown>;
    return new ApiError(
      response.status,
      typeof e['code'] === 'string' ? e['code'] : `HTTP_${response.status}`,
      typeof e['message'] === 'string' ? e['message'] : response.statusText,
      typeof e['parameter'] === 'string' ? e['parameter'] : undefined,
    );
  }
  return new ApiError(response.status, `HTTP_${response.status}`, `${response.status} ${response.statusText || 'request failed'}`);
}

let refreshing: Promise<Session | null> | null = null;

/** Spends the refresh token once, however many requests notice the expiry at the same time. */
function refreshSession(session: Session): Promise<Session | null> {
  if (!session.refreshToken) return Promise.resolve(null);
  refreshing ??= (async () => {
    try {
      const response = await fetch(`${API_BASE}/auth/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refresh_token: session.refreshToken }),
      });
      const next = response.ok ? sessionFromTokens(await response.json(), session.user) : null;
      setSession(next);
      return next;
    } catch {
      return null;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

async function send(method: string, path: string, body: unknown, signal: AbortSignal | undefined, session: Session | null): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (session) headers['authorization'] = `Bearer ${session.accessToken}`;
  return fetch(`${API_BASE}${path}`, { method, headers, body: body === undefined ? null : JSON.stringify(body), signal: signal ?? null });
}

/** Sends a request; returns the parsed JSON body (typed `unknown`: callers narrow it). */
export async function request(method: string, path: string, options: { body?: unknown; signal?: AbortSignal | undefined } = {}): Promise<unknown> {
  let session = getSession();
  if (session && session.expiresAt < Date.now() && session.refreshToken) session = (await refreshSession(session)) ?? session;
  let response = await send(method, path, options.body, options.signal, session);
  if (response.status === 401 && session) {
    const renewed = await refreshSession(session);
    if (renewed) response = await send(method, path, options.body, options.signal, renewed);
    if (response.status === 401) setSession(null);
  }
  if (!response.ok) throw await errorFrom(response);
  if (response.status === 204) return null;
  return response.json();
}

export const apiGet = (path: string, params?: Params, signal?: AbortSignal): Promise<unknown> => request('GET', `${path}${queryString(params)}`, { signal });
export const apiPost = (path: string, body: unknown, signal?: AbortSignal): Promise<unknown> => request('POST', path, { body, signal });

/** Logs in; returns the new session or throws ApiError (401 for a wrong name or password). */
export async function login(username: string, password: string): Promise<Session> {
  const response = await fetch(`${API_BASE}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!response.ok) throw await errorFrom(response);
  const session = sessionFromTokens(await response.json(), username);
  if (!session) throw new ApiError(500, 'STRATA_WEB_BAD_LOGIN_RESPONSE', 'the server answered the login without a usable token');
  setSession(session);
  return session;
}

export function logout(): void {
  const session = getSession();
  setSession(null);
  if (session?.refreshToken) {
    // Best effort: revoke the refresh token server-side; the local session is gone either way.
    void fetch(`${API_BASE}/auth/logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.accessToken}` },
      body: JSON.stringify({ refresh_token: session.refreshToken }),
    }).catch(() => undefined);
  }
}
