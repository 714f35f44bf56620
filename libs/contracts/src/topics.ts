/**
 * Kafka topics. One topic per aggregate, keyed by the aggregate id, so that every consumer
 * sees one complaint's events in order (architecture.md, Events).
 * A prefix (KAFKA_TOPIC_PREFIX) lets tests and tenants run side by side on one broker.
 */
export const TOPICS = {
  complaints: 'shagym.complaint.events.v1',
  directory: 'shagym.directory.events.v1',
  /** The production calendar's corrections (R16): one aggregate, keyed calendar-kz. */
  calendar: 'shagym.calendar.events.v1',
  deadLetter: 'shagym.deadletter.v1',
} as const;

export type TopicId = keyof typeof TOPICS;

/** Partitions per topic: enough to spread load over consumers, small for a single broker. */
export const TOPIC_PARTITIONS: Record<TopicId, number> = {
  complaints: 6,
  directory: 3,
  calendar: 1,
  deadLetter: 1,
};

export function topicName(id: TopicId, prefix = ''): string {
  return `${prefix}${TOPICS[id]}`;
}
