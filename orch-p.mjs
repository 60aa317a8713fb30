import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
const i = await DuckDBInstance.create('/tmp/orch-prof.duckdb'); const c = await i.connect();
const daily = readFileSync('models/gold/mart_daily_sales.sql','utf8');
const variants = {
  current: daily,
  on: daily.replace('LEFT JOIN daily AS x USING (date_key)', 'LEFT JOIN daily AS x ON x.date_key = d.date_key'),
  inner_from_fact: daily.replace("FROM gold.fact_sales\n    GROUP BY date_key", "FROM gold.fact_sales WHERE date_key IN (SELECT date_key FROM gold.dim_date)\n    GROUP BY date_key"),
};
const t = async (label, sql) => { const s = performance.now(); await c.runAndReadAll(sql); return (performance.now()-s).toFixed(1); };
for (const [name, sql] of Object.entries(variants)) {
  const ts = [];
  for (const k of [20110601, 20110602, 20110603]) ts.push(await t(name, `SELECT * FROM (${sql}) AS model WHERE date_key IN (${k})`));
  console.log(name, ts.join(' '));
}
const r = await c.runAndReadAll(`EXPLAIN SELECT * FROM (${variants.current}) AS model WHERE date_key IN (20110601)`); console.log(r.getRows().map(x=>x[1]).join('\n').split('\n').filter(l=>/SCAN|Filter|Table|date_key|JOIN|AGGREGATE|rows/.test(l)).join('\n'));
