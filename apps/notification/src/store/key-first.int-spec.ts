import { randomUUID } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { createLogger, describeCommand, runMigrations } from '@shagym/service-kit';
import { complaintAnswered, complaintRegistered, complaintSubmittedBy, isolatedEnv, randomIin, whyNotPoint } from '@shagym/testing';
import { toFact, type ComplaintFile } from '../domain/complaint-file';
import { complainantMessage, planDeliveries, type InboxMessage } from '../domain/messages';
import { toTimelineEntry, type TimelineEntry } from '../domain/timeline';
import { ComplaintFileRepository } from './complaint-files';
import { DeliveryRepository } from './delivery-repository';
import { InboxRepository } from './inbox-repository';
import { NOTIFICATION_SLOTS_MIGRATION } from './migrations';
import { PreferencesRepository } from './preferences-repository';
import { TimelineRepository } from './timeline-repository';

/**
 * Notification's key-first store on the real FerretDB (architecture.md, "Reads that do not
 * grow with the data"): every hot read and write is a point read/write by `_id` (seen with the
 * driver's command monitoring), lists appended from several connections at once stay exact,
 * and data in the old shapes is moved on start, safely twice.
 */
describe('notification store: key-first on FerretDB', () => {
  const iso = isolatedEnv('nkeyfirst');
  const logger = createLogger('test', 'silent');
  let conns: Connection[];
  const commands: { command: string; collection: string | null; filters?: unknown[]; pipeline?: unknown[] }[] = [];

  beforeAll(async () => {
    conns = await Promise.all(
      [0, 1, 2].map(() =>
        mongoose.createConnection(iso.env.MONGO_URL!, { dbName: iso.dbName('notification'), retryWrites: false, monitorCommands: true }).asPromise(),
      ),
    );
    conns[0]!.getClient().on('commandStarted', (e) => commands.push({ command: e.commandName, ...describeCommand(e.commandName, e.command as Record<string, unknown>) }));
  });

  afterAll(async () => {
    await Promise.all((conns ?? []).map((c) => c.close()));
    await iso.cleanup();
  });

  const message = (recipientKey: string, complaintId: string, occurredAt: Date, type: TimelineEntry['type'] = 'complaint.registered'): InboxMessage => ({
    id: randomUUID(),
    recipientKey,
    complaintId,
    entry: { id: randomUUID(), complaintId, type, occurredAt: occurredAt.toISOString(), params: {} },
    external: type !== 'complaint.submitted',
    createdAt: new Date().toISOString(),
  });

  it('serves the consumer, the cabinet and the worker with point reads and writes by _id only', async () => {
    const c = conns[0]!;
    const [files, timeline, inbox, prefs, deliveries] = [new ComplaintFileRepository(c), new TimelineRepository(c), new InboxRepository(c), new PreferencesRepository(c), new DeliveryRepository(c)];
    const iin = randomIin();
    const key = `iin:${iin}`;
    const submitted = complaintSubmittedBy('org-k', { iin, email: 'k@example.kz' });
    const registered = complaintRegistered('org-k', submitted.subject, new Date(Date.now() + 1000));
    commands.length = 0;

    for (const e of [submitted, registered]) {
      await files.add(toFact(e)!);
      await timeline.add(toTimelineEntry(e));
    }
    const file = (await files.findOwned(submitted.subject))!;
    const messages = (await timeline.forComplaint(submitted.subject)).map((e) => complainantMessage(e, file, new Date())!);
    for (const m of messages) await inbox.add(m);
    await prefs.save({ recipientKey: key, email: 'k@example.kz', emailEnabled: true, smsEnabled: false, language: 'kk' }, new Date());
    const [intent] = planDeliveries(messages[1]!, (await prefs.latest(key))!, { EMAIL: true, SMS: false }, 'REF', new Date());
    await deliveries.addIntent(intent!);
    await deliveries.claim(intent!.id, 1, new Date());
    await deliveries.recordOutcome(intent!.id, 1, { ok: true, permanent: false }, new Date());
    await deliveries.finish(intent!.id, 'DELIVERED', undefined, new Date());

    expect(await files.find(submitted.subject)).toMatchObject({ id: submitted.subject, registration: { incomingNumber: registered.data.incomingNumber } });
    expect(await files.complaintIdsOf(key, 50)).toEqual([submitted.subject]);
    const list = await inbox.list(key, { unreadOnly: false, first: 50 });
    expect(list.map((i) => i.entry.type)).toEqual(['complaint.registered', 'complaint.submitted']);
    expect(await inbox.unreadCount(key)).toBe(2);
    expect(await inbox.markRead(key, [list[0]!.id], new Date())).toBe(1);
    expect((await inbox.list(key, { unreadOnly: true, first: 50 })).map((i) => i.entry.type)).toEqual(['complaint.submitted']);
    expect(await inbox.markRead(key, null, new Date())).toBe(1);
    const views = await deliveries.viewsOf(list);
    expect(views.get(list[0]!.id)).toEqual([expect.objectContaining({ channel: 'EMAIL', status: 'DELIVERED', attempts: 1 })]);
    expect(await deliveries.state(intent!.id)).toMatchObject({ finished: true, attempts: [{ attempt: 1, outcome: { ok: true } }] });

    const checked = commands.filter((cmd) => ['find', 'count', 'aggregate', 'update', 'delete', 'findAndModify', 'distinct'].includes(cmd.command));
    expect(checked.length).toBeGreaterThan(20);
    const notPoint = checked.filter((cmd) => cmd.command === 'aggregate' || (cmd.filters ?? []).some((f) => whyNotPoint(f) !== null));
    expect(notPoint).toEqual([]);
  });

  it('keeps one recipient’s inbox exact while three connections append to it and marks read once (unread = inbox − reads)', async () => {
    const key = `iin:${randomIin()}`;
    const repos = conns.map((c) => new InboxRepository(c));
    const t0 = Date.now();
    const all = Array.from({ length: 30 }, (_, i) => message(key, randomUUID(), new Date(t0 + i * 1000)));
    // Messages of many complaints (many partitions, so many writers) land in one inbox at once.
    expect(await Promise.all(all.map((m, i) => repos[i % 3]!.add(m)))).toEqual(all.map(() => true));
    // A redelivery adds nothing, whichever instance sees it.
    expect(await Promise.all(all.slice(0, 10).map((m, i) => repos[(i + 1) % 3]!.add(m)))).toEqual(all.slice(0, 10).map(() => false));

    const fresh = new InboxRepository(conns[2]!);
    expect(await fresh.unreadCount(key)).toBe(30);
    const listed = await fresh.list(key, { unreadOnly: false, first: 50 });
    expect(listed.map((i) => i.id)).toEqual([...all].reverse().map((m) => m.id));
    const slots = await conns[0]!.db!.collection('inbox_slots').find({ list: `inbox:${key}` }).toArray();
    expect(slots.map((s) => s.n).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));

    // The same messages marked twice at once (a double click) count once.
    const ids = all.slice(0, 5).map((m) => m.id);
    const marked = await Promise.all([repos[0]!.markRead(key, ids, new Date()), repos[0]!.markRead(key, ids, new Date())]);
    expect(marked[0]! + marked[1]!).toBe(5);
    // Someone else's message is not theirs to mark.
    expect(await repos[1]!.markRead(`iin:${randomIin()}`, [all[6]!.id], new Date())).toBe(0);
    expect(await fresh.unreadCount(key)).toBe(25);
    // The newest unread to arrive (slot order: concurrent writers interleave), ordered by when their step happened.
    const arrival = slots.sort((a, b) => b.n - a.n).map((s) => String(s.itemId));
    const newestUnread = arrival.filter((id) => !ids.includes(id)).slice(0, 3);
    const occurred = new Map(all.map((m) => [m.id, m.entry.occurredAt]));
    const unread = await fresh.list(key, { unreadOnly: true, first: 3 });
    expect(unread.map((i) => i.id)).toEqual(newestUnread.sort((a, b) => occurred.get(b)!.localeCompare(occurred.get(a)!)));
    expect((await fresh.list(key, { unreadOnly: false, first: 30 })).filter((i) => i.readAt !== null).map((i) => i.id).sort()).toEqual([...ids].sort());

    expect(await repos[2]!.markRead(key, null, new Date())).toBe(25);
    expect(await fresh.unreadCount(key)).toBe(0);
    expect(await fresh.list(key, { unreadOnly: true, first: 50 })).toEqual([]);
  });

  it('lists a recipient’s complaints filed on many partitions at once, each once, newest first (R11)', async () => {
    const iin = randomIin();
    const repos = conns.map((c) => new ComplaintFileRepository(c));
    const t0 = Date.UTC(2026, 10, 30, 4);
    const events = Array.from({ length: 12 }, (_, i) => complaintSubmittedBy('org-k', { iin }, { submittedAt: new Date(t0 + i * 60_000) }));
    await Promise.all(events.map((e, i) => repos[i % 3]!.add(toFact(e)!)));
    await Promise.all(events.slice(0, 4).map((e, i) => repos[(i + 2) % 3]!.add(toFact(e)!))); // redelivered
    const fresh = new ComplaintFileRepository(conns[1]!);
    expect(await fresh.complaintIdsOf(`iin:${iin}`, 50)).toEqual([...events].reverse().map((e) => e.subject));
    expect(await fresh.complaintIdsOf(`iin:${randomIin()}`, 50)).toEqual([]);
  });

  it('moves data written in the old shapes to the slot lists on start, and a repeated run moves nothing twice', async () => {
    const conn = conns[0]!.useDb(iso.dbName('notifmig'));
    const db = conn.db!;
    const iin = randomIin();
    const key = `iin:${iin}`;
    const t0 = new Date('2026-11-30T04:00:00.000Z');
    const submitted = complaintSubmittedBy('org-m', { iin, email: 'm@example.kz' }, { submittedAt: t0 });
    const id = submitted.subject;
    const registered = complaintRegistered('org-m', id, new Date(t0.getTime() + 60_000), 3);
    const answered = complaintAnswered('org-m', id, 'off-m', new Date(t0.getTime() + 120_000));
    const events = [submitted, registered, answered];

    // What the previous version wrote (its schemas, as they were), with its secondary indexes.
    await db.collection('complaint_facts').insertMany(
      events.map((e) => {
        const { id: _id, at, ...rest } = toFact(e)!;
        return { _id, ...rest, at: new Date(at) } as never;
      }),
    );
    const entries = events.map((e) => toTimelineEntry(e));
    await db.collection('timeline').insertMany(entries.map(({ id: _id, occurredAt, ...rest }) => ({ _id, ...rest, occurredAt: new Date(occurredAt), recordedAt: new Date(occurredAt) }) as never));
    const file: ComplaintFile = { id, complainant: { recipientKey: key, kind: 'INDIVIDUAL', displayName: 'X', postalAddress: 'Y' } };
    const msgs = entries.map((e) => complainantMessage(e, file, new Date(e.occurredAt))!);
    await db
      .collection('inbox_messages')
      .insertMany(msgs.map(({ id: _id, createdAt, ...rest }) => ({ _id, ...rest, occurredAt: new Date(rest.entry.occurredAt), createdAt: new Date(createdAt) }) as never));
    await db.collection('inbox_messages').createIndex({ recipientKey: 1, occurredAt: -1 });
    const readAt = new Date('2026-12-01T10:00:00.000Z');
    await db.collection('inbox_reads').insertOne({ _id: msgs[0]!.id, recipientKey: key, readAt } as never);
    await db.collection('preferences').insertMany([
      { _id: randomUUID(), recipientKey: key, at: new Date('2026-12-01T00:00:00Z'), email: 'old@example.kz', emailEnabled: true, smsEnabled: false, language: 'ru' },
      { _id: randomUUID(), recipientKey: key, at: new Date('2026-12-02T00:00:00Z'), phone: '+77011234567', emailEnabled: false, smsEnabled: true, language: 'kk' },
    ] as never[]);
    await db.collection('deliveries').insertOne({ _id: 'd-1', messageId: msgs[1]!.id, createdAt: new Date() } as never);
    await db.collection('deliveries').createIndex({ createdAt: 1 });

    await runMigrations(conn, [NOTIFICATION_SLOTS_MIGRATION], logger);

    const files = new ComplaintFileRepository(conn);
    expect(await files.find(id)).toMatchObject({ id, complainant: { recipientKey: key }, registration: { incomingNumber: registered.data.incomingNumber }, reply: { kind: 'ANSWER' } });
    expect(await files.complaintIdsOf(key, 50)).toEqual([id]);
    expect((await new TimelineRepository(conn).forComplaint(id)).map((e) => e.type)).toEqual(['complaint.submitted', 'complaint.registered', 'complaint.answered']);
    const inbox = new InboxRepository(conn);
    const listed = await inbox.list(key, { unreadOnly: false, first: 50 });
    expect(listed.map((m) => [m.entry.type, m.readAt])).toEqual([
      ['complaint.answered', null],
      ['complaint.registered', null],
      ['complaint.submitted', readAt.toISOString()],
    ]);
    expect(await inbox.unreadCount(key)).toBe(2);
    expect(await new PreferencesRepository(conn).latest(key)).toEqual({ recipientKey: key, phone: '+77011234567', emailEnabled: false, smsEnabled: true, language: 'kk' });
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    for (const old of ['complaint_facts', 'timeline', 'inbox_messages', 'inbox_reads', 'preferences']) expect(names).not.toContain(old);
    expect((await db.collection('deliveries').indexes()).map((i) => i.name)).toEqual(['_id_']);

    // A crash after a move and before the old document's delete leaves both: a second run moves nothing twice.
    const { id: _id, at, ...rest } = toFact(registered)!;
    await db.collection('complaint_facts').insertOne({ _id, ...rest, at: new Date(at) } as never);
    await db.collection('inbox_messages').insertOne({ _id: msgs[1]!.id, ...msgs[1]!, occurredAt: new Date(msgs[1]!.entry.occurredAt), createdAt: new Date() } as never);
    expect(await NOTIFICATION_SLOTS_MIGRATION.run(conn, logger)).toBe(2);
    const again = new InboxRepository(conn);
    expect((await again.list(key, { unreadOnly: false, first: 50 })).map((m) => m.entry.type)).toEqual(['complaint.answered', 'complaint.registered', 'complaint.submitted']);
    expect(await again.unreadCount(key)).toBe(2);
    expect(await db.collection('complaint_fact_slots').countDocuments({ list: `file:${id}` })).toBe(3);
  });
});
