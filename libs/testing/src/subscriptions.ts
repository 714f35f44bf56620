import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

/**
 * Subscribes over a real WebSocket (graphql-ws) and collects results until `enough` says so
 * or the time is up; returns what arrived and the errors, if any.
 */
export async function collectSubscription<T = any>(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  authorization: string | undefined,
  enough: (items: T[]) => boolean,
  timeoutMs = 60_000,
): Promise<{ items: T[]; errors: Array<{ message: string; extensions?: Record<string, unknown> }> }> {
  const client = createClient({ url, webSocketImpl: WebSocket, connectionParams: authorization ? { authorization } : {}, retryAttempts: 0, lazy: true });
  const items: T[] = [];
  const errors: Array<{ message: string; extensions?: Record<string, unknown> }> = [];
  const iterator = client.iterate<T>({ query, variables });
  const timer = setTimeout(() => void iterator.return?.(), timeoutMs);
  try {
    for await (const result of iterator) {
      if (result.errors) errors.push(...(result.errors as typeof errors));
      if (result.data) items.push(result.data as T);
      if (errors.length || enough(items)) break;
    }
  } catch (err) {
    const list = Array.isArray(err) ? err : [err];
    errors.push(...list.map((e: { message?: string; extensions?: Record<string, unknown> }) => ({ message: e.message ?? String(e), ...(e.extensions ? { extensions: e.extensions } : {}) })));
  } finally {
    clearTimeout(timer);
    await client.dispose();
  }
  return { items, errors };
}
