import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import type { Connection } from 'mongoose';
import type { DomainEvent } from '@shagym/contracts';
import {
  connectMongo,
  createLogger,
  createMetrics,
  DeadLetterMarks,
  ensureIndexes,
  EventConsumer,
  Inbox,
  PermanentError,
  REDRIVE_OF_HEADER,
} from '@shagym/service-kit';
import { complaintSubmitted, isolatedEnv, waitFor } from '@shagym/testing';
import { runDlq, type DlqSettings } from './main';
import { dlqKafka, readRawLetters } from './queue';

/**
 * Dead letters against the real Kafka and FerretDB, with the consumer machinery every service
 * runs (EventConsumer, its inbox and dead-letter markers): two services of two consumer groups
 * each, all reading the complaints topic, as registry does with registry.complaints and
 * registry.access. Then the dlq command redrives what a failing handler gave up on.
 */
const ROOT = join(__dirname, '..', '..');
const SERVICES = { alpha: ['alpha.main', 'alpha.access'], beta: ['beta.main', 'beta.access'] } as const;
type Service = keyof typeof SERVICES;

describe('dead letters: one per service, listed, redriven once', () => {
  const iso = isolatedEnv('dlq');
  const logger = createLogger('test', 'silent');
  const conns: Connection[] = [];
  const consumers: EventConsumer[] = [];
  /** Event ids each group's handler ran for, in order (a group's handler may run twice for one id only if redriven). */
  const handled = new Map<string, string[]>();
  /** While true, alpha.main's handler fails for these complaints (the "bug" that is then fixed). */
  const broken = new Set<string>();
  let kafka: Kafka;
  let producer: Producer;
  let settings: DlqSettings;
  /** The letter redriven by the second test. */
  let redrivenId: string | undefined;

  const complaintsTopic = () => iso.topic('complaints');
  const handledBy = (group: string) => handled.get(`${iso.env.KAFKA_GROUP_PREFIX}${group}`) ?? [];
  const send = async (messages: Array<{ key: string; value: string; partition: number }>) =>
    producer.send({ topic: complaintsTopic(), acks: -1, messages });
  const lettersNow = () => readRawLetters(dlqKafka(settings.brokers), iso.env.KAFKA_TOPIC_PREFIX!);

  beforeAll(async () => {
    await iso.createTopics();
    kafka = new Kafka({ clientId: 'dlq-test', brokers: iso.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
    producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    settings = { brokers: iso.env.KAFKA_BROKERS!.split(','), topicPrefix: iso.env.KAFKA_TOPIC_PREFIX!, mongoUrl: iso.env.MONGO_URL!, mongoDb: iso.dbName('dlq'), by: 'dlq-test' };
    for (const service of Object.keys(SERVICES) as Service[]) {
      const db = await connectMongo(iso.env.MONGO_URL!, iso.dbName(service), logger);
      conns.push(db);
      const inbox = new Inbox(db);
      const deadLetterMarks = new DeadLetterMarks(db);
      await ensureIndexes([inbox.model, deadLetterMarks.model]);
      const deps = { kafka, producer, inbox, logger, metrics: createMetrics(service), topicPrefix: iso.env.KAFKA_TOPIC_PREFIX!, groupPrefix: iso.env.KAFKA_GROUP_PREFIX!, service, deadLetterMarks };
      for (const group of SERVICES[service]) {
        const consumer = new EventConsumer(
          {
            group,
            topics: ['complaints'],
            maxAttempts: 1,
            handlers: {
              'complaint.submitted': async (event: DomainEvent<'complaint.submitted'>) => {
                if (group === 'alpha.main' && broken.has(event.subject)) throw new PermanentError(`cannot handle ${event.subject} yet`);
                const id = `${iso.env.KAFKA_GROUP_PREFIX}${group}`;
                handled.set(id, [...(handled.get(id) ?? []), event.id]);
              },
            },
          },
          deps,
        );
        consumers.push(consumer);
      }
    }
    await Promise.all(consumers.map((c) => c.start()));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.stop().catch(() => undefined)));
    await producer?.disconnect();
    await Promise.all(conns.map((c) => c.close()));
    await iso.cleanup();
  });

  it('dead-letters a poison message on the complaints topic exactly once per service, though each service reads it in two groups', async () => {
    const after = complaintSubmitted('org-dlq');
    // One partition for all three: every group meets the poison before it handles `after`.
    await send([
      { key: 'poison-json', value: '{not json', partition: 0 },
      { key: 'poison-type', value: JSON.stringify({ ...complaintSubmitted('org-dlq'), type: 'complaint.teleported' }), partition: 0 },
      { key: after.subject, value: JSON.stringify(after), partition: 0 },
    ]);
    const groups = Object.values(SERVICES).flat();
    await waitFor('every group past the poison', async () => groups.every((g) => handledBy(g).includes(after.id)));

    const letters = (await lettersNow()).map((l) => l.letter).filter((l) => l.original.key?.startsWith('poison-'));
    const perMessage = (key: string) => letters.filter((l) => l.original.key === key).map((l) => l.service).sort();
    expect(perMessage('poison-json')).toEqual(['alpha', 'beta']);
    expect(perMessage('poison-type')).toEqual(['alpha', 'beta']);
    for (const l of letters) {
      expect(l.id).toBe(`${l.service}:${l.original.topic}:0:${l.original.offset}`);
      expect(SERVICES[l.service as Service]).toContain(l.group.slice(iso.env.KAFKA_GROUP_PREFIX!.length));
    }
    expect(letters.find((l) => l.original.key === 'poison-json')?.original.value).toBe('{not json');
    expect(letters.find((l) => l.original.key === 'poison-json')?.reason).toMatch(/malformed JSON/);
    expect(letters.find((l) => l.original.key === 'poison-type')?.reason).toMatch(/unknown event type "complaint.teleported"/);
  });

  it('redrives a letter whose handler failed once the cause is fixed; the message is then handled, and only where it had failed', async () => {
    const event = complaintSubmitted('org-dlq');
    broken.add(event.subject);
    await send([{ key: event.subject, value: JSON.stringify(event), partition: 1 }]);
    await waitFor('every other group handled it', async () => ['alpha.access', 'beta.main', 'beta.access'].every((g) => handledBy(g).includes(event.id)));
    const letter = await waitFor('its dead letter', async () => (await lettersNow()).find((l) => l.letter.eventId === event.id));
    expect(letter.letter).toMatchObject({ service: 'alpha', group: `${iso.env.KAFKA_GROUP_PREFIX}alpha.main`, reason: `handler failed: cannot handle ${event.subject} yet` });
    expect(handledBy('alpha.main')).not.toContain(event.id);

    broken.delete(event.subject); // the fix
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
    expect(await runDlq(['redrive', letter.id], settings, io)).toBe(0);
    expect(err).toEqual([]);
    expect(out.join('\n')).toContain(`${letter.id}: redriven`);
    redrivenId = letter.id;

    await waitFor('the redriven message handled by the group that had failed', async () => handledBy('alpha.main').includes(event.id));
    // The other groups had handled it: their inbox drops the redriven copy.
    const marker = complaintSubmitted('org-dlq');
    await send([{ key: marker.subject, value: JSON.stringify(marker), partition: 1 }]);
    await waitFor('every group past the redrive', async () => Object.values(SERVICES).flat().every((g) => handledBy(g).includes(marker.id)));
    for (const g of Object.values(SERVICES).flat()) expect(handledBy(g).filter((id) => id === event.id)).toHaveLength(1);

    // What went to the topic: the same value, key and partition, and a header naming the letter.
    const redriven = await readRedriven(letter.id);
    expect(redriven).toMatchObject({ key: event.subject, partition: 1, value: JSON.stringify(event) });
    expect(redriven.offset).not.toBe(letter.letter.original.offset);

    const listed: Array<{ id: string; redrive: { by: string; publishedAt: string } | null }> = [];
    expect(await runDlq(['list', '--service', 'alpha', '--json'], settings, { out: (t) => listed.push(...JSON.parse(t)), err: () => undefined })).toBe(0);
    expect(listed.find((l) => l.id === letter.id)?.redrive).toMatchObject({ by: 'dlq-test' });
    expect(listed.every((l) => l.id.startsWith('alpha:'))).toBe(true);
  });

  it('refuses a second redrive of the same letter, with a clear message and exit code (through npm run dlq)', async () => {
    const letter = (await lettersNow()).find((l) => l.id === redrivenId);
    expect(letter).toBeDefined();
    const before = (await lettersNow()).length;
    const env = { ...process.env, KAFKA_BROKERS: settings.brokers.join(','), KAFKA_TOPIC_PREFIX: settings.topicPrefix, MONGO_URL: settings.mongoUrl, DLQ_MONGO_DB: settings.mongoDb };
    const run = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'tools', 'dlq', 'dlq.mjs'), ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 90_000 });

    const again = run('redrive', letter!.id);
    expect(again.status).toBe(3);
    expect(again.stderr).toMatch(new RegExp(`dead letter ${escape(letter!.id)} was already redriven .* by dlq-test .*; refusing to publish it twice`));

    const shown = run('show', letter!.id);
    expect(shown.status).toBe(0);
    expect(shown.stdout).toMatch(/redrive: {3}redriven .* by dlq-test →/);
    // --all leaves it alone too (only the poison letters, never redriven, would go).
    const all = await runDlq(['redrive', '--all', '--service', 'alpha', '--json'], settings, { out: () => undefined, err: () => undefined });
    expect(all).toBe(0);
    const redrives = await countRedrivesOf(letter!.id);
    expect(redrives).toBe(1);
    expect((await lettersNow()).length).toBeGreaterThanOrEqual(before);
  });

  /** The redriven copy of a letter on the complaints topic (found by its header). */
  async function readRedriven(letterId: string): Promise<{ key: string | null; value: string | null; partition: number; offset: string }> {
    const found = (await readComplaints()).filter((m) => m.headers[REDRIVE_OF_HEADER] === letterId);
    expect(found).toHaveLength(1);
    return found[0]!;
  }

  async function countRedrivesOf(letterId: string): Promise<number> {
    return (await readComplaints()).filter((m) => m.headers[REDRIVE_OF_HEADER] === letterId).length;
  }

  async function readComplaints(): Promise<Array<{ key: string | null; value: string | null; partition: number; offset: string; headers: Record<string, string> }>> {
    const admin = kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(complaintsTopic());
    await admin.disconnect();
    const total = ends.reduce((s, p) => s + Number(p.high) - Number(p.low), 0);
    const seen: Array<{ key: string | null; value: string | null; partition: number; offset: string; headers: Record<string, string> }> = [];
    const reader = kafka.consumer({ groupId: `dlq-test-reader-${Date.now()}-${Math.random()}` });
    await reader.connect();
    try {
      await reader.subscribe({ topic: complaintsTopic(), fromBeginning: true });
      await new Promise<void>((resolve) => {
        void reader.run({
          eachMessage: async ({ partition, message }) => {
            const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
            seen.push({ key: message.key?.toString() ?? null, value: message.value?.toString() ?? null, partition, offset: message.offset, headers });
            if (seen.length >= total) resolve();
          },
        });
      });
    } finally {
      await reader.disconnect();
    }
    return seen;
  }
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
