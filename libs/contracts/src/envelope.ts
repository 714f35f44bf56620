import { z } from 'zod';

export const SERVICE_NAMES = ['intake', 'registry', 'routing', 'deadline', 'notification', 'gateway'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/**
 * The envelope every event travels in (architecture.md, Events). `data` is validated
 * separately against the schema registered for (type, version).
 */
export const envelopeSchema = z.object({
  id: z.uuid(),
  type: z.string().min(1).max(100),
  version: z.number().int().positive(),
  source: z.enum(SERVICE_NAMES),
  time: z.iso.datetime({ offset: true }),
  /** The aggregate the event is about (complaint id, organization id); also the Kafka key. */
  subject: z.string().min(1).max(200),
  correlationId: z.string().min(1).max(200),
  /** The id of the event that caused this one, if any. */
  causationId: z.string().max(200).optional(),
  data: z.unknown(),
});

export type RawEnvelope = z.infer<typeof envelopeSchema>;
