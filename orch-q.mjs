import { DuckDBInstance } from '@duckdb/node-api';
const [file, ...sqls] = process.argv.slice(2);
const i = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' }); const c = await i.connect();
for (const sql of sqls) { const r = await c.runAndReadAll(sql); console.table(r.getRowObjectsJson()); }
