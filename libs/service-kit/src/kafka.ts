import { Kafka, logLevel as KafkaLogLevel, Partitioners, type Admin, type Producer, type LogEntry } from 'kafkajs';
import { TOPIC_PARTITIONS, TOPICS, topicName, type TopicId } from '@shagym/contracts';
import type { Logger } from './logger';

export function createKafka(clientId: string, brokers: string[], logger: Logger): Kafka {
  const toPino = (level: KafkaLogLevel) =>
    level === KafkaLogLevel.ERROR ? 'error' : level === KafkaLogLevel.WARN ? 'warn' : 'debug';
  return new Kafka({
    clientId,
    brokers,
    connectionTimeout: 5_000,
    retry: { initialRetryTime: 200, retries: 12, maxRetryTime: 10_000 },
    logLevel: KafkaLogLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...rest } = log;
        logger[toPino(level)]({ kafka: rest }, `kafka: ${message}`);
      },
  });
}

/** Creates the project's topics if missing (the broker never auto-creates them). */
export async function ensureTopics(kafka: Kafka, prefix: string, logger: Logger): Promise<void> {
  const admin: Admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = (Object.keys(TOPICS) as TopicId[])
      .map((id) => ({ topic: topicName(id, prefix), numPartitions: TOPIC_PARTITIONS[id], replicationFactor: 1 }))
      .filter((t) => !existing.has(t.topic));
    if (missing.length) {
      await admin.createTopics({ topics: missing, waitForLeaders: true }).catch((err: Error) => {
        // Another service may create the same topic at the same moment.
        if (!/already exists/i.test(err.message)) throw err;
      });
      await waitForLeaders(admin, missing.map((t) => t.topic));
      logger.info({ topics: missing.map((t) => t.topic) }, 'kafka topics created');
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * createTopics' own wait can return before every partition has a leader the broker serves
 * (seen on a loaded single broker as "does not host this topic-partition" on the first send).
 */
async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ready = await admin
      .fetchTopicMetadata({ topics })
      .then((m) => m.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)))
      .catch(() => false);
    if (ready || Date.now() > until) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function connectProducer(kafka: Kafka): Promise<Producer> {
  // Idempotency comes from consumers (event ids), not kafkajs's experimental idempotent mode.
  const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  return producer;
}
