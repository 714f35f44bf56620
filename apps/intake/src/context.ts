import type { BaseRequestContext } from '@shagym/service-kit';

/** The GraphQL context of this subgraph's resolvers. */
export type RequestContext = BaseRequestContext;
