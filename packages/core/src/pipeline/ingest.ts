import type { AppendedEvent } from '../model.js';
import { describeSource } from '../model.js';
import type { Candidate } from '../parse/envelope.js';
import { classifyCandidates, eventKey } from '../engine/classify.js';
import { emptySummary, type IngestSummary } from '../engine/local-engine.js';
import { PartialAppendError } from '../store/errors.js';
import type { EventStore } from '../store/ports.js';

export interface IngestOutcome {
  summary: IngestSummary;
  /** events stored by this call (projection input for a store that projects separately) */
  appended: AppendedEvent[];
  /** candidates that could not be stored now (throttling, timeouts): retry them; appends are idempotent */
  failed: Array<{ candidate: Candidate; error: unknown }>;
}

/**
 * Appends a batch of candidates to the event table without projecting (the
 * AWS ingest Lambda; projections follow from the table's stream). Inputs that
 * are not Connect payloads are quarantined with their raw bytes and reason,
 * never retried. Storage errors do not throw: the affected candidates come back
 * in `failed`, so a Kinesis handler can report just those records.
 */
export async function ingestCandidates(store: EventStore, candidates: readonly Candidate[], receivedAt: number): Promise<IngestOutcome> {
  const summary = emptySummary();
  const failed: IngestOutcome['failed'] = [];
  const batch = classifyCandidates(candidates);
  const rejected = batch.rejected;
  const accepted = batch.accepted;
  summary.read = batch.read;
  summary.duplicates = batch.duplicates;

  let appended: AppendedEvent[] = [];
  if (accepted.size > 0) {
    const events = [...accepted.values()].map((a) => a.event);
    try {
      const result = await store.append(events, receivedAt);
      appended = result.appended;
      summary.duplicates += result.duplicates;
    } catch (err) {
      if (err instanceof PartialAppendError) {
        appended = err.appended;
        summary.duplicates += err.duplicates;
        for (const f of err.failed) {
          const entry = accepted.get(eventKey(f.event))!;
          if (f.retryable) for (const candidate of entry.candidates) failed.push({ candidate, error: f.error });
          else {
            const c = entry.candidates[0]!;
            rejected.push({ candidate: c, rejection: { source: c.source, reason: (f.error as Error).message ?? String(f.error), raw: c.raw } });
          }
        }
      } else {
        for (const entry of accepted.values()) for (const candidate of entry.candidates) failed.push({ candidate, error: err });
      }
    }
  }
  summary.appended = appended.length;

  if (rejected.length > 0) {
    try {
      await store.quarantine(
        rejected.map((r) => r.rejection),
        receivedAt,
      );
      summary.rejected = rejected.length;
      summary.errors = rejected.map((r) => ({ source: describeSource(r.rejection.source), reason: r.rejection.reason }));
    } catch (err) {
      for (const r of rejected) failed.push({ candidate: r.candidate, error: err });
    }
  }
  return { summary, appended, failed };
}
