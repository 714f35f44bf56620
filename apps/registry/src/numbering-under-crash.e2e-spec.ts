import { createLogger, connectMongo } from '@shagym/service-kit';
import { complaintSubmitted, isolatedEnv, organizationUpserted, ProcessStack, publishEvents, waitFor } from '@shagym/testing';
import type { Connection } from 'mongoose';

/**
 * R7 under fire: 500 complaints to 5 organizations, interleaved, reach the registry running as
 * its own process; it is killed with SIGKILL in the middle and restarted, and part of the
 * stream is delivered again. Every organization must end with numbers 1..100, no gap, no
 * duplicate, each complaint registered exactly once.
 */
describe('incoming numbers survive a crash and redelivery (R7)', () => {
  const iso = isolatedEnv('crash');
  const stack = new ProcessStack(iso);
  const ORGS = ['org-c1', 'org-c2', 'org-c3', 'org-c4', 'org-c5'];
  let db: Connection;

  beforeAll(async () => {
    await iso.createTopics();
    await publishEvents(iso.topic('directory'), ORGS.map((o, i) => organizationUpserted(o, { code: `CRASH${i + 1}` })));
    db = await connectMongo(iso.env.MONGO_URL!, iso.dbName('registry'), createLogger('test', 'silent'));
  });

  afterAll(async () => {
    await stack.stopAll();
    await db?.close();
    await iso.cleanup();
  });

  it('numbers 5 × 100 interleaved complaints 1..100 per organization through a kill -9 and redelivery', async () => {
    const events = Array.from({ length: 500 }, (_, i) => complaintSubmitted(ORGS[i % 5]!));
    await stack.startService('registry');
    const registered = () => db.collection('event_log').countDocuments({ type: 'complaint.registered' });

    await publishEvents(iso.topic('complaints'), events.slice(0, 250));
    await waitFor('some registrations before the crash', async () => (await registered()) >= 60, { timeoutMs: 60_000, intervalMs: 50 });
    await stack.stopService('registry', 'SIGKILL');
    const atCrash = await registered();

    // Redelivery: the first 100 again, then the rest.
    await publishEvents(iso.topic('complaints'), [...events.slice(0, 100), ...events.slice(250)]);
    await stack.startService('registry');
    await waitFor('all 500 registered', async () => (await registered()) === 500, { timeoutMs: 480_000, intervalMs: 500 });

    for (const org of ORGS) {
      const seqs = (await db.collection('journal_entries').find({ journal: 'incoming', organizationId: org }).toArray()).map((d) => d.sequence as number).sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    }
    const perComplaint = await db.collection('event_log').aggregate([{ $match: { type: 'complaint.registered' } }, { $group: { _id: '$aggregateId', n: { $sum: 1 } } }, { $match: { n: { $gt: 1 } } }]).toArray();
    expect(perComplaint).toEqual([]);
    expect(await db.collection('journal_entries').countDocuments({ journal: 'incoming' })).toBe(500);
    console.log(`[crash test] ${atCrash} of 500 registered when the registry was killed; all 500 numbered 1..100 per organization after restart`);
  }, 600_000);
});
