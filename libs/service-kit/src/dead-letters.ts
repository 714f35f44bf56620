import { Schema, type Connection, type Model } from 'mongoose';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import { insertOnce } from './mongo';
import { readPoint } from './slots';

/**
 * Dead letters: what goes to the dead-letter topic, and the marker that makes it one letter
 * per (service, original topic, partition, offset) although a service reads the same topic
 * with several consumer groups (e.g. registry.complaints and registry.access).
 */

/** Header of a re-published (redriven) message: the id of the dead letter it came from. */
export const REDRIVE_OF_HEADER = 'shagym-redrive-of';
/** Header of a dead-letter message: its id (what `npm run dlq -- show <id>` takes). */
export const DEAD_LETTER_ID_HEADER = 'shagym-dead-letter-id';

/** What goes to the dead-letter topic: the reason and the original message, untouched. */
export interface DeadLetter {
  /** `<service>:<topic>:<partition>:<offset>`: one letter per service and original message. */
  id?: string;
  /** The service that gave up on the message (absent on letters written before ids existed). */
  service?: string;
  reason: string;
  /** The consumer group that gave up first; the service's other groups found its marker. */
  group: string;
  failedAt: string;
  eventType?: string;
  eventId?: string;
  /** Set when the original was itself a redrive of an earlier letter. */
  redriveOf?: string;
  original: {
    topic: string;
    partition: number;
    offset: string;
    key: string | null;
    value: string | null;
    /** The exact bytes, only when the value is not valid UTF-8 (a string would alter them). */
    valueBase64?: string;
    /** Header values as UTF-8 text (the project's own headers are all text). */
    headers?: Record<string, string>;
  };
}

/** The marker's `_id`: the message's place in the log, unique per service database. */
export function deadLetterMarkId(topic: string, partition: number, offset: string): string {
  return `${topic}:${partition}:${offset}`;
}

export function deadLetterId(service: string, topic: string, partition: number, offset: string): string {
  return `${service}:${deadLetterMarkId(topic, partition, offset)}`;
}

/** Text of a header value (kafkajs gives a Buffer, a string or an array of them). */
function headerText(v: IHeaders[string]): string | null {
  if (v === undefined) return null;
  const one = Array.isArray(v) ? v[0] : v;
  if (one === undefined) return null;
  return typeof one === 'string' ? one : one.toString('utf8');
}

export function headersAsText(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    const text = headerText(v);
    if (text !== null) out[k] = text;
  }
  return out;
}

/** The letter for a message a consumer gives up on (pure: the time comes in). */
export function buildDeadLetter(input: {
  service: string;
  group: string;
  topic: string;
  partition: number;
  message: Pick<KafkaMessage, 'offset' | 'key' | 'value' | 'headers'>;
  reason: string;
  eventType?: string;
  eventId?: string;
  at: Date;
}): DeadLetter {
  const { service, group, topic, partition, message, reason, eventType, eventId, at } = input;
  const value = message.value ? message.value.toString('utf8') : null;
  // A poison message may be any bytes; keep them exactly so a redrive re-publishes them as they were.
  const lossy = message.value !== null && value !== null && !Buffer.from(value, 'utf8').equals(message.value);
  const headers = headersAsText(message.headers);
  const redriveOf = headers[REDRIVE_OF_HEADER];
  return {
    id: deadLetterId(service, topic, partition, message.offset),
    service,
    reason,
    group,
    failedAt: at.toISOString(),
    ...(eventType ? { eventType } : {}),
    ...(eventId ? { eventId } : {}),
    ...(redriveOf ? { redriveOf } : {}),
    original: {
      topic,
      partition,
      offset: message.offset,
      key: message.key?.toString('utf8') ?? null,
      value,
      ...(lossy ? { valueBase64: message.value!.toString('base64') } : {}),
      headers,
    },
  };
}

interface DeadLetterMark {
  _id: string;
  letterId: string;
  group: string;
  markedAt: Date;
}

const markSchema = new Schema<DeadLetterMark>(
  {
    _id: { type: String, required: true },
    letterId: { type: String, required: true },
    group: { type: String, required: true },
    markedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'dead_letter_marks' },
);

/**
 * Whether this group produces the letter: the group that wrote the marker does (again after a
 * crash between the marker and the send: its offset is not committed, so it meets the message
 * once more — at least one letter, never none); any other group of the service does not.
 */
export function producesLetter(markOwner: string | null, group: string): boolean {
  return markOwner === null || markOwner === group;
}

/**
 * Insert-once markers, one per original message, in the service's own database (key-first:
 * an insert under `_id` and a point read, nothing else). Written before the letter is sent.
 */
export class DeadLetterMarks {
  readonly model: Model<DeadLetterMark>;

  constructor(conn: Connection) {
    this.model = conn.models.DeadLetterMark ?? conn.model<DeadLetterMark>('DeadLetterMark', markSchema);
  }

  /** Marks the message for `group`; returns the group that owns the letter (this one if first). */
  async claim(markId: string, letterId: string, group: string): Promise<string> {
    if (await insertOnce(this.model, { _id: markId, letterId, group, markedAt: new Date() })) return group;
    const mark = await readPoint<DeadLetterMark>(this.model, markId);
    // Present (a duplicate key said so); a missing one would only mean it was pruned: take it.
    return mark?.group ?? group;
  }
}
