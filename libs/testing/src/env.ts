import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import mongoose, { type Connection } from 'mongoose';
import { TOPICS, topicName, type TopicId } from '@shagym/contracts';
import { createLogger, ensureTopics, mongoOptions } from '@shagym/service-kit';

/** The brokers and database the jest global setup started (tools/infra). */
export function infraEnv(): { KAFKA_BROKERS: string; MONGO_URL: string } {
  const KAFKA_BROKERS = process.env.KAFKA_BROKERS;
  const MONGO_URL = process.env.MONGO_URL;
  if (!KAFKA_BROKERS || !MONGO_URL) throw new Error('KAFKA_BROKERS and MONGO_URL must be set (run tests with npm test)');
  return { KAFKA_BROKERS, MONGO_URL };
}

/**
 * A private corner of the shared broker and database for one test: its own topic prefix,
 * consumer-group prefix and database names, so that test files run side by side.
 */
export interface IsolatedEnv {
  id: string;
  env: Record<string, string>;
  topic(id: TopicId): string;
  dbName(service: string): string;
  /** Creates the test's topics, as the services do at start-up (the broker never auto-creates). */
  createTopics(): Promise<void>;
  /** Deletes the test's topics and databases. */
  cleanup(): Promise<void>;
}

export function isolatedEnv(label: string): IsolatedEnv {
  const id = `${label.replace(/[^a-z0-9]/gi, '').slice(0, 12).toLowerCase()}${randomBytes(3).toString('hex')}`;
  const prefix = `t.${id}.`;
  const base = infraEnv();
  const dbName = (service: string) => `t_${id}_${service}`;
  return {
    id,
    env: { ...base, KAFKA_TOPIC_PREFIX: prefix, KAFKA_GROUP_PREFIX: prefix, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn', NODE_ENV: 'test' },
    topic: (t) => topicName(t, prefix),
    dbName,
    async createTopics() {
      const kafka = new Kafka({ clientId: 'test-setup', brokers: base.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
      await ensureTopics(kafka, prefix, createLogger('test', 'silent'));
    },
    async cleanup() {
      const kafka = new Kafka({ clientId: 'test-cleanup', brokers: base.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await admin.connect();
      try {
        const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
        if (mine.length) await admin.deleteTopics({ topics: mine }).catch(() => undefined);
      } finally {
        await admin.disconnect();
      }
      const conn = await mongoose.createConnection(base.MONGO_URL, { retryWrites: false }).asPromise();
      try {
        const { databases } = await conn.db!.admin().listDatabases();
        for (const db of databases.filter((d) => d.name.startsWith(`t_${id}_`))) {
          await conn.useDb(db.name).dropDatabase();
        }
      } finally {
        await conn.close();
      }
    },
  };
}

export const ALL_TOPICS = Object.keys(TOPICS) as TopicId[];

/**
 * `n` separate connections to one database of the real store (`monitorCommands` on, so a test
 * can see the filters sent): writers on them race as separate processes would.
 */
export function storeConnections(dbName: string, n = 3): Promise<Connection[]> {
  const { MONGO_URL } = infraEnv();
  return Promise.all(Array.from({ length: n }, () => mongoose.createConnection(MONGO_URL, mongoOptions(dbName, true)).asPromise()));
}

/** Drops the database the connections share, then closes them. */
export async function dropAndClose(conns: readonly Connection[]): Promise<void> {
  await conns[0]?.dropDatabase();
  await Promise.all(conns.map((c) => c.close()));
}
