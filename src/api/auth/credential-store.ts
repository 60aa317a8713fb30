/**
 * Users, refresh tokens and API keys in the warehouse's `api` schema. Passwords are scrypt
 * hashes; refresh tokens and API key secrets are random 256-bit values stored as SHA-256.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Row, SqlParams } from '../../engine/index.js';
import { StrataError, newId, sha256Hex } from '../../shared/index.js';
import { DUMMY_HASH, hashPassword, verifyPassword } from './passwords.js';
import { isRole, type Principal, type Role } from './roles.js';

/** Anything that runs a statement and returns rows: the writer, or a pool connection. */
export interface SqlRunner {
  query<T = Row>(sql: string, params?: SqlParams): Promise<T[]>;
}

export const USER_NAME_PATTERN = /^[A-Za-z0-9_.@-]{2,64}$/;
export const MIN_PASSWORD_LENGTH = 12;
export const REFRESH_TTL_DAYS = 14;

export interface UserRow {
  readonly user_name: string;
  readonly role: Role;
  readonly created_at: string;
}

export interface ApiKeyRow {
  readonly key_id: string;
  readonly name: string;
  readonly role: Role;
  readonly created_by: string | null;
  readonly created_at: string;
  readonly revoked_at: string | null;
}

function checkUser(userName: string, password: string | null, role: string): asserts role is Role {
  if (!USER_NAME_PATTERN.test(userName)) throw new StrataError('STRATA_ERR_BAD_REQUEST', 'user name: 2-64 letters, digits or _ . @ -', { details: { parameter: 'username' } });
  if (password !== null && password.length < MIN_PASSWORD_LENGTH) {
    throw new StrataError('STRATA_ERR_BAD_REQUEST', `password: at least ${MIN_PASSWORD_LENGTH} characters`, { details: { parameter: 'password' } });
  }
  if (!isRole(role)) throw new StrataError('STRATA_ERR_BAD_REQUEST', 'role must be viewer, analyst, engineer or admin', { details: { parameter: 'role' } });
}

export async function addUser(db: SqlRunner, userName: string, password: string, role: string): Promise<UserRow> {
  checkUser(userName, password, role);
  const existing = await db.query('SELECT 1 FROM api.users WHERE user_name = $name', { name: userName });
  if (existing.length) throw new StrataError('STRATA_ERR_CONFLICT', `user ${userName} already exists`);
  const [row] = await db.query<UserRow>(
    `INSERT INTO api.users VALUES ($name, $hash, $role, now()) RETURNING user_name, role, created_at::VARCHAR AS created_at`,
    { name: userName, hash: await hashPassword(password), role },
  );
  return row!;
}

export const listUsers = (db: SqlRunner): Promise<UserRow[]> =>
  db.query<UserRow>('SELECT user_name, role, created_at::VARCHAR AS created_at FROM api.users ORDER BY user_name');

export const countUsers = async (db: SqlRunner): Promise<number> => (await db.query<{ n: number }>('SELECT count(*)::INTEGER AS n FROM api.users'))[0]?.n ?? 0;

export async function removeUser(db: SqlRunner, userName: string): Promise<boolean> {
  await db.query('UPDATE api.refresh_tokens SET revoked_at = now() WHERE user_name = $name AND revoked_at IS NULL', { name: userName });
  return (await db.query('DELETE FROM api.users WHERE user_name = $name RETURNING 1', { name: userName })).length > 0;
}

/** The user's role when the password matches; null otherwise (same cost either way). */
export async function checkPassword(db: SqlRunner, userName: string, password: string): Promise<Role | null> {
  const [user] = await db.query<{ password_hash: string; role: string }>('SELECT password_hash, role FROM api.users WHERE user_name = $name', { name: userName });
  const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
  return ok && user && isRole(user.role) ? user.role : null;
}

export async function issueRefreshToken(db: SqlRunner, userName: string): Promise<string> {
  const token = `rt_${randomBytes(32).toString('base64url')}`;
  await db.query(`INSERT INTO api.refresh_tokens VALUES ($hash, $name, now(), now() + INTERVAL ${REFRESH_TTL_DAYS} DAY, NULL)`, { hash: sha256Hex(token), name: userName });
  return token;
}

/**
 * Spends a refresh token (each works once) and returns its user and current role. Presenting a
 * token that was already spent revokes every token of that user: it has leaked.
 */
export async function redeemRefreshToken(db: SqlRunner, token: string): Promise<{ userName: string; role: Role }> {
  const unauthenticated = new StrataError('STRATA_ERR_UNAUTHENTICATED', 'the refresh token is invalid, expired or already used');
  const [row] = await db.query<{ user_name: string; revoked: boolean; expired: boolean; role: string | null }>(
    `SELECT t.user_name, t.revoked_at IS NOT NULL AS revoked, t.expires_at < now() AS expired, u.role
     FROM api.refresh_tokens AS t LEFT JOIN api.users AS u USING (user_name) WHERE t.token_hash = $hash`,
    { hash: sha256Hex(token) },
  );
  if (!row) throw unauthenticated;
  if (row.revoked) {
    await db.query('UPDATE api.refresh_tokens SET revoked_at = now() WHERE user_name = $name AND revoked_at IS NULL', { name: row.user_name });
    throw unauthenticated;
  }
  const spent = await db.query('UPDATE api.refresh_tokens SET revoked_at = now() WHERE token_hash = $hash AND revoked_at IS NULL RETURNING 1', { hash: sha256Hex(token) });
  if (!spent.length || row.expired || !isRole(row.role)) throw unauthenticated;
  return { userName: row.user_name, role: row.role };
}

export async function revokeRefreshToken(db: SqlRunner, token: string): Promise<void> {
  await db.query('UPDATE api.refresh_tokens SET revoked_at = now() WHERE token_hash = $hash AND revoked_at IS NULL', { hash: sha256Hex(token) });
}

/** Creates a key; the full secret is returned once and never stored. Format: `sk_<key_id>_<secret>`. */
export async function createApiKey(db: SqlRunner, name: string, role: string, createdBy: string | null): Promise<{ key: string; row: ApiKeyRow }> {
  if (!/^[\w .:@-]{1,64}$/.test(name)) throw new StrataError('STRATA_ERR_BAD_REQUEST', 'key name: 1-64 letters, digits, spaces or _ . : @ -', { details: { parameter: 'name' } });
  if (!isRole(role)) throw new StrataError('STRATA_ERR_BAD_REQUEST', 'role must be viewer, analyst, engineer or admin', { details: { parameter: 'role' } });
  const keyId = newId('k').replace(/[^A-Za-z0-9]/g, '').slice(-20);
  const secret = randomBytes(32).toString('base64url');
  const [row] = await db.query<ApiKeyRow>(
    `INSERT INTO api.keys VALUES ($id, $hash, $name, $role, $by, now(), NULL)
     RETURNING key_id, name, role, created_by, created_at::VARCHAR AS created_at, revoked_at::VARCHAR AS revoked_at`,
    { id: keyId, hash: sha256Hex(secret), name, role, by: createdBy },
  );
  return { key: `sk_${keyId}_${secret}`, row: row! };
}

export const listApiKeys = (db: SqlRunner): Promise<ApiKeyRow[]> =>
  db.query<ApiKeyRow>(
    'SELECT key_id, name, role, created_by, created_at::VARCHAR AS created_at, revoked_at::VARCHAR AS revoked_at FROM api.keys ORDER BY created_at',
  );

export async function revokeApiKey(db: SqlRunner, keyId: string): Promise<boolean> {
  return (await db.query('UPDATE api.keys SET revoked_at = now() WHERE key_id = $id AND revoked_at IS NULL RETURNING 1', { id: keyId })).length > 0;
}

export async function verifyApiKey(db: SqlRunner, presented: string): Promise<Principal | null> {
  const match = /^sk_([A-Za-z0-9]{1,40})_([A-Za-z0-9_-]{20,100})$/.exec(presented);
  if (!match) return null;
  const [, keyId, secret] = match;
  const [row] = await db.query<{ key_hash: string; role: string }>('SELECT key_hash, role FROM api.keys WHERE key_id = $id AND revoked_at IS NULL', { id: keyId! });
  if (!row || !isRole(row.role)) return null;
  const expected = Buffer.from(row.key_hash, 'hex');
  const actual = Buffer.from(sha256Hex(secret!), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual) ? { kind: 'key', id: keyId!, role: row.role } : null;
}

export async function audit(db: SqlRunner, actor: string, action: string, subject: string | null, detail: unknown): Promise<void> {
  await db.query('INSERT INTO api.audit_log VALUES ($id, now(), $actor, $action, $subject, $detail::JSON)', {
    id: newId('audit'),
    actor,
    action,
    subject,
    detail: JSON.stringify(detail ?? null),
  });
}
