import type { Model } from 'mongoose';
import { ageRule, DAY_MS, HOUR_MS, olderThan } from './retention';
import { loadConfig } from './config';

describe('retention: what is old enough', () => {
  const now = new Date('2026-12-02T10:00:00Z');

  it('a date exactly at the horizon or before it is old enough; one after it is not', () => {
    expect(olderThan(new Date(now.getTime() - DAY_MS), DAY_MS, now)).toBe(true);
    expect(olderThan(new Date(now.getTime() - DAY_MS - 1), DAY_MS, now)).toBe(true);
    expect(olderThan(new Date(now.getTime() - DAY_MS + 1), DAY_MS, now)).toBe(false);
    expect(olderThan('2026-11-01T00:00:00Z', DAY_MS, now)).toBe(true);
  });

  it('a missing or invalid date is never old enough (kept rather than guessed about)', () => {
    expect(olderThan(null, HOUR_MS, now)).toBe(false);
    expect(olderThan(undefined, HOUR_MS, now)).toBe(false);
    expect(olderThan('not a date', HOUR_MS, now)).toBe(false);
    expect(olderThan(new Date(Number.NaN), HOUR_MS, now)).toBe(false);
  });

  it('an age rule selects only the ids whose field is past the horizon', () => {
    const rule = ageRule('inbox', {} as Model<any>, 'processedAt', 15 * DAY_MS);
    const docs = [
      { _id: 'g:old', processedAt: new Date(now.getTime() - 16 * DAY_MS) },
      { _id: 'g:edge', processedAt: new Date(now.getTime() - 15 * DAY_MS) },
      { _id: 'g:new', processedAt: new Date(now.getTime() - 14 * DAY_MS) },
      { _id: 'g:none' },
    ];
    expect(rule.select(docs, now)).toEqual(['g:old', 'g:edge']);
    expect(rule.fields).toEqual(['processedAt']);
  });

  it('the default inbox horizon outlasts the broker tools/infra starts: retention 7 days + a 7-day segment', () => {
    const config = loadConfig('intake', {}, { PORT: 4001 });
    expect(config.RETENTION_INBOX_HOURS * HOUR_MS).toBeGreaterThan(168 * HOUR_MS + 7 * DAY_MS);
    expect(config.RETENTION_INTERVAL_MS).toBe(HOUR_MS);
    expect(config.RETENTION_BATCH_SIZE).toBeLessThanOrEqual(500);
  });
});
