/**
 * What an asset and a check are. Assets are the nodes of the graph (ingest, quality_silver and one
 * per gold model); checks are declared apart, each naming the asset it guards, with a severity:
 * a failing `error` check blocks the assets downstream of the one it checks, `warn` never blocks.
 */

/** How a failed attempt is retried: exponential backoff with full jitter between attempts. */
export interface RetryPolicy {
  /** Attempts in all, the first included (1 = no retry). */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Delay growth per attempt (2 = doubling). */
  readonly factor: number;
}

export const NO_RETRY: RetryPolicy = { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0, factor: 1 };

export type AssetKind = 'http_source' | 'ingest' | 'quality_silver' | 'gold_model';

export interface AssetDef {
  /** Unique key, e.g. `ingest`, `quality_silver`, `gold.fact_sales`. */
  readonly key: string;
  readonly kind: AssetKind;
  readonly description: string;
  readonly deps: readonly string[];
  /** `day`: materialised per day partition (landing files are named by day). */
  readonly partitioning: 'day' | 'none';
  readonly retry: RetryPolicy;
  /** A single attempt running longer than this fails with STRATA_ERR_STEP_TIMEOUT. */
  readonly timeoutMs: number;
  /** Needs the warehouse's single writer connection (DuckDB allows one writer). */
  readonly writes: boolean;
  /** For gold models: the SQL and how it is stored. */
  readonly sql?: string;
  readonly materialized?: 'table' | 'view';
  /** For gold models partitioned by day: the column holding the day key (YYYYMMDD integer). */
  readonly partitionColumn?: string;
  /** For gold models: the assets its SQL reads (deps also holds the checks' relationship targets). */
  readonly reads?: readonly string[];
  /** For partitioned gold models: the inputs split by day (silver, partitioned models), read one day at a time. */
  readonly dayInputs?: readonly { readonly relation: string; readonly column: string; readonly type: 'date' | 'key' }[];
}

export type CheckSeverity = 'error' | 'warn';

/** A check over a materialised asset: `sql` counts violating rows (one column `n`). */
export interface CheckDef {
  readonly name: string;
  readonly asset: string;
  readonly kind: 'not_null' | 'unique' | 'relationship' | 'expression';
  readonly severity: CheckSeverity;
  readonly sql: string;
  /** For partitioned models: `sql` over the built partitions only, PARTITIONS_TOKEN standing for the filter. */
  readonly partitionSql?: string;
}

export interface AssetGraph {
  readonly assets: readonly AssetDef[];
  readonly checks: readonly CheckDef[];
}
