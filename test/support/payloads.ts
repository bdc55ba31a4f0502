/**
 * Connect payloads for tests, built from the public documentation examples in
 * test/fixtures (copied from /work/shared/fixtures) so that every field Connect
 * sends is there, and varied per scenario.
 */
import { readFileSync } from 'node:fs';
import type { KinesisStreamEvent, KinesisStreamRecord, SQSEvent, SQSRecord } from 'aws-lambda';
import { parseRecord, type NewEvent, type SourceRef } from '@switchboard/core';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, any>);

export const AGENT_FIXTURES = fixture('agent-events.doc-examples.jsonl');
export const CONTACT_FIXTURES = fixture('contact-records.doc-examples.jsonl');
export const CONTACT_EVENT_FIXTURES = fixture('contact-events.doc-examples.jsonl');

export const INSTANCE = 'arn:aws:connect:us-west-2:012345678901:instance/aaaaaaaa-bbbb-cccc-dddd-111111111111';
export const agentArn = (name: string) => `${INSTANCE}/agent/${name}`;

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const iso = (ms: number) => new Date(ms).toISOString();
const isoSeconds = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

export interface ContactSpec {
  id: string;
  state: string;
  channel?: string;
  connected?: boolean;
}

export interface AgentEventSpec {
  agent: string;
  id: string;
  at: number;
  type?: 'LOGIN' | 'LOGOUT' | 'STATE_CHANGE' | 'HEART_BEAT';
  status?: string;
  statusType?: 'ROUTABLE' | 'CUSTOM' | 'OFFLINE';
  contacts?: ContactSpec[];
}

/** An agent event shaped like the documentation's, for agent `spec.agent` (a name; the ARN is built). */
export function agentEvent(spec: AgentEventSpec): Record<string, any> {
  const e = clone(AGENT_FIXTURES[0]!);
  const arn = agentArn(spec.agent);
  const status = spec.status ?? 'Available';
  e.AgentARN = arn;
  e.InstanceARN = INSTANCE;
  e.EventId = spec.id;
  e.EventType = spec.type ?? 'STATE_CHANGE';
  e.EventTimestamp = iso(spec.at);
  const snap = e.CurrentAgentSnapshot;
  snap.AgentStatus = {
    ARN: `${INSTANCE}/agent-state/${status.toLowerCase()}`,
    Name: status,
    Type: spec.statusType ?? (status === 'Available' ? 'ROUTABLE' : status === 'Offline' ? 'OFFLINE' : 'CUSTOM'),
    StartTimestamp: iso(spec.at),
  };
  delete snap.NextAgentStatus;
  snap.Configuration.Username = spec.agent;
  snap.Configuration.FirstName = spec.agent;
  snap.Contacts = (spec.contacts ?? []).map((c) => ({
    Channel: c.channel ?? 'VOICE',
    ConnectedToAgentTimestamp: c.connected || ['CONNECTED', 'CONNECTED_ONHOLD', 'ENDED'].includes(c.state) ? iso(spec.at) : null,
    ContactId: c.id,
    InitialContactId: null,
    InitiationMethod: 'INBOUND',
    Queue: { ARN: `${INSTANCE}/queue/basic`, Name: 'BasicQueue' },
    QueueTimestamp: iso(spec.at),
    State: c.state,
    StateStartTimestamp: iso(spec.at),
  }));
  e.PreviousAgentSnapshot = clone(snap);
  return e;
}

export interface ContactRecordSpec {
  id: string;
  initiated: number;
  /** LastUpdateTimestamp; default disconnected + 60 s */
  updated?: number;
  disconnected?: number;
  /** handled by an agent (default), abandoned in queue, or left in the IVR */
  kind?: 'handled' | 'queue-abandon' | 'ivr-abandon' | 'ivr-complete';
  exitPoint?: string;
  customer?: string;
  previous?: string | null;
}

/** A contact record shaped like the documentation's fixture. */
export function contactRecord(spec: ContactRecordSpec): Record<string, any> {
  const r = clone(CONTACT_FIXTURES[0]!);
  const disconnected = spec.disconnected ?? spec.initiated + 120_000;
  r.ContactId = spec.id;
  r.InstanceARN = INSTANCE;
  r.InitiationTimestamp = isoSeconds(spec.initiated);
  r.ConnectedToSystemTimestamp = isoSeconds(spec.initiated);
  r.DisconnectTimestamp = isoSeconds(disconnected);
  r.LastUpdateTimestamp = isoSeconds(spec.updated ?? disconnected + 60_000);
  r.PreviousContactId = spec.previous ?? null;
  r.CustomerEndpoint = { Address: spec.customer ?? '+81312345678', Type: 'TELEPHONE_NUMBER' };
  r.Attributes = { greetingPlayed: 'true', ...(spec.exitPoint ? { call_route: spec.exitPoint } : {}) };
  const kind = spec.kind ?? 'handled';
  if (kind !== 'handled') {
    r.Agent = null;
    r.AgentConnectionAttempts = 0;
    r.Recording = null;
    r.Recordings = [];
  }
  if (kind === 'queue-abandon') {
    r.Queue = { ARN: `${INSTANCE}/queue/basic`, Name: 'BasicQueue', EnqueueTimestamp: isoSeconds(spec.initiated + 10_000), DequeueTimestamp: isoSeconds(disconnected), Duration: Math.round((disconnected - spec.initiated - 10_000) / 1000) };
    r.DisconnectReason = 'CUSTOMER_DISCONNECT';
  } else if (kind === 'ivr-abandon' || kind === 'ivr-complete') {
    r.Queue = null;
    r.DisconnectReason = kind === 'ivr-abandon' ? 'CUSTOMER_DISCONNECT' : 'CONTACT_FLOW_DISCONNECT';
    r.Attributes.call_completed = kind === 'ivr-complete' ? 'true' : 'false';
  }
  return r;
}

export interface ContactEventSpec {
  /** the EventBridge event id */
  id: string;
  contact: string;
  type: 'INITIATED' | 'QUEUED' | 'CONNECTED_TO_AGENT' | 'DISCONNECTED';
  at: number;
}

/** A contact event shaped like the documentation's (EventBridge envelope, camelCase detail). */
export function contactEvent(spec: ContactEventSpec): Record<string, any> {
  const e = clone(CONTACT_EVENT_FIXTURES[0]!);
  e.id = spec.id;
  e.time = isoSeconds(spec.at);
  e.resources = [INSTANCE, `${INSTANCE}/contact/${spec.contact}`];
  const d = e.detail;
  d.eventType = spec.type;
  d.contactId = spec.contact;
  d.instanceArn = INSTANCE;
  d.initiationTimestamp = iso(spec.type === 'INITIATED' ? spec.at : spec.at - 30_000);
  d.queueInfo.queueArn = `${INSTANCE}/queue/basic`;
  d.queueInfo.enqueueTimestamp = iso(spec.type === 'QUEUED' ? spec.at : spec.at - 10_000);
  d.agentInfo.agentArn = agentArn('alice');
  d.agentInfo.connectedToAgentTimestamp = iso(spec.at);
  if (spec.type === 'INITIATED') delete d.queueInfo;
  if (spec.type === 'INITIATED' || spec.type === 'QUEUED') delete d.agentInfo;
  if (spec.type === 'DISCONNECTED') d.disconnectTimestamp = iso(spec.at);
  return e;
}

/** Parses a payload into the event the store appends (as ingest would). */
export function newEvent(payload: unknown, source: SourceRef = { origin: 'test' }): NewEvent {
  const raw = JSON.stringify(payload);
  const parsed = parseRecord(JSON.parse(raw), raw, source);
  if (!parsed.ok) throw new Error(`test payload does not parse: ${parsed.reason}`);
  return parsed.event;
}

export interface KinesisOptions {
  stream?: string;
  shard?: string;
  /** first sequence number (decimal digits); each record adds 1 */
  firstSequence?: bigint;
  /** approximate arrival, seconds */
  arrival?: number;
}

/** A Lambda Kinesis event carrying the payloads (objects are JSON-encoded; strings and Buffers are sent as they are). */
export function kinesisEvent(payloads: ReadonlyArray<unknown>, options: KinesisOptions = {}): KinesisStreamEvent {
  const stream = options.stream ?? 'connect-agent-events';
  const shard = options.shard ?? 'shardId-000000000000';
  const first = options.firstSequence ?? 49_590_338_271_490_256_608_559_692_538_361_571_095_921_575_989_136_588_898n;
  const records: KinesisStreamRecord[] = payloads.map((p, i) => {
    const seq = String(first + BigInt(i));
    const data = Buffer.isBuffer(p) ? p : Buffer.from(typeof p === 'string' ? p : JSON.stringify(p));
    const partitionKey = typeof p === 'object' && p && !Buffer.isBuffer(p) ? String((p as any).AgentARN ?? (p as any).ContactId ?? 'x') : 'x';
    return {
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey,
        sequenceNumber: seq,
        data: data.toString('base64'),
        approximateArrivalTimestamp: options.arrival ?? 1_713_400_000 + i / 1000,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `${shard}:${seq}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::012345678901:role/switchboard-ingest',
      awsRegion: 'us-west-2',
      eventSourceARN: `arn:aws:kinesis:us-west-2:012345678901:stream/${stream}`,
    };
  });
  return { Records: records };
}

/** The SQS event Lambda hands the contact-events function (EventBridge puts each contact event in a message body). */
export function sqsEvent(bodies: unknown[], firstId = 0, sentAt = Date.UTC(2024, 3, 18)): SQSEvent {
  return {
    Records: bodies.map(
      (body, i): SQSRecord => ({
        messageId: `m-${firstId + i}`,
        receiptHandle: `r-${firstId + i}`,
        body: typeof body === 'string' ? body : JSON.stringify(body),
        attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(sentAt), SenderId: 'events', ApproximateFirstReceiveTimestamp: String(sentAt) },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-west-2:012345678901:switchboard-production-ContactEvents',
        awsRegion: 'us-west-2',
      }),
    ),
  };
}

/** A small working day of one agent: login, two calls (one with a hold), a break, logout. */
export function agentShift(agent: string, start: number, prefix = agent): Array<Record<string, any>> {
  const s = (n: number) => start + n * 1000;
  const id = (n: number) => `${prefix}-ev-${n}`;
  const c1 = `${prefix}-c1`;
  const c2 = `${prefix}-c2`;
  return [
    agentEvent({ agent, id: id(1), at: s(0), type: 'LOGIN' }),
    agentEvent({ agent, id: id(2), at: s(60), contacts: [{ id: c1, state: 'CONNECTING' }] }),
    agentEvent({ agent, id: id(3), at: s(75), contacts: [{ id: c1, state: 'CONNECTED' }] }),
    agentEvent({ agent, id: id(4), at: s(200), contacts: [{ id: c1, state: 'CONNECTED_ONHOLD' }] }),
    agentEvent({ agent, id: id(5), at: s(290), contacts: [{ id: c1, state: 'CONNECTED' }] }),
    agentEvent({ agent, id: id(6), at: s(400), contacts: [{ id: c1, state: 'ENDED' }] }),
    agentEvent({ agent, id: id(7), at: s(560), contacts: [] }),
    agentEvent({ agent, id: id(8), at: s(600), status: 'Break' }),
    agentEvent({ agent, id: id(9), at: s(1600), status: 'Available' }),
    agentEvent({ agent, id: id(10), at: s(1700), contacts: [{ id: c2, state: 'CONNECTING', channel: 'CHAT' }] }),
    agentEvent({ agent, id: id(11), at: s(1710), contacts: [{ id: c2, state: 'CONNECTED', channel: 'CHAT' }] }),
    agentEvent({ agent, id: id(12), at: s(1900), contacts: [{ id: c2, state: 'ENDED', channel: 'CHAT' }] }),
    agentEvent({ agent, id: id(13), at: s(1950), contacts: [] }),
    agentEvent({ agent, id: id(14), at: s(2100), type: 'HEART_BEAT' }),
    agentEvent({ agent, id: id(15), at: s(2400), type: 'LOGOUT', status: 'Offline' }),
  ];
}
