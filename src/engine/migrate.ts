/** Applies the DDL files in models/ddl in name order, each once, recorded in meta.migrations. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { modelsDir } from '../shared/index.js';
import { migrationSql } from './dialect.js';
import type { Warehouse } from './warehouse.js';

export async function migrate(warehouse: Warehouse): Promise<readonly string[]> {
  await warehouse.execute(
    'CREATE SCHEMA IF NOT EXISTS meta; CREATE TABLE IF NOT EXISTS meta.migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMP NOT NULL)',
  );
  const dir = path.join(modelsDir(), 'ddl');
  const done = new Set((await warehouse.query<{ name: string }>('SELECT name FROM meta.migrations')).map((r) => r.name));
  const applied: string[] = [];
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) {
    if (done.has(name)) continue;
    const sql = migrationSql(warehouse.dialect, name, readFileSync(path.join(dir, name), 'utf8'));
    await warehouse.transaction(async (tx) => {
      await tx.execute(sql);
      await tx.execute('INSERT INTO meta.migrations VALUES ($name, now())', { name });
    });
    applied.push(name);
  }
  return applied;
}
