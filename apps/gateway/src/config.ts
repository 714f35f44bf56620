import { z } from 'zod';
import { loadConfig } from '@shagym/service-kit';

const url = z.url({ protocol: /^https?$/ });

/** The gateway's settings; subgraph URLs override those composed into the supergraph file. */
export const loadGatewayConfig = (env: NodeJS.ProcessEnv = process.env) =>
  loadConfig('gateway', env, { PORT: 4000 }, {
    INTAKE_URL: url.optional(),
    REGISTRY_URL: url.optional(),
    ROUTING_URL: url.optional(),
    DEADLINE_URL: url.optional(),
    NOTIFICATION_URL: url.optional(),
    /** Timeout for one subgraph fetch. */
    SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
    /** Where the identity provider publishes its keys: a JWKS URL, or a file (the dev issuer's). */
    AUTH_JWKS_URL: url.optional(),
    AUTH_JWKS_FILE: z.string().optional(),
    AUTH_ISSUER: z.string().default('https://auth.shagym.local/dev'),
    AUTH_AUDIENCE: z.string().default('shagym-gateway'),
    /** Limits (OWASP GraphQL cheat sheet). */
    LIMIT_MAX_DEPTH: z.coerce.number().int().positive().default(10),
    LIMIT_MAX_COST: z.coerce.number().int().positive().default(5000),
    LIMIT_MAX_ALIASES: z.coerce.number().int().positive().default(15),
    LIMIT_MAX_TOKENS: z.coerce.number().int().positive().default(2000),
    LIMIT_MAX_BODY_BYTES: z.coerce.number().int().positive().default(256 * 1024),
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(600),
    RATE_LIMIT_BURST: z.coerce.number().int().positive().default(100),
  });

export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;

export function subgraphUrlOverride(config: GatewayConfig, name: string): string | undefined {
  const key = `${name.toUpperCase()}_URL` as 'INTAKE_URL';
  return config[key];
}
