/**
 * Which validator reads the agent events and contact records: the same checks
 * (the fields the projections, the API and the rejection reasons need; the
 * rest of the payload is kept verbatim) written three ways, timed over the same
 * decoded values in one run.
 *
 *   npm run bench:validators [-- --events 100000 --agents 400 --repeats 7]
 *
 * - `fields`: the product's readers (packages/core/src/parse/agent-event.ts,
 *   contact-record.ts): each field checked as it is read, facts built in the
 *   same pass, nothing copied.
 * - `zod`: zod 4 schemas of exactly those fields (loose objects), then the
 *   facts taken from zod's output.
 * - `ajv`: the same as JSON Schema compiled by Ajv 8 into a function, the
 *   timestamps checked by a custom format, then the facts taken from the value.
 *
 * Generation and JSON.parse are not timed. Each round times every variant over
 * all values, in an order that rotates from round to round; the first round
 * is a warm-up and is not counted. Reported: the median microseconds per agent
 * event and per contact record, and each variant's ratio to `fields`.
 */
import { Ajv } from 'ajv';
import { z } from 'zod';
import { isPlausibleInstant, parseInstant, readAgentEvent, readContactRecord, inferStatusType, instanceOf, DOCUMENTED_FIELD_TYPES } from '../packages/core/src/index.js';
import type { AgentFacts, ContactFact, ContactFacts } from '../packages/core/src/index.js';
import { simulate } from '../packages/cli/src/simulator/index.js';
import { argsOf, fmt, machine, median } from './machine.js';

const args = argsOf(process.argv);
const target = Number(args.get('events') ?? 100_000);
const agents = Number(args.get('agents') ?? 400);
const repeats = Number(args.get('repeats') ?? 7);

type Obj = Record<string, any>;
type Reader<T> = (v: Obj) => T | string;

// ------------------------------------------------------------ facts of a value already checked

function agentFactsOf(e: Obj): AgentFacts {
  const s = e.CurrentAgentSnapshot;
  const contacts: ContactFact[] = [];
  for (const c of s?.Contacts ?? []) {
    if (contacts.some((x) => x.contactId === c.ContactId)) continue;
    contacts.push({
      contactId: c.ContactId,
      state: c.State,
      channel: c.Channel ?? null,
      initiationMethod: c.InitiationMethod ?? null,
      initialContactId: c.InitialContactId ?? null,
      queueName: c.Queue?.Name ?? null,
      connectedToAgent: Boolean(c.ConnectedToAgentTimestamp),
    });
  }
  return {
    kind: 'agent',
    eventId: e.EventId,
    eventType: e.EventType,
    at: parseInstant(e.EventTimestamp)!,
    agentArn: e.AgentARN,
    instanceArn: e.InstanceARN || instanceOf(e.AgentARN),
    username: s?.Configuration?.Username ?? e.PreviousAgentSnapshot?.Configuration?.Username ?? null,
    status: s ? { name: s.AgentStatus.Name, type: s.AgentStatus.Type || inferStatusType(s.AgentStatus.Name) } : null,
    contacts,
  };
}

function contactFactsOfValid(r: Obj): ContactFacts {
  const { Agent: a, Queue: q, CustomerEndpoint: ep } = r;
  return {
    ContactId: r.ContactId,
    InstanceARN: r.InstanceARN,
    InitialContactId: r.InitialContactId,
    PreviousContactId: r.PreviousContactId,
    NextContactId: r.NextContactId,
    Channel: r.Channel,
    InitiationMethod: r.InitiationMethod,
    InitiationTimestamp: r.InitiationTimestamp,
    DisconnectTimestamp: r.DisconnectTimestamp,
    LastUpdateTimestamp: r.LastUpdateTimestamp,
    DisconnectReason: r.DisconnectReason,
    Attributes: r.Attributes,
    CustomerEndpoint: ep && { Type: ep.Type, Address: ep.Address },
    Agent: a && {
      ARN: a.ARN,
      Username: a.Username,
      ConnectedToAgentTimestamp: a.ConnectedToAgentTimestamp,
      AgentInteractionDuration: a.AgentInteractionDuration,
      AgentPauseDuration: a.AgentPauseDuration,
      NumberOfHolds: a.NumberOfHolds,
      CustomerHoldDuration: a.CustomerHoldDuration,
      AfterContactWorkDuration: a.AfterContactWorkDuration,
      AfterContactWorkStartTimestamp: a.AfterContactWorkStartTimestamp,
      AfterContactWorkEndTimestamp: a.AfterContactWorkEndTimestamp,
    },
    Queue: q && { ARN: q.ARN, Name: q.Name, EnqueueTimestamp: q.EnqueueTimestamp, DequeueTimestamp: q.DequeueTimestamp, Duration: q.Duration },
  };
}

const plausible = (s: string): boolean => {
  const ms = parseInstant(s);
  return ms !== null && isPlausibleInstant(ms);
};

// ------------------------------------------------------------ zod

const zText = z.string().min(1);
const zOptText = z.string().nullish();
const zInstant = z.string().refine(plausible, { message: 'expected an ISO-8601 timestamp between 2000 and 2100' });
const zOptInstant = zInstant.nullish();
const zOptNumber = z.number().nullish();
const zConfiguration = z.looseObject({ Username: zOptText }).nullish();
const zAgentEvent = z.looseObject({
  EventId: zText,
  EventType: z.enum(['LOGIN', 'LOGOUT', 'STATE_CHANGE', 'HEART_BEAT']),
  EventTimestamp: zInstant,
  AgentARN: zText,
  InstanceARN: zOptText,
  CurrentAgentSnapshot: z
    .looseObject({
      AgentStatus: z.looseObject({ Name: zText, Type: zOptText }),
      Configuration: zConfiguration,
      Contacts: z
        .array(
          z.looseObject({
            ContactId: zText,
            State: zText,
            Channel: zOptText,
            InitiationMethod: zOptText,
            InitialContactId: zOptText,
            ConnectedToAgentTimestamp: zOptText,
            Queue: z.looseObject({ Name: zOptText }).nullish(),
          }),
        )
        .nullish(),
    })
    .nullish(),
  PreviousAgentSnapshot: z.looseObject({ Configuration: zConfiguration }).nullish(),
});
const zContactRecord = z.looseObject({
  ContactId: zText,
  InstanceARN: zText,
  InitialContactId: zOptText,
  PreviousContactId: zOptText,
  NextContactId: zOptText,
  Channel: zOptText,
  InitiationMethod: zOptText,
  InitiationTimestamp: zInstant,
  DisconnectTimestamp: zOptInstant,
  LastUpdateTimestamp: zInstant,
  DisconnectReason: zOptText,
  Attributes: z.record(z.string(), z.unknown()).nullish(),
  CustomerEndpoint: z.looseObject({ Type: zOptText, Address: zOptText }).nullish(),
  Agent: z
    .looseObject({
      ARN: zOptText,
      Username: zOptText,
      ConnectedToAgentTimestamp: zOptInstant,
      AgentInteractionDuration: zOptNumber,
      AgentPauseDuration: zOptNumber,
      NumberOfHolds: zOptNumber,
      CustomerHoldDuration: zOptNumber,
      AfterContactWorkDuration: zOptNumber,
      AfterContactWorkStartTimestamp: zOptInstant,
      AfterContactWorkEndTimestamp: zOptInstant,
    })
    .nullish(),
  Queue: z.looseObject({ ARN: zOptText, Name: zOptText, EnqueueTimestamp: zOptInstant, DequeueTimestamp: zOptInstant, Duration: zOptNumber }).nullish(),
  // the other documented top-level fields: their JSON type only
  ...Object.fromEntries(
    DOCUMENTED_FIELD_TYPES.map(([key, type]) => [
      key,
      (type === 'array' ? z.array(z.unknown()) : type === 'object' ? z.record(z.string(), z.unknown()) : type === 'number' ? z.number() : z.string()).nullish(),
    ]),
  ),
});

function zodReader<T>(schema: z.ZodType, facts: (v: Obj) => T, snapshotRequired: boolean): Reader<T> {
  return (v) => {
    const r = schema.safeParse(v);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      return `${issue.path.join('.')}: ${issue.message}`;
    }
    if (snapshotRequired && !v.CurrentAgentSnapshot && v.EventType !== 'LOGOUT') return `CurrentAgentSnapshot: required for ${v.EventType}`;
    return facts(r.data as Obj);
  };
}

// ------------------------------------------------------------ ajv

const jText = { type: 'string', minLength: 1 };
const jOptText = { type: ['string', 'null'] };
const jInstant = { type: 'string', format: 'instant' };
const jOptInstant = { type: ['string', 'null'], format: 'instant' };
const jOptNumber = { type: ['number', 'null'] };
const jConfiguration = { type: ['object', 'null'], properties: { Username: jOptText } };
const jAgentEvent = {
  type: 'object',
  required: ['EventId', 'EventType', 'EventTimestamp', 'AgentARN'],
  properties: {
    EventId: jText,
    EventType: { enum: ['LOGIN', 'LOGOUT', 'STATE_CHANGE', 'HEART_BEAT'] },
    EventTimestamp: jInstant,
    AgentARN: jText,
    InstanceARN: jOptText,
    CurrentAgentSnapshot: {
      type: ['object', 'null'],
      required: ['AgentStatus'],
      properties: {
        AgentStatus: { type: 'object', required: ['Name'], properties: { Name: jText, Type: jOptText } },
        Configuration: jConfiguration,
        Contacts: {
          type: ['array', 'null'],
          items: {
            type: 'object',
            required: ['ContactId', 'State'],
            properties: {
              ContactId: jText,
              State: jText,
              Channel: jOptText,
              InitiationMethod: jOptText,
              InitialContactId: jOptText,
              ConnectedToAgentTimestamp: jOptText,
              Queue: { type: ['object', 'null'], properties: { Name: jOptText } },
            },
          },
        },
      },
    },
    PreviousAgentSnapshot: { type: ['object', 'null'], properties: { Configuration: jConfiguration } },
  },
};
const jContactRecord = {
  type: 'object',
  required: ['ContactId', 'InstanceARN', 'InitiationTimestamp', 'LastUpdateTimestamp'],
  properties: {
    ContactId: jText,
    InstanceARN: jText,
    InitialContactId: jOptText,
    PreviousContactId: jOptText,
    NextContactId: jOptText,
    Channel: jOptText,
    InitiationMethod: jOptText,
    InitiationTimestamp: jInstant,
    DisconnectTimestamp: jOptInstant,
    LastUpdateTimestamp: jInstant,
    DisconnectReason: jOptText,
    Attributes: { type: ['object', 'null'] },
    CustomerEndpoint: { type: ['object', 'null'], properties: { Type: jOptText, Address: jOptText } },
    Agent: {
      type: ['object', 'null'],
      properties: {
        ARN: jOptText,
        Username: jOptText,
        ConnectedToAgentTimestamp: jOptInstant,
        AgentInteractionDuration: jOptNumber,
        AgentPauseDuration: jOptNumber,
        NumberOfHolds: jOptNumber,
        CustomerHoldDuration: jOptNumber,
        AfterContactWorkDuration: jOptNumber,
        AfterContactWorkStartTimestamp: jOptInstant,
        AfterContactWorkEndTimestamp: jOptInstant,
      },
    },
    Queue: { type: ['object', 'null'], properties: { ARN: jOptText, Name: jOptText, EnqueueTimestamp: jOptInstant, DequeueTimestamp: jOptInstant, Duration: jOptNumber } },
    ...Object.fromEntries(DOCUMENTED_FIELD_TYPES.map(([key, type]) => [key, { type: [type, 'null'] }])),
  },
};
const ajv = new Ajv({ allErrors: false, formats: { instant: { type: 'string', validate: plausible } } });

function ajvReader<T>(schema: object, facts: (v: Obj) => T, snapshotRequired: boolean): Reader<T> {
  const check = ajv.compile(schema);
  return (v) => {
    if (!check(v)) {
      const e = check.errors![0]!;
      return `${e.instancePath.slice(1).replaceAll('/', '.')}: ${e.message}`;
    }
    if (snapshotRequired && !v.CurrentAgentSnapshot && v.EventType !== 'LOGOUT') return `CurrentAgentSnapshot: required for ${v.EventType}`;
    return facts(v);
  };
}

// ------------------------------------------------------------ the product's readers

function fieldsReader<T>(read: (v: Obj) => T): Reader<T> {
  return (v) => {
    try {
      return read(v);
    } catch (err) {
      return (err as Error).message;
    }
  };
}

const variants: Record<string, { agent: Reader<AgentFacts>; contact: Reader<ContactFacts> }> = {
  fields: { agent: fieldsReader(readAgentEvent), contact: fieldsReader((v) => readContactRecord(v).facts) },
  zod: { agent: zodReader(zAgentEvent, agentFactsOf, true), contact: zodReader(zContactRecord, contactFactsOfValid, false) },
  ajv: { agent: ajvReader(jAgentEvent, agentFactsOf, true), contact: ajvReader(jContactRecord, contactFactsOfValid, false) },
};

// ------------------------------------------------------------ input

const agentValues: Obj[] = [];
const contactValues: Obj[] = [];
let bytes = 0;
// contact events are left out: their case-insensitive field names take a pass of their own before either schema library could check them
for (const e of simulate({ agents, hours: Infinity, seed: 7, contactEvents: false })) {
  if (agentValues.length + contactValues.length >= target) break;
  const line = JSON.stringify(e.payload);
  bytes += line.length;
  if (e.kind === 'agent') agentValues.push(JSON.parse(line) as Obj);
  else if (e.kind === 'contact') contactValues.push(JSON.parse(line) as Obj);
}

// Every variant accepts the same values, gives the same facts, and rejects the same broken ones.
const sample = agentValues[agentValues.length >> 1]!;
const broken: Obj[] = [
  { ...sample, EventTimestamp: 'yesterday' },
  { ...sample, EventType: 'CONFIGURATION' },
  { ...sample, CurrentAgentSnapshot: { ...sample.CurrentAgentSnapshot, AgentStatus: { Name: 42 } } },
  { ...sample, CurrentAgentSnapshot: null },
];
for (const [name, v] of Object.entries(variants)) {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  for (const x of agentValues.slice(0, 2000)) if (!same(v.agent(x), variants.fields!.agent(x))) throw new Error(`${name}: other facts for ${x.EventId}`);
  for (const x of contactValues.slice(0, 500)) if (!same(v.contact(x), variants.fields!.contact(x))) throw new Error(`${name}: other facts for ${x.ContactId}`);
  for (const x of broken) if (typeof v.agent(x) !== 'string') throw new Error(`${name}: accepted a broken event`);
}

// ------------------------------------------------------------ timing

function perEvent<T>(read: Reader<T>, values: Obj[]): number {
  const t = performance.now();
  let rejected = 0;
  for (const v of values) if (typeof read(v) === 'string') rejected++;
  const us = ((performance.now() - t) * 1000) / values.length;
  if (rejected) throw new Error(`${rejected} simulated values rejected`);
  return us;
}

const names = Object.keys(variants);
const timings: Record<string, { agent: number[]; contact: number[] }> = Object.fromEntries(names.map((n) => [n, { agent: [], contact: [] }]));
for (let round = 0; round <= repeats; round++) {
  const order = names.map((_, i) => names[(i + round) % names.length]!);
  for (const name of order) {
    const agent = perEvent(variants[name]!.agent, agentValues);
    const contact = perEvent(variants[name]!.contact, contactValues);
    if (round > 0) {
      timings[name]!.agent.push(agent);
      timings[name]!.contact.push(contact);
    }
  }
}

const summary = Object.fromEntries(
  names.map((n) => [n, { agentEventUs: Number(median(timings[n]!.agent).toFixed(2)), contactRecordUs: Number(median(timings[n]!.contact).toFixed(2)) }]),
);
const result = {
  bench: 'validators',
  date: new Date().toISOString(),
  machine: machine(),
  agentEvents: agentValues.length,
  contactRecords: contactValues.length,
  meanEventBytes: Math.round(bytes / (agentValues.length + contactValues.length)),
  rounds: repeats,
  medianMicroseconds: summary,
};
console.log(JSON.stringify(result, null, 2));
const base = summary.fields!;
console.log(`\n${fmt(agentValues.length)} agent events and ${fmt(contactValues.length)} contact records on ${result.machine}; median of ${repeats} rounds`);
for (const n of names) {
  const s = summary[n]!;
  console.log(
    `${n.padEnd(7)} agent event ${s.agentEventUs.toFixed(2)} µs (${(s.agentEventUs / base.agentEventUs).toFixed(2)}x fields), contact record ${s.contactRecordUs.toFixed(2)} µs (${(s.contactRecordUs / base.contactRecordUs).toFixed(2)}x)`,
  );
}
