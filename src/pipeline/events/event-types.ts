/** What happens in a run, as a discriminated union: the event log stores these, the bus carries them. */
export type PipelineEvent =
  | { readonly kind: 'run_started'; readonly runId: string; readonly detail: RunRequest }
  | { readonly kind: 'step_started'; readonly runId: string; readonly stepId: string; readonly asset: string; readonly attempt: number }
  | { readonly kind: 'step_retrying'; readonly runId: string; readonly stepId: string; readonly asset: string; readonly attempt: number; readonly delayMs: number; readonly errorCode: string; readonly error: string }
  | { readonly kind: 'check_evaluated'; readonly runId: string; readonly stepId: string; readonly asset: string; readonly check: string; readonly severity: 'error' | 'warn'; readonly passed: boolean; readonly failures: number }
  | { readonly kind: 'rows_written'; readonly runId: string; readonly stepId: string; readonly asset: string; readonly partition: string | null; readonly rows: number }
  | { readonly kind: 'asset_materialized'; readonly runId: string; readonly stepId: string; readonly asset: string; readonly rows: number; readonly detail?: Readonly<Record<string, unknown>> }
  | { readonly kind: 'step_succeeded'; readonly runId: string; readonly stepId: string; readonly asset: string; readonly attempts: number; readonly changed: boolean; readonly worker?: string }
  | { readonly kind: 'step_skipped'; readonly runId: string; readonly stepId: string; readonly asset: string; readonly reason: string }
  | { readonly kind: 'step_failed'; readonly runId: string; readonly stepId: string; readonly asset: string; readonly attempts: number; readonly errorCode: string; readonly error: string }
  | { readonly kind: 'run_finished'; readonly runId: string; readonly status: 'succeeded' | 'partial' | 'failed'; readonly error: string | null }
  | { readonly kind: 'run_interrupted'; readonly runId: string };

export type PipelineEventKind = PipelineEvent['kind'];

/** What a run was asked to do: stored with run_started so `strata runs retry` can ask again. */
export interface RunRequest {
  readonly command: string;
  readonly inputs: readonly string[];
  readonly dateOrder: string | null;
  readonly forceGold: boolean;
  readonly ingestOnly: boolean;
  readonly checks: boolean;
  readonly retryOf: string | null;
  /** External sources pulled first (`strata pull`); absent for runs of files only. */
  readonly sources?: readonly string[];
  /** Day partitions asked for (`--partition`, `--from/--to`); absent when none were. */
  readonly partitions?: readonly string[];
  /** `partitioned`: only the partitioned assets and what they read (one day of a per-day backfill). */
  readonly scope?: 'partitioned';
  /** `single-run`: a backfill of `partitions`, day by day inside this one run (`strata run --per-day`). */
  readonly backfill?: 'single-run';
}
