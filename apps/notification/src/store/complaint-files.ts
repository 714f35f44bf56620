import type { Connection } from 'mongoose';
import { firstOfEach, SlotList } from '@shagym/service-kit';
import { foldFile, type ComplaintFact, type ComplaintFile } from '../domain/complaint-file';

type FactData = Omit<ComplaintFact, 'id'>;
/** One complaint a recipient filed (an entry of their "my complaints" list). */
interface FiledData {
  complaintId: string;
  submittedAt: string;
}

/** The slot list of one complaint's facts: `file:<complaintId>:<n>`. */
export const fileList = (complaintId: string) => `file:${complaintId}`;
/** The complaints a recipient filed, in the order notification learned of them: `complainant:<recipientKey>:<n>`. */
export const complainantList = (recipientKey: string) => `complainant:${recipientKey}`;

/** How many complaints' facts the consumer keeps in memory (the least recently used go first). */
const CACHED_COMPLAINTS = 10_000;

/**
 * The complaint files (notification's projection), key-first (architecture.md): each
 * complaint's facts are insert-only slots `file:<complaintId>:<n>` (one per event id, so a
 * redelivery adds nothing), read back as a batch of point reads; each recipient's complaints
 * are a slot list `complainant:<recipientKey>` appended when a complaint is submitted (R11:
 * "my complaints"), read newest first as a page of point reads.
 *
 * Facts are written only by the consumer that owns the complaint's partition, so while its
 * assignment holds, the facts it read once plus those it added since are all there are: it
 * keeps them in memory (`findOwned`) instead of reading the slots again. The cache is dropped
 * at every rebalance (`forgetAll`); GraphQL reads (`find`) always go to the database.
 */
export class ComplaintFileRepository {
  private readonly facts: SlotList<FactData>;
  private readonly filed: SlotList<FiledData>;
  private readonly owned = new Map<string, ComplaintFact[]>();

  constructor(conn: Connection) {
    this.facts = new SlotList<FactData>(conn, 'complaint_fact_slots');
    this.filed = new SlotList<FiledData>(conn, 'complainant_slots');
  }

  get models() {
    return [this.facts.model, this.filed.model];
  }

  async add(fact: ComplaintFact): Promise<void> {
    const { id, ...data } = fact;
    await this.facts.append(fileList(fact.complaintId), id, data, new Date(fact.at));
    // Many partitions may file for one recipient: SlotList takes concurrent appenders; by complaint id, once.
    if (fact.type === 'complaint.submitted' && fact.recipientKey) {
      await this.filed.append(complainantList(fact.recipientKey), fact.complaintId, { complaintId: fact.complaintId, submittedAt: fact.at }, new Date(fact.at));
    }
    // Also when the append was a redelivery: it must reach a cache that lacks it.
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
    return (await this.facts.all(fileList(complaintId))).map((s) => ({ id: s.itemId, ...s.data }));
  }

  /**
   * The complaints filed by this recipient, newest first: the last `first` slots of their list
   * (the order notification learned of them), ordered by submission within the page.
   */
  async complaintIdsOf(recipientKey: string, first: number): Promise<string[]> {
    const { entries } = await this.filed.page(complainantList(recipientKey), { limit: first, newestFirst: true });
    return firstOfEach(entries, (e) => e.itemId)
      .sort((a, b) => b.data.submittedAt.localeCompare(a.data.submittedAt) || b.n - a.n)
      .map((e) => e.data.complaintId);
  }
}
