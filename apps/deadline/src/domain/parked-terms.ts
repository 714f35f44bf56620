import type { DomainEvent } from '@shagym/contracts';
import { TermNotComputable } from './deadline';

/**
 * R16: a term that runs into a year the production calendar has no data for is never
 * guessed. The event that would set it (a registration, a forwarding, a declaration outside
 * the competence) is parked with the missing year named — `Complaint.deadline` answers with
 * that error — and replayed when a supervisor adds the year (`calendar.changed`), so no term
 * is lost and nothing waits in the dead-letter topic for a person to notice.
 */
export interface ParkedTerm {
  /** The id of the event that would set the term (one parking per event). */
  causeId: string;
  complaintId: string;
  /** The year the calendar lacks. */
  year: number;
  reason: string;
  cause: DomainEvent;
}

export interface ParkingPorts {
  /** Stores (or, for a parked event that now lacks another year, moves) a parked term. */
  park(parked: ParkedTerm): Promise<void>;
  /** The unresolved parked terms waiting for `year`. */
  waitingFor(year: number): Promise<ParkedTerm[]>;
  resolve(causeId: string): Promise<void>;
}

export type TermWork = () => Promise<unknown>;

export class ParkWhenYearMissing {
  constructor(
    private readonly ports: ParkingPorts,
    private readonly onParked: (parked: ParkedTerm) => void = () => undefined,
  ) {}

  /** Runs `work`; parks the cause if its term cannot be computed, and tries once more in case the year arrived meanwhile. */
  async run(cause: DomainEvent, complaintId: string, work: TermWork): Promise<'DONE' | 'PARKED'> {
    const missing = await attempt(work);
    if (missing === null) return 'DONE';
    const parked = { causeId: cause.id, complaintId, year: missing.year, reason: missing.message, cause };
    await this.ports.park(parked);
    // A calendar correction may have been replayed between the failure and the park.
    if ((await attempt(work)) === null) {
      await this.ports.resolve(cause.id);
      return 'DONE';
    }
    this.onParked(parked);
    return 'PARKED';
  }

  /** After `year` was added: replays what waited for it; returns how many terms were set. */
  async replay(year: number, workFor: (cause: DomainEvent) => TermWork): Promise<number> {
    let set = 0;
    for (const parked of await this.ports.waitingFor(year)) {
      const missing = await attempt(workFor(parked.cause));
      if (missing === null) {
        await this.ports.resolve(parked.causeId);
        set++;
      } else {
        // The term also runs into another missing year: it now waits for that one.
        const moved = { ...parked, year: missing.year, reason: missing.message };
        await this.ports.park(moved);
        this.onParked(moved);
      }
    }
    return set;
  }
}

async function attempt(work: TermWork): Promise<TermNotComputable | null> {
  try {
    await work();
    return null;
  } catch (err) {
    if (err instanceof TermNotComputable) return err;
    throw err;
  }
}
