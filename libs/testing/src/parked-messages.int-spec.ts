import { Kafka, logLevel, Partitioners, type Consumer, type Producer } from 'kafkajs';
import type { Connection } from 'mongoose';
import { createEvent, type DomainEvent } from '@shagym/contracts';
import {
  connectMongo,
  createLogger,
  createMetrics,
  DeadLetterMarks,
  ensureIndexes,
  EventConsumer,
  Inbox,
  ParkedMessageStore,
  RetryLaterError,
  type DeadLetter,
} from '@shagym/service-kit';
import { complaintSubmitted, isolatedEnv, waitFor } from './index';

/**
 * Parked messages against the real Kafka and FerretDB, with the consumer machinery every
 * service runs. Every message goes to partition 0, so without parking a retry-later message
 * would hold all the others behind it. Assertions are on order and outcome, never on time.
 */
describe('parked messages: a retry-later message does not hold its partition', () => {
  const iso = isolatedEnv('parked');
  const logger = createLogger('test', 'silent');
  const GROUP = 'svc.main';
  let conn: Connection;
  let kafka: Kafka;
  let producer: Producer;
  let letterReader: Consumer;
  let inbox: Inbox;
  let store: ParkedMessageStore;
  let deps: ConstructorParameters<typeof EventConsumer>[1];
  const metrics = createMetrics('svc');
  let consumer: EventConsumer;
  /** `<subject>/<event id>` in the order handlers succeeded. */
  const handled: string[] = [];
  /** Events whose handler says "later" (the missing fact), with the window each one gets. */
  const waiting = new Map<string, number>();
  const letters: DeadLetter[] = [];

  const group = () => `${iso.env.KAFKA_GROUP_PREFIX}${GROUP}`;
  const tag = (e: DomainEvent) => `${e.subject}/${e.id}`;
  const send = async (...events: DomainEvent[]) =>
    producer.send({ topic: iso.topic('complaints'), acks: -1, messages: events.map((e) => ({ key: e.subject, value: JSON.stringify(e), partition: 0 })) });
  /** A second event of the same complaint (a later message of the same aggregate). */
  const laterOf = (e: DomainEvent<'complaint.submitted'>): DomainEvent<'complaint.submitted'> =>
    createEvent({ type: 'complaint.submitted', source: 'intake', subject: e.subject, correlationId: e.correlationId, data: e.data });
  const newConsumer = () =>
    new EventConsumer(
      {
        group: GROUP,
        topics: ['complaints'],
        parking: { baseDelayMs: 50, maxDelayMs: 200 },
        handlers: {
          'complaint.submitted': async (event) => {
            const window = waiting.get(event.id);
            if (window !== undefined) throw new RetryLaterError(`what ${event.id} needs has not arrived`, window);
            handled.push(tag(event));
          },
        },
      },
      deps,
    );

  beforeAll(async () => {
    await iso.createTopics();
    kafka = new Kafka({ clientId: 'parked-test', brokers: iso.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
    producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    conn = await connectMongo(iso.env.MONGO_URL!, iso.dbName('svc'), logger);
    inbox = new Inbox(conn);
    store = new ParkedMessageStore(conn);
    const deadLetterMarks = new DeadLetterMarks(conn);
    await ensureIndexes([inbox.model, deadLetterMarks.model, store.messages.model, store.aggregates.model, store.progress]);
    deps = { kafka, producer, inbox, logger, metrics, topicPrefix: iso.env.KAFKA_TOPIC_PREFIX!, groupPrefix: iso.env.KAFKA_GROUP_PREFIX!, service: 'svc', deadLetterMarks, parkedMessages: store };
    letterReader = kafka.consumer({ groupId: `${iso.env.KAFKA_GROUP_PREFIX}letters` });
    await letterReader.connect();
    await letterReader.subscribe({ topic: iso.topic('deadLetter'), fromBeginning: true });
    await letterReader.run({ eachMessage: async ({ message }) => void letters.push(JSON.parse(message.value!.toString()) as DeadLetter) });
    consumer = newConsumer();
    await consumer.start();
  }, 120_000);

  afterAll(async () => {
    await consumer?.stop().catch(() => undefined);
    await letterReader?.disconnect();
    await producer?.disconnect();
    await conn?.close();
    await iso.cleanup();
  });

  it('handles another complaint of the same partition first; a later message of the parked complaint waits behind it; both follow in order once the cause is fixed', async () => {
    const a1 = complaintSubmitted('org-parked');
    const a2 = laterOf(a1);
    const b1 = complaintSubmitted('org-parked');
    waiting.set(a1.id, 10 * 60_000);
    await send(a1, a2, b1);

    await waitFor('the other complaint handled', async () => handled.includes(tag(b1)));
    // b1 came after a1 and a2 on the partition: both have been met and parked, none has run.
    expect(handled).not.toContain(tag(a1));
    expect(handled).not.toContain(tag(a2)); // a2's own handler would succeed: it waits for a1
    expect(await inbox.seen(group(), a1.id)).toBe(false);
    expect(await inbox.seen(group(), a2.id)).toBe(false);
    expect(await store.messages.count(ParkedMessageStore.listOf(group(), `${iso.topic('complaints')}:${a1.subject}`))).toBe(2);

    waiting.delete(a1.id); // the missing fact arrives
    await waitFor('the parked complaint resumed', async () => handled.includes(tag(a2)));
    const order = handled.filter((h) => [a1, a2, b1].map(tag).includes(h));
    expect(order).toEqual([tag(b1), tag(a1), tag(a2)]);
    expect(await inbox.seen(group(), a1.id)).toBe(true);
    expect(await inbox.seen(group(), a2.id)).toBe(true);
    expect(letters.filter((l) => l.eventId === a1.id || l.eventId === a2.id)).toEqual([]);
  });

  it('dead-letters a message that stays retry-later beyond its window, once; its complaint then moves on', async () => {
    const c1 = complaintSubmitted('org-parked');
    const c2 = laterOf(c1);
    const d1 = complaintSubmitted('org-parked');
    waiting.set(c1.id, 1_000);
    await send(c1, c2, d1);

    await waitFor('the other complaint handled', async () => handled.includes(tag(d1)));
    expect(handled).not.toContain(tag(c2));
    const letter = await waitFor('the dead letter', async () => letters.find((l) => l.eventId === c1.id));
    expect(letter).toMatchObject({ service: 'svc', group: group(), reason: `handler failed: what ${c1.id} needs has not arrived`, original: { key: c1.subject, partition: 0 } });
    await waitFor('the later message of that complaint handled', async () => handled.includes(tag(c2)));

    // One more message of the same complaint, handled at once (nothing parked any longer):
    // by then a second letter for c1, if one were coming, would have been sent before it.
    const c3 = laterOf(c1);
    await send(c3);
    await waitFor('the next message of the complaint handled', async () => handled.includes(tag(c3)));
    expect(letters.filter((l) => l.eventId === c1.id)).toHaveLength(1);
    expect(handled.filter((h) => h.startsWith(`${c1.subject}/`))).toEqual([tag(c2), tag(c3)]);
    expect(await inbox.seen(group(), c1.id)).toBe(false); // never handled
  });

  it('after a restart, a complaint with parked messages still holds its later messages back, and resumes in order', async () => {
    const e1 = complaintSubmitted('org-parked');
    const e2 = laterOf(e1);
    const f1 = complaintSubmitted('org-parked');
    waiting.set(e1.id, 10 * 60_000);
    await send(e1, f1);
    await waitFor('the other complaint handled', async () => handled.includes(tag(f1)));
    await consumer.stop();

    consumer = newConsumer(); // a new process: what is parked is known only from the store
    await consumer.start();
    const g1 = complaintSubmitted('org-parked');
    await send(e2, g1);
    await waitFor('a message after the restart handled', async () => handled.includes(tag(g1)));
    expect(handled).not.toContain(tag(e2));

    waiting.delete(e1.id);
    await waitFor('the parked complaint resumed', async () => handled.includes(tag(e2)));
    expect(handled.filter((h) => h.startsWith(`${e1.subject}/`))).toEqual([tag(e1), tag(e2)]);
  });
});
