import { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKey } from '@shagym/service-kit';
import { entryHash, GENESIS_HASH, type ChainedEntry, type JournalKind } from '../domain/journal-chain';

/** One document per number: inserting it is what takes the number. */
export interface JournalEntryDoc extends ChainedEntry {
  _id: string;
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
schema.index({ journal: 1, organizationId: 1, year: 1, sequence: 1 }, { unique: true });
schema.index({ journal: 1, complaintId: 1 }, { unique: true });

/**
 * The registry office's journals — incoming (R7) and outgoing (R9 replies) — with numbers
 * unique and gapless per organization and year.
 *
 * Never a shared `$inc` counter: FerretDB's updates are read-modify-write and lose
 * increments under concurrency (architecture.md). Each number is an insert under two unique
 * indexes — (journal, organization, year, sequence) and (journal, complaint) — so two
 * writers never take one number and one complaint never takes two. The loser of a race
 * re-reads and tries the next number. A number once inserted belongs to its complaint for
 * good, so a crash before the event is written is healed by redelivery: the same number is
 * found and the event written — no gap. The entry also carries the previous entry's hash
 * (known at insert time, since entries never change), making the journal tamper-evident.
 */
export class Journal {
  readonly model: Model<JournalEntryDoc>;

  constructor(conn: Connection) {
    this.model = conn.model<JournalEntryDoc>('JournalEntry', schema);
  }

  async allocate(journal: JournalKind, organizationId: string, year: number, complaintId: string, now = new Date()): Promise<JournalEntryDoc> {
    for (let attempt = 0; attempt < 1000; attempt++) {
      // First try: take the next number straight away; the unique index on the complaint
      // refuses a second number for a redelivered complaint, and then we look it up.
      if (attempt > 0) {
        const existing = await this.model.findOne({ journal, complaintId }).lean();
        if (existing) return existing;
      }
      const last = await this.model.findOne({ journal, organizationId, year }).sort({ sequence: -1 }).lean();
      const sequence = (last?.sequence ?? 0) + 1;
      const entry = { journal, organizationId, year, sequence, complaintId, allocatedAt: now, prevHash: last?.hash ?? GENESIS_HASH };
      const doc: JournalEntryDoc = { _id: `${journal}:${organizationId}:${year}:${sequence}`, ...entry, hash: entryHash(entry) };
      try {
        await this.model.create(doc);
        return doc;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // Taken by another writer (or this complaint got a number meanwhile): look again.
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 * attempt)));
      }
    }
    throw new Error(`could not allocate a ${journal} number for ${complaintId} in ${organizationId}/${year}`);
  }

  async findByComplaint(journal: JournalKind, complaintId: string): Promise<JournalEntryDoc | null> {
    return this.model.findOne({ journal, complaintId }).lean();
  }

  async page(journal: JournalKind, organizationId: string, year: number, afterSequence: number, limit: number): Promise<JournalEntryDoc[]> {
    return this.model.find({ journal, organizationId, year, sequence: { $gt: afterSequence } }).sort({ sequence: 1 }).limit(limit).lean();
  }

  async all(journal: JournalKind, organizationId: string, year: number): Promise<JournalEntryDoc[]> {
    return this.model.find({ journal, organizationId, year }).sort({ sequence: 1 }).lean();
  }
}
