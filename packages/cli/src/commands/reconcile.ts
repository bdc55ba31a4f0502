import { readFileSync } from 'node:fs';
import {
  DEFAULT_TOLERANCE,
  formatLocal,
  MetricDataError,
  parseZone,
  readMetricData,
  reconcileWithConnect,
  type Comparison,
  type Reconciliation,
} from '@switchboard/core';
import { CliError, describeFsError, loadRules, openStore, warnIfStale, type GlobalOptions } from '../context.js';
import { formatDuration, printJson, printTable, rightAligned, type Column } from '../output.js';

export interface ReconcileOptions extends GlobalOptions {
  tolerance?: string;
  countTolerance?: string;
  percentTolerance?: string;
  closed?: boolean;
  tz?: string;
}

/**
 * Compares the report with a saved GetMetricDataV2 response, per agent,
 * interval and metric; exit 1 when any value differs beyond the tolerance.
 */
export async function reconcileCommand(file: string, options: ReconcileOptions): Promise<void> {
  const tolerance = {
    seconds: nonNegative('--tolerance', options.tolerance, DEFAULT_TOLERANCE.seconds),
    count: nonNegative('--count-tolerance', options.countTolerance, DEFAULT_TOLERANCE.count),
    percent: nonNegative('--percent-tolerance', options.percentTolerance, DEFAULT_TOLERANCE.percent),
  };
  const zoneOption = parseZone(options.tz);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${describeFsError(err)}`);
  }
  let data;
  try {
    data = readMetricData(text);
  } catch (err) {
    if (err instanceof MetricDataError) throw new CliError(`${file}: ${err.message}`, 2);
    throw err;
  }
  const { rules } = loadRules(options);
  const zone = zoneOption ?? rules.timezone;
  const store = openStore(options);
  let result: Reconciliation;
  try {
    await warnIfStale(store, rules);
    result = await reconcileWithConnect(store, data.results, { tolerance, closed: options.closed, zone });
  } finally {
    store.close();
  }
  if (options.json) printJson({ file, pages: data.pages, ...result });
  else printHuman(result, zone);
  const compared = result.intervals.length + result.totals.length;
  process.stderr.write(
    `${compared} values compared, ${result.differing} beyond tolerance (±${tolerance.seconds} s, ±${tolerance.count} contacts, ±${tolerance.percent} points)` +
      `${result.notCompared.length ? `; ${result.notCompared.length} not comparable (listed)` : ''}\n`,
  );
  if (result.differing > 0) process.exitCode = 1;
}

function nonNegative(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new CliError(`${name} must be a number >= 0 (got "${value}")`, 2);
  return n;
}

function printHuman(r: Reconciliation, zone: string): void {
  const cell = (c: Comparison, v: number | null) => (v === null ? '' : c.unit === 'seconds' ? formatDuration(v) : c.unit === 'percent' ? `${v}%` : v);
  const diff = (c: Comparison) => (c.difference === null ? '' : c.unit === 'seconds' ? `${c.difference > 0 ? '+' : ''}${c.difference}s` : `${c.difference > 0 ? '+' : ''}${c.difference}`);
  const rows = (list: Comparison[], verdict: (c: Comparison) => string, span = false) =>
    list.map((c) => [
      c.username ?? c.agent,
      span ? `${formatLocal(c.start, zone)} to ${formatLocal(c.end, zone)}` : formatLocal(c.start, zone),
      c.metric,
      cell(c, c.connect),
      cell(c, c.switchboard),
      diff(c),
      verdict(c),
    ]);
  const head: Column[] = [{ header: 'Agent', shrink: true }, { header: 'Interval' }, { header: 'Metric' }, rightAligned('Connect'), rightAligned('Switchboard'), rightAligned('Difference'), { header: '' }];
  const judged = (c: Comparison) => (c.withinTolerance ? 'ok' : 'DIFFERS');
  printTable(head, [...rows(r.intervals, judged), ...rows(r.intervalsOfTotals, () => 'total only')], 'no values to compare per interval');
  if (r.totals.length > 0) {
    process.stdout.write('\nTotals over the file (metrics Connect puts in the interval of the contact):\n');
    printTable(head, rows(r.totals, judged, true), '');
  }
  if (r.notCompared.length > 0) {
    process.stdout.write('\nNot compared:\n');
    for (const n of r.notCompared) process.stdout.write(`  ${n.metric}: ${n.reason}\n`);
  }
  if (r.unknownAgents.length > 0) process.stdout.write(`\nAgents with no events in this store (compared as zeros): ${r.unknownAgents.join(', ')}\n`);
}
