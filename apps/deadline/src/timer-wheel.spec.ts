import type { DueTimer } from './domain/deadline';
import { TimerWheel } from './timer-wheel';

const timer = (id: string, iso: string): DueTimer => ({
  timerId: id,
  termId: 't',
  complaintId: 'c',
  organizationId: 'o',
  kind: 'BREACH',
  fireAt: new Date(iso),
});

describe('TimerWheel (the scheduler schedule in memory)', () => {
  it('hands out due timers earliest first and tells when to wake next', () => {
    const w = new TimerWheel();
    w.add(timer('b', '2026-12-02T00:00:00Z'));
    w.add(timer('a', '2026-12-01T00:00:00Z'));
    w.add(timer('c', '2026-12-03T00:00:00Z'));
    expect(w.next()).toEqual(new Date('2026-12-01T00:00:00Z'));
    expect(w.takeDue(new Date('2026-11-30T00:00:00Z'))).toEqual([]);
    expect(w.takeDue(new Date('2026-12-02T00:00:00Z')).map((t) => t.timerId)).toEqual(['a', 'b']);
    expect(w.size).toBe(1);
    expect(w.next()).toEqual(new Date('2026-12-03T00:00:00Z'));
    expect(w.takeDue(new Date('2027-01-01T00:00:00Z')).map((t) => t.timerId)).toEqual(['c']);
    expect(w.next()).toBeNull();
  });

  it('ignores a timer added twice, drops forgotten ones, and follows a moved one', () => {
    const w = new TimerWheel();
    w.add(timer('a', '2026-12-01T00:00:00Z'));
    w.add(timer('a', '2026-12-01T00:00:00Z')); // redelivered / loaded at start-up and written again
    w.add(timer('b', '2026-12-01T01:00:00Z'));
    w.add(timer('c', '2026-12-01T02:00:00Z'));
    w.forget('b'); // cancelled: the term stopped
    w.add(timer('c', '2026-12-05T00:00:00Z'));
    expect(w.size).toBe(2);
    expect(w.takeDue(new Date('2026-12-02T00:00:00Z')).map((t) => t.timerId)).toEqual(['a']);
    expect(w.next()).toEqual(new Date('2026-12-05T00:00:00Z'));
  });

  it('keeps order over many timers and respects the limit', () => {
    const w = new TimerWheel();
    const at = Array.from({ length: 500 }, (_, i) => (i * 7919) % 500);
    for (const n of at) w.add(timer(`t${n}`, new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString()));
    const first = w.takeDue(new Date('2030-01-01T00:00:00Z'), 10);
    expect(first.map((t) => t.timerId)).toEqual(Array.from({ length: 10 }, (_, i) => `t${i}`));
    const rest = w.takeDue(new Date('2030-01-01T00:00:00Z'));
    expect(rest).toHaveLength(490);
    expect(rest.every((t, i) => i === 0 || rest[i - 1]!.fireAt <= t.fireAt)).toBe(true);
  });
});
