import { Schema, type Connection, type Model } from 'mongoose';
import { decodeEvent, type DomainEvent } from '@shagym/contracts';
import { hasCollection, readSlots, slotId, type Migration, type StoredEvent } from '@shagym/service-kit';
import { CASE_EVENT_SLOTS_MIGRATION, CaseRepository } from './case-repository';
import { JOURNAL_PER_BODY_INDEX_MIGRATION, JOURNAL_SLOTS_MIGRATION } from './journal';
import { StatisticsRepository } from './statistics-repository';

/**
 * The event log read the key-first way without the service's EventLog (which is created after
 * the migrations): an aggregate's slots `aggregate:version`, 1, 2, … until one is missing.
 */
function ownEventsOf(conn: Connection) {
  const name = 'RegistryMigrationEventLog';
  const model = (conn.models[name] as Model<StoredEvent> | undefined) ?? conn.model<StoredEvent>(name, new Schema({ _id: String }, { strict: false, collection: 'event_log' }));
  return {
    async load(aggregateId: string): Promise<DomainEvent[]> {
      const docs = await readSlots(model, (n) => slotId(aggregateId, n), 1);
      return docs.flatMap((d) => {
        const decoded = decodeEvent(d.envelope);
        return decoded.ok ? [decoded.event] : [];
      });
    },
  };
}

/**
 * Statistics used to be counted by reading every case of the journal; now they are kept from
 * events (StatisticsRepository). The complaints registered before that are settled once, from
 * their cases as they stand: a start-up job reading the incoming journals. Safe to repeat
 * (settling is idempotent).
 */
export const STATISTICS_MIGRATION: Migration = {
  id: '2026-12-03-registry-statistics-slots',
  description: 'statistics counters settled for the complaints registered before they were kept from events',
  async run(conn) {
    if (!(await hasCollection(conn, 'journal_entries'))) return 0;
    const cases = new CaseRepository(conn, ownEventsOf(conn));
    const stats = new StatisticsRepository(conn);
    const entries = conn.db!.collection<{ _id: string; complaintId: string }>('journal_entries');
    let settled = 0;
    let batch: string[] = [];
    const flush = async () => {
      await Promise.all(batch.map(async (id) => stats.settle(await cases.find(id))));
      settled += batch.length;
      batch = [];
    };
    for await (const entry of entries.find({ journal: 'incoming' }, { projection: { complaintId: 1 } })) {
      batch.push(entry.complaintId);
      if (batch.length === 32) await flush();
    }
    await flush();
    return settled;
  },
};

/** In order: the journal and the learned events move first, the statistics read both. */
export const REGISTRY_MIGRATIONS: Migration[] = [JOURNAL_SLOTS_MIGRATION, JOURNAL_PER_BODY_INDEX_MIGRATION, CASE_EVENT_SLOTS_MIGRATION, STATISTICS_MIGRATION];
