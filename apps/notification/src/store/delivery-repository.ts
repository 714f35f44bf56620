import { Schema, type Connection, type Model } from 'mongoose';
import { deliveryId, EXTERNAL_CHANNELS, type DeliveryAttempt, type DeliveryIntent, type DeliveryStatus, type ExternalChannel } from '../domain/messages';
import { insertOnce, readSlots } from '@shagym/service-kit';

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

const attemptSchema = new Schema<AttemptDoc>(
  { _id: String, deliveryId: { type: String, required: true }, attempt: { type: Number, required: true }, startedAt: { type: Date, required: true } },
  { versionKey: false, collection: 'delivery_attempts' },
);

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

/** Attempt n of a delivery (its claim and its outcome): `<deliveryId>:<n>`, read as slots. */
const attemptId = (delivery: string, attempt: number) => `${delivery}:${attempt}`;

/** An unfinished delivery as the worker holds it. */
export interface OpenDelivery {
  intent: DeliveryIntent;
  attempts: DeliveryAttempt[];
}

/**
 * Deliveries, insert-only: the intent (one per message and channel), each attempt's claim
 * (unique per attempt number, so two workers never send the same attempt), each attempt's
 * outcome, and the final result (delivered / failed with the reason / disabled).
 * Key-first (architecture.md): everything is keyed by the delivery id, which is derived from
 * the message id and the channel, and read by `_id` only (the start-up load aside).
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

  /**
   * Intents created since `since` with no final result yet, with their attempts: the worker's
   * queue after a start. Reads the intents and results collections whole — only at start-up
   * (architecture.md allows it there); afterwards the worker is fed by the consumer.
   */
  async openSince(since: Date): Promise<OpenDelivery[]> {
    const docs = await this.intents.find({ createdAt: { $gte: since } }).lean();
    if (!docs.length) return [];
    const done = new Set((await this.results.find({}, { _id: 1 }).lean()).map((r) => r._id));
    const open = docs.filter((d) => !done.has(d._id)).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    return Promise.all(open.map(async (d) => ({ intent: toIntent(d), attempts: await this.attemptsOf(d._id) })));
  }

  /** One delivery as stored now (point reads): whether it is finished, and its attempts. */
  async state(deliveryId: string): Promise<{ finished: boolean; attempts: DeliveryAttempt[] }> {
    const [result, attempts] = await Promise.all([this.results.findById(deliveryId, { _id: 1 }).lean(), this.attemptsOf(deliveryId)]);
    return { finished: result !== null, attempts };
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

  /**
   * The deliveries of these messages, for the inbox. Delivery ids are derived from the message
   * id and the channel (`deliveryId`), so each is a point read, as are its result and its
   * attempts `<deliveryId>:<n>` — never a query by message id. A message that is not external
   * has none (planDeliveries).
   */
  async viewsOf(messages: { id: string; external: boolean }[]): Promise<Map<string, DeliveryView[]>> {
    const out = new Map<string, DeliveryView[]>();
    await Promise.all(
      messages.map(async (m) => {
        if (!m.external) return;
        const views = await Promise.all(EXTERNAL_CHANNELS.map((channel) => this.view(deliveryId(m.id, channel))));
        out.set(m.id, views.filter((v): v is DeliveryView => v !== null));
      }),
    );
    return out;
  }

  private async view(id: string): Promise<DeliveryView | null> {
    const intent = await this.intents.findById(id).lean();
    if (!intent) return null;
    const [result, attempts] = await Promise.all([
      this.results.findById(id).lean(),
      // A disabled channel is never attempted.
      intent.disabledReason ? Promise.resolve([]) : this.attemptsOf(id),
    ]);
    const lastError = [...attempts].reverse().find((a) => a.outcome?.error)?.outcome?.error ?? null;
    return {
      id,
      messageId: intent.messageId,
      channel: intent.channel,
      to: intent.to,
      status: result?.status ?? 'PENDING',
      attempts: attempts.length,
      lastError,
      reason: result?.reason ?? null,
      finishedAt: result?.at.toISOString() ?? null,
    };
  }

  /** A delivery's attempts 1, 2, … (claims are numbered without gaps) with their outcomes: point reads. */
  private async attemptsOf(deliveryId: string): Promise<DeliveryAttempt[]> {
    const claims = await readSlots(this.attempts, (n) => attemptId(deliveryId, n), 1);
    const outcomes = await Promise.all(claims.map((c) => this.outcomes.findById(c._id).lean()));
    return claims.map((c, i) => {
      const o = outcomes[i];
      return {
        deliveryId,
        attempt: c.attempt,
        startedAt: c.startedAt.toISOString(),
        ...(o ? { outcome: { ok: o.ok, permanent: o.permanent, ...(o.error ? { error: o.error } : {}), finishedAt: o.finishedAt.toISOString() } } : {}),
      };
    });
  }
}

function toIntent({ _id, createdAt, ...rest }: IntentDoc): DeliveryIntent {
  return { id: _id, createdAt: createdAt.toISOString(), ...rest } as DeliveryIntent;
}
