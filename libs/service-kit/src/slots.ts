import DataLoader from 'dataloader';
import { LRUCache } from 'lru-cache';
import { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKey } from './mongo';

/**
 * Key-first lists (architecture.md, "Reads that do not grow with the data"). FerretDB answers
 * only a filter that is exactly `{_id}` from an index; every other filter reads the whole
 * collection. So a list is kept as numbered slots `<list>:<n>` (n = 1, 2, 3, … without gaps),
 * each written once by an insert under its `_id`, and read as point reads:
 *  - the length is found by probing slots (countSlots: the next 8 in one read, then
 *    exponential probes and narrowing, each round one `{_id: {$in}}` read), and a bounded
 *    cache remembers what was found, so a later count reads only the slots after it;
 *  - a page is one batched read of the slots it covers (readByIds / pointReader).
 * Exact counts come from the slots, never from `$inc` (which FerretDB can lose).
 */

/**
 * The first of each item by `key`, in order. SlotList#append is idempotent for one writer at a
 * time; two writers appending the same item at the same instant (a rebalance) may each take a
 * slot, so readers of `read`/`page` that must not see an item twice pass what they read here.
 */
export function firstOfEach<T>(items: readonly T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((t) => {
    const k = key(t);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * At most this many ids go into one `{_id: {$in}}` read. FerretDB pushes `$in` of up to 1000
 * string ids down to its `_id` index (tools/infra/ferretdb/patches/0003); MongoDB uses its
 * `_id` index for any number.
 */
export const MAX_IDS_PER_READ = 500;

/**
 * The documents with the given `_id`s, by `_id` (missing ones absent): one command per
 * MAX_IDS_PER_READ ids — a batch of point reads costs one round trip, not one per id.
 */
export async function readByIds<D extends { _id: string }>(
  model: Model<any>,
  ids: readonly string[],
  projection?: Record<string, 0 | 1>,
): Promise<Map<string, D>> {
  const unique = [...new Set(ids)];
  const chunks: string[][] = [];
  for (let i = 0; i < unique.length; i += MAX_IDS_PER_READ) chunks.push(unique.slice(i, i + MAX_IDS_PER_READ));
  const found = new Map<string, D>();
  const results = await Promise.all(
    chunks.map((chunk) =>
      model.collection
        // batchSize: every document in the first reply, no getMore round trip.
        .find((chunk.length === 1 ? { _id: chunk[0] } : { _id: { $in: chunk } }) as Record<string, unknown>, { batchSize: chunk.length + 1, ...(projection ? { projection } : {}) })
        .toArray(),
    ),
  );
  for (const docs of results) for (const d of docs) found.set(String(d._id), d as unknown as D);
  return found;
}

const pointReaders = new WeakMap<object, DataLoader<string, unknown>>();

/**
 * The point reads of one collection, coalesced: whatever any request or consumer of this
 * process asks for in the same turn of the event loop goes out as one `{_id: {$in}}` read
 * (readByIds). Not a cache (`cache: false`): each turn reads afresh, so no write is missed.
 * Request-scoped caching stays with RequestLoaders.
 */
export function pointReader<D extends { _id: string }>(model: Model<any>): DataLoader<string, D | null> {
  let loader = pointReaders.get(model.collection);
  if (!loader) {
    loader = new DataLoader<string, unknown>(
      async (ids) => {
        const found = await readByIds<D>(model, ids);
        return ids.map((id) => found.get(id) ?? null);
      },
      { cache: false, maxBatchSize: MAX_IDS_PER_READ, batchScheduleFn: (run) => setImmediate(run) },
    );
    pointReaders.set(model.collection, loader);
  }
  return loader as DataLoader<string, D | null>;
}

/** The documents with these `_id`s, by `_id`, read together with every other point read of this turn. */
export async function readPoints<D extends { _id: string }>(model: Model<any>, ids: readonly string[]): Promise<Map<string, D>> {
  const docs = await pointReader<D>(model).loadMany(ids);
  const found = new Map<string, D>();
  for (const doc of docs) {
    if (doc instanceof Error) throw doc;
    if (doc) found.set(doc._id, doc);
  }
  return found;
}

/** One document by `_id`, read together with every other point read of this turn; null when absent. */
export async function readPoint<D extends { _id: string }>(model: Model<any>, id: string): Promise<D | null> {
  return pointReader<D>(model).load(id);
}

/** Numbers from `from` on, `count` of them. */
function range(from: number, count: number): number[] {
  return Array.from({ length: Math.max(0, count) }, (_, i) => from + i);
}

/** Reads slots `idOf(from)`, `idOf(from+1)`, … until one is missing: one read per growing window. */
export async function readSlots<D extends { _id: string }>(model: Model<D>, idOf: (n: number) => string, from: number): Promise<D[]> {
  const found: D[] = [];
  let next = from;
  // An aggregate or list read for the first time usually has a few entries; one read known
  // to be cached usually has none or one new: start small, widen while every slot is there.
  let window = from === 1 ? 8 : 2;
  for (;;) {
    const ids = range(next, window).map(idOf);
    const docs = await readPoints<D>(model, ids);
    for (const id of ids) {
      const doc = docs.get(id);
      if (!doc) return found;
      found.push(doc);
    }
    next += window;
    window = Math.min(window * 4, 256);
  }
}

/** How many of `numbers` (ascending) exist before the first that does not. */
async function existingPrefix(model: Model<any>, idOf: (n: number) => string, numbers: number[]): Promise<number> {
  const docs = await readPoints(model, numbers.map(idOf));
  const missing = numbers.findIndex((n) => !docs.has(idOf(n)));
  return missing === -1 ? numbers.length : missing;
}

/**
 * How many contiguous slots exist from 1, knowing at least `known` do. Slots are gapless, so
 * existence is monotone: the next 8 are read at once (a cached count usually ends there);
 * a longer list is bracketed by exponential probes in one read and narrowed 32 points a read
 * — about four reads for a list of 10 000 counted cold.
 */
export async function countSlots(model: Model<any>, idOf: (n: number) => string, known = 0): Promise<number> {
  const next = range(known + 1, 8);
  const present = await existingPrefix(model, idOf, next);
  if (present < next.length) return known + present;
  let lo = known + next.length; // exists
  const probes: number[] = [];
  for (let step = 8; lo + step < 2 ** 31; step *= 2) probes.push(lo + step);
  const reached = await existingPrefix(model, idOf, probes);
  if (reached > 0) lo = probes[reached - 1]!;
  let hi = probes[reached] ?? 2 ** 31; // does not exist
  while (hi - lo > 1) {
    const span = hi - lo - 1;
    const count = Math.min(32, span);
    const points = [...new Set(range(1, count).map((i) => lo + Math.max(1, Math.round((i * (span + 1)) / (count + 1)))))].filter((p) => p > lo && p < hi);
    const k = await existingPrefix(model, idOf, points);
    if (k > 0) lo = points[k - 1]!;
    if (k < points.length) hi = points[k]!;
  }
  return lo;
}

/** One entry of a list. `itemId` makes appending idempotent; `data` is the entry. */
export interface SlotDoc<D> {
  _id: string;
  list: string;
  n: number;
  itemId: string;
  data: D;
  at: Date;
}

/** Where an item went: its slot number, found by `<list>#<itemId>`. */
interface SlotMark {
  _id: string;
  n: number;
}

export interface SlotEntry<D> {
  n: number;
  itemId: string;
  data: D;
  at: Date;
}

export interface SlotListOptions {
  /** Lists whose length is remembered (least recently used go first). */
  cacheSize?: number;
  /** On the first append to a list since start, how many of its last slots are checked for the item (see append). */
  tailCheck?: number;
}

/**
 * Insert-only numbered lists in one collection: slots `<list>:<n>` and marks `<list>#<itemId>`.
 * Any number of writers may append to one list: a slot is taken by inserting it, a taken slot
 * (duplicate key) sends the writer to the next one.
 */
export class SlotList<D> {
  readonly model: Model<SlotDoc<D> | SlotMark>;
  private readonly lengths: LRUCache<string, number>;
  /** Lists this process has appended to since it started (see append). */
  private readonly appendedSinceStart: LRUCache<string, true>;
  private readonly tailCheck: number;

  constructor(conn: Connection, collection: string, options: SlotListOptions = {}) {
    const schema = new Schema({ _id: String }, { strict: false, versionKey: false, collection });
    const name = `SlotList:${collection}`;
    this.model = (conn.models[name] as Model<SlotDoc<D> | SlotMark> | undefined) ?? conn.model<SlotDoc<D> | SlotMark>(name, schema);
    this.lengths = new LRUCache<string, number>({ max: options.cacheSize ?? 50_000 });
    this.appendedSinceStart = new LRUCache<string, true>({ max: options.cacheSize ?? 50_000 });
    this.tailCheck = options.tailCheck ?? 8;
  }

  static slotId(list: string, n: number): string {
    return `${list}:${String(n).padStart(8, '0')}`;
  }

  private idOf(list: string): (n: number) => string {
    return (n) => SlotList.slotId(list, n);
  }

  /**
   * Appends the item once: a redelivered item finds its mark and is not appended again. The
   * mark is written after the slot (one ordered insert, not atomic on every store), so a crash
   * between them can leave a slot without a mark; the
   * first append to a list since this process started (a crash is always followed by a start;
   * reads do not count, they may come first) therefore also looks for the item among the
   * list's last `tailCheck` slots. Two writers
   * appending the same item at the same instant (only a consumer-group rebalance can cause
   * that: each list key has one consumer) could both write it; readers that must not count it
   * twice dedupe by `itemId`.
   */
  async append(list: string, itemId: string, data: D, at = new Date()): Promise<number> {
    return (await this.add(list, itemId, data, at)).n;
  }

  /** As append, and says whether the item is new (false: it was in the list already). */
  async add(list: string, itemId: string, data: D, at = new Date()): Promise<{ n: number; added: boolean }> {
    const markId = `${list}#${itemId}`;
    const first = !this.appendedSinceStart.has(list);
    const known = this.lengths.get(list) ?? 0;
    // One read: the item's mark, and the slots after what is known of the list.
    const ahead = range(known + 1, 8);
    const docs = await readPoints<SlotDoc<D> | SlotMark>(this.model, [markId, ...ahead.map((n) => SlotList.slotId(list, n))]);
    const mark = docs.get(markId) as SlotMark | undefined;
    if (mark) return { n: mark.n, added: false };
    const present = ahead.findIndex((n) => !docs.has(SlotList.slotId(list, n)));
    let length = present === -1 ? await this.count(list, known + ahead.length) : known + present;
    if (first && length > 0) {
      const tailNumbers = range(Math.max(1, length - this.tailCheck + 1), Math.min(this.tailCheck, length));
      const unread = tailNumbers.filter((n) => !docs.has(SlotList.slotId(list, n)));
      const tail = [
        ...tailNumbers.flatMap((n) => {
          const d = docs.get(SlotList.slotId(list, n)) as SlotDoc<D> | undefined;
          return d ? [{ n: d.n, itemId: d.itemId }] : [];
        }),
        ...(unread.length ? await this.read(list, unread) : []),
      ];
      const again = tail.find((e) => e.itemId === itemId);
      if (again) {
        this.appendedSinceStart.set(list, true);
        await this.mark(markId, again.n);
        return { n: again.n, added: false };
      }
    }
    for (let attempt = 0; attempt < 1_000; attempt++) {
      const n = length + 1;
      const slot: SlotDoc<D> = { _id: SlotList.slotId(list, n), list, n, itemId, data, at };
      try {
        // One ordered insert: the slot, then its mark; a taken slot stops it before the mark.
        await this.model.collection.insertMany([slot, { _id: markId, n }] as never[], { ordered: true });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        if (failedIndex(err) !== 1) {
          length = await this.count(list, n);
          continue;
        }
        // The slot is ours but the mark was taken: a second writer appended the same item at
        // the same instant (see above); readers dedupe by itemId.
      }
      this.lengths.set(list, Math.max(n, this.lengths.get(list) ?? 0));
      this.appendedSinceStart.set(list, true);
      return { n, added: true };
    }
    throw new Error(`could not append to ${list}: too much contention`);
  }

  /** The list's length, exact: the number of its slots. */
  async count(list: string, atLeast = 0): Promise<number> {
    const known = Math.max(atLeast, this.lengths.get(list) ?? 0);
    const n = await countSlots(this.model, this.idOf(list), known);
    this.lengths.set(list, n);
    return n;
  }

  /** Entries at the given slot numbers (missing ones left out), in the order asked. */
  async read(list: string, numbers: number[]): Promise<SlotEntry<D>[]> {
    const docs = await readPoints<SlotDoc<D>>(this.model, numbers.map((n) => SlotList.slotId(list, n)));
    return numbers.flatMap((n) => {
      const d = docs.get(SlotList.slotId(list, n));
      return d ? [{ n: d.n, itemId: d.itemId, data: d.data, at: d.at }] : [];
    });
  }

  /**
   * A page of the list: `limit` entries starting after slot `after` (oldest first), or the
   * newest first when `newestFirst` (then `after` counts from the end). Returns the total too.
   */
  async page(list: string, opts: { after?: number; limit: number; newestFirst?: boolean }): Promise<{ total: number; entries: SlotEntry<D>[] }> {
    const total = await this.count(list);
    const after = Math.max(0, opts.after ?? 0);
    const numbers: number[] = [];
    for (let i = 1; i <= opts.limit; i++) {
      const n = opts.newestFirst ? total - after - i + 1 : after + i;
      if (n < 1 || n > total) break;
      numbers.push(n);
    }
    return { total, entries: await this.read(list, numbers) };
  }

  /** Every entry of the list, each item once (for lists known to be short, e.g. one complaint's facts). */
  async all(list: string): Promise<SlotEntry<D>[]> {
    const docs = await readSlots(this.model as Model<SlotDoc<D>>, this.idOf(list), 1);
    this.lengths.set(list, Math.max(docs.length, this.lengths.get(list) ?? 0));
    // The first slot of an item wins (see append: a rebalance can write an item twice).
    return firstOfEach(docs, (d) => d.itemId).map((d) => ({ n: d.n, itemId: d.itemId, data: d.data, at: d.at }));
  }

  private async mark(_id: string, n: number): Promise<void> {
    try {
      await this.model.collection.insertOne({ _id, n } as never);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
}

/** The index in an ordered insertMany of the document that failed (0 for a single insert). */
function failedIndex(err: unknown): number {
  const writeErrors = (err as { writeErrors?: { index?: number } | { index?: number }[] }).writeErrors;
  const first = Array.isArray(writeErrors) ? writeErrors[0] : writeErrors;
  return first?.index ?? 0;
}
