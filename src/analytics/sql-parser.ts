/**
 * The SQL console's parser. DuckDB's json_serialize_sql gives the parse tree the guard walks; on a
 * DuckDB warehouse the warehouse itself is asked. A PostgreSQL warehouse has no such call, so the
 * same parser runs on a private in-memory DuckDB instance (no catalog, no file access): the tree
 * of a query in the common subset is the same whichever engine then runs it.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { QuerySource } from './query-source.js';

let parser: Promise<DuckDBConnection> | null = null;
/** One parse at a time on the one connection. */
let tail: Promise<unknown> = Promise.resolve();

const privateParser = (): Promise<DuckDBConnection> => {
  parser ??= DuckDBInstance.create(':memory:', { enable_external_access: 'false', threads: '1' })
    .then((instance) => instance.connect())
    .catch((error: unknown) => {
      parser = null;
      throw error;
    });
  return parser;
};

/** The serialised parse tree of `sql` (json_serialize_sql's JSON text). */
export async function serialisedParse(db: QuerySource, sql: string): Promise<string> {
  if (db.dialect !== 'postgres') {
    const [parsed] = await db.query<{ ast: string }>('SELECT json_serialize_sql($sql::VARCHAR) AS ast', { sql });
    return parsed?.ast ?? '{}';
  }
  const parse = tail.then(async () => {
    const connection = await privateParser();
    const reader = await connection.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR) AS ast', [sql]);
    return String(reader.getRowObjects()[0]?.['ast'] ?? '{}');
  });
  tail = parse.catch(() => undefined);
  return parse;
}
