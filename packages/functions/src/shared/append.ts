/** What the ingest functions share: append a batch of candidates to the event table, log and count. */
import { ingestCandidates, type Candidate, type IngestOutcome } from '@switchboard/core';
import { count, logger } from './observability.js';
import { runtime } from './runtime.js';

/**
 * Appends the candidates (malformed ones are quarantined) and returns those
 * that could not be stored now (throttling, timeouts): the caller reports
 * them to the event source, which delivers them again.
 */
export async function appendCandidates(candidates: readonly Candidate[], records: number): Promise<IngestOutcome['failed']> {
  const rt = runtime();
  const { summary, failed } = await ingestCandidates(rt.store, candidates, rt.now());
  for (const e of summary.errors) logger.warn('record quarantined', e);
  for (const f of failed) logger.warn('record not stored, will be retried', { source: f.candidate.source, error: String(f.error) });
  count('EventsAppended', summary.appended);
  count('EventsDuplicate', summary.duplicates);
  count('RecordsQuarantined', summary.rejected);
  count('RecordsRetried', failed.length);
  logger.info('batch ingested', { records, ...summary, errors: undefined, failed: failed.length });
  return failed;
}
