/**
 * One ioredis connection for the API's shared backends, and whether it can be trusted right now.
 * Commands never queue while Redis is away (they fail at once, so a request is answered uncached
 * instead of waiting), reconnection goes on forever with a capped backoff, and an outage is logged
 * once when it starts and once when it ends, and counted in metrics.
 */
import { Redis } from 'ioredis';
import { Counter, Gauge, type Registry } from 'prom-client';

export interface LinkLogger {
  warn(message: string): void;
  info(message: string): void;
}

export interface RedisLink {
  readonly client: Redis;
  /** Connected, and every `onRestored` step has finished since the last (re)connect. */
  readonly usable: boolean;
  /** `key` under the deployment's prefix. */
  key(name: string): string;
  /** Work that must succeed after every (re)connect before the link is usable again (e.g. a new cache generation). */
  onRestored(step: () => Promise<void>): void;
  /**
   * A command failed. A timeout (Redis hung) or `reconnect` drops the connection, so that requests
   * fall back at once instead of each waiting out the timeout, and the `onRestored` steps run again.
   */
  failed(error: Error, options?: { reconnect?: boolean }): void;
  /** Counts an answer that fell back to the in-process path because Redis was unusable. */
  fellBack(use: 'cache' | 'rate_limit'): void;
  close(): Promise<void>;
}

export interface RedisLinkOptions {
  readonly url: string;
  readonly keyPrefix: string;
  readonly commandTimeoutMs: number;
  readonly registry: Registry;
  readonly log: LinkLogger;
}

/** host:port only: the URL may carry a password. */
export function redisAddress(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || '6379'}`;
}

export function openRedisLink(options: RedisLinkOptions): RedisLink {
  const address = redisAddress(options.url);
  const client = new Redis(options.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: Math.max(1_000, options.commandTimeoutMs * 4),
    retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 10), 1_000),
    lazyConnect: false,
  });
  const up = new Gauge({ name: 'strata_redis_up', help: 'Whether the shared Redis backends are usable (1) or the API runs on in-process fallbacks (0)', registers: [options.registry] });
  const outages = new Counter({ name: 'strata_redis_outages_total', help: 'Times the API lost its Redis connection', registers: [options.registry] });
  const fallbacks = new Counter({ name: 'strata_redis_fallbacks_total', help: 'Requests served by the in-process fallback while Redis was unusable', labelNames: ['use'], registers: [options.registry] });
  up.set(0);

  const steps: (() => Promise<void>)[] = [];
  let usable = false;
  let down = false;
  let closing = false;
  let connection = 0;

  const lost = (reason: string): void => {
    usable = false;
    up.set(0);
    if (down || closing) return;
    down = true;
    outages.inc();
    options.log.warn(`Redis at ${address} is unreachable (${reason}): serving uncached answers and in-process rate limits until it is back`);
  };

  client.on('ready', () => {
    const mine = ++connection;
    void (async () => {
      try {
        for (const step of steps) await step();
      } catch (error) {
        // Not usable until the steps succeed; a later reconnect (or the next ready) tries again.
        lost(`restoring failed: ${(error as Error).message}`);
        client.disconnect(true);
        return;
      }
      if (mine !== connection || client.status !== 'ready') return;
      usable = true;
      up.set(1);
      if (down) options.log.info(`Redis at ${address} is back: shared cache and rate limits resumed`);
      down = false;
    })();
  });
  client.on('close', () => lost('connection closed'));
  client.on('error', (error: Error) => lost(error.message));

  return {
    client,
    get usable() {
      return usable && client.status === 'ready';
    },
    key: (name) => `${options.keyPrefix}${name}`,
    onRestored: (step) => void steps.push(step),
    failed(error, failOptions) {
      if (closing || !(failOptions?.reconnect || /timed? ?out/i.test(error.message))) return;
      lost(error.message);
      client.disconnect(true);
    },
    fellBack: (use) => fallbacks.inc({ use }),
    async close() {
      closing = true;
      usable = false;
      await client.quit().catch(() => client.disconnect());
    },
  };
}
