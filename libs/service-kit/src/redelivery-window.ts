import { ConfigResourceTypes, type Kafka } from 'kafkajs';
import { TOPICS, topicName, type TopicId } from '@shagym/contracts';

/**
 * How long a message can still be delivered (again) by the broker — what bounds the inbox's
 * and the dead-letter markers' retention (retention.ts). Kafka deletes a segment only when its
 * newest message is older than `retention.ms`, and a segment rolls after `segment.ms`, so a
 * message may be read for up to retention.ms + segment.ms after it was written. A topic that
 * keeps messages for ever (retention.ms = -1) or compacts them has no such bound.
 */
export interface TopicRetention {
  topic: string;
  retentionMs: number;
  segmentMs: number;
  compacted: boolean;
}

/** The longest any of these topics can still deliver a message; Infinity if one keeps them for ever. */
export function redeliveryWindowMs(topics: readonly TopicRetention[]): number {
  let longest = 0;
  for (const t of topics) {
    if (t.compacted || t.retentionMs < 0 || !Number.isFinite(t.retentionMs) || !Number.isFinite(t.segmentMs)) return Infinity;
    longest = Math.max(longest, t.retentionMs + Math.max(0, t.segmentMs));
  }
  return longest;
}

/**
 * The horizon the inbox rules use: the configured one, raised to the broker's redelivery window
 * when that is longer (a broker set up with longer retention than the config assumed); null —
 * prune nothing — when messages are kept for ever.
 */
export function effectiveInboxHorizonMs(configuredMs: number, windowMs: number): number | null {
  if (!Number.isFinite(windowMs)) return null;
  return Math.max(configuredMs, windowMs);
}

/** Reads retention.ms, segment.ms and cleanup.policy of every project topic (with the prefix). */
export async function describeTopicRetention(kafka: Kafka, prefix: string): Promise<TopicRetention[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const names = (Object.keys(TOPICS) as TopicId[]).map((id) => topicName(id, prefix));
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: names.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['retention.ms', 'segment.ms', 'cleanup.policy'] })),
    });
    return resources.map((r) => {
      if (r.errorCode) throw new Error(`describeConfigs ${r.resourceName}: error ${r.errorCode}`);
      const value = (name: string) => r.configEntries.find((c) => c.configName === name)?.configValue;
      const number = (name: string) => {
        const v = value(name);
        // A setting the broker does not report cannot be assumed short: treat it as for ever.
        return v === undefined || v === null || v === '' ? Infinity : Number(v);
      };
      return { topic: r.resourceName, retentionMs: number('retention.ms'), segmentMs: number('segment.ms'), compacted: /compact/.test(value('cleanup.policy') ?? '') };
    });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** The broker's redelivery window for the project's topics; throws when the broker cannot tell. */
export function brokerRedeliveryWindow(kafka: Kafka, prefix: string): () => Promise<number> {
  return async () => redeliveryWindowMs(await describeTopicRetention(kafka, prefix));
}
