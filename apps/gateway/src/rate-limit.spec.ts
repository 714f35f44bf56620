import { RateLimiter } from './rate-limit';

describe('rate limit per client', () => {
  it('allows a burst, then refuses with the wait, then refills', () => {
    let now = 0;
    const limiter = new RateLimiter(60, 3, () => now);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 0]);
    expect(limiter.take('a')).toBe(1); // one token a second at 60/min
    expect(limiter.take('b')).toBe(0); // other clients are not affected
    now += 1_000;
    expect(limiter.take('a')).toBe(0);
  });
});
