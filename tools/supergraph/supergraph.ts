// Composes the five subgraph schemas offline into the supergraph the gateway starts from
// (supergraph-demo-fed2 style): `npm run supergraph` (compose.mjs) writes
// apps/gateway/supergraph.graphql, and a test fails when the committed file is stale.
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Subgraph names and the URLs baked into the file (the gateway overrides them from env). */
export const SUBGRAPHS = [
  { name: 'intake', port: 4001 },
  { name: 'registry', port: 4002 },
  { name: 'routing', port: 4003 },
  { name: 'deadline', port: 4004 },
  { name: 'notification', port: 4005 },
] as const;

export const supergraphFile = (root: string) => join(root, 'apps', 'gateway', 'supergraph.graphql');

export function composeSupergraph(root: string): string {
  const result = composeServices(
    SUBGRAPHS.map(({ name, port }) => ({
      name,
      url: `http://127.0.0.1:${port}/graphql`,
      typeDefs: parse(readFileSync(join(root, 'apps', name, 'src', 'schema.graphql'), 'utf8')),
    })),
  );
  if (result.errors?.length || !result.supergraphSdl) {
    throw new Error(`composition failed:\n${(result.errors ?? []).map((e) => `  ${e.message}`).join('\n')}`);
  }
  return `${result.supergraphSdl.trimEnd()}\n`;
}
