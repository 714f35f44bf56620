/**
 * The store part: what one query shape costs as a collection grows, with the engine's own plan.
 * Ids are drawn at random over the whole collection (SQLite stops early on the first rows of a
 * scan with limit 1, so reading the first ids inserted hides a scan). Each shape runs at most
 * `runs` times and at most `budgetMs` per size (a scan at 100 000 documents costs seconds):
 * the median of what ran is reported with the count.
 */
import type { mongo } from 'mongoose';

type Db = mongo.Db;
type Document = mongo.Document;
type Filter<T> = mongo.Filter<T>;

export interface Probe {
  _id: string;
  key: string;
  n: number;
  payload: string;
}

/** One query shape a service uses on a hot path: how to run it and how to explain it. */
export interface Shape {
  name: string;
  /** What it stands for in the services (kept short; the README explains). */
  stands: string;
  run: (db: Db, pick: () => string, size: number) => Promise<unknown>;
  /** The `find` filter to explain (a shape with several commands explains its first). */
  explain?: (pick: () => string) => Document;
  /** Skip at sizes above this (shapes known to scan; their cost is clear well before). */
  maxSize?: number;
}

const probe = (db: Db) => db.collection<Probe>('probe');
const keyOf = (id: string) => `k${Number(id.slice(1)) % 5_000}`;

/**
 * The hot query shapes, by name → a filter on a collection. The key-first model (issue 13) makes
 * every per-event, per-request and per-tick read a point read by `_id`; the last rows are the
 * shapes it replaces, for contrast. Add a row when a service starts using a new shape.
 */
export const SHAPES: Shape[] = [
  { name: 'findOne by _id', stands: 'aggregate state, slot, journal entry, complaint facts', run: (db, pick) => probe(db).findOne({ _id: pick() }), explain: (pick) => ({ _id: pick() }) },
  { name: 'updateOne by _id', stands: 'a single writer replacing its keyed document', run: (db, pick) => probe(db).updateOne({ _id: pick() }, { $set: { payload: 'y'.repeat(200) } }), explain: (pick) => ({ _id: pick() }) },
  {
    name: '50 point reads by _id, concurrently',
    stands: 'a page of 50 (journal, myComplaints) or a DataLoader batch',
    run: (db, pick) => Promise.all(Array.from({ length: 50 }, () => probe(db).findOne({ _id: pick() }))),
    explain: (pick) => ({ _id: pick() }),
  },
  { name: 'find {_id: {$in: [50 ids]}}', stands: 'a batch of point reads in one command: DataLoader batches, slot windows, journal pages (FerretDB patch 0003)', run: (db, pick) => probe(db).find({ _id: { $in: Array.from({ length: 50 }, pick) } }).toArray(), explain: (pick) => ({ _id: { $in: [pick(), pick()] } }) },
  { name: 'findOne {_id: {$eq: id}}', stands: 'an _id read written with $eq (pushed down by patch 0003)', run: (db, pick) => probe(db).findOne({ _id: { $eq: pick() } }), explain: (pick) => ({ _id: { $eq: pick() } }) },
  { name: 'find by an indexed field', stands: 'the old model: event log by aggregate, facts by complaint', run: (db, pick) => probe(db).find({ key: keyOf(pick()) }).toArray(), explain: (pick) => ({ key: keyOf(pick()) }), maxSize: 20_000 },
  { name: 'countDocuments by an indexed field', stands: 'the old model: counts by a field', run: (db, pick) => probe(db).countDocuments({ key: keyOf(pick()) }), explain: (pick) => ({ key: keyOf(pick()) }), maxSize: 20_000 },
];

/** The plan FerretDB (or MongoDB) reports, as short text: SQLite's SEARCH … USING INDEX / SCAN lines, or MongoDB's stages. */
export async function planOf(db: Db, collection: string, filter: Document): Promise<{ plan: string; indexed: boolean; pushdown: boolean | null }> {
  try {
    const e = await db.command({ explain: { find: collection, filter, limit: 1 } });
    const text = JSON.stringify(e.queryPlanner ?? e);
    const sqlite = [...text.matchAll(/\b(SEARCH|SCAN) [^"\\]*/g)].map((m) => m[0].trim());
    const stages = [...text.matchAll(/"stage":"(\w+)"/g)].map((m) => m[1]);
    const plan = sqlite.length ? sqlite.join('; ') : stages.length ? stages.join(' → ') : text.slice(0, 160);
    const indexed = sqlite.length ? sqlite.every((l) => /USING (INDEX|INTEGER PRIMARY KEY|PRIMARY KEY|COVERING INDEX)/.test(l)) : stages.includes('IXSCAN') || stages.includes('IDHACK') || stages.includes('EXPRESS_IXSCAN');
    return { plan, indexed, pushdown: typeof e.filterPushdown === 'boolean' ? e.filterPushdown : null };
  } catch (err) {
    return { plan: `explain failed: ${(err as Error).message.slice(0, 120)}`, indexed: false, pushdown: null };
  }
}

/** Median of up to `runs` timed calls within `budgetMs` (at least one call). */
export async function medianMs(fn: (i: number) => Promise<unknown>, runs = 21, budgetMs = 20_000): Promise<{ ms: number; runs: number }> {
  const times: number[] = [];
  const until = performance.now() + budgetMs;
  for (let i = 0; i < runs && (i === 0 || performance.now() < until); i++) {
    const t = performance.now();
    await fn(i);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { ms: Math.round(times[Math.floor((times.length - 1) / 2)]! * 100) / 100, runs: times.length };
}

export interface ShapeRow {
  shape: string;
  stands: string;
  documents: number;
  medianMs: number | null;
  runs: number;
  plan: string;
  indexed: boolean;
  pushdown: boolean | null;
  skipped?: string;
}

/** Grows `probe` in `db` through `sizes` (random ids drawn over all documents) and times every shape at each size. */
export async function storeShapes(db: Db, sizes: number[], say: (m: string) => void, opts: { runs?: number; budgetMs?: number } = {}): Promise<ShapeRow[]> {
  const col = probe(db);
  await col.createIndex({ key: 1 });
  const rows: ShapeRow[] = [];
  let n = 0;
  for (const size of sizes) {
    const t0 = Date.now();
    while (n < size) {
      // Ids in random order of insertion too, so that neither end of the table is special.
      const batch = Array.from({ length: Math.min(1_000, size - n) }, (_, j) => ({ _id: `d${n + j}`, key: `k${(n + j) % 5_000}`, n: n + j, payload: 'x'.repeat(200) }));
      await col.insertMany(batch, { ordered: false });
      n += batch.length;
    }
    say(`store: ${size} documents (inserted in ${Math.round((Date.now() - t0) / 1000)} s)`);
    const pick = () => `d${Math.floor(Math.random() * size)}`;
    for (const s of SHAPES) {
      const { plan, indexed, pushdown } = s.explain ? await planOf(db, 'probe', s.explain(pick)) : { plan: '—', indexed: false, pushdown: null };
      if (s.maxSize !== undefined && size > s.maxSize) {
        rows.push({ shape: s.name, stands: s.stands, documents: size, medianMs: null, runs: 0, plan, indexed, pushdown, skipped: `not timed above ${s.maxSize} documents` });
        continue;
      }
      const m = await medianMs(() => s.run(db, pick, size), opts.runs ?? 21, opts.budgetMs ?? 20_000);
      rows.push({ shape: s.name, stands: s.stands, documents: size, medianMs: m.ms, runs: m.runs, plan, indexed, pushdown });
    }
  }
  return rows;
}

export interface CollectionRow {
  service: string;
  collection: string;
  documents: number;
  byIdMs: number | null;
  runs: number;
  plan: string;
  indexed: boolean;
}

/**
 * Every collection of the services' databases as the stack left it: a point read by a random
 * existing `_id` (ids read once beforehand, outside the timing), its median and plan.
 */
export async function collectionsById(dbs: Array<{ service: string; db: Db }>, opts: { runs?: number; budgetMs?: number } = {}): Promise<CollectionRow[]> {
  const rows: CollectionRow[] = [];
  for (const { service, db } of dbs) {
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).filter((c) => !c.startsWith('system.')).sort();
    for (const name of names) {
      const col = db.collection(name);
      const ids = (await col.find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id);
      if (!ids.length) {
        rows.push({ service, collection: name, documents: 0, byIdMs: null, runs: 0, plan: '—', indexed: false });
        continue;
      }
      const pick = () => ids[Math.floor(Math.random() * ids.length)];
      const { plan, indexed } = await planOf(db, name, { _id: pick() });
      const m = await medianMs(() => col.findOne({ _id: pick() } as Filter<Document>), opts.runs ?? 21, opts.budgetMs ?? 10_000);
      rows.push({ service, collection: name, documents: ids.length, byIdMs: m.ms, runs: m.runs, plan, indexed });
    }
  }
  return rows;
}
