// kafkajs ships no types for its internals; the request queue is what patches/kafkajs+2.2.4.patch changes.
const RequestQueue = require('kafkajs/src/network/requestQueue') as new (options: Record<string, unknown>) => {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: unknown;
  checkPendingRequests(): void;
  destroy(): void;
};

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * patches/kafkajs+2.2.4.patch (applied by patch-package on `npm ci`): an idle request queue
 * must not re-arm its pending-requests check. Unpatched, kafkajs 2.2.4 set a timer with a
 * negative delay (→ 1 ms) after every check, forever: ~3 % of a core per idle process.
 */
describe('kafkajs request queue (our patch)', () => {
  const queue = () =>
    new RequestQueue({ maxInFlightRequests: null, requestTimeout: 30_000, enforceRequestTimeout: false, clientId: 'test', broker: 'b:1', logger: quiet });

  it('arms no timer when nothing is pending and nothing throttles', () => {
    const q = queue();
    q.checkPendingRequests();
    expect(q.throttleCheckTimeoutId).toBeNull();
    q.destroy();
  });

  it('still checks again later while throttled by the broker', () => {
    const q = queue();
    q.throttledUntil = Date.now() + 5_000;
    q.checkPendingRequests();
    expect(q.throttleCheckTimeoutId).not.toBeNull();
    q.destroy();
  });
});
