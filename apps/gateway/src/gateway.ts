import { Agent, request, type Dispatcher } from 'undici';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { createHash } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { AddressInfo } from 'node:net';
import type { ServerResponse } from 'node:http';
import {
  CORRELATION_HEADER,
  IDENTITY_HEADER,
  IDENTITY_SIGNATURE_HEADER,
  closeServer,
  createKafka,
  createLogger,
  createMetrics,
  identityHeaders,
  operationMetrics,
  startHttpServer,
  type Identity,
  type RunningService,
} from '@shagym/service-kit';
import { asyncApiDocument } from '@shagym/contracts';
import supergraphSdl from '../supergraph.graphql';
import { createTokenVerifier } from './auth';
import { subgraphUrlOverride, type GatewayConfig } from './config';
import { armor, codeLimitErrors } from './limits';
import { RateLimiter } from './rate-limit';
import { DirectoryCache } from './subscriptions/directory-cache';
import { attachSubscriptions } from './subscriptions/server';

/**
 * A subgraph that refuses a request outright (HTTP 400, e.g. a variable its scalar rejects)
 * answers with coded GraphQL errors; the default data source would hide them behind a generic
 * "400: Bad Request". Pass the subgraph's first error on, code and field included.
 */
class CodedErrorsDataSource<C extends Record<string, unknown>> extends RemoteGraphQLDataSource<C> {
  override async errorFromResponse(response: Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0]): Promise<GraphQLError> {
    const body = (await this.parseBody(response).catch(() => null)) as { errors?: Array<{ message?: string; extensions?: Record<string, unknown> }> } | null;
    const first = body && typeof body === 'object' ? body.errors?.[0] : undefined;
    if (first?.extensions?.code && typeof first.message === 'string') {
      const { stacktrace: _s, ...extensions } = first.extensions;
      return new GraphQLError(first.message, { extensions });
    }
    return super.errorFromResponse(response);
  }
}

/**
 * One subgraph request with undici's `request` rather than `fetch`: the WHATWG fetch (web
 * streams, Request/Response objects) was the gateway's largest cost per query in the bench's
 * CPU profile; the answer is read whole (a subgraph's JSON) and handed back as a Response.
 */
async function post(agent: Dispatcher, url: string, init: RequestInit): Promise<Response> {
  const res = await request(url, {
    method: (init.method ?? 'POST') as Dispatcher.HttpMethod,
    headers: init.headers as Record<string, string> | undefined,
    body: typeof init.body === 'string' ? init.body : undefined,
    signal: init.signal ?? undefined,
    dispatcher: agent,
  });
  const body = await res.body.text();
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, one);
  }
  // A null-body status (204, 304, …) may not carry a body in a Response, even an empty one.
  const nullBody = res.statusCode === 204 || res.statusCode === 205 || res.statusCode === 304;
  return new Response(nullBody ? null : body, { status: res.statusCode, headers });
}

/**
 * Subgraph requests over pooled keep-alive connections: a subgraph that restarted leaves dead
 * sockets behind, and the first request on one fails before it is processed ("socket hang
 * up", ECONNRESET). Queries are retried once on such a connection failure; mutations never
 * are, since a failure after sending cannot prove they were not applied.
 */
export function createSubgraphFetch(timeoutMs: number): (input: string | URL, init?: RequestInit) => Promise<Response> {
  // Keep-alive connections to the subgraphs, shared by every request; a subgraph that does
  // not answer within timeoutMs fails the request (SUBGRAPH_TIMEOUT_MS).
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 128, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  return (input, init = {}) => fetchWithOneRetry(agent, String(input), init);
}

async function fetchWithOneRetry(agent: Dispatcher, url: string, init: RequestInit): Promise<Response> {
  try {
    return await post(agent, url, init);
  } catch (err) {
    const body = typeof init.body === 'string' ? init.body : '';
    const isMutation = /"query"\s*:\s*"\s*mutation\b/.test(body);
    const connectionFailure = /ECONNRESET|socket hang up|other side closed|ECONNREFUSED|fetch failed|UND_ERR_SOCKET/i.test(
      `${(err as Error).message} ${(err as { code?: string }).code ?? ''} ${String((err as { cause?: unknown }).cause ?? '')}`,
    );
    if (isMutation || !connectionFailure) throw err;
    return post(agent, url, init);
  }
}

interface GatewayContext extends Record<string, unknown> {
  correlationId: string;
  identity: Identity | null;
}

/**
 * The Apollo Gateway over the committed supergraph (composed offline; no live introspection).
 * Authenticates once (JWT), passes the verified caller to every subgraph in signed headers
 * (never the client's own), limits abuse, and carries the correlation id through.
 */
export async function startGateway(config: GatewayConfig): Promise<RunningService> {
  const logger = createLogger('gateway', config.LOG_LEVEL);
  const metrics = createMetrics('gateway');
  const subgraphUrls = new Map<string, string>();
  const verifyToken = createTokenVerifier({
    ...(config.AUTH_JWKS_URL ? { jwksUrl: config.AUTH_JWKS_URL } : {}),
    ...(config.AUTH_JWKS_FILE ? { jwksFile: config.AUTH_JWKS_FILE } : {}),
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
  });
  const production = config.NODE_ENV === 'production';

  const subgraphFetch = createSubgraphFetch(config.SUBGRAPH_TIMEOUT_MS);
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService({ name, url }) {
      const target = subgraphUrlOverride(config, name) ?? url!;
      subgraphUrls.set(name, target);
      return new CodedErrorsDataSource<GatewayContext>({
        url: target,
        fetcher: subgraphFetch as never,
        willSendRequest({ request, context }) {
          const headers = request.http?.headers;
          if (!headers) return;
          if (context.correlationId) headers.set(CORRELATION_HEADER, context.correlationId);
          // Only the gateway speaks for the caller: drop anything else, then sign who it is.
          headers.delete(IDENTITY_HEADER);
          headers.delete(IDENTITY_SIGNATURE_HEADER);
          if (context.identity) {
            for (const [k, v] of Object.entries(identityHeaders(context.identity, config.IDENTITY_SIGNING_SECRET))) headers.set(k, v);
          }
        },
      });
    },
  });
  const protection = armor(config);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: !production,
    includeStacktraceInErrorResponses: config.NODE_ENV === 'development',
    allowBatchedHttpRequests: false,
    validationRules: protection.validationRules,
    plugins: [...protection.plugins, operationMetrics<GatewayContext>(metrics, logger), ...(production ? [ApolloServerPluginLandingPageDisabled()] : [])],
    formatError: (formatted) => codeLimitErrors(formatted),
    // Automatic persisted queries are on (Apollo Server's default in-memory cache).
  });
  await apollo.start();

  const asyncApi = JSON.stringify(asyncApiDocument(), null, 2);
  let subscriptions: ReturnType<typeof attachSubscriptions> | null = null;
  const limiter = new RateLimiter(config.RATE_LIMIT_PER_MINUTE, config.RATE_LIMIT_BURST);
  /** Passes a non-GraphQL request to a subgraph's own route and its answer back (502 when it is unreachable). */
  const proxyTo = async (res: ServerResponse, subgraph: string, path: string, init: RequestInit): Promise<void> => {
    const target = subgraphUrls.get(subgraph)?.replace(/\/graphql$/, path);
    const upstream = target ? await fetch(target, { ...init, signal: AbortSignal.timeout(config.SUBGRAPH_TIMEOUT_MS) }).catch(() => null) : null;
    if (!upstream) {
      res.statusCode = 502;
      return void res.end();
    }
    res.statusCode = upstream.status;
    for (const h of ['content-type', 'content-disposition', 'content-length', 'cache-control']) {
      const v = upstream.headers.get(h);
      if (v) res.setHeader(h, v);
    }
    res.end(Buffer.from(await upstream.arrayBuffer()));
  };
  const server = await startHttpServer<GatewayContext>({
    host: config.HOST,
    port: config.PORT,
    logger,
    metrics,
    maxBodyBytes: config.LIMIT_MAX_BODY_BYTES,
    routes: [
      {
        // The event contract for other agencies, generated from the contracts library.
        prefix: '/asyncapi.json',
        handle: async (_req, res) => {
          res.setHeader('content-type', 'application/json; charset=utf-8');
          res.end(asyncApi);
        },
      },
      {
        // Attachment uploads go to intake with the caller verified here, like GraphQL requests.
        prefix: '/attachments/',
        handle: async (req, res, path) => {
          let identity: Identity | null;
          try {
            identity = await verifyToken(req.headers.authorization);
          } catch {
            res.statusCode = 401;
            return void res.end(JSON.stringify({ error: 'invalid token', code: 'UNAUTHENTICATED' }));
          }
          const chunks: Buffer[] = [];
          for await (const c of req) chunks.push(c as Buffer);
          await proxyTo(res, 'intake', path, {
            method: req.method ?? 'PUT',
            headers: { 'content-type': req.headers['content-type'] ?? 'application/octet-stream', ...(identity ? identityHeaders(identity, config.IDENTITY_SIGNING_SECRET) : {}) },
            body: Buffer.concat(chunks),
          });
        },
      },
      {
        // Signed document links (receipt, reply letter) are served by notification; the
        // gateway is the one public origin, so it passes them through unchanged.
        prefix: '/documents/',
        handle: async (_req, res, path) => proxyTo(res, 'notification', path, {}),
      },
    ],
    admit: (req) => {
      const auth = req.headers.authorization;
      const client = auth ? createHash('sha256').update(auth).digest('base64url') : (req.socket.remoteAddress ?? 'unknown');
      const wait = limiter.take(client);
      return wait === 0 ? { ok: true } : { ok: false, status: 429, code: 'RATE_LIMITED', message: `too many requests; retry in ${wait} s`, retryAfterSeconds: wait };
    },
    // Ready when every subgraph is (a gateway without its subgraphs can answer nothing
    // whole) and the live-events endpoint is attached.
    readiness: async () => ({
      subscriptions: subscriptions !== null,
      ...Object.fromEntries(
        await Promise.all(
          [...subgraphUrls].map(async ([name, url]) => {
            const ready = await fetch(url.replace(/\/graphql$/, '/ready'), { signal: AbortSignal.timeout(2_000) })
              .then((r) => r.ok)
              .catch(() => false);
            return [name, ready] as const;
          }),
        ),
      ),
    }),
    graphql: {
      server: apollo,
      context: async (req, correlationId) => ({ correlationId, identity: await verifyToken(req.headers.authorization) }),
    },
  });
  // Live complaint events over graphql-ws, fed from Kafka (issue 8).
  const kafka = createKafka('shagym-gateway', config.KAFKA_BROKERS, logger);
  const directory = new DirectoryCache(kafka, config.KAFKA_TOPIC_PREFIX);
  await directory.start();
  subscriptions = attachSubscriptions({ server, kafka, topicPrefix: config.KAFKA_TOPIC_PREFIX, verifyToken, directory, logger });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.HOST}:${port}/graphql`;
  logger.info({ url, subgraphs: Object.fromEntries(subgraphUrls) }, 'ready');
  return {
    url,
    port,
    logger,
    async stop() {
      await subscriptions?.close();
      await closeServer(server);
      await apollo.stop();
      await directory.stop();
    },
  };
}
