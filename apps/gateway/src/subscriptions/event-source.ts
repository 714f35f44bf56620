import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { decodeEvent, topicName, type DomainEvent } from '@shagym/contracts';
import type { Logger } from '@shagym/service-kit';

/** Where a subscriber is in the complaint topic: the next offset per partition. */
export type Cursor = Record<number, string>;

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodeCursor(s: string): Cursor | null {
  try {
    const parsed = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown;
    if (!parsed || typeof parsed !== 'object') return null;
    const entries = Object.entries(parsed as Record<string, unknown>);
    if (!entries.every(([p, o]) => /^\d+$/.test(p) && typeof o === 'string' && /^\d+$/.test(o))) return null;
    return Object.fromEntries(entries.map(([p, o]) => [Number(p), o as string]));
  } catch {
    return null;
  }
}

export interface StreamedEvent {
  event: DomainEvent;
  cursor: string;
}

/**
 * One subscriber's view of the complaint topic: its own Kafka consumer (no committed
 * offsets), starting at the latest events, at the beginning, or exactly after a cursor the
 * subscriber got earlier — so a reconnect resumes without a gap. Paused while the subscriber
 * is slow, so memory stays bounded.
 */
export async function* streamComplaintEvents(
  kafka: Kafka,
  topicPrefix: string,
  start: 'latest' | 'beginning' | Cursor,
  logger: Logger,
  maxBuffered = 500,
): AsyncGenerator<StreamedEvent> {
  const topic = topicName('complaints', topicPrefix);
  const consumer = kafka.consumer({ groupId: `gateway-subscription-${randomUUID()}`, sessionTimeout: 30_000 });
  const buffer: StreamedEvent[] = [];
  let wake: (() => void) | null = null;
  let paused = false;
  // Every partition gets an explicit start, so that every cursor handed out covers all of
  // them: resuming from it skips nothing and repeats nothing.
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const position: Cursor = Object.fromEntries(
    offsets.map(({ partition, low, high }) => [
      partition,
      typeof start === 'object' ? (start[partition] ?? low) : start === 'beginning' ? low : high,
    ]),
  );
  const initial = { ...position };
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        position[partition] = (BigInt(message.offset) + 1n).toString();
        const decoded = decodeEvent(message.value);
        if (!decoded.ok) return; // the services' consumers dead-letter it; subscribers skip it
        buffer.push({ event: decoded.event, cursor: encodeCursor(position) });
        if (buffer.length >= maxBuffered && !paused) {
          paused = true;
          consumer.pause([{ topic }]);
        }
        wake?.();
      },
    });
    for (const [partition, offset] of Object.entries(initial)) consumer.seek({ topic, partition: Number(partition), offset });
    for (;;) {
      while (buffer.length) {
        yield buffer.shift()!;
        if (paused && buffer.length < maxBuffered / 2) {
          paused = false;
          consumer.resume([{ topic }]);
        }
      }
      await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
    }
  } finally {
    await consumer.disconnect().catch((err: unknown) => logger.warn({ err }, 'subscription consumer did not disconnect'));
  }
}
