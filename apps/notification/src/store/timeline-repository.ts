import type { Connection } from 'mongoose';
import { SlotList } from '@shagym/service-kit';
import { sortTimeline, type TimelineEntry } from '../domain/timeline';

type EntryData = Omit<TimelineEntry, 'id'>;

/** The slot list of one complaint's timeline: `timeline:<complaintId>:<n>`. */
export const timelineList = (complaintId: string) => `timeline:${complaintId}`;

/**
 * The R11 timeline as insert-only slots per complaint (architecture.md, key-first): one slot
 * per event id (a redelivered event finds its mark and adds nothing), read back as a batch of
 * point reads. Only the consumer that owns the complaint's partition appends. A slot's `at` is
 * when this service stored the entry (what the bench measures the stage by).
 */
export class TimelineRepository {
  private readonly entries: SlotList<EntryData>;

  constructor(conn: Connection) {
    this.entries = new SlotList<EntryData>(conn, 'timeline_slots');
  }

  get model() {
    return this.entries.model;
  }

  async add(entry: TimelineEntry, recordedAt = new Date()): Promise<void> {
    const { id, ...data } = entry;
    await this.entries.append(timelineList(entry.complaintId), id, data, recordedAt);
  }

  /** In the order things happened (R11), whatever order the events arrived in. */
  async forComplaint(complaintId: string): Promise<TimelineEntry[]> {
    const slots = await this.entries.all(timelineList(complaintId));
    return sortTimeline(slots.map((s) => ({ id: s.itemId, ...s.data })));
  }
}
