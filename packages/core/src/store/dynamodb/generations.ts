import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { StoredEvent } from '../../model.js';
import { VersionConflictError } from '../errors.js';
import { orderedWithinTime } from '../ordering.js';
import type { ProjectionVersions, RebuildCheckpoint } from '../ports.js';
import { queryAll, sleep } from './batch.js';
import type { ProjectionContext } from './context.js';
import { DynamoProjections, genKey } from './projections.js';

const CATCH_UP_CHUNK = 500;

export interface GenerationOptions {
  /** how long the current generation number may be cached; default 1000 ms */
  generationCacheMs?: number;
  /**
   * After switching generations, how long to wait for projector invocations
   * that still write the old generation before the second catch-up pass;
   * default 5000 ms.
   */
  settleMs?: number;
  /**
   * Catch-up passes also take events inserted this long before their start
   * (appends that were in flight, index propagation); default 120 s.
   */
  catchUpMarginMs?: number;
}

/**
 * Generations of projections in the projections table: meta / meta names the
 * current one, gen / <N> records each (rules hash, projection versions, when
 * it was built, where its rebuild's scan began). A rebuild fills a new
 * generation, catches it up and switches to it.
 */
export class DynamoGenerations {
  private cached: { projections: DynamoProjections; at: number } | null = null;
  private readonly building = new Map<number, DynamoProjections>();

  constructor(
    private readonly ctx: ProjectionContext,
    private readonly options: GenerationOptions,
    private readonly now: () => number,
    /** events inserted into the event table at or after `since` (ms), streams whole and in index order */
    private readonly insertedSince: (since: number) => AsyncIterable<StoredEvent>,
  ) {}

  private get doc() {
    return this.ctx.doc;
  }

  private get tables() {
    return this.ctx.tables;
  }

  /** The current generation number (1 until a rebuild switches). */
  async currentGeneration(): Promise<number> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tables.projections, Key: { pk: 'meta', sk: 'meta' }, ConsistentRead: true }));
    return typeof out.Item?.current === 'number' ? out.Item.current : 1;
  }

  /**
   * The projections of the current generation. A handler should take it once
   * per batch, so that planning and commit use the same generation.
   */
  async current(): Promise<DynamoProjections> {
    const maxAge = this.options.generationCacheMs ?? 1000;
    // real time, not the store's (injectable) clock
    if (this.cached && Date.now() - this.cached.at < maxAge) return this.cached.projections;
    const generation = await this.currentGeneration();
    const projections = this.cached?.projections.generation === generation ? this.cached.projections : new DynamoProjections(this.ctx, generation);
    this.cached = { projections, at: Date.now() };
    return projections;
  }

  private async generations(): Promise<Array<{ n: number; scanFrom: number | null; checkpoint: RebuildCheckpoint | null }>> {
    const items = await queryAll(this.doc, {
      TableName: this.tables.projections,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'gen' },
      ConsistentRead: true,
    });
    return items.map((i) => ({
      n: Number(i.sk),
      scanFrom: typeof i.scanFrom === 'number' ? i.scanFrom : null,
      checkpoint: i.state === 'building' && typeof i.checkpoint === 'string' ? (JSON.parse(i.checkpoint) as RebuildCheckpoint) : null,
    }));
  }

  /** Records where a rebuild stopped, on its generation: only while that generation is still being built. */
  async saveCheckpoint(checkpoint: RebuildCheckpoint): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tables.projections,
        Key: genKey(checkpoint.generation),
        UpdateExpression: 'SET checkpoint = :c',
        ConditionExpression: '#state = :building',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':c': JSON.stringify(checkpoint), ':building': 'building' },
      }),
    );
  }

  /** The newest generation still being built with a checkpoint (a rebuild that stopped to continue later), if any. */
  async pending(): Promise<{ checkpoint: RebuildCheckpoint; target: DynamoProjections } | null> {
    const current = await this.currentGeneration();
    const found = (await this.generations()).filter((g) => g.checkpoint && g.n !== current).sort((a, b) => b.n - a.n)[0];
    if (!found) return null;
    const target = this.building.get(found.n) ?? new DynamoProjections(this.ctx, found.n, false);
    this.building.set(found.n, target);
    return { checkpoint: found.checkpoint!, target };
  }

  async begin(rulesHash: string, versions?: ProjectionVersions): Promise<DynamoProjections> {
    const current = await this.currentGeneration();
    const gens = await this.generations();
    for (const g of gens) if (g.n !== current) await this.dropData(g.n);
    const next = Math.max(current, ...gens.map((g) => g.n)) + 1;
    await this.doc.send(
      new PutCommand({
        TableName: this.tables.projections,
        Item: { ...genKey(next), n: next, rulesHash, ...(versions ? { versions } : {}), state: 'building', scanFrom: this.now() - this.margin() },
      }),
    );
    const target = new DynamoProjections(this.ctx, next, false);
    this.building.set(next, target);
    return target;
  }

  /**
   * Catch-up pass 1 (events inserted since the rebuild's scan began), then the
   * switch, then pass 2 (events inserted around the switch, which projector
   * invocations that read the old generation number may have missed), then
   * the old generations are deleted. Events handed over twice are harmless:
   * the projector re-folds idempotently.
   */
  async switchTo(generation: number, rulesHash: string, catchUp: (events: StoredEvent[]) => Promise<void>): Promise<void> {
    const gens = await this.generations();
    const gen = gens.find((g) => g.n === generation);
    if (!gen) throw new Error(`generation ${generation} does not exist (was it dropped?)`);
    const target = this.building.get(generation) ?? new DynamoProjections(this.ctx, generation, false);
    const pass1 = this.now();
    await this.catchUpSince(gen.scanFrom ?? 0, catchUp, false);

    const previous = await this.currentGeneration();
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tables.projections,
        Key: genKey(generation),
        UpdateExpression: 'SET rulesHash = :h, builtAt = :t, #state = :s',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':h': rulesHash, ':t': this.now(), ':s': 'current' },
      }),
    );
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tables.projections,
        Key: { pk: 'meta', sk: 'meta' },
        UpdateExpression: 'SET #current = :g',
        ConditionExpression: 'attribute_not_exists(#current) OR #current = :prev',
        ExpressionAttributeNames: { '#current': 'current' },
        ExpressionAttributeValues: { ':g': generation, ':prev': previous },
      }),
    );
    target.conditional = true;
    this.building.delete(generation);
    this.cached = { projections: target, at: Date.now() };

    await sleep(this.options.settleMs ?? 5000);
    await this.catchUpSince(pass1 - this.margin(), catchUp, true);
    for (const g of gens) if (g.n !== generation) await this.dropData(g.n);
    if (!gens.some((g) => g.n === previous) && previous !== generation) await this.dropData(previous);
  }

  async drop(generation: number): Promise<void> {
    if (generation === (await this.currentGeneration())) return;
    this.building.delete(generation);
    await this.dropData(generation);
  }

  private async dropData(generation: number): Promise<void> {
    const p = new DynamoProjections(this.ctx, generation, false);
    await p.deleteAll();
    await p.deleteGenerationItem();
  }

  private margin(): number {
    return this.options.catchUpMarginMs ?? 120_000;
  }

  /** Hands events inserted at or after `since` to `fn`, in chunks, grouped by stream and in order. */
  private async catchUpSince(since: number, fn: (events: StoredEvent[]) => Promise<void>, retryConflicts: boolean): Promise<void> {
    let chunk: StoredEvent[] = [];
    const flush = async () => {
      if (chunk.length === 0) return;
      const events = chunk;
      chunk = [];
      for (let attempt = 0; ; attempt++) {
        try {
          return await fn(events);
        } catch (err) {
          if (!(retryConflicts && err instanceof VersionConflictError && attempt < 5)) throw err;
          await sleep(50 * 2 ** attempt);
        }
      }
    };
    for await (const e of orderedWithinTime(this.insertedSince(since))) {
      chunk.push(e);
      if (chunk.length >= CATCH_UP_CHUNK) await flush();
    }
    await flush();
  }
}
