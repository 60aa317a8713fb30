import { DuckDBInstance } from '@duckdb/node-api';
import { readOnlyDays } from './dist/src/pipeline/partitions/index.js';
import { buildAssetGraph, loadGoldModels, appendEvents } from './dist/src/pipeline/index.js';
const g = buildAssetGraph(loadGoldModels('models/gold'));
const i = await DuckDBInstance.create('/tmp/orch-prof.duckdb', process.env.T ? { threads: process.env.T } : {}); const c = await i.connect();
const t = async (sql) => { const s = performance.now(); await c.runAndReadAll(sql); return (performance.now()-s); };
const tot = {};
const add = (k, v) => (tot[k] = (tot[k] ?? 0) + v / 6);
for (const k of ['2011-06-01','2011-06-02','2011-06-03','2011-06-05','2011-06-06','2011-06-07']) {
  add('begin', await t('BEGIN'));
  for (const p of g.assets.filter(a => a.partitioning === 'day' && a.kind === 'gold_model')) {
    const key = k.replaceAll('-','');
    add(p.key + ' del', await t(`DELETE FROM ${p.key} WHERE date_key IN (${key})`));
    add(p.key + ' ins', await t(`INSERT INTO ${p.key} BY NAME SELECT * FROM (${readOnlyDays(p.sql, p.dayInputs, [k])}) AS model WHERE date_key IN (${key})`));
    add(p.key + ' sel', await t(`SELECT * FROM (${readOnlyDays(p.sql, p.dayInputs, [k])}) AS model WHERE date_key IN (${key})`));
  }
  add('select1', await t('SELECT 1'));
  add('commit', await t('COMMIT'));
}
console.log(Object.fromEntries(Object.entries(tot).map(([k, v]) => [k, v.toFixed(2)])));
