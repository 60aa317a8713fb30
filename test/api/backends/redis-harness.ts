/**
 * Real Redis for the backend tests: the machine's server (127.0.0.1:6379, or STRATA_TEST_REDIS_URL)
 * with a key prefix unique to the test run, and test-owned `redis-server` children that a test may
 * kill and restart. Outside CI an unreachable server or a missing binary skips with a LOUD warning;
 * with CI set it fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { openRedisLink, type RedisLink } from '../../../src/api/backends/index.js';
import { requireOrSkip, tcpReachable } from '../../helpers/services.js';

export const REDIS_URL = process.env['STRATA_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
export const REDIS_SERVER_BIN = process.env['STRATA_TEST_REDIS_SERVER'] ?? '/usr/bin/redis-server';

const reachable = (url: string, timeoutMs?: number): Promise<boolean> => tcpReachable(url, 6379, timeoutMs);
const skipOrFail = (ok: boolean, what: string): boolean => requireOrSkip(ok, what, 'the Redis backend tests');

export const requireRedis = async (): Promise<boolean> => skipOrFail(await reachable(REDIS_URL), `Redis at ${REDIS_URL}`);
export const requireRedisServerBinary = (): boolean => skipOrFail(existsSync(REDIS_SERVER_BIN), `the redis-server binary (${REDIS_SERVER_BIN}, Debian package redis-server)`);

/** A key prefix no other test run uses. */
export const uniquePrefix = (label: string): string => `strata-test:${label}:${Date.now().toString(36)}:${randomUUID().slice(0, 8)}:`;

/** Deletes every key under `prefix` (SCAN, never KEYS). */
export async function dropPrefix(url: string, prefix: string): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length) await client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}

export interface Logged {
  readonly warnings: string[];
  readonly infos: string[];
}

export function testLink(url: string, prefix: string, commandTimeoutMs = 300): { link: RedisLink; logged: Logged; registry: Registry } {
  const logged: Logged = { warnings: [], infos: [] };
  const registry = new Registry();
  const link = openRedisLink({ url, keyPrefix: prefix, commandTimeoutMs, registry, log: { warn: (m) => void logged.warnings.push(m), info: (m) => void logged.infos.push(m) } });
  return { link, logged, registry };
}

export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A `redis-server` child of the test, on a free port, without persistence. */
export interface OwnedRedis {
  readonly url: string;
  readonly port: number;
  /** SIGKILL: the server vanishes mid-flight, its data with it. */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty). */
  start(): Promise<void>;
  /** SIGSTOP / SIGCONT: a server that hangs, keeping its data. */
  pause(): void;
  resume(): void;
}

export async function startOwnedRedis(): Promise<OwnedRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  const owned: OwnedRedis = {
    url,
    port,
    async start() {
      const proc = spawn(REDIS_SERVER_BIN, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], { stdio: 'ignore' });
      child = proc;
      let exited = false;
      proc.once('exit', () => (exited = true));
      await waitFor(async () => exited || (await reachable(url, 200)), 10_000, `redis-server on port ${port}`);
      if (exited) throw new Error(`redis-server on port ${port} exited at start`);
    },
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
    async kill() {
      const proc = child;
      child = null;
      if (!proc || proc.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill('SIGKILL');
      });
    },
  };
  await owned.start();
  return owned;
}
