import { createHmac, timingSafeEqual } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { ERROR_CODES } from './errors';

/** The roles of the system (issue 8 issues tokens for them at the gateway). */
export const ROLES = ['CITIZEN', 'COMPANY', 'OPERATOR', 'HEAD', 'EXECUTOR', 'SUPERVISOR', 'AGENCY', 'ANALYST'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, as the gateway verified it. */
export interface Identity {
  /** Stable subject: a user id, or an agency's client id. */
  subject: string;
  roles: Role[];
  /** CITIZEN: the person's ИИН. */
  iin?: string;
  /** COMPANY: the company's БИН. */
  bin?: string;
  /** Officials (OPERATOR, HEAD, EXECUTOR, SUPERVISOR): their organization and directory id. */
  organizationId?: string;
  officialId?: string;
  /** AGENCY: what the client may read. */
  scopes?: string[];
}

/**
 * The gateway passes the verified identity to subgraphs in these headers (and strips any a
 * client sends). The HMAC signature lets every subgraph check it was the gateway that set
 * them, so authorization holds even for a request sent straight to a subgraph.
 */
export const IDENTITY_HEADER = 'x-shagym-identity';
export const IDENTITY_SIGNATURE_HEADER = 'x-shagym-identity-signature';

function sign(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

export function identityHeaders(identity: Identity, secret: string): Record<string, string> {
  const payload = Buffer.from(JSON.stringify(identity), 'utf8').toString('base64url');
  return { [IDENTITY_HEADER]: payload, [IDENTITY_SIGNATURE_HEADER]: sign(payload, secret) };
}

/** Reads the identity from request headers; null when absent, an error when forged. */
export function identityFromHeaders(headers: Record<string, string | string[] | undefined>, secret: string): Identity | null {
  const payload = headers[IDENTITY_HEADER];
  const signature = headers[IDENTITY_SIGNATURE_HEADER];
  if (payload === undefined && signature === undefined) return null;
  if (typeof payload !== 'string' || typeof signature !== 'string') throw unauthenticated('malformed identity headers');
  const expected = Buffer.from(sign(payload, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw unauthenticated('identity signature does not match');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw unauthenticated('identity is not JSON');
  }
  const id = parsed as Identity;
  if (typeof id?.subject !== 'string' || !Array.isArray(id.roles) || !id.roles.every((r) => (ROLES as readonly string[]).includes(r))) {
    throw unauthenticated('identity has no subject or unknown roles');
  }
  return id;
}

export function unauthenticated(message = 'sign in required'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ERROR_CODES.UNAUTHENTICATED, http: { status: 401 } } });
}

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ERROR_CODES.FORBIDDEN } });
}

/** The caller's identity, or UNAUTHENTICATED. */
export function requireIdentity(identity: Identity | null): Identity {
  if (!identity) throw unauthenticated();
  return identity;
}

/** The caller, holding at least one of the roles, or FORBIDDEN. */
export function requireRole(identity: Identity | null, ...roles: Role[]): Identity {
  const id = requireIdentity(identity);
  if (!roles.some((r) => id.roles.includes(r))) throw forbidden(`requires one of the roles ${roles.join(', ')}`);
  return id;
}
