import { loadConfig, startService, type RunningService } from '@shagym/service-kit';
import typeDefs from './schema.graphql';
import { complaintConsumer } from './events/complaint-consumer';
import { createResolvers } from './graphql/resolvers';
import { TimelineRepository } from './store/timeline-repository';
import type { RequestContext } from './context';

export const loadNotificationConfig = (env: NodeJS.ProcessEnv = process.env) => loadConfig('notification', env, { PORT: 4005 });

/** Notification: the personal-cabinet timeline (R11). */
export function startNotification(config = loadNotificationConfig()): Promise<RunningService> {
  return startService<typeof config, RequestContext>({
    name: 'notification',
    config,
    typeDefs,
    async setup({ db }) {
      const timeline = new TimelineRepository(db);
      return {
        resolvers: createResolvers({ timeline }),
        consumers: [complaintConsumer(timeline)],
        models: [timeline.model],
      };
    },
  });
}
