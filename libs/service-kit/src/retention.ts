import type { Model } from 'mongoose';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import { MAX_IDS_PER_READ } from './slots';

/**
 * Retention (issue 15): one job that deletes what nothing needs any more, so that the
 * collections of an idle stack stop growing. What may go, and why, is decided per collection
 * (DEVELOPERS.md, "Retention"); anything a read path, a rule of the law (journals, timelines,
 * replies: R7, R9, R11) or idempotence still needs is never a rule here.
 *
 * How a rule reads: an admin job (architecture.md allows a full read there, never on a hot
 * path), so it streams its collection once with a cursor in bounded batches, projected to the
 * fields it judges by. Not `_id`-ordered keyset pages: FerretDB pushes neither ranges nor sorts
 * down, so every page would read the whole collection again (n²/batch); one cursor reads it
 * once. Deletes are `{_id: {$in: [...]}}` of at most MAX_IDS_PER_READ ids — point deletes.
 */
export interface RetentionRule<D extends { _id: string } = { _id: string } & Record<string, unknown>> {
  /** The label of its logs and metric, usually the scanned collection. */
  name: string;
  /** The collection streamed (and, unless `remove` cascades, pruned). */
  model: Model<any>;
  /** Fields besides `_id` that `select` judges by (the projection of the scan). */
  fields: readonly string[];
  /**
   * Called once per run before the scan: a reason to skip this rule this run (e.g. the broker
   * cannot say how long it keeps messages), or null to go on.
   */
  begin?(now: Date): Promise<string | null>;
  /** The `_id`s of this batch that may go at `now`: pure, or with point reads of what they depend on. */
  select(docs: readonly D[], now: Date): string[] | Promise<string[]>;
  /**
   * Deletes the selected ids, dependents first (a crash half-way leaves the scanned document,
   * so the next run finds it again). Returns how many documents went. Default: by `_id` from `model`.
   */
  remove?(ids: readonly string[]): Promise<number>;
}

/** What one rule did in one run. */
export interface RuleReport {
  scanned: number;
  pruned: number;
  /** Why the rule did not run (nothing was read or deleted). */
  skipped?: string;
}

export type RetentionReport = Record<string, RuleReport>;

/** A date at least `horizonMs` before `now` (inclusive): old enough to go. Missing or invalid dates are never old enough. */
export function olderThan(date: Date | string | null | undefined, horizonMs: number, now: Date): boolean {
  if (date === null || date === undefined) return false;
  const t = date instanceof Date ? date.getTime() : Date.parse(date);
  if (!Number.isFinite(t)) return false;
  return t <= now.getTime() - horizonMs;
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/**
 * A rule that drops documents whose date field is past the horizon, and nothing else. For
 * records whose age alone settles it (inbox ids, dead-letter markers).
 */
export function ageRule(name: string, model: Model<any>, field: string, horizonMs: number | (() => number)): RetentionRule {
  const horizon = typeof horizonMs === 'number' ? () => horizonMs : horizonMs;
  return {
    name,
    model,
    fields: [field],
    select: (docs, now) => docs.filter((d) => olderThan(d[field] as Date | undefined, horizon(), now)).map((d) => d._id),
  };
}

/** Deletes documents by `_id` in chunks of at most MAX_IDS_PER_READ (each a batch of point deletes). */
export async function deleteByIds(model: Model<any>, ids: readonly string[]): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < ids.length; i += MAX_IDS_PER_READ) {
    const chunk = ids.slice(i, i + MAX_IDS_PER_READ);
    const res = await model.collection.deleteMany({ _id: { $in: chunk } } as never);
    deleted += res.deletedCount ?? 0;
  }
  return deleted;
}

export interface RetentionOptions {
  logger: Logger;
  metrics?: Metrics;
  /** Documents per cursor batch (and so at most per delete): bounds memory per step. */
  batchSize?: number;
  clock?: () => Date;
}

export class RetentionJob {
  private running: Promise<RetentionReport> | null = null;
  /** Set by the stop: a run in progress ends after its current batch (a stopping service waits for nothing longer). */
  private stopping = false;
  private readonly batchSize: number;
  private readonly clock: () => Date;

  constructor(
    readonly rules: readonly RetentionRule<any>[],
    private readonly options: RetentionOptions,
  ) {
    this.batchSize = Math.max(1, Math.min(options.batchSize ?? MAX_IDS_PER_READ, MAX_IDS_PER_READ));
    this.clock = options.clock ?? (() => new Date());
  }

  /** Runs every rule once; a run already going is joined, never doubled (timer and command alike). */
  runOnce(): Promise<RetentionReport> {
    this.running ??= this.run().finally(() => (this.running = null));
    return this.running;
  }

  /**
   * Runs the job every `intervalMs`, the first time after `firstDelayMs` (not at start: a
   * starting service has its start-up loads to do first). Returns the stop, which waits for a
   * run in progress. A failing run is logged and the next one tries again.
   */
  start(intervalMs: number, firstDelayMs: number): () => Promise<void> {
    let timer: NodeJS.Timeout | null = null;
    let stopped = false;
    const schedule = (ms: number) => {
      if (stopped) return;
      timer = setTimeout(() => {
        this.runOnce()
          .catch((err: unknown) => this.options.logger.error({ err }, 'retention run failed'))
          .finally(() => schedule(intervalMs));
      }, ms);
      timer.unref();
    };
    schedule(firstDelayMs);
    return async () => {
      stopped = true;
      this.stopping = true;
      if (timer) clearTimeout(timer);
      await this.running?.catch(() => undefined);
    };
  }

  private async run(): Promise<RetentionReport> {
    const t0 = Date.now();
    const now = this.clock();
    const report: RetentionReport = {};
    for (const rule of this.rules) {
      if (this.stopping) break;
      // One rule failing (e.g. its collection being dropped) must not hold the others.
      try {
        report[rule.name] = await this.runRule(rule, now);
      } catch (err) {
        this.options.logger.error({ err, rule: rule.name }, 'retention rule failed');
        report[rule.name] = { scanned: -1, pruned: 0 };
      }
    }
    const pruned = Object.values(report).reduce((n, r) => n + r.pruned, 0);
    this.options.logger.info({ report, pruned, ms: Date.now() - t0 }, 'retention run');
    this.options.metrics?.retentionLastRun.set(Math.floor(Date.now() / 1000));
    return report;
  }

  private async runRule(rule: RetentionRule<any>, now: Date): Promise<RuleReport> {
    const skipped = rule.begin ? await rule.begin(now) : null;
    if (skipped) return { scanned: 0, pruned: 0, skipped };
    const projection: Record<string, 1> = { _id: 1 };
    for (const f of rule.fields) projection[f] = 1;
    const cursor = rule.model.collection.find({}, { projection, batchSize: this.batchSize });
    const result: RuleReport = { scanned: 0, pruned: 0 };
    let batch: Array<{ _id: string }> = [];
    const flush = async () => {
      if (!batch.length) return;
      const ids = await rule.select(batch, now);
      batch = [];
      if (!ids.length) return;
      const n = rule.remove ? await rule.remove(ids) : await deleteByIds(rule.model, ids);
      result.pruned += n;
      this.options.metrics?.retentionPruned.inc({ collection: rule.name }, n);
    };
    try {
      for await (const doc of cursor) {
        result.scanned++;
        batch.push(doc as unknown as { _id: string });
        if (batch.length >= this.batchSize) await flush();
        if (this.stopping) break;
      }
      await flush();
    } finally {
      await cursor.close().catch(() => undefined);
    }
    return result;
  }
}
