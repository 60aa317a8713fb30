/**
 * Mirrors the event bus to NATS: every pipeline event is published (core NATS, JSON) to
 * `<prefix>.<kind>`, e.g. `strata.events.step_failed`, for whoever listens outside the process.
 * It must never slow or fail a run: events go into a bounded buffer and leave it only while the
 * connection is up; when the buffer is full the oldest event is dropped and counted. Connecting
 * and reconnecting happen in the background, forever, until close().
 */
import { connect, type NatsConnection } from 'nats';
import type { PipelineEventBus } from './event-bus.js';
import type { PipelineEvent } from './event-types.js';

export interface EventMirrorOptions {
  readonly url: string;
  readonly prefix: string;
  /** Events held while NATS is unreachable. */
  readonly bufferSize: number;
  /** Told once per outage, never with the event itself. */
  readonly onProblem?: (message: string) => void;
}

export interface EventMirrorStats {
  readonly published: number;
  readonly dropped: number;
  readonly buffered: number;
  readonly connected: boolean;
}

export interface EventMirror {
  readonly stats: EventMirrorStats;
  /** Waits up to `timeoutMs` for buffered events to reach the server; never throws. */
  flush(timeoutMs: number): Promise<void>;
  /** Stops listening, sends what it can within `timeoutMs`, and closes the connection. */
  close(timeoutMs?: number): Promise<EventMirrorStats>;
}

const encoder = new TextEncoder();
const within = (ms: number, work: Promise<unknown>): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    work.then(
      () => (clearTimeout(timer), resolve()),
      () => (clearTimeout(timer), resolve()),
    );
  });

export function mirrorEventsToNats(bus: PipelineEventBus, options: EventMirrorOptions): EventMirror {
  const buffer: { subject: string; data: Uint8Array }[] = [];
  let published = 0;
  let dropped = 0;
  let nc: NatsConnection | null = null;
  let connected = false;
  let closed = false;
  let warned = false;
  let retryTimer: NodeJS.Timeout | null = null;

  const problem = (message: string): void => {
    if (warned) return;
    warned = true;
    options.onProblem?.(message);
  };

  const drain = (): void => {
    if (!nc || !connected) return;
    while (buffer.length) {
      const next = buffer[0]!;
      try {
        nc.publish(next.subject, next.data);
      } catch {
        return; // closed or draining: keep the rest for the next connection
      }
      buffer.shift();
      published++;
    }
  };

  const watch = async (conn: NatsConnection): Promise<void> => {
    for await (const status of conn.status()) {
      if (status.type === 'disconnect') {
        connected = false;
        problem(`NATS at ${options.url} went away; buffering up to ${options.bufferSize} events`);
      } else if (status.type === 'reconnect') {
        connected = true;
        warned = false;
        drain();
      }
    }
  };

  let delay = 250;
  const attempt = (): void => {
    retryTimer = null;
    if (closed) return;
    connect({ servers: options.url, name: 'strata-events', reconnect: true, maxReconnectAttempts: -1, reconnectTimeWait: 1000, timeout: 2000 }).then(
      (conn) => {
        if (closed) return void conn.close().catch(() => undefined);
        nc = conn;
        connected = true;
        warned = false;
        void watch(conn).catch(() => undefined);
        drain();
      },
      (error: unknown) => {
        problem(`NATS at ${options.url} is unreachable (${error instanceof Error ? error.message : String(error)}); buffering up to ${options.bufferSize} events`);
        delay = Math.min(delay * 2, 10_000);
        retryTimer = setTimeout(attempt, delay);
        // A process with nothing else to do must not stay alive for the mirror.
        retryTimer.unref();
      },
    );
  };
  attempt();

  const unsubscribe = bus.onAny((event: PipelineEvent) => {
    if (closed) return;
    buffer.push({ subject: `${options.prefix}.${event.kind}`, data: encoder.encode(JSON.stringify({ ...event, at: new Date().toISOString() })) });
    if (buffer.length > options.bufferSize) {
      buffer.shift();
      dropped++;
    }
    drain();
  });

  const stats = (): EventMirrorStats => ({ published, dropped, buffered: buffer.length, connected });
  return {
    get stats() {
      return stats();
    },
    async flush(timeoutMs) {
      drain();
      if (nc && connected) await within(timeoutMs, nc.flush());
    },
    async close(timeoutMs = 2000) {
      unsubscribe();
      drain();
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      const conn = nc;
      if (conn) {
        if (connected) await within(timeoutMs, conn.flush());
        await within(timeoutMs, conn.close());
      }
      return stats();
    },
  };
}

/** The mirror the configuration asks for (`eventsNatsPrefix` set), or null. */
export function eventMirrorFor(
  config: { readonly natsUrl: string; readonly eventsNatsPrefix?: string | undefined; readonly eventsNatsBuffer: number },
  bus: PipelineEventBus,
  onProblem?: (message: string) => void,
): EventMirror | null {
  if (!config.eventsNatsPrefix) return null;
  return mirrorEventsToNats(bus, { url: config.natsUrl, prefix: config.eventsNatsPrefix, bufferSize: config.eventsNatsBuffer, ...(onProblem ? { onProblem } : {}) });
}
