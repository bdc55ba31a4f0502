/**
 * The three DynamoDB tables (layout: packages/core/src/store/dynamodb/schema.ts,
 * the same specs the tests create on DynamoDB Local) and the least-privilege
 * IAM statements each function gets on them.
 */
import { TABLE_SPECS, type TableSpec } from '../packages/core/src/store/dynamodb/schema.js';
import { settings } from './settings.js';

function table(name: string, spec: TableSpec) {
  return new sst.aws.Dynamo(name, {
    fields: spec.fields,
    primaryIndex: spec.primaryIndex,
    globalIndexes: spec.globalIndexes,
    stream: spec.stream,
    ttl: spec.ttl,
    deletionProtection: settings.production,
  });
}

export const eventsTable = table('Events', TABLE_SPECS.events);
export const projectionsTable = table('Projections', TABLE_SPECS.projections);
export const ledgerTable = table('Ledger', TABLE_SPECS.ledger);

/** Table names for the functions (Resource.Tables); no permissions: each function gets its own below. */
export const tables = new sst.Linkable('Tables', {
  properties: { events: eventsTable.name, projections: projectionsTable.name, ledger: ledgerTable.name },
});

/** The rules (switchboard.config.json at deploy time) as Resource.Rules.json. */
const rulesDocument = new sst.Linkable('Rules', { properties: { json: settings.rules.json } });
/** The key of privacy "hash", when the rules need one and do not carry it (settings.ts). */
const hashKey = settings.rules.needsHashKey ? new sst.Secret('HashKey', settings.hashKey) : undefined;
/** What a function links to read the rules: the document and, when needed, the hash key. */
export const rules = hashKey ? [rulesDocument, hashKey] : [rulesDocument];

const withIndexes = (t: sst.aws.Dynamo) => [t.arn, $interpolate`${t.arn}/index/*`];
const READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];

/** IAM statements per role. */
export const access = {
  /** ingest: conditional puts of events; quarantine, counters and failed attempts of records in the ledger */
  ingest: [
    { actions: ['dynamodb:PutItem'], resources: [eventsTable.arn] },
    { actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'], resources: [ledgerTable.arn] },
  ],
  /** project: re-reads agent streams; reads and writes projections; alert ledger */
  project: [
    { actions: ['dynamodb:Query'], resources: [eventsTable.arn] },
    { actions: [...READ, 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'], resources: [projectionsTable.arn] },
    { actions: ['dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'], resources: [ledgerTable.arn] },
  ],
  /** sweep: reads agents; alert ledger (claims, redelivery of interrupted claims) */
  sweep: [
    { actions: ['dynamodb:GetItem', 'dynamodb:Query'], resources: [projectionsTable.arn] },
    { actions: ['dynamodb:Query', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'], resources: [ledgerTable.arn] },
  ],
  /** api and the Timestream sink: read-only projections, counters and recent alerts */
  read: [
    { actions: READ, resources: withIndexes(projectionsTable) },
    { actions: ['dynamodb:BatchGetItem', 'dynamodb:Query'], resources: [ledgerTable.arn] },
  ],
  /** rebuild: scans the event table through its index; writes a new generation and deletes old ones; holds the rebuild lease in the ledger */
  rebuild: [
    { actions: ['dynamodb:Query', 'dynamodb:BatchGetItem'], resources: withIndexes(eventsTable) },
    { actions: [...READ, 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'], resources: withIndexes(projectionsTable) },
    { actions: ['dynamodb:UpdateItem'], resources: [ledgerTable.arn] },
  ],
};
