/**
 * CloudWatch alarms on the pipeline's failure path, to the `Alarms` SNS topic
 * (subscribe to it, or set SWITCHBOARD_ALARM_EMAIL):
 * - iterator age of the ingest and project functions: their mappings fall
 *   behind the streams (a stalled shard, throttling, a backlog);
 * - messages in the queues of what the pipeline gave up on: parked records,
 *   skipped ingest batches, skipped projection batches, contact events that
 *   could not be delivered or stored.
 */
import { contactEvents } from './contact-events.js';
import { ingest, ingestDeadLetters, ingestFailures, project, projectFailures } from './functions.js';
import { settings } from './settings.js';

export const topic = new sst.aws.SnsTopic('Alarms');
if (settings.alarmEmail) {
  new aws.sns.TopicSubscription('AlarmEmail', { topic: topic.arn, protocol: 'email', endpoint: settings.alarmEmail });
}

/** Iterator age (ms) past which a mapping counts as falling behind, and for how many consecutive minutes. */
export const ITERATOR_AGE_ALARM_MS = 5 * 60_000;
const ITERATOR_AGE_MINUTES = 5;

function alarm(name: string, description: string, args: Omit<aws.cloudwatch.MetricAlarmArgs, 'alarmDescription' | 'alarmActions' | 'okActions'>) {
  return new aws.cloudwatch.MetricAlarm(name, {
    ...args,
    alarmDescription: `Switchboard ${$app.stage}: ${description} (docs/deploy-aws.md "Operations")`,
    treatMissingData: 'notBreaching',
    alarmActions: [topic.arn],
    okActions: [topic.arn],
  });
}

for (const [name, fn, what] of [
  ['IngestIteratorAge', ingest, 'the ingest function is more than 5 minutes behind its Kinesis streams'],
  ['ProjectIteratorAge', project, "the project function is more than 5 minutes behind the event table's stream"],
] as const) {
  alarm(name, what, {
    namespace: 'AWS/Lambda',
    metricName: 'IteratorAge',
    dimensions: { FunctionName: fn.name },
    statistic: 'Maximum',
    period: 60,
    evaluationPeriods: ITERATOR_AGE_MINUTES,
    threshold: ITERATOR_AGE_ALARM_MS,
    comparisonOperator: 'GreaterThanThreshold',
  });
}

for (const [name, queue, what] of [
  ['IngestDeadLettersAlarm', ingestDeadLetters, 'records were parked after failing repeatedly (IngestDeadLetters)'],
  ['IngestFailuresAlarm', ingestFailures, 'a Kinesis mapping skipped a batch (IngestFailures)'],
  ['ProjectFailuresAlarm', projectFailures, 'the projection mapping skipped a batch (ProjectFailures): rebuild'],
  ...(contactEvents ? [['ContactEventsFailedAlarm', contactEvents.failed, 'contact events could not be delivered or stored (ContactEventsFailed)'] as const] : []),
] as const) {
  alarm(name, what, {
    namespace: 'AWS/SQS',
    metricName: 'ApproximateNumberOfMessagesVisible',
    dimensions: { QueueName: queue.nodes.queue.name },
    statistic: 'Maximum',
    period: 300,
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: 'GreaterThanThreshold',
  });
}
