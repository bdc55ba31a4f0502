/**
 * The pipeline: Kinesis -> ingest -> event table -> (stream) -> project ->
 * projections + alerts; the sweep every minute; the optional Timestream sink;
 * the rebuild function (invoked by hand after a rule change).
 */
import { alertBus } from './alerts.js';
import { settings } from './settings.js';
import { access, eventsTable, rules, tables } from './storage.js';
import { ingestSources } from './streams.js';

/** What every function shares. */
export const base = {
  runtime: 'nodejs20.x',
  architecture: 'arm64',
  memory: '512 MB',
  logging: { retention: '1 month', format: 'json' },
  environment: {
    POWERTOOLS_SERVICE_NAME: 'switchboard',
    POWERTOOLS_METRICS_NAMESPACE: 'Switchboard',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    NODE_OPTIONS: '--enable-source-maps',
  },
} satisfies Partial<sst.aws.FunctionArgs>;

// ---- ingest: one subscription per stream (agent events, contact records, or one for both)
const ingest: sst.aws.FunctionArgs = {
  ...base,
  handler: 'packages/functions/src/ingest.handler',
  description: 'Switchboard: Kinesis -> event table',
  timeout: '60 seconds',
  link: [tables, ...rules],
  permissions: access.ingest,
};
const kinesisMapping: sst.aws.KinesisStreamLambdaSubscriberArgs = {
  transform: {
    eventSourceMapping: (args) => {
      args.startingPosition = 'TRIM_HORIZON';
      args.batchSize = 100;
      args.maximumBatchingWindowInSeconds = 1;
      // malformed records are quarantined by the function; only transient failures come back
      args.functionResponseTypes = ['ReportBatchItemFailures'];
      args.bisectBatchOnFunctionError = true;
    },
  },
};
for (const source of ingestSources) {
  if (source.stream) source.stream.subscribe('Ingest', ingest, kinesisMapping);
  else sst.aws.KinesisStream.subscribe(`Ingest${source.name}`, source.arn, ingest, kinesisMapping);
}

// ---- project: the event table's stream, INSERT records only
/** Where the stream mapping reports a batch it gave up on (after retries); a rebuild repairs the projections. */
export const projectFailures = new sst.aws.Queue('ProjectFailures', { transform: { queue: { messageRetentionSeconds: 1_209_600 } } });
eventsTable.subscribe(
  'Project',
  {
    ...base,
    handler: 'packages/functions/src/project.handler',
    description: 'Switchboard: event table stream -> projections, alerts',
    timeout: '5 minutes',
    memory: '1024 MB',
    link: [tables, ...rules, alertBus],
    permissions: [...access.project, { actions: ['sqs:SendMessage'], resources: [projectFailures.arn] }],
  },
  {
    filters: [{ eventName: ['INSERT'] }],
    transform: {
      eventSourceMapping: (args) => {
        args.startingPosition = 'TRIM_HORIZON';
        args.batchSize = 100;
        args.maximumBatchingWindowInSeconds = 1;
        args.bisectBatchOnFunctionError = true;
        args.maximumRetryAttempts = 50;
        args.destinationConfig = { onFailure: { destinationArn: projectFailures.arn } };
      },
    },
  },
);

// ---- sweep: ongoing holds, ACW and statuses past their thresholds
new sst.aws.Cron('Sweep', {
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

// ---- rebuild: `aws lambda invoke --function-name <Rebuild> out.json` after a rule change
export const rebuild = new sst.aws.Function('Rebuild', {
  ...base,
  handler: 'packages/functions/src/rebuild.handler',
  description: 'Switchboard: replay the event table into fresh projections',
  timeout: '15 minutes',
  memory: '2048 MB',
  concurrency: { reserved: 1 },
  link: [tables, ...rules],
  permissions: access.rebuild,
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
  new sst.aws.Cron('TimestreamSink', {
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
