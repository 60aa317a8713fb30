import { InvalidArgumentError, type Command } from 'commander';
import { QUEUES, startWorker, type QueueName, type WorkerEvent } from '../../../pipeline/index.js';
import { StrataError } from '../../../shared/index.js';
import { contextOf } from '../../context.js';

const positive = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidArgumentError('expected a whole number from 1 to 64');
  return n;
};

const queueList = (value: string): QueueName[] => {
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(QUEUES as readonly string[]).includes(n));
  if (unknown.length || !names.length) throw new InvalidArgumentError(`expected queue names from ${QUEUES.join(', ')}`);
  return names as QueueName[];
};

const describe = (event: WorkerEvent): string =>
  event.kind === 'job_started'
    ? `${event.worker} started ${event.step} (run ${event.runId}, attempt ${event.attempt}${event.delivery > 1 ? `, delivery ${event.delivery}: its last worker died` : ''})`
    : `${event.worker} ${event.status} ${event.step} in ${event.ms} ms${event.recovered ? ' (already committed: nothing redone)' : ''}${event.error ? `: ${event.error}` : ''}`;

export function register(program: Command): void {
  program
    .command('worker')
    .description('take pipeline step jobs from the BullMQ queues on Redis (STRATA_REDIS_URL) and run them against the warehouse; any number may run')
    .option('--concurrency <n>', 'jobs at once per queue in this process (env STRATA_WORKER_CONCURRENCY, default 2)', positive)
    .option('--queues <names>', `queues to serve, comma-separated (default: ${QUEUES.join(',')})`, queueList)
    .action(async (options: { concurrency?: number; queues?: QueueName[] }, command: Command) => {
      const ctx = contextOf(command);
      if (!ctx.config.redisUrl) throw new StrataError('STRATA_ERR_CONFIG', 'invalid setting STRATA_REDIS_URL: `strata worker` takes its jobs from Redis; set it to a redis:// URL');
      const print = (event: WorkerEvent): void => {
        if (ctx.out.json) process.stdout.write(`${JSON.stringify(event)}\n`);
        else process.stderr.write(`${describe(event)}\n`);
      };
      const worker = await startWorker(ctx.config, { ...(options.concurrency ? { concurrency: options.concurrency } : {}), ...(options.queues ? { queues: options.queues } : {}), onEvent: print });
      ctx.out.info(`worker ${worker.id} is taking jobs from ${(options.queues ?? QUEUES).join(', ')}; SIGTERM finishes the running jobs, then stops`);
      if (ctx.out.json) process.stdout.write(`${JSON.stringify({ kind: 'worker_ready', worker: worker.id })}\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGTERM', stop);
          process.off('SIGINT', stop);
          resolve();
        };
        process.on('SIGTERM', stop);
        process.on('SIGINT', stop);
      });
      await worker.close();
      if (ctx.out.json) process.stdout.write(`${JSON.stringify({ kind: 'worker_stopped', worker: worker.id })}\n`);
    });
}
