import { GraphQLError } from 'graphql';

/** Stable `extensions.code` values clients can rely on. */
export const ERROR_CODES = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  FORBIDDEN: 'FORBIDDEN',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
} as const;

export interface FieldProblem {
  /** Path of the input field at fault, e.g. `input.complainant.iin`. */
  field: string;
  message: string;
}

/** A bad-input error naming the field(s) at fault: extensions { code, field, problems }. */
export function badUserInput(problems: FieldProblem[] | FieldProblem): GraphQLError {
  const list = Array.isArray(problems) ? problems : [problems];
  const first = list[0] ?? { field: 'input', message: 'invalid input' };
  return new GraphQLError(`${first.field}: ${first.message}`, {
    extensions: { code: ERROR_CODES.BAD_USER_INPUT, field: first.field, problems: list },
  });
}

export function notFound(what: string, id: string): GraphQLError {
  return new GraphQLError(`${what} ${id} not found`, { extensions: { code: ERROR_CODES.NOT_FOUND } });
}

export function conflict(message: string, field?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ERROR_CODES.CONFLICT, ...(field ? { field } : {}) } });
}

/**
 * A consumer error that retrying cannot fix (the event is valid but cannot be applied):
 * the message goes to the dead-letter topic at once.
 */
export class PermanentError extends Error {
  override name = 'PermanentError';
}

/**
 * A fact the handler needs has not arrived yet (e.g. a directory event on another topic):
 * the message is parked and retried with backoff for up to `retryForMs`, then dead-lettered;
 * the partition moves on meanwhile, and later messages of the same key wait behind it
 * (parked-messages.ts).
 */
export class RetryLaterError extends Error {
  override name = 'RetryLaterError';
  constructor(
    message: string,
    readonly retryForMs = 5 * 60_000,
  ) {
    super(message);
  }
}

/** True for errors from an unreachable database or broker: retry, never dead-letter. */
export function isInfrastructureError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return /Mongo(Network|ServerSelection|NotConnected|PoolClosed)|MongooseServerSelection|KafkaJS(Connection|NumberOfRetriesExceeded|Timeout)/.test(
    err.name,
  ) || /ECONNREFUSED|ECONNRESET|EPIPE|connection .* closed|Client must be connected/i.test(err.message);
}
