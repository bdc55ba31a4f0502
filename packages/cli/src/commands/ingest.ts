import { statSync } from 'node:fs';
import { Engine, InputError, SplitterOverflow, ingestFiles, type IngestSummary } from '@switchboard/core';
import { CliError, describeFsError, loadRules, openStore, warnIfStale, type GlobalOptions } from '../context.js';
import { printJson } from '../output.js';
import { Progress } from '../progress.js';

export interface IngestOptions extends GlobalOptions {
  strict?: boolean;
}

const SHOWN_ERRORS = 20;
/** Built beside the CLI bundle; when it is missing (running from sources) inputs are parsed on the main thread. */
const PARSE_WORKER = new URL('./parse-worker.mjs', import.meta.url);

export async function ingestCommand(files: string[], options: IngestOptions): Promise<void> {
  if (files.length === 0) throw new CliError('ingest needs at least one FILE (- reads standard input)', 2);
  const sizes = files.map(checkReadable);
  const { rules } = loadRules(options);
  const store = openStore(options);
  try {
    await warnIfStale(store, rules);
    const engine = new Engine(store, rules);
    const progress = new Progress('ingest', sizes.reduce((a, b) => a + b, 0), { unit: 'records' });
    let total: IngestSummary;
    try {
      total = await ingestFiles(engine, files, {
        parseWorker: PARSE_WORKER,
        onProgress: (bytes, s) => progress.update(bytes, s.read),
      });
    } catch (err) {
      if (err instanceof InputError || err instanceof SplitterOverflow) throw new CliError(err.message);
      throw err;
    } finally {
      progress.stop();
    }
    report(total, progress.seconds(), options);
    if (options.strict && total.rejected > 0) {
      throw new CliError(`${total.rejected} record(s) rejected and quarantined (--strict)`, 1);
    }
  } finally {
    store.close();
  }
}

/** Fails early, before anything is ingested, on a path that cannot be read. */
function checkReadable(file: string): number {
  if (file === '-') return 0;
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) throw new CliError(`cannot ingest ${file}: is a directory`);
    return stat.size;
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`cannot ingest ${file}: ${describeFsError(err)}`);
  }
}

/**
 * Above this share of rejected records, the input is most likely not Connect
 * data at all (another export, a binary file): say so rather than list reasons.
 */
const NOT_CONNECT_DATA = 0.9;

function report(total: IngestSummary, seconds: number, options: IngestOptions): void {
  const rate = seconds > 0 ? Math.round(total.read / seconds) : total.read;
  if (options.json) printJson(total);
  else {
    process.stdout.write(
      `read ${total.read}, appended ${total.appended}, duplicates ${total.duplicates}, rejected ${total.rejected} ` +
        `in ${seconds.toFixed(1)} s (${rate.toLocaleString('en-US')} records/s)\n`,
    );
  }
  const notConnectData = total.rejected > 0 && total.rejected >= NOT_CONNECT_DATA * total.read;
  // For an input that is not Connect data, a few reasons show what is wrong; more would only scroll.
  const shown = notConnectData ? 3 : SHOWN_ERRORS;
  for (const e of total.errors.slice(0, shown)) process.stderr.write(`rejected ${e.source}: ${e.reason}\n`);
  if (total.rejected > shown) {
    process.stderr.write(`... and ${total.rejected - shown} more rejected (see \`switchboard quarantine\`)\n`);
  }
  if (notConnectData) {
    process.stderr.write(
      `switchboard: ${total.rejected} of ${total.read} records were rejected: this does not look like Amazon Connect ` +
        'agent events, contact records or contact events (JSON Lines, a JSON array, or Kinesis, SQS, EventBridge Pipes ' +
        'or Firehose batches of them, optionally gzipped)\n',
    );
  }
}
