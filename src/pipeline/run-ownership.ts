/**
 * Which orchestrator owns a running run. Each process has one owner id; while it has runs in
 * progress on a warehouse it refreshes their heartbeat (meta.runs.heartbeat_at, one UPDATE for all
 * of them) every quarter of STRATA_RUN_HEARTBEAT_EXPIRY_MS. Orchestrators mark interrupted only the
 * runs whose heartbeat expired (markInterruptedRuns in run-store.ts), when they start and, while
 * they live, every half expiry (superviseRuns). So several orchestrators can share one warehouse
 * (API replicas and a daemon on PostgreSQL) without closing each other's runs, and the runs of a
 * process that died are closed by an orchestrator once the expiry has passed.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Warehouse } from '../engine/index.js';

/** This process as the owner of the runs it starts: host, pid and a random part (pids are reused). */
export const ORCHESTRATOR_ID = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

/** Heartbeats go this many times per expiry, so a few may be late or fail before a live run looks dead. */
const BEATS_PER_EXPIRY = 4;

class Heartbeat {
  private readonly runs = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private beating: Promise<void> | null = null;

  constructor(
    private readonly warehouse: Warehouse,
    private readonly intervalMs: number,
  ) {}

  add(runId: string): void {
    this.runs.add(runId);
    this.arm();
  }

  /** Settles once no heartbeat of this warehouse is in flight, if `runId` was its last run. */
  async remove(runId: string): Promise<void> {
    this.runs.delete(runId);
    if (this.runs.size > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.beating;
  }

  private arm(): void {
    if (this.timer || this.beating || this.runs.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.beating = this.beat();
    }, this.intervalMs);
    // The run's own work keeps the process alive; a forgotten heartbeat must not.
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    try {
      await this.warehouse.execute(`UPDATE meta.runs SET heartbeat_at = now() WHERE owner_id = $owner AND status = 'running'`, { owner: ORCHESTRATOR_ID });
    } catch {
      // A missed beat is what the expiry allows for; the next one tries again. Were the warehouse
      // gone for longer, the run could not record its steps either.
    } finally {
      this.beating = null;
      this.arm();
    }
  }
}

const heartbeats = new WeakMap<Warehouse, Heartbeat>();

/** Keeps `runId`'s heartbeat fresh on `warehouse` until letGoOfRun. */
export function keepRunAlive(warehouse: Warehouse, runId: string, expiryMs: number): void {
  let heartbeat = heartbeats.get(warehouse);
  if (!heartbeat) {
    heartbeat = new Heartbeat(warehouse, Math.max(1, Math.floor(expiryMs / BEATS_PER_EXPIRY)));
    heartbeats.set(warehouse, heartbeat);
  }
  heartbeat.add(runId);
}

/** Stops `runId`'s heartbeat; settles once none is in flight on `warehouse` (it may be closed next). */
export async function letGoOfRun(warehouse: Warehouse, runId: string): Promise<void> {
  await heartbeats.get(warehouse)?.remove(runId);
}

/**
 * Marks interrupted the runs whose orchestrator is gone: still `running` with a heartbeat older
 * than `expiryMs`, or with no owner (started before owners were recorded); 0 takes every running
 * run, for a process that holds a DuckDB file alone. One set-based UPDATE, and the event log gets
 * a run_interrupted for each run it has unfinished that meta.runs no longer has running (just
 * marked, or never recorded there), in the same transaction. The event log is append-only: an
 * interrupted run gets an event, nothing is rewritten.
 */
export async function markInterruptedRuns(warehouse: Warehouse, options: { readonly expiryMs: number }): Promise<number> {
  return warehouse.transaction(async (tx) => {
    // Two orchestrators sweeping at once would each append run_interrupted for a run without a meta.runs row.
    if (warehouse.dialect === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(7411003)');
    const marked = await tx.query<{ run_id: string }>(
      `UPDATE meta.runs SET status = 'interrupted', finished_at = now(), error = 'the process running it stopped before the run finished'
       WHERE status = 'running'
         AND (owner_id IS NULL OR heartbeat_at IS NULL OR heartbeat_at <= now() - to_milliseconds($expiry_ms::BIGINT))
       RETURNING run_id`,
      { expiry_ms: options.expiryMs },
    );
    await tx.execute(
      `INSERT INTO meta.events (run_id, occurred_at, kind, status)
       SELECT s.run_id, now(), 'run_interrupted', 'interrupted' FROM meta.events s
       WHERE s.kind = 'run_started'
         AND NOT EXISTS (SELECT 1 FROM meta.events e WHERE e.run_id = s.run_id AND e.kind IN ('run_finished', 'run_interrupted'))
         AND NOT EXISTS (SELECT 1 FROM meta.runs r WHERE r.run_id = s.run_id AND r.status = 'running')
       ORDER BY s.event_id`,
    );
    return marked.length;
  });
}

export interface RunSupervisor {
  /** Settles once no pass is in flight, so the warehouse can be closed. */
  stop(): Promise<void>;
}

export interface SuperviseOptions {
  readonly expiryMs: number;
  /** Runs of dead orchestrators found and marked interrupted by one pass. */
  readonly onInterrupted?: (runs: number) => void;
  readonly onError?: (error: unknown) => void;
}

/**
 * Marks expired runs interrupted every half expiry until stopped, so a long-lived orchestrator
 * (serve, daemon) closes the runs of one that died after it started. Marking at start is the
 * caller's, in whatever warehouse access it opens with.
 */
export function superviseRuns(warehouse: Warehouse, options: SuperviseOptions): RunSupervisor {
  let timer: NodeJS.Timeout | null = null;
  let pass: Promise<void> | null = null;
  let stopped = false;
  const arm = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = null;
      pass = markInterruptedRuns(warehouse, { expiryMs: options.expiryMs })
        .then(
          (runs) => {
            if (runs) options.onInterrupted?.(runs);
          },
          (error: unknown) => options.onError?.(error),
        )
        .catch(() => undefined)
        .finally(() => {
          pass = null;
          arm();
        });
    }, Math.max(1, Math.floor(options.expiryMs / 2)));
    timer.unref();
  };
  arm();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await pass;
    },
  };
}
