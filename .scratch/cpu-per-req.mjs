// Server CPU per request (load-independent): child hosts bare + cached app; parent drives autocannon with a fixed amount.
import { fork } from 'node:child_process';
import autocannon from 'autocannon';
const root = process.env.ROOT ?? '/work/wt-api-perf/dist';
if (process.argv[2] === '--child') {
  const Fastify = (await import('fastify')).default;
  const { loadConfig } = await import(`${root}/src/config/index.js`);
  const { openReaderPool } = await import(`${root}/src/engine/index.js`);
  const { openProjectWarehouse } = await import(`${root}/src/pipeline/index.js`);
  const { buildApp, deriveSecrets, loadApiSettings } = await import(`${root}/src/api/index.js`);
  const config = loadConfig({ dataDir: process.argv[3] }, {});
  const { warehouse: writer } = await openProjectWarehouse(config);
  const pool = await openReaderPool({ path: config.warehousePath, threads: config.duckdbThreads, memoryLimit: config.duckdbMemoryLimit, connections: 4, defaultTimeoutMs: 10_000 });
  const secrets = deriveSecrets('bench-secret-bench-secret-bench-secret-0123456789');
  const app = await buildApp({ reader: pool, writer, config, secrets, settings: loadApiSettings({ rateLimitMax: 1e9, rateLimitIpMax: 1e9, cacheEntries: 2000 }, {}) });
  const bare = Fastify(); bare.get('/', async () => ({ hello: 'world' }));
  let body = null, hdrs = null;
  bare.get('/same', async (req, reply) => { if (!body) { const r = await app.inject({ url: '/api/v1/kpis?from=2011-11-01&to=2011-11-30', headers: { authorization: req.headers.authorization } }); body = r.body; hdrs = { ...r.headers }; delete hdrs['content-length']; delete hdrs.date; delete hdrs.connection; } reply.headers(hdrs); return reply.send(body); });
  bare.get('/cpu', async () => { const u = process.cpuUsage(); return { us: u.user + u.system }; });
  const port = async (a) => Number(new URL(await a.listen({ host: '127.0.0.1', port: 0 })).port);
  process.send({ bare: await port(bare), app: await port(app) });
  process.on('disconnect', () => process.exit(0));
} else {
  const child = fork(new URL(import.meta.url).pathname, ['--child', process.argv[2]], { stdio: 'inherit' });
  const ports = await new Promise((r) => child.once('message', r));
  const { createTokenSigner, deriveSecrets } = await import(`${root}/src/api/auth/index.js`).then(async (a) => ({ ...a, deriveSecrets: (await import(`${root}/src/api/index.js`)).deriveSecrets }));
  const token = (await createTokenSigner(deriveSecrets('bench-secret-bench-secret-bench-secret-0123456789').jwtKey, 3600).sign('bench', 'analyst')).token;
  const cpu = async () => (await (await fetch(`http://127.0.0.1:${ports.bare}/cpu`)).json()).us;
  const N = Number(process.env.N ?? 20000);
  const kpis = `http://127.0.0.1:${ports.app}/api/v1/kpis?from=2011-11-01&to=2011-11-30`;
  await fetch(kpis, { headers: { authorization: `Bearer ${token}` } });
  const measure = async (name, url, headers) => {
    await autocannon({ url, connections: 10, amount: 2000, headers }); // warm-up
    const before = await cpu();
    const r = await autocannon({ url, connections: 10, amount: N, headers });
    const used = (await cpu()) - before;
    return { name, us_per_req: used / N, rps: r.requests.average, p99: r.latency.p99, non2xx: r.non2xx };
  };
  const rows = [];
  for (let i = 0; i < Number(process.env.ROUNDS ?? 2); i++) {
    rows.push(await measure('bare', `http://127.0.0.1:${ports.bare}/`, {}));
    rows.push(await measure('kpis cached', kpis, { authorization: `Bearer ${token}` }));
    rows.push(await measure('bare, same response', `http://127.0.0.1:${ports.bare}/same`, { authorization: `Bearer ${token}` }));
  }
  for (const r of rows) console.log(r.name.padEnd(20), 'server CPU us/req', r.us_per_req.toFixed(1).padStart(7), ' req/s', String(Math.round(r.rps)).padStart(6), ' p99', r.p99, r.non2xx ? `non2xx ${r.non2xx}` : '');
  child.kill();
}
