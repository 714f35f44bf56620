import type { Connection } from 'mongoose';
import { dropSecondaryIndexes, hasCollection, type Logger, type Migration } from '@shagym/service-kit';
import type { ComplaintFact } from '../domain/complaint-file';
import type { InboxMessage, Preferences } from '../domain/messages';
import type { TimelineEntry } from '../domain/timeline';
import { ComplaintFileRepository } from './complaint-files';
import { InboxRepository } from './inbox-repository';
import { PreferencesRepository } from './preferences-repository';
import { TimelineRepository } from './timeline-repository';

/** Old documents handled at a time; within one batch, different lists are moved concurrently. */
const BATCH = 500;

type Doc = Record<string, unknown> & { _id: string };

/**
 * Moves every document of an old collection through `move` (an idempotent append to its slot
 * list), deleting each old document after its move, then drops the emptied collection. Safe to
 * repeat after a crash: an item already appended is found by its mark (SlotList#append) and
 * not appended again. Documents of one list keep the order of `sort` (e.g. a recipient's
 * messages oldest first, so the newest is the last slot).
 */
async function moveAll(conn: Connection, collection: string, sort: Record<string, 1>, listOf: (doc: Doc) => string, move: (doc: Doc) => Promise<void>): Promise<number> {
  if (!(await hasCollection(conn, collection))) return 0;
  const old = conn.db!.collection<Doc>(collection);
  let moved = 0;
  let batch: Doc[] = [];
  const flush = async () => {
    const byList = new Map<string, Doc[]>();
    for (const doc of batch) byList.set(listOf(doc), [...(byList.get(listOf(doc)) ?? []), doc]);
    await Promise.all(
      [...byList.values()].map(async (docs) => {
        for (const doc of docs) {
          await move(doc);
          await old.deleteOne({ _id: doc._id });
          moved++;
        }
      }),
    );
    batch = [];
  };
  // A one-time full read of the old collection, at start-up (architecture.md allows it there).
  for await (const doc of old.find({}).sort(sort)) {
    batch.push(doc);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  await old.drop();
  return moved;
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v));

/**
 * Notification's data written before the key-first store (one document per event or message,
 * read by complaintId / recipientKey, which FerretDB answers by reading the whole collection)
 * moves to slot lists read by `_id` (architecture.md, "Reads that do not grow with the data"):
 * complaint_facts → complaint_fact_slots `file:<complaintId>` (+ complainant_slots
 * `complainant:<recipientKey>` for each submission), timeline → timeline_slots
 * `timeline:<complaintId>`, inbox_messages → inbox_slots `inbox:<recipientKey>`, inbox_reads →
 * inbox_read_slots `reads:<recipientKey>`, preferences → preference_slots
 * `prefs:<recipientKey>`. Deliveries keep their keys (delivery id, `<deliveryId>:<n>`); only
 * their secondary indexes, never used by a read any more, are dropped.
 */
export const NOTIFICATION_SLOTS_MIGRATION: Migration = {
  id: '2026-12-02-notification-slots',
  description: 'notification facts, timeline, inbox, reads and preferences moved to key-first slot lists',
  async run(conn: Connection, logger: Logger) {
    const files = new ComplaintFileRepository(conn);
    const timeline = new TimelineRepository(conn);
    const inbox = new InboxRepository(conn);
    const preferences = new PreferencesRepository(conn);
    let moved = 0;

    moved += await moveAll(conn, 'complaint_facts', { at: 1 }, (d) => String(d.complaintId), async (d) => {
      const { _id, at, recipientKey, ...rest } = d;
      await files.add({ ...(rest as Omit<ComplaintFact, 'id' | 'at'>), id: _id, at: iso(at), ...(recipientKey ? { recipientKey: String(recipientKey) } : {}) });
    });
    moved += await moveAll(conn, 'timeline', { occurredAt: 1 }, (d) => String(d.complaintId), async (d) => {
      const { _id, occurredAt, recordedAt, ...rest } = d;
      const entry = { ...(rest as Omit<TimelineEntry, 'id' | 'occurredAt'>), id: _id, occurredAt: iso(occurredAt) };
      await timeline.add(entry, recordedAt instanceof Date ? recordedAt : new Date(iso(occurredAt)));
    });
    moved += await moveAll(conn, 'inbox_messages', { occurredAt: 1 }, (d) => String(d.recipientKey), async (d) => {
      const message: InboxMessage = {
        id: d._id,
        recipientKey: String(d.recipientKey),
        complaintId: String(d.complaintId),
        entry: d.entry as InboxMessage['entry'],
        external: Boolean(d.external),
        createdAt: iso(d.createdAt),
      };
      await inbox.add(message);
    });
    // After the messages: a read mark is taken only for a message in the recipient's inbox.
    moved += await moveAll(conn, 'inbox_reads', { readAt: 1 }, (d) => String(d.recipientKey), async (d) => {
      await inbox.markRead(String(d.recipientKey), [d._id], d.readAt instanceof Date ? d.readAt : new Date(iso(d.readAt)));
    });
    moved += await moveAll(conn, 'preferences', { at: 1 }, (d) => String(d.recipientKey), async (d) => {
      const { _id, at, ...rest } = d;
      const p = rest as unknown as Preferences;
      const prefs: Preferences = {
        recipientKey: p.recipientKey,
        ...(p.email ? { email: p.email } : {}),
        ...(p.phone ? { phone: p.phone } : {}),
        emailEnabled: p.emailEnabled,
        smsEnabled: p.smsEnabled,
        language: p.language,
      };
      await preferences.save(prefs, at instanceof Date ? at : new Date(iso(at)), _id);
    });

    for (const name of ['deliveries', 'delivery_attempts', 'delivery_attempt_outcomes']) {
      await dropSecondaryIndexes(conn, name);
    }
    logger.info({ moved }, 'notification data moved to slot lists');
    return moved;
  },
};
