/**
 * Real NATS for stream tests. Outside CI a missing server skips the tests with a loud warning;
 * with CI set, a missing server fails them. Each test run gets its own stream and subject.
 */
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';

export const NATS_URL = process.env['STRATA_TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222';

export function natsReachable(url = NATS_URL, timeoutMs = 1000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || 4222) });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function requireNats(): Promise<boolean> {
  const ok = await natsReachable();
  if (!ok && process.env['CI']) throw new Error(`NATS is required in CI but ${NATS_URL} is unreachable`);
  if (!ok) console.warn(`\n!!! NATS at ${NATS_URL} is unreachable: SKIPPING the stream ingestion tests !!!\n`);
  return ok;
}

export interface TestStream {
  readonly env: Record<string, string>;
  readonly stream: string;
  readonly subject: string;
}

/** A stream and subject no other test run uses. */
export function uniqueStream(label: string): TestStream {
  const id = `${label}_${Date.now()}_${randomUUID().slice(0, 6)}`.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  const subject = `strata.test.${id.toLowerCase()}.tx`;
  return { stream: id, subject, env: { STRATA_NATS_URL: NATS_URL, STRATA_STREAM_NAME: id, STRATA_STREAM_SUBJECT: subject } };
}

export async function withNats<T>(work: (nc: NatsConnection) => Promise<T>): Promise<T> {
  const nc = await connect({ servers: NATS_URL });
  try {
    return await work(nc);
  } finally {
    await nc.close();
  }
}

export async function deleteStreams(...streams: TestStream[]): Promise<void> {
  await withNats(async (nc) => {
    const jsm = await nc.jetstreamManager();
    for (const s of streams) for (const name of [s.stream, `${s.stream}_DLQ`]) await jsm.streams.delete(name).catch(() => false);
  });
}
