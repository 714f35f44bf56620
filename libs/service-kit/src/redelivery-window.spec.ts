import { DAY_MS } from './retention';
import { effectiveInboxHorizonMs, redeliveryWindowMs, type TopicRetention } from './redelivery-window';

describe('how long the broker can still deliver a message', () => {
  const topic = (retentionDays: number, segmentDays: number, compacted = false): TopicRetention => ({
    topic: 't',
    retentionMs: retentionDays < 0 ? -1 : retentionDays * DAY_MS,
    segmentMs: segmentDays * DAY_MS,
    compacted,
  });

  it('is the longest retention.ms + segment.ms of the topics (tools/infra: 7 + 7 days)', () => {
    expect(redeliveryWindowMs([topic(7, 7), topic(7, 1)])).toBe(14 * DAY_MS);
    expect(redeliveryWindowMs([topic(3, 1), topic(30, 7)])).toBe(37 * DAY_MS);
  });

  it('is for ever when a topic keeps its messages for ever or compacts them', () => {
    expect(redeliveryWindowMs([topic(7, 7), topic(-1, 7)])).toBe(Infinity);
    expect(redeliveryWindowMs([topic(7, 7, true)])).toBe(Infinity);
    expect(redeliveryWindowMs([{ topic: 't', retentionMs: Infinity, segmentMs: DAY_MS, compacted: false }])).toBe(Infinity);
  });

  it('the inbox horizon is the configured one, raised to a longer window, and none for ever', () => {
    expect(effectiveInboxHorizonMs(15 * DAY_MS, 14 * DAY_MS)).toBe(15 * DAY_MS);
    expect(effectiveInboxHorizonMs(15 * DAY_MS, 37 * DAY_MS)).toBe(37 * DAY_MS);
    expect(effectiveInboxHorizonMs(15 * DAY_MS, Infinity)).toBeNull();
  });
});
