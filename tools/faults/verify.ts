import mongoose from 'mongoose';
import { Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import type { IsolatedEnv } from '@shagym/testing';

/** What each service must hold exactly once per acknowledged complaint. */
const ONCE: Array<{ service: string; type: string }> = [
  { service: 'intake', type: 'complaint.submitted' },
  { service: 'registry', type: 'complaint.registered' },
  { service: 'routing', type: 'complaint.assigned' },
  { service: 'deadline', type: 'deadline.set' },
];
export const TIMELINE_TYPES = ['complaint.submitted', 'complaint.registered', 'complaint.assigned', 'deadline.set'];

export interface Verdict {
  complaints: number;
  /** Acknowledged complaints missing a registration, assignment, deadline or timeline entry. */
  lost: Array<{ complaintId: string; missing: string[] }>;
  /** Facts stored more than once for one complaint. */
  duplicated: Array<{ complaintId: string; what: string; count: number }>;
  /** Per organization: numbers that are missing or repeated (R7). */
  numbering: Array<{ organizationId: string; year: number; count: number; gaps: number[]; repeated: number[] }>;
  /** Complaints registered that no client was told about (submitted, answer lost, never retried). */
  unacknowledgedRegistered: number;
}

/**
 * Reads every service's own database and checks, for each acknowledged complaint, that its
 * facts exist exactly once, and that incoming numbers per organization are 1..n (R7).
 */
export async function verifyStores(mongoUrl: string, iso: IsolatedEnv, complaintIds: string[]): Promise<Verdict> {
  const conn = await mongoose.createConnection(mongoUrl, { retryWrites: false, directConnection: true }).asPromise();
  try {
    const db = (s: string) => conn.useDb(iso.dbName(s)).db!;
    const counts = new Map<string, Map<string, number>>();
    const countBy = async (service: string, collection: string, filter: Record<string, unknown>, idField: string, label: string) => {
      const docs = await db(service).collection(collection).find(filter, { projection: { [idField]: 1 } }).toArray();
      const m = new Map<string, number>();
      const idOf = (d: Record<string, unknown>) => String(idField.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], d));
      for (const d of docs) m.set(idOf(d), (m.get(idOf(d)) ?? 0) + 1);
      counts.set(label, m);
    };
    for (const { service, type } of ONCE) await countBy(service, 'event_log', { type }, 'aggregateId', `${service}:${type}`);
    await countBy('registry', 'journal_entries', { journal: 'incoming' }, 'complaintId', 'registry:journal');
    // The timeline is slots `timeline:<complaintId>:<n>` (marks `…#<itemId>` carry no data).
    for (const type of TIMELINE_TYPES) await countBy('notification', 'timeline_slots', { 'data.type': type }, 'data.complaintId', `timeline:${type}`);

    const lost: Verdict['lost'] = [];
    const duplicated: Verdict['duplicated'] = [];
    for (const id of complaintIds) {
      const missing: string[] = [];
      for (const [label, m] of counts) {
        const n = m.get(id) ?? 0;
        if (n === 0) missing.push(label);
        if (n > 1) duplicated.push({ complaintId: id, what: label, count: n });
      }
      if (missing.length) lost.push({ complaintId: id, missing });
    }

    const entries = await db('registry').collection('journal_entries').find({ journal: 'incoming' }).toArray();
    const byOrg = new Map<string, number[]>();
    for (const e of entries) {
      const k = `${e.organizationId}|${e.year}`;
      byOrg.set(k, [...(byOrg.get(k) ?? []), Number(e.sequence)]);
    }
    const numbering: Verdict['numbering'] = [];
    for (const [k, seqs] of byOrg) {
      const [organizationId, year] = k.split('|') as [string, string];
      const seen = new Map<number, number>();
      for (const s of seqs) seen.set(s, (seen.get(s) ?? 0) + 1);
      const gaps: number[] = [];
      for (let i = 1; i <= Math.max(...seqs); i++) if (!seen.has(i)) gaps.push(i);
      numbering.push({ organizationId, year: Number(year), count: seqs.length, gaps, repeated: [...seen].filter(([, n]) => n > 1).map(([s]) => s) });
    }
    const acked = new Set(complaintIds);
    const unacknowledgedRegistered = [...(counts.get('registry:journal')?.keys() ?? [])].filter((id) => !acked.has(id)).length;
    return { complaints: complaintIds.length, lost, duplicated, numbering, unacknowledgedRegistered };
  } finally {
    await conn.close();
  }
}

/** Every message on a topic from the beginning, read until the end offsets seen at the start. */
export async function readWholeTopic(brokers: string, topic: string): Promise<Array<{ key: string | null; value: string | null }>> {
  const kafka = new Kafka({ clientId: `faults-${randomUUID().slice(0, 8)}`, brokers: [brokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const total = ends.reduce((s, p) => s + Number(p.high) - Number(p.low), 0);
  const seen: Array<{ key: string | null; value: string | null }> = [];
  if (total === 0) return seen;
  const consumer = kafka.consumer({ groupId: `faults-reader-${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${seen.length} of ${total} messages of ${topic}`)), 60_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          seen.push({ key: message.key?.toString() ?? null, value: message.value?.toString() ?? null });
          if (seen.length >= total) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

/** Produces raw messages (poison included) on our own broker. */
export async function produceRawTo(brokers: string, topic: string, messages: Array<{ key: string; value: string }>): Promise<void> {
  const kafka = new Kafka({ clientId: `faults-${randomUUID().slice(0, 8)}`, brokers: [brokers], logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
}
