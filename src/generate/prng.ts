/**
 * Small, fast, seeded pseudo-random number generator (sfc32, seeded through
 * splitmix32) with the helpers the synthetic data generator needs.
 *
 * Deterministic: the same seed (and salt) always yields the same sequence, on
 * every platform, because everything is done in 32-bit integer arithmetic
 * except for the final conversion to a float in [0, 1).
 */

const TWO_POW_32 = 4294967296;

/** splitmix32 step: a good mixer for turning arbitrary seeds into state. */
function splitmix32(state: number): [next: number, out: number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [next, z >>> 0];
}

/**
 * Folds any finite number (integer or not, larger than 32 bits or negative)
 * into a 32-bit seed, so that seeds such as 1, 2**40 + 1 and 1.5 all differ.
 */
export function normaliseSeed(seed: number): number {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  const lo = seed >>> 0;
  const hi = Math.floor(seed / TWO_POW_32) >>> 0;
  const frac = Math.floor((seed - Math.floor(seed)) * TWO_POW_32) >>> 0;
  let h = lo;
  h = Math.imul(h ^ hi ^ 0x5bd1e995, 0x27d4eb2d) ^ (h >>> 15);
  h = Math.imul(h ^ frac ^ 0x165667b1, 0x85ebca77) ^ (h >>> 13);
  return (h ^ (h >>> 16)) >>> 0;
}

export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /**
   * @param seed any finite number.
   * @param salt distinguishes independent streams derived from one seed.
   */
  constructor(seed: number, salt = 0) {
    let s = (normaliseSeed(seed) ^ Math.imul(salt | 0, 0x9e3779b1)) | 0;
    let out: number;
    [s, out] = splitmix32(s);
    this.a = out | 0;
    [s, out] = splitmix32(s);
    this.b = out | 0;
    [s, out] = splitmix32(s);
    this.c = out | 0;
    [s, out] = splitmix32(s);
    this.d = out | 0;
    // Warm up so that close seeds diverge fully.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** Next raw value, an unsigned 32-bit integer. */
  nextUint32(): number {
    // sfc32 (Chris Doty-Humphrey), public domain.
    const a = this.a;
    const b = this.b;
    const c = this.c;
    const d = (this.d + 1) | 0;
    const t = (((a + b) | 0) + d) | 0;
    this.d = d;
    this.a = b ^ (b >>> 9);
    this.b = (c + (c << 3)) | 0;
    const r = (c << 21) | (c >>> 11);
    this.c = (r + t) | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1). */
  float(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** A uniformly chosen element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick() from an empty array');
    return items[Math.floor(this.float() * items.length)] as T;
  }

  /**
   * An element chosen with probability proportional to its weight (linear
   * scan; for hot paths build a {@link WeightedSampler} once instead).
   */
  weighted<T>(items: readonly T[], weights: readonly number[]): T {
    if (items.length === 0 || items.length !== weights.length) {
      throw new RangeError('weighted() needs as many weights as items, and at least one');
    }
    let total = 0;
    for (const w of weights) total += w;
    let r = this.float() * total;
    for (let i = 0; i < items.length; i++) {
      r -= weights[i] as number;
      if (r < 0) return items[i] as T;
    }
    return items[items.length - 1] as T;
  }

  /** Approximately normal, via Box-Muller (one value per call, no caching). */
  gaussian(mean = 0, sd = 1): number {
    const u = 1 - this.float(); // (0, 1]
    const v = this.float();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal with the given median and log-space standard deviation. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(this.gaussian(0, sigma));
  }

  /** In-place Fisher-Yates shuffle; returns the array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.float() * (i + 1));
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }
}

/**
 * O(1) sampling of an index with probability proportional to its weight
 * (Vose's alias method). Build once, sample many times.
 */
export class WeightedSampler {
  private readonly prob: Float64Array;
  private readonly alias: Int32Array;
  readonly size: number;

  constructor(weights: readonly number[]) {
    const n = weights.length;
    if (n === 0) throw new RangeError('WeightedSampler needs at least one weight');
    let total = 0;
    for (const w of weights) {
      if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`invalid weight ${w}`);
      total += w;
    }
    if (total <= 0) throw new RangeError('WeightedSampler needs a positive total weight');
    this.size = n;
    this.prob = new Float64Array(n);
    this.alias = new Int32Array(n);
    const scaled = new Float64Array(n);
    const small: number[] = [];
    const large: number[] = [];
    for (let i = 0; i < n; i++) {
      scaled[i] = ((weights[i] as number) * n) / total;
      if ((scaled[i] as number) < 1) small.push(i);
      else large.push(i);
    }
    while (small.length > 0 && large.length > 0) {
      const s = small.pop() as number;
      const l = large.pop() as number;
      this.prob[s] = scaled[s] as number;
      this.alias[s] = l;
      scaled[l] = (scaled[l] as number) + (scaled[s] as number) - 1;
      if ((scaled[l] as number) < 1) small.push(l);
      else large.push(l);
    }
    for (const i of large) {
      this.prob[i] = 1;
      this.alias[i] = i;
    }
    for (const i of small) {
      this.prob[i] = 1;
      this.alias[i] = i;
    }
  }

  /** An index in [0, size). */
  sample(rng: Prng): number {
    const i = Math.floor(rng.float() * this.size);
    return rng.float() < (this.prob[i] as number) ? i : (this.alias[i] as number);
  }
}
