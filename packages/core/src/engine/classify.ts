import type { AgentFacts, NewEvent, Rejection } from '../model.js';
import type { Candidate } from '../parse/envelope.js';
import { parseRecord } from '../parse/record.js';
import type { ContactRecordPayload } from '../parse/schemas.js';

export interface AcceptedEvent {
  event: NewEvent;
  agent?: AgentFacts;
  contact?: ContactRecordPayload;
  /** the inputs that carried it (more than one when a batch repeats an event) */
  candidates: Candidate[];
}

export interface Classified {
  read: number;
  /** valid events, one per (stream, dedupe key), in input order */
  accepted: Map<string, AcceptedEvent>;
  rejected: Array<{ candidate: Candidate; rejection: Rejection }>;
  /** repeats of an event within this batch */
  duplicates: number;
}

export function eventKey(e: { streamId: string; dedupeKey: string }): string {
  return `${e.streamId}\u0000${e.dedupeKey}`;
}

/** Validates a batch of candidates: what to append, what to quarantine and why. Never throws. */
export function classifyCandidates(candidates: readonly Candidate[]): Classified {
  const out: Classified = { read: 0, accepted: new Map(), rejected: [], duplicates: 0 };
  for (const c of candidates) {
    out.read++;
    if (!c.ok) {
      out.rejected.push({ candidate: c, rejection: { source: c.source, reason: c.reason, raw: c.raw } });
      continue;
    }
    const parsed = parseRecord(c.value, c.raw, c.source);
    if (!parsed.ok) {
      out.rejected.push({ candidate: c, rejection: { source: c.source, reason: parsed.reason, raw: c.raw } });
      continue;
    }
    const key = eventKey(parsed.event);
    const seen = out.accepted.get(key);
    if (seen) {
      seen.candidates.push(c);
      out.duplicates++;
    } else {
      out.accepted.set(key, { event: parsed.event, agent: parsed.agent, contact: parsed.contact, candidates: [c] });
    }
  }
  return out;
}
