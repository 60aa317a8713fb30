/**
 * `strata stream consume` (NATS JetStream -> bronze -> quality -> silver, exactly once) and
 * `strata stream produce` (replay CSV files as events, for demos, tests and benchmarks).
 */
import { Command, Option } from 'commander';
import { loadConfig } from '../../../config/index.js';
import { runStreamConsumer } from '../../../pipeline/index.js';
import { StrataError } from '../../../shared/index.js';
import { createStreamMetrics, replayToStream, serveMetrics, streamSettings, type StreamSettings } from '../../../stream/index.js';
import { contextOf, withWarehouse, type CommandContext } from '../../context.js';
import { formatNumber, table } from '../../output.js';

interface StreamFlags {
  stream?: string;
  subject?: string;
  durable?: string;
  batchSize?: string;
  maxDeliveries?: string;
  ackWaitMs?: string;
  allowedLatenessMs?: string;
}

const positiveInt = (name: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new StrataError('STRATA_ERR_USAGE', `${name} must be a whole number, got ${value}`);
  return n;
};

function settingsOf(ctx: CommandContext, flags: StreamFlags): StreamSettings {
  const overrides: Partial<Record<string, unknown>> = {};
  if (flags.stream) overrides['streamName'] = flags.stream;
  if (flags.subject) overrides['streamSubject'] = flags.subject;
  if (flags.durable) overrides['streamDurable'] = flags.durable;
  if (flags.batchSize) overrides['streamBatchSize'] = flags.batchSize;
  if (flags.maxDeliveries) overrides['streamMaxDeliveries'] = flags.maxDeliveries;
  if (flags.ackWaitMs) overrides['streamAckWaitMs'] = flags.ackWaitMs;
  if (flags.allowedLatenessMs) overrides['streamAllowedLatenessMs'] = flags.allowedLatenessMs;
  // Flags go through the same schema as the environment; only the keys given on the command line are taken.
  const checked: Record<string, unknown> = loadConfig(overrides);
  const taken = Object.fromEntries(Object.keys(overrides).map((key) => [key, checked[key]]));
  return streamSettings({ ...ctx.config, ...taken });
}

const streamOptions = (command: Command): Command =>
  command
    .option('--stream <name>', 'JetStream stream (env STRATA_STREAM_NAME, default RETAIL_TRANSACTIONS)')
    .option('--subject <subject>', 'subject carrying the events (env STRATA_STREAM_SUBJECT, default retail.transactions)');

export function register(program: Command): void {
  const stream = program.command('stream').description('streaming ingestion from NATS JetStream');

  streamOptions(stream.command('consume'))
    .description('consume transaction events into bronze (one transaction per micro-batch, acknowledged after commit), then quality and silver')
    .option('--durable <name>', 'durable consumer name (env STRATA_STREAM_DURABLE, default strata-bronze)')
    .option('--batch-size <n>', 'most messages per micro-batch (env STRATA_STREAM_BATCH_SIZE, default 20000)')
    .option('--max-deliveries <n>', 'dead-letter a message delivered more often than this (default 5)')
    .option('--ack-wait-ms <ms>', 'redeliver a message not acknowledged within this time (default 30000)')
    .option('--allowed-lateness-ms <ms>', 'event-time windows accept events this far behind the watermark (default 300000)')
    .addOption(new Option('--until-idle <ms>', 'stop once nothing is pending and no message arrived for this long').argParser((v) => positiveInt('--until-idle', v)))
    .addOption(new Option('--metrics-port <port>', 'serve Prometheus metrics (consumer lag, messages by outcome) on 127.0.0.1:<port>/metrics').argParser((v) => positiveInt('--metrics-port', v)))
    .addOption(new Option('--process-every <ms>', 'run quality + silver at most this often while busy').default(2000).argParser((v) => positiveInt('--process-every', v)))
    .action(async (flags: StreamFlags & { untilIdle?: number; processEvery: number; metricsPort?: number }, command: Command) => {
      const ctx = contextOf(command);
      const settings = settingsOf(ctx, flags);
      const controller = new AbortController();
      const stop = (): void => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const metrics = createStreamMetrics();
      const server = flags.metricsPort !== undefined ? await serveMetrics(metrics, flags.metricsPort) : null;
      ctx.out.info(`consuming ${settings.subject} (stream ${settings.stream}, durable ${settings.durable}) from ${settings.natsUrl}`);
      let result: Awaited<ReturnType<typeof runStreamConsumer>>;
      try {
        result = await withWarehouse(ctx, (warehouse) =>
          runStreamConsumer(warehouse, ctx.config, settings, {
            signal: controller.signal,
            ...(flags.untilIdle !== undefined ? { idleExitMs: flags.untilIdle } : {}),
            processEveryMs: flags.processEvery,
            metrics,
            onRetry: (what, error, attempt) => ctx.out.info(`retrying ${what} (attempt ${attempt}): ${error instanceof Error ? error.message : String(error)}`),
            onBatch: (batch, lag) =>
              ctx.out.info(
                `committed ${batch.batchId ?? '(no new rows)'}: ${batch.messages} messages, ${batch.loaded} loaded, ${batch.deadLettered} dead-lettered, ${batch.duplicates} duplicates, ${batch.alreadySettled} redelivered; ${batch.window?.late ?? 0} late, ${batch.window?.tooLate ?? 0} past lateness; watermark ${batch.window?.watermark ?? '-'}; lag ${lag}`,
              ),
          }),
        );
      } finally {
        server?.close();
      }
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      ctx.out.result(result, () => {
        const c = result.consumer;
        const lines = [`run ${result.runId}: ${result.status}${result.error ? ` (${result.error})` : ''}`];
        if (c) {
          lines.push(
            `${formatNumber(c.messages)} messages in ${formatNumber(c.batches)} batches: ${formatNumber(c.loaded)} loaded, ${formatNumber(c.deadLettered)} dead-lettered, ${formatNumber(c.duplicates)} duplicates, ${formatNumber(c.alreadySettled)} redelivered`,
            `${formatNumber(c.eventsPerSecond)} events/s; publish -> commit p50 ${c.commitLatencyMs.p50 ?? '-'} ms, p99 ${c.commitLatencyMs.p99 ?? '-'} ms; lag ${c.lag}`,
          );
        }
        if (result.batches.length) {
          lines.push(
            table(
              ['batch', 'rows in', 'to silver', 'quarantined', 'duplicates', 'score'],
              result.batches.map((b) => [b.batch_id, formatNumber(b.rows_in), formatNumber(b.rows_to_silver), formatNumber(b.rows_quarantined), formatNumber(b.duplicates_removed), b.quality_score]),
            ),
          );
        }
        return lines.join('\n');
      });
      if (result.status !== 'succeeded') process.exitCode = 1;
    });

  streamOptions(stream.command('produce'))
    .description('replay CSV files (or folders of them) as transaction events, message id = file hash + line')
    .requiredOption('--from <paths...>', 'CSV files or folders')
    .addOption(new Option('--rate <n>', 'events per second (0 = as fast as the broker takes them)').default(0).argParser((v) => positiveInt('--rate', v)))
    .action(async (flags: StreamFlags & { from: string[]; rate: number }, command: Command) => {
      const ctx = contextOf(command);
      const settings = settingsOf(ctx, flags);
      const report = await replayToStream(flags.from, settings, {
        rate: flags.rate,
        onFile: (file, events) => ctx.out.info(`published ${formatNumber(events)} events from ${file}`),
      });
      ctx.out.result(report, () =>
        [
          `${formatNumber(report.events)} events from ${report.files} file(s) to ${settings.subject} in ${formatNumber(report.durationMs)} ms (${formatNumber(report.eventsPerSecond)} events/s)`,
          `${formatNumber(report.duplicates)} already in the stream; sequences ${report.firstSeq ?? '-'}..${report.lastSeq ?? '-'}; ack p99 ${report.ackLatencyMs.p99 === null ? '-' : report.ackLatencyMs.p99.toFixed(1)} ms`,
        ].join('\n'),
      );
    });
}
