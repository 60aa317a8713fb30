/** Applies the DDL files in models/ddl in name order, each once, recorded in meta.migrations. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { modelsDir } from '../shared/index.js';
import { migrationSql } from './dialect.js';
import type { Warehouse, WarehouseSession } from './warehouse.js';

export async function migrate(warehouse: Warehouse): Promise<readonly string[]> {
  if (warehouse.dialect === 'postgres') {
    // Several processes (a queued run and its workers) may open one server warehouse at once: one
    // migrates while the others wait, then find the migrations applied. DDL is transactional here.
    return warehouse.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(7411002)');
      return applyMigrations(warehouse.dialect, tx, (work) => work(tx));
    });
  }
  return applyMigrations(warehouse.dialect, warehouse, (work) => warehouse.transaction(work));
}

async function applyMigrations(
  dialect: Warehouse['dialect'],
  warehouse: WarehouseSession,
  inTransaction: (work: (tx: WarehouseSession) => Promise<void>) => Promise<void>,
): Promise<readonly string[]> {
  await warehouse.execute(
    'CREATE SCHEMA IF NOT EXISTS meta; CREATE TABLE IF NOT EXISTS meta.migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMP NOT NULL)',
  );
  const dir = path.join(modelsDir(), 'ddl');
  const done = new Set((await warehouse.query<{ name: string }>('SELECT name FROM meta.migrations')).map((r) => r.name));
  const applied: string[] = [];
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) {
    if (done.has(name)) continue;
    const sql = migrationSql(dialect, name, readFileSync(path.join(dir, name), 'utf8'));
    await inTransaction(async (tx) => {
      await tx.execute(sql);
      await tx.execute('INSERT INTO meta.migrations VALUES ($name, now())', { name });
    });
    applied.push(name);
  }
  return applied;
}
