/**
 * The job protocol between a run (the orchestrator) and `strata worker` processes. A job is one
 * attempt at one asset partition of one run; its result is the step's outcome as a value. Both
 * sides parse what they receive: a job or result from another version is refused, not guessed.
 */
import { z } from 'zod';
import { ERROR_CODES, StrataError, isStrataError, type ErrorCode } from '../../shared/index.js';
import type { PipelineEvent } from '../events/index.js';
import type { StepValue } from '../steps/asset-step.js';

export const STEP_JOB_VERSION = 2;

export const stepJobSchema = z
  .object({
    version: z.literal(STEP_JOB_VERSION),
    runId: z.string().min(1),
    stepId: z.string().min(1),
    asset: z.string().min(1),
    /** Which queue the job goes to, and what the worker runs. */
    kind: z.enum(['http_source', 'ingest', 'quality_silver', 'gold_model']),
    /** Day partition, or null for a step over the whole asset. */
    partition: z.string().nullable(),
    /** The run's attempt number (1 = first); a worker that died does not use one up. */
    attempt: z.number().int().min(1),
    /** Landing files and folders (ingest), as the orchestrator resolved them: every worker must see the same paths. */
    inputs: z.array(z.string()),
    dateOrder: z.enum(['iso', 'mdy', 'dmy']).nullable(),
    /** Names of the checks to evaluate (gold models). */
    checks: z.array(z.string()),
    /** How a gold model builds: the days asked for (null: those its inputs changed), whole, the day column its readers need. */
    build: z
      .object({ partitions: z.array(z.string()).nullable(), full: z.boolean(), readersPartitionColumn: z.string().nullable() })
      .strict(),
  })
  .strict();

export type StepJob = Omit<z.infer<typeof stepJobSchema>, 'version'>;

const errorSchema = z.object({
  code: z.string(),
  message: z.string(),
  location: z.object({ file: z.string(), line: z.number().optional(), column: z.union([z.number(), z.string()]).optional() }).optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});

export const stepResultSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('succeeded'),
    changed: z.boolean(),
    rows: z.number(),
    worker: z.string(),
    /** true when the step had already committed (a worker died after its commit): nothing was redone. */
    recovered: z.boolean(),
    value: z.unknown(),
    events: z.array(z.record(z.string(), z.unknown())),
  }),
  z.object({ status: z.literal('failed'), worker: z.string(), error: errorSchema }),
]);

export type StepResult = z.infer<typeof stepResultSchema>;

export interface StepSuccess {
  readonly changed: boolean;
  readonly rows: number;
  readonly worker: string;
  readonly recovered: boolean;
  readonly value: StepValue;
  /** Events the worker committed with the step's data, for the run's bus. */
  readonly events: readonly PipelineEvent[];
}

/** Errors cross the queue as plain data: code, message, location, details. */
export function encodeError(error: unknown): z.infer<typeof errorSchema> {
  if (isStrataError(error)) {
    return {
      code: error.code,
      message: error.message,
      ...(error.location ? { location: { ...error.location } } : {}),
      ...(error.details ? { details: { ...error.details } } : {}),
    };
  }
  return { code: 'STRATA_ERR_ENGINE', message: error instanceof Error ? error.message : String(error) };
}

export function decodeError(error: z.infer<typeof errorSchema>): StrataError {
  const code: ErrorCode = error.code in ERROR_CODES ? (error.code as ErrorCode) : 'STRATA_ERR_INTERNAL';
  return new StrataError(code, error.message, {
    ...(error.location ? { location: error.location as { file: string; line?: number; column?: number | string } } : {}),
    ...(error.details ? { details: error.details } : {}),
  });
}

/** A step's value as JSON: the StrataErrors of failed files become plain data. */
export const encodeValue = (value: StepValue): unknown => JSON.parse(JSON.stringify(value, (_key, v: unknown) => (v instanceof Error ? { __error: encodeError(v) } : v)));

/** The inverse of encodeValue: plain error data becomes StrataErrors again. */
export function decodeValue(value: unknown): StepValue {
  const revive = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(revive);
    if (v && typeof v === 'object') {
      const record = v as Record<string, unknown>;
      if (record['__error'] && Object.keys(record).length === 1) return decodeError(errorSchema.parse(record['__error']));
      return Object.fromEntries(Object.entries(record).map(([k, inner]) => [k, revive(inner)]));
    }
    return v;
  };
  return revive(value) as StepValue;
}

/** A job id BullMQ accepts (no colons) that names the attempt: adding the same attempt twice is a no-op. */
export const jobIdOf = (job: StepJob): string => [job.runId, job.stepId, job.partition ?? 'all', `a${job.attempt}`].join('.').replace(/[^A-Za-z0-9_.-]/g, '_');
