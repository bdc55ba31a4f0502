/**
 * Connect's contact events: an EventBridge rule on the account's default bus
 * (Connect publishes them there; nothing to switch on in Connect) -> an SQS
 * queue -> the contact-events function -> the event table.
 *
 * Why a queue between the rule and the function: EventBridge invokes a Lambda
 * target once per event, asynchronously; through SQS the function takes
 * batches (up to 100, fewer invocations and table round trips at peaks),
 * reports only the messages it could not store (partial batch responses),
 * SQS retries those, and what keeps failing lands in a dead-letter queue that
 * can be inspected and redriven. Order is not needed: contact events are
 * unordered anyway, and the queue projections do not depend on order.
 *
 * SWITCHBOARD_CONTACT_EVENTS  "on" (default: every Connect instance in the
 *                             account and region), "off", or a comma-separated
 *                             list of instance ARNs to take events from
 */
import { base, failureQueue } from './functions.js';
import { env } from './settings.js';
import { access, rules, tables } from './storage.js';

const setting = env('SWITCHBOARD_CONTACT_EVENTS') ?? 'on';
const instances = setting === 'on' || setting === 'off' ? [] : setting.split(',').map((s) => s.trim());
for (const arn of instances) {
  if (!/^arn:aws[a-z-]*:connect:[a-z0-9-]+:\d{12}:instance\/[A-Za-z0-9-]+$/.test(arn)) {
    throw new Error(`SWITCHBOARD_CONTACT_EVENTS must be "on", "off" or Connect instance ARNs, got "${arn}"`);
  }
}

/** The rule's pattern: Connect's contact events, of the listed instances when some are listed (the instance is in `resources`). */
export const contactEventPattern = {
  source: ['aws.connect'],
  'detail-type': ['Amazon Connect Contact Event'],
  ...(instances.length > 0 ? { resources: instances } : {}),
};

export const contactEvents = setting === 'off' ? undefined : createFeed();

function createFeed() {
  /** Events EventBridge could not deliver, and messages the function failed on five times; 14 days to redrive them. */
  const failed = failureQueue('ContactEventsFailed');
  const queue = new sst.aws.Queue('ContactEvents', {
    dlq: { queue: failed.arn, retry: 5 },
    // six times the function's timeout, as Lambda's SQS guide advises
    visibilityTimeout: '6 minutes',
  });
  queue.subscribe(
    {
      ...base,
      handler: 'packages/functions/src/contact-events.handler',
      description: 'Switchboard: Connect contact events (EventBridge -> SQS) -> event table',
      timeout: '60 seconds',
      link: [tables, ...rules],
      permissions: access.ingest,
    },
    { batch: { size: 100, window: '1 second', partialResponses: true } },
  );

  const rule = new aws.cloudwatch.EventRule('ContactEventsRule', {
    eventBusName: 'default',
    description: 'Amazon Connect contact events -> Switchboard',
    eventPattern: JSON.stringify(contactEventPattern),
  });
  new aws.cloudwatch.EventTarget('ContactEventsTarget', {
    rule: rule.name,
    eventBusName: 'default',
    arn: queue.arn,
    retryPolicy: { maximumEventAgeInSeconds: 86_400, maximumRetryAttempts: 185 },
    deadLetterConfig: { arn: failed.arn },
  });
  // only this rule may send to the queues (no other rule, bucket or topic, of this account or another)
  for (const [name, q] of [
    ['ContactEventsPolicy', queue],
    ['ContactEventsFailedPolicy', failed],
  ] as const) {
    new aws.sqs.QueuePolicy(name, {
      queueUrl: q.url,
      policy: $jsonStringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Resource: q.arn,
            Condition: { ArnEquals: { 'aws:SourceArn': rule.arn } },
          },
        ],
      }),
    });
  }
  return { queue, failed, rule };
}
