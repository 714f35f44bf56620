import { LRUCache } from 'lru-cache';
import { Schema, type Connection, type Model } from 'mongoose';
import { hasCollection, insertOnce, SlotList, type Migration } from '@shagym/service-kit';
import type { ComplaintFacts } from '../domain/assignment';
import { forEachGroup } from './migration-helpers';

/** One fact routing keeps of another service's complaint event (intake's submission, registry's registration). */
interface FactData {
  kind: 'SUBMITTED' | 'REGISTERED';
  addresseeOrganizationId?: string;
  complainantRegion?: string | null;
  /** Who filed it (R3/R4), so that the complainant may see routing's part of the complaint. */
  complainantIin?: string;
  complainantBin?: string;
  registeredOn?: string;
}

/** What the consumer records: the event's id, its complaint, its time and the fact. */
export type ComplaintFact = FactData & { eventId: string; complaintId: string; at: Date };

/** The answer (R9) or refusal (R17) that closed a complaint: one document `closed:<complaintId>`. */
interface ClosedDoc {
  _id: string;
  eventId: string;
  at: Date;
}

const closedSchema = new Schema<ClosedDoc>({ _id: String, eventId: String, at: Date }, { versionKey: false, collection: 'complaint_closed' });

/** The list of one complaint's facts: slots `complaint:<complaintId>:<n>`. */
const listOf = (complaintId: string) => `complaint:${complaintId}`;
const closedId = (complaintId: string) => `closed:${complaintId}`;

/** Folds a complaint's facts in the order they were recorded (a later fact wins). */
function fold(facts: FactData[]): ComplaintFacts | null {
  if (!facts.length) return null;
  const out: ComplaintFacts = {};
  for (const d of facts) {
    if (d.addresseeOrganizationId) out.addresseeOrganizationId = d.addresseeOrganizationId;
    if (d.complainantRegion !== undefined) out.complainantRegion = d.complainantRegion;
    if (d.registeredOn) out.registeredOn = d.registeredOn;
    if (d.complainantIin) out.complainantIin = d.complainantIin;
    if (d.complainantBin) out.complainantBin = d.complainantBin;
  }
  return out;
}

/**
 * What routing keeps of other services' complaint events, key-first (architecture.md, "Reads
 * that do not grow with the data"): a complaint's facts are insert-only slots of its own list
 * (one per event, idempotent by event id), read as a few point reads; whether it was closed is
 * one document `closed:<complaintId>`, read by `_id`. Nothing is ever updated.
 */
export class ComplaintFactsRepository {
  readonly facts: SlotList<FactData>;
  readonly closed: Model<ClosedDoc>;
  /**
   * Facts of complaints both submitted and registered: there is one event of each per complaint
   * (their ids derive from the complaint), so such facts never change and are served from here.
   */
  private readonly complete = new LRUCache<string, ComplaintFacts>({ max: 20_000 });
  /** A complaint once closed stays closed. */
  private readonly closedKnown = new LRUCache<string, true>({ max: 50_000 });

  constructor(conn: Connection) {
    this.facts = new SlotList<FactData>(conn, 'complaint_fact_slots');
    // The migration and the service each make one on the same connection.
    this.closed = (conn.models['ComplaintClosed'] as Model<ClosedDoc> | undefined) ?? conn.model<ClosedDoc>('ComplaintClosed', closedSchema);
  }

  get models(): Model<any>[] {
    return [this.facts.model, this.closed];
  }

  async record(fact: ComplaintFact): Promise<void> {
    const { eventId, complaintId, at, ...data } = fact;
    await this.facts.append(listOf(complaintId), eventId, data, at);
    this.complete.delete(complaintId);
  }

  /** R9/R17: the complaint was answered or refused (the first such event is kept). */
  async recordClosed(complaintId: string, eventId: string, at: Date): Promise<void> {
    await insertOnce(this.closed, { _id: closedId(complaintId), eventId, at });
    this.closedKnown.set(complaintId, true);
  }

  async factsOf(complaintId: string): Promise<ComplaintFacts | null> {
    const cached = this.complete.get(complaintId);
    if (cached) return cached;
    const facts = fold((await this.facts.all(listOf(complaintId))).map((e) => e.data));
    if (facts?.addresseeOrganizationId && facts.registeredOn) this.complete.set(complaintId, facts);
    return facts;
  }

  async isClosed(complaintId: string): Promise<boolean> {
    if (this.closedKnown.has(complaintId)) return true;
    const closed = (await this.closed.findById(closedId(complaintId), { _id: 1 }).lean()) !== null;
    if (closed) this.closedKnown.set(complaintId, true);
    return closed;
  }
}

/** A document of `complaint_facts`, as versions before the key-first model wrote it (one per event, read by complaintId). */
interface OldFactDoc extends Omit<FactData, 'kind'> {
  _id: string;
  complaintId: string;
  kind: FactData['kind'] | 'CLOSED';
  at?: Date;
}

/**
 * Moves `complaint_facts` (one document per event, found by complaintId: a full read per
 * event on FerretDB) to the facts' slots and the `closed:<complaintId>` documents. Each old
 * document is inserted under its new key (idempotent by event id), then removed, so a crash
 * half-way repeats safely; oldest first, so a complaint's slots keep the order of its events.
 */
export const COMPLAINT_FACTS_SLOTS_MIGRATION: Migration = {
  id: '2026-12-02-routing-complaint-facts-slots',
  description: 'routing complaint_facts moved to complaint_fact_slots and complaint_closed',
  async run(conn) {
    if (!(await hasCollection(conn, 'complaint_facts'))) return 0;
    const repo = new ComplaintFactsRepository(conn);
    const old = conn.db!.collection<OldFactDoc>('complaint_facts');
    // A start-up job: reading the whole old collection (sorted in memory) is allowed here.
    const docs = await old.find({}).sort({ at: 1, _id: 1 }).toArray();
    let moved = 0;
    await forEachGroup(docs, (d) => d.complaintId, async (doc) => {
      const { _id, complaintId, kind, at, ...rest } = doc;
      const when = at ?? new Date(0);
      if (kind === 'CLOSED') await repo.recordClosed(complaintId, _id, when);
      else await repo.record({ ...rest, kind, eventId: _id, complaintId, at: when });
      await old.deleteOne({ _id });
      moved++;
    });
    await old.drop();
    return moved;
  },
};
