import { LRUCache } from 'lru-cache';
import { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKey } from './mongo';

/**
 * Key-first lists (architecture.md, "Reads that do not grow with the data"). FerretDB answers
 * only a filter that is exactly `{_id}` from an index; every other filter reads the whole
 * collection. So a list is kept as numbered slots `<list>:<n>` (n = 1, 2, 3, … without gaps),
 * each written once by an insert under its `_id`, and read as point reads:
 *  - the length is found by probing slots (doubling, then halving: O(log n) reads), and a
 *    bounded cache remembers what was found, so a later count reads only the slots after it;
 *  - a page is a batch of point reads of the slots it covers, run concurrently.
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

/** Reads slots `idOf(from)`, `idOf(from+1)`, … until one is missing; windows of reads run concurrently. */
export async function readSlots<D extends { _id: string }>(model: Model<D>, idOf: (n: number) => string, from: number): Promise<D[]> {
  const found: D[] = [];
  let next = from;
  // An aggregate or list read for the first time usually has a few entries; one read known
  // to be cached usually has none new: start small, double while every slot is there.
  let window = from === 1 ? 4 : 1;
  for (;;) {
    const ids = Array.from({ length: window }, (_, i) => idOf(next + i));
    const docs = await Promise.all(ids.map((_id) => model.findById(_id).lean<D>().exec()));
    for (const doc of docs) {
      if (!doc) return found;
      found.push(doc);
    }
    next += window;
    // Capped: each read holds one of the store's connections while it runs.
    window = Math.min(window * 2, 16);
  }
}

async function exists(model: Model<any>, _id: string): Promise<boolean> {
  return (await model.findById(_id, { _id: 1 }).lean().exec()) !== null;
}

/** How many contiguous slots exist from 1, knowing at least `known` do: O(log n) point reads. */
export async function countSlots(model: Model<any>, idOf: (n: number) => string, known = 0): Promise<number> {
  if (!(await exists(model, idOf(known + 1)))) return known;
  let lo = known + 1; // exists
  let step = 1;
  let hi = lo + step; // unknown
  while (await exists(model, idOf(hi))) {
    lo = hi;
    step *= 2;
    hi = lo + step;
  }
  // lo exists, hi does not: binary search the last that exists.
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (await exists(model, idOf(mid))) lo = mid;
    else hi = mid;
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
   * mark is written after the slot, so a crash between them leaves a slot without a mark; the
   * first append to a list since this process started (a crash is always followed by a start;
   * reads do not count, they may come first) therefore also looks for the item among the
   * list's last `tailCheck` slots. Two writers
   * appending the same item at the same instant (only a consumer-group rebalance can cause
   * that: each list key has one consumer) could both write it; readers that must not count it
   * twice dedupe by `itemId`.
   */
  async append(list: string, itemId: string, data: D, at = new Date()): Promise<number> {
    const markId = `${list}#${itemId}`;
    const mark = (await this.model.findById(markId).lean<SlotMark>().exec()) ?? null;
    if (mark) return mark.n;
    const first = !this.appendedSinceStart.has(list);
    let length = await this.count(list);
    if (first && length > 0) {
      const tail = await this.read(list, Array.from({ length: Math.min(this.tailCheck, length) }, (_, i) => length - i));
      const again = tail.find((e) => e.itemId === itemId);
      if (again) {
        this.appendedSinceStart.set(list, true);
        await this.mark(markId, again.n);
        return again.n;
      }
    }
    for (let attempt = 0; attempt < 1_000; attempt++) {
      const n = length + 1;
      const slot: SlotDoc<D> = { _id: SlotList.slotId(list, n), list, n, itemId, data, at };
      try {
        await this.model.collection.insertOne(slot as never);
        this.lengths.set(list, Math.max(n, this.lengths.get(list) ?? 0));
        this.appendedSinceStart.set(list, true);
        await this.mark(markId, n);
        return n;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        length = await this.count(list, n);
      }
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
    const docs = await Promise.all(numbers.map((n) => this.model.findById(SlotList.slotId(list, n)).lean<SlotDoc<D>>().exec()));
    return docs.flatMap((d) => (d ? [{ n: d.n, itemId: d.itemId, data: d.data, at: d.at }] : []));
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
