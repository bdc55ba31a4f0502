import type { Alert } from '../alert.js';
import { describeSource } from '../model.js';
import type { Candidate } from '../parse/envelope.js';
import type { AgentState } from '../projectors/agent.js';
import { ongoingAlerts, projectionChanges, projectionVersions, type ProjectionChanges } from '../projections/index.js';
import { rulesHash, type Rules } from '../rules.js';
import type { LocalStore, ProjectionVersions } from '../store/ports.js';
import { classifyCandidates, eventKey, toClassifiedBatch, type ClassifiedBatch } from './classify.js';
import { planProjection, type PlanOptions } from './planner.js';

const NOTHING_CHANGED: ReadonlySet<string> = new Set();

/** What a batch changed, for the listeners: no more, so that a transaction of many batches holds little. */
interface Applied {
  summary: IngestSummary;
  agents: AgentState[];
  /** change keys of the projections the batch changed */
  changed: ReadonlySet<string>;
  alerts: Alert[];
}

export interface IngestSummary {
  read: number;
  appended: number;
  duplicates: number;
  rejected: number;
  errors: Array<{ source: string; reason: string }>;
}

export interface EngineListeners {
  agents?(agents: AgentState[]): void;
  alerts?(alerts: Alert[]): void;
  projections?(changed: ProjectionChanges): void;
}

export interface IngestOptions {
  batchSize?: number;
  onProgress?(summary: IngestSummary): void;
  /** cap on the error list in the summary (all rejects are quarantined regardless) */
  maxErrors?: number;
}

/** Error entries a summary keeps by default (every reject is quarantined regardless). */
export const DEFAULT_MAX_ERRORS = 10_000;

export function emptySummary(): IngestSummary {
  return { read: 0, appended: 0, duplicates: 0, rejected: 0, errors: [] };
}

/** Adds `part` to `total`, keeping at most `maxErrors` error entries (all rejects are quarantined regardless). */
export function addSummary(total: IngestSummary, part: IngestSummary, maxErrors = Infinity): void {
  total.read += part.read;
  total.appended += part.appended;
  total.duplicates += part.duplicates;
  total.rejected += part.rejected;
  for (const e of part.errors) {
    if (total.errors.length >= maxErrors) break;
    total.errors.push(e);
  }
}

/**
 * The local engine: appends inputs to the event table and brings the
 * projections up to date in the same transaction, then raises alerts. Used by
 * the CLI and the local runtime; calls are serialized.
 */
export class Engine {
  private queue: Promise<unknown> = Promise.resolve();
  readonly rulesHash: string;
  private readonly versions: ProjectionVersions;

  constructor(
    readonly store: LocalStore,
    readonly rules: Rules,
    private readonly listeners: EngineListeners = {},
    private readonly now: () => number = Date.now,
    private readonly planOptions: PlanOptions = {},
  ) {
    this.rulesHash = rulesHash(rules);
    this.versions = projectionVersions(planOptions.projections);
  }

  /** Ingests candidates in batches; projections are up to date when it resolves. */
  async ingest(candidates: Iterable<Candidate> | AsyncIterable<Candidate>, options: IngestOptions = {}): Promise<IngestSummary> {
    const batchSize = options.batchSize ?? 2000;
    const maxErrors = options.maxErrors ?? DEFAULT_MAX_ERRORS;
    const summary = emptySummary();
    let batch: Candidate[] = [];
    const flush = async () => {
      const part = await this.ingestBatch(batch);
      batch = [];
      addSummary(summary, part, maxErrors);
      options.onProgress?.(summary);
    };
    for await (const c of candidates) {
      batch.push(c);
      if (batch.length >= batchSize) await flush();
    }
    if (batch.length > 0) await flush();
    return summary;
  }

  ingestBatch(candidates: readonly Candidate[]): Promise<IngestSummary> {
    return this.serialized(() => this.ingestNow(toClassifiedBatch(classifyCandidates(candidates))));
  }

  /** Raises alerts for holds, after-contact work and statuses still going on past their thresholds. */
  sweep(now = this.now()): Promise<Alert[]> {
    return this.serialized(async () => {
      const alerts = await ongoingAlerts(this.store, now, this.rules, this.planOptions.projections);
      return this.raise(alerts);
    });
  }

  /**
   * Ingests a stream of validated batches, committing once per `commitEvery`
   * records rather than per batch: each commit rewrites the index pages that
   * every agent's events touch, so fewer commits write much less. Listeners
   * hear of each group after it commits.
   */
  ingestBatches(
    batches: AsyncIterable<ClassifiedBatch>,
    options: { commitEvery: number; maxErrors?: number; onProgress?(summary: IngestSummary): void },
  ): Promise<IngestSummary> {
    return this.serialized(async () => {
      const total = emptySummary();
      const iterator = batches[Symbol.asyncIterator]();
      let more = true;
      while (more) {
        const applied: Applied[] = [];
        await this.store.transaction(async () => {
          let records = 0;
          while (records < options.commitEvery) {
            const next = await iterator.next();
            if (next.done) {
              more = false;
              return;
            }
            const a = await this.apply(next.value);
            applied.push(a);
            records += a.summary.read;
          }
        });
        for (const a of applied) {
          this.notify(a);
          addSummary(total, a.summary, options.maxErrors ?? DEFAULT_MAX_ERRORS);
        }
        if (applied.length > 0) options.onProgress?.(total);
      }
      return total;
    });
  }

  private async ingestNow(batch: ClassifiedBatch): Promise<IngestSummary> {
    const applied = await this.store.transaction(() => this.apply(batch));
    this.notify(applied);
    return applied.summary;
  }

  /**
   * Appends a batch and brings the projections up to date, inside the caller's
   * transaction. Events, projections and the alerts they raise commit together:
   * a crash loses none of them (the dashboard reads recent alerts from the ledger).
   */
  private async apply(batch: ClassifiedBatch): Promise<Applied> {
    const rejections = batch.rejections;
    const summary = emptySummary();
    summary.read = batch.read;
    summary.rejected = rejections.length;
    summary.errors = rejections.map((r) => ({ source: describeSource(r.source), reason: r.reason }));

    const receivedAt = this.now();
    if (rejections.length > 0) await this.store.quarantine(rejections, receivedAt);
    const byKey = new Map(batch.accepted.map((a) => [eventKey(a.event), a]));
    const { appended, duplicates } = await this.store.append(
      batch.accepted.map((a) => a.event),
      receivedAt,
    );
    summary.appended = appended.length;
    summary.duplicates = batch.duplicates + duplicates;
    if (appended.length === 0) return { summary, agents: [], changed: NOTHING_CHANGED, alerts: [] };
    const meta = await this.store.meta();
    if (meta.rulesHash === null) await this.store.claimRules(this.rulesHash, this.versions);
    const projectable = appended.map((event) => {
      const { agent, contact, contactEvent } = byKey.get(eventKey(event))!;
      return { event, agent, contact, contactEvent };
    });
    const plan = await planProjection({ events: this.store, projections: this.store }, this.rules, projectable, this.planOptions);
    await this.store.commit(plan.writes);
    const alerts = await this.store.recordAlerts(plan.alerts);
    return { summary, agents: plan.agents, changed: plan.changed, alerts };
  }

  private notify({ agents, changed, alerts }: Applied): void {
    if (agents.length > 0) this.listeners.agents?.(agents);
    if (changed.size > 0) this.listeners.projections?.(projectionChanges(changed, this.planOptions.projections));
    if (alerts.length > 0) this.listeners.alerts?.(alerts);
  }

  private async raise(alerts: Alert[]): Promise<Alert[]> {
    if (alerts.length === 0) return [];
    const fresh = await this.store.recordAlerts(alerts);
    if (fresh.length > 0) this.listeners.alerts?.(fresh);
    return fresh;
  }

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

