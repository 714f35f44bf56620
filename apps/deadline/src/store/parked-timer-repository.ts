import { Schema, type Connection, type Model } from 'mongoose';
import { firstOfEach, isDuplicateKey, readPoint, readPoints, SlotList } from '@shagym/service-kit';
import type { DueTimer } from '../domain/deadline';

/** A timer set aside after its attempts were spent (domain/timer-retry.ts), with why. */
export interface ParkedTimer extends DueTimer {
  reason: string;
  /** Failed attempts counted when it was parked. */
  failures: number;
  /** The correlation id its events (and its log lines) carry. */
  correlationId: string;
  parkedAt: Date;
  resumedAt: Date | null;
  resumedBy: string | null;
}

interface ParkedTimerDoc extends Omit<ParkedTimer, 'timerId'> {
  _id: string;
  /** The number of the last lease taken before parking: a resume counts attempts again after it. */
  lastAttempt: number;
  /** The first lease number counted after the last resume (0 before any). */
  countedFrom: number;
}

// No secondary indexes: FerretDB never uses them (architecture.md, "Reads that do not grow with the data").
const parkedTimerSchema = new Schema<ParkedTimerDoc>(
  {
    _id: String,
    termId: { type: String, required: true },
    complaintId: { type: String, required: true },
    organizationId: { type: String, required: true },
    kind: { type: String, required: true },
    warning: String,
    fireAt: { type: Date, required: true },
    reason: { type: String, required: true },
    failures: { type: Number, required: true },
    correlationId: { type: String, required: true },
    parkedAt: { type: Date, required: true },
    resumedAt: { type: Date, default: null },
    resumedBy: { type: String, default: null },
    lastAttempt: { type: Number, required: true },
    countedFrom: { type: Number, default: 0 },
  },
  { versionKey: false, collection: 'deadline_parked_timers' },
);

/** An organization's parked timers; `*` lists every organization's (for a supervisor). */
export const parkedTimersListOf = (organizationId: string) => `parked-timers:${organizationId}`;
export const ALL_PARKED_TIMERS = parkedTimersListOf('*');

/** The timer itself, as the scheduler works it. */
export function dueTimerOf(p: ParkedTimer): DueTimer {
  return {
    timerId: p.timerId,
    termId: p.termId,
    complaintId: p.complaintId,
    organizationId: p.organizationId,
    kind: p.kind,
    ...(p.warning ? { warning: p.warning } : {}),
    fireAt: p.fireAt,
  };
}

function toParkedTimer(d: ParkedTimerDoc): ParkedTimer {
  return {
    timerId: d._id,
    termId: d.termId,
    complaintId: d.complaintId,
    organizationId: d.organizationId,
    kind: d.kind,
    ...(d.warning ? { warning: d.warning } : {}),
    fireAt: d.fireAt,
    reason: d.reason,
    failures: d.failures,
    correlationId: d.correlationId,
    parkedAt: d.parkedAt,
    resumedAt: d.resumedAt ?? null,
    resumedBy: d.resumedBy ?? null,
  };
}

/**
 * Parked timers, key-first (architecture.md, "Reads that do not grow with the data"): one
 * document per timer under `_id` = the timer id (inserted when it is parked, updated by `_id`
 * when it is parked again or resumed — the scheduler and a resume never write one timer at the
 * same time: a parked timer is in no wheel until it is resumed), and insert-only slot lists
 * `parked-timers:<organizationId>` and `parked-timers:*` that an official's or supervisor's
 * query reads as point reads. The only read by another field is `unresumedIds`, once at start-up.
 */
export class ParkedTimerRepository {
  readonly model: Model<ParkedTimerDoc>;
  readonly lists: SlotList<{ timerId: string }>;

  constructor(db: Connection) {
    this.model =
      (db.models['DeadlineParkedTimer'] as Model<ParkedTimerDoc> | undefined) ?? db.model<ParkedTimerDoc>('DeadlineParkedTimer', parkedTimerSchema);
    this.lists = new SlotList<{ timerId: string }>(db, 'deadline_parked_timer_lists', { cacheSize: 5_000 });
  }

  get models(): Model<any>[] {
    return [this.model, this.lists.model];
  }

  /** Parks the timer (again, if it was resumed and failed again), then lists it. */
  async park(timer: DueTimer, p: { reason: string; failures: number; correlationId: string; lastAttempt: number }, now: Date): Promise<void> {
    const { timerId, ...fields } = timer;
    const parked = { reason: p.reason, failures: p.failures, correlationId: p.correlationId, lastAttempt: p.lastAttempt, parkedAt: now, resumedAt: null, resumedBy: null };
    try {
      await this.model.create({ _id: timerId, ...fields, ...parked, countedFrom: 0 });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      await this.model.updateOne({ _id: timerId }, { $set: parked });
    }
    // After the document: a crash in between leaves the timer pending (not parked) at the next start, which retries it.
    await this.lists.append(parkedTimersListOf(timer.organizationId), timerId, { timerId }, now);
    await this.lists.append(ALL_PARKED_TIMERS, timerId, { timerId }, now);
  }

  /** One parked timer (resumed or not), by its id; null when it was never parked. */
  async find(timerId: string): Promise<ParkedTimer | null> {
    const d = await readPoint<ParkedTimerDoc>(this.model, timerId);
    return d ? toParkedTimer(d) : null;
  }

  /** The first lease number that counts as a failure now: after the last resume, or 0. */
  async countedFrom(timerId: string): Promise<number> {
    return (await readPoint<ParkedTimerDoc>(this.model, timerId))?.countedFrom ?? 0;
  }

  /**
   * Takes the timer out of the parked state, so the scheduler may work it again with a fresh
   * budget of attempts. Null when it is not parked (unknown, or resumed already).
   */
  async resume(timerId: string, by: string, now: Date): Promise<ParkedTimer | null> {
    const d = await readPoint<ParkedTimerDoc>(this.model, timerId);
    if (!d || d.resumedAt) return null;
    const set = { resumedAt: now, resumedBy: by, countedFrom: d.lastAttempt + 1 };
    await this.model.updateOne({ _id: timerId }, { $set: set });
    return toParkedTimer({ ...d, ...set });
  }

  /** Parked and not resumed, newest first, at most `limit`: the list's slots, then a point read per timer. */
  async parked(organizationId: string | null, limit = 500): Promise<ParkedTimer[]> {
    const { entries } = await this.lists.page(organizationId ? parkedTimersListOf(organizationId) : ALL_PARKED_TIMERS, { limit, newestFirst: true });
    const ids = firstOfEach(entries.map((e) => e.data.timerId), (id) => id);
    const docs = await readPoints<ParkedTimerDoc>(this.model, ids);
    return ids.flatMap((id) => {
      const d = docs.get(id);
      return d && !d.resumedAt ? [toParkedTimer(d)] : [];
    });
  }

  /** The ids of the timers parked and not resumed: a full read, for the scheduler's start-up only. */
  async unresumedIds(): Promise<Set<string>> {
    return new Set((await this.model.find({ resumedAt: null }, { _id: 1 }).lean()).map((d) => d._id));
  }
}
