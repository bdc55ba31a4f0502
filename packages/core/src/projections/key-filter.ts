/**
 * A set of keys that answers "maybe here" or "surely not here", in a few
 * bits per key: a Bloom filter that adds a filter twice the size of the last
 * whenever the last one is full, so it needs no size up front (false
 * positives: about FALSE_POSITIVES per filter, a few percent at millions of
 * keys). A rebuild
 * remembers with it which documents it has written: a key it surely did not
 * write needs no read back, and a false positive costs one read that finds
 * nothing. An exact set of the keys would grow with every contact of the
 * event table (about 180 bytes each: 160 MB at ten million events).
 */
const FIRST_CAPACITY = 1 << 16;
const FALSE_POSITIVES = 0.01;
/** probes per key and bits per key for FALSE_POSITIVES (k = log2(1/p), m/n = k / ln 2) */
const PROBES = Math.ceil(Math.log2(1 / FALSE_POSITIVES));
const BITS_PER_KEY = PROBES / Math.LN2;

class Filter {
  private readonly bits: Uint32Array;
  /** bits */
  readonly size: number;
  count = 0;

  constructor(readonly capacity: number) {
    this.size = Math.ceil((capacity * BITS_PER_KEY) / 32) * 32;
    this.bits = new Uint32Array(this.size / 32);
  }

  add(h1: number, h2: number): void {
    for (let i = 0; i < PROBES; i++) {
      const bit = (h1 + i * h2) % this.size;
      this.bits[bit >>> 5]! |= 1 << (bit & 31);
    }
    this.count++;
  }

  has(h1: number, h2: number): boolean {
    for (let i = 0; i < PROBES; i++) {
      const bit = (h1 + i * h2) % this.size;
      if ((this.bits[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }
}

/** FNV-1a over the UTF-16 code units of `key`, from `seed`: a 32-bit unsigned hash. */
function fnv1a(key: string, seed: number): number {
  let h = seed;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class KeyFilter {
  private readonly filters: Filter[] = [new Filter(FIRST_CAPACITY)];

  add(key: string): void {
    const [h1, h2] = hashes(key);
    let last = this.filters[this.filters.length - 1]!;
    if (last.count >= last.capacity) {
      last = new Filter(last.capacity * 2);
      this.filters.push(last);
    }
    last.add(h1, h2);
  }

  /** False: the key was surely never added; true: it probably was. */
  mayHave(key: string): boolean {
    const [h1, h2] = hashes(key);
    return this.filters.some((f) => f.has(h1, h2));
  }

  /** Bytes of its bit arrays. */
  get bytes(): number {
    return this.filters.reduce((sum, f) => sum + f.size / 8, 0);
  }
}

function hashes(key: string): [number, number] {
  // the second hash is odd, so that the probes of one key differ from each other
  return [fnv1a(key, 0x811c9dc5), (fnv1a(key, 0x01000193) | 1) >>> 0];
}
