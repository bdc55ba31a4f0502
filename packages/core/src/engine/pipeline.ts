import type { Alert } from '../api/views.js';
import { describeSource } from '../model.js';
import type { Candidate } from '../parse/envelope.js';
import type { AgentState } from '../projectors/agent.js';
import { rulesHash, type Rules } from '../rules.js';
import type { LocalStore } from '../store/ports.js';
import { alertsForOutputs, sweepAlerts } from './alerts.js';
import { classifyCandidates, eventKey } from './classify.js';
import { planProjection, type PlanOptions } from './projector.js';

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
  projections?(changed: { intervals: boolean; contacts: boolean }): void;
}

export interface IngestOptions {
  batchSize?: number;
  onProgress?(summary: IngestSummary): void;
  /** cap on the error list in the summary (all rejects are quarantined regardless) */
  maxErrors?: number;
}

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

  constructor(
    readonly store: LocalStore,
    readonly rules: Rules,
    private readonly listeners: EngineListeners = {},
    private readonly now: () => number = Date.now,
    private readonly planOptions: PlanOptions = {},
  ) {
    this.rulesHash = rulesHash(rules);
  }

  /** Ingests candidates in batches; projections are up to date when it resolves. */
  async ingest(candidates: Iterable<Candidate> | AsyncIterable<Candidate>, options: IngestOptions = {}): Promise<IngestSummary> {
    const batchSize = options.batchSize ?? 2000;
    const maxErrors = options.maxErrors ?? 10_000;
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
    return this.serialized(() => this.ingestNow(candidates));
  }

  /** Raises alerts for holds, after-contact work and statuses still going on past their thresholds. */
  sweep(now = this.now()): Promise<Alert[]> {
    return this.serialized(async () => {
      const alerts = sweepAlerts(await this.store.listAgents(), now, this.rules);
      return this.raise(alerts);
    });
  }

  private async ingestNow(candidates: readonly Candidate[]): Promise<IngestSummary> {
    const batch = classifyCandidates(candidates);
    const rejections = batch.rejected.map((r) => r.rejection);
    const summary = emptySummary();
    summary.read = batch.read;
    summary.rejected = rejections.length;
    summary.errors = rejections.map((r) => ({ source: describeSource(r.source), reason: r.reason }));

    const receivedAt = this.now();
    // Events, projections and the alerts they raise commit together: a crash
    // loses none of them (the dashboard reads recent alerts from the ledger).
    const result = await this.store.transaction(async () => {
      if (rejections.length > 0) await this.store.quarantine(rejections, receivedAt);
      const { appended, duplicates } = await this.store.append(
        [...batch.accepted.values()].map((a) => a.event),
        receivedAt,
      );
      summary.appended = appended.length;
      summary.duplicates = batch.duplicates + duplicates;
      if (appended.length === 0) return null;
      const meta = await this.store.meta();
      if (meta.rulesHash === null) await this.store.claimRules(this.rulesHash);
      const projectable = appended.map((event) => {
        const { agent, contact } = batch.accepted.get(eventKey(event))!;
        return { event, agent, contact };
      });
      const plan = await planProjection({ events: this.store, projections: this.store }, this.rules, projectable, this.planOptions);
      await this.store.commit(plan.writes);
      const alerts = await this.store.recordAlerts(alertsForOutputs(plan.intervals, plan.contacts, this.rules));
      return { plan, alerts };
    });

    if (result) {
      const { plan, alerts } = result;
      if (plan.agents.length > 0) this.listeners.agents?.(plan.agents);
      if (plan.intervals.length > 0 || plan.tallies.length > 0 || plan.contacts.length > 0) {
        this.listeners.projections?.({ intervals: plan.intervals.length + plan.tallies.length > 0, contacts: plan.contacts.length > 0 });
      }
      if (alerts.length > 0) this.listeners.alerts?.(alerts);
    }
    return summary;
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

