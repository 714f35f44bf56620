import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { dropAndClose, storeConnections } from '@shagym/testing';
import { createLogger, DAY_MS, ensureIndexes, RetentionJob } from '@shagym/service-kit';
import type { TermRecord } from '../domain/deadline';
import type { PlannedTimer } from '../domain/term';
import { leaseRetentionRule } from './lease-retention';
import { TermRepository } from './term-repository';

/**
 * Lease retention on the real FerretDB: the leases of timers done before the horizon go;
 * those of an open (or parked) timer stay however old, as do those of a timer done recently.
 * A lease asked for a pruned, done timer still answers DONE; a second run deletes nothing.
 */
describe('deadline lease retention on FerretDB', () => {
  const dbName = `t_dlretention_${process.pid}_${Date.now() % 100000}`;
  const logger = createLogger('test', 'silent');
  let conns: Connection[];
  let repo: TermRepository;
  const now = new Date();
  const ago = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const horizon = 7 * DAY_MS;

  beforeAll(async () => {
    conns = await storeConnections(dbName);
    repo = new TermRepository(conns[0]!);
    await ensureIndexes(repo.models);
  });
  afterAll(() => dropAndClose(conns));

  const planned: PlannedTimer[] = [
    { kind: 'WARNING', warning: '1@09:00', fireAt: ago(20) },
    { kind: 'BREACH', fireAt: ago(19) },
  ];
  const term = (): TermRecord => ({
    termId: randomUUID(),
    complaintId: randomUUID(),
    organizationId: 'org-r',
    rule: 'R8',
    termWorkingDays: 5,
    startsOn: '2026-11-01',
    dueOn: '2026-11-07',
    dueAt: ago(19).toISOString(),
  });
  /** A term whose two timers were each attempted `attempts` times at `leasedAt`. */
  const termWithLeases = async (leasedAt: Date, attempts: number) => {
    const t = term();
    const timers = await repo.recordTerm(t, planned, leasedAt);
    for (const timer of timers) for (let a = 0; a < attempts; a++) await repo.lease(timer.timerId, 'owner', leasedAt, 1);
    return timers.map((x) => x.timerId);
  };
  const leasesOf = async (timerIds: string[]) => repo.leases.countDocuments({ timerId: { $in: timerIds } });
  const job = () => new RetentionJob([leaseRetentionRule(repo, horizon)], { logger, batchSize: 3, clock: () => now });

  it('prunes only the leases of timers done before the horizon, and nothing on a second run', async () => {
    const doneLongAgo = await termWithLeases(ago(20), 3);
    for (const id of doneLongAgo) await repo.markDone(id, 'FIRED', ago(19));
    const open = await termWithLeases(ago(30), 2); // failing, maybe parked: its attempts still count
    const doneRecently = await termWithLeases(ago(20), 1);
    for (const id of doneRecently) await repo.markDone(id, 'FIRED', ago(1));
    expect(await leasesOf(doneLongAgo)).toBe(6);
    expect(await repo.leases.countDocuments({})).toBe(12);

    const first = await job().runOnce();
    expect(first).toEqual({ deadline_timer_leases: { scanned: 12, pruned: 6 } });
    expect(await leasesOf(doneLongAgo)).toBe(0);
    expect(await leasesOf(open)).toBe(4);
    expect(await leasesOf(doneRecently)).toBe(2);

    // The open timer's next attempt is numbered after its kept leases; the done one stays done.
    expect(await repo.lease(open[0]!, 'next', now, 1)).toEqual({ status: 'TAKEN', attempt: 2 });
    expect(await repo.lease(doneLongAgo[0]!, 'late', now, 1)).toEqual({ status: 'DONE' });

    // Idle again (the two leases just taken are recent): nothing more goes, the size stays.
    const size = await repo.leases.countDocuments({});
    expect((await job().runOnce()).deadline_timer_leases).toEqual({ scanned: size, pruned: 0 });
    expect(await repo.leases.countDocuments({})).toBe(size);
  });
});
