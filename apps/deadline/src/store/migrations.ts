import { dropSecondaryIndexes, hasCollection, type Migration } from '@shagym/service-kit';
import type { DueTimer } from '../domain/deadline';
import { ParkedTermRepository, parkedListOf } from './parked-term-repository';
import { overdueListOf, TermRepository, timerListOf, toDueTimer } from './term-repository';

/**
 * Data written before the key-first model (architecture.md, "Reads that do not grow with the
 * data"). The documents themselves keep their keys — terms, timers and parked terms were
 * already keyed by id, leases by `<timerId>:<attempt>` — but the lists that replaced the
 * queries by complaint and organization did not exist: they are built here from the old
 * documents (a full read, once, at start-up). Appending to a slot list is idempotent by item,
 * so a migration that dies half-way is simply run again. The secondary indexes the old
 * version created are dropped: FerretDB never uses them and would maintain them on every write.
 */

const OLD_INDEXED = ['deadline_terms', 'deadline_timers', 'deadline_timer_leases', 'deadline_parked_terms'];

/** Runs `fn` over the groups, `width` at a time (one list per group: appends within a list stay in order). */
async function eachGroup<T>(groups: Map<string, T[]>, width: number, fn: (key: string, items: T[]) => Promise<void>): Promise<void> {
  const keys = [...groups.keys()];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, keys.length) }, async () => {
      while (next < keys.length) {
        const key = keys[next++]!;
        await fn(key, groups.get(key)!);
      }
    }),
  );
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const t of items) {
    const k = key(t);
    const g = groups.get(k);
    if (g) g.push(t);
    else groups.set(k, [t]);
  }
  return groups;
}

export const DEADLINE_TIMER_LISTS_MIGRATION: Migration = {
  id: '2026-12-02-deadline-timer-lists',
  description: 'deadline timers listed per complaint (timers:<complaintId>) and fired breaches per organization (overdue:<org>); old secondary indexes dropped',
  async run(conn) {
    for (const c of OLD_INDEXED) await dropSecondaryIndexes(conn, c);
    if (!(await hasCollection(conn, 'deadline_timers'))) return 0;
    const repo = new TermRepository(conn);
    const docs = await repo.timers.find({}).lean();
    let moved = 0;
    const byComplaint = groupBy(docs, (d) => d.complaintId);
    await eachGroup(byComplaint, 8, async (complaintId, timers) => {
      for (const d of [...timers].sort((a, b) => a.fireAt.getTime() - b.fireAt.getTime())) {
        const t: DueTimer = toDueTimer(d);
        await repo.timerLists.append(timerListOf(complaintId), t.timerId, t, d.fireAt);
        moved++;
      }
    });
    // A breach that fired and whose term did not stop since is what the overdue list showed.
    const fired = docs.filter((d) => d.kind === 'BREACH' && (d.outcome === 'FIRED' || d.outcome === 'DUPLICATE') && !d.termStoppedAt);
    const byOrganization = groupBy(fired, (d) => d.organizationId);
    await eachGroup(byOrganization, 8, async (organizationId, breaches) => {
      for (const d of [...breaches].sort((a, b) => a.fireAt.getTime() - b.fireAt.getTime())) {
        await repo.overdue.append(overdueListOf(organizationId), d.termId, { complaintId: d.complaintId, termId: d.termId }, d.doneAt ?? d.fireAt);
        moved++;
      }
    });
    return moved;
  },
};

export const DEADLINE_PARKED_LISTS_MIGRATION: Migration = {
  id: '2026-12-02-deadline-parked-lists',
  description: 'terms parked for a calendar year listed per complaint (parked:<complaintId>)',
  async run(conn) {
    if (!(await hasCollection(conn, 'deadline_parked_terms'))) return 0;
    const repo = new ParkedTermRepository(conn);
    const docs = await repo.model.find({}, { complaintId: 1, parkedAt: 1 }).lean();
    let moved = 0;
    await eachGroup(groupBy(docs, (d) => d.complaintId), 8, async (complaintId, parked) => {
      for (const d of [...parked].sort((a, b) => a.parkedAt.getTime() - b.parkedAt.getTime())) {
        await repo.lists.append(parkedListOf(complaintId), d._id, { causeId: d._id }, d.parkedAt);
        moved++;
      }
    });
    return moved;
  },
};

export const DEADLINE_MIGRATIONS: Migration[] = [DEADLINE_TIMER_LISTS_MIGRATION, DEADLINE_PARKED_LISTS_MIGRATION];
