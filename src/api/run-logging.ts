/**
 * Pipeline runs in the server's log: one line per run and step event, each with `run_id`, at a
 * level that says how much it matters (failures are errors, retries warnings, progress info or
 * debug). Events carry asset keys, partitions and error messages, never row values.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { PipelineEvent, PipelineEventBus } from '../pipeline/index.js';

type Level = 'debug' | 'info' | 'warn' | 'error';

function levelOf(event: PipelineEvent): Level {
  switch (event.kind) {
    case 'step_failed':
      return 'error';
    case 'run_finished':
      return event.status === 'failed' ? 'error' : event.status === 'partial' ? 'warn' : 'info';
    case 'step_retrying':
    case 'run_interrupted':
      return 'warn';
    case 'run_started':
    case 'step_succeeded':
      return 'info';
    default:
      return 'debug';
  }
}

export function logRunEvents(bus: PipelineEventBus, logger: FastifyBaseLogger): () => void {
  return bus.onAny((event) => {
    const { runId, kind, ...rest } = event;
    const fields: Record<string, unknown> = { run_id: runId, event: kind, ...rest };
    if (event.kind === 'run_started') fields['detail'] = { command: event.detail.command, inputs: event.detail.inputs.length, retry_of: event.detail.retryOf };
    logger[levelOf(event)](fields, `pipeline ${kind.replaceAll('_', ' ')}`);
  });
}
