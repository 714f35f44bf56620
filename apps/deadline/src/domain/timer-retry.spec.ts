import { afterTimerFailure, backoffMs, failureReason, failuresAt, type TimerRetryPolicy } from './timer-retry';

const policy: TimerRetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 500 };

describe('timer retry policy (issue 15: a failing timer is retried a bounded number of times, then parked)', () => {
  it('backs off exponentially from the base, capped', () => {
    expect([1, 2, 3, 4, 5, 40].map((n) => backoffMs(policy, n))).toEqual([100, 200, 400, 500, 500, 500]);
  });

  it('retries until the attempts are spent, then parks', () => {
    expect(afterTimerFailure(policy, 1)).toEqual({ action: 'RETRY', delayMs: 100 });
    expect(afterTimerFailure(policy, 3)).toEqual({ action: 'RETRY', delayMs: 400 });
    expect(afterTimerFailure(policy, 4)).toEqual({ action: 'PARK' });
    expect(afterTimerFailure(policy, 9)).toEqual({ action: 'PARK' });
  });

  it('parks at the first failure when one attempt is allowed', () => {
    expect(afterTimerFailure({ ...policy, maxAttempts: 1 }, 1)).toEqual({ action: 'PARK' });
  });

  it('counts failures from the lease number, and from the resume on after one', () => {
    expect(failuresAt(0, 0)).toBe(1);
    expect(failuresAt(3, 0)).toBe(4);
    // Parked after leases 0..3, resumed: the budget counts again from lease 4.
    expect(failuresAt(4, 4)).toBe(1);
    expect(failuresAt(6, 4)).toBe(3);
  });

  it('keeps a bounded reason with the error name', () => {
    expect(failureReason(new TypeError('bad term'))).toBe('TypeError: bad term');
    expect(failureReason('x'.repeat(50), 10)).toHaveLength(10);
  });
});
