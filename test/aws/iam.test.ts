import { afterEach, describe, expect, it, vi } from 'vitest';
import { grants, handlerName, synthesize } from '../support/stacks.js';

/**
 * Least privilege, checked over the stack definitions: stacks/ is evaluated
 * with stand-ins for SST's globals that record every component and function
 * (no AWS, no Pulumi), then each function's IAM statements and links are
 * checked against what its handler needs.
 */
afterEach(() => vi.unstubAllEnvs());

const KINESIS_READ = ['kinesis:DescribeStream', 'kinesis:DescribeStreamSummary', 'kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:ListShards'];
const SEND = ['sqs:SendMessage'];
const AGENT_STREAM = 'arn:aws:kinesis:ap-northeast-1:123456789012:stream/connect-agents';
const CONTACT_STREAM = 'arn:aws:kinesis:ap-northeast-1:123456789012:stream/connect-ctr';
const KMS_KEY = 'arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** What each handler may do, and on what (by component name). */
const EXPECTED: Record<string, Record<string, string[]>> = {
  ingest: {
    Events: ['dynamodb:PutItem'],
    Ledger: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
    AgentEvents: KINESIS_READ,
    ContactRecords: KINESIS_READ,
    IngestDeadLetters: SEND,
    IngestFailures: SEND,
  },
  'contact-events': { Events: ['dynamodb:PutItem'], Ledger: ['dynamodb:PutItem', 'dynamodb:UpdateItem'] },
  project: {
    Events: ['dynamodb:Query'],
    EventsStream: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
    Projections: ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
    Ledger: ['dynamodb:BatchWriteItem', 'dynamodb:UpdateItem'],
    ProjectFailures: SEND,
    Alerts: ['events:PutEvents'],
  },
  sweep: { Projections: ['dynamodb:GetItem', 'dynamodb:Query'], Ledger: ['dynamodb:BatchWriteItem', 'dynamodb:Query', 'dynamodb:UpdateItem'], Alerts: ['events:PutEvents'] },
  api: { Projections: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'], Ledger: ['dynamodb:BatchGetItem', 'dynamodb:Query'] },
  rebuild: {
    Events: ['dynamodb:BatchGetItem', 'dynamodb:Query'],
    Projections: ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
    Ledger: ['dynamodb:UpdateItem'], // the rebuild lease
    // to continue from its checkpoint: itself, and nothing else
    'arn:aws:lambda:ap-northeast-1:123456789012:function:switchboard-production-Rebuild': ['lambda:InvokeFunction'],
  },
  timestream: {
    Projections: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'],
    Ledger: ['dynamodb:BatchGetItem', 'dynamodb:Query'],
    TimestreamTable: ['timestream:WriteRecords'],
    '*': ['timestream:DescribeEndpoints'],
  },
};

describe('least-privilege IAM in the stacks', () => {
  it('reads one stream carrying both feeds once', async () => {
    const { functions, mappings } = await synthesize({ SWITCHBOARD_AGENT_STREAM_ARN: AGENT_STREAM, SWITCHBOARD_CONTACT_STREAM_ARN: AGENT_STREAM });
    const ingest = functions.find((f) => handlerName(f) === 'ingest')!;
    expect(grants(ingest)[AGENT_STREAM]).toEqual(KINESIS_READ);
    expect(mappings.filter((m) => m.source === AGENT_STREAM)).toHaveLength(1);
  });

  it('grants kms:Decrypt on the keys of encrypted existing streams to the ingest function only', async () => {
    const { functions } = await synthesize({ SWITCHBOARD_AGENT_STREAM_ARN: AGENT_STREAM, SWITCHBOARD_CONTACT_STREAM_ARN: CONTACT_STREAM, SWITCHBOARD_STREAM_KMS_KEY_ARN: KMS_KEY });
    for (const fn of functions) {
      const kms = Object.entries(grants(fn)).filter(([, actions]) => actions.some((a) => a.startsWith('kms:')));
      expect(kms, fn.name).toEqual(handlerName(fn) === 'ingest' ? [[KMS_KEY, ['kms:Decrypt']]] : []);
    }
    // IAM authorises kms:Decrypt on key ARNs, not aliases
    await expect(synthesize({ SWITCHBOARD_STREAM_KMS_KEY_ARN: 'arn:aws:kms:ap-northeast-1:123456789012:alias/connect' })).rejects.toThrow(/KMS key ARNs/);
  });

  it('names both lambda:InvokeFunctionUrl and lambda:InvokeFunction in the policy IAM callers need', async () => {
    const { modules } = await synthesize({});
    expect(JSON.parse(modules.api.callerPolicy)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['lambda:InvokeFunctionUrl', 'lambda:InvokeFunction'], Resource: 'arn:Function:Api' }],
    });
    expect((await synthesize({ SWITCHBOARD_API_AUTH: 'token' })).modules.api.callerPolicy).toBeUndefined();
  });

  it.each([
    ['IAM API auth, created streams, no Timestream', {}],
    ['token API auth, existing streams, Timestream', {
      SWITCHBOARD_API_AUTH: 'token',
      SWITCHBOARD_TIMESTREAM: 'create',
      SWITCHBOARD_AGENT_STREAM_ARN: AGENT_STREAM,
      SWITCHBOARD_CONTACT_STREAM_ARN: CONTACT_STREAM,
    }],
  ])('%s: each function gets only the actions its handler needs, on its own resources', async (_, env) => {
    const { functions } = await synthesize(env);
    expect(functions.map(handlerName).sort()).toEqual(
      ['api', 'contact-events', 'ingest', 'project', 'rebuild', 'sweep', ...('SWITCHBOARD_TIMESTREAM' in env ? ['timestream'] : [])].sort(),
    );
    for (const fn of functions) {
      let expected = EXPECTED[handlerName(fn)];
      expect(expected, `unexpected function ${fn.name}`).toBeDefined();
      if (handlerName(fn) === 'ingest' && 'SWITCHBOARD_AGENT_STREAM_ARN' in env) {
        const { AgentEvents: _a, ContactRecords: _c, ...rest } = expected!;
        expected = { ...rest, [AGENT_STREAM]: KINESIS_READ, [CONTACT_STREAM]: KINESIS_READ };
      }
      expect(grants(fn), fn.name).toEqual(expected);
      for (const s of fn.permissions) for (const a of s.actions) expect(a).not.toMatch(/\*/);
    }
  });

  it('lets the rebuild function invoke only itself, by the name it is deployed under', async () => {
    const { functions, components } = await synthesize({}, { stage: 'dev', region: 'eu-west-1' });
    const rebuild = components.find((c) => c.name === 'Rebuild')!;
    expect(rebuild.args.name).toBe('switchboard-dev-Rebuild');
    for (const fn of functions) {
      const invokes = Object.entries(grants(fn)).filter(([, actions]) => actions.includes('lambda:InvokeFunction'));
      expect(invokes, fn.name).toEqual(handlerName(fn) === 'rebuild' ? [['arn:aws:lambda:eu-west-1:123456789012:function:switchboard-dev-Rebuild', ['lambda:InvokeFunction']]] : []);
    }
  });

  it('never leaves the API open', async () => {
    for (const auth of ['iam', 'token']) {
      const { functions } = await synthesize({ SWITCHBOARD_API_AUTH: auth });
      const api = functions.find((f) => handlerName(f) === 'api')!;
      if (auth === 'iam') expect(api.url).toMatchObject({ authorization: 'iam' });
      else expect(api.link.map((l) => l.name)).toContain('ApiToken'); // the function checks the bearer token
    }
  });

  it('only the read-only functions read projections; only rebuild deletes; nothing writes the event table but the two ingest functions', async () => {
    const { functions } = await synthesize({});
    for (const fn of functions) {
      const g = grants(fn);
      if (!['ingest', 'contact-events'].includes(handlerName(fn))) expect(g.Events ?? []).not.toContain('dynamodb:PutItem');
      if (handlerName(fn) !== 'rebuild') expect(Object.values(g).flat()).not.toContain('dynamodb:DeleteItem');
    }
  });

  it('takes Connect\'s contact events from the default bus through a queue only this rule may send to, with retries and a dead-letter queue', async () => {
    const { components, functions } = await synthesize({});
    const find = (type: string) => components.filter((c) => c.type === type);
    const [rule] = find('EventRule');
    expect(rule!.args.eventBusName).toBe('default');
    expect(JSON.parse(rule!.args.eventPattern)).toEqual({ source: ['aws.connect'], 'detail-type': ['Amazon Connect Contact Event'] });
    const [target] = find('EventTarget');
    expect(target!.args).toMatchObject({ arn: 'arn:Queue:ContactEvents', deadLetterConfig: { arn: 'arn:Queue:ContactEventsFailed' }, retryPolicy: { maximumEventAgeInSeconds: 86_400 } });
    const policies = find('QueuePolicy').map((p) => JSON.parse(p.args.policy));
    expect(policies).toHaveLength(2);
    for (const p of policies) {
      expect(p.Statement).toEqual([
        expect.objectContaining({ Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Condition: { ArnEquals: { 'aws:SourceArn': 'arn:EventRule:ContactEventsRule' } } }),
      ]);
    }
    expect(policies.map((p) => p.Statement[0].Resource).sort()).toEqual(['arn:Queue:ContactEvents', 'arn:Queue:ContactEventsFailed']);
    const [queue] = find('Queue').filter((q) => q.name === 'ContactEvents');
    expect(queue!.args.dlq).toEqual({ queue: 'arn:Queue:ContactEventsFailed', retry: 5 });
    expect(find('Queue.subscriber')[0]!.args).toMatchObject({ batch: { partialResponses: true } });
    expect(functions.map(handlerName)).toContain('contact-events');
  });

  it('listens to the listed Connect instances only, or not at all', async () => {
    const instance = 'arn:aws:connect:ap-northeast-1:123456789012:instance/aaaaaaaa-bbbb-cccc-dddd-111111111111';
    const listed = await synthesize({ SWITCHBOARD_CONTACT_EVENTS: instance });
    expect(JSON.parse(listed.components.find((c) => c.type === 'EventRule')!.args.eventPattern).resources).toEqual([instance]);
    const off = await synthesize({ SWITCHBOARD_CONTACT_EVENTS: 'off' });
    expect(off.components.filter((c) => ['EventRule', 'EventTarget', 'QueuePolicy'].includes(c.type) || c.name.startsWith('ContactEvents'))).toEqual([]);
    expect(off.functions.map(handlerName)).not.toContain('contact-events');
    await expect(synthesize({ SWITCHBOARD_CONTACT_EVENTS: 'yes please' })).rejects.toThrow(/SWITCHBOARD_CONTACT_EVENTS must be "on", "off" or Connect instance ARNs/);
  });
});
