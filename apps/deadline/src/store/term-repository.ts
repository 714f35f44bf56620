import { Schema, type Connection, type Model } from 'mongoose';
import { deterministicUuid } from '@shagym/contracts';
import { countSlots, firstOfEach, insertOnce, SlotList } from '@shagym/service-kit';
import type { DueTimer, OpenTerm, TermRecord, TimerOutcome } from '../domain/deadline';
import type { PlannedTimer } from '../domain/term';

/**
 * Terms and their timers, stored for the scheduler: due dates and the next checks survive a
 * restart. Key-first (architecture.md, "Reads that do not grow with the data": FerretDB
 * answers only `{_id}` from an index, any other filter reads the whole collection):
 *  - terms keyed by term id, timers keyed by timer id (both insert-only, derived from the
 *    term's event id); the only update marks a timer done, by `_id` — two writers marking the
 *    same timer write the same fact (done), so a lost update loses nothing;
 *  - a complaint's timers are listed in slots `timers:<complaintId>` (read as point reads);
 *  - leases are slots `<timerId>:<attempt>` (the last one found with countSlots);
 *  - an organization's breaches are slots `overdue:<organizationId>`, appended when the breach
 *    fires; the reader drops those whose term has since stopped (point reads of the log).
 * What is due is never queried: the scheduler keeps its timer wheel in memory (timer-wheel.ts),
 * loaded once at start-up (`pendingTimers`) and fed by these writes.
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

/** One line of an organization's overdue list: a breach that fired. */
export interface OverdueEntry {
  complaintId: string;
  termId: string;
}

/** A pending timer as a reader sees it. */
export interface PendingTimer {
  kind: DueTimer['kind'];
  warning?: string;
  fireAt: Date;
}

/** What taking a lease on a timer came to. */
export type LeaseResult =
  /** This owner works it: `attempt` is the lease's number (0, 1, …), one per attempt ever made. */
  | { status: 'TAKEN'; attempt: number }
  /** Another owner works it (or died less than the lease ago): try again after `retryInMs`. */
  | { status: 'HELD'; retryInMs: number }
  /** Nothing to do: the timer is done (fired, cancelled) or unknown. */
  | { status: 'DONE' };

// No secondary indexes: FerretDB would maintain them on every write and never use them.
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

export const timerListOf = (complaintId: string) => `timers:${complaintId}`;
export const overdueListOf = (organizationId: string) => `overdue:${organizationId}`;
/** Lease attempts count from 0 (as written before the key-first model); slot n is attempt n-1. */
const leaseId = (timerId: string, attempt: number) => `${timerId}:${attempt}`;

export const timerIdOf = (termId: string, t: Pick<PlannedTimer, 'kind' | 'warning'>) => deterministicUuid('deadline.timer', termId, t.kind, t.warning ?? '');

export function toDueTimer(d: TimerDoc): DueTimer {
  return {
    timerId: d._id,
    termId: d.termId,
    complaintId: d.complaintId,
    organizationId: d.organizationId,
    kind: d.kind,
    ...(d.warning ? { warning: d.warning } : {}),
    fireAt: d.fireAt,
  };
}

export class TermRepository {
  readonly terms: Model<TermDoc>;
  readonly timers: Model<TimerDoc>;
  readonly leases: Model<LeaseDoc>;
  /** `timers:<complaintId>`: every timer planned for the complaint (insert-only). */
  readonly timerLists: SlotList<DueTimer>;
  /** `overdue:<organizationId>`: the breaches fired for the organization's terms (insert-only). */
  readonly overdue: SlotList<OverdueEntry>;

  constructor(db: Connection) {
    this.terms = (db.models['DeadlineTerm'] as Model<TermDoc> | undefined) ?? db.model<TermDoc>('DeadlineTerm', termSchema);
    this.timers = (db.models['DeadlineTimer'] as Model<TimerDoc> | undefined) ?? db.model<TimerDoc>('DeadlineTimer', timerSchema);
    this.leases = (db.models['DeadlineTimerLease'] as Model<LeaseDoc> | undefined) ?? db.model<LeaseDoc>('DeadlineTimerLease', leaseSchema);
    this.timerLists = new SlotList<DueTimer>(db, 'deadline_timer_lists', { cacheSize: 20_000 });
    this.overdue = new SlotList<OverdueEntry>(db, 'deadline_overdue', { cacheSize: 5_000 });
  }

  get models(): Model<any>[] {
    return [this.terms, this.timers, this.leases, this.timerLists.model, this.overdue.model];
  }

  /**
   * Stores the term, its timers and their places in the complaint's list; idempotent (a
   * redelivered cause writes nothing new). Returns the timers, for the scheduler's wheel.
   */
  async recordTerm(term: TermRecord, planned: PlannedTimer[], now = new Date()): Promise<DueTimer[]> {
    const { termId, dueAt, ...rest } = term;
    await insertOnce(this.terms, { _id: termId, ...rest, dueAt: new Date(dueAt), createdAt: now });
    const timers: DueTimer[] = planned.map((t) => ({
      timerId: timerIdOf(termId, t),
      termId,
      complaintId: term.complaintId,
      organizationId: term.organizationId,
      kind: t.kind,
      ...(t.warning ? { warning: t.warning } : {}),
      fireAt: t.fireAt,
    }));
    for (const t of timers) {
      const { timerId, ...fields } = t;
      // The timer first, then its slot: a crash in between is repaired by the redelivered cause.
      await insertOnce(this.timers, { _id: timerId, ...fields, doneAt: null, outcome: null });
      await this.timerLists.append(timerListOf(term.complaintId), timerId, t, now);
    }
    return timers;
  }

  /**
   * Every pending timer: a full read of the timers, for the scheduler's start-up only (what
   * is due, and what fell due while the service was down). Never on a tick.
   */
  async pendingTimers(): Promise<DueTimer[]> {
    return (await this.timers.find({ doneAt: null }).lean()).map(toDueTimer);
  }

  /** Every timer planned for the complaint (any term, done or not), from its slots. */
  async timersOf(complaintId: string): Promise<DueTimer[]> {
    return firstOfEach((await this.timerLists.all(timerListOf(complaintId))).map((e) => e.data), (t) => t.timerId);
  }

  /** The complaint's timers not done yet, earliest first: its slots, then a point read per timer. */
  async pendingTimersOf(complaintId: string, planned?: DueTimer[]): Promise<PendingTimer[]> {
    const timers = planned ?? (await this.timersOf(complaintId));
    const docs = await Promise.all(timers.map((t) => this.timers.findById(t.timerId, { doneAt: 1 }).lean().exec()));
    return timers
      .filter((_, i) => docs[i] && docs[i].doneAt === null)
      .map((t) => ({ kind: t.kind, ...(t.warning ? { warning: t.warning } : {}), fireAt: t.fireAt }))
      .sort((a, b) => a.fireAt.getTime() - b.fireAt.getTime());
  }

  /**
   * A lease on working one timer, taken by an INSERT of slot `<timerId>:<attempt>`: of two
   * instances racing for the same attempt exactly one inserts it, the other gets a duplicate
   * key. The next attempt may only be taken once the last lease is older than `leaseMs` — so a
   * timer whose owner died is taken over, and one being worked is not. The same owner may take
   * the next attempt at once: it knows its last attempt is over (it failed, and the scheduler
   * retries it after its own backoff, domain/timer-retry.ts). (Firing is idempotent anyway: the
   * event id is deterministic.) All point reads: the last attempt by countSlots.
   */
  async lease(timerId: string, owner: string, now: Date, leaseMs: number): Promise<LeaseResult> {
    const taken = await countSlots(this.leases, (n) => leaseId(timerId, n - 1));
    if (taken > 0) {
      const last = await this.leases.findById(leaseId(timerId, taken - 1)).lean().exec();
      const expires = (last?.takenAt.getTime() ?? 0) + leaseMs;
      if (expires > now.getTime() && last?.owner !== owner) return { status: 'HELD', retryInMs: expires - now.getTime() };
    }
    if (!(await insertOnce(this.leases, { _id: leaseId(timerId, taken), timerId, attempt: taken, owner, takenAt: now }))) {
      return { status: 'HELD', retryInMs: leaseMs };
    }
    // Someone may have finished the timer before this lease (another instance, a cancellation).
    const timer = await this.timers.findById(timerId, { doneAt: 1 }).lean().exec();
    return timer && timer.doneAt === null ? { status: 'TAKEN', attempt: taken } : { status: 'DONE' };
  }

  async markDone(timerId: string, outcome: TimerOutcome, now: Date): Promise<void> {
    await this.timers.updateOne({ _id: timerId }, { $set: { doneAt: now, outcome } });
  }

  /** A breach fired (or was found fired): the term goes on its organization's overdue list, once. */
  async recordBreach(timer: DueTimer, now: Date): Promise<void> {
    await this.overdue.append(overdueListOf(timer.organizationId), timer.termId, { complaintId: timer.complaintId, termId: timer.termId }, now);
  }

  /**
   * The term stopped: pending timers are cancelled and every timer of the complaint is marked
   * (one update by `_id` each, in one bulk). Written by the complaint's consumer only: one
   * writer per complaint. Returns the cancelled timers' ids, for the scheduler's wheel.
   */
  async cancelTimers(complaintId: string, now = new Date()): Promise<string[]> {
    const timers = await this.timersOf(complaintId);
    if (!timers.length) return [];
    const docs = await Promise.all(timers.map((t) => this.timers.findById(t.timerId, { doneAt: 1 }).lean().exec()));
    const cancelled: string[] = [];
    const ops = timers.flatMap((t, i) => {
      const doc = docs[i];
      if (!doc) return [];
      const pending = doc.doneAt === null;
      if (pending) cancelled.push(t.timerId);
      const set = pending ? { doneAt: now, outcome: 'CANCELLED' as const, termStoppedAt: now } : { termStoppedAt: now };
      return [{ updateOne: { filter: { _id: t.timerId }, update: { $set: set } } }];
    });
    if (ops.length) await this.timers.bulkWrite(ops, { ordered: false });
    return cancelled;
  }

  /**
   * Terms that may run into `year` (the latest of each complaint is checked by the caller).
   * A full read of the terms: only for a supervisor's calendar correction (an admin job, rare,
   * and every open term of a year is what it must look at), never per event or request.
   */
  async openTerms(year: number): Promise<OpenTerm[]> {
    const docs = await this.terms
      .find({ dueOn: { $gte: `${year - 1}-12-01` }, startsOn: { $lte: `${year}-12-31` } }, { complaintId: 1, organizationId: 1 })
      .lean();
    return docs.map((d) => ({ complaintId: d.complaintId, termId: d._id, organizationId: d.organizationId }));
  }

  /**
   * The organization's breached terms, newest first, at most `limit`: candidates for the
   * overdue list (the caller drops those that stopped since). A batch of point reads.
   */
  async breaches(organizationId: string, limit = 1_000): Promise<OverdueEntry[]> {
    const { entries } = await this.overdue.page(overdueListOf(organizationId), { limit, newestFirst: true });
    return firstOfEach(entries.map((e) => e.data), (b) => b.termId);
  }
}
