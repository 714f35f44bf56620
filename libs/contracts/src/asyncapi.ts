import { z } from 'zod';
import { EVENT_CATALOG, type EventType } from './catalog';
import { envelopeSchema } from './envelope';
import { TOPICS, TOPIC_PARTITIONS, type TopicId } from './topics';

/**
 * The event contract published for other agencies and analytics: an AsyncAPI 3.0 document
 * generated from the same zod schemas the consumers validate with — never written twice.
 */
export function asyncApiDocument(): Record<string, unknown> {
  const types = Object.keys(EVENT_CATALOG) as EventType[];
  const messageName = (t: string) => t.replace(/[^a-zA-Z0-9]+(.)/g, (_m, c: string) => c.toUpperCase());
  const envelope = z.toJSONSchema(envelopeSchema.omit({ data: true }), { io: 'input' }) as Record<string, unknown>;
  const messages = Object.fromEntries(
    types.map((type) => {
      const entry = EVENT_CATALOG[type];
      return [
        messageName(type),
        {
          name: type,
          title: type,
          summary: entry.summary,
          contentType: 'application/json',
          headers: {
            type: 'object',
            properties: { 'event-type': { type: 'string', const: type }, 'event-id': { type: 'string' }, 'x-correlation-id': { type: 'string' } },
          },
          payload: {
            allOf: [
              envelope,
              {
                type: 'object',
                required: ['type', 'version', 'data'],
                properties: {
                  type: { const: type },
                  version: { const: entry.version },
                  source: { const: entry.producer },
                  data: z.toJSONSchema(entry.schema, { io: 'input', unrepresentable: 'any' }),
                },
              },
            ],
          },
          'x-producer': entry.producer,
          'x-version': entry.version,
        },
      ];
    }),
  );
  const AGGREGATE_OF_TOPIC: Record<TopicId, string> = { complaints: 'complaint', directory: 'organization or official', calendar: 'calendar-kz', deadLetter: '-' };
  const channels = Object.fromEntries(
    (Object.keys(TOPICS) as TopicId[]).map((id) => [
      id,
      {
        address: TOPICS[id],
        description:
          id === 'deadLetter'
            ? 'Messages a consumer could not process, with the reason and the original message.'
            : `Keyed by the aggregate id (${AGGREGATE_OF_TOPIC[id]}): one aggregate's events keep their order. ${TOPIC_PARTITIONS[id]} partitions.`,
        messages: Object.fromEntries(
          types.filter((t) => EVENT_CATALOG[t].topic === id).map((t) => [messageName(t), { $ref: `#/components/messages/${messageName(t)}` }]),
        ),
      },
    ]),
  );
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Shagym complaint events',
      version: '1.0.0',
      description:
        'Events of the complaints platform for public services of Kazakhstan (rules R1–R18). Delivery is at least once: consumers must drop duplicates by event id. Topics may carry a deployment prefix.',
    },
    defaultContentType: 'application/json',
    servers: { kafka: { host: 'kafka:9092', protocol: 'kafka', description: 'The deployment’s Kafka cluster' } },
    channels,
    operations: Object.fromEntries(
      Object.keys(channels)
        .filter((c) => c !== 'deadLetter')
        .map((c) => [`receive_${c}`, { action: 'receive', channel: { $ref: `#/channels/${c}` } }]),
    ),
    components: { messages },
  };
}
