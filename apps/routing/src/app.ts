import { randomUUID } from 'node:crypto';
import { loadConfig, startService, type RunningService } from '@shagym/service-kit';
import typeDefs from './schema.graphql';
import seed from './seed/directory.json';
import { AssignOnRegistration } from './domain/assignment';
import { seedDirectory, type DirectorySeed } from './domain/seed-directory';
import { complaintConsumer } from './events/complaint-consumer';
import { createResolvers } from './graphql/resolvers';
import { DirectoryRepository } from './store/directory-repository';
import type { RequestContext } from './context';

export const loadRoutingConfig = (env: NodeJS.ProcessEnv = process.env) => loadConfig('routing', env, { PORT: 4003 });

/** Routing: the organizations directory, officials and assignment of executors (R1, R2, R6). */
export function startRouting(config = loadRoutingConfig()): Promise<RunningService> {
  return startService<typeof config, RequestContext>({
    name: 'routing',
    config,
    typeDefs,
    async setup({ db, eventLog, emit, logger }) {
      const directory = new DirectoryRepository(db);
      const assign = new AssignOnRegistration({ officialsOf: (id) => directory.officialsOf(id), emit });
      return {
        resolvers: createResolvers({ directory, log: eventLog }),
        consumers: [complaintConsumer(assign)],
        models: [directory.organizations, directory.officials],
        onStarted: async () => {
          const { published } = await seedDirectory(seed as unknown as DirectorySeed, {
            saveOrganization: (o) => directory.saveOrganization(o),
            saveOfficial: (o) => directory.saveOfficial(o),
            emit,
          }, `seed-${randomUUID()}`);
          logger.info({ organizations: seed.organizations.length, published }, 'directory seed loaded');
        },
      };
    },
  });
}
