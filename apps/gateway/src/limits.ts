import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLFormattedError } from 'graphql';
import type { GatewayConfig } from './config';

/** Query depth, cost, aliases, tokens and directives limited (OWASP GraphQL cheat sheet). */
export function armor(config: GatewayConfig) {
  return new ApolloArmor({
    maxDepth: { n: config.LIMIT_MAX_DEPTH },
    costLimit: { maxCost: config.LIMIT_MAX_COST },
    maxAliases: { n: config.LIMIT_MAX_ALIASES },
    maxTokens: { n: config.LIMIT_MAX_TOKENS },
    maxDirectives: { n: 50 },
    // Field suggestions would let a caller map a production schema whose introspection is off.
    blockFieldSuggestion: { enabled: config.NODE_ENV === 'production' },
  }).protect();
}

/** Every refusal by a limit carries a stable code of its own, not only the generic validation one. */
const LIMIT_CODES: Array<[RegExp, string]> = [
  [/^(Syntax Error: )?Query depth limit/, 'QUERY_TOO_DEEP'],
  [/^(Syntax Error: )?Query Cost limit/, 'QUERY_TOO_COSTLY'],
  [/^(Syntax Error: )?Aliases limit/, 'TOO_MANY_ALIASES'],
  [/^(Syntax Error: )?Token limit/, 'TOO_MANY_TOKENS'],
  [/^(Syntax Error: )?Directives limit/, 'TOO_MANY_DIRECTIVES'],
];

export function codeLimitErrors(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const hit = LIMIT_CODES.find(([re]) => re.test(formatted.message));
  return hit ? { ...formatted, extensions: { ...formatted.extensions, code: hit[1] } } : formatted;
}
