import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Alert } from '../../alert.js';
import type { StoredEvent } from '../../model.js';
import type { AgentState, Interval, Tally } from '../../projectors/agent.js';
import type { ContactProjection } from '../../projectors/contacts.js';
import { EventStoreDelegate } from '../event-delegate.js';
import type {
  AgentRecord,
  AgentSnapshot,
  AlertLedger,
  ContactQuery,
  DocumentQuery,
  EventStore,
  IntervalQuery,
  ProjectionMeta,
  ProjectionStore,
  ProjectionVersions,
  ProjectionWrites,
  Rebuildable,
  RebuildCheckpoint,
  ResumableRebuild,
  StoredDocument,
  TallyQuery,
} from '../ports.js';
import { DynamoAlertLedger, type AlertLedgerOptions } from './alerts.js';
import { defaultRetry, type Key, type RetryOptions } from './batch.js';
import { DynamoEvents, type EventTableOptions } from './events.js';
import { DynamoGenerations, type GenerationOptions } from './generations.js';
import type { DynamoProjections } from './projections.js';
import { tableNamesFromPrefix, type TableNames } from './schema.js';

export interface DynamoStoreOptions extends EventTableOptions, GenerationOptions, AlertLedgerOptions {
  /** table names; or `tablePrefix` (`<prefix>events`, `<prefix>projections`, `<prefix>ledger`) */
  tables?: TableNames;
  tablePrefix?: string;
  /** e.g. http://127.0.0.1:8000 for DynamoDB Local */
  endpoint?: string;
  region?: string;
  credentials?: DynamoDBClientConfig['credentials'];
  /** an existing client (its middleware, retry settings and endpoint are used as they are) */
  client?: DynamoDBClient;
  /** clock of the store (insertion times, alert times); default Date.now */
  now?: () => number;
  /** back-off for unprocessed batch items; default 50 ms doubling */
  retry?: RetryOptions;
  /** interval chunks and contact rows expire this many days after their time; default: kept */
  projectionRetentionDays?: number;
}

/**
 * The DynamoDB store: event table, ledger (quarantine, counters, alerts) and
 * generations of projections. Layout: ./schema.ts and docs/deploy-aws.md.
 * Implements EventStore, ProjectionStore (over the current generation),
 * Rebuildable and AlertLedger by composing the modules of each concern:
 * events.ts (the event table, its counters and the quarantine), generations.ts
 * (with projections.ts, agent-chunks.ts and documents.ts) and alerts.ts.
 */
export class DynamoStore extends EventStoreDelegate implements EventStore, ProjectionStore, Rebuildable, ResumableRebuild, AlertLedger {
  readonly doc: DynamoDBDocumentClient;
  readonly tables: TableNames;
  protected readonly events: DynamoEvents;
  private readonly generations: DynamoGenerations;
  private readonly ledger: DynamoAlertLedger;

  constructor(readonly client: DynamoDBClient, options: DynamoStoreOptions = {}) {
    super();
    const tables = options.tables ?? (options.tablePrefix !== undefined ? tableNamesFromPrefix(options.tablePrefix) : undefined);
    if (!tables) throw new Error('openDynamoStore: give `tables` or `tablePrefix`');
    this.tables = tables;
    const now = options.now ?? Date.now;
    const retry = options.retry ?? defaultRetry;
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    this.events = new DynamoEvents(this.doc, tables, retry, now, options);
    const ctx = { doc: this.doc, tables, retry, projectionDays: options.projectionRetentionDays };
    this.generations = new DynamoGenerations(ctx, options, now, (since) => this.events.indexedEvents({ since }));
    this.ledger = new DynamoAlertLedger(this.doc, tables, retry, now, options);
  }

  // ---- generations ----

  /** The current generation number (1 until a rebuild switches). */
  currentGeneration(): Promise<number> {
    return this.generations.currentGeneration();
  }

  /**
   * The projections of the current generation. A handler should take it once
   * per batch, so that planning and commit use the same generation.
   */
  current(): Promise<DynamoProjections> {
    return this.generations.current();
  }

  beginGeneration(rulesHash: string, versions?: ProjectionVersions): Promise<DynamoProjections> {
    return this.generations.begin(rulesHash, versions);
  }

  switchTo(generation: number, rulesHash: string, catchUp: (events: StoredEvent[]) => Promise<void>): Promise<void> {
    return this.generations.switchTo(generation, rulesHash, catchUp);
  }

  positionAfter(event: StoredEvent): string {
    return this.events.positionAfter(event);
  }

  scanFrom(position: string, options?: { preferFacts?: boolean }): AsyncIterable<StoredEvent> {
    return this.events.scanFrom(position, options);
  }

  saveCheckpoint(checkpoint: RebuildCheckpoint): Promise<void> {
    return this.generations.saveCheckpoint(checkpoint);
  }

  pendingRebuild(): Promise<{ checkpoint: RebuildCheckpoint; target: DynamoProjections } | null> {
    return this.generations.pending();
  }

  dropGeneration(generation: number): Promise<void> {
    return this.generations.drop(generation);
  }

  // ---- alert ledger ----

  recordAlerts(alerts: readonly Alert[]): Promise<Alert[]> {
    return this.ledger.recordAlerts(alerts);
  }

  /** Marks claimed alerts as delivered: they are not claimed again. */
  markAlertsPublished(ids: readonly string[]): Promise<void> {
    return this.ledger.markAlertsPublished(ids);
  }

  /** Gives claimed alerts up after a failed delivery, so that a retry claims them at once. */
  releaseAlerts(ids: readonly string[]): Promise<void> {
    return this.ledger.releaseAlerts(ids);
  }

  /** Claims again the alerts whose publisher crashed, once their lease ran out: the sweep delivers them. */
  reclaimStaleAlerts(): Promise<Alert[]> {
    return this.ledger.reclaimStaleAlerts();
  }

  recentAlerts(limit: number): Promise<Alert[]> {
    return this.ledger.recentAlerts(limit);
  }

  // ---- projections of the current generation ----

  async meta(): Promise<ProjectionMeta> {
    return (await this.current()).meta();
  }
  async claimRules(rulesHash: string, versions?: ProjectionVersions): Promise<void> {
    return (await this.current()).claimRules(rulesHash, versions);
  }
  async getAgents(agentArns: readonly string[]): Promise<Map<string, AgentRecord>> {
    return (await this.current()).getAgents(agentArns);
  }
  async snapshotBefore(agentArn: string, sortKey: string): Promise<AgentSnapshot | null> {
    return (await this.current()).snapshotBefore(agentArn, sortKey);
  }
  async getContactVersions(keys: ReadonlyArray<{ instanceArn: string; contactId: string }>): Promise<Map<string, number>> {
    return (await this.current()).getContactVersions(keys);
  }
  async listAgents(): Promise<AgentState[]> {
    return (await this.current()).listAgents();
  }
  async *intervals(query: IntervalQuery): AsyncIterable<Interval> {
    yield* (await this.current()).intervals(query);
  }
  async *tallies(query: TallyQuery): AsyncIterable<Tally> {
    yield* (await this.current()).tallies(query);
  }
  async *contacts(query: ContactQuery): AsyncIterable<ContactProjection> {
    yield* (await this.current()).contacts(query);
  }
  async getDocuments(projection: string, keys: readonly string[]): Promise<Map<string, StoredDocument>> {
    return (await this.current()).getDocuments(projection, keys);
  }
  async *documents(projection: string, query?: DocumentQuery): AsyncIterable<StoredDocument> {
    yield* (await this.current()).documents(projection, query);
  }
  async commit(writes: ProjectionWrites): Promise<void> {
    return (await this.current()).commit(writes);
  }

  /** Deletes an item of the ledger (tests and maintenance). */
  async deleteLedgerItem(key: Key): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tables.ledger, Key: key }));
  }
}

/** Opens the DynamoDB store (no I/O until first use). */
export function openDynamoStore(options: DynamoStoreOptions): DynamoStore {
  const client =
    options.client ??
    new DynamoDBClient({
      ...(options.region ? { region: options.region } : {}),
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
    });
  return new DynamoStore(client, options);
}
