import { loadConfig, OrganizationProjection, organizationProjectionConsumer, startService, type RunningService } from '@shagym/service-kit';
import typeDefs from './schema.graphql';
import { SetDeadlineOnRegistration } from './domain/deadline';
import { weekendsOnlyCalendar } from './domain/working-days';
import { complaintConsumer } from './events/complaint-consumer';
import { createResolvers } from './graphql/resolvers';
import type { RequestContext } from './context';

export const loadDeadlineConfig = (env: NodeJS.ProcessEnv = process.env) => loadConfig('deadline', env, { PORT: 4004 });

/** Deadline: review terms in working days (R8, R13, R16). */
export function startDeadline(config = loadDeadlineConfig()): Promise<RunningService> {
  return startService<typeof config, RequestContext>({
    name: 'deadline',
    config,
    typeDefs,
    async setup({ db, eventLog, emit }) {
      const organizations = new OrganizationProjection(db);
      const calendar = weekendsOnlyCalendar;
      const setDeadline = new SetDeadlineOnRegistration({ findOrganization: (id) => organizations.find(id), emit }, calendar);
      return {
        resolvers: createResolvers({ log: eventLog, calendar }),
        consumers: [complaintConsumer(setDeadline), organizationProjectionConsumer('deadline', organizations)],
        models: [organizations.model],
      };
    },
  });
}
