import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { classifyCandidates, parseRecord, readInput, type Candidate } from '@switchboard/core';
import { agentEvent, contactRecord } from './builders.js';
import { candidate } from './harness.js';

async function read(input: string | Buffer, chunkSize = 7): Promise<Candidate[]> {
  const bytes = typeof input === 'string' ? Buffer.from(input) : input;
  async function* chunks() {
    for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, i + chunkSize);
  }
  const out: Candidate[] = [];
  for await (const c of readInput(chunks(), 'input.jsonl')) out.push(c);
  return out;
}

const login = agentEvent({ type: 'LOGIN', at: '2024-04-18T00:00:00.000Z', eventId: 'e1' });
const ctr = contactRecord({ contactId: 'c1', initiation: '2024-04-18T00:00:00Z' });
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64');

function kinesisRecord(v: unknown, seq: string) {
  return {
    kinesis: { kinesisSchemaVersion: '1.0', partitionKey: 'pk', sequenceNumber: seq, data: b64(v), approximateArrivalTimestamp: 1713398400.5 },
    eventSource: 'aws:kinesis',
    eventID: `shardId-000000000003:${seq}`,
    eventSourceARN: 'arn:aws:kinesis:ap-northeast-1:123456789012:stream/connect-agent-events',
  };
}

describe('reading inputs', () => {
  it('given JSON Lines split into odd chunks, then every line is a candidate with its line number', async () => {
    const got = await read(`${JSON.stringify(login)}\n\n${JSON.stringify(ctr)}\r\n`);
    expect(got.map((c) => [c.ok, c.source.line])).toEqual([
      [true, 1],
      [true, 3],
    ]);
  });

  it('given lines that are whole payloads, then the bytes handed on with them are exactly the UTF-8 of the text', async () => {
    const named = JSON.stringify(login).replace(/"Username":"/g, '"Username":"花子.');
    expect(named).toContain('花子');
    const lines = [named, `  ${JSON.stringify(ctr)}  `, `\ufeff${JSON.stringify(login)}`, JSON.stringify([login])];
    const got = await read(`${lines.join('\n')}\n`, 5);
    expect(got).toHaveLength(4);
    for (const c of got) {
      expect(c.ok).toBe(true);
      if (c.ok && c.bytes) expect(Buffer.from(c.bytes).toString('utf8')).toBe(c.raw);
    }
    // a plain line carries its bytes; a padded line, a line after a BOM and an array item are encoded later
    expect(got.map((c) => c.ok && c.bytes !== undefined)).toEqual([true, false, false, false]);
  });

  it('given a JSON array, a Lambda Kinesis event and an EventBridge Pipes batch, then the payloads inside come out', async () => {
    const array = await read(JSON.stringify([login, ctr]));
    const lambda = await read(JSON.stringify({ Records: [kinesisRecord(login, '4959'), kinesisRecord(ctr, '4960')] }));
    const pipes = await read(JSON.stringify([{ ...kinesisRecord(login, '4959').kinesis, eventSource: 'aws:kinesis', eventID: 'shardId-000000000003:4959' }]));
    for (const got of [array, lambda]) expect(got.map((c) => c.ok && (c.value as { ContactId?: string; EventId?: string }).EventId)).toEqual(['e1', undefined]);
    expect(lambda[0]!.source).toMatchObject({ origin: 'input.jsonl', sequenceNumber: '4959', shardId: 'shardId-000000000003', arrivedAt: 1713398400500 });
    expect(pipes).toMatchObject([{ ok: true, value: { EventId: 'e1' }, source: { sequenceNumber: '4959' } }]);
  });

  it('given Firehose-style concatenated objects and pretty-printed JSON, then each object is cut out', async () => {
    const got = await read(`${JSON.stringify(ctr)}${JSON.stringify(login)}${JSON.stringify(ctr)}\n${JSON.stringify(login, null, 2)}\n`);
    expect(got.map((c) => c.ok)).toEqual([true, true, true, true]);
  });

  it('given gzip (detected from the bytes), then it is decompressed', async () => {
    const got = await read(gzipSync(`${JSON.stringify(login)}\n${JSON.stringify(ctr)}\n`), 100);
    expect(got).toHaveLength(2);
  });

  it('given a truncated line among good ones, then only that line fails and its neighbours are read', async () => {
    const good = JSON.stringify(login);
    const got = await read(`${good}\n${good.slice(0, 120)}\n${good}\n{"a": tru}\n${good}\n`);
    expect(got.map((c) => c.ok)).toEqual([true, false, true, false, true]);
    expect(got[1]).toMatchObject({ ok: false, source: { line: 2 } });
    expect(got[3]).toMatchObject({ ok: false, source: { line: 4 } });
    expect((got[3] as { reason: string }).reason).toMatch(/not valid JSON/);
  });

  it('given invalid UTF-8 on a line, then that line is rejected with the reason', async () => {
    const bad = Buffer.concat([Buffer.from('{"EventId":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]);
    const got = await read(Buffer.concat([bad, Buffer.from(`${JSON.stringify(login)}\n`)]));
    expect(got.map((c) => (c.ok ? 'ok' : c.reason))).toEqual(['not valid UTF-8', 'ok']);
  });

  it('given a Kinesis record whose data is not base64 JSON, then that record alone fails', async () => {
    const record = kinesisRecord(login, '1');
    record.kinesis.data = Buffer.from('not json').toString('base64');
    const got = await read(JSON.stringify({ Records: [record, kinesisRecord(ctr, '2')] }));
    expect(got.map((c) => (c.ok ? 'ok' : c.reason))).toEqual([expect.stringMatching(/^Records\[0\]\.data: not valid JSON/), 'ok']);
  });

  it('given a corrupt gzip file, then reading fails with a clear error', async () => {
    const gz = gzipSync(`${JSON.stringify(login)}\n`.repeat(50));
    const corrupt = Buffer.concat([gz.subarray(0, 20), Buffer.alloc(40, 7)]);
    await expect(read(corrupt, 100)).rejects.toThrow(/not a readable gzip file/);
  });
});

describe('validating payloads', () => {
  const parse = (v: unknown) => parseRecord(v, JSON.stringify(v), { origin: 'test' });

  it('given the admin guide examples, then they are accepted and their kind detected', () => {
    const dir = new URL('../../../../shared/fixtures/', import.meta.url);
    const lines = ['agent-events.doc-examples.jsonl', 'contact-records.doc-examples.jsonl'].flatMap((f) =>
      readFileSync(new URL(f, dir), 'utf8').trim().split('\n'),
    );
    expect(lines.map((l) => parse(JSON.parse(l))).map((r) => r.ok && r.event.kind)).toEqual(['agent', 'agent', 'agent', 'contact']);
  });

  it('given unknown extra fields (AWS adds fields), then the record is accepted and stored verbatim', () => {
    const withExtra = { ...login, SomethingNew: { nested: true } };
    const r = parse(withExtra);
    expect(r.ok && JSON.parse(r.event.raw as string)).toEqual(withExtra);
  });

  it.each([
    [{ ...login, EventTimestamp: 'yesterday' }, /^agent event: EventTimestamp: expected an ISO-8601 timestamp/],
    [{ ...login, EventTimestamp: '9999-01-01T00:00:00Z' }, /EventTimestamp: expected an ISO-8601 timestamp between 2000 and 2100/],
    [{ ...login, EventType: 'CONFIGURATION' }, /^agent event: EventType: Invalid option/],
    [{ ...login, EventId: undefined }, /^agent event: EventId: required field is missing$/],
    [{ ...login, CurrentAgentSnapshot: { AgentStatus: { Name: 42 } } }, /CurrentAgentSnapshot\.AgentStatus\.Name: expected string, got number 42/],
    [{ ...login, CurrentAgentSnapshot: null }, /CurrentAgentSnapshot: required for LOGIN/],
    [{ ...ctr, LastUpdateTimestamp: 17 }, /^contact record: LastUpdateTimestamp: expected string, got number 17/],
    [{ ...ctr, ContactId: '' }, /^contact record: ContactId: /],
    [{ hello: 'world' }, /not a Connect agent event or contact record/],
    [[1, 2], /got an array/],
    [42, /got number/],
  ])('given an invalid record, then it is rejected with a precise reason (%#)', (value, reason) => {
    const r = parse(value);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(reason);
  });

  it('given fields nothing reads with unexpected types (routing profile, hierarchy, proficiencies), then the event is accepted and stored verbatim', () => {
    const snapshot = login.CurrentAgentSnapshot as Record<string, any>;
    const odd = {
      ...login,
      Version: 2019,
      CurrentAgentSnapshot: {
        ...snapshot,
        NextAgentStatus: 'soon',
        Configuration: { ...snapshot.Configuration, FirstName: 7, AgentHierarchyGroups: [], RoutingProfile: { Concurrency: 'all', InboundQueues: {} }, Proficiencies: 'none' },
      },
    };
    const r = parse(odd);
    expect(r.ok && JSON.parse(r.event.raw as string)).toEqual(odd);
  });

  it.each([
    [{ ...login, CurrentAgentSnapshot: { AgentStatus: { Name: 'Available' }, Contacts: [{ ContactId: 'c1', State: 'CONNECTED' }, { ContactId: 'c2' }] } }, /^agent event: CurrentAgentSnapshot\.Contacts\[1\]\.State: required field is missing$/],
    [{ ...login, CurrentAgentSnapshot: { AgentStatus: { Name: 'Available' }, Contacts: [null] } }, /^agent event: CurrentAgentSnapshot\.Contacts\[0\]: expected object, got null$/],
    [{ ...ctr, Queue: { Name: 'Sales', EnqueueTimestamp: 'soon' } }, /^contact record: Queue\.EnqueueTimestamp: expected an ISO-8601 timestamp between 2000 and 2100, got "soon"$/],
    [{ ...ctr, Agent: { Username: 'a', CustomerHoldDuration: '12' } }, /^contact record: Agent\.CustomerHoldDuration: expected number, got "12"$/],
  ])('given a field the projections read that is wrong deeper down, then the reason gives its whole path and what was wrong (%#)', (value, reason) => {
    const r = parse(value);
    expect(!r.ok && r.reason).toMatch(reason);
  });

  it('given the same EventId in two instances, then the dedupe keys do not collide (streams differ)', () => {
    const a = parse(agentEvent({ type: 'LOGIN', at: 0 + Date.UTC(2024, 0, 1), eventId: 'same', instance: 'arn:aws:connect:us-east-1:1:instance/a' }));
    const b = parse(agentEvent({ type: 'LOGIN', at: 0 + Date.UTC(2024, 0, 1), eventId: 'same', instance: 'arn:aws:connect:us-east-1:1:instance/b' }));
    expect(a.ok && b.ok && a.event.streamId !== b.event.streamId).toBe(true);
  });
});

describe('recovering from truncated records', () => {
  it('given a truncated indented record, then the next record is not swallowed', async () => {
    const good = JSON.stringify(login);
    const got = await read(`   ${good.slice(0, 80)}\n${good}\n  [${good.slice(0, 50)}\n${good}\n`);
    expect(got.map((c) => c.ok)).toEqual([false, true, false, true]);
  });

  it('given a pretty-printed array of records, then nested objects are not mistaken for new records', async () => {
    const got = await read(`${JSON.stringify([login, ctr], null, 2)}\n${JSON.stringify(login, null, 4)}\n`);
    expect(got.map((c) => c.ok)).toEqual([true, true, true]);
  });
});

describe('real contact record shapes', () => {
  const parse = (v: unknown) => parseRecord(v, JSON.stringify(v), { origin: 'test' });

  it('given the seed article record (newer fields: SegmentAttributes, Tags, CustomerVoiceActivity), then it is accepted', () => {
    // From the Step Functions article in ../shared/seeds (account and numbers are placeholders there too).
    const record = {
      AWSAccountId: '123456789012',
      AWSContactTraceRecordFormatVersion: '2017-03-10',
      Agent: null,
      AgentConnectionAttempts: 0,
      AnsweringMachineDetectionStatus: null,
      Attributes: { call_completed: 'false', call_route: 'start' },
      Campaign: { CampaignId: null },
      Channel: 'VOICE',
      ConnectedToSystemTimestamp: '2024-04-17T23:47:52Z',
      ContactDetails: {},
      ContactId: '9c905123-6240-4484-b9d1-4e3e40660d8e',
      CustomerEndpoint: { Address: '+81312345678', Type: 'TELEPHONE_NUMBER' },
      CustomerVoiceActivity: null,
      DisconnectReason: 'CUSTOMER_DISCONNECT',
      DisconnectTimestamp: '2024-04-17T23:47:56Z',
      InitialContactId: null,
      InitiationMethod: 'INBOUND',
      InitiationTimestamp: '2024-04-17T23:47:52Z',
      InstanceARN: 'arn:aws:connect:ap-northeast-1:123456789012:instance/3ff2093d-af96-43fd-b038-3c07cdd7609c',
      LastUpdateTimestamp: '2024-04-17T23:49:03Z',
      MediaStreams: [{ Type: 'AUDIO' }],
      NextContactId: null,
      PreviousContactId: null,
      Queue: null,
      Recording: null,
      Recordings: null,
      References: [],
      ScheduledTimestamp: null,
      SegmentAttributes: { 'connect:Subtype': { ValueString: 'connect:Telephony' } },
      SystemEndpoint: { Address: '+81501234567', Type: 'TELEPHONE_NUMBER' },
      Tags: { 'aws:connect:instanceId': '3ff2093d-af96-43fd-b038-3c07cdd7609c', 'aws:connect:systemEndpoint': '+81501234567' },
      TaskTemplateInfo: null,
      TransferCompletedTimestamp: null,
      TransferredToEndpoint: null,
      VoiceIdResult: null,
    };
    const r = parse(record);
    expect(r.ok && r.event.kind).toBe('contact');
  });

  it('given a documented field of the wrong type, then the record is rejected naming it', () => {
    const r = parse({ ...contactRecord({ contactId: 'c', initiation: '2024-04-18T00:00:00Z' }), AgentConnectionAttempts: 'two' });
    expect(!r.ok && r.reason).toMatch(/^contact record: AgentConnectionAttempts: expected number, got "two"/);
  });
});

describe('classifying a batch', () => {
  it('given an EventId repeated with another EventTimestamp in one batch, then both are kept, as the stores keep them across batches', () => {
    const first = agentEvent({ type: 'LOGIN', at: '2024-04-18T00:00:00.000Z', eventId: 'same' });
    const retimed = { ...first, EventTimestamp: '2024-04-18T00:00:01.000Z' };
    const out = classifyCandidates([first, retimed, first].map((p) => candidate(p)));
    expect([...out.accepted.values()].map((a) => a.event.occurredAt)).toEqual([Date.UTC(2024, 3, 18), Date.UTC(2024, 3, 18, 0, 0, 1)]);
    expect(out.duplicates).toBe(1);
  });
});
