import { DAY_MS } from '@shagym/service-kit';
import { leasePrunable } from './lease-retention';

describe('lease retention: which leases of a timer may go', () => {
  const now = new Date('2026-12-02T10:00:00Z');
  const horizon = 7 * DAY_MS;
  const ago = (days: number) => new Date(now.getTime() - days * DAY_MS);

  it('a lease of a timer done before the horizon, itself older, may go', () => {
    expect(leasePrunable({ takenAt: ago(9) }, { doneAt: ago(8) }, horizon, now)).toBe(true);
  });

  it('a lease of an open or parked timer stays, however old (attempts are counted by lease numbers)', () => {
    expect(leasePrunable({ takenAt: ago(90) }, { doneAt: null }, horizon, now)).toBe(false);
  });

  it('a lease of a timer done recently stays, as does a recent lease of an old done timer', () => {
    expect(leasePrunable({ takenAt: ago(30) }, { doneAt: ago(1) }, horizon, now)).toBe(false);
    expect(leasePrunable({ takenAt: ago(1) }, { doneAt: ago(30) }, horizon, now)).toBe(false);
  });

  it('a lease whose timer is unknown stays (kept rather than guessed about)', () => {
    expect(leasePrunable({ takenAt: ago(30) }, undefined, horizon, now)).toBe(false);
  });
});
