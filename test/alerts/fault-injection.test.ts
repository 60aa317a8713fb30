/**
 * Real faults through the real pipeline and the server's alert evaluation: two source files that
 * cannot be loaded, a generated day whose revenue (and row count) collapses, and a stale asset (a
 * re-sent file, so nothing is refreshed). Each alert fires once, grouped by rule, reaches a real
 * local webhook receiver and a real local SMTP server, honours a silence until it expires, and
 * resolves with a resolved notice. The server log carries ids and neither the webhook's token nor
 * the SMTP password.
 */
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { EvaluationReport } from '../../src/alerts/index.js';
import { defaultAlertsFile } from '../../src/alerts/index.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { startFreshApp, type FreshApp } from '../observability/fresh-app.js';

const HOOK_TOKEN = 'XoXb-hook-secret-0123456789';
const SMTP_PASSWORD = 'smtp-password-never-logged-42';
const MAX_AGE_S = 12;

interface Hook {
  readonly path: string;
  readonly body: { text: string; attachments: unknown[]; strata: { status: string; group_labels: Record<string, string>; alerts: { rule: string; labels: Record<string, string>; summary: string; ends_at?: string | null }[] } };
}
const hooks: Hook[] = [];
const mails: { from: string; to: string[]; raw: string }[] = [];
let hookServer: Server;
let smtp: SMTPServer;
let fresh: FreshApp;
let token: string;
let days: string[];
let genDir: string;
const cleanups: (() => void)[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const portOf = (server: { address(): unknown }): number => (server.address() as AddressInfo).port;
let seenHooks = 0;
let seenMails = 0;
/** Notices received since the last call. */
function drain(): { hooks: Hook[]; subjects: string[] } {
  const newHooks = hooks.slice(seenHooks);
  const newMails = mails.slice(seenMails);
  seenHooks = hooks.length;
  seenMails = mails.length;
  return { hooks: newHooks, subjects: newMails.map((m) => /^Subject: (.*)$/m.exec(m.raw)?.[1] ?? '').sort() };
}
/** Waits until `n` webhook calls and `n` mails arrived since the last drain (SMTP delivery completes after the client's 250). */
async function notices(n: number): Promise<ReturnType<typeof drain>> {
  for (let i = 0; i < 100 && (hooks.length - seenHooks < n || mails.length - seenMails < n); i++) await sleep(50);
  await sleep(100);
  return drain();
}
const titles = (h: readonly Hook[]): string[] => h.map((x) => x.body.text.split('\n')[0]!).sort();

async function run(dir: string, files: Record<string, string | Buffer | { copy: string }>) {
  const inDir = path.join(fresh.dataDir, dir);
  mkdirSync(inDir);
  for (const [name, content] of Object.entries(files)) {
    if (typeof content === 'object' && !Buffer.isBuffer(content)) copyFileSync(content.copy, path.join(inDir, name));
    else writeFileSync(path.join(inDir, name), content);
  }
  return fresh.app.strata.runner.run({ inputs: [inDir], command: 'test' });
}
const evaluate = (at: number): Promise<EvaluationReport> => fresh.app.alerts.evaluate(new Date(at));
const newestMaterialization = async (): Promise<number> =>
  (await fresh.sql<{ at: number }>(`SELECT epoch_ms(max(occurred_at))::DOUBLE AS at FROM meta.events WHERE kind = 'asset_materialized'`))[0]!.at;

beforeAll(async () => {
  hookServer = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      hooks.push({ path: req.url ?? '', body: JSON.parse(body) });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', r));
  smtp = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === 'strata' && auth.password === SMTP_PASSWORD) return callback(null, { user: 'strata' });
      return callback(new Error('bad credentials'));
    },
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (d: Buffer) => (raw += d.toString('utf8')));
      stream.on('end', () => {
        mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));

  // Real generated days: the last is held back for recovery, the one before it loses 90% of its lines.
  const gen = tempDir('strata-alerts-gen-');
  cleanups.push(gen.cleanup);
  genDir = path.join(gen.dir, 'days');
  const generated = await runCli(['generate', '--rows', '10800', '--rows-per-day', '900', '--out', genDir, '--seed', '11'], { dataDir: gen.dir });
  expect(generated.code).toBe(0);
  days = readdirSync(genDir).sort();
  expect(days.length).toBeGreaterThanOrEqual(10);

  // The operator's rules: the built-in ones, tuned for a short test (smaller history, a 12 s max age).
  const defaults = parse(readFileSync(defaultAlertsFile(), 'utf8')) as { rules: { name: string; condition: Record<string, unknown> }[] };
  const pick = (name: string, condition: Record<string, unknown> = {}) => {
    const rule = defaults.rules.find((r) => r.name === name)!;
    return { ...rule, condition: { ...rule.condition, ...condition } };
  };
  process.env['OBS_HOOK_TOKEN'] = HOOK_TOKEN;
  process.env['OBS_SMTP_PASSWORD'] = SMTP_PASSWORD;
  const alertsYaml = stringify({
    group_by: ['rule'],
    repeat_interval: '1h',
    notifiers: [
      { kind: 'webhook', name: 'ops_hook', url: `http://127.0.0.1:${portOf(hookServer)}/services/T0/B0/\${OBS_HOOK_TOKEN}` },
      { kind: 'email', name: 'ops_mail', host: '127.0.0.1', port: portOf(smtp.server), ignore_tls: true, user: 'strata', password: '${OBS_SMTP_PASSWORD}', from: 'strata@example.test', to: ['ops@example.test'] },
    ],
    rules: [
      pick('source_file_failed'),
      pick('revenue_drop', { min_history: 5 }),
      pick('row_count_drop', { min_history: 5 }),
      pick('asset_stale', { max_age: `${MAX_AGE_S}s` }),
      { name: 'latest_batch_small', severity: 'warning', summary: 'the latest {{source}} batch has {{value}} rows', source: { kind: 'metric', name: 'strata_quality_batch_rows', match: { source: 'csv', outcome: 'in' }, by: ['source'] }, condition: { kind: 'threshold', op: '<', value: 200 } },
    ],
  });
  fresh = await startFreshApp({}, (dataDir) => writeFileSync(path.join(dataDir, 'alerts.yaml'), alertsYaml));
  token = await fresh.login();
}, 120_000);

afterAll(async () => {
  await fresh?.close();
  await new Promise((r) => hookServer?.close(r));
  await new Promise((r) => smtp?.close(r as () => void));
  for (const c of cleanups) c();
});

describe('alerts on injected faults', () => {
  const history = () => days.slice(0, -2);
  const dropDay = () => days.at(-2)!;
  const recoveryDay = () => days.at(-1)!;
  const auth = () => ({ authorization: `Bearer ${token}` });

  it('stays quiet over healthy days', async () => {
    const result = await run('in1', Object.fromEntries(history().map((d) => [d, { copy: path.join(genDir, d) }])));
    expect(result.status).toBe('succeeded');
    const response = await fresh.app.inject({ method: 'POST', url: '/api/v1/alerts/evaluate', headers: auth() });
    expect(response.statusCode).toBe(200);
    const report = response.json() as EvaluationReport;
    expect(report.rules.map((r) => [r.rule, r.error])).toEqual([
      ['source_file_failed', null],
      ['revenue_drop', null],
      ['row_count_drop', null],
      ['asset_stale', null],
      ['latest_batch_small', null],
    ]);
    expect(report.active).toEqual([]);
    expect(drain()).toEqual({ hooks: [], subjects: [] });
  });

  it('fires each alert once, grouped by rule, to the webhook and by email', async () => {
    const lines = readFileSync(path.join(genDir, dropDay()), 'utf8').split('\n');
    const kept = [lines[0], ...lines.slice(1, 1 + Math.floor((lines.length - 1) / 10))].join('\n') + '\n';
    const result = await run('in2', { [dropDay()]: kept, 'broken-a.csv': 'Foo,Bar\n1,2\n', 'broken-b.csv': Buffer.from([0, 1, 2, 3, 0, 255, 254, 0, 7, 0]) });
    expect(result.status).toBe('partial');
    const report = await evaluate(Date.now());
    expect(report.active.map((a) => `${a.rule} ${JSON.stringify(a.labels)} ${a.status}`)).toEqual([
      'latest_batch_small {"source":"csv"} firing',
      'revenue_drop {} firing',
      'row_count_drop {"source":"csv"} firing',
      ...['broken-a.csv', 'broken-b.csv']
        .map((f) => report.active.find((a) => a.labels['file'] === f)!)
        .sort((a, b) => a.fingerprint.localeCompare(b.fingerprint))
        .map((a) => `source_file_failed ${JSON.stringify(a.labels)} firing`),
    ].sort((a, b) => a.split(' ')[0]!.localeCompare(b.split(' ')[0]!)));

    const got = await notices(4);
    expect(titles(got.hooks)).toEqual(['[FIRING:1] latest_batch_small (warning)', '[FIRING:1] revenue_drop (warning)', '[FIRING:1] row_count_drop (warning)', '[FIRING:2] source_file_failed (critical)']);
    expect(got.subjects).toEqual(titles(got.hooks));
    const files = got.hooks.find((h) => h.body.strata.group_labels['rule'] === 'source_file_failed')!;
    expect(files.body.strata.alerts.map((a) => [a.labels['file'], a.labels['code']]).sort()).toEqual([
      ['broken-a.csv', 'STRATA_ERR_CSV_COLUMNS'],
      ['broken-b.csv', 'STRATA_ERR_FILE_BINARY'],
    ]);
    expect(files.body.attachments).toHaveLength(1);
    expect(files.path).toBe(`/services/T0/B0/${HOOK_TOKEN}`);
    const revenue = got.hooks.find((h) => h.body.strata.group_labels['rule'] === 'revenue_drop')!;
    expect(revenue.body.strata.alerts[0]!.summary).toMatch(/below the median .* of \d+ earlier points/);
    expect(mails.every((m) => m.from === 'strata@example.test' && m.to.join() === 'ops@example.test')).toBe(true);

    // De-duplicated: the same faults a minute later send nothing new.
    const again = await evaluate(Date.now() + 1000);
    expect(again.changes).toEqual([]);
    expect(again.notices).toEqual([]);
    expect(drain()).toEqual({ hooks: [], subjects: [] });
  });

  it('flags stale assets when a re-sent file refreshes nothing, holding back the silenced one until its silence expires', async () => {
    const result = await run('in3', { 'resent.csv': { copy: path.join(genDir, history()[0]!) } });
    expect(result.files.map((f) => f.status)).toEqual(['skipped']);
    const staleAt = (await newestMaterialization()) + MAX_AGE_S * 1000 + 500;
    const silenceSeconds = Math.ceil((staleAt - Date.now()) / 1000) + 3;
    const created = await fresh.app.inject({ method: 'POST', url: '/api/v1/alerts/silences', headers: auth(), payload: { matchers: { rule: 'asset_stale', asset: 'quality_silver' }, duration_seconds: silenceSeconds, comment: 'silver rebuild planned' } });
    expect(created.statusCode).toBe(201);
    const silence = created.json() as { id: string; expires_at: string };
    const listed = await fresh.app.inject({ url: '/api/v1/alerts/silences', headers: auth() });
    expect(listed.json().silences.map((s: { id: string }) => s.id)).toEqual([silence.id]);
    expect((await fresh.app.inject({ method: 'DELETE', url: '/api/v1/alerts/silences/sil_0000000000000000', headers: auth() })).statusCode).toBe(404);

    const report = await evaluate(staleAt);
    expect(report.active.filter((a) => a.rule === 'asset_stale').map((a) => a.labels['asset']).sort()).toEqual(['gold.fact_sales', 'ingest', 'quality_silver']);
    const got = await notices(2);
    // The latest run loaded no bad file: that alert resolves in the same evaluation.
    expect(titles(got.hooks)).toEqual(['[FIRING:2] asset_stale (warning)', '[RESOLVED:2] source_file_failed (critical)']);
    expect(got.hooks.find((h) => h.body.strata.status === 'firing')!.body.strata.alerts.map((a) => a.labels['asset']).sort()).toEqual(['gold.fact_sales', 'ingest']);

    const afterSilence = await evaluate(Date.parse(silence.expires_at) + 500);
    expect(afterSilence.changes).toEqual([]);
    const late = await notices(1);
    expect(late.hooks.map((h) => [h.body.text.split('\n')[0], h.body.strata.alerts.map((a) => a.labels['asset'])])).toEqual([['[FIRING:1] asset_stale (warning)', ['quality_silver']]]);
  });

  it('resolves everything with resolved notices once a normal day arrives', async () => {
    const last = (await fresh.sql<{ at: number }>(`SELECT max(epoch_ms(occurred_at))::DOUBLE AS at FROM meta.alert_events`))[0]!.at;
    // Land the recovery day late enough that it is fresh at an evaluation after the previous one.
    while (Date.now() < last - (MAX_AGE_S - 6) * 1000) await sleep(200);
    const result = await run('in4', { [recoveryDay()]: { copy: path.join(genDir, recoveryDay()) } });
    expect(result.status).toBe('succeeded');
    const report = await evaluate(Math.max(Date.now(), last + 1000));
    expect(report.active).toEqual([]);
    const got = await notices(4);
    expect(titles(got.hooks)).toEqual(['[RESOLVED:1] latest_batch_small (warning)', '[RESOLVED:1] revenue_drop (warning)', '[RESOLVED:1] row_count_drop (warning)', '[RESOLVED:3] asset_stale (warning)']);
    expect(got.subjects).toEqual(titles(got.hooks));
    expect(got.hooks.every((h) => h.body.strata.alerts.every((a) => typeof a.ends_at === 'string' || (a as { endsAt?: string }).endsAt))).toBe(true);
  });

  it('keeps the whole story in the warehouse, served at GET /api/v1/alerts', async () => {
    const response = await fresh.app.inject({ url: '/api/v1/alerts?limit=1000', headers: { authorization: `Bearer ${token}` } });
    expect(response.statusCode).toBe(200);
    const body = response.json() as { active: unknown[]; history: { rule: string; kind: string; labels: Record<string, string> | null }[] };
    expect(body.active).toEqual([]);
    const count = (rule: string, kind: string) => body.history.filter((e) => e.rule === rule && e.kind === kind).length;
    expect(count('source_file_failed', 'firing')).toBe(2);
    expect(count('source_file_failed', 'resolved')).toBe(2);
    expect(count('revenue_drop', 'firing')).toBe(1);
    expect(count('revenue_drop', 'resolved')).toBe(1);
    expect(count('asset_stale', 'firing')).toBe(3);
    expect(count('asset_stale', 'resolved')).toBe(3);
    expect(count('asset_stale', 'notified')).toBe(6);
    expect(body.history.filter((e) => e.kind === 'notify_failed')).toEqual([]);
  });

  it('logs every evaluation with its id, and never the webhook token or the SMTP password', () => {
    const lines = fresh.lines();
    for (const line of lines) expect(Boolean(line['reqId'] || line['run_id'] || line['evaluation_id']), JSON.stringify(line)).toBe(true);
    expect(lines.filter((l) => l['evaluation_id'] && l['msg'] === 'alert notice sent').length).toBeGreaterThanOrEqual(8);
    const text = fresh.logs.join('\n');
    expect(text).not.toContain(HOOK_TOKEN);
    expect(text).not.toContain(SMTP_PASSWORD);
    expect(text).not.toContain(token);
  });
});
