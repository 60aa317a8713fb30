/**
 * A run's events outside a transaction: published on the bus at once and appended to the log in
 * order, one write at a time, without the run waiting on each write. A failed append does not
 * stop the run; `settled()` reports it once the run is done, so the run ends failed instead of
 * with a history that misses events.
 */
import type { WarehouseSession } from '../../engine/index.js';
import { StrataError, describeError } from '../../shared/index.js';
import type { PipelineEventBus } from './event-bus.js';
import { appendEvents } from './event-log.js';
import type { PipelineEvent } from './event-types.js';

export interface RunEventLog {
  /** To the bus only: events some transaction already wrote to the log. */
  publish(events: readonly PipelineEvent[]): void;
  /** To the bus, and appended after every earlier append; resolves once it is written. */
  log(...events: PipelineEvent[]): Promise<void>;
  /** Waits for every append so far; the first failure among them as an error, or null. */
  settled(): Promise<StrataError | null>;
}

export function runEventLog(session: WarehouseSession, bus: PipelineEventBus): RunEventLog {
  let tail: Promise<void> = Promise.resolve();
  let failure: unknown = null;
  const publish = (events: readonly PipelineEvent[]): void => events.forEach((e) => bus.emit(e));
  return {
    publish,
    log(...events) {
      publish(events);
      tail = tail.then(() => appendEvents(session, events)).catch((caught: unknown) => void (failure ??= caught));
      return tail;
    },
    async settled() {
      await tail;
      return failure ? new StrataError('STRATA_ERR_ENGINE', `the event log could not be written: ${describeError(failure)}`, { cause: failure }) : null;
    },
  };
}
