import { Schema, type Connection, type Model } from 'mongoose';
import { insertOnce } from '@shagym/service-kit';

/**
 * Open assignments per executor, as insert-only facts: +1 when a complaint is assigned to an
 * official, −1 when it leaves them (reassigned, forwarded, answered, refused). Each fact is
 * keyed by (event id, official), so a redelivered event adds nothing; no document is ever
 * updated (FerretDB loses concurrent updates; no `$inc`). An official's workload is the sum.
 */
export interface WorkloadFact {
  _id: string;
  officialId: string;
  complaintId: string;
  delta: 1 | -1;
  eventId: string;
  at: Date;
}

const factSchema = new Schema<WorkloadFact>(
  {
    _id: String,
    officialId: { type: String, required: true },
    complaintId: { type: String, required: true },
    delta: { type: Number, required: true },
    eventId: { type: String, required: true },
    at: Date,
  },
  { versionKey: false, collection: 'workload_facts' },
);
factSchema.index({ officialId: 1 });
factSchema.index({ complaintId: 1 });

export class WorkloadRepository {
  readonly model: Model<WorkloadFact>;

  constructor(conn: Connection) {
    this.model = conn.model<WorkloadFact>('WorkloadFact', factSchema);
  }

  async record(facts: WorkloadFact[]): Promise<void> {
    for (const fact of facts) await insertOnce(this.model, fact);
  }

  /** Who holds the complaint now (net +1), as the facts say. */
  async holdersOf(complaintId: string): Promise<string[]> {
    return [...sum(await this.model.find({ complaintId }, { officialId: 1, delta: 1 }).lean())].filter(([, n]) => n > 0).map(([id]) => id);
  }

  async openAssignments(officialIds: string[]): Promise<Map<string, number>> {
    if (!officialIds.length) return new Map();
    const rows = await this.model.aggregate<{ _id: string; open: number }>([
      { $match: { officialId: { $in: officialIds } } },
      { $group: { _id: '$officialId', open: { $sum: '$delta' } } },
    ]);
    return new Map(rows.map((r) => [r._id, r.open]));
  }
}

function sum(facts: Array<{ officialId: string; delta: number }>): Map<string, number> {
  const m = new Map<string, number>();
  for (const f of facts) m.set(f.officialId, (m.get(f.officialId) ?? 0) + f.delta);
  return m;
}
