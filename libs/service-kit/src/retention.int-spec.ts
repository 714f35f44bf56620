import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { TOPICS } from '@shagym/contracts';
import type { BaseConfig } from './config';
import { loadConfig } from './config';
import { DeadLetterMarks } from './dead-letters';
import { Inbox } from './inbox';
import { createKafka, ensureTopics } from './kafka';
import { createLogger } from './logger';
import { createMetrics } from './metrics';
import { connectMongo } from './mongo';
import { baseRetentionRules } from './prune-command';
import { brokerRedeliveryWindow, describeTopicRetention, redeliveryWindowMs } from './redelivery-window';
import { DAY_MS, RetentionJob } from './retention';

/**
 * The retention job on the real FerretDB, with the rules every service has: processed-event
 * ids and dead-letter markers older than the horizon go, younger ones stay (a redelivery of
 * those is still skipped), and on an idle store a second run deletes nothing — the
 * collections stop growing. A small batch makes the job delete while its cursor is open.
 */
describe('retention job: inbox ids and dead-letter markers on FerretDB', () => {
  const url = process.env.MONGO_URL!;
  const dbName = `t_retention${randomBytes(3).toString('hex')}_kit`;
  const logger = createLogger('test', 'silent');
  const config: BaseConfig = loadConfig('intake', {}, { PORT: 4001 });
  let db: Connection;
  let inbox: Inbox;
  let marks: DeadLetterMarks;
  const now = new Date();
  const ago = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const job = (clock = () => now) =>
    new RetentionJob(baseRetentionRules(config, inbox, marks), { logger, metrics: createMetrics('retention-test'), batchSize: 7, clock });

  const prefix = `t.${dbName}.`;
  const kafka = createKafka('retention-test', (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(','), logger);

  beforeAll(async () => {
    await ensureTopics(kafka, prefix, logger);
    db = await connectMongo(url, dbName, logger);
    inbox = new Inbox(db);
    marks = new DeadLetterMarks(db);
  });
  afterAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: Object.values(TOPICS).map((t) => `${prefix}${t}`) }).catch(() => undefined);
    await admin.disconnect();
    await db.dropDatabase().catch(() => undefined);
    await db.close();
  });

  const sizes = async () => ({ inbox: await inbox.model.countDocuments({}), marks: await marks.model.countDocuments({}) });

  it('prunes what is older than the horizon, keeps the rest, and then deletes nothing on an idle store', async () => {
    // 15 days is the default horizon (RETENTION_INBOX_HOURS = 360).
    expect(config.RETENTION_INBOX_HOURS).toBe(360);
    const entry = (group: string, n: number, processedAt: Date) => ({ _id: `${group}:e${n}`, group, eventId: `e${n}`, type: 'complaint.submitted', processedAt });
    await inbox.model.collection.insertMany([
      ...Array.from({ length: 40 }, (_, i) => entry('old', i, ago(16 + (i % 5)))),
      ...Array.from({ length: 3 }, (_, i) => entry('edge', i, ago(14.9))),
      ...Array.from({ length: 12 }, (_, i) => entry('new', i, ago(i % 3))),
    ] as never[]);
    await marks.model.collection.insertMany([
      ...Array.from({ length: 9 }, (_, i) => ({ _id: `topic:0:${i}`, letterId: `svc:topic:0:${i}`, group: 'g', markedAt: ago(30) })),
      { _id: 'topic:0:100', letterId: 'svc:topic:0:100', group: 'g', markedAt: ago(2) },
    ] as never[]);
    expect(await sizes()).toEqual({ inbox: 55, marks: 10 });

    const first = await job().runOnce();
    expect(first).toEqual({ inbox: { scanned: 55, pruned: 40 }, dead_letter_marks: { scanned: 10, pruned: 9 } });
    expect(await sizes()).toEqual({ inbox: 15, marks: 1 });
    // What stays still does its work: a redelivery of a young event is skipped, an old one is not known any more.
    expect([...(await inbox.seenOf('new', ['e0', 'e11']))].sort()).toEqual(['e0', 'e11']);
    expect([...(await inbox.seenOf('edge', ['e0']))]).toEqual(['e0']);
    expect(await inbox.seen('old', 'e0')).toBe(false);
    expect(await marks.claim('topic:0:100', 'svc:topic:0:100', 'other')).toBe('g');

    // Idle: nothing new was written, so a second run deletes nothing and the sizes stay.
    const second = await job().runOnce();
    expect(second).toEqual({ inbox: { scanned: 15, pruned: 0 }, dead_letter_marks: { scanned: 1, pruned: 0 } });
    expect(await sizes()).toEqual({ inbox: 15, marks: 1 });

    // Time passes on the idle store: the rest ages out too, and the collections end empty.
    const later = await job(() => new Date(now.getTime() + 16 * DAY_MS)).runOnce();
    expect(later.inbox!.pruned).toBe(15);
    expect(later.dead_letter_marks!.pruned).toBe(1);
    expect(await sizes()).toEqual({ inbox: 0, marks: 0 });
  });

  it('follows the broker: a longer redelivery window raises the horizon, messages kept for ever or an unknown broker prune nothing', async () => {
    await inbox.model.collection.insertMany([
      { _id: 'w:20', group: 'w', eventId: '20', type: 't', processedAt: ago(20) },
      { _id: 'w:40', group: 'w', eventId: '40', type: 't', processedAt: ago(40) },
    ] as never[]);
    const withWindow = (window: () => Promise<number>) =>
      new RetentionJob(baseRetentionRules(config, inbox, marks, window), { logger, batchSize: 7, clock: () => now }).runOnce();

    const forEver = await withWindow(async () => Infinity);
    expect(forEver.inbox).toMatchObject({ pruned: 0, skipped: expect.stringContaining('for ever') });
    const unknown = await withWindow(async () => {
      throw new Error('broker down');
    });
    expect(unknown.inbox).toMatchObject({ pruned: 0, skipped: expect.stringContaining('broker down') });
    // A broker keeping messages 30 days: the 20-day-old id must stay, the 40-day-old one may go.
    expect((await withWindow(async () => 30 * DAY_MS)).inbox).toEqual({ scanned: 2, pruned: 1 });
    expect(await inbox.seen('w', '20')).toBe(true);
    // The broker tools/infra starts (7 + 7 days): the configured 15 days apply.
    expect((await withWindow(brokerRedeliveryWindow(kafka, prefix))).inbox).toEqual({ scanned: 1, pruned: 1 });
  });

  it('reads the window from the real broker: the project topics at its defaults, 7 + 7 days', async () => {
    const topics = await describeTopicRetention(kafka, prefix);
    expect(topics.map((t) => t.topic).sort()).toEqual(Object.values(TOPICS).map((t) => `${prefix}${t}`).sort());
    expect(redeliveryWindowMs(topics)).toBe(14 * DAY_MS);
  });

  it('on the timer: runs after the first delay and again after the interval; the stop ends it', async () => {
    await inbox.model.collection.insertOne({ _id: 'timer:1', group: 'timer', eventId: '1', type: 't', processedAt: ago(30) } as never);
    const metrics = createMetrics('retention-timer-test');
    const j = new RetentionJob(baseRetentionRules(config, inbox, marks), { logger, metrics, batchSize: 7, clock: () => now });
    const stop = j.start(50, 20);
    try {
      const until = Date.now() + 5_000;
      while ((await inbox.seen('timer', '1')) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(await inbox.seen('timer', '1')).toBe(false);
      const pruned = await metrics.retentionPruned.get();
      expect(pruned.values.find((v) => v.labels.collection === 'inbox')?.value).toBe(1);
    } finally {
      await stop();
    }
  });

  it('one run at a time: a second call while a run is going joins it', async () => {
    const j = job();
    const [a, b] = [j.runOnce(), j.runOnce()];
    expect(a).toBe(b);
    await a;
  });
});
