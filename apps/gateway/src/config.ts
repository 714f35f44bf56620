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
  });

export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;

export function subgraphUrlOverride(config: GatewayConfig, name: string): string | undefined {
  const key = `${name.toUpperCase()}_URL` as 'INTAKE_URL';
  return config[key];
}
