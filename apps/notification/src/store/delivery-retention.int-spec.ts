import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { dropAndClose, storeConnections } from '@shagym/testing';
import { createLogger, DAY_MS, ensureIndexes, RetentionJob } from '@shagym/service-kit';
import { deliveryId, type DeliveryIntent } from '../domain/messages';
import { DeliveryRepository } from './delivery-repository';
import { deliveryRetentionRule } from './delivery-retention';

/**
 * Delivery retention on the real FerretDB: a delivery finished before the horizon goes whole
 * (intent, attempts, outcomes, result); a recently finished one and an unfinished one stay,
 * however old, and the worker's start-up load still finds the unfinished one. A second run
 * on the idle store deletes nothing.
 */
describe('notification delivery retention on FerretDB', () => {
  const dbName = `t_ntretention_${process.pid}_${Date.now() % 100000}`;
  const logger = createLogger('test', 'silent');
  let conns: Connection[];
  let repo: DeliveryRepository;
  const now = new Date();
  const ago = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const horizon = 90 * DAY_MS;

  beforeAll(async () => {
    conns = await storeConnections(dbName, 1);
    repo = new DeliveryRepository(conns[0]!);
    await ensureIndexes(repo.models);
  });
  afterAll(() => dropAndClose(conns));

  const intent = (createdAt: Date): DeliveryIntent => {
    const messageId = randomUUID();
    return {
      id: deliveryId(messageId, 'EMAIL'),
      messageId,
      recipientKey: 'iin:900101300017',
      complaintId: randomUUID(),
      channel: 'EMAIL',
      to: 'citizen@example.kz',
      language: 'ru',
      subject: 's',
      text: 't',
      createdAt: createdAt.toISOString(),
    };
  };
  /** A delivery with `attempts` attempts (the last one ok when it finishes) and, when `finishedAt`, its result. */
  const delivery = async (createdAt: Date, attempts: number, finishedAt: Date | null) => {
    const i = intent(createdAt);
    await repo.addIntent(i);
    for (let n = 1; n <= attempts; n++) {
      await repo.claim(i.id, n, createdAt);
      await repo.recordOutcome(i.id, n, { ok: n === attempts && finishedAt !== null, permanent: false, ...(n < attempts ? { error: '503' } : {}) }, createdAt);
    }
    if (finishedAt) await repo.finish(i.id, 'DELIVERED', undefined, finishedAt);
    return i;
  };
  const sizes = async () => ({
    intents: await repo.intents.countDocuments({}),
    attempts: await repo.attempts.countDocuments({}),
    outcomes: await repo.outcomes.countDocuments({}),
    results: await repo.results.countDocuments({}),
  });
  const job = () => new RetentionJob([deliveryRetentionRule(repo, horizon)], { logger, batchSize: 2, clock: () => now });

  it('prunes finished deliveries older than the horizon, whole, and keeps the rest', async () => {
    const old = await Promise.all([1, 2, 3].map((n) => delivery(ago(100), n, ago(99))));
    const recent = await delivery(ago(100), 2, ago(10));
    const unfinished = await delivery(ago(120), 2, null);
    expect(await sizes()).toEqual({ intents: 5, attempts: 10, outcomes: 10, results: 4 });

    const first = await job().runOnce();
    // Three intents, 1+2+3 attempts and as many outcomes, three results.
    expect(first).toEqual({ deliveries: { scanned: 4, pruned: 3 + 6 + 6 + 3 } });
    expect(await sizes()).toEqual({ intents: 2, attempts: 4, outcomes: 4, results: 1 });
    for (const d of old) expect(await repo.state(d.id)).toEqual({ finished: false, attempts: [] });
    expect(await repo.state(recent.id)).toMatchObject({ finished: true, attempts: [{ attempt: 1 }, { attempt: 2 }] });
    // The unfinished one is still the worker's to resume (its start-up load).
    expect((await repo.openSince(ago(365))).map((d) => d.intent.id)).toEqual([unfinished.id]);
    // What the recipient's inbox shows of the kept one is unchanged.
    expect((await repo.viewsOf([{ id: recent.messageId, external: true }])).get(recent.messageId)).toMatchObject([{ status: 'DELIVERED', attempts: 2 }]);

    // Idle: nothing more goes and the collections keep their size.
    expect(await job().runOnce()).toEqual({ deliveries: { scanned: 1, pruned: 0 } });
    expect(await sizes()).toEqual({ intents: 2, attempts: 4, outcomes: 4, results: 1 });
  });
});
