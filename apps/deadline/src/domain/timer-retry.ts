/**
 * What the scheduler does when firing a timer fails (issue 15, "a failing timer is parked with
 * its reason and does not hold the others"). Pure: no clock, no I/O.
 *
 * A timer's firing can fail for a while for reasons that pass (the store or the log is briefly
 * unavailable) or for good (the term is inconsistent, its event cannot be built). The first
 * kind is retried with exponential backoff; after `maxAttempts` failures the timer is taken
 * out of the schedule (parked, with its reason) so it can neither hold the other timers nor be
 * retried forever, and a supervisor resumes it once the cause is fixed. The warnings and the
 * breach it stands for (R8, R13, R18 terms) are then late, not lost: firing is idempotent and a
 * resumed timer fires with its original `scheduledFor`.
 */
export interface TimerRetryPolicy {
  /** Failed attempts after which the timer is parked (at least 1). */
  maxAttempts: number;
  /** The wait after the first failure; doubled after each further one. */
  baseDelayMs: number;
  /** The longest wait between two attempts. */
  maxDelayMs: number;
}

export const DEFAULT_TIMER_RETRY: TimerRetryPolicy = { maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 60_000 };

export type TimerFailureDecision = { action: 'RETRY'; delayMs: number } | { action: 'PARK' };

/** The wait before the next attempt after `failures` failed ones (1, 2, …): base·2^(failures-1), capped. */
export function backoffMs(policy: TimerRetryPolicy, failures: number): number {
  const exponent = Math.max(0, Math.min(failures - 1, 30)); // 2^30 already exceeds any sane cap
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
}

/**
 * After the `failures`-th failed attempt (counted since the timer was scheduled or last resumed):
 * retry after the backoff, or park once the attempts are spent.
 */
export function afterTimerFailure(policy: TimerRetryPolicy, failures: number): TimerFailureDecision {
  if (failures >= policy.maxAttempts) return { action: 'PARK' };
  return { action: 'RETRY', delayMs: backoffMs(policy, failures) };
}

/**
 * Failed attempts so far, from the number of the lease just taken (leases are numbered 0, 1, …
 * per timer and each is one attempt: store/term-repository.ts) and the first lease number after
 * the last resume (0 if never parked). Persisted, so a restart does not reset the budget.
 */
export function failuresAt(leaseAttempt: number, countedFrom: number): number {
  return Math.max(1, leaseAttempt - countedFrom + 1);
}

/** A failure's reason as stored and shown: the error's name and message, bounded. */
export function failureReason(err: unknown, max = 1_000): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
