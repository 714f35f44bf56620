import { Kafka, logLevel as KafkaLogLevel, type Admin, type Producer, type LogEntry } from 'kafkajs';
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
      logger.info({ topics: missing.map((t) => t.topic) }, 'kafka topics created');
    }
  } finally {
    await admin.disconnect();
  }
}

export async function connectProducer(kafka: Kafka): Promise<Producer> {
  // Idempotency comes from consumers (event ids), not kafkajs's experimental idempotent mode.
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  return producer;
}
