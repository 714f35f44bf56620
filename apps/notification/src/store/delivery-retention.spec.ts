import { DAY_MS } from '@shagym/service-kit';
import { deliveryPrunable } from './delivery-retention';

describe('delivery retention: which finished deliveries may go', () => {
  const now = new Date('2026-12-02T10:00:00Z');
  const horizon = 90 * DAY_MS;

  it('a delivery finished before the horizon may go; one finished after it stays', () => {
    expect(deliveryPrunable({ at: new Date(now.getTime() - 91 * DAY_MS) }, horizon, now)).toBe(true);
    expect(deliveryPrunable({ at: new Date(now.getTime() - 89 * DAY_MS) }, horizon, now)).toBe(false);
  });

  it('a result without a time stays', () => {
    expect(deliveryPrunable({ at: null }, horizon, now)).toBe(false);
  });
});
