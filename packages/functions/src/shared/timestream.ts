/**
 * Interval metrics to Amazon Timestream for LiveAnalytics (optional; closed to
 * new AWS customers since 2025-06-20): one MULTI-measure record per agent per
 * closed bucket, at most 100 records per WriteRecords call, throttled calls
 * retried with back-off. Records carry a Version (the write time) so that a
 * bucket written again with later data replaces the earlier values.
 */
import { WriteRecordsCommand, type _Record, type MeasureValue, type TimestreamWriteClient } from '@aws-sdk/client-timestream-write';
import { instanceOf, REPORT_METRIC_TABLE, type ReportRow } from '@switchboard/core';
import { logger } from './observability.js';

export const MAX_RECORDS_PER_CALL = 100;
export const MEASURE_NAME = 'agent_interval';

/** One measure per report metric (core's metric table), named in snake case: onlineSeconds -> online_seconds. */
const MEASURES = REPORT_METRIC_TABLE.map((m) => ({
  field: m.field,
  name: m.field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
  type: m.unit === 'count' ? ('BIGINT' as const) : ('DOUBLE' as const),
}));

export function reportRecords(rows: readonly ReportRow[], bucketMinutes: number, version: number): _Record[] {
  return rows.map((r) => {
    const measures: MeasureValue[] = [
      // a ratio without a denominator (null) is left out: Timestream has no null measure values
      ...MEASURES.flatMap(({ field, name, type }) => (r[field] === null ? [] : [{ Name: name, Value: String(r[field]), Type: type }])),
      { Name: 'status_seconds', Value: JSON.stringify(r.statusSeconds), Type: 'VARCHAR' },
      { Name: 'activity_seconds', Value: JSON.stringify(r.activitySeconds), Type: 'VARCHAR' },
    ];
    return {
      Dimensions: [
        { Name: 'instance_arn', Value: instanceOf(r.agentArn) },
        { Name: 'agent_arn', Value: r.agentArn },
        ...(r.username ? [{ Name: 'username', Value: r.username }] : []),
        { Name: 'bucket_minutes', Value: String(bucketMinutes) },
      ],
      MeasureName: MEASURE_NAME,
      MeasureValueType: 'MULTI',
      MeasureValues: measures,
      Time: String(Date.parse(r.bucketStart)),
      TimeUnit: 'MILLISECONDS',
      Version: version,
    };
  });
}

const RETRYABLE = new Set(['ThrottlingException', 'InternalServerException', 'ServiceUnavailableException']);

export interface WriteOutcome {
  records: number;
  calls: number;
  rejected: number;
}

export async function writeRecords(
  client: TimestreamWriteClient,
  target: { database: string; table: string },
  records: readonly _Record[],
  options: { attempts?: number; baseDelayMs?: number } = {},
): Promise<WriteOutcome> {
  const attempts = options.attempts ?? 8;
  const base = options.baseDelayMs ?? 200;
  const outcome: WriteOutcome = { records: records.length, calls: 0, rejected: 0 };
  for (let i = 0; i < records.length; i += MAX_RECORDS_PER_CALL) {
    const chunk = records.slice(i, i + MAX_RECORDS_PER_CALL);
    for (let attempt = 1; ; attempt++) {
      outcome.calls++;
      try {
        await client.send(new WriteRecordsCommand({ DatabaseName: target.database, TableName: target.table, Records: chunk }));
        break;
      } catch (err) {
        const e = err as { name?: string; RejectedRecords?: Array<{ RecordIndex?: number; Reason?: string }> };
        if (e.name === 'RejectedRecordsException') {
          // not retried: e.g. outside the memory store's retention, or a newer version is stored
          outcome.rejected += e.RejectedRecords?.length ?? chunk.length;
          logger.warn('Timestream rejected records', { rejected: e.RejectedRecords?.slice(0, 10) });
          break;
        }
        if (!RETRYABLE.has(e.name ?? '') || attempt >= attempts) throw err;
        await new Promise((r) => setTimeout(r, Math.min(10_000, base * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2)));
      }
    }
  }
  return outcome;
}
