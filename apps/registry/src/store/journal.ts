import { LRUCache } from 'lru-cache';
import { Schema, type Connection, type Model } from 'mongoose';
import { countSlots, dropSecondaryIndexes, hasCollection, isDuplicateKey, MAX_IDS_PER_READ, readByIds, readPoint, readSlots, type Migration } from '@shagym/service-kit';
import { entryHash, GENESIS_HASH, type ChainedEntry, type JournalKind } from '../domain/journal-chain';

/** One document per number, keyed `<journal>:<org>:<year>:<seq>`: inserting it is what takes the number. */
export interface JournalEntryDoc extends ChainedEntry {
  _id: string;
}

/** Where a complaint's entry is, keyed `<journal>#<complaintId>`: finds it by `_id` (key-first). */
interface JournalMarkDoc {
  _id: string;
  entryId: string;
}

const schema = new Schema<JournalEntryDoc>(
  {
    _id: String,
    journal: { type: String, required: true },
    organizationId: { type: String, required: true },
    year: { type: Number, required: true },
    sequence: { type: Number, required: true },
    complaintId: { type: String, required: true },
    allocatedAt: { type: Date, required: true },
    prevHash: { type: String, required: true },
    hash: { type: String, required: true },
  },
  { versionKey: false, collection: 'journal_entries' },
);
// Never read by (FerretDB answers only `{_id}` from an index), only enforced on insert: one
// complaint never takes two numbers of one body's journal, even from two writers at once (R7).
// Per body, not per journal kind: a forwarded complaint is registered again in the receiving
// body's journal (R7 + R18), while the first body's entry stays.
schema.index({ journal: 1, organizationId: 1, complaintId: 1 }, { unique: true });

/** The index of the time before forwarded complaints were registered again (dropped by a migration). */
export const OLD_COMPLAINT_INDEX = 'journal_1_complaintId_1';

const markSchema = new Schema<JournalMarkDoc>({ _id: String, entryId: { type: String, required: true } }, { versionKey: false, collection: 'journal_marks' });

/** Zero-padded, so that `_id` order is number order within a journal. */
export function entryId(journal: JournalKind, organizationId: string, year: number, sequence: number): string {
  return `${journal}:${organizationId}:${year}:${String(sequence).padStart(8, '0')}`;
}

/**
 * `<journal>#<complaintId>`: the complaint's first entry of that kind (written since the
 * beginning); `<journal>#<complaintId>@<org>`: its entry in that body's journal (since a
 * forwarded complaint is registered again at the receiving body, R18).
 */
export function markId(journal: JournalKind, complaintId: string, organizationId?: string): string {
  return organizationId ? `${journal}#${complaintId}@${organizationId}` : `${journal}#${complaintId}`;
}

interface Tail {
  sequence: number;
  hash: string;
}

const NO_TAIL: Tail = { sequence: 0, hash: GENESIS_HASH };

/**
 * The registry office's journals — incoming (R7) and outgoing (R9 replies) — with numbers
 * unique and gapless per organization and year.
 *
 * Never a shared `$inc` counter: FerretDB's updates are read-modify-write and lose
 * increments under concurrency (architecture.md). Each number is an insert under its `_id`
 * `<journal>:<org>:<year>:<seq>` and the unique (journal, complaint) index, so two writers
 * never take one number and one complaint never takes two. The loser of a race reads the
 * slots after it and tries the next number. A number once inserted belongs to its complaint
 * for good, so a crash before the event is written is healed by redelivery: the same number
 * is found and the event written — no gap. The entry also carries the previous entry's hash
 * (known at insert time, since entries never change), making the journal tamper-evident.
 *
 * Key-first (architecture.md): every read is a point read by `_id`. The journal's end is
 * found by probing slots from a cached lower bound (entries never go away); a complaint's
 * entry by its mark `<journal>#<complaintId>`; a page by reading the slots it covers.
 */
export class Journal {
  readonly model: Model<JournalEntryDoc>;
  readonly marks: Model<JournalMarkDoc>;
  /** The last entry known of each journal: a lower bound of its end (bounded). */
  private readonly tails = new LRUCache<string, Tail>({ max: 20_000 });

  constructor(conn: Connection) {
    this.model = conn.model<JournalEntryDoc>('JournalEntry', schema);
    this.marks = conn.model<JournalMarkDoc>('JournalMark', markSchema);
  }

  async allocate(journal: JournalKind, organizationId: string, year: number, complaintId: string, now = new Date()): Promise<JournalEntryDoc> {
    // A redelivery (or a second click) finds the number the complaint already holds.
    const held = await this.findByComplaint(journal, complaintId, organizationId);
    if (held) return held;
    let tail = await this.tail(journal, organizationId, year);
    for (let attempt = 0; attempt < 1000; attempt++) {
      const sequence = tail.sequence + 1;
      const entry = { journal, organizationId, year, sequence, complaintId, allocatedAt: now, prevHash: tail.hash };
      const doc: JournalEntryDoc = { _id: entryId(journal, organizationId, year, sequence), ...entry, hash: entryHash(entry) };
      try {
        await this.model.create(doc);
        this.remember(journal, organizationId, year, doc);
        await this.mark(journal, complaintId, organizationId, doc._id);
        return doc;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      // Refused: the number is taken, or this complaint holds one already (FerretDB's
      // duplicate-key error does not say which index refused it).
      const mine = await this.findByComplaint(journal, complaintId, organizationId);
      if (mine) return mine;
      const taken = await this.model.findById(doc._id).lean();
      if (taken) {
        tail = await this.tail(journal, organizationId, year, taken);
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 * attempt)));
        continue;
      }
      // The number is free, so the complaint index refused it: the complaint holds a number
      // whose mark a crash (or a concurrent writer not yet done) left unwritten.
      const found = await this.searchEntry(journal, organizationId, year, complaintId);
      if (found) {
        await this.mark(journal, complaintId, organizationId, found._id);
        return found;
      }
    }
    throw new Error(`could not allocate a ${journal} number for ${complaintId} in ${organizationId}/${year}`);
  }

  /**
   * The complaint's entry in this body's journal: by its per-body mark, or — for entries made
   * before per-body marks — by the first mark when that entry is this body's.
   */
  async findByComplaint(journal: JournalKind, complaintId: string, organizationId: string): Promise<JournalEntryDoc | null> {
    // Both marks in one read: most complaints have only the first.
    const ownId = markId(journal, complaintId, organizationId);
    const firstId = markId(journal, complaintId);
    const marks = await readByIds<JournalMarkDoc>(this.marks, [ownId, firstId]);
    const own = marks.get(ownId);
    if (own) return readPoint<JournalEntryDoc>(this.model, own.entryId);
    const first = marks.get(firstId);
    if (!first) return null;
    const entry = await readPoint<JournalEntryDoc>(this.model, first.entryId);
    return entry?.organizationId === organizationId ? entry : null;
  }

  /** How many numbers the journal has given: exact, from its slots. */
  async count(journal: JournalKind, organizationId: string, year: number): Promise<number> {
    return (await this.tail(journal, organizationId, year)).sequence;
  }

  /** Entries after `afterSequence`, at most `limit`, in number order: point reads of the slots. */
  async page(journal: JournalKind, organizationId: string, year: number, afterSequence: number, limit: number): Promise<JournalEntryDoc[]> {
    const ids = Array.from({ length: limit }, (_, i) => entryId(journal, organizationId, year, afterSequence + 1 + i));
    const found = await readByIds<JournalEntryDoc>(this.model, ids);
    const docs = ids.map((id) => found.get(id));
    // Numbers are taken in order, so the first missing slot is the journal's end.
    const end = docs.findIndex((d) => !d);
    return (end < 0 ? docs : docs.slice(0, end)) as JournalEntryDoc[];
  }

  /**
   * Every entry, for the audit (verifyJournal, an admin job): the slots from 1 on, and then a
   * look past the first missing one, so that a removed entry shows as a gap rather than as
   * the journal's end.
   */
  async all(journal: JournalKind, organizationId: string, year: number): Promise<JournalEntryDoc[]> {
    const idOf = (n: number) => entryId(journal, organizationId, year, n);
    const contiguous = await readSlots(this.model, idOf, 1);
    const known = this.tails.get(key(journal, organizationId, year))?.sequence ?? 0;
    const from = contiguous.length + 2;
    const to = Math.max(contiguous.length + 64, known);
    const beyond: JournalEntryDoc[] = [];
    // In windows of one batched read each, not all at once.
    for (let lo = from; lo <= to; lo += MAX_IDS_PER_READ) {
      const ids = Array.from({ length: Math.min(MAX_IDS_PER_READ, to - lo + 1) }, (_, i) => idOf(lo + i));
      const found = await readByIds<JournalEntryDoc>(this.model, ids);
      beyond.push(...ids.flatMap((id) => found.get(id) ?? []));
    }
    return [...contiguous, ...beyond];
  }

  /** The journal's last entry, probing the slots after the cached one (or `atLeast`). */
  private async tail(journal: JournalKind, organizationId: string, year: number, atLeast?: Tail): Promise<Tail> {
    const k = key(journal, organizationId, year);
    const cached = this.tails.get(k);
    const known = [cached, atLeast].reduce<Tail>((a, b) => (b && b.sequence > a.sequence ? b : a), NO_TAIL);
    const last = await countSlots(this.model, (n) => entryId(journal, organizationId, year, n), known.sequence);
    if (last === known.sequence) {
      this.tails.set(k, known);
      return known;
    }
    const doc = await this.model.findById(entryId(journal, organizationId, year, last)).lean();
    if (!doc) return known; // cannot happen: entries are never removed (the audit would say so)
    return this.remember(journal, organizationId, year, doc);
  }

  private remember(journal: JournalKind, organizationId: string, year: number, doc: Tail): Tail {
    const k = key(journal, organizationId, year);
    const cached = this.tails.get(k);
    if (cached && cached.sequence >= doc.sequence) return cached;
    const tail = { sequence: doc.sequence, hash: doc.hash };
    this.tails.set(k, tail);
    return tail;
  }

  /**
   * The complaint's entry when its mark is missing (only after a crash between the two
   * inserts): the journal read backwards from its end, where a fresh entry is, in windows of
   * point reads. Across a year boundary the entry is in another year's journal: then the
   * one read by field, on this rare path only.
   */
  private async searchEntry(journal: JournalKind, organizationId: string, year: number, complaintId: string): Promise<JournalEntryDoc | null> {
    let top = (await this.tail(journal, organizationId, year)).sequence;
    while (top > 0) {
      const numbers = Array.from({ length: Math.min(64, top) }, (_, i) => top - i);
      const docs = await readByIds<JournalEntryDoc>(this.model, numbers.map((n) => entryId(journal, organizationId, year, n)));
      const found = [...docs.values()].find((d) => d.complaintId === complaintId);
      if (found) return found;
      top -= numbers.length;
    }
    return this.model.findOne({ journal, organizationId, complaintId }).lean();
  }

  /** The per-body mark, and the first mark if nobody took it yet (insert-once each). */
  private async mark(journal: JournalKind, complaintId: string, organizationId: string, entry: string): Promise<void> {
    for (const _id of [markId(journal, complaintId, organizationId), markId(journal, complaintId)]) {
      try {
        await this.marks.create({ _id, entryId: entry });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
  }
}

const key = (journal: JournalKind, organizationId: string, year: number) => `${journal}:${organizationId}:${year}`;

/**
 * Journals written before the key-first model were keyed `<journal>:<org>:<year>:<seq>`
 * without padding and found by (journal, complaint) and (journal, org, year, sequence)
 * indexes. Each entry moves to its padded `_id` and gets its mark (insert first, then remove
 * the old document: a crash half-way repeats safely). The old unique indexes go first — the
 * (journal, complaint) one would refuse the copy while the old document is there; start-up
 * creates it again afterwards.
 */
export const JOURNAL_SLOTS_MIGRATION: Migration = {
  id: '2026-12-03-registry-journal-slots',
  description: 'journal_entries re-keyed to <journal>:<org>:<year>:<padded seq>, with journal_marks by complaint',
  async run(conn) {
    if (!(await hasCollection(conn, 'journal_entries'))) return 0;
    await dropSecondaryIndexes(conn, 'journal_entries');
    const entries = conn.db!.collection<JournalEntryDoc>('journal_entries');
    const marks = conn.db!.collection<JournalMarkDoc>('journal_marks');
    const ignoreDuplicate = (err: unknown) => {
      if (!isDuplicateKey(err)) throw err;
    };
    let moved = 0;
    // A start-up job: the one full read of the old shape.
    for await (const old of entries.find({})) {
      const _id = entryId(old.journal, old.organizationId, old.year, old.sequence);
      if (old._id !== _id) {
        await entries.insertOne({ ...old, _id }).catch(ignoreDuplicate);
        await entries.deleteOne({ _id: old._id });
        moved++;
      }
      await marks.insertOne({ _id: markId(old.journal, old.complaintId), entryId: _id }).catch(ignoreDuplicate);
    }
    return moved;
  },
};

/**
 * One complaint may now hold a number in two bodies' journals (R7 at the receiving body, R18):
 * the unique (journal, complaint) index gives way to (journal, organization, complaint), which
 * start-up creates after the migrations. Safe to repeat: a missing index is nothing to drop.
 */
export const JOURNAL_PER_BODY_INDEX_MIGRATION: Migration = {
  id: '2026-12-02-registry-journal-index-per-body',
  description: 'journal_entries: unique (journal, complaintId) replaced by (journal, organizationId, complaintId)',
  async run(conn) {
    if (!(await hasCollection(conn, 'journal_entries'))) return 0;
    const entries = conn.db!.collection('journal_entries');
    const indexes = await entries.indexes();
    if (!indexes.some((i) => i.name === OLD_COMPLAINT_INDEX)) return 0;
    await entries.dropIndex(OLD_COMPLAINT_INDEX);
    return 1;
  },
};
