/**
 * Security through the HTTP surface: every JWT attack, role escalation, injection strings in every
 * parameter, oversized bodies, page-size caps, upload names, rate limits, and the error format.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveSecrets } from '../../src/api/index.js';
import { PASSWORD, ROLE_USERS, TEST_SECRET, startHarness, type Harness } from './helpers/api-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ ingestBodyLimitBytes: 64 * 1024, uploadLimitBytes: 32 * 1024 });
}, 300_000);
afterAll(async () => h?.close());

const key = deriveSecrets(TEST_SECRET).jwtKey;
const now = () => Math.floor(Date.now() / 1000);

function token(claims: Record<string, unknown>, options: { alg?: string; secret?: Uint8Array; omit?: string[] } = {}): Promise<string> {
  const full: Record<string, unknown> = { sub: 'ada', role: 'admin', iss: 'strata', aud: 'strata-api', iat: now(), nbf: now(), exp: now() + 300, ...claims };
  for (const name of options.omit ?? []) delete full[name];
  return new SignJWT(full).setProtectedHeader({ alg: options.alg ?? 'HS256' }).sign(options.secret ?? key);
}

async function expectError(response: { statusCode: number; body: string; headers: Record<string, unknown> }, status: number, code: string): Promise<void> {
  expect(response.statusCode, response.body).toBe(status);
  expect(String(response.headers['content-type'])).toMatch(/application\/json/);
  const body = JSON.parse(response.body);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  expect(response.body).not.toMatch(/\n\s+at |node_modules|\.ts:\d+|stack/);
}

const kpisWith = (jwt: string) => h.inject({ method: 'GET', url: '/api/v1/kpis', headers: { authorization: `Bearer ${jwt}` } });

describe('JWT attacks', () => {
  it('accepts a correctly signed token (control)', async () => {
    expect((await kpisWith(await token({}))).statusCode).toBe(200);
  });

  it('rejects alg none', async () => {
    const unsigned = new UnsecuredJWT({ sub: 'ada', role: 'admin' }).setIssuer('strata').setAudience('strata-api').setIssuedAt().setNotBefore(now()).setExpirationTime('5m').encode();
    await expectError(await kpisWith(unsigned), 401, 'STRATA_ERR_UNAUTHENTICATED');
  });

  it('rejects a bad signature and a tampered payload', async () => {
    await expectError(await kpisWith(await token({}, { secret: new TextEncoder().encode('another-secret-another-secret-0123456789') })), 401, 'STRATA_ERR_UNAUTHENTICATED');
    const [header, , signature] = (await token({ role: 'viewer' })).split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'vera', role: 'admin', iss: 'strata', aud: 'strata-api', iat: now(), nbf: now(), exp: now() + 300 })).toString('base64url');
    await expectError(await kpisWith(`${header}.${forged}.${signature}`), 401, 'STRATA_ERR_UNAUTHENTICATED');
  });

  it('rejects another HMAC algorithm with the same key (the algorithm is pinned)', async () => {
    await expectError(await kpisWith(await token({}, { alg: 'HS512' })), 401, 'STRATA_ERR_UNAUTHENTICATED');
  });

  it('rejects expired and not-yet-valid tokens', async () => {
    await expectError(await kpisWith(await token({ iat: now() - 3600, nbf: now() - 3600, exp: now() - 60 })), 401, 'STRATA_ERR_UNAUTHENTICATED');
    await expectError(await kpisWith(await token({ nbf: now() + 600 })), 401, 'STRATA_ERR_UNAUTHENTICATED');
  });

  it.each(['sub', 'role', 'exp', 'nbf', 'iat'])('rejects a token without %s', async (claim) => {
    await expectError(await kpisWith(await token({}, { omit: [claim] })), 401, 'STRATA_ERR_UNAUTHENTICATED');
  });

  it('rejects the wrong issuer or audience, an unknown role, and garbage', async () => {
    await expectError(await kpisWith(await token({ iss: 'someone-else' })), 401, 'STRATA_ERR_UNAUTHENTICATED');
    await expectError(await kpisWith(await token({ aud: 'other-api' })), 401, 'STRATA_ERR_UNAUTHENTICATED');
    await expectError(await kpisWith(await token({ role: 'superuser' })), 401, 'STRATA_ERR_UNAUTHENTICATED');
    await expectError(await kpisWith('not.a.jwt'), 401, 'STRATA_ERR_UNAUTHENTICATED');
    await expectError(await h.inject({ method: 'GET', url: '/api/v1/kpis', headers: { authorization: 'Basic YWRhOnB3' } }), 401, 'STRATA_ERR_UNAUTHENTICATED');
    await expectError(await h.inject({ method: 'GET', url: '/api/v1/kpis' }), 401, 'STRATA_ERR_UNAUTHENTICATED');
  });
});

describe('login, refresh and API keys', () => {
  it('refuses a wrong password with the same answer as an unknown user', async () => {
    const wrong = await h.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'ada', password: 'nope-nope-nope' } });
    const unknown = await h.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'nobody', password: 'nope-nope-nope' } });
    await expectError(wrong, 401, 'STRATA_ERR_UNAUTHENTICATED');
    expect(JSON.parse(unknown.body).error.message).toBe(JSON.parse(wrong.body).error.message);
  });

  it('rotates refresh tokens, and a reused one revokes the whole family', async () => {
    const login = (await h.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: ROLE_USERS.viewer, password: PASSWORD } })).json();
    const first = await h.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token: login.refresh_token } });
    expect(first.statusCode).toBe(200);
    expect(first.json().role).toBe('viewer');
    const next = first.json().refresh_token;
    await expectError(await h.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token: login.refresh_token } }), 401, 'STRATA_ERR_UNAUTHENTICATED');
    await expectError(await h.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token: next } }), 401, 'STRATA_ERR_UNAUTHENTICATED');
  });

  it('stores only hashes: no password, token or key secret is in the warehouse in clear', async () => {
    const created = (await h.inject({ method: 'POST', url: '/api/v1/admin/keys', headers: { authorization: `Bearer ${h.tokens.admin}` }, payload: { name: 'probe', role: 'viewer' } })).json();
    const dump = JSON.stringify([await h.sql('SELECT * FROM api.users'), await h.sql('SELECT * FROM api.keys'), await h.sql('SELECT * FROM api.refresh_tokens')]);
    expect(dump).not.toContain(PASSWORD);
    expect(dump).not.toContain(created.key.split('_').pop());
  });

  it('API keys work with their role and stop working when revoked', async () => {
    const created = (await h.inject({ method: 'POST', url: '/api/v1/admin/keys', headers: { authorization: `Bearer ${h.tokens.admin}` }, payload: { name: 'etl', role: 'analyst' } })).json();
    expect(created.key).toMatch(/^sk_/);
    expect((await h.inject({ method: 'GET', url: '/api/v1/sales?limit=1', headers: { 'x-api-key': created.key } })).statusCode).toBe(200);
    expect((await h.inject({ method: 'GET', url: '/api/v1/kpis', headers: { authorization: `Bearer ${created.key}` } })).statusCode).toBe(200);
    await expectError(await h.inject({ method: 'GET', url: '/api/v1/runs', headers: { 'x-api-key': created.key } }), 403, 'STRATA_ERR_FORBIDDEN');
    const revoked = await h.inject({ method: 'DELETE', url: `/api/v1/admin/keys/${created.key_id}`, headers: { authorization: `Bearer ${h.tokens.admin}` } });
    expect(revoked.statusCode).toBe(200);
    await expectError(await h.inject({ method: 'GET', url: '/api/v1/kpis', headers: { 'x-api-key': created.key } }), 401, 'STRATA_ERR_UNAUTHENTICATED');
    await expectError(await h.inject({ method: 'GET', url: '/api/v1/kpis', headers: { 'x-api-key': `${created.key.slice(0, -4)}AAAA` } }), 401, 'STRATA_ERR_UNAUTHENTICATED');
  });
});

describe('roles are enforced on the server', () => {
  const cases: [string, string, keyof typeof ROLE_USERS, number][] = [
    ['GET', '/api/v1/kpis', 'viewer', 200],
    ['GET', '/api/v1/sales?limit=1', 'viewer', 403],
    ['GET', '/api/v1/customers/17850', 'viewer', 403],
    ['GET', '/api/v1/sales?limit=1', 'analyst', 200],
    ['GET', '/api/v1/runs', 'analyst', 403],
    ['GET', '/api/v1/quality/quarantine', 'analyst', 403],
    ['POST', '/api/v1/ingest/transactions', 'analyst', 403],
    ['GET', '/api/v1/runs', 'engineer', 200],
    ['GET', '/api/v1/admin/users', 'engineer', 403],
    ['POST', '/api/v1/admin/users', 'engineer', 403],
    ['DELETE', '/api/v1/customers/17850', 'engineer', 403],
    ['GET', '/api/v1/customers/17850/export', 'analyst', 403],
    ['GET', '/api/v1/admin/users', 'admin', 200],
  ];
  it.each(cases)('%s %s as %s -> %i', async (method, url, role, status) => {
    const response = await h.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${h.tokens[role]}` }, ...(method === 'POST' ? { payload: {} } : {}) });
    expect(response.statusCode, response.body).toBe(status);
    if (status === 403) expect(response.json().error.code).toBe('STRATA_ERR_FORBIDDEN');
  });

  it('a cached answer is never served past the role check (the cache is looked up after it)', async () => {
    const url = '/api/v1/sales?limit=2&sort=line_total_gbp&order=desc';
    const as = (role: keyof typeof ROLE_USERS) => h.inject({ method: 'GET', url, headers: { authorization: `Bearer ${h.tokens[role]}` } });
    await as('analyst');
    const hit = await as('analyst');
    expect(hit.statusCode).toBe(200);
    expect(hit.headers['x-cache']).toBe('HIT');
    const refused = await as('viewer');
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['x-cache']).toBeUndefined();
    expect((await h.inject({ method: 'GET', url })).statusCode).toBe(401);
  });

  it('a viewer cannot make itself admin', async () => {
    const response = await h.inject({ method: 'POST', url: '/api/v1/admin/users', headers: { authorization: `Bearer ${h.tokens.viewer}` }, payload: { username: 'vera', password: 'x'.repeat(20), role: 'admin' } });
    expect(response.statusCode).toBe(403);
    const [row] = await h.sql<{ role: string }>(`SELECT role FROM api.users WHERE user_name = 'vera'`);
    expect(row!.role).toBe('viewer');
  });
});

describe('injection strings in every parameter', () => {
  const PAYLOADS = ["' OR '1'='1", "1; DROP TABLE gold.fact_sales; --", '" OR 1=1 --', "x') UNION SELECT password_hash FROM api.users --", '$country', '%00', '1e9', '../../etc/passwd', 'Robert\'); DROP TABLE api.users;--', '🙂'];
  const PARAMS: [string, string][] = [
    ['/api/v1/kpis', 'from'], ['/api/v1/kpis', 'to'], ['/api/v1/kpis', 'country'],
    ['/api/v1/sales/timeseries', 'grain'], ['/api/v1/sales/timeseries', 'country'],
    ['/api/v1/sales', 'sort'], ['/api/v1/sales', 'order'], ['/api/v1/sales', 'limit'], ['/api/v1/sales', 'cursor'],
    ['/api/v1/sales', 'customer_id'], ['/api/v1/sales', 'stock_code'], ['/api/v1/sales', 'invoice_no'], ['/api/v1/sales', 'country'],
    ['/api/v1/customers/segments', 'country'], ['/api/v1/cohorts', 'from'], ['/api/v1/churn', 'as_of'], ['/api/v1/churn', 'country'],
    ['/api/v1/products/top', 'metric'], ['/api/v1/products/top', 'limit'], ['/api/v1/countries', 'to'],
    ['/api/v1/anomalies', 'threshold'], ['/api/v1/anomalies', 'metric'], ['/api/v1/forecast', 'horizon'],
    ['/api/v1/search/products', 'q'], ['/api/v1/quality', 'batch_id'], ['/api/v1/quality/quarantine', 'rule_id'], ['/api/v1/runs', 'limit'],
  ];

  it('never reach SQL as text: each is refused (400) or treated as a plain value, and the warehouse is unchanged', async () => {
    const [before] = await h.sql<{ lines: number; users: number }>('SELECT (SELECT count(*) FROM gold.fact_sales)::DOUBLE AS lines, (SELECT count(*) FROM api.users)::DOUBLE AS users');
    for (const [route, param] of PARAMS) {
      for (const payload of PAYLOADS) {
        const response = await h.get(`${route}?${param}=${encodeURIComponent(payload)}`, 'admin');
        expect([200, 400], `${route} ${param}=${payload}: ${response.body.slice(0, 200)}`).toContain(response.statusCode);
        if (response.statusCode === 400) {
          expect(response.data.error.code).toBe('STRATA_ERR_BAD_REQUEST');
          expect(response.data.error.parameter).toBe(param);
        }
        expect(response.body).not.toMatch(/scrypt\$/);
      }
    }
    for (const payload of PAYLOADS) {
      const response = await h.get(`/api/v1/customers/${encodeURIComponent(payload)}`, 'admin');
      expect([400, 404]).toContain(response.statusCode);
    }
    const [after] = await h.sql<{ lines: number; users: number }>('SELECT (SELECT count(*) FROM gold.fact_sales)::DOUBLE AS lines, (SELECT count(*) FROM api.users)::DOUBLE AS users');
    expect(after).toEqual(before);
  });

  it('a free-text search for SQL finds nothing and breaks nothing', async () => {
    const response = await h.get(`/api/v1/search/products?q=${encodeURIComponent("'; SELECT * FROM api.users; --")}`, 'viewer');
    expect(response.statusCode).toBe(200);
    expect(response.data.hits.every((hit: { stock_code: string }) => typeof hit.stock_code === 'string')).toBe(true);
  });
});

describe('limits', () => {
  it.each(['1e9', '1000000000', '0', '-1', 'abc', '1001'])('limit=%s on sales is refused with 400 naming limit', async (limit) => {
    const response = await h.get(`/api/v1/sales?limit=${limit}`, 'analyst');
    await expectError(response, 400, 'STRATA_ERR_BAD_REQUEST');
    expect(response.data.error.parameter).toBe('limit');
  });

  it('a page never exceeds the cap', async () => {
    const response = await h.get('/api/v1/sales?limit=1000', 'analyst');
    expect(response.statusCode).toBe(200);
    expect(response.data.lines).toHaveLength(1000);
  });

  it('an oversized JSON body is refused with 413', async () => {
    const big = { username: 'ada', password: 'x'.repeat(2 * 1024 * 1024) };
    await expectError(await h.inject({ method: 'POST', url: '/api/v1/auth/login', payload: big }), 413, 'STRATA_ERR_PAYLOAD_TOO_LARGE');
    const rows = Array.from({ length: 2000 }, (_, i) => ({ invoice_no: `9${i}`, stock_code: '85123A', quantity: 1, invoice_date: '2011-12-10 10:00', unit_price: 2.55, country: 'United Kingdom', description: 'X'.repeat(50) }));
    await expectError(
      await h.inject({ method: 'POST', url: '/api/v1/ingest/transactions', headers: { authorization: `Bearer ${h.tokens.engineer}`, 'idempotency-key': 'too-big-0001' }, payload: rows }),
      413,
      'STRATA_ERR_PAYLOAD_TOO_LARGE',
    );
  });

  it('an upload over the size limit is refused with 413 and leaves nothing behind', async () => {
    const boundary = 'strataboundary';
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n${'a,b\n'.repeat(20_000)}\r\n--${boundary}--\r\n`;
    const response = await h.inject({ method: 'POST', url: '/api/v1/ingest/files', headers: { authorization: `Bearer ${h.tokens.engineer}`, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: body });
    await expectError(response, 413, 'STRATA_ERR_PAYLOAD_TOO_LARGE');
    const uploads = path.join(h.config.dataDir, 'staging', 'uploads');
    expect(existsSync(uploads) ? readdirSync(uploads) : []).toEqual([]);
  });

  it('upload names cannot climb out of the staging folder, and only data file types are taken', async () => {
    const boundary = 'strataboundary';
    const upload = (name: string, content: string) =>
      h.inject({
        method: 'POST',
        url: '/api/v1/ingest/files',
        headers: { authorization: `Bearer ${h.tokens.engineer}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload: `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: text/csv\r\n\r\n${content}\r\n--${boundary}--\r\n`,
      });
    // A header-only file: the pipeline refuses it (no rows), so gold is not rebuilt, but the name is what we check.
    const traversal = await upload('../../../../tmp/evil.csv', 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n');
    expect(traversal.statusCode, traversal.body).toBe(200);
    expect(traversal.json().files[0]).toMatchObject({ file: 'evil.csv', status: 'failed' });
    const stored = readdirSync(path.join(h.config.dataDir, 'staging', 'uploads'), { recursive: true, encoding: 'utf8' });
    expect(stored.some((f) => f.endsWith('evil.csv'))).toBe(true);
    for (const name of ['..\\..\\windows\\evil.csv', '/etc/passwd', '.bashrc', 'payload.sh', '....//....//x.exe', '']) {
      const response = await upload(name, 'a,b\n1,2\n');
      if (name.endsWith('.csv')) {
        expect(response.statusCode).toBe(200);
        expect(response.json().files[0].file).toBe('evil.csv');
      } else {
        expect([400, 415], `${name}: ${response.body}`).toContain(response.statusCode);
      }
    }
  });
});

describe('rate limits', () => {
  it('answer 429 with Retry-After once a credential has used its budget', async () => {
    const app = await h.buildAnother({ rateLimitMax: 3, rateLimitWindowMs: 60_000 });
    const call = () => app.inject({ method: 'GET', url: '/api/v1/kpis', headers: { authorization: `Bearer ${h.tokens.viewer}` } });
    for (let i = 0; i < 3; i++) expect((await call()).statusCode).toBe(200);
    const limited = await call();
    await expectError(limited, 429, 'STRATA_ERR_RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another principal has its own budget.
    expect((await app.inject({ method: 'GET', url: '/api/v1/kpis', headers: { authorization: `Bearer ${h.tokens.analyst}` } })).statusCode).toBe(200);
  });

  it('throttle password guessing per IP', async () => {
    const app = await h.buildAnother({ loginRateLimitMax: 2 });
    const attempt = () => app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'ada', password: 'guess-guess-guess' } });
    expect((await attempt()).statusCode).toBe(401);
    expect((await attempt()).statusCode).toBe(401);
    const limited = await attempt();
    await expectError(limited, 429, 'STRATA_ERR_RATE_LIMITED');
    expect(limited.headers['retry-after']).toBeDefined();
  });
});

describe('errors', () => {
  it('are JSON with a stable code, for unknown routes, bad JSON and wrong content types too', async () => {
    await expectError(await h.get('/api/v1/does-not-exist', 'admin'), 404, 'STRATA_ERR_NOT_FOUND');
    await expectError(
      await h.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username": "ada", ' }),
      400,
      'STRATA_ERR_BAD_REQUEST',
    );
    await expectError(await h.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'text/xml' }, payload: '<a/>' }), 415, 'STRATA_ERR_UNSUPPORTED_MEDIA_TYPE');
    // Multipart is parsed only by the upload route (its own scope); anywhere else it is a 415.
    const form = { 'content-type': 'multipart/form-data; boundary=x', authorization: `Bearer ${h.tokens.engineer}` };
    const multipartBody = '--x\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\na,b\r\n--x--\r\n';
    await expectError(await h.inject({ method: 'POST', url: '/api/v1/ingest/transactions', headers: { ...form, 'idempotency-key': 'multipart-elsewhere' }, payload: multipartBody }), 415, 'STRATA_ERR_UNSUPPORTED_MEDIA_TYPE');
    const bad = await h.get('/api/v1/kpis?from=2011-13-40', 'viewer');
    await expectError(bad, 400, 'STRATA_ERR_BAD_REQUEST');
    expect(bad.data.error.parameter).toBe('from');
    await expectError(await h.get('/api/v1/kpis?from=2011-12-01&to=2011-11-01', 'viewer'), 400, 'STRATA_ERR_BAD_REQUEST');
  });

  it('codes used by the API are registered and unique', async () => {
    const { ERROR_CODES } = await import('../../src/shared/index.js');
    const codes = Object.keys(ERROR_CODES);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of ['STRATA_ERR_UNAUTHENTICATED', 'STRATA_ERR_FORBIDDEN', 'STRATA_ERR_RATE_LIMITED', 'STRATA_ERR_PAYLOAD_TOO_LARGE', 'STRATA_ERR_QUERY_TIMEOUT']) expect(codes).toContain(code);
  });

  it('a query past its deadline is interrupted and reported as STRATA_ERR_QUERY_TIMEOUT', async () => {
    const started = performance.now();
    await expect(h.pool.query('SELECT count(*) FROM range(100000000000) AS a', {}, { timeoutMs: 200 })).rejects.toMatchObject({ code: 'STRATA_ERR_QUERY_TIMEOUT' });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(await h.pool.query('SELECT 42 AS answer')).toEqual([{ answer: 42 }]);
  });

  it('the API connections cannot read or write files', async () => {
    await expect(h.pool.query(`SELECT * FROM read_csv('/etc/passwd')`)).rejects.toThrow();
    await expect(h.pool.query(`COPY (SELECT 1) TO '/tmp/strata-escape.csv'`)).rejects.toThrow();
    expect(existsSync('/tmp/strata-escape.csv')).toBe(false);
  });
});

describe('security headers', () => {
  // The set helmet produces for our options (no upgrade-insecure-requests: plain-HTTP hosts exist).
  const EXPECTED = {
    'content-security-policy':
      "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'self';img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' https: 'unsafe-inline'",
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'origin-agent-cluster': '?1',
    'referrer-policy': 'no-referrer',
    'strict-transport-security': 'max-age=31536000; includeSubDomains',
    'x-content-type-options': 'nosniff',
    'x-dns-prefetch-control': 'off',
    'x-download-options': 'noopen',
    'x-frame-options': 'SAMEORIGIN',
    'x-permitted-cross-domain-policies': 'none',
    'x-xss-protection': '0',
  };

  it.each([
    ['a cached analytics answer', '/api/v1/kpis', 'viewer', 200],
    ['a refused request', '/api/v1/kpis', null, 401],
    ['a forbidden one', '/api/v1/runs', 'viewer', 403],
    ['an unknown route', '/api/v1/nope', 'viewer', 404],
    ['liveness', '/health', null, 200],
  ] as const)('are on %s, exactly', async (_what, url, role, status) => {
    const response = await h.get(url, role);
    expect(response.statusCode).toBe(status);
    expect(response.headers).toMatchObject(EXPECTED);
    expect(response.headers['x-powered-by']).toBeUndefined();
  });

  it('are on a cache hit answered with 304 as well', async () => {
    const first = await h.get('/api/v1/kpis?from=2011-02-01&to=2011-02-28', 'viewer');
    const again = await h.get('/api/v1/kpis?from=2011-02-01&to=2011-02-28', 'viewer', { 'if-none-match': String(first.headers.etag) });
    expect(again.statusCode).toBe(304);
    expect(again.headers).toMatchObject(EXPECTED);
  });
});
