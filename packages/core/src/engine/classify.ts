import type { AgentFacts, NewEvent, Rejection } from '../model.js';
import type { Candidate } from '../parse/envelope.js';
import { parseRecord } from '../parse/record.js';
import type { ContactFacts } from '../parse/contact-record.js';
import type { ContactEventFacts } from '../parse/contact-event.js';

export interface AcceptedEvent {
  event: NewEvent;
  agent?: AgentFacts;
  contact?: ContactFacts;
  contactEvent?: ContactEventFacts;
  /** the inputs that carried it (more than one when a batch repeats an event) */
  candidates: Candidate[];
}

export interface Classified {
  read: number;
  /** valid events, one per (stream, dedupe key, occurrence time), in input order */
  accepted: Map<string, AcceptedEvent>;
  rejected: Array<{ candidate: Candidate; rejection: Rejection }>;
  /** repeats of an event within this batch */
  duplicates: number;
}

/** A validated batch as the engine appends it: accepted events with what the projectors read, and rejections. */
export interface ClassifiedBatch {
  read: number;
  /** repeats of an event within the batch */
  duplicates: number;
  accepted: Array<{ event: NewEvent; agent?: AgentFacts; contact?: ContactFacts; contactEvent?: ContactEventFacts }>;
  rejections: Rejection[];
}

export function toClassifiedBatch(c: Classified): ClassifiedBatch {
  return {
    read: c.read,
    duplicates: c.duplicates,
    accepted: [...c.accepted.values()].map(({ event, agent, contact, contactEvent }) => ({ event, agent, contact, contactEvent })),
    rejections: c.rejected.map((r) => r.rejection),
  };
}

/** What makes two events the same, as the stores dedupe them: stream, dedupe key and occurrence time. */
export function eventKey(e: { streamId: string; dedupeKey: string; occurredAt: number }): string {
  return `${e.streamId}\u0000${e.dedupeKey}\u0000${e.occurredAt}`;
}

/** Validates a batch of candidates: what to append, what to quarantine and why. Never throws. */
export function classifyCandidates(candidates: readonly Candidate[]): Classified {
  const classifier = new Classifier();
  for (const c of candidates) classifier.add(c);
  return classifier.take();
}

/**
 * Validates candidates one at a time, so that a caller reading a long input
 * can let go of each parsed JSON value at once and keep only what is appended.
 */
export class Classifier {
  private out: Classified = { read: 0, accepted: new Map(), rejected: [], duplicates: 0 };

  /** @param keepCandidates whether AcceptedEvent.candidates lists the inputs (which hold their parsed JSON) */
  constructor(private readonly keepCandidates = true) {}

  get size(): number {
    return this.out.read;
  }

  /** @returns the event when it is new to this batch (null for a reject or a repeat) */
  add(c: Candidate): AcceptedEvent | null {
    const out = this.out;
    out.read++;
    if (!c.ok) {
      out.rejected.push({ candidate: c, rejection: { source: c.source, reason: c.reason, raw: c.raw } });
      return null;
    }
    const parsed = parseRecord(c.value, c.raw, c.source);
    if (!parsed.ok) {
      out.rejected.push({ candidate: c, rejection: { source: c.source, reason: parsed.reason, raw: c.raw } });
      return null;
    }
    if (c.bytes) parsed.event.raw = c.bytes;
    const key = eventKey(parsed.event);
    const seen = out.accepted.get(key);
    if (seen) {
      if (this.keepCandidates) seen.candidates.push(c);
      out.duplicates++;
      return null;
    }
    const accepted = { event: parsed.event, agent: parsed.agent, contact: parsed.contact, contactEvent: parsed.contactEvent, candidates: this.keepCandidates ? [c] : [] };
    out.accepted.set(key, accepted);
    return accepted;
  }

  /** What was added since the last take. */
  take(): Classified {
    const out = this.out;
    this.out = { read: 0, accepted: new Map(), rejected: [], duplicates: 0 };
    return out;
  }
}
