import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import {
  complaintForwarded,
  complaintRegisteredAfterForwarding,
  complaintOutsideCompetence,
  complaintRegistered,
  isolatedEnv,
  organizationUpserted,
  ProcessStack,
  publishEvents,
  readTopicUntil,
  waitFor,
  type ReadEvent,
} from '@shagym/testing';

/**
 * Durable timers with the deadline service as a real process, killed with SIGKILL between
 * its timers and restarted (the in-process timer tests stop it cleanly). Business time comes
 * from a clock file the test moves (DEADLINE_CLOCK_FILE). Nothing is lost, nothing doubled —
 * also for the R18 forwarding term and the receiving body's term after it.
 */
describe('deadline timers across kill -9 of the service (R8, R18)', () => {
  const iso = isolatedEnv('dlcrash');
  const stack = new ProcessStack(iso);
  const dir = mkdtempSync(join(tmpdir(), 'shagym-clock-'));
  const clockFile = join(dir, 'now');
  const setClock = (iso8601: string) => writeFileSync(clockFile, iso8601);
  const env = { DEADLINE_CLOCK_FILE: clockFile, DEADLINE_SCHEDULER_INTERVAL_MS: '100', DEADLINE_LEASE_MS: '1000' };
  let db: mongoose.Connection;

  const logged = (filter: object) => db.collection('event_log').countDocuments(filter);
  const restart = async () => {
    await stack.stopService('deadline', 'SIGKILL');
    await stack.startService('deadline', env);
  };

  beforeAll(async () => {
    await iso.createTopics();
    await publishEvents(iso.topic('directory'), [organizationUpserted('org-cr-psc'), organizationUpserted('org-cr-ministry', { kind: 'MINISTRY' })]);
    setClock('2026-11-30T05:00:00.000Z');
    await stack.startService('deadline', env);
    db = await mongoose.createConnection(iso.env.MONGO_URL!, { dbName: iso.dbName('deadline'), retryWrites: false }).asPromise();
  }, 120_000);

  afterAll(async () => {
    await stack.stopAll();
    await db?.close();
    await iso.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('R18: the forwarding term warns, is killed, breaches once after the restart; the receiving body’s term breaches in its turn', async () => {
    // Registered Monday 30 November 2026; found outside the competence on Tuesday at 08:00 Almaty.
    const reg = complaintRegistered('org-cr-psc', undefined, new Date('2026-11-30T05:00:00.000Z'));
    const declared = complaintOutsideCompetence('org-cr-psc', reg.subject, new Date('2026-12-01T03:00:00.000Z'), '2026-11-30', 'org-cr-ministry');
    await publishEvents(iso.topic('complaints'), [reg, declared]);
    await waitFor('forwarding term and its timers', async () => (await db.collection('deadline_timers').countDocuments({ complaintId: reg.subject, doneAt: null })) === 3);

    setClock('2026-12-02T05:00:00.000Z'); // Wednesday 10:00: one working day before the last
    await waitFor('R18 warning', async () => (await logged({ aggregateId: reg.subject, type: 'deadline.warning' })) === 1);

    await stack.stopService('deadline', 'SIGKILL');
    setClock('2026-12-04T05:00:00.000Z'); // the last morning and the end pass while it is dead
    await stack.startService('deadline', env);
    await waitFor('R18 breach after restart', async () => (await logged({ aggregateId: reg.subject, type: 'deadline.breached' })) === 1);

    // Forwarded a day late: the forwarding term stops MISSED. The ministry registers it the same
    // Friday 4 December (R7 at the receiving body); its 5 days run from that registration (R8).
    const forwarded = complaintForwarded('org-cr-psc', 'org-cr-ministry', reg.subject, new Date('2026-12-04T06:00:00.000Z'), '2026-11-30');
    await publishEvents(iso.topic('complaints'), [forwarded, complaintRegisteredAfterForwarding(forwarded, new Date('2026-12-04T06:00:00.000Z'), 1, reg)]);
    await waitFor('receiving body’s term', async () => (await db.collection('deadline_terms').countDocuments({ complaintId: reg.subject, organizationId: 'org-cr-ministry' })) === 1);
    await restart();
    setClock('2026-12-14T05:00:00.000Z');
    await waitFor('second breach', async () => (await logged({ aggregateId: reg.subject, type: 'deadline.breached' })) === 2);
    await restart(); // a restart after the fact fires nothing again
    await waitFor('timers done', async () => (await db.collection('deadline_timers').countDocuments({ complaintId: reg.subject, doneAt: null })) === 0);

    const mine = (all: ReadEvent[]) => all.filter((e) => e.subject === reg.subject && e.type.startsWith('deadline.'));
    const seen = mine(await readTopicUntil(iso.topic('complaints'), (all) => mine(all).filter((e) => e.type === 'deadline.breached').length >= 2));
    const unique = [...new Map(seen.map((e) => [e.id, e])).values()];
    expect(unique.map((e) => [e.type, e.data.rule])).toEqual([
      ['deadline.set', 'R8'],
      ['deadline.set', 'R18'],
      ['deadline.warning', 'R18'],
      ['deadline.breached', 'R18'],
      ['deadline.stopped', 'R18'],
      ['deadline.set', 'R8'], // its warnings' times passed after its end: skipped
      ['deadline.breached', 'R8'],
    ]);
    expect(unique.find((e) => e.type === 'deadline.stopped')!.data).toMatchObject({ stoppedBy: 'FORWARDED', outcome: 'MISSED', workingDaysLate: 1, dueOn: '2026-12-03' });
    expect(unique.at(-1)!.data).toMatchObject({ organizationId: 'org-cr-ministry', dueOn: '2026-12-11' });
  }, 240_000);

  it('many terms due at once, killed while firing: each warning and breach exactly once', async () => {
    setClock('2026-12-14T05:00:00.000Z');
    const regs = Array.from({ length: 20 }, (_, i) => complaintRegistered('org-cr-psc', undefined, new Date('2026-12-14T05:00:00.000Z'), i + 1));
    await publishEvents(iso.topic('complaints'), regs);
    const ids = regs.map((r) => r.subject);
    await waitFor('all terms', async () => (await db.collection('deadline_timers').countDocuments({ complaintId: { $in: ids } })) === 60);

    setClock('2026-12-28T05:00:00.000Z'); // after every warning and the end (due Tuesday 22 December: 16 December is off)
    // Kill as soon as the first fires, mid-way through the batch.
    await waitFor('firing started', async () => (await logged({ aggregateId: { $in: ids }, type: 'deadline.breached' })) > 0, { intervalMs: 20 });
    await stack.stopService('deadline', 'SIGKILL');
    const before = await logged({ aggregateId: { $in: ids }, type: 'deadline.breached' });
    await stack.startService('deadline', env);
    await waitFor('all breached', async () => (await logged({ aggregateId: { $in: ids }, type: 'deadline.breached' })) === 20);
    await waitFor('timers done', async () => (await db.collection('deadline_timers').countDocuments({ complaintId: { $in: ids }, doneAt: null })) === 0);

    expect(before).toBeLessThanOrEqual(20);
    // Both warnings came only after the end (caught up): skipped, never sent late.
    expect(await logged({ aggregateId: { $in: ids }, type: 'deadline.warning' })).toBe(0);
    const onKafka = await readTopicUntil(iso.topic('complaints'), (all) => new Set(all.filter((e) => e.type === 'deadline.breached' && ids.includes(e.subject)).map((e) => e.id)).size >= 20);
    const breaches = onKafka.filter((e) => e.type === 'deadline.breached' && ids.includes(e.subject));
    expect(new Set(breaches.map((e) => e.subject)).size).toBe(20);
    expect(new Set(breaches.map((e) => e.id)).size).toBe(20);
  }, 240_000);
});
