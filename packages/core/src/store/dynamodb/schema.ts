/**
 * The DynamoDB layout of the Switchboard store: three tables, all with a
 * string partition key `pk` and a string sort key `sk`. Pure data with no
 * imports, so that the SST stacks (stacks/tables.ts) and the tests create
 * exactly the tables the adapter expects. See docs/deploy-aws.md "Tables".
 *
 * events (immutable, DynamoDB stream NEW_IMAGE -> the project Lambda)
 *   pk = streamId (agent ARN | contact/<InstanceARN>/<ContactId>)
 *   sk = <15-digit occurredAt>|<dedupeKey>
 *        Unique per (streamId, dedupeKey): appends are conditional puts on it.
 *        Within a stream the items come back in time order; events of the same
 *        millisecond are put in sort-key order by the reader.
 *   attributes: kind, at (occurredAt), rcv (receivedAt), ins (insertion time),
 *        b (instance ARN, sort key, source and raw payload, deflated with a
 *        preset dictionary of version v; see codec.ts)
 *   GSI byShard: shard (= hash(streamId) mod EVENT_SHARDS) / ssk (= sha256(streamId)[22 chars] + sk),
 *        projecting `ins` (insertion time): scanAll reads it shard by shard, so
 *        every stream comes out whole and in order with bounded memory, and a
 *        rebuild finds the events inserted since its scan began.
 *
 * projections (generation-scoped; g<N> = generation N)
 *   meta / meta                      current generation
 *   gen / <N, 10 digits>             rulesHash, versions (of the projection definitions), builtAt, scan start, ranges
 *   g<N>#agents#<0..AGENT_SHARDS-1> / agentArn      agent record (state, version)
 *   g<N>#out#<agentArn> / <last emitKey>           a chunk of intervals and tallies
 *   g<N>#snap#<agentArn> / <sortKey>               a snapshot of the agent state
 *   g<N>#contact#<0..CONTACT_SHARDS-1> / <contactKey>   contact row
 *   g<N>#doc#<0..DOCUMENT_SHARDS-1> / <projection>#<key>   a document of a projection kept as the
 *        latest document per key (projections/documents.ts): dp, dk, ver, at (when it has a time), d
 *   GSI byDay (sparse): contacts, day (= g<N>#<UTC date of startedAt>) / dsk (= <startedAt>|<contactKey>);
 *        documents with a time, day (= g<N>#<projection>#<UTC date of at>) / dsk (= <at>|<key>)
 *   The generation item keeps the range of times filed in byDay: minStart/maxStart (contacts),
 *        min#<projection>/max#<projection> (documents).
 *
 * ledger (not generation-scoped)
 *
 * Every table has the TTL attribute `expiresAt`: ledger claims and alert logs
 * always; events and projection items when rules.retention sets a number of days.
 *   counter / <0..COUNTER_SHARDS-1>      events, quarantined, lastAt
 *   quarantine / <arrival>|<id>          rejected input with raw bytes and reason
 *   alert / <alert id>                   an occurrence claimed for publishing (pending | published)
 *   alertlog#<UTC date> / <raisedAt>|<id>  the alert, for recentAlerts
 */

export const EVENT_SHARDS = 16;
export const AGENT_SHARDS = 8;
export const CONTACT_SHARDS = 16;
export const DOCUMENT_SHARDS = 16;
export const COUNTER_SHARDS = 8;

export const INDEX_BY_SHARD = 'byShard';
export const INDEX_BY_DAY = 'byDay';
export const TTL_ATTRIBUTE = 'expiresAt';

export interface TableNames {
  events: string;
  projections: string;
  ledger: string;
}

export type TableKind = keyof TableNames;

type AttributeType = 'string' | 'number' | 'binary';

/** A table in the shape of SST's `sst.aws.Dynamo` arguments. */
export interface TableSpec {
  fields: Record<string, AttributeType>;
  primaryIndex: { hashKey: string; rangeKey: string };
  globalIndexes?: Record<string, { hashKey: string; rangeKey: string; projection: 'all' | 'keys-only' | string[] }>;
  stream?: 'new-image';
  ttl?: string;
}

export const TABLE_SPECS: Record<TableKind, TableSpec> = {
  events: {
    fields: { pk: 'string', sk: 'string', shard: 'string', ssk: 'string' },
    primaryIndex: { hashKey: 'pk', rangeKey: 'sk' },
    globalIndexes: { [INDEX_BY_SHARD]: { hashKey: 'shard', rangeKey: 'ssk', projection: ['ins'] } },
    stream: 'new-image',
    // set only when rules.retention.eventDays is (docs/deploy-aws.md "Data retention")
    ttl: TTL_ATTRIBUTE,
  },
  projections: {
    fields: { pk: 'string', sk: 'string', day: 'string', dsk: 'string' },
    primaryIndex: { hashKey: 'pk', rangeKey: 'sk' },
    globalIndexes: { [INDEX_BY_DAY]: { hashKey: 'day', rangeKey: 'dsk', projection: 'all' } },
    ttl: TTL_ATTRIBUTE,
  },
  ledger: {
    fields: { pk: 'string', sk: 'string' },
    primaryIndex: { hashKey: 'pk', rangeKey: 'sk' },
    ttl: TTL_ATTRIBUTE,
  },
};

/** Table names from a prefix, e.g. `sb-dev-` -> sb-dev-events, sb-dev-projections, sb-dev-ledger. */
export function tableNamesFromPrefix(prefix: string): TableNames {
  return { events: `${prefix}events`, projections: `${prefix}projections`, ledger: `${prefix}ledger` };
}
