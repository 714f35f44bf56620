import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One Prometheus registry per process, with the metrics every service shares. */
export function createMetrics(service: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Histogram({
      name: 'shagym_http_request_duration_seconds',
      help: 'HTTP requests by route and status',
      labelNames: ['route', 'status'],
      registers: [registry],
    }),
    graphqlOperations: new Histogram({
      name: 'shagym_graphql_operation_duration_seconds',
      help: 'GraphQL operations by name and outcome',
      labelNames: ['operation', 'outcome'],
      registers: [registry],
    }),
    eventsConsumed: new Counter({
      name: 'shagym_events_consumed_total',
      help: 'Events consumed by type and outcome (handled, skipped, duplicate, dead_lettered, dead_lettered_by_sibling: another group of the service sent the one letter)',
      labelNames: ['group', 'type', 'outcome'],
      registers: [registry],
    }),
    eventsPublished: new Counter({
      name: 'shagym_events_published_total',
      help: 'Events published by the outbox relay',
      labelNames: ['type'],
      registers: [registry],
    }),
    parkedMessages: new Counter({
      name: 'shagym_parked_messages_total',
      help: 'Messages parked to retry later instead of holding their partition (parked: its handler said later; parked_behind: its aggregate had parked ones), then resumed or dead_lettered',
      labelNames: ['group', 'type', 'outcome'],
      registers: [registry],
    }),
    parkedAggregates: new Gauge({
      name: 'shagym_parked_aggregates',
      help: 'Aggregates (topic and key) with parked messages waiting, per consumer group',
      labelNames: ['group'],
      registers: [registry],
    }),
    consumerLag: new Gauge({
      name: 'shagym_consumer_lag',
      help: 'Messages not yet consumed by a consumer group, per topic',
      labelNames: ['group', 'topic'],
      registers: [registry],
    }),
    outboxPending: new Gauge({
      name: 'shagym_outbox_pending',
      help: 'Events stored but not yet published',
      registers: [registry],
    }),
    retentionPruned: new Counter({
      name: 'shagym_retention_pruned_total',
      help: 'Documents deleted by the retention job, per rule (collection)',
      labelNames: ['collection'],
      registers: [registry],
    }),
    retentionLastRun: new Gauge({
      name: 'shagym_retention_last_run_seconds',
      help: 'Unix time of the retention job\'s last finished run (alert when it stops moving)',
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
