/** Latency samples kept in memory (bounded) and summarised as percentiles. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number | null;
  readonly p99: number | null;
  readonly max: number | null;
}

const LIMIT = 1_000_000;

export class LatencySamples {
  private readonly values: number[] = [];
  add(ms: number): void {
    if (this.values.length < LIMIT) this.values.push(Math.max(0, ms));
  }
  summary(): LatencySummary {
    if (this.values.length === 0) return { count: 0, p50: null, p99: null, max: null };
    const sorted = [...this.values].sort((a, b) => a - b);
    const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
    return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1)! };
  }
}
