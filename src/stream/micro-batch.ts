/** A fetched message reduced to what the bronze writer needs, decided before any SQL runs. */
import type { WindowUpdate } from './speed-layer.js';
import type { EventField } from './transaction-event.js';

export interface IncomingMessage {
  readonly seq: number;
  readonly eventId: string;
  readonly deliveries: number;
  /** When JetStream stored the message (ms since epoch). */
  readonly publishedAtMs: number;
  readonly payloadBytes: number;
  readonly content:
    | { readonly kind: 'event'; readonly fields: Readonly<Record<EventField, string | null>> }
    | { readonly kind: 'dead_letter'; readonly reason: string; readonly raw: string; readonly payload: Uint8Array };
}

export interface DeadLetter {
  readonly seq: number;
  readonly eventId: string;
  readonly reason: string;
  /** The message exactly as received (bronze keeps at most 10,000 characters of it as text). */
  readonly payload: Uint8Array;
  readonly deliveries: number;
}

export interface MicroBatchResult {
  /** The bronze batch written, or null when every message had been applied before. */
  readonly batchId: string | null;
  readonly messages: number;
  readonly loaded: number;
  readonly deadLettered: number;
  readonly duplicates: number;
  /** Redeliveries of messages settled by an earlier commit. */
  readonly alreadySettled: number;
  /** What the micro-batch did to the event-time windows (null when it added no rows). */
  readonly window: WindowUpdate | null;
}
