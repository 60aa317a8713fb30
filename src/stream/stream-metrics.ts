/**
 * Prometheus metrics of a stream consumer: lag (messages pending for the durable), messages by
 * outcome, micro-batch commit latency. `strata stream consume --metrics-port` serves them.
 */
import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MicroBatchResult } from './micro-batch.js';

export interface StreamMetrics {
  readonly registry: Registry;
  observe(result: MicroBatchResult, lag: number, commitSeconds: number): void;
  setLag(lag: number): void;
}

export function createStreamMetrics(registry: Registry = new Registry()): StreamMetrics {
  const lag = new Gauge({ name: 'strata_stream_consumer_lag', help: 'Messages in the stream not yet acknowledged by the consumer', registers: [registry] });
  const messages = new Counter({ name: 'strata_stream_messages_total', help: 'Stream messages settled, by outcome', labelNames: ['outcome'], registers: [registry] });
  const late = new Counter({ name: 'strata_stream_late_events_total', help: 'Events behind the watermark, by whether they were within the allowed lateness', labelNames: ['within_lateness'], registers: [registry] });
  const commit = new Histogram({
    name: 'strata_stream_batch_commit_seconds',
    help: 'Time to write one micro-batch to bronze and commit',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
    registers: [registry],
  });
  return {
    registry,
    observe(result, pending, commitSeconds) {
      lag.set(pending);
      messages.inc({ outcome: 'loaded' }, result.loaded);
      messages.inc({ outcome: 'dead_letter' }, result.deadLettered);
      messages.inc({ outcome: 'duplicate' }, result.duplicates);
      messages.inc({ outcome: 'redelivered' }, result.alreadySettled);
      late.inc({ within_lateness: 'true' }, result.window?.late ?? 0);
      late.inc({ within_lateness: 'false' }, result.window?.tooLate ?? 0);
      commit.observe(commitSeconds);
    },
    setLag(pending) {
      lag.set(pending);
    },
  };
}

/** Serves the registry at /metrics on 127.0.0.1:`port` until closed. */
export async function serveMetrics(metrics: StreamMetrics, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}
