import type { Alert } from '../alert.js';
import type { ProjectableEvent } from '../parse/facts.js';
import type { EventKind } from '../model.js';
import type { Rules } from '../rules.js';
import type { DocumentWrite, ProjectionReader, ProjectionWrites, StoredDocument } from '../store/ports.js';
import type { ProjectionDefinition, Replay, ReplayContext } from './definition.js';
import { KeyFilter } from './key-filter.js';

/**
 * A projection kept as the latest document per key in the stores' generic
 * documents table: declare it with documentProjection() and add it to the
 * list in projections/index.ts; neither store, the engine nor the rebuild
 * changes.
 */
export interface DocumentProjectionSpec<D> {
  name: string;
  /** see ProjectionDefinition.version */
  version: number;
  /** the kinds of event it folds */
  reads: readonly EventKind[];
  /** The keys of the documents an event changes (none: the event does not concern the projection). */
  keys(event: ProjectableEvent, rules: Rules): readonly string[];
  /**
   * Folds an event into the document of `key` (null: none yet); null deletes
   * it. Pure, and blind to order and repeats: the same events in any order,
   * any of them more than once, give the same document. The engine folds
   * batches as they arrive (late ones too) and a rebuild folds the event table
   * stream by stream, so a document that depends on order must keep what it
   * needs to decide, e.g. the time of the newest event per contact. Returns
   * the document it was given (the same object, unmodified) when the event
   * changes nothing: no write follows.
   */
  evolve(doc: D | null, event: ProjectableEvent, key: string, rules: Rules): D | null;
  /** The time a document is filed under: range queries, and retention prunes it after that time. Default: none (kept). */
  at?(doc: D): number | null;
  /** Alerts for occurrences that ended, given a document the batch changed (null: deleted). */
  alerts?(key: string, doc: D | null, rules: Rules): Alert[];
  /** Alerts for occurrences still going on at `now`, given every document of the projection (the sweep). */
  ongoingAlerts?(documents: ReadonlyArray<StoredDocument<D>>, now: number, rules: Rules): Alert[];
}

export interface DocumentProjection<D> extends ProjectionDefinition {
  readonly storage: 'documents';
  readonly spec: DocumentProjectionSpec<D>;
}

/** A projection over the generic documents table: the store keeps the latest document per key. */
export function documentProjection<D>(spec: DocumentProjectionSpec<D>): DocumentProjection<D> {
  return {
    name: spec.name,
    version: spec.version,
    reads: spec.reads,
    storage: 'documents',
    changeKey: spec.name,
    spec,

    async plan(events, ctx, plan) {
      const fold = new DocumentFold(spec, ctx.rules);
      await fold.apply(events, (keys) => ctx.projections.getDocuments(spec.name, keys));
      const writes = fold.take();
      if (writes.length === 0) return;
      plan.writes.documents.push(...writes);
      plan.changed.add(spec.name);
      if (spec.alerts) for (const w of writes) plan.alerts.push(...spec.alerts(w.key, w.doc as D | null, ctx.rules));
    },

    replay: (ctx) => new DocumentReplay(spec, ctx),

    async ongoingAlerts(projections, now, rules) {
      if (!spec.ongoingAlerts) return [];
      return spec.ongoingAlerts(await readDocuments<D>(projections, spec.name), now, rules);
    },
  };
}

/** Every document of a projection. */
export async function readDocuments<D>(projections: Pick<ProjectionReader, 'documents'>, name: string): Promise<Array<StoredDocument<D>>> {
  const out: Array<StoredDocument<D>> = [];
  for await (const d of projections.documents(name)) out.push(d as StoredDocument<D>);
  return out;
}

type ReadDocuments = (keys: string[]) => Promise<Map<string, StoredDocument>>;

interface Held<D> {
  doc: D | null;
  /** the stored version (0: none) */
  stored: number;
  /** the document was folded since the last take */
  dirty: boolean;
}

/**
 * Folds events into documents, reading each key's stored document once and
 * holding the result until taken as writes.
 */
export class DocumentFold<D> {
  private readonly held = new Map<string, Held<D>>();

  constructor(
    private readonly spec: DocumentProjectionSpec<D>,
    private readonly rules: Rules,
  ) {}

  get size(): number {
    return this.held.size;
  }

  async apply(events: readonly ProjectableEvent[], read: ReadDocuments): Promise<void> {
    const touched = events.map((e) => ({ event: e, keys: this.spec.keys(e, this.rules) }));
    const missing = [...new Set(touched.flatMap((t) => t.keys))].filter((k) => !this.held.has(k));
    if (missing.length > 0) {
      const stored = await read(missing);
      for (const key of missing) {
        const s = stored.get(key);
        this.held.set(key, { doc: s ? (s.doc as D) : null, stored: s?.version ?? 0, dirty: false });
      }
    }
    for (const { event, keys } of touched) {
      for (const key of keys) {
        const h = this.held.get(key)!;
        const next = this.spec.evolve(h.doc, event, key, this.rules);
        // evolve returns the very document it was given when the event changes nothing (a repeat, an older field): no write
        if (next === h.doc) continue;
        h.doc = next;
        h.dirty = true;
      }
    }
  }

  /** The writes of the documents folded since the last take (documents that were never stored and are null need none). */
  take(): DocumentWrite[] {
    const writes: DocumentWrite[] = [];
    for (const [key, h] of this.held) {
      if (!h.dirty) continue;
      h.dirty = false;
      if (h.doc === null && h.stored === 0) continue;
      const version = h.stored + 1;
      writes.push({
        projection: this.spec.name,
        key,
        doc: h.doc,
        at: h.doc === null ? null : (this.spec.at?.(h.doc) ?? null),
        version,
        expectedVersion: h.stored,
      });
      h.stored = h.doc === null ? 0 : version;
    }
    return writes;
  }

  /** Forgets the documents that were taken (they are in the store once the writes are committed). */
  forgetClean(): void {
    for (const [key, h] of this.held) if (!h.dirty) this.held.delete(key);
  }
}

/** Documents held by a replay before the rebuild flushes: events are folded in chunks of this many. */
const REPLAY_CHUNK = 2_000;

/**
 * Replays a document projection: events folded in chunks; the documents it
 * flushed already are read back from the generation being built, and only
 * those when the generation began empty (nothing else can be there).
 */
class DocumentReplay<D> implements Replay {
  private readonly fold: DocumentFold<D>;
  private pending: ProjectableEvent[] = [];
  /** the keys this replay wrote, when the generation began empty (null: it may hold others, read every key) */
  private readonly written: KeyFilter | null;
  built = 0;

  constructor(
    private readonly spec: DocumentProjectionSpec<D>,
    private readonly ctx: ReplayContext,
  ) {
    this.fold = new DocumentFold(spec, ctx.rules);
    this.written = ctx.fresh ? new KeyFilter() : null;
  }

  apply(event: ProjectableEvent): Promise<void> | void {
    this.pending.push(event);
    if (this.pending.length >= REPLAY_CHUNK) return this.foldPending();
  }

  endStream(): Promise<void> | void {
    if (this.pending.length >= REPLAY_CHUNK) return this.foldPending();
  }

  private async foldPending(): Promise<void> {
    const events = this.pending;
    this.pending = [];
    // documents folded but not flushed are held by the fold; the others are read from the target, or absent
    await this.fold.apply(events, (keys) => this.read(keys));
  }

  private async read(keys: string[]): Promise<Map<string, StoredDocument>> {
    const written = this.written;
    const ask = written ? keys.filter((k) => written.mayHave(k)) : keys;
    return ask.length > 0 ? this.ctx.target.getDocuments(this.spec.name, ask) : new Map();
  }

  get heldOutputs(): number {
    return this.pending.length;
  }

  get heldUnits(): number {
    return this.fold.size;
  }

  async settle(): Promise<void> {
    if (this.pending.length > 0) await this.foldPending();
  }

  take(writes: Required<ProjectionWrites>): void {
    for (const w of this.fold.take()) {
      writes.documents.push(w);
      this.written?.add(w.key);
      if (w.expectedVersion === 0) this.built++;
    }
    this.fold.forgetClean();
  }
}
