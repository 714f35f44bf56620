import { Schema, type Connection, type Model } from 'mongoose';
import type { DeliveryAttempt, DeliveryIntent, DeliveryStatus, ExternalChannel } from '../domain/messages';
import { insertOnce } from '@shagym/service-kit';

type IntentDoc = Omit<DeliveryIntent, 'id' | 'createdAt'> & { _id: string; createdAt: Date };
interface AttemptDoc {
  _id: string;
  deliveryId: string;
  attempt: number;
  startedAt: Date;
}
interface OutcomeDoc {
  _id: string;
  deliveryId: string;
  ok: boolean;
  permanent: boolean;
  error?: string;
  finishedAt: Date;
}
interface ResultDoc {
  _id: string;
  status: Exclude<DeliveryStatus, 'PENDING'>;
  reason?: string;
  at: Date;
}

const intentSchema = new Schema<IntentDoc>(
  {
    _id: String,
    messageId: { type: String, required: true },
    recipientKey: { type: String, required: true },
    complaintId: { type: String, required: true },
    channel: { type: String, required: true },
    to: { type: String, required: true },
    language: { type: String, required: true },
    subject: { type: String, required: true },
    text: { type: String, required: true },
    disabledReason: String,
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'deliveries' },
);
intentSchema.index({ createdAt: 1 });
intentSchema.index({ messageId: 1 });

const attemptSchema = new Schema<AttemptDoc>(
  { _id: String, deliveryId: { type: String, required: true }, attempt: { type: Number, required: true }, startedAt: { type: Date, required: true } },
  { versionKey: false, collection: 'delivery_attempts' },
);
attemptSchema.index({ deliveryId: 1 });

const outcomeSchema = new Schema<OutcomeDoc>(
  {
    _id: String,
    deliveryId: { type: String, required: true },
    ok: { type: Boolean, required: true },
    permanent: { type: Boolean, required: true },
    error: String,
    finishedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'delivery_attempt_outcomes' },
);
outcomeSchema.index({ deliveryId: 1 });

const resultSchema = new Schema<ResultDoc>(
  { _id: String, status: { type: String, required: true }, reason: String, at: { type: Date, required: true } },
  { versionKey: false, collection: 'delivery_results' },
);

/** What the recipient (and an operator) sees of one delivery. */
export interface DeliveryView {
  id: string;
  messageId: string;
  channel: ExternalChannel;
  to: string;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  reason: string | null;
  finishedAt: string | null;
}

const attemptId = (deliveryId: string, attempt: number) => `${deliveryId}:${attempt}`;

/**
 * Deliveries, insert-only: the intent (one per message and channel), each attempt's claim
 * (unique per attempt number, so two workers never send the same attempt), each attempt's
 * outcome, and the final result (delivered / failed with the reason / disabled).
 */
export class DeliveryRepository {
  readonly intents: Model<IntentDoc>;
  readonly attempts: Model<AttemptDoc>;
  readonly outcomes: Model<OutcomeDoc>;
  readonly results: Model<ResultDoc>;

  constructor(conn: Connection) {
    this.intents = conn.model<IntentDoc>('Delivery', intentSchema);
    this.attempts = conn.model<AttemptDoc>('DeliveryAttempt', attemptSchema);
    this.outcomes = conn.model<OutcomeDoc>('DeliveryAttemptOutcome', outcomeSchema);
    this.results = conn.model<ResultDoc>('DeliveryResult', resultSchema);
  }

  get models(): Model<any>[] {
    return [this.intents, this.attempts, this.outcomes, this.results];
  }

  async addIntent(intent: DeliveryIntent): Promise<void> {
    const { id, createdAt, ...rest } = intent;
    await insertOnce(this.intents, { _id: id, createdAt: new Date(createdAt), ...rest });
    // A channel that is not configured is recorded as such and never attempted.
    if (intent.disabledReason) await this.finish(id, 'DISABLED', intent.disabledReason, new Date(createdAt));
  }

  /** Intents created since `since` that have no final result yet (the worker's queue). */
  async pending(since: Date, limit: number): Promise<{ intent: DeliveryIntent; attempts: DeliveryAttempt[] }[]> {
    const docs = await this.intents.find({ createdAt: { $gte: since } }).sort({ createdAt: 1 }).lean();
    if (!docs.length) return [];
    const done = new Set((await this.results.find({ _id: { $in: docs.map((d) => d._id) } }, { _id: 1 }).lean()).map((r) => r._id));
    const open = docs.filter((d) => !done.has(d._id)).slice(0, limit);
    const attempts = await this.attemptsOf(open.map((d) => d._id));
    return open.map((d) => ({ intent: toIntent(d), attempts: attempts.get(d._id) ?? [] }));
  }

  /** Claims an attempt number; false when another worker took it first. */
  async claim(deliveryId: string, attempt: number, now: Date): Promise<boolean> {
    return insertOnce(this.attempts, { _id: attemptId(deliveryId, attempt), deliveryId, attempt, startedAt: now });
  }

  async recordOutcome(deliveryId: string, attempt: number, outcome: { ok: boolean; permanent: boolean; error?: string }, now: Date): Promise<void> {
    await insertOnce(this.outcomes, { _id: attemptId(deliveryId, attempt), deliveryId, ...outcome, finishedAt: now });
  }

  async finish(deliveryId: string, status: ResultDoc['status'], reason: string | undefined, now: Date): Promise<void> {
    await insertOnce(this.results, { _id: deliveryId, status, ...(reason ? { reason } : {}), at: now });
  }

  /** The deliveries of these messages, for the inbox. */
  async viewsOf(messageIds: string[]): Promise<Map<string, DeliveryView[]>> {
    const out = new Map<string, DeliveryView[]>();
    if (!messageIds.length) return out;
    const intents = await this.intents.find({ messageId: { $in: messageIds } }).sort({ channel: 1 }).lean();
    const ids = intents.map((i) => i._id);
    const [attempts, results] = await Promise.all([this.attemptsOf(ids), this.results.find({ _id: { $in: ids } }).lean()]);
    const resultOf = new Map(results.map((r) => [r._id, r]));
    for (const i of intents) {
      const list = (attempts.get(i._id) ?? []).sort((a, b) => a.attempt - b.attempt);
      const lastError = [...list].reverse().find((a) => a.outcome?.error)?.outcome?.error ?? null;
      const result = resultOf.get(i._id);
      const view: DeliveryView = {
        id: i._id,
        messageId: i.messageId,
        channel: i.channel,
        to: i.to,
        status: result?.status ?? 'PENDING',
        attempts: list.length,
        lastError,
        reason: result?.reason ?? null,
        finishedAt: result?.at.toISOString() ?? null,
      };
      out.set(i.messageId, [...(out.get(i.messageId) ?? []), view]);
    }
    return out;
  }

  private async attemptsOf(deliveryIds: string[]): Promise<Map<string, DeliveryAttempt[]>> {
    const out = new Map<string, DeliveryAttempt[]>();
    if (!deliveryIds.length) return out;
    const [claims, outcomes] = await Promise.all([
      this.attempts.find({ deliveryId: { $in: deliveryIds } }).lean(),
      this.outcomes.find({ deliveryId: { $in: deliveryIds } }).lean(),
    ]);
    const outcomeOf = new Map(outcomes.map((o) => [o._id, o]));
    for (const c of claims) {
      const o = outcomeOf.get(c._id);
      const attempt: DeliveryAttempt = {
        deliveryId: c.deliveryId,
        attempt: c.attempt,
        startedAt: c.startedAt.toISOString(),
        ...(o ? { outcome: { ok: o.ok, permanent: o.permanent, ...(o.error ? { error: o.error } : {}), finishedAt: o.finishedAt.toISOString() } } : {}),
      };
      out.set(c.deliveryId, [...(out.get(c.deliveryId) ?? []), attempt]);
    }
    return out;
  }
}

function toIntent({ _id, createdAt, ...rest }: IntentDoc): DeliveryIntent {
  return { id: _id, createdAt: createdAt.toISOString(), ...rest } as DeliveryIntent;
}
