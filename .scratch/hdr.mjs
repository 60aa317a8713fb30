import { createRequire } from 'node:module';
const req = createRequire('/work/main/package.json');
const Fastify = req('fastify');
const fhelmet = req('@fastify/helmet');
const { registerSecurityHeaders } = await import('/work/wt-api-perf/dist/src/api/plugins/security-headers.js');
const opts = { contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } };
const a = Fastify(); await a.register(fhelmet, { global: true, ...opts }); a.get('/', async () => ({ ok: 1 })); a.get('/e', async () => { throw new Error('x'); });
const b = Fastify(); registerSecurityHeaders(b, opts); b.get('/', async () => ({ ok: 1 })); b.get('/e', async () => { throw new Error('x'); });
for (const url of ['/', '/e', '/missing']) {
  const ha = (await a.inject({ url })).headers, hb = (await b.inject({ url })).headers;
  delete ha.date; delete hb.date;
  console.log(url, JSON.stringify(ha) === JSON.stringify(hb) ? 'SAME' : 'DIFF', Object.keys(ha).length);
  if (JSON.stringify(ha) !== JSON.stringify(hb)) { console.log(ha); console.log(hb); }
}
console.log((await b.inject({ url: '/' })).headers);
