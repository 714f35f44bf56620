import { Schema, type Connection, type Model } from 'mongoose';
import { foldFile, type ComplaintFact, type ComplaintFile } from '../domain/complaint-file';
import { insertOnce } from '@shagym/service-kit';

type FactDoc = Omit<ComplaintFact, 'id' | 'at'> & { _id: string; at: Date };

const schema = new Schema<FactDoc>(
  {
    _id: String,
    complaintId: { type: String, required: true },
    type: { type: String, required: true },
    at: { type: Date, required: true },
    recipientKey: String,
    patch: { type: Schema.Types.Mixed, default: {} },
  },
  { versionKey: false, collection: 'complaint_facts', minimize: false },
);
schema.index({ complaintId: 1 });
schema.index({ recipientKey: 1, at: -1 });

/** How many complaints' facts the consumer keeps in memory (the least recently used go first). */
const CACHED_COMPLAINTS = 10_000;

/**
 * The complaint files (notification's projection), as insert-only facts keyed by event id.
 *
 * The consumer reads a file back after every event. Facts are written only by the consumer
 * that owns the complaint's partition, so while its assignment holds, the facts it read once
 * plus those it added since are all there are: it keeps them in memory instead of reading the
 * collection again (FerretDB answers a filter by reading the whole collection, so that read
 * grew with the data: bench/results, "store"). The cache is dropped at every rebalance
 * (`forgetAll`); GraphQL reads (`find`) always go to the database.
 */
export class ComplaintFileRepository {
  readonly model: Model<FactDoc>;
  private readonly owned = new Map<string, ComplaintFact[]>();

  constructor(conn: Connection) {
    this.model = conn.model<FactDoc>('ComplaintFact', schema);
  }

  async add(fact: ComplaintFact): Promise<void> {
    const { id, at, ...rest } = fact;
    await insertOnce(this.model, { _id: id, at: new Date(at), ...rest });
    // Also when the insert was a duplicate: a redelivery after a rebalance must reach the cache.
    const cached = this.owned.get(fact.complaintId);
    if (cached && !cached.some((f) => f.id === fact.id)) cached.push(fact);
  }

  async find(complaintId: string): Promise<ComplaintFile | null> {
    const facts = await this.load(complaintId);
    return facts.length ? foldFile(complaintId, facts) : null;
  }

  /** The file as the consumer that owns the complaint's partition knows it (see the class comment). */
  async findOwned(complaintId: string): Promise<ComplaintFile | null> {
    let facts = this.owned.get(complaintId);
    if (facts) {
      this.owned.delete(complaintId); // re-inserted below: most recently used last
    } else {
      facts = await this.load(complaintId);
    }
    this.owned.set(complaintId, facts);
    if (this.owned.size > CACHED_COMPLAINTS) this.owned.delete(this.owned.keys().next().value!);
    return facts.length ? foldFile(complaintId, facts) : null;
  }

  /** The consumer's partitions may have changed hands: what it cached may no longer be all there is. */
  forgetAll(): void {
    this.owned.clear();
  }

  private async load(complaintId: string): Promise<ComplaintFact[]> {
    return (await this.model.find({ complaintId }).lean()).map(toFact);
  }

  /** The complaints filed by this recipient, newest first. */
  async complaintIdsOf(recipientKey: string, first: number): Promise<string[]> {
    const docs = await this.model.find({ recipientKey, type: 'complaint.submitted' }, { complaintId: 1 }).sort({ at: -1 }).limit(first).lean();
    return [...new Set(docs.map((d) => d.complaintId))];
  }
}

function toFact({ _id, at, ...rest }: FactDoc): ComplaintFact {
  return { id: _id, at: at.toISOString(), ...rest, ...(rest.recipientKey ? { recipientKey: rest.recipientKey } : {}) } as ComplaintFact;
}
