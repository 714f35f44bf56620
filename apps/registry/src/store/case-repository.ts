import { LRUCache } from 'lru-cache';
import type { Connection, Model } from 'mongoose';
import { decodeEvent, type DomainEvent } from '@shagym/contracts';
import { HEAP_BYTES_PER_ENVELOPE_CHAR, hasCollection, readSlots, SlotList, type Migration, type SlotDoc } from '@shagym/service-kit';
import { foldCase, type CaseEvent, type ComplaintCase } from '../domain/case';

/** An event of another service the registry learned about the complaint, kept as it came. */
interface LearnedEvent {
  type: string;
  envelope: string;
}

const CASE_TYPES = new Set(['complaint.escalated', 'deadline.breached', 'deadline.stopped', 'complaint.submitted', 'complaint.delivered', 'complaint.registered', 'complaint.assigned', 'complaint.reassigned', 'complaint.forwarded', 'complaint.answered', 'complaint.refused']);

const COLLECTION = 'case_event_slots';
/** A complaint's learned events: slots `case:<complaintId>:<n>`. */
const listOf = (complaintId: string) => `case:${complaintId}`;

/** The registry's own events of a complaint (its event log), as the case needs them. */
export interface OwnEvents {
  load(aggregateId: string): Promise<DomainEvent[]>;
}

interface KnownLearned {
  /** Slots read so far (an undecodable one is read, not kept). */
  slots: number;
  events: DomainEvent[];
  bytes: number;
}

/**
 * The registry's case file of a complaint: its own events (registration, reply) from the
 * event log plus the events learned from other services, kept as insert-only slots per
 * complaint (one per event id, so redelivery and concurrency are safe on FerretDB); the case
 * is folded on read. Key-first: both are read by `_id`, and a bounded cache keeps what was
 * read (slots never change), so a later read only probes the slot after it.
 */
export class CaseRepository {
  private readonly learned: SlotList<LearnedEvent>;
  private readonly known = new LRUCache<string, KnownLearned>({ maxSize: 16 * 1024 * 1024, sizeCalculation: (k) => Math.max(1, k.bytes * HEAP_BYTES_PER_ENVELOPE_CHAR) });

  constructor(
    conn: Connection,
    private readonly own: OwnEvents,
  ) {
    this.learned = new SlotList<LearnedEvent>(conn, COLLECTION);
  }

  get model() {
    return this.learned.model;
  }

  async learn(event: DomainEvent): Promise<void> {
    await this.learned.append(listOf(event.subject), event.id, { type: event.type, envelope: JSON.stringify(event) }, new Date(event.time));
  }

  async find(complaintId: string): Promise<ComplaintCase> {
    const [own, learned] = await Promise.all([this.own.load(complaintId), this.learnedEvents(complaintId)]);
    const events = [...own, ...learned].filter((e): e is CaseEvent => CASE_TYPES.has(e.type));
    // The version is the length of the own stream: its events are versions 1..n.
    return foldCase(complaintId, events, own.length);
  }

  async findMany(ids: readonly string[]): Promise<ComplaintCase[]> {
    return Promise.all(ids.map((id) => this.find(id)));
  }

  private async learnedEvents(complaintId: string): Promise<DomainEvent[]> {
    const cached = this.known.get(complaintId) ?? { slots: 0, events: [], bytes: 0 };
    const list = listOf(complaintId);
    const docs = await readSlots(this.learned.model as unknown as Model<SlotDoc<LearnedEvent>>, (n) => SlotList.slotId(list, n), cached.slots + 1);
    if (!docs.length) return cached.events;
    const fresh = docs.flatMap((d) => {
      const decoded = decodeEvent(d.data.envelope);
      return decoded.ok ? [decoded.event] : [];
    });
    // Concurrent reads in this process may have cached more already: never go back.
    const now = this.known.get(complaintId);
    if (now && now.slots >= cached.slots + docs.length) return now.events;
    const next = { slots: cached.slots + docs.length, events: [...cached.events, ...fresh], bytes: cached.bytes + docs.reduce((n, d) => n + d.data.envelope.length, 0) };
    this.known.set(complaintId, next);
    return next.events;
  }
}

/**
 * Learned events written before the key-first model (collection `case_events`, one document
 * per event id, read by complaintId) move to the complaint's slots: append (idempotent by the
 * event id), then remove the old document, so a crash half-way repeats safely.
 */
export const CASE_EVENT_SLOTS_MIGRATION: Migration = {
  id: '2026-12-03-registry-case-event-slots',
  description: 'case_events moved to case_event_slots (case:<complaintId>:<n>)',
  async run(conn) {
    if (!(await hasCollection(conn, 'case_events'))) return 0;
    const slots = new SlotList<LearnedEvent>(conn, COLLECTION);
    const old = conn.db!.collection<{ _id: string; complaintId: string; type: string; envelope: string }>('case_events');
    let moved = 0;
    for await (const doc of old.find({})) {
      const decoded = decodeEvent(doc.envelope);
      const at = decoded.ok ? new Date(decoded.event.time) : new Date();
      await slots.append(listOf(doc.complaintId), doc._id, { type: doc.type, envelope: doc.envelope }, at);
      await old.deleteOne({ _id: doc._id });
      moved++;
    }
    await old.drop();
    return moved;
  },
};
