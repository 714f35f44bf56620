import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSubgraphFetch } from './gateway';

const subgraphFetch = createSubgraphFetch(5_000);

/** A subgraph that drops the first connection it gets, as a restarted one leaves sockets dead. */
function flakySubgraph(): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((req, res) => {
    hits++;
    if (hits === 1) return req.socket.destroy();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ data: { ok: true } }));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
        hits: () => hits,
        close: () => new Promise((r) => server.close(() => r())),
      }),
    ),
  );
}

describe('subgraph requests across a subgraph restart', () => {
  it('retries a query once when the connection fails', async () => {
    const sub = await flakySubgraph();
    const res = await subgraphFetch(sub.url, { method: 'POST', body: JSON.stringify({ query: 'query { ok }' }) });
    expect(await res.json()).toEqual({ data: { ok: true } });
    expect(sub.hits()).toBe(2);
    await sub.close();
  });

  it('never retries a mutation', async () => {
    const sub = await flakySubgraph();
    await expect(subgraphFetch(sub.url, { method: 'POST', body: JSON.stringify({ query: 'mutation { ok }' }) })).rejects.toThrow();
    expect(sub.hits()).toBe(1);
    await sub.close();
  });

  it('hands back a subgraph answer without a body (204) as a Response, not an exception', async () => {
    const server: Server = createServer((_req, res) => {
      res.statusCode = 204;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const res = await subgraphFetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(204);
    expect(res.ok).toBe(true);
    await new Promise((r) => server.close(r));
  });
});
