import type { RunningService } from '@shagym/service-kit';
import type { IsolatedEnv } from './env';

/**
 * Starts one service inside the test process against the real infrastructure, in the test's
 * isolated topics and database, on an ephemeral port. With MONGO_COMMAND_LOG set in the test
 * process (or in `extra`), the service records its MongoDB commands there (key-first guard,
 * tools/checks/key-first.ts; `flushCommandLogs()` before reading the file).
 */
export async function startInProcess(
  iso: IsolatedEnv,
  service: string,
  start: (env: NodeJS.ProcessEnv) => Promise<RunningService>,
  extra: Record<string, string> = {},
): Promise<RunningService> {
  const commandLog = process.env.MONGO_COMMAND_LOG ? { MONGO_COMMAND_LOG: process.env.MONGO_COMMAND_LOG } : {};
  return start({ ...iso.env, PORT: '0', MONGO_DB: iso.dbName(service), RELAY_INTERVAL_MS: '50', ...commandLog, ...extra });
}

/** Asks a subgraph for entities by key, as the gateway does (`_entities`). */
export function entitiesQuery(typename: string, selection: string): string {
  return `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on ${typename} { ${selection} } } }`;
}
