import type { Connection, Model } from 'mongoose';
import { hasCollection, SlotList, type Migration } from '@shagym/service-kit';
import { forEachGroup } from './migration-helpers';

/**
 * Open assignments per executor, as insert-only facts: +1 when a complaint is assigned to an
 * official, −1 when it leaves them (reassigned, forwarded, answered, refused). Each fact is
 * keyed by (event id, official), so a redelivered event adds nothing; no document is ever
 * updated (FerretDB loses concurrent updates; no `$inc`).
 */
export interface WorkloadFact {
  _id: string;
  officialId: string;
  complaintId: string;
  delta: 1 | -1;
  eventId: string;
  at: Date;
}

type HolderEntry = { officialId: string; delta: 1 | -1 };
type OfficialEntry = { complaintId: string };

/** Who holds a complaint: its ±1 facts, slots `holders:<complaintId>:<n>` (a short list). */
const holdersList = (complaintId: string) => `holders:${complaintId}`;
/** An official's opened (+1) and closed (−1) assignments: two lists that only grow. */
const openedList = (officialId: string) => `opened:${officialId}`;
const closedList = (officialId: string) => `closed:${officialId}`;

/**
 * Key-first workload (architecture.md, "Reads that do not grow with the data"): every fact is
 * appended to its complaint's list and to its official's `opened` or `closed` list (slots,
 * idempotent by fact id, safe under concurrent writers — bursts of registrations for one body
 * run on several partitions). An official's open workload is count(opened) − count(closed):
 * exact counts from slots (O(log n) point reads, then one per list while cached), never a sum
 * over a collection and never `$inc`.
 */
export class WorkloadRepository {
  private readonly holders: SlotList<HolderEntry>;
  private readonly officials: SlotList<OfficialEntry>;

  constructor(conn: Connection) {
    // One collection for both kinds of list (their names never collide); two typed views of it.
    this.holders = new SlotList<HolderEntry>(conn, 'workload_slots');
    this.officials = new SlotList<OfficialEntry>(conn, 'workload_slots');
  }

  get model(): Model<any> {
    return this.holders.model;
  }

  /**
   * The official's list first, then the complaint's: a crash in between is repaired by the
   * redelivered event, which still finds the complaint's holders as before and so derives the
   * same facts (their official's slots are then found by id, not counted twice).
   */
  async record(facts: WorkloadFact[]): Promise<void> {
    for (const f of facts) {
      await this.officials.append(f.delta > 0 ? openedList(f.officialId) : closedList(f.officialId), f._id, { complaintId: f.complaintId }, f.at);
    }
    for (const f of facts) await this.holders.append(holdersList(f.complaintId), f._id, { officialId: f.officialId, delta: f.delta }, f.at);
  }

  /** Who holds the complaint now (net +1), as the facts say. */
  async holdersOf(complaintId: string): Promise<string[]> {
    const net = new Map<string, number>();
    for (const { data } of await this.holders.all(holdersList(complaintId))) net.set(data.officialId, (net.get(data.officialId) ?? 0) + data.delta);
    return [...net].filter(([, n]) => n > 0).map(([id]) => id);
  }

  /** Open assignments of each official (R2's suggestion takes the least loaded): a batch of slot counts. */
  async openAssignments(officialIds: readonly string[]): Promise<Map<string, number>> {
    const counts = await Promise.all(
      officialIds.map(async (id) => {
        const [opened, closed] = await Promise.all([this.officials.count(openedList(id)), this.officials.count(closedList(id))]);
        return [id, opened - closed] as const;
      }),
    );
    return new Map(counts);
  }
}

/**
 * Moves `workload_facts` (one document per fact, summed by officialId or complaintId: a full
 * read per event on FerretDB) to the slot lists. Each fact is appended under its own id
 * (idempotent) and then removed, so a crash half-way repeats safely.
 */
export const WORKLOAD_SLOTS_MIGRATION: Migration = {
  id: '2026-12-02-routing-workload-slots',
  description: 'routing workload_facts moved to workload_slots (per complaint and per official)',
  async run(conn) {
    if (!(await hasCollection(conn, 'workload_facts'))) return 0;
    const repo = new WorkloadRepository(conn);
    const old = conn.db!.collection<WorkloadFact>('workload_facts');
    // A start-up job: reading the whole old collection (sorted in memory) is allowed here.
    const docs = await old.find({}).sort({ at: 1, _id: 1 }).toArray();
    let moved = 0;
    await forEachGroup(docs, (f) => f.complaintId, async (fact) => {
      await repo.record([{ ...fact, at: fact.at ?? new Date(0) }]);
      await old.deleteOne({ _id: fact._id });
      moved++;
    });
    await old.drop();
    return moved;
  },
};
