import { decodeEvent } from '@shagym/contracts';
import { createLogger, connectMongo, ensureIndexes, type RunningService } from '@shagym/service-kit';
import {
  as,
  complaintSubmitted,
  IDENTITIES,
  entitiesQuery,
  gql,
  isolatedEnv,
  organizationUpserted,
  produceRaw,
  publishEvents,
  readTopic,
  startInProcess,
  waitFor,
} from '@shagym/testing';
import { Kafka, logLevel } from 'kafkajs';
import type { Connection } from 'mongoose';
import { loadRegistryConfig, startRegistry } from './app';
import { gaps } from './domain/incoming-number';
import { Journal } from './store/journal';

const CASE = entitiesQuery('Complaint', 'id status registration { incomingNumber sequence year registeredOn organizationCode }');

const SUPERVISOR = as(IDENTITIES.supervisor('org-adgs', 'sup-1'));

describe('registry against the real Kafka and FerretDB', () => {
  const iso = isolatedEnv('registry');
  let svc: RunningService;
  let db: Connection;
  const orgId = 'org-reg-psc';

  const caseOf = async (id: string) =>
    (await gql(svc.url, CASE, { representations: [{ __typename: 'Complaint', id }] }, SUPERVISOR)).data?._entities?.[0];

  beforeAll(async () => {
    await iso.createTopics();
    await publishEvents(iso.topic('directory'), [organizationUpserted(orgId, { code: 'REGPSC' })]);
    svc = await startInProcess(iso, 'registry', (env) => startRegistry(loadRegistryConfig(env)));
    db = await connectMongo(iso.env.MONGO_URL!, iso.dbName('registry'), createLogger('test', 'silent'));
  });

  afterAll(async () => {
    await svc?.stop();
    await db?.close();
    await iso.cleanup();
  });

  it('registers a delivered complaint with an incoming number and the Almaty date (R7)', async () => {
    const submitted = complaintSubmitted(orgId);
    await publishEvents(iso.topic('complaints'), [submitted]);
    const c = await waitFor('registration', async () => {
      const found = await caseOf(submitted.subject);
      return found?.registration ? found : undefined;
    });
    const year = new Date().getFullYear();
    expect(c.status).toBe('REGISTERED');
    expect(c.registration).toMatchObject({ organizationCode: 'REGPSC', sequence: 1, incomingNumber: `REGPSC-${year}-00001` });
    expect(c.registration.registeredOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const published = await readTopic(iso.topic('complaints'), 3);
    const types = published.map((m) => decodeEvent(m.value)).flatMap((d) => (d.ok ? [d.event.type] : []));
    expect(types).toEqual(expect.arrayContaining(['complaint.delivered', 'complaint.registered'])); // R11 delivery mark, R7
  });

  it('does not register a redelivered submission twice', async () => {
    const submitted = complaintSubmitted(orgId);
    await publishEvents(iso.topic('complaints'), [submitted]);
    const first = await waitFor('registration', async () => (await caseOf(submitted.subject))?.registration);
    // The same event again, twice (at-least-once delivery), then a fresh one as a marker.
    const marker = complaintSubmitted(orgId);
    await publishEvents(iso.topic('complaints'), [submitted, submitted, marker]);
    await waitFor('marker registration', async () => (await caseOf(marker.subject))?.registration);

    expect((await caseOf(submitted.subject)).registration).toEqual(first);
    expect(await db.collection('journal_entries').countDocuments({ complaintId: submitted.subject })).toBe(1);
    expect(await db.collection('event_log').countDocuments({ aggregateId: submitted.subject, type: 'complaint.registered' })).toBe(1);
    const marked = (await caseOf(marker.subject)).registration;
    expect(marked.sequence).toBe(first.sequence + 1); // no number was burnt by the redelivery
  });

  it('dead-letters poison messages with their reason while good ones keep flowing', async () => {
    const good = complaintSubmitted(orgId);
    const wrongVersion = { ...complaintSubmitted(orgId), version: 99 };
    const unknownType = { ...complaintSubmitted(orgId), type: 'complaint.teleported' };
    const missingFields = { ...complaintSubmitted(orgId), data: { complaintId: 'x' } };
    await produceRaw(iso.topic('complaints'), [
      { key: 'poison-1', value: '{not json' },
      { key: 'poison-2', value: JSON.stringify(unknownType) },
      { key: 'poison-3', value: JSON.stringify(wrongVersion) },
      { key: 'poison-4', value: JSON.stringify(missingFields) },
      { key: good.subject, value: JSON.stringify(good) },
    ]);
    await waitFor('good message registered', async () => (await caseOf(good.subject))?.registration);
    // Every registry group reading the complaints topic must be past the poison before the
    // letters are counted (a group that met it later would add a copy).
    await waitFor('every registry group caught up', () => groupsCaughtUp(iso.env.KAFKA_GROUP_PREFIX!, iso.topic('complaints')));
    // One letter per poison message for the service (issue 15), whichever group met it first.
    const all = (await readTopic(iso.topic('deadLetter'), 4)).map((m) => JSON.parse(m.value!));
    const letters = all.filter((l) => l.service === 'registry');
    const reasons = letters.map((l) => l.reason).join('\n');
    expect(all).toHaveLength(4);
    expect(letters).toHaveLength(4);
    expect(new Set(letters.map((l) => l.id)).size).toBe(4);
    expect(reasons).toMatch(/malformed JSON/);
    expect(reasons).toMatch(/unknown event type "complaint.teleported"/);
    expect(reasons).toMatch(/unsupported version 99/);
    expect(reasons).toMatch(/invalid data for "complaint.submitted"/);
    expect(letters.find((l) => l.original.key === 'poison-1').original.value).toBe('{not json');
  });

  it('lists the registration journal in number order to the organization’s officials only', async () => {
    const query = `query($org: ID!, $year: Int!) { registrationJournal(organizationId: $org, year: $year) { entries { registration { sequence } } nextCursor } }`;
    const vars = { org: orgId, year: new Date().getFullYear() };
    const res = await gql(svc.url, query, vars, as(IDENTITIES.operator(orgId, 'off-op')));
    const seqs = res.data.registrationJournal.entries.map((e: { registration: { sequence: number } }) => e.registration.sequence);
    expect(seqs.length).toBeGreaterThanOrEqual(3);
    expect(seqs).toEqual([...seqs].sort((a: number, b: number) => a - b));
    expect(gaps(seqs)).toEqual([]);
    expect((await gql(svc.url, query, vars)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await gql(svc.url, query, vars, as(IDENTITIES.operator('org-other', 'off-x')))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

/**
 * Whether every registry consumer group reading `topic` (those that committed on it: the
 * directory group never does) has committed up to the topic's end.
 */
async function groupsCaughtUp(groupPrefix: string, topic: string): Promise<boolean> {
  const admin = new Kafka({ clientId: 'registry-test', brokers: testBrokers(), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(`${groupPrefix}registry.`));
    const ends = await admin.fetchTopicOffsets(topic);
    let reading = 0;
    for (const groupId of groups) {
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const parts = committed?.partitions ?? [];
      if (parts.every((p) => p.offset === '-1')) continue;
      reading++;
      const at = new Map(parts.map((p) => [p.partition, BigInt(p.offset === '-1' ? '0' : p.offset)]));
      if (ends.some((p) => (at.get(p.partition) ?? 0n) < BigInt(p.high))) return false;
    }
    return reading > 0;
  } finally {
    await admin.disconnect();
  }
}

function testBrokers(): string[] {
  return process.env.KAFKA_BROKERS!.split(',');
}

describe('journal numbering under concurrency on FerretDB (R7)', () => {
  const iso = isolatedEnv('alloc');
  const conns: Connection[] = [];

  afterAll(async () => {
    await Promise.all(conns.map((c) => c.close()));
    await iso.cleanup();
  });

  it('gives 50 concurrent complaints of one organization the numbers 1..50, no gap, no duplicate', async () => {
    const logger = createLogger('test', 'silent');
    // Three connections stand for three registry instances racing on one database.
    for (let i = 0; i < 3; i++) conns.push(await connectMongo(iso.env.MONGO_URL!, iso.dbName('registry'), logger));
    const allocators = conns.map((c) => new Journal(c));
    await ensureIndexes([allocators[0]!.model]);

    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => allocators[i % 3]!.allocate('incoming', 'org-race', 2026, `complaint-${i}`)),
    );
    // Each complaint asks again (a redelivery) and must get the number it already has.
    const again = await Promise.all(results.map((r, i) => allocators[(i + 1) % 3]!.allocate('incoming', 'org-race', 2026, r.complaintId)));

    const seqs = results.map((r) => r.sequence).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(again.map((r) => r.sequence)).toEqual(results.map((r) => r.sequence));
    expect(await conns[0]!.collection('journal_entries').countDocuments({ organizationId: 'org-race' })).toBe(50);
  });
});
