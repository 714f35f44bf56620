import type { ComplaintCase } from './case';

/**
 * What a complaint counts for in its registering organization's statistics for the year of
 * its registration (R7): registered, replied (R9) or refused (R17), on time or late against
 * the review term (R8, R13), overdue, escalated (R12).
 */
export const STAT_FLAGS = ['registered', 'answered', 'refused', 'repliedOnTime', 'repliedLate', 'overdue', 'escalated'] as const;
export type StatFlag = (typeof STAT_FLAGS)[number];

/** Where a complaint stands for the statistics; null until it is registered. */
export interface StatPosition {
  organizationId: string;
  year: number;
  flags: StatFlag[];
}

export function statPosition(c: ComplaintCase): StatPosition | null {
  if (!c.registration) return null;
  const on: Record<StatFlag, boolean> = {
    registered: true,
    answered: c.reply?.kind === 'ANSWER',
    refused: c.reply?.kind === 'REFUSAL',
    repliedOnTime: c.repliedOnTime === true,
    repliedLate: c.repliedOnTime === false,
    overdue: c.overdue,
    escalated: c.status === 'ESCALATED',
  };
  return { organizationId: c.registration.organizationId, year: c.registration.year, flags: STAT_FLAGS.filter((f) => on[f]) };
}

export function samePosition(a: StatPosition | null, b: StatPosition | null): boolean {
  if (!a || !b) return a === b;
  return a.organizationId === b.organizationId && a.year === b.year && a.flags.join() === b.flags.join();
}

export interface StatChange {
  organizationId: string;
  year: number;
  flag: StatFlag;
  /** A complaint starts (`on`) or stops (`off`) counting for the flag. */
  change: 'on' | 'off';
}

/**
 * The counter changes that move a complaint from one position to the next. A count is then
 * the number of `on` changes less the number of `off` ones, both insert-only lists (never a
 * shared `$inc`, which FerretDB can lose).
 */
export function statChanges(from: StatPosition | null, to: StatPosition | null): StatChange[] {
  const at = (p: StatPosition, flag: StatFlag, change: 'on' | 'off'): StatChange => ({ organizationId: p.organizationId, year: p.year, flag, change });
  // A registration never changes; were it to, the complaint would leave one organization's
  // counts and join the other's.
  if (from && to && (from.organizationId !== to.organizationId || from.year !== to.year)) {
    return [...from.flags.map((f) => at(from, f, 'off')), ...to.flags.map((f) => at(to, f, 'on'))];
  }
  const changes: StatChange[] = [];
  for (const flag of STAT_FLAGS) {
    const was = !!from?.flags.includes(flag);
    const is = !!to?.flags.includes(flag);
    if (was && !is) changes.push(at(from!, flag, 'off'));
    if (!was && is) changes.push(at(to!, flag, 'on'));
  }
  return changes;
}

export type FlagCounts = Record<StatFlag, number>;

export interface RegistryStatistics {
  organizationId: string;
  year: number;
  received: number;
  registered: number;
  answered: number;
  refused: number;
  pending: number;
  repliedOnTime: number;
  repliedLate: number;
  overdue: number;
  escalated: number;
}

/** `received` is the incoming journal's length (R7: every number given is a complaint received). */
export function registryStatistics(organizationId: string, year: number, received: number, counts: FlagCounts): RegistryStatistics {
  return {
    organizationId,
    year,
    received,
    registered: counts.registered,
    answered: counts.answered,
    refused: counts.refused,
    pending: received - counts.answered - counts.refused,
    repliedOnTime: counts.repliedOnTime,
    repliedLate: counts.repliedLate,
    overdue: counts.overdue,
    escalated: counts.escalated,
  };
}
