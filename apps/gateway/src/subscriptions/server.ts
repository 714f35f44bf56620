import type { Server } from 'node:http';
import { buildSchema, GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Kafka } from 'kafkajs';
import { forbidden, requireIdentity, type Identity, type Logger } from '@shagym/service-kit';
import type { TokenVerifier } from '../auth';
import typeDefs from './schema.graphql';
import { deidentify, organizationOf } from './deidentify';
import type { DirectoryCache } from './directory-cache';
import { decodeCursor, streamComplaintEvents, type Cursor } from './event-source';

export const EVENTS_READ_SCOPE = 'events:read';

type SubscriptionContext = {
  identity: Identity | null;
};

interface Filter {
  types?: string[] | null;
  organizationIds?: string[] | null;
  regions?: string[] | null;
}

/**
 * Who may watch which events: supervisors and scoped agencies everything, analysts everything
 * de-identified, officials their own organization's; complainants follow their cabinet instead.
 */
export function audience(identity: Identity): { deidentified: boolean; onlyOrganization: string | null } {
  if (identity.roles.includes('SUPERVISOR')) return { deidentified: false, onlyOrganization: null };
  if (identity.roles.includes('AGENCY')) {
    if (!identity.scopes?.includes(EVENTS_READ_SCOPE)) throw forbidden(`requires the scope ${EVENTS_READ_SCOPE}`);
    return { deidentified: false, onlyOrganization: null };
  }
  if (identity.roles.includes('ANALYST')) return { deidentified: true, onlyOrganization: null };
  if (identity.roles.some((r) => r === 'HEAD' || r === 'OPERATOR' || r === 'EXECUTOR') && identity.organizationId) {
    return { deidentified: false, onlyOrganization: identity.organizationId };
  }
  throw forbidden('live events are for officials, supervisors, analysts and agencies');
}

export function attachSubscriptions(deps: {
  server: Server;
  kafka: Kafka;
  topicPrefix: string;
  verifyToken: TokenVerifier;
  directory: DirectoryCache;
  logger: Logger;
}): { close(): Promise<void> } {
  const schema = buildSchema(typeDefs);
  // Root fields (graphql-js's default resolvers call them with args and context).
  const roots = {
    query: { subscriptionsHealthy: () => true },
    subscription: {
      complaintEvents: async function* (args: { filter?: Filter | null; after?: string | null }, ctx: SubscriptionContext) {
            const who = audience(requireIdentity(ctx.identity));
            let start: 'latest' | 'beginning' | Cursor = 'latest';
            if (args.after === 'beginning') start = 'beginning';
            else if (args.after) {
              const cursor = decodeCursor(args.after);
              if (!cursor) throw new GraphQLError('after: not a cursor from this stream', { extensions: { code: 'BAD_USER_INPUT', field: 'after' } });
              start = cursor;
            }
            const f = args.filter ?? {};
            for await (const { event, cursor } of streamComplaintEvents(deps.kafka, deps.topicPrefix, start, deps.logger)) {
              const organizationId = organizationOf(event);
              const region = deps.directory.regionOf(organizationId);
              if (who.onlyOrganization && organizationId !== who.onlyOrganization) continue;
              if (f.types?.length && !f.types.includes(event.type)) continue;
              if (f.organizationIds?.length && (!organizationId || !f.organizationIds.includes(organizationId))) continue;
              if (f.regions?.length && (!region || !f.regions.includes(region))) continue;
              yield {
                complaintEvents: {
                  cursor,
                  id: event.id,
                  type: event.type,
                  version: event.version,
                  time: event.time,
                  complaintId: event.subject,
                  organizationId,
                  region,
                  correlationId: event.correlationId,
                  data: JSON.stringify(who.deidentified ? deidentify(event.data) : event.data),
                },
              };
            }
      },
    },
  };
  const wss = new WebSocketServer({ server: deps.server, path: '/subscriptions' });
  const cleanup = useServer<Record<string, unknown>, SubscriptionContext>(
    {
      schema,
      roots,
      context: async (ctx) => {
        const auth = ctx.connectionParams?.authorization;
        return { identity: await deps.verifyToken(typeof auth === 'string' ? auth : undefined) };
      },
    },
    wss,
  );
  return {
    async close() {
      await cleanup.dispose();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}
