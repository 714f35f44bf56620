import { LRUCache } from 'lru-cache';
import { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKey, readSlots, SlotList } from '@shagym/service-kit';
import type { ComplaintCase } from '../domain/case';
import { samePosition, STAT_FLAGS, statChanges, statPosition, type FlagCounts, type StatChange, type StatPosition } from '../domain/statistics';

/** A complaint's n-th move in the statistics, keyed `<complaintId>:<n>`: from where to where. */
interface MoveDoc {
  _id: string;
  n: number;
  from: StatPosition | null;
  to: StatPosition | null;
  at: Date;
}

const moveSchema = new Schema<MoveDoc>({ _id: String }, { strict: false, versionKey: false, collection: 'registry_stat_moves' });
const moveId = (complaintId: string, n: number) => `${complaintId}:${String(n).padStart(4, '0')}`;

/** The counter lists: `stats:<org>:<year>:<flag>:on|off`, one slot per move of a complaint. */
const counterList = (organizationId: string, year: number, flag: string, change: 'on' | 'off') => `stats:${organizationId}:${year}:${flag}:${change}`;

/**
 * The registry's statistics per organization and year, kept from events, never counted by a
 * scan (architecture.md, key-first). Each complaint's moves between positions (domain
 * statistics.ts) are numbered slots; each move appends the complaint to the `on`/`off` lists
 * of the flags it changes, and a count is `on` less `off`, both exact slot counts (never a
 * shared `$inc`).
 *
 * A complaint is settled only by the registry's complaint consumer, whose topic is keyed by
 * complaint id: one writer per complaint. The move is written before its counter appends
 * (idempotent by `<complaintId>:<n>`), so a crash in between is repaired by re-applying the
 * last move the next time the complaint is settled.
 */
export class StatisticsRepository {
  readonly counters: SlotList<{ complaintId: string }>;
  readonly moves: Model<MoveDoc>;
  private readonly lastMove = new LRUCache<string, MoveDoc>({ max: 20_000 });
  /** Moves whose counters this process has appended (others are re-applied once). */
  private readonly applied = new LRUCache<string, true>({ max: 20_000 });

  constructor(conn: Connection) {
    this.counters = new SlotList<{ complaintId: string }>(conn, 'registry_stat_slots');
    this.moves = (conn.models['RegistryStatMove'] as Model<MoveDoc> | undefined) ?? conn.model<MoveDoc>('RegistryStatMove', moveSchema);
  }

  /** Brings the complaint's counts in line with its case. Safe to repeat. */
  async settle(c: ComplaintCase): Promise<void> {
    const target = statPosition(c);
    for (let attempt = 0; attempt < 10; attempt++) {
      const last = await this.last(c.id);
      if (last && !this.applied.has(last._id)) await this.apply(c.id, last);
      const current = last?.to ?? null;
      if (samePosition(current, target)) return;
      const move: MoveDoc = { _id: moveId(c.id, (last?.n ?? 0) + 1), n: (last?.n ?? 0) + 1, from: current, to: target, at: new Date() };
      try {
        await this.moves.collection.insertOne(move as never);
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        continue; // another consumer (a rebalance) moved it meanwhile: read and decide again
      }
      this.lastMove.set(c.id, move);
      await this.apply(c.id, move);
      return;
    }
    throw new Error(`could not settle the statistics of ${c.id}: too much contention`);
  }

  /** Per flag, how many complaints registered by the organization in the year count for it. */
  async counts(organizationId: string, year: number): Promise<FlagCounts> {
    const counted = await Promise.all(
      STAT_FLAGS.map(async (flag) => {
        const [on, off] = await Promise.all([this.counters.count(counterList(organizationId, year, flag, 'on')), this.counters.count(counterList(organizationId, year, flag, 'off'))]);
        return [flag, on - off] as const;
      }),
    );
    return Object.fromEntries(counted) as FlagCounts;
  }

  private async last(complaintId: string): Promise<MoveDoc | null> {
    const cached = this.lastMove.get(complaintId);
    const docs = await readSlots(this.moves, (n) => moveId(complaintId, n), (cached?.n ?? 0) + 1);
    const last = docs.at(-1) ?? cached ?? null;
    if (last) this.lastMove.set(complaintId, last);
    return last;
  }

  private async apply(complaintId: string, move: MoveDoc): Promise<void> {
    const item = `${complaintId}:${move.n}`;
    await Promise.all(
      statChanges(move.from, move.to).map((c: StatChange) => this.counters.append(counterList(c.organizationId, c.year, c.flag, c.change), item, { complaintId }, move.at)),
    );
    this.applied.set(move._id, true);
  }
}
