import { StrataError } from '../shared/index.js';
import type { SqlParams } from './warehouse.js';

/** Wraps a driver error, keeping the SQL, the params and the cause for whoever has to debug it. */
export function engineError(cause: unknown, sql: string, params?: SqlParams): StrataError {
  const message = cause instanceof Error ? cause.message : String(cause);
  if (/Could not set lock on file|Conflicting lock is held/i.test(message)) {
    const owner = /PID (\d+)/.exec(message)?.[1];
    return new StrataError(
      'STRATA_ERR_WAREHOUSE_LOCKED',
      `the warehouse is open in another process${owner ? ` (PID ${owner})` : ''}; stop it or go through its API`,
      { cause },
    );
  }
  const firstLine = message.split('\n')[0] ?? message;
  return new StrataError('STRATA_ERR_ENGINE', firstLine, { cause, details: { sql: sql.slice(0, 2000), params } });
}
