import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';
import { v4 as uuidV4 } from 'uuid';

/**
 * The simulator's only source of randomness: a seeded xoroshiro128+ generator
 * (pure-rand) with the few distributions the traffic model needs. Same seed,
 * same sequence, on every platform.
 */
export class Rng {
  private readonly gen: JumpableRandomGenerator;
  private readonly bytes = new Uint8Array(16);
  private spareNormal: number | null = null;

  /**
   * @param stream independent sub-sequences of one seed (2^64 draws apart), so
   *   that, e.g., agent identities do not depend on how much traffic came before
   */
  constructor(seed: number, stream = 0) {
    // Fold a seed wider than 32 bits into the generator's 32-bit seed.
    const lo = seed | 0;
    const hi = Math.floor(seed / 0x1_0000_0000) | 0;
    this.gen = xoroshiro128plus(lo ^ Math.imul(hi, 0x9e3779b1));
    // Small seeds leave the first outputs poorly mixed: jumping also moves away from them.
    for (let i = 0; i <= stream; i++) this.gen.jump();
  }

  /** Uniform in [0, 1). */
  float(): number {
    return uniformFloat64(this.gen);
  }

  /** Uniform in [min, max). */
  between(min: number, max: number): number {
    return min + (max - min) * uniformFloat64(this.gen);
  }

  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number {
    return uniformInt(this.gen, min, max);
  }

  chance(p: number): boolean {
    return uniformFloat64(this.gen) < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[uniformInt(this.gen, 0, items.length - 1)]!;
  }

  /** One of the values, with probability proportional to its weight. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of entries) total += w;
    let u = uniformFloat64(this.gen) * total;
    for (const [value, w] of entries) {
      if (u < w) return value;
      u -= w;
    }
    return entries[entries.length - 1]![0];
  }

  /** Exponentially distributed with the given mean (waiting times of a Poisson process). */
  exponential(mean: number): number {
    return -mean * Math.log(1 - uniformFloat64(this.gen));
  }

  /** Standard normal (Box-Muller, pairs cached). */
  normal(): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return z;
    }
    const u = 1 - uniformFloat64(this.gen);
    const v = uniformFloat64(this.gen);
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal with the given median, clamped to [min, max]: handle times and the like. */
  logNormal(median: number, sigma: number, min: number, max: number): number {
    const x = median * Math.exp(sigma * this.normal());
    return x < min ? min : x > max ? max : x;
  }

  /** A version-4 UUID whose random bits come from this generator. */
  uuid(): string {
    const b = this.bytes;
    for (let i = 0; i < 16; i += 4) {
      const v = this.gen.next();
      b[i] = v >>> 24;
      b[i + 1] = (v >>> 16) & 0xff;
      b[i + 2] = (v >>> 8) & 0xff;
      b[i + 3] = v & 0xff;
    }
    return uuidV4({ random: b });
  }
}
