import { randomUUID } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { createLogger } from '@shagym/service-kit';
import { isolatedEnv, waitFor } from '@shagym/testing';
import type { DeliveryIntent } from '../domain/messages';
import { DeliveryRepository } from '../store/delivery-repository';
import type { ChannelAdapter } from './channels';
import { DeliveryWorker, type WorkerOptions } from './worker';

/**
 * The delivery worker without polling, on the real FerretDB: what a stopped process left open
 * is loaded once at start, new intents come through `enqueue`, retries wait on timers, and two
 * workers that both hold a delivery send each attempt once (the claim is an insert).
 */
describe('delivery worker: fed in memory, loaded at start', () => {
  const iso = isolatedEnv('worker');
  const logger = createLogger('test', 'silent');
  const options: WorkerOptions = { maxAttempts: 3, backoffMs: 20, attemptTimeoutMs: 200, maxAgeMs: 86_400_000, batchSize: 10 };
  let conns: Connection[];
  const sent: string[] = [];
  /** An e-mail "server" in the test: records what it was given; `fail` answers 503 once per address. */
  const failOnce = new Set<string>();
  const email: ChannelAdapter = {
    channel: 'EMAIL',
    async send(intent) {
      sent.push(intent.to);
      if (failOnce.delete(intent.to)) return { ok: false, permanent: false, error: '503 try later' };
      return { ok: true, permanent: false };
    },
  };

  beforeAll(async () => {
    conns = await Promise.all([0, 1].map(() => mongoose.createConnection(iso.env.MONGO_URL!, { dbName: iso.dbName('notification'), retryWrites: false }).asPromise()));
  });
  afterAll(async () => {
    await Promise.all((conns ?? []).map((c) => c.close()));
    await iso.cleanup();
  });

  const intent = (to: string, createdAt = new Date()): DeliveryIntent => ({
    id: randomUUID(),
    messageId: randomUUID(),
    recipientKey: 'iin:900101300017',
    complaintId: randomUUID(),
    channel: 'EMAIL',
    to,
    language: 'ru',
    subject: 's',
    text: 't',
    createdAt: createdAt.toISOString(),
  });

  it('delivers what was left open, continues an attempt whose process died, and skips what is finished', async () => {
    const repo = new DeliveryRepository(conns[0]!);
    const open = intent('open@example.kz');
    const died = intent('died@example.kz');
    const done = intent('done@example.kz');
    for (const i of [open, died, done]) await repo.addIntent(i);
    await repo.claim(died.id, 1, new Date(Date.now() - 10_000)); // no outcome: the process stopped mid-send
    await repo.finish(done.id, 'DELIVERED', undefined, new Date());

    // Two instances start on the same store: both load the open deliveries.
    const workers = conns.map((c) => new DeliveryWorker(new DeliveryRepository(c), { EMAIL: email }, options, logger));
    await Promise.all(workers.map((w) => w.start()));
    await waitFor('both delivered', async () => ((await repo.state(open.id)).finished && (await repo.state(died.id)).finished) || undefined);
    await waitFor('the workers idle', async () => workers.every((w) => w.openCount === 0) || undefined);

    expect(sent.filter((to) => to === 'open@example.kz')).toHaveLength(1); // one claim, one send
    expect(sent.filter((to) => to === 'died@example.kz')).toHaveLength(1); // attempt 2 only
    expect(sent).not.toContain('done@example.kz');
    expect((await repo.state(died.id)).attempts.map((a) => [a.attempt, a.outcome?.ok ?? null])).toEqual([
      [1, null],
      [2, true],
    ]);

    // After start, only what is handed over is delivered; a failure is retried on a timer (R7 copies).
    const next = intent('later@example.kz');
    failOnce.add(next.to);
    await repo.addIntent(next);
    workers[0]!.enqueue(next);
    await waitFor('retried and delivered', async () => (await repo.state(next.id)).finished || undefined);
    expect(sent.filter((to) => to === 'later@example.kz')).toHaveLength(2);

    // One older than maxAgeMs (e.g. a replayed event) is settled as FAILED, not sent, not left pending.
    const stale = intent('stale@example.kz', new Date(Date.now() - options.maxAgeMs - 60_000));
    await repo.addIntent(stale);
    workers[1]!.enqueue(stale);
    await waitFor('the stale one settled', async () => (await repo.state(stale.id)).finished || undefined);
    expect(await conns[0]!.db!.collection('delivery_results').findOne({ _id: stale.id as never })).toMatchObject({ status: 'FAILED' });
    expect(sent).not.toContain('stale@example.kz');
    await Promise.all(workers.map((w) => w.stop()));
  });
});
