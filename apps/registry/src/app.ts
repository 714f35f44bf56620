import { ComplaintAccess, loadConfig, OrganizationProjection, organizationProjectionConsumer, startService, type RunningService } from '@shagym/service-kit';
import typeDefs from './schema.graphql';
import { RegisterComplaint } from './domain/register-complaint';
import { ReplyToComplaint } from './domain/reply-to-complaint';
import { complaintConsumer } from './events/complaint-consumer';
import { createResolvers } from './graphql/resolvers';
import { CaseRepository } from './store/case-repository';
import { REGISTRY_MIGRATIONS } from './store/migrations';
import { Journal } from './store/journal';
import { PolicyRepository } from './store/policy-repository';
import { StatisticsRepository } from './store/statistics-repository';
import type { RequestContext } from './context';

export const loadRegistryConfig = (env: NodeJS.ProcessEnv = process.env) => loadConfig('registry', env, { PORT: 4002 });

/** Registry: the registry office's journals, registration, replies and refusals (R7, R9, R11, R17). */
export function startRegistry(config = loadRegistryConfig()): Promise<RunningService> {
  return startService<typeof config, RequestContext>({
    name: 'registry',
    config,
    typeDefs,
    migrations: REGISTRY_MIGRATIONS,
    async setup({ db, eventLog, emit }) {
      const organizations = new OrganizationProjection(db);
      const journal = new Journal(db);
      const cases = new CaseRepository(db, eventLog);
      const policies = new PolicyRepository(db);
      const stats = new StatisticsRepository(db);
      const access = new ComplaintAccess(db);
      const allocate = journal.allocate.bind(journal);
      const register = new RegisterComplaint({ findOrganization: (id) => organizations.find(id), allocate, emit });
      const reply = new ReplyToComplaint({
        findCase: (id) => cases.find(id),
        holder: (id) => access.holder(id),
        organizationCode: async (id) => (await organizations.find(id))?.code ?? null,
        allocate,
        emit: (event, expectedVersion) => emit(event, { expectedVersion }),
      });
      return {
        resolvers: createResolvers({ access, cases, journal, policies, stats, organizations, register, reply }),
        consumers: [complaintConsumer(cases, policies, stats, register, emit, access), organizationProjectionConsumer('registry', organizations)],
        models: [organizations.model, journal.model, journal.marks, cases.model, policies.model, stats.counters.model, stats.moves, access.model],
      };
    },
  });
}
