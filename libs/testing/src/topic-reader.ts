import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { infraEnv } from './env';
import { waitFor } from './wait';

/** An event as read back from a topic (the parsed envelope). */
export interface ReadEvent {
  id: string;
  type: string;
  subject: string;
  data: Record<string, any>;
}

/**
 * Reads a topic from the beginning until `done` holds for the (parsed) events seen so far —
 * no fixed waiting time: it ends as soon as the condition holds, or fails with waitFor's
 * timeout saying what it saw.
 */
export async function readTopicUntil(
  topic: string,
  done: (seen: ReadEvent[]) => boolean,
  what = `events on ${topic}`,
): Promise<ReadEvent[]> {
  const kafka = new Kafka({ clientId: `test-${randomUUID().slice(0, 8)}`, brokers: infraEnv().KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `test-reader-${randomUUID()}` });
  const seen: ReadEvent[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (message.value) seen.push(JSON.parse(message.value.toString()) as ReadEvent);
      },
    });
    await waitFor(what, async () => done(seen) || undefined);
  } finally {
    await consumer.disconnect();
  }
  return seen;
}
