/**
 * Real NATS for stream tests. Outside CI a missing server skips the tests with a loud warning;
 * with CI set, a missing server fails them. Each test run gets its own stream and subject.
 */
import { randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import { requireOrSkip, tcpReachable } from '../helpers/services.js';

export const NATS_URL = process.env['STRATA_TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222';

export const natsReachable = (url = NATS_URL, timeoutMs = 1000): Promise<boolean> => tcpReachable(url, 4222, timeoutMs);

export async function requireNats(): Promise<boolean> {
  return requireOrSkip(await natsReachable(), `NATS at ${NATS_URL}`, 'the stream ingestion tests');
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
