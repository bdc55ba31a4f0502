import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { padTime } from '../../parse/record.js';
import type { AgentState, Interval, Tally } from '../../projectors/agent.js';
import type { ContactProjection, ContactRow, Outcome } from '../../projectors/contacts.js';
import { VersionConflictError } from '../errors.js';
import {
  contactKey,
  type AgentRecord,
  type AgentSnapshot,
  type AgentWrite,
  type ContactQuery,
  type DocumentQuery,
  type IntervalQuery,
  type ProjectionMeta,
  type ProjectionStore,
  type ProjectionVersions,
  type ProjectionWrites,
  type StoredDocument,
  type TallyQuery,
} from '../ports.js';
import {
  batchGet,
  batchWrite,
  isConditionalCheckFailed,
  mapLimit,
  queryAll,
  queryItems,
  settleLimit,
  type Key,
  type WriteRequest,
} from './batch.js';
import { itemBytes, packJson, shardOf, unpackJson, withCheapestText, type Item } from './codec.js';
import type { ProjectionContext } from './context.js';
import { compareText } from '../ordering.js';
import {
  buildChunks,
  chunkIntervals,
  chunkTallies,
  chunkUpTo,
  cutChunks,
  decodeChunk,
  decodeRecordBody,
  encodeChunk,
  encodeRecordBody,
  RECORD_BODY_ATTRIBUTES,
  groupOutputs,
  mergeChunks,
  type Chunk,
} from './agent-chunks.js';
import { DynamoDocuments } from './documents.js';
import { AGENT_SHARDS, CONTACT_SHARDS, TTL_ATTRIBUTE } from './schema.js';
import { dayIndexAttributes, FiledRange, itemsByDay } from './time-index.js';

const AGENT_READ_CONCURRENCY = 16;
const WRITE_CONCURRENCY = 16;
/**
 * An agent record carries its newest outputs (its tail) until it would pass
 * this many bytes, one write unit: then the tail is sealed into output chunks.
 * Most batches then write an agent's new outputs with its record, one write.
 */
const RECORD_BYTES = 1024;

export const genKey = (generation: number): Key => ({ pk: 'gen', sk: String(generation).padStart(10, '0') });

/**
 * The projections of one generation in the projections table. Writes are
 * idempotent and, for agent records, conditional on the version read before
 * planning (optimistic concurrency) unless the generation is being built by a
 * rebuild that owns it (`conditional = false`).
 */
export class DynamoProjections implements ProjectionStore {
  private readonly contactRange: FiledRange;
  private readonly docs: DynamoDocuments;
  /** the tails of the agent records read for planning, by agent, with the version they belong to */
  private readonly tails = new Map<string, { version: number; tail: Chunk | null }>();

  constructor(
    private readonly ctx: ProjectionContext,
    readonly generation: number,
    /** false while a rebuild owns the generation: nobody else writes to it */
    public conditional = true,
  ) {
    const genItem = () => this.genItem();
    this.contactRange = new FiledRange(ctx.doc, ctx.tables.projections, genKey(generation), generation, { min: 'minStart', max: 'maxStart' });
    this.docs = new DynamoDocuments(ctx, generation, genKey(generation), genItem, (ms) => this.expiry(ms));
  }

  private get table(): string {
    return this.ctx.tables.projections;
  }

  private agentKey(agentArn: string): Key {
    return { pk: `g${this.generation}#agents#${shardOf(agentArn, AGENT_SHARDS)}`, sk: agentArn };
  }

  private outPk(agentArn: string): string {
    return `g${this.generation}#out#${agentArn}`;
  }

  private snapPk(agentArn: string): string {
    return `g${this.generation}#snap#${agentArn}`;
  }

  private contactItemKey(ck: string): Key {
    return { pk: `g${this.generation}#contact#${shardOf(ck, CONTACT_SHARDS)}`, sk: ck };
  }

  private async genItem(): Promise<Item | undefined> {
    const out = await this.ctx.doc.send(new GetCommand({ TableName: this.table, Key: genKey(this.generation), ConsistentRead: true }));
    return out.Item as Item | undefined;
  }

  async meta(): Promise<ProjectionMeta> {
    const item = await this.genItem();
    return {
      generation: this.generation,
      rulesHash: (item?.rulesHash as string | undefined) ?? null,
      builtAt: typeof item?.builtAt === 'number' ? item.builtAt : null,
      versions: (item?.versions as ProjectionVersions | undefined) ?? null,
    };
  }

  async claimRules(rulesHash: string, versions?: ProjectionVersions): Promise<void> {
    await this.ctx.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: genKey(this.generation),
        UpdateExpression: `SET rulesHash = :h, n = :n${versions ? ', versions = :v' : ''}`,
        ExpressionAttributeValues: { ':h': rulesHash, ':n': this.generation, ...(versions ? { ':v': versions } : {}) },
      }),
    );
  }

  // ---- reads ----

  async getAgents(agentArns: readonly string[]): Promise<Map<string, AgentRecord>> {
    const items = await batchGet(
      this.ctx.doc,
      this.table,
      agentArns.map((a) => this.agentKey(a)),
      { ...this.ctx.retry, consistent: true },
    );
    const out = new Map<string, AgentRecord>();
    for (const item of items) {
      const { state, tail } = decodeRecordBody(item);
      const record = { state, lastSortKey: item.lsk as string, sinceSnapshot: Number(item.sss), version: Number(item.ver) };
      out.set(item.sk as string, record);
      this.tails.set(item.sk as string, { version: record.version, tail });
    }
    return out;
  }

  async snapshotBefore(agentArn: string, sortKey: string): Promise<AgentSnapshot | null> {
    if (sortKey === '') return null;
    const { Items } = await this.ctx.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND sk < :sk',
        ExpressionAttributeValues: { ':pk': this.snapPk(agentArn), ':sk': sortKey },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const item = Items?.[0] as Item | undefined;
    return item ? { sortKey: item.sk as string, state: unpackJson<AgentState>(item, 'st') } : null;
  }

  async getContactVersions(keys: ReadonlyArray<{ instanceArn: string; contactId: string }>): Promise<Map<string, number>> {
    const items = await batchGet(
      this.ctx.doc,
      this.table,
      keys.map((k) => this.contactItemKey(contactKey(k.instanceArn, k.contactId))),
      { ...this.ctx.retry, consistent: true, projection: 'sk, upd' },
    );
    return new Map(items.map((i) => [i.sk as string, Number(i.upd)]));
  }

  /** Every agent record of the generation, in agent ARN order (`attributes`: only those). */
  private async agentRecords(attributes?: string): Promise<Item[]> {
    const parts = await mapLimit(Array.from({ length: AGENT_SHARDS }, (_, i) => i), AGENT_SHARDS, (shard) =>
      queryAll(this.ctx.doc, {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `g${this.generation}#agents#${shard}` },
        ...(attributes ? { ProjectionExpression: attributes } : {}),
      }),
    );
    return parts.flat().sort((a, b) => compareText(a.sk as string, b.sk as string));
  }

  async listAgents(): Promise<AgentState[]> {
    return (await this.agentRecords(`sk, ${RECORD_BODY_ATTRIBUTES}`)).map((item) => decodeRecordBody(item).state);
  }

  /** Agents whose outputs can matter for a query starting at `from` (none emitted after lastEventAt), with their records' tails. */
  private async agentsFor(agentArns: string[] | undefined, from: number | undefined): Promise<Array<{ agentArn: string; tail: Chunk | null }>> {
    if (agentArns) {
      const arns = [...new Set(agentArns)].sort(compareText);
      const items = await batchGet(
        this.ctx.doc,
        this.table,
        arns.map((a) => this.agentKey(a)),
        { ...this.ctx.retry, projection: `sk, ${RECORD_BODY_ATTRIBUTES}` },
      );
      const tails = new Map(items.map((i) => [i.sk as string, decodeRecordBody(i).tail]));
      return arns.map((agentArn) => ({ agentArn, tail: tails.get(agentArn) ?? null }));
    }
    const records = await this.agentRecords(`sk, lea, ${RECORD_BODY_ATTRIBUTES}`);
    return records
      .filter((r) => from === undefined || (typeof r.lea === 'number' && r.lea > from))
      .map((r) => ({ agentArn: r.sk as string, tail: decodeRecordBody(r).tail }));
  }

  /** The chunks of an agent holding outputs emitted after `from`, then its record's tail. */
  private async *chunks({ agentArn, tail }: { agentArn: string; tail: Chunk | null }, from: number | undefined): AsyncGenerator<Chunk> {
    const input =
      from === undefined
        ? { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': this.outPk(agentArn) } }
        : {
            KeyConditionExpression: 'pk = :pk AND sk > :from',
            ExpressionAttributeValues: { ':pk': this.outPk(agentArn), ':from': padTime(Math.max(0, from)) },
          };
    for await (const item of queryItems(this.ctx.doc, { TableName: this.table, ...input })) yield decodeChunk(item);
    if (tail) yield tail;
  }

  /** Reads agents' chunks a few agents at a time (in parallel), yielding per agent in order. */
  private async *perAgent<A, T>(agentArns: A[], read: (agent: A) => Promise<T[]>): AsyncGenerator<T> {
    for (let i = 0; i < agentArns.length; i += AGENT_READ_CONCURRENCY) {
      const batch = agentArns.slice(i, i + AGENT_READ_CONCURRENCY);
      const results = await Promise.all(batch.map(read));
      for (const list of results) yield* list;
    }
  }

  async *intervals(query: IntervalQuery): AsyncIterable<Interval> {
    if (query.order === 'start') {
      // the chunks are read agent by agent: the order of start times is known once all are read
      const all: Interval[] = [];
      for await (const iv of this.intervals({ ...query, order: undefined })) all.push(iv);
      yield* all.sort((a, b) => a.start - b.start);
      return;
    }
    if (query.agentArns && query.agentArns.length === 0) return;
    const agents = await this.agentsFor(query.agentArns, query.from);
    const from = query.from ?? -Infinity;
    const to = query.to ?? Infinity;
    yield* this.perAgent(agents, async (agent) => {
      const out: Interval[] = [];
      for await (const chunk of this.chunks(agent, query.from)) {
        for (const iv of chunkIntervals(agent.agentArn, chunk)) if (iv.start < to && iv.end > from) out.push(iv);
      }
      return out;
    });
  }

  async *tallies(query: TallyQuery): AsyncIterable<Tally> {
    if (query.agentArns && query.agentArns.length === 0) return;
    const agents = await this.agentsFor(query.agentArns, query.from === undefined ? undefined : query.from - 1);
    const from = query.from ?? -Infinity;
    const to = query.to ?? Infinity;
    yield* this.perAgent(agents, async (agent) => {
      const out: Tally[] = [];
      // a tally's time is its event's time, the start of its emit key
      for await (const chunk of this.chunks(agent, query.from === undefined ? undefined : query.from - 1)) {
        for (const t of chunkTallies(agent.agentArn, chunk)) if (t.at >= from && t.at < to) out.push(t);
      }
      return out;
    });
  }

  /** In order of start time: the byDay index files them by day, then by time. */
  async *contacts(query: ContactQuery): AsyncIterable<ContactProjection> {
    // fresh: other writers (another Lambda) extend the range
    const range = await this.contactRange.get(() => this.genItem(), true);
    if (!range) return;
    const from = Math.max(query.from ?? -Infinity, range.min);
    const to = Math.min(query.to ?? Infinity, range.max + 1);
    if (!(from < to)) return;
    const outcome = query.outcome ? { expression: 'oc = :o', values: { ':o': query.outcome } } : undefined;
    for await (const item of itemsByDay(this.ctx.doc, this.table, `g${this.generation}`, from, to, outcome)) {
      const c = toContact(item);
      if (c.startedAt >= from && c.startedAt < to) yield c;
    }
  }

  async getDocuments(projection: string, keys: readonly string[]): Promise<Map<string, StoredDocument>> {
    return this.docs.get(projection, keys);
  }

  documents(projection: string, query?: DocumentQuery): AsyncIterable<StoredDocument> {
    return this.docs.list(projection, query);
  }

  // ---- writes ----

  /**
   * Per agent: the record first (conditional on the version read when
   * planning), carrying the newest outputs in its tail, then the rewind, the
   * chunks the tail was sealed into and the snapshots. A crash after the record
   * leaves those behind it; redelivery then finds the events late and re-folds
   * from a snapshot, rewriting them. Agents whose record lost a race get
   * nothing else written, and a VersionConflictError is thrown at the end.
   */
  async commit(writes: ProjectionWrites): Promise<void> {
    const plans = await mapLimit(writes.agents, WRITE_CONCURRENCY, (w) => this.planAgentWrites(w));
    const results = await settleLimit(writes.agents, WRITE_CONCURRENCY, (w, i) => this.putRecord(w, plans[i]!.record));
    const conflicts: string[] = [];
    const errors: unknown[] = [];
    const requests: WriteRequest[] = [];
    results.forEach((r, i) => {
      const agentArn = writes.agents[i]!.agentArn;
      this.tails.delete(agentArn);
      if (r.ok) requests.push(...plans[i]!.requests);
      else if (isConditionalCheckFailed(r.error)) conflicts.push(agentArn);
      else errors.push(r.error);
    });
    await batchWrite(this.ctx.doc, this.table, requests, this.ctx.retry);
    if (errors.length > 0) throw errors[0];
    await this.writeContacts(writes.contacts);
    conflicts.push(...(await this.docs.write(writes.documents ?? [], this.conditional)));
    if (conflicts.length > 0) throw new VersionConflictError(conflicts);
  }

  private async putRecord(w: AgentWrite, item: Item): Promise<void> {
    const condition = !this.conditional
      ? {}
      : w.expectedVersion === 0
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: 'ver = :v', ExpressionAttributeValues: { ':v': w.expectedVersion } };
    await this.ctx.doc.send(new PutCommand({ TableName: this.table, Item: item, ...condition }));
  }

  private recordItem(w: AgentWrite, tail: Chunk | null): Item {
    const r = w.record;
    return {
      ...this.agentKey(w.agentArn),
      ver: r.version,
      lsk: r.lastSortKey,
      sss: r.sinceSnapshot,
      lea: r.state.lastEventAt,
      ...encodeRecordBody(r.state, tail),
    };
  }

  /**
   * The agent's record, carrying its new tail, and the other writes of one
   * agent write: the rewind (deletes), the chunks the tail is sealed into once
   * the record would pass one write unit (1 KB) with it, the snapshots. A
   * rebuild, which owns its generation and may write an agent in parts, writes
   * outputs straight to chunks.
   */
  private async planAgentWrites(w: AgentWrite): Promise<{ record: Item; requests: WriteRequest[] }> {
    const requests: WriteRequest[] = [];
    if (w.rewindAfter !== null) requests.push(...(await this.rewind(w.agentArn, w.rewindAfter)));
    let record: Item;
    let sealed: Chunk[];
    if (this.conditional) {
      const stored = await this.storedTail(w.agentArn, w.expectedVersion);
      const tail = mergeChunks(w.rewindAfter === null ? stored : chunkUpTo(stored, w.rewindAfter), groupOutputs(w.intervals, w.tallies));
      record = this.recordItem(w, tail);
      sealed = tail && itemBytes(record) > RECORD_BYTES ? cutChunks(tail) : [];
      if (sealed.length > 0) record = this.recordItem(w, null);
    } else {
      record = this.recordItem(w, null);
      sealed = buildChunks(w.intervals, w.tallies);
    }
    for (const chunk of sealed) requests.push({ put: this.chunkItem(w.agentArn, chunk) });
    for (const s of w.snapshots) requests.push({ put: { pk: this.snapPk(w.agentArn), sk: s.sortKey, ...packJson('st', s.state) } });
    return { record, requests };
  }

  /** The tail of the agent's record at `version` (0: no record yet): as read when planning, or read again. */
  private async storedTail(agentArn: string, version: number): Promise<Chunk | null> {
    if (version === 0) return null;
    const cached = this.tails.get(agentArn);
    if (cached?.version === version) return cached.tail;
    const { Item } = await this.ctx.doc.send(
      new GetCommand({ TableName: this.table, Key: this.agentKey(agentArn), ConsistentRead: true, ProjectionExpression: `ver, sk, ${RECORD_BODY_ATTRIBUTES}` }),
    );
    // another version: the conditional put fails and the batch is retried
    return Item && Number(Item.ver) === version ? decodeRecordBody(Item as Item).tail : null;
  }

  /** One Query per partition (outputs, snapshots): everything emitted after `after` goes; a chunk that straddles it is trimmed. */
  private async rewind(agentArn: string, after: string): Promise<WriteRequest[]> {
    const range = (pk: string) =>
      after === ''
        ? { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }
        : { KeyConditionExpression: 'pk = :pk AND sk > :after', ExpressionAttributeValues: { ':pk': pk, ':after': after } };
    const [chunks, snaps] = await Promise.all([
      queryAll(this.ctx.doc, { TableName: this.table, ConsistentRead: true, ...range(this.outPk(agentArn)) }),
      queryAll(this.ctx.doc, { TableName: this.table, ConsistentRead: true, ProjectionExpression: 'pk, sk', ...range(this.snapPk(agentArn)) }),
    ]);
    const requests: WriteRequest[] = [];
    for (const item of chunks) {
      requests.push({ delete: { pk: item.pk as string, sk: item.sk as string } });
      const chunk = decodeChunk(item);
      const kept = chunk.groups.filter((g) => g[0] <= after);
      if (kept.length > 0) requests.push({ put: this.chunkItem(agentArn, { u: chunk.u, groups: kept }) });
    }
    for (const s of snaps) requests.push({ delete: { pk: s.pk as string, sk: s.sk as string } });
    return requests;
  }

  private chunkItem(agentArn: string, chunk: Chunk): Item & Key {
    const sk = chunk.groups.at(-1)![0];
    // the emit key starts with the zero-padded time of the event that closed the intervals
    return { pk: this.outPk(agentArn), sk, first: chunk.groups[0]![0], ...encodeChunk(chunk), ...this.expiry(Number(sk.slice(0, 15))) };
  }

  /** The TTL attribute for an item about time `ms`, when projections have a retention. */
  private expiry(ms: number): Item {
    const days = this.ctx.projectionDays;
    return days && Number.isFinite(ms) ? { [TTL_ATTRIBUTE]: Math.floor(ms / 1000) + days * 86_400 } : {};
  }

  private async writeContacts(contacts: readonly ContactProjection[]): Promise<void> {
    if (contacts.length === 0) return;
    await mapLimit(contacts, WRITE_CONCURRENCY, async (c) => {
      const ck = contactKey(c.instanceArn, c.contactId);
      try {
        await this.ctx.doc.send(
          new PutCommand({
            TableName: this.table,
            Item: withCheapestText(
              {
                ...this.contactItemKey(ck),
                ...this.expiry(c.startedAt),
                ia: c.instanceArn,
                cid: c.contactId,
                upd: c.updatedAt,
                start: c.startedAt,
                ld: c.localDate,
                cs: c.chainStart,
                oc: c.row.outcome,
                ...dayIndexAttributes(`g${this.generation}`, c.startedAt, ck),
              },
              'row',
              JSON.stringify(c.row),
            ),
            ConditionExpression: 'attribute_not_exists(pk) OR upd < :u',
            ExpressionAttributeValues: { ':u': c.updatedAt },
          }),
        );
      } catch (err) {
        if (!isConditionalCheckFailed(err)) throw err; // an older copy: the stored row wins
      }
    });
    await this.contactRange.extend(() => this.genItem(), Math.min(...contacts.map((c) => c.startedAt)), Math.max(...contacts.map((c) => c.startedAt)));
  }

  /** Deletes every item of the generation (agents, outputs, snapshots, contacts, documents), keeping the generation item. */
  async deleteAll(): Promise<void> {
    const keysOnly = (pk: string) =>
      queryAll(this.ctx.doc, {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ProjectionExpression: 'pk, sk',
      });
    const del = (items: Item[]): WriteRequest[] => items.map((i) => ({ delete: { pk: i.pk as string, sk: i.sk as string } }));
    for (let shard = 0; shard < AGENT_SHARDS; shard++) {
      const records = await keysOnly(`g${this.generation}#agents#${shard}`);
      await mapLimit(records, 8, async (r) => {
        const agentArn = r.sk as string;
        const [outs, snaps] = await Promise.all([keysOnly(this.outPk(agentArn)), keysOnly(this.snapPk(agentArn))]);
        await batchWrite(this.ctx.doc, this.table, [...del(outs), ...del(snaps)], this.ctx.retry);
      });
      await batchWrite(this.ctx.doc, this.table, del(records), this.ctx.retry);
    }
    for (let shard = 0; shard < CONTACT_SHARDS; shard++) {
      await batchWrite(this.ctx.doc, this.table, del(await keysOnly(`g${this.generation}#contact#${shard}`)), this.ctx.retry);
    }
    const documents: WriteRequest[] = [];
    for await (const key of this.docs.keys()) documents.push({ delete: key });
    await batchWrite(this.ctx.doc, this.table, documents, this.ctx.retry);
  }

  async deleteGenerationItem(): Promise<void> {
    await this.ctx.doc.send(new DeleteCommand({ TableName: this.table, Key: genKey(this.generation) }));
  }
}

function toContact(item: Item): ContactProjection {
  return {
    instanceArn: item.ia as string,
    contactId: item.cid as string,
    updatedAt: Number(item.upd),
    startedAt: Number(item.start),
    localDate: item.ld as string,
    chainStart: item.cs === true,
    row: unpackJson<ContactRow>(item, 'row'),
  };
}

export type { Outcome, ProjectionContext };
export { utcDate } from './time-index.js';
