import { loadConfig, OrganizationProjection, organizationProjectionConsumer, startService, type RunningService } from '@shagym/service-kit';
import typeDefs from './schema.graphql';
import { RegisterComplaint } from './domain/register-complaint';
import { complaintConsumer } from './events/complaint-consumer';
import { createResolvers } from './graphql/resolvers';
import { CaseRepository } from './store/case-repository';
import { IncomingNumberAllocator } from './store/number-allocator';
import type { RequestContext } from './context';

export const loadRegistryConfig = (env: NodeJS.ProcessEnv = process.env) => loadConfig('registry', env, { PORT: 4002 });

/** Registry: the registry office's journals (R7, R11). */
export function startRegistry(config = loadRegistryConfig()): Promise<RunningService> {
  return startService<typeof config, RequestContext>({
    name: 'registry',
    config,
    typeDefs,
    async setup({ db, eventLog, emit }) {
      const organizations = new OrganizationProjection(db);
      const numbers = new IncomingNumberAllocator(db);
      const cases = new CaseRepository(db, eventLog);
      const register = new RegisterComplaint({
        findOrganization: (id) => organizations.find(id),
        allocate: (org, year, complaintId, now) => numbers.allocate(org, year, complaintId, now),
        emit,
      });
      return {
        resolvers: createResolvers({ cases, numbers }),
        consumers: [complaintConsumer(cases, register), organizationProjectionConsumer('registry', organizations)],
        models: [organizations.model, numbers.model, cases.facts],
      };
    },
  });
}
