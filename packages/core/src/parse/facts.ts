import { rawText, type AgentFacts, type AppendedEvent } from '../model.js';
import type { ContactFacts } from './contact-record.js';
import type { ContactEventFacts } from './contact-event.js';
import { parseRecord, readFacts } from './record.js';

/** A stored event together with what the projectors read from it. */
export interface ProjectableEvent {
  event: AppendedEvent;
  agent?: AgentFacts;
  contact?: ContactFacts;
  contactEvent?: ContactEventFacts;
}

/** The event with its facts: as given when it carries them, else read from the event. */
export function projectable(item: ProjectableEvent): ProjectableEvent {
  return item.agent || item.contact || item.contactEvent ? item : toProjectable(item.event);
}

/** What a stored event tells the projectors: its stored facts, or its payload read again. */
export function toProjectable(event: AppendedEvent): ProjectableEvent {
  const facts = readFacts(event.facts, event);
  if (facts) return { event, ...facts };
  const raw = rawText(event.raw);
  const parsed = parseRecord(JSON.parse(raw), raw, event.source);
  if (!parsed.ok) throw new Error(`stored event ${event.streamId}/${event.dedupeKey} no longer parses: ${parsed.reason}`);
  return { event, agent: parsed.agent, contact: parsed.contact, contactEvent: parsed.contactEvent };
}
