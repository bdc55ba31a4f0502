import {
  CONTACT_FIELDS,
  REPORT_CSV_COLUMNS,
  REPORT_METRIC_TABLE,
  REPORT_METRICS,
  reportMetricLabel,
  reportMetricUnit,
  formatLocal,
  parseBucket,
  parseOutcome,
  parseTimeRange,
  parseZone,
  contactRows,
  intervalRows,
  queryAgents,
  queryFunnel,
  reportFold,
  type Rules,
} from '@switchboard/core';
import type { SqliteStore } from '@switchboard/core/sqlite';
import { loadRules, openExistingStore, warnIfStale, type GlobalOptions } from '../context.js';
import { formatDuration, printCsv, printCsvRows, printJson, printJsonRows, printTable, round, shortArn, shortId, type Cell } from '../output.js';

/** Options of the commands that print a table. */
export interface TableOptions extends GlobalOptions {
  /** every column in full: ARNs, contact ids, times with their offset */
  wide?: boolean;
}

/**
 * SQLite's page cache for a query: queries read tables through once, in index
 * order, so a large cache (the store's default, for ingest) only fills up
 * with pages read once; 8 MB keeps the indexes' upper levels.
 */
const QUERY_CACHE_MB = 8;

export async function withStore(options: GlobalOptions, fn: (store: SqliteStore, rules: Rules) => Promise<void>): Promise<void> {
  const { rules } = loadRules(options);
  const store = openExistingStore(options, { cacheMb: QUERY_CACHE_MB });
  try {
    await warnIfStale(store, rules);
    await fn(store, rules);
  } finally {
    store.close();
  }
}

/** A time in the zone: "2024-04-18 08:47:52" in a table, the ISO form with the offset in --wide. */
function localTime(iso: string | null | undefined, zone: string, wide: boolean | undefined): string {
  if (!iso) return '';
  const text = formatLocal(Date.parse(iso), zone);
  return wide ? text : text.slice(0, 19).replace('T', ' ');
}

/** A local ISO time (with offset) as shown in a table: "2024-04-18 08:00" (minutes) unless --wide. */
export const localIso = (iso: string | null, wide: boolean | undefined, length = 19): string =>
  iso === null ? '' : wide ? iso : iso.slice(0, length).replace('T', ' ');

const agentName = (r: { username: string | null; agentArn: string }, wide: boolean | undefined): string =>
  wide ? r.agentArn : (r.username ?? shortArn(r.agentArn));

export async function agentsCommand(options: TableOptions): Promise<void> {
  await withStore(options, async (store, rules) => {
    const agents = await queryAgents(store);
    if (options.json) return printJson(agents);
    const wide = options.wide;
    printTable(
      [
        { header: 'Agent', shrink: true },
        ...(wide ? [{ header: 'Username' }] : []),
        { header: 'Logged in' },
        { header: 'Status', shrink: true },
        { header: 'Activity', shrink: true },
        { header: 'Since' },
        { header: 'Contacts', shrink: true },
        { header: 'Last event', optional: true },
      ],
      agents.map((a) => [
        agentName(a, wide),
        ...(wide ? [a.username] : []),
        a.loggedIn ? 'yes' : 'no',
        a.status ? (wide ? `${a.status.name} (${a.status.type})` : a.status.name) : '',
        a.activity?.name ?? '',
        localTime(a.activity?.since, rules.timezone, wide),
        a.contacts.map((c) => `${c.channel ?? '?'} ${c.state}`).join(', '),
        localTime(a.lastEventAt, rules.timezone, wide),
      ]),
      'no agents yet: ingest some agent events first',
      { wide },
    );
  });
}

export interface IntervalsOptions extends TableOptions {
  agent?: string;
  from?: string;
  to?: string;
}

export async function intervalsCommand(options: IntervalsOptions): Promise<void> {
  const range = parseTimeRange(options.from, options.to);
  await withStore(options, async (store, rules) => {
    const rows = intervalRows(store, { ...range, agent: options.agent });
    if (options.json) return printJsonRows(rows);
    const intervals = [];
    for await (const i of rows) intervals.push(i);
    const wide = options.wide;
    printTable(
      [
        { header: 'Agent', shrink: true },
        { header: 'Dimension' },
        { header: 'Name', shrink: true },
        { header: 'Contact', optional: true },
        { header: 'Start' },
        { header: 'End' },
        { header: 'Seconds', align: 'right' },
      ],
      intervals.map((i) => [
        agentName(i, wide),
        i.dimension,
        i.name,
        wide ? i.contactId : shortId(i.contactId),
        localTime(i.start, rules.timezone, wide),
        localTime(i.end, rules.timezone, wide),
        round(i.seconds),
      ]),
      'no closed intervals in that range',
      { wide },
    );
  });
}

export interface ReportOptions extends IntervalsOptions {
  bucket?: string;
  tz?: string;
  csv?: boolean;
  closed?: boolean;
}

export async function reportCommand(options: ReportOptions): Promise<void> {
  const range = parseTimeRange(options.from, options.to);
  const bucketMinutes = parseBucket(options.bucket);
  const zone = parseZone(options.tz);
  await withStore(options, async (store, rules) => {
    const report = await reportFold(store, rules, { ...range, bucketMinutes, zone, agent: options.agent, closed: options.closed });
    if (options.json) return printJsonRows(report.rows());
    if (options.csv) {
      const { statuses, activities } = report.names();
      return printCsvRows(
        [...REPORT_CSV_COLUMNS, ...statuses.map((s) => `status:${s}`), ...activities.map((a) => `activity:${a}`)],
        map(report.rows(), (r) => [
          r.agentArn,
          r.username,
          r.bucketStart,
          r.bucketEnd,
          ...REPORT_METRICS.map((f) => r[f]),
          ...statuses.map((s) => r.statusSeconds[s] ?? 0),
          ...activities.map((a) => r.activitySeconds[a] ?? 0),
        ]),
      );
    }
    const rows = [...report.rows()];
    const wide = options.wide;
    printTable(
      [
        { header: 'Bucket' },
        { header: 'Agent', shrink: true },
        // on a narrow terminal, times are left out from the last; counts take little room and stay
        ...REPORT_METRICS.map((f) => ({ header: reportMetricLabel(f), align: 'right' as const, optional: reportMetricUnit(f) === 'seconds' })),
      ],
      rows.map((r): Cell[] => [
        localIso(r.bucketStart, wide, 16),
        agentName(r, wide),
        ...REPORT_METRICS.map((f) => formatMetric(reportMetricUnit(f), r[f])),
      ]),
      'no report rows in that range',
      { wide },
    );
  });
}

function* map<T, U>(items: Iterable<T>, fn: (item: T) => U): Generator<U> {
  for (const item of items) yield fn(item);
}

async function* mapAsync<T, U>(items: AsyncIterable<T>, fn: (item: T) => U): AsyncGenerator<U> {
  for await (const item of items) yield fn(item);
}

function formatMetric(unit: 'seconds' | 'count' | 'ratio', value: number | null): string | number {
  if (value === null) return '';
  if (unit === 'seconds') return formatDuration(value);
  return unit === 'ratio' ? `${(value * 100).toFixed(1)}%` : value;
}

export interface ContactsOptions extends TableOptions {
  outcome?: string;
  from?: string;
  to?: string;
  csv?: boolean;
}

export async function contactsCommand(options: ContactsOptions): Promise<void> {
  const outcome = parseOutcome(options.outcome);
  const range = parseTimeRange(options.from, options.to);
  await withStore(options, async (store) => {
    const contacts = contactRows(store, { ...range, outcome });
    if (options.json) return printJsonRows(contacts);
    if (options.csv) return printCsvRows([...CONTACT_FIELDS], mapAsync(contacts, (r) => CONTACT_FIELDS.map((f) => r[f])));
    const rows = [];
    for await (const r of contacts) rows.push(r);
    const wide = options.wide;
    printTable(
      [
        { header: 'Started' },
        { header: 'Contact' },
        { header: 'Channel', optional: true },
        { header: 'Number' },
        { header: 'Exit point', shrink: true },
        ...(wide ? [{ header: 'Completed' }] : []),
        { header: 'Outcome' },
        { header: 'Duration', align: 'right' },
        { header: 'Queue', shrink: true, optional: true },
        { header: 'Agent', shrink: true, optional: true },
      ],
      rows.map((r) => [
        localIso(r.startedAtLocal, wide),
        wide ? r.contactId : shortId(r.contactId),
        r.channel,
        r.customerNumberNational,
        r.exitPoint,
        ...(wide ? [r.completed === null ? '' : String(r.completed)] : []),
        r.outcome,
        r.durationSeconds === null ? '' : formatDuration(r.durationSeconds),
        r.queueName,
        r.agentUsername,
      ]),
      'no contacts yet: ingest some contact records first',
      { wide },
    );
  });
}

export async function funnelCommand(options: TableOptions & { from?: string; to?: string; csv?: boolean }): Promise<void> {
  const range = parseTimeRange(options.from, options.to);
  await withStore(options, async (store) => {
    const rows = await queryFunnel(store, range);
    if (options.json) return printJson(rows);
    if (options.csv) return printCsv(['date', 'exitPoint', 'outcome', 'contacts'], rows.map((r) => [r.date, r.exitPoint, r.outcome, r.contacts]));
    printTable(
      [{ header: 'Date' }, { header: 'Exit point', shrink: true }, { header: 'Outcome' }, { header: 'Contacts', align: 'right' }],
      rows.map((r) => [r.date, r.exitPoint ?? '(none)', r.outcome, r.contacts]),
      'no contacts yet: ingest some contact records first',
      { wide: options.wide },
    );
  });
}

export async function quarantineCommand(options: TableOptions & { limit?: string }): Promise<void> {
  const limit = Number(options.limit ?? 50);
  await withStore(options, async (store, rules) => {
    const rows = await store.listQuarantine(Number.isFinite(limit) && limit > 0 ? limit : 50);
    if (options.json) return printJson(rows.map((r) => ({ ...r, receivedAt: new Date(r.receivedAt).toISOString() })));
    printTable(
      [{ header: 'Received' }, { header: 'Source', shrink: true }, { header: 'Reason', shrink: true }],
      rows.map((r) => [
        localTime(new Date(r.receivedAt).toISOString(), rules.timezone, options.wide),
        [r.source.origin, r.source.line, r.source.path].filter((x) => x !== undefined && x !== '').join(' '),
        r.reason,
      ]),
      'nothing quarantined',
      { wide: options.wide },
    );
  });
}
