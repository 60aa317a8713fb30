/**
 * Collects messages that a long-lived JetStream `consume()` delivers and hands them out as
 * micro-batches: full ones as soon as `batchSize` have arrived, partial ones once the oldest
 * waiting message has lingered `lingerMs`. One pull subscription lives as long as the consumer,
 * so a message is never lost to a fetch that expired on the client while the server was still
 * sending it (with per-batch fetches on a busy machine that cost a redelivery after ack_wait,
 * tens of seconds, for thousands of messages). The buffer is bounded by the server's
 * max_ack_pending: it never holds more than that many unacknowledged messages, and never two
 * copies of one (a redelivery replaces the copy it holds).
 */
export class MessageBuffer<T> {
  /** By key (the stream sequence), in arrival order; a redelivery replaces its earlier copy in place. */
  private items = new Map<unknown, { readonly item: T; readonly at: number }>();
  private wake: (() => void) | null = null;
  private closedWith: Error | null | undefined = undefined;

  constructor(
    private readonly batchSize: number,
    private readonly lingerMs: number,
    private readonly keyOf: (item: T) => unknown = (item) => item,
  ) {}

  get size(): number {
    return this.items.size;
  }

  /**
   * Adds an item. One whose key is already buffered (JetStream redelivered a message this buffer
   * still holds) replaces the earlier copy, keeping its place and arrival time, so a micro-batch
   * never carries the same message twice and the newest delivery is the one acknowledged.
   */
  push(item: T): void {
    const key = this.keyOf(item);
    const earlier = this.items.get(key);
    this.items.set(key, { item, at: earlier?.at ?? performance.now() });
    if (this.items.size >= this.batchSize) this.signal();
  }

  /** Every item buffered now, oldest first (to tell the server they are still being worked on). */
  held(): T[] {
    return Array.from(this.items.values(), (entry) => entry.item);
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
      const oldestAt = this.oldestAt();
      if (this.items.size >= this.batchSize || (oldestAt !== null && (now - oldestAt >= this.lingerMs || this.closedWith !== undefined))) return this.take();
      if (this.closedWith !== undefined || (oldestAt === null && now >= idleUntil)) return [];
      const until = oldestAt !== null ? oldestAt + this.lingerMs : idleUntil;
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
    const rest = this.held();
    this.items.clear();
    return rest;
  }

  private oldestAt(): number | null {
    for (const entry of this.items.values()) return entry.at;
    return null;
  }

  private take(): T[] {
    const batch: T[] = [];
    for (const [key, entry] of this.items) {
      if (batch.length >= this.batchSize) break;
      batch.push(entry.item);
      this.items.delete(key);
    }
    return batch;
  }

  private signal(): void {
    this.wake?.();
  }
}
