import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse } from 'graphql';
import type { Kafka, Producer } from 'kafkajs';
import type { Connection, Model } from 'mongoose';
import type { DomainEvent, ServiceName } from '@shagym/contracts';
import type { BaseConfig } from './config';
import { EventConsumer, type ConsumerSpec } from './consumer';
import { EVENT_LOG_SLOTS_MIGRATION, EventLog, type AppendOptions, type AppendResult } from './event-log';
import { runMigrations, type Migration } from './migrations';
import { COMPLAINT_PARTIES_SLOTS_MIGRATION } from './complaint-access';
import { ORGANIZATION_LISTS_MIGRATION } from './organization-projection';
import { closeServer, startHttpServer, type HttpRoute } from './http';
import { identityFromHeaders, type Identity } from './identity';
import { Inbox } from './inbox';
import { DeadLetterMarks } from './dead-letters';
import { ParkedMessageStore } from './parked-messages';
import { connectProducer, createKafka, ensureTopics } from './kafka';
import { createLogger, type Logger } from './logger';
import { createMetrics, type Metrics } from './metrics';
import { connectMongo, ensureIndexes, pingMongo, watchMongo } from './mongo';
import { markCommandsRunning } from './command-recorder';
import { OutboxRelay } from './relay';
import { RequestLoaders } from './loaders';
import { baseRetentionRules } from './prune-command';
import { brokerRedeliveryWindow } from './redelivery-window';
import { RetentionJob, type RetentionRule } from './retention';

/** What every service's GraphQL context carries. */
export interface BaseRequestContext extends BaseContext {
  correlationId: string;
  headers: IncomingMessage['headers'];
  /** The caller as the gateway verified it; null for an anonymous request. */
  identity: Identity | null;
  /** Request-scoped batching of entity and field loads (DataLoader). */
  loaders: RequestLoaders;
}

/** The wiring a service's setup receives: its own database, the log/outbox, Kafka, logs. */
export interface ServiceContext<Cfg extends BaseConfig> {
  config: Cfg;
  logger: Logger;
  metrics: Metrics;
  db: Connection;
  eventLog: EventLog;
  kafka: Kafka;
  producer: Producer;
  /** Stores the event in the log (atomically the outbox) and wakes the relay. */
  emit(event: DomainEvent, options?: AppendOptions): Promise<AppendResult>;
}

export interface ServiceParts<C extends BaseRequestContext> {
  /** Resolvers typed by the service's graphql-codegen output. */
  resolvers: object;
  /** Extends the base request context (e.g. with the caller's identity). */
  context?: (base: BaseRequestContext, req: IncomingMessage) => Promise<C>;
  consumers?: ConsumerSpec[];
  /** Models whose indexes must exist before the service takes traffic. */
  models?: Model<any>[];
  readiness?: () => Promise<Record<string, boolean>>;
  /** Plain HTTP routes beside /graphql (e.g. document downloads). */
  routes?: HttpRoute[];
  /** What the service's retention job may prune besides inbox ids and dead-letter markers (DEVELOPERS.md, "Retention"). */
  retention?: RetentionRule<any>[];
  /** Runs once everything is connected and before readiness turns green (e.g. seeding). */
  onStarted?: () => Promise<void>;
  onStop?: () => Promise<void>;
}

export interface ServiceDefinition<Cfg extends BaseConfig, C extends BaseRequestContext> {
  name: ServiceName;
  config: Cfg;
  typeDefs: string;
  /** This service's one-time data migrations (run at start, before setup; see migrations.ts). */
  migrations?: Migration[];
  setup(ctx: ServiceContext<Cfg>): Promise<ServiceParts<C>>;
}

export interface RunningService {
  url: string;
  port: number;
  logger: Logger;
  stop(): Promise<void>;
}

export async function startService<Cfg extends BaseConfig, C extends BaseRequestContext>(
  def: ServiceDefinition<Cfg, C>,
): Promise<RunningService> {
  const { config } = def;
  const logger = createLogger(def.name, config.LOG_LEVEL);
  const metrics = createMetrics(def.name);
  logger.info({ db: config.MONGO_DB, brokers: config.KAFKA_BROKERS, topicPrefix: config.KAFKA_TOPIC_PREFIX }, 'starting');

  const db = await connectMongo(config.MONGO_URL, config.MONGO_DB, logger, { commandLog: config.MONGO_COMMAND_LOG, service: def.name });
  const stopMongoWatch = watchMongo(db, config.MONGO_URL, logger, { intervalMs: 5_000, stuckMs: 30_000 });
  // Data written by an earlier version is moved before anything reads it (key-first model).
  await runMigrations(
    db,
    [EVENT_LOG_SLOTS_MIGRATION, COMPLAINT_PARTIES_SLOTS_MIGRATION, ORGANIZATION_LISTS_MIGRATION, ...(def.migrations ?? [])],
    logger,
  );
  const eventLog = new EventLog(db);
  const inbox = new Inbox(db);
  const deadLetterMarks = new DeadLetterMarks(db);
  const parkedMessages = new ParkedMessageStore(db);
  const kafka = createKafka(`shagym-${def.name}`, config.KAFKA_BROKERS, logger);
  await ensureTopics(kafka, config.KAFKA_TOPIC_PREFIX, logger);
  const producer = await connectProducer(kafka);
  const relay = new OutboxRelay(eventLog, producer, config.KAFKA_TOPIC_PREFIX, logger, metrics, config.RELAY_INTERVAL_MS);

  const emit = async (event: DomainEvent, options?: AppendOptions) => {
    const result = await eventLog.append(event, options);
    if (result.stored) relay.enqueue(result.stored);
    return result;
  };
  const parts = await def.setup({ config, logger, metrics, db, eventLog, kafka, producer, emit });
  await ensureIndexes([eventLog.model, inbox.model, deadLetterMarks.model, parkedMessages.messages.model, parkedMessages.aggregates.model, parkedMessages.progress, ...(parts.models ?? [])]);
  relay.start();

  let started = false;
  const consumers = (parts.consumers ?? []).map(
    (spec) =>
      new EventConsumer(spec, {
        kafka,
        producer,
        inbox,
        logger,
        metrics,
        topicPrefix: config.KAFKA_TOPIC_PREFIX,
        groupPrefix: config.KAFKA_GROUP_PREFIX,
        service: def.name,
        deadLetterMarks,
        parkedMessages,
      }),
  );
  for (const c of consumers) await c.start();
  const stopLagWatch = watchConsumerLag(kafka, consumers, logger);

  const apollo = new ApolloServer<C>({
    schema: buildSubgraphSchema({
      typeDefs: parse(def.typeDefs),
      resolvers: parts.resolvers as GraphQLResolverMap<unknown>,
    }),
    includeStacktraceInErrorResponses: config.NODE_ENV === 'development',
    // No Apollo Studio here: inline traces would only add bytes to every subgraph response.
    plugins: [ApolloServerPluginInlineTraceDisabled(), operationMetrics<C>(metrics, logger)],
  });
  await apollo.start();

  const server: Server = await startHttpServer<C>({
    host: config.HOST,
    port: config.PORT,
    logger,
    metrics,
    readiness: async () => ({
      mongo: await pingMongo(db),
      started,
      ...(parts.readiness ? await parts.readiness() : {}),
    }),
    routes: parts.routes ?? [],
    graphql: {
      server: apollo,
      context: async (req, correlationId) => {
        const identity = identityFromHeaders(req.headers, config.IDENTITY_SIGNING_SECRET);
        const base: BaseRequestContext = { correlationId, headers: req.headers, identity, loaders: new RequestLoaders() };
        return parts.context ? parts.context(base, req) : (base as C);
      },
    },
  });
  const port = (server.address() as AddressInfo).port;
  await parts.onStarted?.();
  started = true;
  markCommandsRunning(db);
  const redeliveryWindow = brokerRedeliveryWindow(kafka, config.KAFKA_TOPIC_PREFIX);
  const retention = new RetentionJob([...baseRetentionRules(config, inbox, deadLetterMarks, redeliveryWindow), ...(parts.retention ?? [])], {
    logger,
    metrics,
    batchSize: config.RETENTION_BATCH_SIZE,
  });
  const stopRetention = config.RETENTION_INTERVAL_MS > 0 ? retention.start(config.RETENTION_INTERVAL_MS, config.RETENTION_FIRST_RUN_MS) : async () => undefined;
  const url = `http://${config.HOST}:${port}/graphql`;
  logger.info({ url }, 'ready');

  let stopped = false;
  return {
    url,
    port,
    logger,
    async stop() {
      if (stopped) return;
      stopped = true;
      logger.info('stopping');
      await closeServer(server);
      stopLagWatch();
      await stopRetention();
      stopMongoWatch();
      for (const c of consumers) await c.stop().catch((err) => logger.warn({ err }, 'consumer stop failed'));
      await relay.stop();
      await parts.onStop?.();
      await apollo.stop();
      await producer.disconnect().catch(() => undefined);
      db.removeAllListeners('disconnected');
      await db.close();
      logger.info('stopped');
    },
  };
}

/** Measures every consumer's lag with one admin connection, every 15 s; returns the stop. */
function watchConsumerLag(kafka: Kafka, consumers: EventConsumer[], logger: Logger): () => void {
  if (!consumers.length) return () => undefined;
  const measure = async () => {
    const admin = kafka.admin();
    try {
      await admin.connect();
      for (const c of consumers) await c.measureLag(admin);
    } catch (err) {
      logger.debug({ err }, 'consumer lag not measured');
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  };
  const timer = setInterval(() => void measure(), 15_000);
  timer.unref();
  void measure();
  return () => clearInterval(timer);
}

/** A process's entry point: start, stop cleanly on SIGINT/SIGTERM, exit non-zero on failure. */
export function runMain(start: () => Promise<RunningService>): void {
  start()
    .then((svc) => {
      let stopping = false;
      const shutdown = (signal: string) => {
        if (stopping) return;
        stopping = true;
        svc.logger.info({ signal }, 'signal received');
        const force = setTimeout(() => process.exit(1), 15_000);
        force.unref();
        svc.stop().then(
          () => process.exit(0),
          (err) => {
            svc.logger.error({ err }, 'stop failed');
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', () => shutdown('SIGINT'));
      process.on('SIGTERM', () => shutdown('SIGTERM'));
    })
    .catch((err: unknown) => {
      console.error(err instanceof Error ? err.stack ?? err.message : err);
      process.exit(1);
    });
}

/** Per-operation count and latency, and every refused request logged with its code. */
export function operationMetrics<C extends BaseContext>(metrics: Metrics, logger: Logger): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse(rc) {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          const outcome = rc.errors?.length ? 'error' : 'ok';
          metrics.graphqlOperations.observe({ operation: rc.operationName ?? 'anonymous', outcome }, seconds);
        },
        async didEncounterErrors(rc) {
          for (const err of rc.errors) {
            const code = (err.extensions?.code as string | undefined) ?? 'INTERNAL_SERVER_ERROR';
            if (code === 'INTERNAL_SERVER_ERROR') logger.error({ err: err.originalError ?? err }, 'graphql error');
            else logger.info({ code, message: err.message }, 'graphql request refused');
          }
        },
      };
    },
  };
}
