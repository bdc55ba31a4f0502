import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { Classifier, toClassifiedBatch, type ClassifiedBatch } from './classify.js';
import type { NewEvent, Rejection } from '../model.js';
import { InputError, openInput, readInput } from '../parse/input.js';
import { readFacts } from '../parse/record.js';
import { toProjectable } from '../parse/facts.js';
import { PackedPayload, storedPayload } from '../store/payload-codec.js';

/**
 * Reading, splitting, JSON parsing and validating inputs on a worker thread,
 * so that the main thread only appends and projects: the two halves of an
 * ingest then run on two cores. The raw payloads cross packed, as one transferred
 * buffer per batch (no copy, no string on the main thread); at most
 * IN_FLIGHT batches wait for the main thread, which bounds memory.
 */
const ROLE = 'switchboard-parse';
/**
 * Batches of FILE_BATCH (500) records: four in flight let either thread run
 * through the other's pauses (a commit, a collection). 150k events,
 * alternated: 8.95 s against 10.0-10.3 with two; six or ten gain a few percent
 * more for 10-30 MB more peak RSS.
 */
const IN_FLIGHT = 4;
/**
 * The thread's heap is capped, which makes V8 collect its old generation
 * sooner (1M events: ingest peak RSS 469 MB with this cap). The cap must still hold
 * the largest single JSON value the splitter accepts (64 MB of text, e.g. a
 * JSON array file): at 64 MB such a file killed the thread.
 */
const HEAP_LIMITS = { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 32 };

interface WorkerInput {
  role: typeof ROLE;
  files: string[];
  batchSize: number;
}

type WireEvent = Omit<NewEvent, 'raw'> & { length: number };

type WireMessage =
  | { type: 'batch'; file: number; bytes: number; read: number; duplicates: number; rejections: Rejection[]; events: WireEvent[]; payload: ArrayBuffer }
  | { type: 'failed'; message: string }
  | { type: 'done' };

export interface ParsedBatch {
  /** index of the input in `files` */
  file: number;
  /** bytes of that input read so far */
  bytes: number;
  batch: ClassifiedBatch;
}

/** True in a thread started by parseInWorker: the entry module should call runParseWorker. */
export function isParseWorker(): boolean {
  return !isMainThread && (workerData as WorkerInput | undefined)?.role === ROLE;
}

/** Parses `files` on a worker thread started from `workerUrl` (a module that calls runParseWorker). */
export async function* parseInWorker(files: readonly string[], options: { workerUrl: URL; batchSize: number }): AsyncGenerator<ParsedBatch> {
  const input: WorkerInput = { role: ROLE, files: [...files], batchSize: options.batchSize };
  const worker = new Worker(options.workerUrl, { workerData: input, resourceLimits: HEAP_LIMITS });
  const queue: Array<WireMessage | Error> = [];
  let wake: (() => void) | null = null;
  const push = (m: WireMessage | Error) => {
    queue.push(m);
    wake?.();
    wake = null;
  };
  worker.on('message', push);
  worker.on('error', (err) => push(err));
  worker.on('exit', (code) => push(new Error(`the parsing thread stopped (exit code ${code})`)));
  try {
    for (;;) {
      if (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      const m = queue.shift()!;
      if (m instanceof Error) throw m;
      if (m.type === 'done') return;
      if (m.type === 'failed') throw new InputError(m.message);
      yield { file: m.file, bytes: m.bytes, batch: unpack(m) };
      worker.postMessage('ack');
    }
  } finally {
    worker.removeAllListeners();
    await worker.terminate();
  }
}

function unpack(m: Extract<WireMessage, { type: 'batch' }>): ClassifiedBatch {
  let offset = 0;
  const accepted = m.events.map((w) => {
    // one literal per event (no rest or spread copies: a million of these pass here)
    const event: NewEvent = {
      kind: w.kind,
      streamId: w.streamId,
      dedupeKey: w.dedupeKey,
      instanceArn: w.instanceArn,
      occurredAt: w.occurredAt,
      sortKey: w.sortKey,
      source: w.source,
      raw: new PackedPayload(new Uint8Array(m.payload, offset, w.length)),
      facts: w.facts,
    };
    offset += w.length;
    // facts of another parser version (a thread built from other sources) are derived again
    const facts = readFacts(event.facts, event) ?? toProjectable({ ...event, receivedAt: 0 });
    return { event, agent: facts.agent, contact: facts.contact, contactEvent: facts.contactEvent };
  });
  return { read: m.read, duplicates: m.duplicates, rejections: m.rejections, accepted };
}

/**
 * The raw payloads of one batch, packed as the payload log stores them
 * (payload-codec.ts: compressing takes this thread's time, not the main
 * thread's) into one buffer as each event is accepted: the event's text is
 * then let go at once, instead of surviving (and being copied by the
 * young-generation collector) until the batch is sent.
 */
class PayloadPacker {
  private buffer: Buffer;
  private used = 0;
  private lengths: number[] = [];

  constructor(private expected = 1 << 20) {
    this.buffer = Buffer.allocUnsafeSlow(expected);
  }

  add(event: NewEvent): void {
    const stored = storedPayload(event.raw);
    if (this.used + stored.length > this.buffer.length) this.grow(stored.length);
    this.buffer.set(stored, this.used);
    this.used += stored.length;
    this.lengths.push(stored.length);
    event.raw = EMPTY;
  }

  private grow(atLeast: number): void {
    const bigger = Buffer.allocUnsafeSlow(Math.max(this.buffer.length * 2, this.used + atLeast));
    this.buffer.copy(bigger, 0, 0, this.used);
    this.buffer = bigger;
  }

  /** The batch's payloads and their lengths, in the order added; the next batch starts afresh. */
  take(): { payload: ArrayBuffer; lengths: number[] } {
    const taken = { payload: this.buffer.buffer as ArrayBuffer, lengths: this.lengths };
    // the next batch is likely the size of this one: one allocation, no growing
    this.expected = Math.max(this.expected, this.used + (this.used >> 3));
    this.buffer = Buffer.allocUnsafeSlow(this.expected);
    this.used = 0;
    this.lengths = [];
    return taken;
  }
}

const EMPTY = new Uint8Array(0);

function pack(batch: ClassifiedBatch, packed: { payload: ArrayBuffer; lengths: number[] }, file: number, bytes: number): Extract<WireMessage, { type: 'batch' }> {
  const events = batch.accepted.map(
    ({ event: e }, i): WireEvent => ({
      kind: e.kind,
      streamId: e.streamId,
      dedupeKey: e.dedupeKey,
      instanceArn: e.instanceArn,
      occurredAt: e.occurredAt,
      sortKey: e.sortKey,
      source: e.source,
      facts: e.facts,
      length: packed.lengths[i]!,
    }),
  );
  return { type: 'batch', file, bytes, read: batch.read, duplicates: batch.duplicates, rejections: batch.rejections, events, payload: packed.payload };
}

/** The worker thread's side: reads the files in order and posts validated batches, waiting for acknowledgements. */
export async function runParseWorker(): Promise<void> {
  const port = parentPort!;
  const { files, batchSize } = workerData as WorkerInput;
  let credits = IN_FLIGHT;
  let wake: (() => void) | null = null;
  port.on('message', () => {
    credits++;
    wake?.();
    wake = null;
  });
  try {
    for (let file = 0; file < files.length; file++) {
      const input = openInput(files[file]!);
      // each parsed value is let go as soon as it is validated: the batch holds payloads and facts only
      const classifier = new Classifier(false);
      const packer = new PayloadPacker();
      const send = async () => {
        const message = pack(toClassifiedBatch(classifier.take()), packer.take(), file, input.position.bytes);
        while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
        credits--;
        port.postMessage(message, [message.payload]);
      };
      for await (const c of readInput(input.stream, input.origin, input.position)) {
        const accepted = classifier.add(c);
        if (accepted) packer.add(accepted.event);
        if (classifier.size >= batchSize) await send();
      }
      if (classifier.size > 0) await send();
    }
    port.postMessage({ type: 'done' } satisfies WireMessage);
  } catch (err) {
    port.postMessage({ type: 'failed', message: (err as Error).message } satisfies WireMessage);
  }
  port.removeAllListeners();
}
