import { createHash } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import type { DomainEvent } from '@shagym/contracts';
import { hasCollection, insertOnce, isDuplicateKey, SlotList, type Migration } from '@shagym/service-kit';

/**
 * The first complaint of a complainant to a body about a matter (repeat detection), keyed by
 * what the check asks: `matter:<complainant>:<addressee>:<sha256(matter)>`. FerretDB answers
 * only `{_id}` from an index (architecture.md, "Reads that do not grow with the data"), so the
 * check at every submission is one point read. The first insert wins; a later complaint about
 * the same matter finds it and never overwrites it (no update, so no lost write).
 */
interface FirstOfMatterDoc {
  _id: string;
  complaintId: string;
  complainant: string;
  addresseeId: string;
  matter: string;
  at: Date;
}

/** A reply or refusal intake learned from the registry (for escalation, R12): slots `replies:<complaintId>:<n>`. */
interface ReplyFact {
  type: string;
}

const firstOfMatterSchema = new Schema<FirstOfMatterDoc>(
  { _id: String, complaintId: String, complainant: String, addresseeId: String, matter: String, at: Date },
  { versionKey: false, collection: 'matter_firsts' },
);

/** The `_id` of a matter's first complaint; hashed so that a 300-character subject gives a short key. */
export function matterId(complainant: string, addresseeId: string, matter: string): string {
  return `matter:${complainant}:${addresseeId}:${createHash('sha256').update(matter).digest('hex')}`;
}

const repliesOf = (complaintId: string) => `replies:${complaintId}`;

/** Insert-only facts intake keeps besides its event log; every read is by `_id`. */
export class IntakeFactsRepository {
  readonly matters: Model<FirstOfMatterDoc>;
  private readonly replies: SlotList<ReplyFact>;

  constructor(conn: Connection) {
    this.matters = conn.model<FirstOfMatterDoc>('FirstOfMatter', firstOfMatterSchema);
    this.replies = new SlotList<ReplyFact>(conn, 'reply_slots');
  }

  /** Models whose collections the service creates at start. */
  get models(): Model<any>[] {
    return [this.matters, this.replies.model];
  }

  async earliestSameMatter(complainant: string, addresseeId: string, matter: string): Promise<string | null> {
    const doc = await this.matters.findById(matterId(complainant, addresseeId, matter)).lean();
    return doc?.complaintId ?? null;
  }

  /** Remembers the complaint as the matter's first unless one is already (the earlier stays). */
  async rememberMatter(complaintId: string, complainant: string, addresseeId: string, matter: string): Promise<void> {
    await insertOnce(this.matters, { _id: matterId(complainant, addresseeId, matter), complaintId, complainant, addresseeId, matter, at: new Date() });
  }

  /** Idempotent by event id: a redelivered reply appends nothing (SlotList marks). */
  async learnReply(event: DomainEvent<'complaint.answered' | 'complaint.refused'>): Promise<void> {
    await this.replies.append(repliesOf(event.subject), event.id, { type: event.type }, new Date(event.time));
  }

  /** Whether a reply or refusal arrived (R9, R17): its first slot exists. */
  async wasReplied(complaintId: string): Promise<boolean> {
    return (await this.replies.read(repliesOf(complaintId), [1])).length > 0;
  }
}

interface OldMatterDoc {
  _id: string;
  complainant: string;
  addresseeId: string;
  matter: string;
  at: Date;
}

/**
 * `matters` held one document per complaint (read by complainant, addressee and matter, the
 * earliest by `at`). Each moves to its matter's key, earliest first so that the first stays
 * the first; then the old document goes. Repeating after a crash inserts nothing twice.
 */
export const MATTER_FIRSTS_MIGRATION: Migration = {
  id: '2026-12-02-intake-matter-firsts',
  description: 'intake matters re-keyed by complainant, addressee and matter',
  async run(conn) {
    if (!(await hasCollection(conn, 'matters'))) return 0;
    const old = conn.db!.collection<OldMatterDoc>('matters');
    const firsts = conn.db!.collection<FirstOfMatterDoc>('matter_firsts');
    let moved = 0;
    for await (const doc of old.find({}).sort({ at: 1, _id: 1 })) {
      const first: FirstOfMatterDoc = { _id: matterId(doc.complainant, doc.addresseeId, doc.matter), complaintId: doc._id, complainant: doc.complainant, addresseeId: doc.addresseeId, matter: doc.matter, at: doc.at };
      await firsts.insertOne(first).catch((err: unknown) => {
        if (!isDuplicateKey(err)) throw err;
      });
      await old.deleteOne({ _id: doc._id });
      moved++;
    }
    await old.drop();
    return moved;
  },
};

/** `reply_facts` held one document per reply event (read by complaintId); each moves to the complaint's reply slots. */
export const REPLY_SLOTS_MIGRATION: Migration = {
  id: '2026-12-02-intake-reply-slots',
  description: 'intake reply facts moved to reply slots per complaint',
  async run(conn) {
    if (!(await hasCollection(conn, 'reply_facts'))) return 0;
    const replies = new SlotList<ReplyFact>(conn, 'reply_slots');
    const old = conn.db!.collection<{ _id: string; complaintId: string; type: string }>('reply_facts');
    let moved = 0;
    for await (const doc of old.find({})) {
      await replies.append(repliesOf(doc.complaintId), doc._id, { type: doc.type });
      await old.deleteOne({ _id: doc._id });
      moved++;
    }
    await old.drop();
    return moved;
  },
};

export const INTAKE_MIGRATIONS: Migration[] = [MATTER_FIRSTS_MIGRATION, REPLY_SLOTS_MIGRATION];
