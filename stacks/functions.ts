/**
 * The pipeline: Kinesis -> ingest -> event table -> (stream) -> project ->
 * projections + alerts; the sweep every minute; the optional Timestream sink;
 * the rebuild function (invoked by hand after a rule change). Failure path
 * and alarms: docs/deploy-aws.md "Operations".
 */
import { alertBus } from './alerts.js';
import { INGEST_BATCH, PROJECT_BATCH } from './mappings.js';
import { LAMBDA_ARCHITECTURE, LAMBDA_RUNTIME } from './runtime.js';
import { settings } from './settings.js';
import { access, eventsTable, rules, tables } from './storage.js';
import { ingestSources } from './streams.js';

/** What every function shares. */
export const base = {
  runtime: LAMBDA_RUNTIME,
  architecture: LAMBDA_ARCHITECTURE,
  memory: '512 MB',
  logging: { retention: '1 month', format: 'json' },
  environment: {
    POWERTOOLS_SERVICE_NAME: 'switchboard',
    POWERTOOLS_METRICS_NAMESPACE: 'Switchboard',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    NODE_OPTIONS: '--enable-source-maps',
  },
} satisfies Partial<sst.aws.FunctionArgs>;

/** An SQS queue for what the pipeline gave up on: kept 14 days (SQS's longest), and kept when a production app is removed. */
export function failureQueue(name: string) {
  return new sst.aws.Queue(name, {
    transform: {
      queue: (args, opts) => {
        args.messageRetentionSeconds = 1_209_600;
        if (settings.production) opts.retainOnDelete = true;
      },
    },
  });
}

/** What an event source mapping reading a Kinesis stream needs (standard iterators; no enhanced fan-out). */
const KINESIS_READ = ['kinesis:DescribeStream', 'kinesis:DescribeStreamSummary', 'kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:ListShards'];
/** What an event source mapping reading a DynamoDB stream needs. */
const DYNAMODB_STREAM_READ = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'];

/**
 * How often a mapping retries a batch before it sends the batch's position to
 * its on-failure queue and moves on. Partial batch failures count too: those
 * are transient failures (throttling, timeouts), which enough retries ride
 * out, each attempt with the SDK's own back-off. A record that crashes the
 * function (a timeout, out of memory) is isolated by bisecting, which does not
 * count, and then skipped after these retries. Records that fail by themselves
 * are parked by the ingest function after 3 attempts, long before.
 */
export const MAPPING_RETRY_ATTEMPTS = 100;
/** Records older than this are skipped to the on-failure queue (a day, so that 6 of the stream's 7 days remain to read them again). */
export const MAPPING_MAX_RECORD_AGE_SECONDS = 86_400;

// ---- ingest: one function for the agent-event and contact-record streams (or one stream carrying both)
/** Records the ingest function gave up on after repeated failures: each message carries the record, its data and the reason. */
export const ingestDeadLetters = failureQueue('IngestDeadLetters');
/** The Kinesis mappings' on-failure destination: the position of a batch they skipped (Lambda sends no data). */
export const ingestFailures = failureQueue('IngestFailures');
/** Resource.DeadLetters: the queue URL, with sqs:SendMessage on that queue only. */
const deadLetters = new sst.Linkable('DeadLetters', {
  properties: { url: ingestDeadLetters.url },
  include: [sst.aws.permission({ actions: ['sqs:SendMessage'], resources: [ingestDeadLetters.arn] })],
});

export const ingest = new sst.aws.Function('Ingest', {
  ...base,
  handler: 'packages/functions/src/ingest.handler',
  description: 'Switchboard: Kinesis -> event table',
  timeout: '60 seconds',
  link: [tables, ...rules, deadLetters],
  permissions: [
    ...access.ingest,
    { actions: KINESIS_READ, resources: ingestSources.map((s) => s.arn) },
    // the mappings send their on-failure records with the function's role
    { actions: ['sqs:SendMessage'], resources: [ingestFailures.arn] },
    // existing streams encrypted with a customer managed key (the AWS managed key needs no grant)
    ...(settings.streamKmsKeyArns.length > 0 ? [{ actions: ['kms:Decrypt'], resources: settings.streamKmsKeyArns }] : []),
  ],
});

const kinesisMapping: sst.aws.KinesisStreamLambdaSubscriberArgs = {
  transform: {
    eventSourceMapping: (args) => {
      args.startingPosition = 'TRIM_HORIZON';
      args.batchSize = INGEST_BATCH.size;
      args.maximumBatchingWindowInSeconds = INGEST_BATCH.windowSeconds;
      // malformed records are quarantined and poison records parked by the function; only transient failures come back
      args.functionResponseTypes = ['ReportBatchItemFailures'];
      args.bisectBatchOnFunctionError = true;
      args.maximumRetryAttempts = MAPPING_RETRY_ATTEMPTS;
      args.maximumRecordAgeInSeconds = MAPPING_MAX_RECORD_AGE_SECONDS;
      args.destinationConfig = { onFailure: { destinationArn: ingestFailures.arn } };
    },
  },
};
for (const source of ingestSources) {
  if (source.stream) source.stream.subscribe('Ingest', ingest.arn, kinesisMapping);
  else sst.aws.KinesisStream.subscribe(`Ingest${source.name}`, source.arn, ingest.arn, kinesisMapping);
}

// ---- project: the event table's stream, INSERT records only
/** The stream mapping's on-failure destination: the position of a batch it gave up on (a rebuild repairs the projections). */
export const projectFailures = failureQueue('ProjectFailures');
export const project = new sst.aws.Function('Project', {
  ...base,
  handler: 'packages/functions/src/project.handler',
  description: 'Switchboard: event table stream -> projections, alerts',
  timeout: '5 minutes',
  memory: '1024 MB',
  link: [tables, ...rules, alertBus],
  permissions: [
    ...access.project,
    { actions: DYNAMODB_STREAM_READ, resources: [eventsTable.nodes.table.streamArn] },
    { actions: ['sqs:SendMessage'], resources: [projectFailures.arn] },
  ],
});
eventsTable.subscribe('Project', project.arn, {
  filters: [{ eventName: ['INSERT'] }],
  transform: {
    eventSourceMapping: (args) => {
      args.startingPosition = 'TRIM_HORIZON';
      // a batch gathers the window's records: each agent and contact it touches is one write, however many of its events it holds
      args.batchSize = PROJECT_BATCH.size;
      args.maximumBatchingWindowInSeconds = settings.projectWindowSeconds;
      args.bisectBatchOnFunctionError = true;
      // optimistic-concurrency conflicts between concurrent batches are retried; the events stay in the table regardless
      args.maximumRetryAttempts = 50;
      args.destinationConfig = { onFailure: { destinationArn: projectFailures.arn } };
    },
  },
});

// ---- sweep: ongoing holds, ACW and statuses past their thresholds
new sst.aws.CronV2('Sweep', {
  schedule: 'rate(1 minute)',
  function: {
    ...base,
    handler: 'packages/functions/src/sweep.handler',
    description: 'Switchboard: alerts for ongoing occurrences',
    timeout: '50 seconds',
    link: [tables, ...rules, alertBus],
    permissions: access.sweep,
  },
});

// ---- rebuild: `aws lambda invoke --function-name <Rebuild> out.json` after a rule change.
// One at a time through a lease item in the ledger (no reserved concurrency: new accounts may have too little to reserve).
// A rebuild longer than one invocation saves a checkpoint and invokes the function again: named, so that it may invoke only itself.
const rebuildName = `${$app.name}-${$app.stage}-Rebuild`;
export const rebuild = new sst.aws.Function('Rebuild', {
  ...base,
  name: rebuildName,
  handler: 'packages/functions/src/rebuild.handler',
  description: 'Switchboard: replay the event table into fresh projections',
  timeout: '15 minutes',
  memory: '2048 MB',
  link: [tables, ...rules],
  permissions: [
    ...access.rebuild,
    {
      actions: ['lambda:InvokeFunction'],
      resources: [$interpolate`arn:aws:lambda:${aws.getRegionOutput().region}:${aws.getCallerIdentityOutput().accountId}:function:${rebuildName}`],
    },
  ],
});

// ---- the optional Timestream sink (Timestream for LiveAnalytics is closed to new AWS customers since 2025-06-20)
export const timestreamTable = (() => {
  if (!settings.timestream) return undefined;
  let database: $util.Input<string>;
  let table: $util.Input<string>;
  let arn: $util.Input<string>;
  if (settings.timestream === 'create') {
    const db = new aws.timestreamwrite.Database('TimestreamDatabase', { databaseName: `switchboard-${$app.stage}` });
    const t = new aws.timestreamwrite.Table('TimestreamTable', {
      databaseName: db.databaseName,
      tableName: 'agent_intervals',
      retentionProperties: { memoryStoreRetentionPeriodInHours: 24, magneticStoreRetentionPeriodInDays: 3650 },
      magneticStoreWriteProperties: { enableMagneticStoreWrites: true },
    });
    database = db.databaseName;
    table = t.tableName;
    arn = t.arn;
  } else {
    const [db, t] = settings.timestream.split('/') as [string, string];
    database = db;
    table = t;
    const region = aws.getRegionOutput().name;
    const account = aws.getCallerIdentityOutput().accountId;
    arn = $interpolate`arn:aws:timestream:${region}:${account}:database/${db}/table/${t}`;
  }
  const link = new sst.Linkable('Timestream', {
    properties: { database, table, lookbackMinutes: settings.timestreamLookbackMinutes },
    include: [
      sst.aws.permission({ actions: ['timestream:WriteRecords'], resources: [arn] }),
      sst.aws.permission({ actions: ['timestream:DescribeEndpoints'], resources: ['*'] }),
    ],
  });
  new sst.aws.CronV2('TimestreamSink', {
    schedule: `rate(${Math.min(settings.rules.bucketMinutes, 15)} minutes)`,
    function: {
      ...base,
      handler: 'packages/functions/src/timestream.handler',
      description: 'Switchboard: closed report buckets -> Timestream',
      timeout: '5 minutes',
      link: [tables, ...rules, link],
      permissions: access.read,
    },
  });
  return { database, table };
})();
