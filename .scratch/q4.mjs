import { DuckDBInstance } from '@duckdb/node-api';
import { timeseries } from '/work/wt-api-perf/dist/src/analytics/index.js';
import { toDuckDBParams } from '/work/wt-api-perf/dist/src/engine/duckdb/duckdb-params.js';
const inst = await DuckDBInstance.create('/tmp/apiperf-data/strata.duckdb', { access_mode: 'READ_ONLY' });
const con = await inst.connect();
let captured;
const src = { async query(sql, params) { captured = { sql, params }; return []; } };
await timeseries(src, { grain: process.argv[2] ?? 'week', from: '2011-01-01', to: '2011-12-09' });
const { sql, params } = captured;
const b = toDuckDBParams(params);
const time = async (name, f, n = 40) => { await f(); const t = []; for (let i = 0; i < n; i++) { const s = performance.now(); await f(); t.push(performance.now() - s); } t.sort((a,b)=>a-b); console.log(name.padEnd(30), 'median', t[n>>1].toFixed(2), 'p90', t[Math.floor(n*0.9)].toFixed(2)); };
for (const th of [1, 2]) {
  await con.run(`SET threads=${th}`);
  await time(`plain threads=${th}`, async () => (await con.runAndReadAll(sql, b.values, b.types)).getRowObjectsJson());
  const ps = await con.prepare(sql);
  await time(`prepared threads=${th}`, async () => { ps.bind(b.values, b.types); (await ps.runAndReadAll()).getRowObjectsJson(); });
}
const cpu0 = process.cpuUsage(); const n = 100; for (let i = 0; i < n; i++) (await con.runAndReadAll(sql, b.values, b.types)).getRowObjectsJson();
const u = process.cpuUsage(cpu0); console.log('plain CPU ms/query', ((u.user + u.system) / 1000 / n).toFixed(2));
const ps = await con.prepare(sql); const cpu1 = process.cpuUsage(); for (let i = 0; i < n; i++) { ps.bind(b.values, b.types); (await ps.runAndReadAll()).getRowObjectsJson(); }
const u2 = process.cpuUsage(cpu1); console.log('prepared CPU ms/query', ((u2.user + u2.system) / 1000 / n).toFixed(2));
process.exit(0);
