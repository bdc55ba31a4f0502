import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { INGEST_BATCH, PROJECT_BATCH } from '../../stacks/mappings.js';
import { LAMBDA_RUNTIME } from '../../stacks/runtime.js';
import { handlerName, synthesize } from '../support/stacks.js';

/**
 * What the stacks declare besides IAM (iam.test.ts): the runtime, the failure
 * path of the event source mappings and its alarms, what a production app
 * keeps when removed, and Connect's data streaming. Evaluated offline with
 * stand-ins for SST's globals (test/support/stacks.ts).
 */
afterEach(() => vi.unstubAllEnvs());

const INSTANCE = 'arn:aws:connect:ap-northeast-1:123456789012:instance/aaaaaaaa-bbbb-cccc-dddd-111111111111';
const INSTANCE_ID = 'aaaaaaaa-bbbb-cccc-dddd-111111111111';
const ASSOCIATION = '0d3a5b2e-6f1c-4e8a-9b7d-2c4f6e8a0b1c';
const AGENT_STREAM = 'arn:aws:kinesis:ap-northeast-1:123456789012:stream/connect-agents';

describe('the stacks', () => {
  it('run every function on the current Node.js LTS runtime, none with reserved concurrency', async () => {
    expect(LAMBDA_RUNTIME).toBe('nodejs24.x');
    const { functions } = await synthesize({ SWITCHBOARD_TIMESTREAM: 'create' });
    expect(functions).toHaveLength(7);
    for (const fn of functions) {
      expect(fn.runtime, fn.name).toBe(LAMBDA_RUNTIME);
      expect(fn.concurrency, fn.name).toBeUndefined();
    }
  });

  it('schedule the sweep and the Timestream sink with CronV2 (Cron is deprecated)', async () => {
    const { components } = await synthesize({ SWITCHBOARD_TIMESTREAM: 'create' });
    expect(components.filter((c) => c.type === 'CronV2').map((c) => c.name).sort()).toEqual(['Sweep', 'TimestreamSink']);
    expect(components.some((c) => c.type === 'Cron')).toBe(false);
  });

  it('pin sst to one exact version, the one installed (the package and the CLI it runs must match)', () => {
    const installed = JSON.parse(readFileSync('node_modules/sst/package.json', 'utf8')).version as string;
    for (const file of ['package.json', 'packages/functions/package.json']) {
      const pkg = JSON.parse(readFileSync(file, 'utf8'));
      const spec = pkg.dependencies?.sst ?? pkg.devDependencies?.sst;
      expect(spec, file).toMatch(/^\d+\.\d+\.\d+$/);
      expect(spec, file).toBe(installed);
    }
  });

  it('bound the retries of the Kinesis mappings, bisect failing batches and send what they skip to a queue', async () => {
    const { mappings, functions } = await synthesize({});
    const kinesis = mappings.filter((m) => m.kind === 'KinesisStream');
    expect(kinesis.map((m) => m.source).sort()).toEqual(['AgentEvents', 'ContactRecords']);
    const ingest = functions.find((f) => handlerName(f) === 'ingest')!;
    for (const m of kinesis) {
      expect(m.function).toBe('arn:Function:Ingest');
      expect(m.args).toMatchObject({
        startingPosition: 'TRIM_HORIZON',
        functionResponseTypes: ['ReportBatchItemFailures'],
        bisectBatchOnFunctionError: true,
        destinationConfig: { onFailure: { destinationArn: 'arn:Queue:IngestFailures' } },
      });
      expect(m.args.maximumRetryAttempts).toBeGreaterThanOrEqual(1);
      expect(m.args.maximumRetryAttempts).toBeLessThanOrEqual(100);
      // skipped records stay readable in the stream (7 days) for a while after the mapping gives up on them
      expect(m.args.maximumRecordAgeInSeconds).toBeGreaterThanOrEqual(60);
      expect(m.args.maximumRecordAgeInSeconds).toBeLessThanOrEqual(168 * 3600 / 2);
    }
    // Lambda sends on-failure records with the function's role
    expect(ingest.permissions).toContainEqual({ actions: ['sqs:SendMessage'], resources: ['arn:Queue:IngestFailures'] });

    const project = mappings.find((m) => m.source === 'Events')!;
    expect(project.function).toBe('arn:Function:Project');
    // batches as stacks/mappings.ts says (and the write benchmark replays them)
    expect(project.args).toMatchObject({ batchSize: PROJECT_BATCH.size, maximumBatchingWindowInSeconds: PROJECT_BATCH.windowSeconds });
    for (const m of kinesis) expect(m.args).toMatchObject({ batchSize: INGEST_BATCH.size, maximumBatchingWindowInSeconds: INGEST_BATCH.windowSeconds });
    expect(project.args).toMatchObject({
      filters: [{ eventName: ['INSERT'] }],
      bisectBatchOnFunctionError: true,
      destinationConfig: { onFailure: { destinationArn: 'arn:Queue:ProjectFailures' } },
    });
    expect(project.args.maximumRetryAttempts).toBeGreaterThan(0);
    // a fresher seat map at the cost of more writes, or the other way round
    const fresher = (await synthesize({ SWITCHBOARD_PROJECT_WINDOW_SECONDS: '1' })).mappings.find((m) => m.source === 'Events')!;
    expect(fresher.args.maximumBatchingWindowInSeconds).toBe(1);
    await expect(synthesize({ SWITCHBOARD_PROJECT_WINDOW_SECONDS: '301' })).rejects.toThrow(/SWITCHBOARD_PROJECT_WINDOW_SECONDS must be a whole number of seconds from 0 to 300/);
  });

  it('alarm on the iterator age of both mappings and on every failure queue, to the Alarms topic', async () => {
    const { components } = await synthesize({ SWITCHBOARD_ALARM_EMAIL: 'ops@example.com' });
    const alarms = components.filter((c) => c.type === 'MetricAlarm').map((c) => c.args);
    const iteratorAge = alarms.filter((a) => a.metricName === 'IteratorAge');
    expect(iteratorAge.map((a) => a.dimensions.FunctionName).sort()).toEqual(['Ingest', 'Project']);
    for (const a of iteratorAge) expect(a).toMatchObject({ namespace: 'AWS/Lambda', statistic: 'Maximum', comparisonOperator: 'GreaterThanThreshold' });
    const queues = alarms.filter((a) => a.namespace === 'AWS/SQS');
    expect(queues.map((a) => a.dimensions.QueueName).sort()).toEqual(['ContactEventsFailed-queue', 'IngestDeadLetters-queue', 'IngestFailures-queue', 'ProjectFailures-queue']);
    for (const a of queues) expect(a).toMatchObject({ metricName: 'ApproximateNumberOfMessagesVisible', threshold: 0, comparisonOperator: 'GreaterThanThreshold' });
    for (const a of alarms) {
      expect(a.alarmActions).toEqual(['arn:SnsTopic:Alarms']);
      expect(a.treatMissingData).toBe('notBreaching');
    }
    expect(components.find((c) => c.type === 'TopicSubscription')?.args).toEqual({ topic: 'arn:SnsTopic:Alarms', protocol: 'email', endpoint: 'ops@example.com' });
  });

  it.each([
    ['production', true],
    ['dev', false],
  ])('%s: the streams Connect writes to and the failure queues are kept when the app is removed: %s', async (stage, kept) => {
    const { components } = await synthesize({}, { stage });
    const streams = components.filter((c) => c.type === 'KinesisStream');
    expect(streams.map((c) => c.name).sort()).toEqual(['AgentEvents', 'ContactRecords']);
    for (const s of streams) {
      expect(s.args.streamArgs.retentionPeriod).toBe(168);
      expect(s.args.streamOpts.retainOnDelete ?? false, s.name).toBe(kept);
    }
    // the queues of what the pipeline gave up on; ContactEvents itself only carries events through
    const queues = components.filter((c) => c.type === 'Queue' && c.name !== 'ContactEvents');
    expect(queues.map((q) => q.name).sort()).toEqual(['ContactEventsFailed', 'IngestDeadLetters', 'IngestFailures', 'ProjectFailures']);
    for (const q of queues) expect(q.args.queueOpts.retainOnDelete ?? false, q.name).toBe(kept);
  });
});

describe("Connect's data streaming in the stack", () => {
  const configs = (components: Array<{ type: string; args: any; opts?: any }>) => components.filter((c) => c.type === 'InstanceStorageConfig');

  it('is left to the console unless the instance is named', async () => {
    const { components, modules } = await synthesize({});
    expect(configs(components)).toEqual([]);
    expect(modules.settings.connectInstance).toBeUndefined();
  });

  it('points the instance storage configs for agent events and contact records at the streams', async () => {
    const { components, modules } = await synthesize({ SWITCHBOARD_CONNECT_INSTANCE_ARN: INSTANCE }, { stage: 'dev' });
    expect(configs(components).map((c) => c.args)).toEqual([
      { instanceId: INSTANCE_ID, resourceType: 'AGENT_EVENTS', storageConfig: { storageType: 'KINESIS_STREAM', kinesisStreamConfig: { streamArn: 'arn:KinesisStream:AgentEvents' } } },
      { instanceId: INSTANCE_ID, resourceType: 'CONTACT_TRACE_RECORDS', storageConfig: { storageType: 'KINESIS_STREAM', kinesisStreamConfig: { streamArn: 'arn:KinesisStream:ContactRecords' } } },
    ]);
    for (const c of configs(components)) expect(c.opts).toEqual({ retainOnDelete: false });
    // the setting is reusable by other stacks (the contact-event rule)
    expect(modules.settings.connectInstance).toEqual({ arn: INSTANCE, region: 'ap-northeast-1', account: '123456789012', id: INSTANCE_ID });
  });

  it('adopts an existing association by import (instance:association:type) and keeps it on removal', async () => {
    const { components } = await synthesize(
      { SWITCHBOARD_CONNECT_INSTANCE_ARN: INSTANCE, SWITCHBOARD_AGENT_STREAM_ARN: AGENT_STREAM, SWITCHBOARD_CONNECT_AGENT_EVENTS_ASSOCIATION: ASSOCIATION },
      { stage: 'dev' },
    );
    const [agents, records] = configs(components);
    expect(agents!.args.storageConfig.kinesisStreamConfig.streamArn).toBe(AGENT_STREAM);
    expect(agents!.opts).toEqual({ import: `${INSTANCE_ID}:${ASSOCIATION}:AGENT_EVENTS`, retainOnDelete: true });
    expect(records!.opts).toEqual({ retainOnDelete: false });
    const prod = await synthesize({ SWITCHBOARD_CONNECT_INSTANCE_ARN: INSTANCE });
    for (const c of configs(prod.components)) expect(c.opts.retainOnDelete).toBe(true);
  });

  it('refuses a malformed instance ARN, an association without an instance, and another region', async () => {
    await expect(synthesize({ SWITCHBOARD_CONNECT_INSTANCE_ARN: 'arn:aws:connect:ap-northeast-1:123456789012:instance' })).rejects.toThrow(/Connect instance ARN/);
    await expect(synthesize({ SWITCHBOARD_CONNECT_CONTACT_RECORDS_ASSOCIATION: ASSOCIATION })).rejects.toThrow(/needs SWITCHBOARD_CONNECT_INSTANCE_ARN/);
    await expect(synthesize({ SWITCHBOARD_CONNECT_INSTANCE_ARN: INSTANCE }, { region: 'us-east-1' })).rejects.toThrow(/deploy to ap-northeast-1/);
  });
});
