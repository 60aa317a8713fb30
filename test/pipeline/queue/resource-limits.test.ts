/**
 * Concurrency per external resource across all workers: two HTTP sources on one shop (one
 * resource: the host) pulled by two real `strata worker` processes. With the resource's limit at
 * 1 (the default) the workers never talk to the shop at once, whichever of them holds the pull;
 * at 2 the two pulls overlap. The shop is a real local HTTP server that answers each page slowly.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../../helpers/cli.js';
import { REDIS_URL, dropPrefix, requireRedis } from '../../api/backends/redis-harness.js';
import { shopRows, startFlakyShop, type FlakyShop } from '../external/flaky-shop.js';
import { startWorkerProcess, stopWorker, workersPrefix, type WorkerProcess } from './worker-harness.js';

const redisUp = await requireRedis();
const PAGE_DELAY_MS = 250;

describe.runIf(redisUp)('strata worker: concurrency per external resource', () => {
  const root = tempDir('strata-resource-');
  const prefixes: string[] = [];
  const workers: WorkerProcess[] = [];
  let shop: FlakyShop;

  beforeAll(async () => {
    shop = await startFlakyShop({ '/a': shopRows(30, 1), '/b': shopRows(30, 2) });
  });
  afterAll(async () => {
    await Promise.all(workers.map(stopWorker));
    for (const prefix of prefixes) await dropPrefix(REDIS_URL, prefix);
    await shop.close();
    root.cleanup();
  }, 60_000);

  /** Pulls both sources with two workers; returns which source each request was for, in arrival order, and who pulled. */
  async function pullBoth(label: string, limits: Record<string, number>): Promise<{ order: string[]; pulledBy: Set<string> }> {
    shop.reset(() => ({ delayMs: PAGE_DELAY_MS }));
    const prefix = workersPrefix(label);
    prefixes.push(prefix);
    const dataDir = path.join(root.dir, label);
    const settings = { pageSize: 10, ratePerSecond: 1000, burst: 100, requestTimeoutMs: 5000 };
    const env = {
      STRATA_REDIS_URL: REDIS_URL,
      STRATA_REDIS_KEY_PREFIX: prefix,
      STRATA_WORKER_LOCK_MS: '3000',
      STRATA_WORKER_CONCURRENCY: '1',
      STRATA_HTTP_SOURCES: JSON.stringify({ a: { ...settings, url: `${shop.url}/a` }, b: { ...settings, url: `${shop.url}/b` } }),
      STRATA_RESOURCE_LIMITS: JSON.stringify(limits),
    };
    const pair = [startWorkerProcess(dataDir, env), startWorkerProcess(dataDir, env)];
    workers.push(...pair);
    await Promise.all(pair.map((w) => w.waitFor((e) => e.kind === 'worker_ready')));
    const result = await runCli(['--json', 'pull', 'a', 'b'], { dataDir, env: { ...env, STRATA_EXECUTION: 'queue' }, timeoutMs: 170_000 });
    expect(result.code, result.stderr).toBe(0);
    expect(result.json).toMatchObject({ status: 'succeeded', totals: { rows_in: 60 } });
    await Promise.all(pair.map(stopWorker));
    const pulledBy = new Set(pair.filter((w) => w.events.some((e) => e.kind === 'job_finished' && e.status === 'succeeded' && e.step?.startsWith('http.'))).map((w) => w.events[0]!.worker!));
    return { order: shop.requests.map((r) => r.path.slice(1, 2)), pulledBy };
  }

  it('admits one pull at a time to a resource limited to 1, across two workers', async () => {
    const { order, pulledBy } = await pullBoth('limit1', {});
    expect(order).toHaveLength(6);
    // All of one source's pages, then all of the other's: never interleaved.
    expect(order.join('')).toMatch(/^(aaabbb|bbbaaa)$/);
    expect(pulledBy.size).toBe(2);
  }, 180_000);

  it('lets two pulls overlap when the resource admits 2', async () => {
    const host = new URL(shop.url).host;
    const { order } = await pullBoth('limit2', { [host]: 2 });
    expect(order).toHaveLength(6);
    expect(order.join('')).not.toMatch(/^(aaabbb|bbbaaa)$/);
  }, 180_000);
});
