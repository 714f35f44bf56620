import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { Schema, type Connection, type Model } from 'mongoose';
import { topicName } from '@shagym/contracts';
import { insertOnce, readByIds, readPoint, type DeadLetter } from '@shagym/service-kit';
import { letterIdOf, redriveMessage, refusal, uniqueLetters, type RedriveRecord, type StoredLetter } from './letters';

/** The I/O of `npm run dlq`: reading the dead-letter topic, redriving, and the redrive records. */

export class RedriveRefused extends Error {
  override name = 'RedriveRefused';
}
export class LetterNotFound extends Error {
  override name = 'LetterNotFound';
}

/** The letters of the dead-letter topic, one per id (copies re-sent after a crash dropped). */
export async function readLetters(kafka: Kafka, topicPrefix: string, service?: string): Promise<StoredLetter[]> {
  return uniqueLetters(await readRawLetters(kafka, topicPrefix), service);
}

/**
 * Every message on the dead-letter topic, read up to the end offsets seen when the read starts
 * (a snapshot: letters arriving meanwhile wait for the next run), in topic order.
 */
export async function readRawLetters(kafka: Kafka, topicPrefix: string): Promise<StoredLetter[]> {
  const topic = topicName('deadLetter', topicPrefix);
  const admin = kafka.admin();
  await admin.connect();
  let ends: Array<{ partition: number; high: string; low: string }>;
  try {
    if (!(await admin.listTopics()).includes(topic)) throw new LetterNotFound(`no dead-letter topic ${topic} (KAFKA_TOPIC_PREFIX=${topicPrefix || '(empty)'}): no service has run with these settings`);
    ends = await admin.fetchTopicOffsets(topic);
  } finally {
    await admin.disconnect();
  }
  const pending = new Map(ends.filter((p) => BigInt(p.high) > BigInt(p.low)).map((p) => [p.partition, BigInt(p.high) - 1n]));
  const found: StoredLetter[] = [];
  if (!pending.size) return [];
  // A throwaway group (kafkajs reads only in a group); deleted afterwards so none pile up.
  const groupId = `dlq-reader-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`dead-letter topic ${topic} not read to its end within 60 s`)), 60_000);
      void consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          const last = pending.get(partition);
          if (last === undefined || BigInt(message.offset) > last) return;
          const letter = parseLetter(message.value);
          if (letter) found.push({ id: letterIdOf(letter, partition, message.offset), letter, at: { partition, offset: message.offset } });
          if (BigInt(message.offset) === last) pending.delete(partition);
          if (!pending.size) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
    const cleanup = kafka.admin();
    await cleanup.connect().then(() => cleanup.deleteGroups([groupId])).catch(() => undefined);
    await cleanup.disconnect().catch(() => undefined);
  }
  found.sort((a, b) => a.at.partition - b.at.partition || Number(BigInt(a.at.offset) - BigInt(b.at.offset)));
  return found;
}

function parseLetter(value: Buffer | null): DeadLetter | null {
  if (!value) return null;
  try {
    const l = JSON.parse(value.toString('utf8')) as DeadLetter;
    return l && typeof l === 'object' && l.original && typeof l.reason === 'string' ? l : null;
  } catch {
    return null;
  }
}

const recordSchema = new Schema<RedriveRecord>(
  {
    _id: { type: String, required: true },
    startedAt: { type: Date, required: true },
    by: { type: String, required: true },
    publishedAt: { type: Date },
    to: { type: Object },
  },
  { versionKey: false, collection: 'redrives' },
);

/**
 * Where a redrive is recorded: one document per letter id, inserted before the send, in the
 * dlq tool's own database (DLQ_MONGO_DB). Why there and not on a compacted Kafka topic: an
 * insert under a unique `_id` is the one conditional write the store makes atomic
 * (architecture.md), so two operators redriving the same letter at once cannot both publish;
 * a topic has no compare-and-set, only "read, then write" with a window between. Why not in the
 * service's database: no tool writes into a service's data, and the letters of every service
 * are redriven from one place.
 */
export class RedriveLog {
  readonly model: Model<RedriveRecord>;

  constructor(conn: Connection) {
    this.model = conn.models.RedriveRecord ?? conn.model<RedriveRecord>('RedriveRecord', recordSchema);
  }

  async ensure(): Promise<void> {
    await this.model.createCollection().catch((err: { code?: number }) => {
      if (err.code !== 48) throw err; // 48: NamespaceExists
    });
  }

  /** The records of these letters (point reads by `_id`). */
  async of(ids: readonly string[]): Promise<Map<string, RedriveRecord>> {
    return readByIds<RedriveRecord>(this.model, ids);
  }

  /** True when this caller took the letter; false when someone recorded a redrive before. */
  start(id: string, by: string): Promise<boolean> {
    return insertOnce(this.model, { _id: id, startedAt: new Date(), by });
  }

  async get(id: string): Promise<RedriveRecord | null> {
    return readPoint<RedriveRecord>(this.model, id);
  }

  /** Only the caller whose `start` succeeded writes here: one writer per document. */
  async confirm(id: string, to: NonNullable<RedriveRecord['to']>): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: { publishedAt: new Date(), to } });
  }

  /** The send failed: the letter may be redriven again. */
  async abandon(id: string): Promise<void> {
    await this.model.deleteOne({ _id: id });
  }
}

/** Re-publishes one letter's original message, once; throws RedriveRefused on a second time. */
export async function redrive(stored: StoredLetter, producer: Producer, log: RedriveLog, by: string): Promise<RedriveRecord> {
  if (!(await log.start(stored.id, by))) {
    const record = await log.get(stored.id);
    throw new RedriveRefused(record ? refusal(stored.id, record) : `dead letter ${stored.id} was already redriven`);
  }
  const m = redriveMessage(stored);
  let to: NonNullable<RedriveRecord['to']>;
  try {
    const [meta] = await producer.send({ topic: m.topic, acks: -1, messages: [{ partition: m.partition, key: m.key, value: m.value, headers: m.headers }] });
    to = { topic: m.topic, partition: meta?.partition ?? m.partition, offset: meta?.baseOffset ?? '?' };
  } catch (err) {
    await log.abandon(stored.id).catch(() => undefined);
    throw err;
  }
  await log.confirm(stored.id, to);
  return (await log.get(stored.id)) ?? { _id: stored.id, startedAt: new Date(), by, publishedAt: new Date(), to };
}

export function findLetter(letters: readonly StoredLetter[], id: string): StoredLetter {
  const found = letters.find((l) => l.id === id);
  if (!found) throw new LetterNotFound(`no dead letter ${id} (see npm run dlq -- list)`);
  return found;
}

export function dlqKafka(brokers: string[]): Kafka {
  return new Kafka({ clientId: `shagym-dlq-${randomUUID().slice(0, 8)}`, brokers, logLevel: logLevel.NOTHING });
}
