#!/usr/bin/env node
// Benchmark baseline (b): @apollo/gateway as its documentation sets it up, over the same
// supergraph file, with one addition the subgraphs require: the caller's signed identity
// headers (x-shagym-identity*) are passed through from the client. No JWT, no limits, no
// rate limit, no metrics. Usage: node apollo-default.mjs <supergraph.graphql> <port>
import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

const [file, port] = process.argv.slice(2);
const FORWARD = ['x-shagym-identity', 'x-shagym-identity-signature', 'x-correlation-id'];
const gateway = new ApolloGateway({
  supergraphSdl: readFileSync(file, 'utf8'),
  buildService: ({ url }) =>
    new RemoteGraphQLDataSource({
      url,
      willSendRequest({ request, context }) {
        for (const h of FORWARD) if (typeof context.headers?.[h] === 'string') request.http.headers.set(h, context.headers[h]);
      },
    }),
});
const server = new ApolloServer({ gateway });
const { url } = await startStandaloneServer(server, {
  listen: { host: '127.0.0.1', port: Number(port) },
  context: async ({ req }) => ({ headers: req.headers }),
});
console.log(`apollo-default ready ${url}`);
