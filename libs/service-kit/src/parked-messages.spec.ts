import { PermanentError, RetryLaterError } from './errors';
import { aggregateOf, asKafkaMessage, classifyFailure, decide, ParkedIndex, retryDelay, toParked, type AggregateState, type RetryPolicy } from './parked-messages';

const policy: RetryPolicy = { baseDelayMs: 100, maxDelayMs: 1_000, maxAttempts: 3 };

function state(over: Partial<AggregateState> = {}): AggregateState {
  return { topic: 't', partition: 0, count: 1, done: 0, attempts: 1, firstFailedAt: 0, retryForMs: 5_000, dueAt: 100, ...over };
}

describe('parked messages: ordering per aggregate', () => {
  it('holds back an aggregate while it has unresolved parked messages, and releases it when the last is resolved', () => {
    const index = new ParkedIndex();
    index.states.set('t:a', state({ count: 2 }));
    expect(index.isParked('t:a')).toBe(true);
    expect(index.isParked('t:b')).toBe(false); // another aggregate on the same partition passes
    index.resolveHead('t:a', 500);
    // The second parked message is now the head, due at once: it follows its predecessor.
    expect(index.isParked('t:a')).toBe(true);
    expect(index.states.get('t:a')).toMatchObject({ done: 1, attempts: 0, firstFailedAt: null, dueAt: 500 });
    index.resolveHead('t:a', 600);
    expect(index.isParked('t:a')).toBe(false);
    expect(index.states.has('t:a')).toBe(false);
  });

  it('resumes only aggregates that are due, owned and not already being resumed; wakes at the earliest due time', () => {
    const index = new ParkedIndex();
    index.states.set('t:a', state({ partition: 0, dueAt: 300 }));
    index.states.set('t:b', state({ partition: 0, dueAt: 100 }));
    index.states.set('t:c', state({ partition: 1, dueAt: 50 }));
    expect(index.due(1_000, new Set())).toEqual([]); // nothing owned before the group is joined
    expect(index.earliestDue(new Set())).toBeNull();
    index.setOwned({ t: [0] });
    expect(index.earliestDue(new Set())).toBe(100);
    expect(index.due(200, new Set())).toEqual(['t:b']);
    expect(index.due(300, new Set(['t:b']))).toEqual(['t:a']);
    expect(index.earliestDue(new Set(['t:b']))).toBe(300);
  });

  it('keys an aggregate by topic and Kafka key, falling back to the subject', () => {
    expect(aggregateOf('complaints', Buffer.from('c-1'), 'other')).toBe('complaints:c-1');
    expect(aggregateOf('complaints', null, 'c-2')).toBe('complaints:c-2');
  });

  it('keeps the exact bytes of a parked message for a dead letter', () => {
    const value = Buffer.from([0x7b, 0xff, 0x7d]);
    const parked = toParked('t', 2, { offset: '7', key: Buffer.from('k'), value, headers: { h: Buffer.from('v') } }, { id: 'e', type: 'x' });
    const back = asKafkaMessage(parked);
    expect(back.value?.equals(value)).toBe(true);
    expect(back).toMatchObject({ offset: '7', headers: { h: 'v' } });
    expect(back.key?.toString()).toBe('k');
  });
});

describe('parked messages: what a failure of the head means', () => {
  it('backs off exponentially up to the cap', () => {
    expect([1, 2, 3, 4, 5].map((a) => retryDelay(a, policy))).toEqual([100, 200, 400, 800, 1_000]);
  });

  it('retries a RetryLater message within its window (last try at the window end) and dead-letters it after', () => {
    const later = classifyFailure(new RetryLaterError('org not yet known', 5_000));
    expect(decide(later, { attempts: 2, firstFailedAt: 0, retryForMs: 5_000 }, 1_000, policy)).toEqual({ action: 'retry', dueAt: 1_200 });
    expect(decide(later, { attempts: 9, firstFailedAt: 0, retryForMs: 5_000 }, 4_900, policy)).toEqual({ action: 'retry', dueAt: 5_000 });
    expect(decide(later, { attempts: 10, firstFailedAt: 0, retryForMs: 5_000 }, 5_000, policy)).toEqual({ action: 'dead-letter' });
  });

  it('dead-letters a permanent failure at once, an ordinary one after maxAttempts, and never an infrastructure one', () => {
    expect(decide(classifyFailure(new PermanentError('no')), { attempts: 1, firstFailedAt: 0, retryForMs: null }, 0, policy)).toEqual({ action: 'dead-letter' });
    const ordinary = classifyFailure(new Error('bug'));
    expect(decide(ordinary, { attempts: 2, firstFailedAt: 0, retryForMs: null }, 0, policy).action).toBe('retry');
    expect(decide(ordinary, { attempts: 3, firstFailedAt: 0, retryForMs: null }, 0, policy).action).toBe('dead-letter');
    const infra = classifyFailure(Object.assign(new Error('connect ECONNREFUSED'), { name: 'MongoNetworkError' }));
    expect(decide(infra, { attempts: 99, firstFailedAt: 0, retryForMs: null }, 0, policy)).toEqual({ action: 'retry', dueAt: 1_000 });
  });
});
