import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openInput, readInput } from '../parse/input.js';
import { parseInWorker } from './parse-worker.js';
import { addSummary, DEFAULT_MAX_ERRORS, emptySummary, type Engine, type IngestSummary } from './local-engine.js';

export interface IngestFilesOptions {
  /** records per batch */
  batchSize: number;
  /** records per transaction, a multiple of batchSize (parsing worker only; default batchSize) */
  commitEvery?: number;
  /**
   * A module that calls runParseWorker: when given (and present), the files are
   * read and validated on that worker thread while this one appends.
   */
  parseWorker?: URL;
  /** `bytes` of input read so far, over all files */
  onProgress?(bytes: number, summary: IngestSummary): void;
  maxErrors?: number;
}

/** Ingests files in order ('-' is standard input); projections are up to date when it resolves. */
export async function ingestFiles(engine: Engine, files: readonly string[], options: IngestFilesOptions): Promise<IngestSummary> {
  const worker = options.parseWorker;
  if (worker && files.length > 0 && !files.includes('-') && existsSync(fileURLToPath(worker))) {
    return ingestOnWorker(engine, files, { ...options, parseWorker: worker });
  }
  const total = emptySummary();
  let bytesDone = 0;
  const maxErrors = options.maxErrors ?? DEFAULT_MAX_ERRORS;
  for (const file of files) {
    const input = openInput(file);
    const before = { ...total };
    const summary = await engine.ingest(readInput(input.stream, input.origin), {
      batchSize: options.batchSize,
      maxErrors,
      onProgress: (s) => options.onProgress?.(bytesDone + input.bytesRead(), { ...s, read: before.read + s.read }),
    });
    bytesDone += input.bytesRead();
    addSummary(total, summary, maxErrors);
  }
  return total;
}

async function ingestOnWorker(engine: Engine, files: readonly string[], options: IngestFilesOptions & { parseWorker: URL }): Promise<IngestSummary> {
  let bytesDone = 0;
  let current = 0;
  let lastBytes = 0;
  const parsed = parseInWorker(files, { workerUrl: options.parseWorker, batchSize: options.batchSize });
  const batches = (async function* () {
    for await (const { file, bytes, batch } of parsed) {
      if (file !== current) {
        bytesDone += lastBytes;
        current = file;
      }
      lastBytes = bytes;
      yield batch;
    }
  })();
  return engine.ingestBatches(batches, {
    commitEvery: options.commitEvery ?? options.batchSize,
    maxErrors: options.maxErrors,
    onProgress: (s) => options.onProgress?.(bytesDone + lastBytes, s),
  });
}
