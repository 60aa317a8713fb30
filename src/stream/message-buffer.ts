/**
 * Collects messages that a long-lived JetStream `consume()` delivers and hands them out as
 * micro-batches: full ones as soon as `batchSize` have arrived, partial ones once the oldest
 * waiting message has lingered `lingerMs`. One pull subscription lives as long as the consumer,
 * so a message is never lost to a fetch that expired on the client while the server was still
 * sending it (with per-batch fetches on a busy machine that cost a redelivery after ack_wait,
 * tens of seconds, for thousands of messages). The buffer is bounded by the server's
 * max_ack_pending: it never holds more than that many unacknowledged messages.
 */
export class MessageBuffer<T> {
  private items: T[] = [];
  private oldestAt = 0;
  private wake: (() => void) | null = null;
  private closedWith: Error | null | undefined = undefined;

  constructor(private readonly batchSize: number, private readonly lingerMs: number) {}

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    if (this.items.length === 0) this.oldestAt = performance.now();
    this.items.push(item);
    if (this.items.length >= this.batchSize) this.signal();
  }

  /** The source ended (error, or null for a clean end): waiting stops, buffered items still come out. */
  close(error: Error | null): void {
    this.closedWith = error;
    this.signal();
  }

  get closed(): Error | null | undefined {
    return this.closedWith;
  }

  /**
   * The next micro-batch: up to `batchSize` items, once it is full or its oldest item has waited
   * `lingerMs`; empty if nothing arrived within `idleMs` (or the source closed).
   */
  async next(idleMs: number): Promise<T[]> {
    const idleUntil = performance.now() + idleMs;
    for (;;) {
      const now = performance.now();
      if (this.items.length >= this.batchSize || (this.items.length > 0 && (now - this.oldestAt >= this.lingerMs || this.closedWith !== undefined))) return this.take();
      if (this.closedWith !== undefined || (this.items.length === 0 && now >= idleUntil)) return [];
      const until = this.items.length > 0 ? this.oldestAt + this.lingerMs : idleUntil;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.wake = null;
          resolve();
        }, Math.max(1, until - now));
        this.wake = () => {
          clearTimeout(timer);
          this.wake = null;
          resolve();
        };
      });
    }
  }

  /** Everything still buffered (at shutdown). */
  drain(): T[] {
    const rest = this.items;
    this.items = [];
    return rest;
  }

  private take(): T[] {
    const batch = this.items.length <= this.batchSize ? this.items : this.items.slice(0, this.batchSize);
    this.items = this.items.length <= this.batchSize ? [] : this.items.slice(this.batchSize);
    return batch;
  }

  private signal(): void {
    this.wake?.();
  }
}
