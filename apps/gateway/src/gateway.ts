import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import type { AddressInfo } from 'node:net';
import { CORRELATION_HEADER, closeServer, createLogger, createMetrics, startHttpServer, type RunningService } from '@shagym/service-kit';
import supergraphSdl from '../supergraph.graphql';
import { subgraphUrlOverride, type GatewayConfig } from './config';

interface GatewayContext {
  correlationId: string;
}

/**
 * The Apollo Gateway over the committed supergraph (composed offline; no live introspection),
 * with subgraph URLs from the environment, the correlation id passed on to every subgraph,
 * and keep-alive connections (Node's fetch pools them).
 */
export async function startGateway(config: GatewayConfig): Promise<RunningService> {
  const logger = createLogger('gateway', config.LOG_LEVEL);
  const metrics = createMetrics('gateway');
  const subgraphUrls = new Map<string, string>();

  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService({ name, url }) {
      const target = subgraphUrlOverride(config, name) ?? url!;
      subgraphUrls.set(name, target);
      return new RemoteGraphQLDataSource<GatewayContext>({
        url: target,
        willSendRequest({ request, context }) {
          if (context.correlationId) request.http?.headers.set(CORRELATION_HEADER, context.correlationId);
        },
      });
    },
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    includeStacktraceInErrorResponses: config.NODE_ENV === 'development',
  });
  await apollo.start();

  const server = await startHttpServer<GatewayContext>({
    host: config.HOST,
    port: config.PORT,
    logger,
    metrics,
    // Ready when every subgraph is: a gateway without its subgraphs can answer nothing whole.
    readiness: async () =>
      Object.fromEntries(
        await Promise.all(
          [...subgraphUrls].map(async ([name, url]) => {
            const ready = await fetch(url.replace(/\/graphql$/, '/ready'), { signal: AbortSignal.timeout(2_000) })
              .then((r) => r.ok)
              .catch(() => false);
            return [name, ready] as const;
          }),
        ),
      ),
    graphql: { server: apollo, context: async (_req, correlationId) => ({ correlationId }) },
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.HOST}:${port}/graphql`;
  logger.info({ url, subgraphs: Object.fromEntries(subgraphUrls) }, 'ready');
  return {
    url,
    port,
    logger,
    async stop() {
      await closeServer(server);
      await apollo.stop();
    },
  };
}
