import { randomUUID } from 'node:crypto';
import { EVENT_CATALOG, type EventData, type EventDataInput, type EventType, isEventType } from './catalog';
import { envelopeSchema, type ServiceName } from './envelope';

/** A validated event: the envelope with `data` typed by its `type`. */
export type DomainEvent<T extends EventType = EventType> = {
  [K in T]: {
    id: string;
    type: K;
    version: number;
    source: ServiceName;
    time: string;
    subject: string;
    correlationId: string;
    causationId?: string;
    data: EventData<K>;
  };
}[T];

export type DecodeResult =
  | { ok: true; event: DomainEvent }
  | { ok: false; reason: string; type?: string; id?: string };

/**
 * Validates a message at a consumer's edge: JSON, envelope, known type, supported version,
 * data shape. Never throws; a failure carries the reason that goes to the dead-letter topic.
 */
export function decodeEvent(raw: Buffer | string | null): DecodeResult {
  if (raw === null) return { ok: false, reason: 'empty message (tombstone)' };
  let json: unknown;
  try {
    json = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: `malformed JSON: ${(err as Error).message}` };
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) {
    return { ok: false, reason: `invalid envelope: ${formatIssues(envelope.error.issues)}` };
  }
  const env = envelope.data;
  if (!isEventType(env.type)) {
    return { ok: false, reason: `unknown event type "${env.type}"`, type: env.type, id: env.id };
  }
  const entry = EVENT_CATALOG[env.type];
  if (env.version !== entry.version) {
    return {
      ok: false,
      reason: `unsupported version ${env.version} of "${env.type}" (supported: ${entry.version})`,
      type: env.type,
      id: env.id,
    };
  }
  const data = entry.schema.safeParse(env.data);
  if (!data.success) {
    return {
      ok: false,
      reason: `invalid data for "${env.type}" v${env.version}: ${formatIssues(data.error.issues)}`,
      type: env.type,
      id: env.id,
    };
  }
  return { ok: true, event: { ...env, data: data.data } as DomainEvent };
}

function formatIssues(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

export interface NewEvent<T extends EventType> {
  type: T;
  source: ServiceName;
  subject: string;
  correlationId: string;
  causationId?: string;
  data: EventDataInput<T>;
  /** Deterministic ids make "the effect of event X" idempotent; see service-kit EventLog. */
  id?: string;
  time?: Date;
}

/** Builds an event, validating its data against the catalog (a producer never emits junk). */
export function createEvent<T extends EventType>(input: NewEvent<T>): DomainEvent<T> {
  const entry = EVENT_CATALOG[input.type];
  const data = entry.schema.parse(input.data) as EventData<T>;
  return {
    id: input.id ?? randomUUID(),
    type: input.type,
    version: entry.version,
    source: input.source,
    time: (input.time ?? new Date()).toISOString(),
    subject: input.subject,
    correlationId: input.correlationId,
    ...(input.causationId ? { causationId: input.causationId } : {}),
    data,
  } as DomainEvent<T>;
}

export function topicOf(type: EventType) {
  return EVENT_CATALOG[type].topic;
}
