/**
 * The real PostgreSQL on this machine (127.0.0.1:5432, trust, database `test`) for adapter tests.
 * Each suite gets a database of its own, `pg_warehouse_<random>`, created and dropped here.
 * Unreachable: outside CI the suite is skipped with a loud message; under CI=true it fails.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { requireOrSkip } from './services.js';

export const PG_ADMIN_URL = process.env['STRATA_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

async function reachable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** null when PostgreSQL answers; else why not (and under CI this throws instead). */
export async function postgresUnavailable(): Promise<string | null> {
  const problem = await reachable();
  const what = `PostgreSQL at ${PG_ADMIN_URL} (${problem ?? 'up'})`;
  // Under CI this throws: an unreachable server fails the suite, never a silent skip.
  return requireOrSkip(problem === null, what, 'the PostgreSQL tests') ? null : `${what} is unreachable`;
}

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

/** A fresh, empty database for one suite. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `pg_warehouse_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: PG_ADMIN_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
