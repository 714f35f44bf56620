import { z } from 'zod';

/** Settings every service reads; a service adds its own with `extra`. */
export const baseConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535),
  /** Bind address; loopback by default, 0.0.0.0 in containers. */
  HOST: z.string().default('127.0.0.1'),
  MONGO_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// URL').default('mongodb://127.0.0.1:27027/'),
  /** Each service owns its own database; the default is shagym_<service>. */
  MONGO_DB: z.string().regex(/^[A-Za-z0-9_-]{1,60}$/).optional(),
  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:19092')
    .transform((s) => s.split(',').map((b) => b.trim()).filter(Boolean)),
  KAFKA_TOPIC_PREFIX: z.string().regex(/^[A-Za-z0-9._-]*$/).default(''),
  /** Consumer group prefix, so that two stacks on one broker do not share offsets. */
  KAFKA_GROUP_PREFIX: z.string().regex(/^[A-Za-z0-9._-]*$/).default(''),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The outbox relay's first wait after a failed send (doubling to 5 s); idle, it waits for an append. */
  RELAY_INTERVAL_MS: z.coerce.number().int().positive().default(100),
  /**
   * Shared by the gateway and the subgraphs to sign the caller's identity. The development
   * default must be replaced in production (checked below).
   */
  IDENTITY_SIGNING_SECRET: z.string().min(16).default('shagym-development-only-secret'),
  /** A file to append every MongoDB command to, one JSON line each (tests: the key-first guard). */
  MONGO_COMMAND_LOG: z.string().optional(),
  /** How often the retention job runs (retention.ts); 0 turns the timer off (`main.js prune` still works). */
  RETENTION_INTERVAL_MS: z.coerce.number().int().min(0).max(2_147_483_647).default(3_600_000),
  /** Its first run after start: late enough not to compete with the start-up loads. */
  RETENTION_FIRST_RUN_MS: z.coerce.number().int().min(0).max(2_147_483_647).default(300_000),
  /** Documents read per cursor batch and deleted per command (at most 500: one `$in` FerretDB answers from its index). */
  RETENTION_BATCH_SIZE: z.coerce.number().int().min(1).max(500).default(500),
  /**
   * Age after which a processed-event id (inbox) or a dead-letter marker goes. Must exceed the
   * longest a message can still be (re)delivered: the topics' retention.ms plus segment.ms (a
   * segment is deleted only when its newest message is past retention) — 7 + 7 days with
   * tools/infra's broker — plus a margin for a dead letter redriven late: 15 days.
   */
  RETENTION_INBOX_HOURS: z.coerce.number().int().min(1).default(360),
});

export type BaseConfig = z.infer<typeof baseConfigSchema> & { SERVICE_NAME: string; MONGO_DB: string };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Validates the environment once into a typed config (Novu style). Fails fast with every
 * bad variable named, never with a half-configured service.
 */
export function loadConfig<E extends z.ZodRawShape = Record<never, never>>(
  service: string,
  env: NodeJS.ProcessEnv,
  defaults: { PORT: number } & Record<string, string | number>,
  extra?: E,
): BaseConfig & z.infer<z.ZodObject<E>> {
  const schema = extra ? baseConfigSchema.extend(extra) : baseConfigSchema;
  const merged: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(defaults)) merged[k] = String(v);
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') merged[k] = v;
  const parsed = schema.safeParse(merged);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration for ${service}:\n${lines.join('\n')}`);
  }
  const cfg = parsed.data as BaseConfig & z.infer<z.ZodObject<E>>;
  if (cfg.NODE_ENV === 'production' && cfg.IDENTITY_SIGNING_SECRET === 'shagym-development-only-secret') {
    throw new ConfigError(`invalid configuration for ${service}:\n  IDENTITY_SIGNING_SECRET: set a secret of your own in production`);
  }
  return { ...cfg, SERVICE_NAME: service, MONGO_DB: cfg.MONGO_DB ?? `shagym_${service}` };
}
