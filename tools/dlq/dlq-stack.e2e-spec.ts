import { AssignerProtocol, Kafka, logLevel, type Admin } from 'kafkajs';
import { isolatedEnv, ProcessStack, SERVICES, waitFor } from '@shagym/testing';
import { dlqKafka, readRawLetters } from './queue';

/**
 * The five services as separate processes: a poison message on the complaints topic yields
 * exactly one dead letter per service that reads the topic, though most read it in several
 * consumer groups (their own consumer, the access projection, …).
 */
describe('dead letters across the stack', () => {
  const iso = isolatedEnv('dlqstack');
  const stack = new ProcessStack(iso);
  let admin: Admin;

  beforeAll(async () => {
    stack.bundle([...SERVICES]);
    await stack.startService('routing');
    await Promise.all(SERVICES.filter((s) => s !== 'routing').map((s) => stack.startService(s)));
    admin = new Kafka({ clientId: 'dlq-stack-test', brokers: iso.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
  }, 240_000);

  afterAll(async () => {
    await admin?.disconnect();
    await stack.stopAll();
    await iso.cleanup();
  });

  /** The stack's consumer groups subscribed to the complaints topic, from their members' metadata. */
  async function complaintGroups(): Promise<string[]> {
    const prefix = iso.env.KAFKA_GROUP_PREFIX!;
    const ids = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
    if (!ids.length) return [];
    const { groups } = await admin.describeGroups(ids);
    return groups
      .filter((g) => g.members.some((m) => AssignerProtocol.MemberMetadata.decode(m.memberMetadata)?.topics.includes(iso.topic('complaints'))))
      .map((g) => g.groupId);
  }

  it('dead-letters a poison message once per service, whatever number of groups it reads the topic in', async () => {
    const poison = [
      { key: 'poison-json', value: '{not json', partition: 0 },
      { key: 'poison-type', value: JSON.stringify({ id: 'e-teleported', type: 'complaint.teleported', version: 1, subject: 'c-x', data: {} }), partition: 0 },
    ];
    const producer = new Kafka({ clientId: 'dlq-stack-poison', brokers: iso.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    const [meta] = await producer.send({ topic: iso.topic('complaints'), acks: -1, messages: poison });
    await producer.disconnect();
    const past = BigInt(meta!.baseOffset!) + BigInt(poison.length);

    const serviceOf = (group: string) => group.slice(iso.env.KAFKA_GROUP_PREFIX!.length).split('.')[0]!;
    // Every service's groups on the topic, each committed past the poison (then it has met it).
    const groups = await waitFor(
      'every complaints group of every service past the poison',
      async () => {
        const found = await complaintGroups();
        if (!SERVICES.every((s) => found.some((g) => serviceOf(g) === s))) return undefined;
        for (const groupId of found) {
          const [offsets] = await admin.fetchOffsets({ groupId, topics: [iso.topic('complaints')] });
          const p0 = offsets?.partitions.find((p) => p.partition === 0);
          if (!p0 || p0.offset === '-1' || BigInt(p0.offset) < past) return undefined;
        }
        return found;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    // The case this is about: at least one service reads the topic in more than one group.
    expect(SERVICES.some((s) => groups.filter((g) => serviceOf(g) === s).length > 1)).toBe(true);

    const letters = (await readRawLetters(dlqKafka(iso.env.KAFKA_BROKERS!.split(',')), iso.env.KAFKA_TOPIC_PREFIX!)).map((l) => l.letter);
    for (const { key } of poison) {
      const services = letters.filter((l) => l.original.key === key).map((l) => l.service);
      expect({ key, services: services.sort() }).toEqual({ key, services: [...SERVICES].sort() });
    }
    expect(letters.filter((l) => !l.original.key?.startsWith('poison-')).map((l) => `${l.group}: ${l.reason}`)).toEqual([]);
  });
});
