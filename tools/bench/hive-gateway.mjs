#!/usr/bin/env node
// Benchmark comparison (d): Hive Gateway (@graphql-hive/gateway) with its defaults over the
// same supergraph file; like (b) it passes the caller's signed identity headers through.
// Usage: node hive-gateway.mjs <supergraph.graphql> <port>
import { createServer } from 'node:http';
import { createGatewayRuntime } from '@graphql-hive/gateway';

const [file, port] = process.argv.slice(2);
const FORWARD = ['x-shagym-identity', 'x-shagym-identity-signature', 'x-correlation-id'];
const gateway = createGatewayRuntime({
  supergraph: file,
  logging: 'error',
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) => Object.fromEntries(FORWARD.map((h) => [h, request.headers.get(h)]).filter(([, v]) => v)),
  },
});
createServer(gateway).listen(Number(port), '127.0.0.1', () => console.log(`hive-gateway ready http://127.0.0.1:${port}/graphql`));
