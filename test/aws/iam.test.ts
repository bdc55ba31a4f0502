import { afterEach, describe, expect, it, vi } from 'vitest';

/**
 * Least privilege, checked over the stack definitions: stacks/ is evaluated
 * with stand-ins for SST's globals that record every component and function
 * (no AWS, no Pulumi), then each function's IAM statements and links are
 * checked against what its handler needs.
 */
interface Statement {
  actions: string[];
  resources: string[];
}
interface FunctionDef {
  name: string;
  handler: string;
  permissions: Statement[];
  link: Array<{ name: string; include?: Statement[] }>;
  url?: { authorization: string };
}

async function synthesize(env: Record<string, string>): Promise<{ functions: FunctionDef[]; components: Array<{ type: string; name: string; args: any }> }> {
  vi.resetModules();
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  const components: Array<{ type: string; name: string; args: any }> = [];
  const functions: FunctionDef[] = [];
  const track = (name: string, args: any) => {
    if (args && typeof args === 'object' && typeof args.handler === 'string') {
      functions.push({ name, handler: args.handler, permissions: args.permissions ?? [], link: args.link ?? [], url: args.url });
    }
  };
  const component = (type: string) =>
    class {
      readonly name: string;
      readonly arn: string;
      readonly url: string;
      readonly include?: Statement[];
      constructor(name: string, args: any = {}) {
        components.push({ type, name, args });
        this.name = name;
        this.arn = `arn:${type}:${name}`;
        this.url = `https://${name}.example`;
        this.include = args.include;
        track(name, args);
        track(`${name}.function`, args.function);
      }
      subscribe(first: any, second?: any, third?: any) {
        // Kinesis and Dynamo: subscribe(name, function, args); Queue: subscribe(function, args)
        const [subscriber, fn, opts] = typeof first === 'string' ? [first, second, third] : [`${this.name}.subscriber`, first, second];
        components.push({ type: `${type}.subscriber`, name: subscriber, args: opts });
        track(subscriber, fn);
      }
      static subscribe(name: string, _arn: string, fn: any) {
        track(name, fn);
      }
    };
  const g = globalThis as any;
  g.$app = { name: 'switchboard', stage: 'production' };
  g.$jsonStringify = (value: unknown) => JSON.stringify(value);
  g.$interpolate = (parts: TemplateStringsArray, ...values: unknown[]) => parts.reduce((s, p, i) => s + p + (i < values.length ? String(values[i]) : ''), '');
  g.sst = {
    Linkable: component('Linkable'),
    Secret: component('Secret'),
    aws: {
      Dynamo: component('Dynamo'),
      KinesisStream: component('KinesisStream'),
      Bus: component('Bus'),
      Cron: component('Cron'),
      Function: component('Function'),
      Queue: component('Queue'),
      StaticSite: component('StaticSite'),
      permission: (s: Statement) => s,
    },
  };
  g.aws = {
    timestreamwrite: { Database: component('TimestreamDatabase'), Table: component('TimestreamTable') },
    cloudwatch: { EventRule: component('EventRule'), EventTarget: component('EventTarget') },
    sqs: { QueuePolicy: component('QueuePolicy') },
    getRegionOutput: () => ({ name: 'ap-northeast-1' }),
    getCallerIdentityOutput: () => ({ accountId: '123456789012' }),
  };
  for (const m of ['settings', 'storage', 'streams', 'alerts', 'functions', 'api', 'web', 'contact-events']) await import(`../../stacks/${m}.ts`);
  return { functions, components };
}

afterEach(() => vi.unstubAllEnvs());

/** What each handler may do, and on what (by component name). */
const EXPECTED: Record<string, Record<string, string[]>> = {
  ingest: { Events: ['dynamodb:PutItem'], Ledger: ['dynamodb:PutItem', 'dynamodb:UpdateItem'] },
  'contact-events': { Events: ['dynamodb:PutItem'], Ledger: ['dynamodb:PutItem', 'dynamodb:UpdateItem'] },
  project: {
    Events: ['dynamodb:Query'],
    Projections: ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
    Ledger: ['dynamodb:BatchWriteItem', 'dynamodb:UpdateItem'],
    ProjectFailures: ['sqs:SendMessage'],
    Alerts: ['events:PutEvents'],
  },
  sweep: { Projections: ['dynamodb:GetItem', 'dynamodb:Query'], Ledger: ['dynamodb:BatchWriteItem', 'dynamodb:Query', 'dynamodb:UpdateItem'], Alerts: ['events:PutEvents'] },
  api: { Projections: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'], Ledger: ['dynamodb:BatchGetItem', 'dynamodb:Query'] },
  rebuild: {
    Events: ['dynamodb:BatchGetItem', 'dynamodb:Query'],
    Projections: ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
  },
  timestream: {
    Projections: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'],
    Ledger: ['dynamodb:BatchGetItem', 'dynamodb:Query'],
    TimestreamTable: ['timestream:WriteRecords'],
    '*': ['timestream:DescribeEndpoints'],
  },
};

/** Every statement a function gets: its own and those of the resources it links. */
function grants(fn: FunctionDef): Record<string, string[]> {
  const out: Record<string, Set<string>> = {};
  for (const s of [...fn.permissions, ...fn.link.flatMap((l) => l.include ?? [])]) {
    for (const r of s.resources) {
      const target = r === '*' ? '*' : /^arn:[^:]+:([^/:]+)/.exec(r)?.[1] ?? r;
      for (const a of s.actions) (out[target] ??= new Set()).add(a);
    }
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, [...v].sort()]));
}

const handlerName = (fn: FunctionDef) => /src\/([\w-]+)\.handler$/.exec(fn.handler)![1]!;

describe('least-privilege IAM in the stacks', () => {
  it.each([
    ['IAM API auth, created streams, no Timestream', {}],
    ['token API auth, existing streams, Timestream', {
      SWITCHBOARD_API_AUTH: 'token',
      SWITCHBOARD_TIMESTREAM: 'create',
      SWITCHBOARD_AGENT_STREAM_ARN: 'arn:aws:kinesis:ap-northeast-1:123456789012:stream/connect-agents',
      SWITCHBOARD_CONTACT_STREAM_ARN: 'arn:aws:kinesis:ap-northeast-1:123456789012:stream/connect-ctr',
    }],
  ])('%s: each function gets only the actions its handler needs, on its own resources', async (_, env) => {
    const { functions } = await synthesize(env);
    expect(functions.length).toBeGreaterThanOrEqual(5);
    for (const fn of functions) {
      const expected = EXPECTED[handlerName(fn)];
      expect(expected, `unexpected function ${fn.name}`).toBeDefined();
      expect(grants(fn), fn.name).toEqual(expected);
      for (const s of fn.permissions) for (const a of s.actions) expect(a).not.toMatch(/\*/);
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
