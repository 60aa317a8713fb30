/**
 * The signed-in user: tokens from POST /api/v1/auth/login, kept in localStorage so a reload keeps
 * the session. The role shown in the UI comes from the token's `role` claim; the server enforces
 * it on every request, the UI only hides what the role cannot use.
 */
export const ROLES = ['viewer', 'analyst', 'engineer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Session {
  readonly user: string;
  readonly role: Role;
  readonly accessToken: string;
  readonly refreshToken: string | null;
  /** Epoch ms after which the access token must be refreshed. */
  readonly expiresAt: number;
}

const KEY = 'strata.session';
type Listener = (session: Session | null) => void;
const listeners = new Set<Listener>();

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);
export const roleAtLeast = (role: Role, needed: Role): boolean => ROLES.indexOf(role) >= ROLES.indexOf(needed);

/** The JSON payload of a JWT, unverified (the server verifies; the client only reads its claims). */
export function jwtClaims(token: string): Record<string, unknown> | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='));
    const value: unknown = JSON.parse(json);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function parseSession(value: unknown): Session | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  if (typeof v['user'] !== 'string' || !isRole(v['role']) || typeof v['accessToken'] !== 'string' || typeof v['expiresAt'] !== 'number') return null;
  return {
    user: v['user'],
    role: v['role'],
    accessToken: v['accessToken'],
    refreshToken: typeof v['refreshToken'] === 'string' ? v['refreshToken'] : null,
    expiresAt: v['expiresAt'],
  };
}

let current: Session | null = (() => {
  try {
    return parseSession(JSON.parse(localStorage.getItem(KEY) ?? 'null'));
  } catch {
    return null;
  }
})();

export const getSession = (): Session | null => current;

export function setSession(session: Session | null): void {
  current = session;
  try {
    if (session) localStorage.setItem(KEY, JSON.stringify(session));
    else localStorage.removeItem(KEY);
  } catch {
    // Private mode without storage: the session lives until the tab closes.
  }
  for (const listener of listeners) listener(session);
}

export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Builds a session from a login or refresh response; null when the response is not one. */
export function sessionFromTokens(body: unknown, fallbackUser: string): Session | null {
  if (!body || typeof body !== 'object') return null;
  const b = body as Record<string, unknown>;
  const accessToken = typeof b['access_token'] === 'string' ? b['access_token'] : typeof b['token'] === 'string' ? b['token'] : null;
  if (!accessToken) return null;
  const claims = jwtClaims(accessToken) ?? {};
  const role = isRole(b['role']) ? b['role'] : claims['role'];
  if (!isRole(role)) return null;
  const expiresIn = typeof b['expires_in'] === 'number' ? b['expires_in'] : null;
  const exp = typeof claims['exp'] === 'number' ? claims['exp'] * 1000 : null;
  return {
    user: typeof claims['sub'] === 'string' ? claims['sub'] : fallbackUser,
    role,
    accessToken,
    refreshToken: typeof b['refresh_token'] === 'string' ? b['refresh_token'] : null,
    // Refresh a little early so a request never leaves with a token about to expire.
    expiresAt: (exp ?? Date.now() + (expiresIn ?? 900) * 1000) - 30_000,
  };
}
