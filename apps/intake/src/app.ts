import { loadConfig, OrganizationProjection, organizationProjectionConsumer, startService, type RunningService } from '@shagym/service-kit';
import typeDefs from './schema.graphql';
import { SubmitComplaint } from './domain/submit-complaint';
import { createResolvers } from './graphql/resolvers';
import { ComplaintRepository } from './store/complaint-repository';
import type { RequestContext } from './context';

export const loadIntakeConfig = (env: NodeJS.ProcessEnv = process.env) => loadConfig('intake', env, { PORT: 4001 });

/** Intake: what the recipient filed (R1, R3–R5). */
export function startIntake(config = loadIntakeConfig()): Promise<RunningService> {
  return startService<typeof config, RequestContext>({
    name: 'intake',
    config,
    typeDefs,
    async setup({ db, eventLog, emit }) {
      const directory = new OrganizationProjection(db);
      const complaints = new ComplaintRepository(eventLog);
      const submit = new SubmitComplaint({
        findAddressee: (id) => directory.find(id),
        findComplaint: (id) => complaints.findById(id),
        emit: (event) => emit(event),
      });
      return {
        resolvers: createResolvers({ complaints, submit }),
        consumers: [organizationProjectionConsumer('intake', directory)],
        models: [directory.model],
        // Ready to take complaints once it knows whom they can be addressed to.
        readiness: async () => ({ directory: (await directory.count()) > 0 }),
      };
    },
  });
}
