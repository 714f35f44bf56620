import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import { CORRELATION_HEADER, runWithContext, sanitizeCorrelationId } from './context';
import type { Logger } from './logger';
import type { Metrics } from './metrics';

export type ReadinessCheck = () => Promise<Record<string, boolean>>;

/** A plain HTTP route of a service (e.g. a document download), matched by path prefix. */
export interface HttpRoute {
  prefix: string;
  handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void>;
}

export interface HttpServerOptions<C extends BaseContext> {
  host: string;
  port: number;
  logger: Logger;
  metrics: Metrics;
  readiness: ReadinessCheck;
  graphql?: { server: ApolloServer<C>; context: (req: IncomingMessage, correlationId: string) => Promise<C> };
  /** Largest request body accepted (bytes); larger ones get 413 before parsing. */
  maxBodyBytes?: number;
  routes?: HttpRoute[];
  /** Decides whether a GraphQL request may proceed (e.g. a rate limit); refusals get a coded error. */
  admit?: (req: IncomingMessage) => Admission;
}

export type Admission = { ok: true } | { ok: false; status: number; code: string; message: string; retryAfterSeconds?: number };

/**
 * One HTTP server per service: /graphql, /health (liveness), /ready (dependencies),
 * /metrics (Prometheus). Every request runs with a correlation id (the client's, if sane).
 */
export async function startHttpServer<C extends BaseContext>(opts: HttpServerOptions<C>): Promise<Server> {
  const maxBody = opts.maxBodyBytes ?? 1_000_000;
  const server = createServer((req, res) => {
    const correlationId = sanitizeCorrelationId(req.headers[CORRELATION_HEADER]) ?? randomUUID();
    res.setHeader(CORRELATION_HEADER, correlationId);
    const started = process.hrtime.bigint();
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      opts.metrics.httpRequests.observe({ route: routeLabel(path), status: String(res.statusCode) }, seconds);
    });
    runWithContext({ correlationId }, () => {
      route(req, res, path, correlationId).catch((err: unknown) => {
        opts.logger.error({ err }, 'request failed');
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error', correlationId });
        else res.end();
      });
    });
  });
  server.keepAliveTimeout = 65_000;

  async function route(req: IncomingMessage, res: ServerResponse, path: string, correlationId: string) {
    if (path === '/health') return sendJson(res, 200, { status: 'ok' });
    if (path === '/ready') {
      const checks = await opts.readiness().catch(() => ({ readiness: false }));
      const ready = Object.values(checks).every(Boolean);
      return sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks });
    }
    if (path === '/metrics') {
      res.setHeader('content-type', opts.metrics.registry.contentType);
      return res.end(await opts.metrics.registry.metrics());
    }
    if (path === '/graphql' && opts.graphql) return handleGraphql(req, res, correlationId);
    const custom = opts.routes?.find((r) => path.startsWith(r.prefix));
    if (custom) return custom.handle(req, res, path);
    return sendJson(res, 404, { error: 'not found' });
  }

  async function handleGraphql(req: IncomingMessage, res: ServerResponse, correlationId: string) {
    const graphql = opts.graphql!;
    const admission = opts.admit?.(req) ?? { ok: true };
    if (!admission.ok) {
      if (admission.retryAfterSeconds) res.setHeader('retry-after', String(admission.retryAfterSeconds));
      return sendJson(res, admission.status, { errors: [{ message: admission.message, extensions: { code: admission.code } }] });
    }
    const raw = await readBody(req, maxBody);
    if (raw === null) return sendJson(res, 413, { errors: [{ message: 'request body too large', extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
    const headers = new HeaderMap();
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
    }
    let body: unknown = raw;
    if (raw.length && (headers.get('content-type') ?? '').includes('json')) {
      try {
        body = JSON.parse(raw);
      } catch {
        return sendJson(res, 400, { errors: [{ message: 'malformed JSON body', extensions: { code: 'BAD_REQUEST' } }] });
      }
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const result = await graphql.server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: (req.method ?? 'GET').toUpperCase(), headers, search: url.search, body },
      context: () => graphql.context(req, correlationId),
    });
    res.statusCode = result.status ?? 200;
    for (const [k, v] of result.headers) res.setHeader(k, v);
    if (result.body.kind === 'complete') return res.end(result.body.string);
    for await (const chunk of result.body.asyncIterator) res.write(chunk);
    res.end();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return server;
}

function routeLabel(path: string): string {
  return ['/graphql', '/health', '/ready', '/metrics'].includes(path) ? path : path.split('/').slice(0, 2).join('/') || 'other';
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

/** Reads the body as text, or null when it exceeds the limit. */
function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
