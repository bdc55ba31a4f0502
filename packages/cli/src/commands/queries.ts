import {
  CONTACT_FIELDS,
  REPORT_CSV_COLUMNS,
  REPORT_METRIC_TABLE,
  REPORT_METRICS,
  formatLocal,
  parseBucket,
  parseOutcome,
  parseTimeRange,
  parseZone,
  queryAgents,
  queryContacts,
  queryFunnel,
  queryIntervals,
  queryReport,
  type Rules,
} from '@switchboard/core';
import type { SqliteStore } from '@switchboard/core/sqlite';
import { loadRules, openStore, warnIfStale, type GlobalOptions } from '../context.js';
import { formatDuration, printCsv, printJson, printTable, round } from '../output.js';

async function withStore(options: GlobalOptions, fn: (store: SqliteStore, rules: Rules) => Promise<void>): Promise<void> {
  const { rules } = loadRules(options);
  const store = openStore(options);
  try {
    await warnIfStale(store, rules);
    await fn(store, rules);
  } finally {
    store.close();
  }
}

const local = (iso: string | null | undefined, zone: string) => (iso ? formatLocal(Date.parse(iso), zone) : '');

export async function agentsCommand(options: GlobalOptions): Promise<void> {
  await withStore(options, async (store, rules) => {
    const agents = await queryAgents(store);
    if (options.json) return printJson(agents);
    printTable(
      ['Agent', 'Logged in', 'Status', 'Activity', 'Since', 'Contacts', 'Last event'],
      agents.map((a) => [
        a.username ?? a.agentArn,
        a.loggedIn ? 'yes' : 'no',
        a.status ? `${a.status.name} (${a.status.type})` : '',
        a.activity?.name ?? '',
        local(a.activity?.since, rules.timezone),
        a.contacts.map((c) => `${c.channel ?? '?'} ${c.state}`).join(', '),
        local(a.lastEventAt, rules.timezone),
      ]),
      'no agents yet: ingest some agent events first',
    );
  });
}

export interface IntervalsOptions extends GlobalOptions {
  agent?: string;
  from?: string;
  to?: string;
}

export async function intervalsCommand(options: IntervalsOptions): Promise<void> {
  const range = parseTimeRange(options.from, options.to);
  await withStore(options, async (store, rules) => {
    const intervals = await queryIntervals(store, { ...range, agent: options.agent });
    if (options.json) return printJson(intervals);
    printTable(
      ['Agent', 'Dimension', 'Name', 'Contact', 'Start', 'End', 'Seconds'],
      intervals.map((i) => [
        i.username ?? i.agentArn,
        i.dimension,
        i.name,
        i.contactId,
        local(i.start, rules.timezone),
        local(i.end, rules.timezone),
        round(i.seconds),
      ]),
      'no closed intervals in that range',
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
    const rows = await queryReport(store, rules, { ...range, bucketMinutes, zone, agent: options.agent, closed: options.closed });
    if (options.json) return printJson(rows);
    if (options.csv) {
      const statuses = [...new Set(rows.flatMap((r) => Object.keys(r.statusSeconds)))].sort();
      const activities = [...new Set(rows.flatMap((r) => Object.keys(r.activitySeconds)))].sort();
      return printCsv(
        [...REPORT_CSV_COLUMNS, ...statuses.map((s) => `status:${s}`), ...activities.map((a) => `activity:${a}`)],
        rows.map((r) => [
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
    printTable(
      ['Bucket', 'Agent', ...REPORT_METRIC_TABLE.map((m) => m.label)],
      rows.map((r) => [r.bucketStart, r.username ?? r.agentArn, ...REPORT_METRIC_TABLE.map((m) => formatMetric(m.unit, r[m.field]))]),
      'no report rows in that range',
    );
  });
}

function formatMetric(unit: 'seconds' | 'count' | 'ratio', value: number | null): string | number {
  if (value === null) return '';
  if (unit === 'seconds') return formatDuration(value);
  return unit === 'ratio' ? `${(value * 100).toFixed(1)}%` : value;
}

export interface ContactsOptions extends GlobalOptions {
  outcome?: string;
  from?: string;
  to?: string;
  csv?: boolean;
}

export async function contactsCommand(options: ContactsOptions): Promise<void> {
  const outcome = parseOutcome(options.outcome);
  const range = parseTimeRange(options.from, options.to);
  await withStore(options, async (store) => {
    const rows = await queryContacts(store, { ...range, outcome });
    if (options.json) return printJson(rows);
    if (options.csv) return printCsv([...CONTACT_FIELDS], rows.map((r) => CONTACT_FIELDS.map((f) => r[f])));
    printTable(
      ['Started', 'Contact', 'Channel', 'Number', 'Exit point', 'Completed', 'Outcome', 'Duration', 'Queue', 'Agent'],
      rows.map((r) => [
        r.startedAtLocal,
        r.contactId,
        r.channel,
        r.customerNumberNational,
        r.exitPoint,
        r.completed === null ? '' : String(r.completed),
        r.outcome,
        r.durationSeconds === null ? '' : formatDuration(r.durationSeconds),
        r.queueName,
        r.agentUsername,
      ]),
      'no contacts yet: ingest some contact records first',
    );
  });
}

export async function funnelCommand(options: GlobalOptions & { from?: string; to?: string; csv?: boolean }): Promise<void> {
  const range = parseTimeRange(options.from, options.to);
  await withStore(options, async (store) => {
    const rows = await queryFunnel(store, range);
    if (options.json) return printJson(rows);
    if (options.csv) return printCsv(['date', 'exitPoint', 'outcome', 'contacts'], rows.map((r) => [r.date, r.exitPoint, r.outcome, r.contacts]));
    printTable(
      ['Date', 'Exit point', 'Outcome', 'Contacts'],
      rows.map((r) => [r.date, r.exitPoint ?? '(none)', r.outcome, r.contacts]),
      'no contacts yet: ingest some contact records first',
    );
  });
}

export async function quarantineCommand(options: GlobalOptions & { limit?: string }): Promise<void> {
  const limit = Number(options.limit ?? 50);
  await withStore(options, async (store, rules) => {
    const rows = await store.listQuarantine(Number.isFinite(limit) && limit > 0 ? limit : 50);
    if (options.json) return printJson(rows.map((r) => ({ ...r, receivedAt: new Date(r.receivedAt).toISOString() })));
    printTable(
      ['Received', 'Source', 'Reason'],
      rows.map((r) => [
        formatLocal(r.receivedAt, rules.timezone),
        [r.source.origin, r.source.line, r.source.path].filter((x) => x !== undefined && x !== '').join(' '),
        r.reason,
      ]),
      'nothing quarantined',
    );
  });
}
