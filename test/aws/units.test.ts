/**
 * The functions' wiring without DynamoDB: configuration from SST links
 * (SST_RESOURCE_<Name> environment variables, read through `Resource` from
 * sst), and the request shapes and limits of EventBridge and Timestream
 * (aws-sdk-client-mock).
 */
import { describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  const link = (name: string, properties: Record<string, unknown>, type = 'sst.sst.Linkable') =>
    (process.env[`SST_RESOURCE_${name}`] = JSON.stringify({ ...properties, type }));
  link('App', { name: 'switchboard', stage: 'test' }, 'sst.sst.App');
  link('Tables', { events: 'sb-test-events', projections: 'sb-test-projections', ledger: 'sb-test-ledger' });
  link('Rules', { json: JSON.stringify({ timezone: 'Asia/Tokyo', alerts: { holdSeconds: 90 } }) });
  link('AlertBus', { name: 'switchboard-test-bus' });
  link('ApiConfig', { auth: 'token' });
  link('ApiToken', { value: 's3cret-token-value' }, 'sst.sst.Secret');
  link('HashKey', { value: 'linked-hash-key-0123456789' }, 'sst.sst.Secret');
  link('Timestream', { database: 'switchboard', table: 'agent_intervals', lookbackMinutes: 120 });
});

import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { TimestreamWriteClient, WriteRecordsCommand, type _Record } from '@aws-sdk/client-timestream-write';
import { mockClient } from 'aws-sdk-client-mock';
import type { Alert, ReportRow } from '@switchboard/core';
import { ConfigError, loadConfig, loadRules } from '../../packages/functions/src/shared/config.js';
import { alertEntries, AlertDeliveryError, putEntries } from '../../packages/functions/src/shared/alerts.js';
import { MAX_RECORDS_PER_CALL, reportRecords, writeRecords } from '../../packages/functions/src/shared/timestream.js';
import { LOCAL_CREDENTIALS } from '../support/dynamo-local.js';

describe('configuration from SST links', () => {
  it('reads tables, rules, bus, API auth and Timestream from Resource', () => {
    const config = loadConfig({});
    expect(config.tables).toEqual({ events: 'sb-test-events', projections: 'sb-test-projections', ledger: 'sb-test-ledger' });
    expect(config.rules.timezone).toBe('Asia/Tokyo');
    expect(config.rules.alerts.holdSeconds).toBe(90);
    expect(config.rules.bucketMinutes).toBe(15);
    expect(config.busName).toBe('switchboard-test-bus');
    expect(config.api).toEqual({ auth: 'token', token: 's3cret-token-value' });
    expect(config.timestream).toEqual({ database: 'switchboard', table: 'agent_intervals', lookbackMinutes: 120 });
    expect(config.dynamoEndpoint).toBeNull();
  });

  it('lets SWITCHBOARD_RULES override the linked rules, and rejects bad rules clearly', () => {
    expect(loadRules({ SWITCHBOARD_RULES: '{"bucketMinutes": 30}' }).bucketMinutes).toBe(30);
    expect(() => loadRules({ SWITCHBOARD_RULES: '{"bucketMinutes": 7}' })).toThrow(ConfigError);
    expect(() => loadRules({ SWITCHBOARD_RULES: '{"bucketMinutes": 7}' })).toThrow(/SWITCHBOARD_RULES: invalid rules: bucketMinutes/);
    expect(() => loadRules({ SWITCHBOARD_RULES: '{oops' })).toThrow(/not valid JSON/);
  });

  it('takes the privacy hash key from the linked HashKey secret, and $SWITCHBOARD_HASH_KEY before it', () => {
    const SWITCHBOARD_RULES = '{"privacy": {"customerNumbers": "hash"}}';
    expect(loadRules({ SWITCHBOARD_RULES }).privacy.hashKey).toBe('linked-hash-key-0123456789');
    expect(loadRules({ SWITCHBOARD_RULES, SWITCHBOARD_HASH_KEY: 'another-key-0123456789' }).privacy.hashKey).toBe('another-key-0123456789');
  });
});

const alert = (i: number): Alert => ({
  id: `LongHold:arn:aws:connect:us-west-2:012345678901:instance/i/agent/a${i}:c-${i}:1713398400000`,
  kind: 'LongHold',
  at: '2024-04-18T00:01:30.000Z',
  ended: true,
  agentArn: `arn:aws:connect:us-west-2:012345678901:instance/i/agent/a${i}`,
  username: `agent${i}`,
  contactId: `c-${i}`,
  name: 'CONNECTED_ONHOLD',
  seconds: 95,
  thresholdSeconds: 60,
});

describe('EventBridge', () => {
  it('shapes alert entries: source switchboard, detail-type = kind, detail = the alert', () => {
    const [entry] = alertEntries([alert(1)], 'bus');
    expect(entry).toEqual({
      EventBusName: 'bus',
      Source: 'switchboard',
      DetailType: 'LongHold',
      Detail: JSON.stringify(alert(1)),
      Resources: [alert(1).agentArn],
    });
  });

  it('sends 10 entries per call at most, retries failed entries, and gives up loudly', async () => {
    const client = new EventBridgeClient({ region: 'us-west-2', credentials: LOCAL_CREDENTIALS });
    const mock = mockClient(client);
    const sizes: number[] = [];
    let first = true;
    mock.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
      sizes.push(input.Entries.length);
      const failing = first ? 3 : 0;
      first = false;
      return {
        FailedEntryCount: failing,
        Entries: input.Entries.map((_, i) => (i < failing ? { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' } : { EventId: String(i) })),
      };
    });
    const calls = await putEntries(client, alertEntries(Array.from({ length: 25 }, (_, i) => alert(i)), 'bus'), { baseDelayMs: 1 });
    expect(sizes).toEqual([10, 3, 10, 5]);
    expect(calls).toBe(4);

    mock.reset();
    mock.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => ({
      FailedEntryCount: 1,
      Entries: input.Entries.map((_, i) => (i === 0 ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' } : { EventId: 'x' })),
    }));
    await expect(putEntries(client, alertEntries([alert(1), alert(2)], 'bus'), { attempts: 3, baseDelayMs: 1 })).rejects.toThrow(AlertDeliveryError);
    expect(mock.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries!.length)).toEqual([2, 1, 1]);
  });
});

const row = (i: number, bucket: number): ReportRow => ({
  agentArn: `arn:aws:connect:ap-northeast-1:012345678901:instance/inst-1/agent/a${i}`,
  username: i % 5 === 0 ? null : `agent${i}`,
  bucketStart: new Date(Date.UTC(2024, 3, 18, 0, bucket * 15)).toISOString().replace('.000Z', '+00:00'),
  bucketEnd: new Date(Date.UTC(2024, 3, 18, 0, bucket * 15 + 15)).toISOString().replace('.000Z', '+00:00'),
  onlineSeconds: 900,
  idleSeconds: 300.5,
  nonProductiveSeconds: 0,
  onContactSeconds: 599.5,
  holdSeconds: 62,
  afterContactWorkSeconds: 40,
  errorSeconds: 0,
  holds: 1,
  contactsHandled: 2,
  agentNonResponse: 0,
  occupancy: i % 5 === 0 ? null : 0.6661,
  statusSeconds: { Available: 900 },
  activitySeconds: { Available: 300.5, OnContact: 599.5 },
});

describe('Timestream', () => {
  it('writes one MULTI-measure record per agent and bucket', () => {
    const [record, anonymous] = reportRecords([row(1, 0), row(5, 1)], 15, 1_713_400_000_000);
    expect(record).toEqual({
      Dimensions: [
        { Name: 'instance_arn', Value: 'arn:aws:connect:ap-northeast-1:012345678901:instance/inst-1' },
        { Name: 'agent_arn', Value: row(1, 0).agentArn },
        { Name: 'username', Value: 'agent1' },
        { Name: 'bucket_minutes', Value: '15' },
      ],
      MeasureName: 'agent_interval',
      MeasureValueType: 'MULTI',
      MeasureValues: [
        { Name: 'online_seconds', Value: '900', Type: 'DOUBLE' },
        { Name: 'idle_seconds', Value: '300.5', Type: 'DOUBLE' },
        { Name: 'non_productive_seconds', Value: '0', Type: 'DOUBLE' },
        { Name: 'on_contact_seconds', Value: '599.5', Type: 'DOUBLE' },
        { Name: 'hold_seconds', Value: '62', Type: 'DOUBLE' },
        { Name: 'after_contact_work_seconds', Value: '40', Type: 'DOUBLE' },
        { Name: 'error_seconds', Value: '0', Type: 'DOUBLE' },
        { Name: 'holds', Value: '1', Type: 'BIGINT' },
        { Name: 'contacts_handled', Value: '2', Type: 'BIGINT' },
        { Name: 'agent_non_response', Value: '0', Type: 'BIGINT' },
        { Name: 'occupancy', Value: '0.6661', Type: 'DOUBLE' },
        { Name: 'status_seconds', Value: '{"Available":900}', Type: 'VARCHAR' },
        { Name: 'activity_seconds', Value: '{"Available":300.5,"OnContact":599.5}', Type: 'VARCHAR' },
      ],
      Time: String(Date.UTC(2024, 3, 18, 0, 0)),
      TimeUnit: 'MILLISECONDS',
      Version: 1_713_400_000_000,
    });
    // dimension values must not be empty: no username dimension when there is none
    expect(anonymous!.Dimensions!.map((d) => d.Name)).toEqual(['instance_arn', 'agent_arn', 'bucket_minutes']);
    // no occupancy measure where it has no value (no idle or contact time)
    expect(anonymous!.MeasureValues!.map((m) => m.Name)).not.toContain('occupancy');
    expect(Buffer.byteLength(JSON.stringify(record))).toBeLessThan(2048);
  });

  it('writes at most 100 records per call, retries throttling and skips rejected records', async () => {
    const client = new TimestreamWriteClient({ region: 'us-west-2', credentials: LOCAL_CREDENTIALS });
    const mock = mockClient(client);
    const throttle = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $fault: 'client', $metadata: {} });
    const rejected = Object.assign(new Error('Some records were rejected'), {
      name: 'RejectedRecordsException',
      $fault: 'client',
      $metadata: {},
      RejectedRecords: [{ RecordIndex: 3, Reason: 'The record timestamp is outside the time range of the data ingestion window.' }],
    });
    mock.on(WriteRecordsCommand).rejectsOnce(throttle).resolvesOnce({}).rejectsOnce(rejected).resolves({});
    const records: _Record[] = reportRecords(
      Array.from({ length: 250 }, (_, i) => row(i, i % 8)),
      15,
      1,
    );
    const out = await writeRecords(client, { database: 'db', table: 't' }, records, { baseDelayMs: 1 });
    const calls = mock.commandCalls(WriteRecordsCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.Records!.length)).toEqual([100, 100, 100, 50]); // the first was throttled and sent again
    expect(calls.every((c) => c.DatabaseName === 'db' && c.TableName === 't' && c.Records!.length <= MAX_RECORDS_PER_CALL)).toBe(true);
    expect(calls[0]!.Records).toEqual(calls[1]!.Records);
    expect(out).toEqual({ records: 250, calls: 4, rejected: 1 });

    mock.reset();
    mock.on(WriteRecordsCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException', $fault: 'client', $metadata: {} }));
    await expect(writeRecords(client, { database: 'db', table: 't' }, records.slice(0, 1), { baseDelayMs: 1 })).rejects.toThrow('denied');
    expect(mock.commandCalls(WriteRecordsCommand)).toHaveLength(1);
  });
});
