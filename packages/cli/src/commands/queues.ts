import {
  ParamError,
  parseBucket,
  parseTimeRange,
  queryQueueIntervals,
  queryQueueNow,
  QUEUE_INTERVAL_METRICS,
  type QueueIntervalView,
} from '@switchboard/core';
import { formatDuration, printCsv, printJson, printTable, rightAligned, round } from '../output.js';
import { localIso, withStore, type TableOptions } from './queries.js';

export interface QueuesOptions extends TableOptions {
  now?: boolean;
  bucket?: string;
  from?: string;
  to?: string;
  queue?: string;
  csv?: boolean;
}

const percent = (v: number | null | undefined) => (v === null || v === undefined ? '' : `${Math.round(v * 1000) / 10}%`);
const seconds = (v: number | null) => (v === null ? '' : formatDuration(v));
const thresholdsOf = (rows: ReadonlyArray<{ serviceLevel: Record<string, unknown> }>) =>
  [...new Set(rows.flatMap((r) => Object.keys(r.serviceLevel)))].sort((a, b) => Number(a) - Number(b));

/** `switchboard queues`: queue intervals per queue, channel and bucket; `--now`: the live queue view. */
export async function queuesCommand(options: QueuesOptions): Promise<void> {
  if (options.now) {
    if (options.bucket || options.from || options.to || options.csv) throw new ParamError('--now takes only --queue (and --json)');
    return withStore(options, async (store, rules) => {
      const view = await queryQueueNow(store, rules, Date.now(), { queue: options.queue });
      if (options.json) return printJson(view);
      const thresholds = thresholdsOf(view.queues.map((q) => q.today));
      printTable(
        [
          { header: 'Queue', shrink: true },
          ...['Waiting', 'Oldest waiting', 'On contact', 'Queued today', 'Answered', 'Abandoned', ...thresholds.map((t) => `SL ${t}s`)].map(rightAligned),
        ],
        view.queues.map((q) => [
          q.queueName ?? q.queueArn,
          q.waiting,
          q.oldestWaitingSeconds === null ? '' : formatDuration(q.oldestWaitingSeconds),
          q.agentsOnContact,
          q.today.queued,
          q.today.answered,
          q.today.abandoned,
          ...thresholds.map((t) => percent(q.today.serviceLevel[t])),
        ]),
        'no queues yet: ingest some contact events or contact records first',
        { wide: options.wide },
      );
      if (!options.queue) process.stderr.write(`in the flow (IVR), not queued yet: ${view.inFlow}\n`);
    });
  }
  const range = parseTimeRange(options.from, options.to);
  const bucketMinutes = parseBucket(options.bucket);
  await withStore(options, async (store, rules) => {
    const rows = await queryQueueIntervals(store, rules, { ...range, bucketMinutes, queue: options.queue });
    if (options.json) return printJson(rows);
    const thresholds = thresholdsOf(rows);
    if (options.csv) {
      return printCsv(
        ['queueArn', 'queueName', 'channel', 'bucketStart', 'bucketEnd', ...QUEUE_INTERVAL_METRICS, ...thresholds.map((t) => `serviceLevel:${t}`)],
        rows.map((r: QueueIntervalView) => [
          r.queueArn,
          r.queueName,
          r.channel,
          r.bucketStart,
          r.bucketEnd,
          ...QUEUE_INTERVAL_METRICS.map((f) => r[f]),
          ...thresholds.map((t) => r.serviceLevel[t] ?? null),
        ]),
      );
    }
    printTable(
      [
        { header: 'Bucket' },
        { header: 'Queue', shrink: true },
        { header: 'Channel', optional: true },
        ...['Queued', 'Handled', 'Abandoned', 'Aband. rate', ...thresholds.map((t) => `SL ${t}s`)].map(rightAligned),
        // on a narrow terminal, the averages are left out from the last
        ...['Avg answer', 'Avg handle', 'Avg hold', 'Avg ACW'].map((header) => ({ ...rightAligned(header), optional: true })),
      ],
      rows.map((r) => [
        localIso(r.bucketStart, options.wide, 16),
        r.queueName ?? r.queueArn,
        r.channel,
        r.contactsQueued,
        r.contactsHandled,
        r.contactsAbandoned,
        percent(r.abandonmentRate),
        ...thresholds.map((t) => percent(r.serviceLevel[t])),
        seconds(r.avgQueueAnswerSeconds === null ? null : round(r.avgQueueAnswerSeconds)),
        seconds(r.avgHandleSeconds),
        seconds(r.avgHoldSeconds),
        seconds(r.avgAfterContactWorkSeconds),
      ]),
      'no queue intervals in that range: contacts count once they disconnect',
      { wide: options.wide },
    );
  });
}
