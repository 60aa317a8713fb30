/**
 * Publishes to JetStream with many acknowledgements outstanding: each message carries a reply
 * subject under one inbox subscription, and the stream's PubAck settles it. `js.publish` does the
 * same per message with a request and a timer each, which caps a producer at a few thousand
 * messages a second; this keeps every message acknowledged at several times that.
 */
import { createInbox, headers, type NatsConnection, type Subscription } from 'nats';

export interface PubAckInfo {
  readonly seq: number;
  readonly duplicate: boolean;
}

interface Pending {
  readonly resolve: (ack: PubAckInfo) => void;
  readonly reject: (error: Error) => void;
  readonly sentAt: number;
}

export class AckedPublisher {
  private readonly inbox = createInbox();
  private readonly pending = new Map<number, Pending>();
  private readonly sub: Subscription;
  private readonly timer: NodeJS.Timeout;
  private next = 0;

  constructor(private readonly nc: NatsConnection, private readonly timeoutMs = 10_000) {
    this.sub = nc.subscribe(`${this.inbox}.*`, {
      callback: (error, msg) => {
        const id = Number(msg.subject.slice(this.inbox.length + 1));
        const entry = this.pending.get(id);
        if (!entry) return;
        this.pending.delete(id);
        if (error) return entry.reject(error);
        try {
          const ack = JSON.parse(new TextDecoder().decode(msg.data)) as { seq?: number; duplicate?: boolean; error?: { description?: string } };
          if (ack.error || typeof ack.seq !== 'number') entry.reject(new Error(`JetStream refused the message: ${ack.error?.description ?? 'no acknowledgement'}`));
          else entry.resolve({ seq: ack.seq, duplicate: ack.duplicate === true });
        } catch (cause) {
          entry.reject(new Error('unreadable JetStream acknowledgement', { cause }));
        }
      },
    });
    // No reply (no stream on the subject, broker gone): fail loudly rather than wait forever.
    this.timer = setInterval(() => {
      const now = performance.now();
      for (const [id, entry] of this.pending) {
        if (now - entry.sentAt < this.timeoutMs) break;
        this.pending.delete(id);
        entry.reject(new Error(`no JetStream acknowledgement within ${this.timeoutMs} ms`));
      }
    }, 250);
  }

  get outstanding(): number {
    return this.pending.size;
  }

  publish(subject: string, data: Uint8Array, msgId?: string): Promise<PubAckInfo> {
    const id = this.next++;
    const h = msgId ? headers() : undefined;
    if (h && msgId) h.set('Nats-Msg-Id', msgId);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, sentAt: performance.now() });
      this.nc.publish(subject, data, { reply: `${this.inbox}.${id}`, ...(h ? { headers: h } : {}) });
    });
  }

  close(): void {
    clearInterval(this.timer);
    this.sub.unsubscribe();
  }
}
