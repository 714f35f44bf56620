import { olderThan, readByIds, type RetentionRule } from '@shagym/service-kit';
import type { TermRepository } from './term-repository';

/**
 * Which timer leases the retention job may delete (DEVELOPERS.md, "Retention").
 * A lease `<timerId>:<attempt>` is only read to find a timer's last attempt while the timer is
 * being worked (TermRepository#lease), and a parked timer counts its failures by lease numbers
 * (parked-timer-repository: lastAttempt, countedFrom). So only the leases of a DONE timer (fired
 * or cancelled: doneAt is never reset) may go, and only once both the lease and the timer's end
 * are past the horizon — long after any instance could still be working that timer. A later
 * lease attempt on a done timer answers DONE whether its old leases are there or not.
 */
export function leasePrunable(
  lease: { takenAt?: Date | null },
  timer: { doneAt?: Date | null } | undefined,
  horizonMs: number,
  now: Date,
): boolean {
  // An unknown timer is kept rather than guessed about (timers are never deleted).
  if (!timer || !timer.doneAt) return false;
  return olderThan(lease.takenAt, horizonMs, now) && olderThan(timer.doneAt, horizonMs, now);
}

interface LeaseFields {
  _id: string;
  timerId: string;
  takenAt: Date;
}

export function leaseRetentionRule(store: TermRepository, horizonMs: number): RetentionRule<LeaseFields> {
  return {
    name: 'deadline_timer_leases',
    model: store.leases,
    fields: ['timerId', 'takenAt'],
    async select(docs, now) {
      // Only leases old enough need their timer looked at: one `$in` point read per batch.
      const old = docs.filter((d) => olderThan(d.takenAt, horizonMs, now));
      if (!old.length) return [];
      const timers = await readByIds<{ _id: string; doneAt: Date | null }>(store.timers, [...new Set(old.map((d) => d.timerId))], { _id: 1, doneAt: 1 });
      return old.filter((d) => leasePrunable(d, timers.get(d.timerId), horizonMs, now)).map((d) => d._id);
    },
  };
}
