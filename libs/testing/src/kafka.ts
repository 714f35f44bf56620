import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { infraEnv } from './env';

function kafka(): Kafka {
  return new Kafka({ clientId: `test-${randomUUID().slice(0, 8)}`, brokers: infraEnv().KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
}

/** Sends raw messages (poison included) straight to a topic, as a broken producer would. */
export async function produceRaw(topic: string, messages: Array<{ key?: string; value: string | null }>): Promise<void> {
  const producer: Producer = kafka().producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
}

/** Reads a topic from the beginning until `count` messages were seen or the time is up. */
export async function readTopic(topic: string, count: number, timeoutMs = 30_000): Promise<Array<{ key: string | null; value: string | null }>> {
  const consumer = kafka().consumer({ groupId: `test-reader-${randomUUID()}` });
  const seen: Array<{ key: string | null; value: string | null }> = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      void consumer.run({
        eachMessage: async ({ message }) => {
          seen.push({ key: message.key?.toString() ?? null, value: message.value?.toString() ?? null });
          if (seen.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

/** Publishes well-formed events as another service would (key = subject). */
export async function publishEvents(topic: string, events: Array<{ subject: string }>): Promise<void> {
  await produceRaw(topic, events.map((e) => ({ key: e.subject, value: JSON.stringify(e) })));
}
