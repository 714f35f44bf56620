import type { Connection } from 'mongoose';
import { ComplaintAccess, dropSecondaryIndexes, hasCollection, type HolderFact, type Logger, type Migration, type SlotDoc } from '@shagym/service-kit';
import type { ComplaintFact, ComplaintFile } from '../domain/complaint-file';
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

/** A complaint-file fact as its slot holds it (complaint-files.ts). */
type FactData = Omit<ComplaintFact, 'id'>;

/** The holder fact a complaint-file fact stands for (complaint-access.ts), or null when none. */
export function holderFactOf(fact: FactData): HolderFact | null {
  const p = fact.patch as Partial<ComplaintFile> & { involvedOrganizationIds?: string[] };
  switch (fact.type) {
    case 'complaint.submitted': {
      const key = p.complainant?.recipientKey ?? fact.recipientKey ?? '';
      if (!p.addresseeOrganizationId) return null;
      const who = key.startsWith('iin:') ? { iin: key.slice(4) } : key.startsWith('bin:') ? { bin: key.slice(4) } : {};
      return { kind: 'SUBMITTED', ...who, organizationId: p.addresseeOrganizationId };
    }
    case 'complaint.registered':
      return p.registration ? { kind: 'REGISTERED', organizationId: p.registration.organizationId } : null;
    case 'complaint.assigned':
    case 'complaint.reassigned':
      return p.assignment ? { kind: 'ASSIGNED', organizationId: p.assignment.organizationId, executorOfficialId: p.assignment.executorOfficialId } : null;
    // Files written before the holder projection kept only [from, to] (forwarded) or [to, from?] (routed).
    case 'complaint.forwarded': {
      const [from, to] = p.involvedOrganizationIds ?? [];
      return from && to ? { kind: 'FORWARDED', fromOrganizationId: from, organizationId: to } : null;
    }
    case 'complaint.routed': {
      const [to] = p.involvedOrganizationIds ?? [];
      return to ? { kind: 'ROUTED', organizationId: to } : null;
    }
    default:
      return null;
  }
}

/**
 * Notification decided access from its complaint files until it used the shared holder
 * projection (issue 15). A store written before that has files but no holder facts, so its
 * complaints would be visible to nobody: each file's facts, in their order, seed the projection
 * under their event ids (a redelivered event then adds nothing). A start-up read of the files.
 */
export const NOTIFICATION_HOLDER_MIGRATION: Migration = {
  id: '2026-12-02-notification-holder-facts',
  description: 'the holder projection (complaint_party_slots) seeded from the complaint files',
  async run(conn: Connection) {
    if (!(await hasCollection(conn, 'complaint_fact_slots'))) return 0;
    const access = new ComplaintAccess(conn);
    const byFile = new Map<string, SlotDoc<FactData>[]>();
    for await (const doc of conn.db!.collection<SlotDoc<FactData>>('complaint_fact_slots').find({ list: { $regex: '^file:' } } as never)) {
      byFile.set(doc.list, [...(byFile.get(doc.list) ?? []), doc]);
    }
    let seeded = 0;
    for (const [list, docs] of byFile) {
      const complaintId = list.slice('file:'.length);
      for (const doc of docs.sort((a, b) => a.n - b.n)) {
        const fact = holderFactOf(doc.data);
        if (!fact) continue;
        await access.remember(complaintId, doc.itemId, fact, doc.at instanceof Date ? doc.at : new Date(doc.data.at));
        seeded++;
      }
    }
    return seeded;
  },
};
