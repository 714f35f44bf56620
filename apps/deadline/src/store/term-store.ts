import { Schema, type Connection, type Model } from 'mongoose';
import { deterministicUuid } from '@shagym/contracts';
import { insertOnce } from '@shagym/service-kit';
import type { DueTimer, OpenTerm, TermRecord, TimerOutcome } from '../domain/deadline';
import type { PlannedTimer } from '../domain/term';

/**
 * Terms and their timers, stored for the scheduler: due dates and the next checks survive a
 * restart. Writes are inserts keyed by term id (FerretDB loses concurrent updates of one
 * document); the only update marks a timer done, from null to a date — two instances marking
 * the same timer write the same fact, so a lost update loses nothing.
 */
interface TermDoc extends Omit<TermRecord, 'termId' | 'dueAt'> {
  _id: string;
  dueAt: Date;
  createdAt: Date;
}

interface TimerDoc extends Omit<DueTimer, 'timerId'> {
  _id: string;
  doneAt: Date | null;
  outcome: TimerOutcome | 'CANCELLED' | null;
  /** Set on all of a complaint's timers when its term stops (answered, refused, forwarded). */
  termStoppedAt?: Date | null;
}

interface LeaseDoc {
  _id: string;
  timerId: string;
  attempt: number;
  owner: string;
  takenAt: Date;
}

const termSchema = new Schema<TermDoc>(
  {
    _id: String,
    complaintId: { type: String, required: true },
    organizationId: { type: String, required: true },
    rule: { type: String, required: true },
    termWorkingDays: { type: Number, required: true },
    startsOn: { type: String, required: true },
    dueOn: { type: String, required: true },
    dueAt: { type: Date, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'deadline_terms' },
);
termSchema.index({ organizationId: 1, dueAt: 1 });
termSchema.index({ dueOn: 1 });
termSchema.index({ complaintId: 1 });

const timerSchema = new Schema<TimerDoc>(
  {
    _id: String,
    termId: { type: String, required: true },
    complaintId: { type: String, required: true },
    organizationId: { type: String, required: true },
    kind: { type: String, required: true },
    warning: String,
    fireAt: { type: Date, required: true },
    doneAt: { type: Date, default: null },
    outcome: { type: String, default: null },
    termStoppedAt: { type: Date, default: null },
  },
  { versionKey: false, collection: 'deadline_timers' },
);
timerSchema.index({ organizationId: 1, kind: 1, fireAt: 1 });
timerSchema.index({ doneAt: 1, fireAt: 1 });
timerSchema.index({ complaintId: 1 });

const leaseSchema = new Schema<LeaseDoc>(
  {
    _id: String,
    timerId: { type: String, required: true },
    attempt: { type: Number, required: true },
    owner: { type: String, required: true },
    takenAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'deadline_timer_leases' },
);
leaseSchema.index({ timerId: 1, attempt: 1 }, { unique: true });

export class TermStore {
  readonly terms: Model<TermDoc>;
  readonly timers: Model<TimerDoc>;
  readonly leases: Model<LeaseDoc>;

  constructor(db: Connection) {
    this.terms = db.model<TermDoc>('DeadlineTerm', termSchema);
    this.timers = db.model<TimerDoc>('DeadlineTimer', timerSchema);
    this.leases = db.model<LeaseDoc>('DeadlineTimerLease', leaseSchema);
  }

  get models(): Model<any>[] {
    return [this.terms, this.timers, this.leases];
  }

  async recordTerm(term: TermRecord, timers: PlannedTimer[], now = new Date()): Promise<void> {
    const { termId, dueAt, ...rest } = term;
    await insertOnce(this.terms, { _id: termId, ...rest, dueAt: new Date(dueAt), createdAt: now });
    for (const t of timers) {
      await insertOnce(this.timers, {
        _id: deterministicUuid('deadline.timer', termId, t.kind, t.warning ?? ''),
        termId,
        complaintId: term.complaintId,
        organizationId: term.organizationId,
        kind: t.kind,
        ...(t.warning ? { warning: t.warning } : {}),
        fireAt: t.fireAt,
        doneAt: null,
        outcome: null,
      });
    }
  }

  /** Timers whose time has come and that nobody finished, earliest first. */
  async due(now: Date, limit = 100): Promise<DueTimer[]> {
    const docs = await this.timers.find({ doneAt: null, fireAt: { $lte: now } }).sort({ fireAt: 1 }).limit(limit).lean();
    return docs.map((d) => ({
      timerId: d._id,
      termId: d.termId,
      complaintId: d.complaintId,
      organizationId: d.organizationId,
      kind: d.kind,
      ...(d.warning ? { warning: d.warning } : {}),
      fireAt: d.fireAt,
    }));
  }

  /** The earliest pending check (what the scheduler waits for). */
  async nextCheck(): Promise<Date | null> {
    const doc = await this.timers.findOne({ doneAt: null }).sort({ fireAt: 1 }).lean();
    return doc?.fireAt ?? null;
  }

  async pendingTimers(complaintId: string): Promise<Array<{ kind: string; warning?: string; fireAt: Date }>> {
    return this.timers.find({ complaintId, doneAt: null }).sort({ fireAt: 1 }).lean();
  }

  async firstWarningAt(termId: string): Promise<Date | null> {
    const doc = await this.timers.findOne({ termId, kind: 'WARNING' }).sort({ fireAt: 1 }).lean();
    return doc?.fireAt ?? null;
  }

  /**
   * A lease on working one timer, taken by an INSERT under a unique _id (timer, attempt): of
   * two instances racing for the same attempt exactly one inserts it, the other gets a
   * duplicate key. The next attempt may only be taken once the last lease is older than
   * `leaseMs` — so a timer whose owner died is taken over, and one being worked is not.
   * (Firing is idempotent anyway: the event id is deterministic.)
   */
  async lease(timerId: string, owner: string, now: Date, leaseMs: number): Promise<boolean> {
    const last = await this.leases.findOne({ timerId }).sort({ attempt: -1 }).lean();
    if (last && last.takenAt.getTime() + leaseMs > now.getTime()) return false;
    const attempt = last ? last.attempt + 1 : 0;
    if (!(await insertOnce(this.leases, { _id: `${timerId}:${attempt}`, timerId, attempt, owner, takenAt: now }))) return false;
    // Someone may have finished the timer between our read of due timers and the lease.
    const timer = await this.timers.findById(timerId, { doneAt: 1 }).lean();
    return !!timer && timer.doneAt === null;
  }

  async markDone(timerId: string, outcome: TimerOutcome, now: Date): Promise<void> {
    await this.timers.updateOne({ _id: timerId, doneAt: null }, { $set: { doneAt: now, outcome } });
  }

  /**
   * The term stopped: pending timers are cancelled and every timer of the complaint is marked,
   * so the overdue list skips it. (Written by the complaint's consumer only: one writer per
   * complaint. Should a concurrent scheduler write lose the mark, the overdue list still
   * checks each candidate against the event log.)
   */
  async cancelTimers(complaintId: string, now = new Date()): Promise<void> {
    await this.timers.updateMany({ complaintId, doneAt: null }, { $set: { doneAt: now, outcome: 'CANCELLED' } });
    await this.timers.updateMany({ complaintId }, { $set: { termStoppedAt: now } });
  }

  /** Terms that may run into `year` (the latest of each complaint is checked by the caller). */
  async openTerms(year: number): Promise<OpenTerm[]> {
    const docs = await this.terms
      .find({ dueOn: { $gte: `${year - 1}-12-01` }, startsOn: { $lte: `${year}-12-31` } }, { complaintId: 1, organizationId: 1 })
      .lean();
    return docs.map((d) => ({ complaintId: d.complaintId, termId: d._id, organizationId: d.organizationId }));
  }

  /** Terms of an organization whose end has passed and that did not stop: candidates for the overdue list. */
  async pastDue(organizationId: string, now: Date, limit = 1_000): Promise<OpenTerm[]> {
    const docs = await this.timers
      .find({ organizationId, kind: 'BREACH', fireAt: { $lte: now }, termStoppedAt: null, outcome: { $nin: ['OBSOLETE', 'CANCELLED'] } })
      .sort({ fireAt: 1 })
      .limit(limit)
      .lean();
    return docs.map((d) => ({ complaintId: d.complaintId, termId: d.termId, organizationId: d.organizationId }));
  }
}

