import { PermanentError, RetryLaterError } from './errors';
import { createLogger } from './logger';
import { createMetrics } from './metrics';
import {
  aggregateOf,
  asKafkaMessage,
  classifyFailure,
  decide,
  ParkedIndex,
  ParkedMessages,
  retryDelay,
  toParked,
  type AggregateState,
  type ParkedMessage,
  type ParkedMessageStore,
  type RetryPolicy,
} from './parked-messages';

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

describe('parked messages: one group’s parking against an in-memory store', () => {
  const group = 'g';
  const agg = 't:a';
  const msg = (offset: string): ParkedMessage => ({ topic: 't', partition: 0, offset, key: 'a', valueBase64: null, headers: {}, eventId: `e${offset}`, type: 'x' });

  /** The store's operations this class uses, kept in maps (slots per list, progress per list). */
  function fakeStore(load: () => Promise<Map<string, AggregateState>> = async () => new Map()) {
    const lists = new Map<string, ParkedMessage[]>();
    const store = {
      messages: {
        add: async (list: string, _itemId: string, data: ParkedMessage) => {
          const l = lists.get(list) ?? [];
          lists.set(list, [...l, data]);
          return { n: l.length + 1, added: true };
        },
        read: async (list: string, numbers: number[]) => numbers.flatMap((n) => { const d = lists.get(list)?.[n - 1]; return d ? [{ n, itemId: d.offset, data: d, at: new Date() }] : []; }),
      },
      aggregates: { append: async () => 1 },
      saveProgress: async () => undefined,
      load,
    };
    return store as unknown as ParkedMessageStore;
  }

  function deferred() {
    let release!: () => void;
    const promise = new Promise<void>((r) => (release = r));
    return { promise, release };
  }

  const deps = { logger: createLogger('test', 'silent'), metrics: createMetrics('test') };
  const policy: RetryPolicy = { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 3 };

  it('a message parked behind while the head is being resumed runs after it, and the aggregate is released after both', async () => {
    const ran: string[] = [];
    const headRunning = deferred();
    const headMayFinish = deferred();
    const drained = deferred();
    let failFirst = true;
    const parked = new ParkedMessages(group, fakeStore(), {
      run: async (m) => {
        if (failFirst) {
          failFirst = false;
          throw new RetryLaterError('not yet', 60_000);
        }
        if (m.offset === '1') {
          headRunning.release();
          await headMayFinish.promise;
        }
        ran.push(m.offset);
        if (m.offset === '3') setImmediate(drained.release);
        return 'handled';
      },
      deadLetter: async () => undefined,
    }, deps, policy);
    parked.assigned({ t: [0] });
    await parked.ready;

    await parked.park(agg, msg('1'), new RetryLaterError('not yet', 60_000));
    expect(await parked.parkBehind(agg, msg('2'))).toBe(true);
    expect(await parked.parkBehind('t:b', msg('9'))).toBe(false); // another aggregate is not held
    await headRunning.promise; // the timer resumed the head
    expect(await parked.parkBehind(agg, msg('3'))).toBe(true);
    headMayFinish.release();
    await drained.promise;
    expect(ran).toEqual(['1', '2', '3']);
    expect(parked.index.isParked(agg)).toBe(false);
    expect(await parked.parkBehind(agg, msg('4'))).toBe(false);
    await parked.stop();
  });

  it('a rejoin’s load that read before a parking keeps it: later messages still wait', async () => {
    const loadMayFinish = deferred();
    const loading = deferred();
    const parked = new ParkedMessages(group, fakeStore(async () => { loading.release(); await loadMayFinish.promise; return new Map(); }), {
      run: async () => { throw new RetryLaterError('not yet', 60_000); },
      deadLetter: async () => undefined,
    }, deps, { ...policy, baseDelayMs: 60_000, maxDelayMs: 60_000 });
    parked.assigned({ t: [0] });
    await loading.promise; // the load has read the (empty) store
    await parked.park(agg, msg('1'), new RetryLaterError('not yet', 60_000));
    loadMayFinish.release();
    await parked.ready;
    expect(parked.index.isParked(agg)).toBe(true);
    expect(await parked.parkBehind(agg, msg('2'))).toBe(true);
    await parked.stop();
  });

  it('dead-letters the head once its window is over, then runs the message behind it', async () => {
    const letters: string[] = [];
    const ran: string[] = [];
    const done = deferred();
    const parked = new ParkedMessages(group, fakeStore(), {
      run: async (m) => {
        if (m.offset === '1') throw new RetryLaterError('still not', 20);
        ran.push(m.offset);
        done.release();
        return 'handled';
      },
      deadLetter: async (m) => void letters.push(m.offset),
    }, deps, policy);
    parked.assigned({ t: [0] });
    await parked.ready;
    await parked.park(agg, msg('1'), new RetryLaterError('still not', 20));
    await parked.parkBehind(agg, msg('2'));
    await done.promise;
    expect(letters).toEqual(['1']);
    expect(ran).toEqual(['2']);
    await parked.stop();
  });
});
