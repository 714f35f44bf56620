import { GraphQLError } from 'graphql';

/** Stable reasons a routing command is refused, for clients to show in ru/kk/en. */
export type RefusalReason =
  | 'NOT_AN_OFFICIAL'
  | 'NOT_HEAD_OF_ORGANIZATION'
  | 'COMPLAINT_NOT_ROUTED'
  | 'COMPLAINT_CLOSED'
  | 'EXECUTOR_NOT_FOUND'
  | 'EXECUTOR_OF_ANOTHER_ORGANIZATION'
  | 'NOT_AN_EXECUTOR'
  | 'EXECUTOR_ABSENT'
  | 'ORGANIZATION_NOT_FOUND'
  | 'SAME_ORGANIZATION'
  | 'DOES_NOT_ACCEPT_COMPLAINTS'
  | 'NO_ACTING_HEAD'
  | 'NOT_A_SUPERVISOR'
  | 'INVALID_DIRECTORY_DATA'
  | 'ALREADY_OUTSIDE_COMPETENCE'
  | 'REASON_REQUIRED';

const CODES = { FORBIDDEN: 'FORBIDDEN', BAD_USER_INPUT: 'BAD_USER_INPUT', NOT_FOUND: 'NOT_FOUND', CONFLICT: 'CONFLICT' } as const;

/** A refused command: the service-kit codes (FORBIDDEN, BAD_USER_INPUT…) plus a stable `reason`. */
export function refuse(code: keyof typeof CODES, reason: RefusalReason, message: string, field?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: CODES[code], reason, ...(field ? { field, problems: [{ field, message }] } : {}) } });
}
