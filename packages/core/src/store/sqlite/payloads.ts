import { closeSync, constants, existsSync, fdatasync, fstatSync, mkdirSync, openSync, readdirSync, readSync, rmSync, writev } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { unpackPayload } from '../payload-codec.js';

const writevAsync = promisify(writev);
const fdatasyncAsync = promisify(fdatasync);

/** A position packs the segment number above 2^32 and the offset within it below. */
const SEGMENT_SPAN = 2 ** 32;
/** A segment is closed once it holds this many bytes; retention deletes whole segments. */
export const SEGMENT_BYTES = 1 << 30;

/**
 * Where the raw payloads of the event table live, packed (payload-codec.ts).
 * They are most of its bytes (about 0.75 KB per agent event packed, 3-5 KB as
 * text) but are read only for replays of stale facts and for exports, so
 * they are kept out of SQLite: written once, in arrival order, instead of
 * twice (WAL, then checkpoint) into B-tree pages. Append-only: bytes
 * are never overwritten, so a transaction that rolls back or a crash leaves
 * unreferenced bytes, never a broken reference. Processes that write the same
 * store take turns under SQLite's write lock, and each catches up with the end
 * of the log (claim) before it appends.
 */
export interface PayloadLog {
  /**
   * Catches up with payloads other processes appended to the same log. Call it
   * while holding the database's write lock: every other writer has then
   * written and synced its payloads, so the end of the last file is final.
   */
  claim(): void;
  /** Stages a payload, in its stored form (payload-codec.ts), for the next write(); returns its position. */
  stage(payload: Uint8Array): number;
  /**
   * Writes the staged payloads and makes them durable, on the I/O thread pool
   * so that the caller can go on with its rows meanwhile (and must await it
   * before the rows that point at them commit).
   */
  write(): Promise<void>;
  /** Takes back the payload staged last (its row turned out to be a duplicate). */
  unstageLast(): void;
  /** Forgets staged payloads that were not written. */
  discard(): void;
  /** The text of the payload stored at `position`. */
  read(position: number, length: number): string;
  /** Deletes the segments that hold only payloads before `position` (all of them when null). */
  dropBefore(position: number | null): void;
  close(): void;
}

/** The payloads of the store at `dbPath`, in `<dbPath>-payloads/`; in memory for ':memory:'. */
export function openPayloadLog(dbPath: string, segmentBytes = SEGMENT_BYTES): PayloadLog {
  return dbPath === ':memory:' ? new MemoryPayloadLog(segmentBytes) : new FilePayloadLog(`${dbPath}-payloads`, segmentBytes);
}

abstract class StagingLog implements PayloadLog {
  protected staged: Uint8Array[] = [];
  protected stagedBytes = 0;
  protected segment = 0;
  /** bytes in the current segment, written or staged */
  protected end = 0;

  constructor(private readonly segmentBytes: number) {}

  abstract claim(): void;

  stage(payload: Uint8Array): number {
    // a segment rolls between writes only, so that a write never spans two files
    if (this.end > 0 && this.end + payload.length > this.segmentBytes && this.stagedBytes === 0) this.roll();
    const position = this.segment * SEGMENT_SPAN + this.end;
    this.staged.push(payload);
    this.stagedBytes += payload.length;
    this.end += payload.length;
    return position;
  }

  unstageLast(): void {
    const last = this.staged.pop();
    if (!last) return;
    this.stagedBytes -= last.length;
    this.end -= last.length;
  }

  discard(): void {
    this.end -= this.stagedBytes;
    this.staged = [];
    this.stagedBytes = 0;
  }

  write(): Promise<void> {
    if (this.stagedBytes === 0) return Promise.resolve();
    return this.persist(this.take(), this.end);
  }

  /** The staged payloads, which end at `this.end`. */
  private take(): Uint8Array[] {
    const chunks = this.staged;
    this.staged = [];
    this.stagedBytes = 0;
    return chunks;
  }

  protected abstract roll(): void;
  /** Writes `chunks`, which end at offset `end` of the current segment, and syncs them. */
  protected abstract persist(chunks: Uint8Array[], end: number): Promise<void>;

  read(position: number, length: number): string {
    return unpackPayload(this.readStored(position, length));
  }

  protected abstract readStored(position: number, length: number): Uint8Array;
  abstract dropBefore(position: number | null): void;
  abstract close(): void;
}

/** Read-write without O_APPEND: on Linux O_APPEND makes pwrite ignore its offset, and background writes may finish out of order. */
const OPEN_FLAGS = constants.O_RDWR | constants.O_CREAT;

class FilePayloadLog extends StagingLog {
  private fd: number;
  private readers = new Map<number, number>();
  /** the last background write: they run one after another, in position order */
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly dir: string,
    segmentBytes: number,
  ) {
    super(segmentBytes);
    mkdirSync(dir, { recursive: true });
    const segments = this.segments();
    this.segment = segments.at(-1) ?? 0;
    this.fd = openSync(this.path(this.segment), OPEN_FLAGS);
    this.end = fstatSync(this.fd).size;
  }

  claim(): void {
    if (existsSync(this.path(this.segment + 1))) {
      // another process started a new segment
      const old = this.fd;
      void this.tail.then(() => closeSync(old));
      this.segment = this.segments().at(-1)!;
      this.fd = openSync(this.path(this.segment), OPEN_FLAGS);
      this.end = 0;
    }
    // our own background writes may not have reached the file yet: keep the larger end
    this.end = Math.max(this.end, fstatSync(this.fd).size);
  }

  private path(segment: number): string {
    return join(this.dir, `${String(segment).padStart(8, '0')}.log`);
  }

  private segments(): number[] {
    return readdirSync(this.dir)
      .filter((f) => /^\d{8}\.log$/.test(f))
      .map((f) => Number(f.slice(0, 8)))
      .sort((a, b) => a - b);
  }

  protected roll(): void {
    // the old file closes once the background writes queued for it are done
    const old = this.fd;
    void this.tail.then(() => closeSync(old));
    this.segment++;
    this.fd = openSync(this.path(this.segment), OPEN_FLAGS);
    this.end = fstatSync(this.fd).size;
  }

  protected persist(chunks: Uint8Array[], end: number): Promise<void> {
    const fd = this.fd;
    const write = this.tail.then(() => this.writeAt(fd, chunks, end));
    this.tail = write.catch(() => undefined);
    return write;
  }

  private async writeAt(fd: number, chunks: Uint8Array[], end: number): Promise<void> {
    let offset = end - byteLength(chunks);
    for (const part of iovecs(chunks)) {
      const total = byteLength(part);
      let written = (await writevAsync(fd, part, offset)).bytesWritten;
      while (written < total) written += (await writevAsync(fd, [Buffer.concat(part).subarray(written)], offset + written)).bytesWritten;
      offset += total;
    }
    await fdatasyncAsync(fd);
  }

  protected readStored(position: number, length: number): Uint8Array {
    const segment = Math.floor(position / SEGMENT_SPAN);
    const fd = segment === this.segment ? this.fd : this.reader(segment);
    const buffer = Buffer.allocUnsafe(length);
    const got = readSync(fd, buffer, 0, length, position % SEGMENT_SPAN);
    if (got !== length) throw new Error(`payload at ${position} is cut short (${got} of ${length} bytes): ${this.dir} is damaged`);
    return buffer;
  }

  private reader(segment: number): number {
    let fd = this.readers.get(segment);
    if (fd === undefined) {
      try {
        fd = openSync(this.path(segment), 'r');
      } catch {
        throw new Error(`payload segment ${this.path(segment)} is missing`);
      }
      this.readers.set(segment, fd);
    }
    return fd;
  }

  dropBefore(position: number | null): void {
    const keepFrom = position === null ? this.segment : Math.floor(position / SEGMENT_SPAN);
    for (const s of this.segments()) {
      if (s >= keepFrom || s === this.segment) continue;
      const fd = this.readers.get(s);
      if (fd !== undefined) closeSync(fd);
      this.readers.delete(s);
      rmSync(this.path(s), { force: true });
    }
  }

  close(): void {
    for (const fd of this.readers.values()) closeSync(fd);
    this.readers.clear();
    closeSync(this.fd);
  }
}

class MemoryPayloadLog extends StagingLog {
  private readonly data = new Map<number, Buffer>();

  /** an in-memory database has one connection: nobody else appends */
  claim(): void {}

  constructor(segmentBytes: number) {
    super(segmentBytes);
  }

  protected roll(): void {
    this.segment++;
    this.end = 0;
  }

  protected async persist(chunks: Uint8Array[], end: number): Promise<void> {
    let offset = end - byteLength(chunks);
    for (const c of chunks) {
      this.data.set(this.segment * SEGMENT_SPAN + offset, Buffer.from(c));
      offset += c.length;
    }
  }

  protected readStored(position: number, length: number): Uint8Array {
    const bytes = this.data.get(position);
    if (!bytes || bytes.length !== length) throw new Error(`no payload at ${position}`);
    return bytes;
  }

  dropBefore(position: number | null): void {
    for (const p of this.data.keys()) if (position === null || p < position) this.data.delete(p);
  }

  close(): void {
    this.data.clear();
  }
}

function byteLength(chunks: Uint8Array[]): number {
  let n = 0;
  for (const c of chunks) n += c.length;
  return n;
}

/** writev takes at most IOV_MAX (1024) buffers per call. */
function* iovecs(chunks: Uint8Array[]): Generator<Uint8Array[]> {
  for (let i = 0; i < chunks.length; i += 1024) yield chunks.slice(i, i + 1024);
}
