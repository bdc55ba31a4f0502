/**
 * Reads a saved Amazon Connect GetMetricDataV2 response: `{MetricResults:
 * [MetricResultV2], NextToken}`, where each MetricResultV2 has Dimensions
 * (grouping key -> value; AGENT -> the agent's id), MetricInterval
 * ({Interval, StartTime, EndTime}) and Collections ([MetricDataV2: {Metric:
 * {Name, Threshold, MetricFilters}, Value}]). A file may hold one response
 * (the AWS CLI merges the pages it fetched), or several pages: a JSON array
 * of responses, or responses one after another (JSON Lines or pretty-printed).
 * Times are epoch seconds in the API, ISO-8601 in the CLI's default output.
 */
import { JsonStreamSplitter, type Piece } from '../parse/splitter.js';
import { parseInstant } from '../time.js';

/** One agent's values for one interval. */
export interface ConnectResult {
  /** Dimensions.AGENT: the agent's id (the last part of its ARN), or its ARN */
  agent: string;
  /** ms */
  start: number;
  end: number;
  /** FIFTEEN_MIN, THIRTY_MIN, HOUR, DAY, WEEK, TOTAL, when the response says */
  interval: string | null;
  values: ConnectValue[];
}

export interface ConnectValue {
  metric: string;
  /** null: Connect could not compute it (division by zero, no data) */
  value: number | null;
  /** a threshold or metric-level filters make it a variant of the metric */
  variant: boolean;
}

export interface MetricDataFile {
  results: ConnectResult[];
  pages: number;
}

/** The file is not a GetMetricDataV2 response Switchboard can read. */
export class MetricDataError extends Error {
  override name = 'MetricDataError';
}

/** Parses the text of a saved response (one or several pages). Throws MetricDataError with the place and reason. */
export function readMetricData(text: string): MetricDataFile {
  const splitter = new JsonStreamSplitter();
  const pieces: Piece[] = [];
  text.split('\n').forEach((line, i) => pieces.push(...splitter.pushLine(line.replace(/\r$/, ''), i + 1)));
  pieces.push(...splitter.end());
  const out: MetricDataFile = { results: [], pages: 0 };
  for (const piece of pieces) {
    if (!piece.ok) throw new MetricDataError(`line ${piece.line}: ${piece.reason}`);
    if (piece.value === undefined) continue;
    const pages = Array.isArray(piece.value) ? piece.value : [piece.value];
    pages.forEach((page, i) => readPage(page, Array.isArray(piece.value) ? `line ${piece.line} [${i}]` : `line ${piece.line}`, out));
  }
  if (out.pages === 0) throw new MetricDataError('no GetMetricDataV2 response in the file');
  return out;
}

function readPage(page: unknown, where: string, out: MetricDataFile): void {
  if (!isObject(page) || !Array.isArray(page.MetricResults)) {
    throw new MetricDataError(`${where}: not a GetMetricDataV2 response (no MetricResults array)`);
  }
  out.pages++;
  page.MetricResults.forEach((r, i) => out.results.push(readResult(r, `${where} MetricResults[${i}]`)));
}

function readResult(r: unknown, where: string): ConnectResult {
  if (!isObject(r)) throw new MetricDataError(`${where}: not an object`);
  const dimensions = isObject(r.Dimensions) ? r.Dimensions : {};
  const agent = dimensions.AGENT;
  if (typeof agent !== 'string' || agent === '') {
    throw new MetricDataError(`${where}: no AGENT dimension (reconcile needs a response grouped by agent: --groupings AGENT)`);
  }
  const interval = isObject(r.MetricInterval) ? r.MetricInterval : null;
  if (!interval) throw new MetricDataError(`${where}: no MetricInterval`);
  const start = instant(interval.StartTime, `${where}.MetricInterval.StartTime`);
  const end = instant(interval.EndTime, `${where}.MetricInterval.EndTime`);
  if (!(start < end)) throw new MetricDataError(`${where}: MetricInterval ends before it starts`);
  const collections = Array.isArray(r.Collections) ? r.Collections : [];
  const values = collections.map((c, i): ConnectValue => {
    const metric = isObject(c) && isObject(c.Metric) ? c.Metric : null;
    if (!metric || typeof metric.Name !== 'string') throw new MetricDataError(`${where}.Collections[${i}]: no Metric.Name`);
    const value = (c as { Value?: unknown }).Value;
    if (value !== null && value !== undefined && typeof value !== 'number') {
      throw new MetricDataError(`${where}.Collections[${i}].Value: expected a number, got ${JSON.stringify(value)}`);
    }
    const variant = nonEmpty(metric.Threshold) || nonEmpty(metric.MetricFilters);
    return { metric: metric.Name, value: value ?? null, variant };
  });
  return { agent, start, end, interval: typeof interval.Interval === 'string' ? interval.Interval : null, values };
}

/** Epoch seconds (the API), or an ISO-8601 instant (the AWS CLI's default output). */
function instant(value: unknown, where: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.round(value * 1000);
  if (typeof value === 'string') {
    const ms = parseInstant(value) ?? (/^\d+(\.\d+)?$/.test(value) ? Math.round(Number(value) * 1000) : null);
    if (ms !== null) return ms;
  }
  throw new MetricDataError(`${where}: expected epoch seconds or an ISO-8601 time, got ${JSON.stringify(value)}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function nonEmpty(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0;
}
