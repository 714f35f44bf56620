import { countSlots, deleteByIds, olderThan, type RetentionRule } from '@shagym/service-kit';
import type { DeliveryRepository } from './delivery-repository';

/**
 * Which deliveries the retention job may delete (DEVELOPERS.md, "Retention"). A delivery is
 * the operational record of sending one message by e-mail or SMS: its intent, each attempt's
 * claim and outcome, and the final result. Once it is FINISHED (a result exists: delivered,
 * failed for good, or disabled) and that is older than the horizon, nothing needs it: the
 * worker only resumes unfinished intents younger than its max age, a redelivered cause cannot
 * come back after the inbox horizon (the config keeps this horizon longer), and the message
 * itself — the recipient's inbox and timeline (R11) — is kept; it only stops listing how each
 * channel delivered it. An unfinished delivery is never pruned.
 */
export function deliveryPrunable(result: { at?: Date | null }, horizonMs: number, now: Date): boolean {
  return olderThan(result.at, horizonMs, now);
}

/** Attempt n's claim and outcome share the `_id` `<deliveryId>:<n>` (n = 1, 2, … without gaps). */
const attemptId = (deliveryId: string, n: number) => `${deliveryId}:${n}`;

export function deliveryRetentionRule(repo: DeliveryRepository, horizonMs: number): RetentionRule<{ _id: string; at: Date }> {
  return {
    // Driven by the results: a delivery without one is unfinished and stays.
    name: 'deliveries',
    model: repo.results,
    fields: ['at'],
    select: (docs, now) => docs.filter((d) => deliveryPrunable(d, horizonMs, now)).map((d) => d._id),
    async remove(ids) {
      // The intent first (so the worker can never see an open delivery without its result), the
      // result last (so a crash half-way leaves it for the next run to find again).
      let n = await deleteByIds(repo.intents, ids);
      // Each delivery's attempts counted by point reads, all of the batch's in the same turn.
      const counts = await Promise.all(ids.map((id) => countSlots(repo.attempts, (k) => attemptId(id, k))));
      const attempts = ids.flatMap((id, i) => Array.from({ length: counts[i]! }, (_, k) => attemptId(id, k + 1)));
      n += await deleteByIds(repo.outcomes, attempts);
      n += await deleteByIds(repo.attempts, attempts);
      n += await deleteByIds(repo.results, ids);
      return n;
    },
  };
}
