import { readFileSync } from 'node:fs';
import { LRUCache } from 'lru-cache';
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { ROLES, unauthenticated, type Identity, type Role } from '@shagym/service-kit';

/**
 * The claims Shagym reads from an access token. A real identity provider (eGov IDP, Keycloak,
 * …) plugs in by issuing these claims — or by a mapping written here — and publishing its
 * keys as JWKS (AUTH_JWKS_URL).
 */
export interface ShagymClaims extends JWTPayload {
  roles?: string[];
  iin?: string;
  bin?: string;
  /** Officials: their organization and directory id. */
  org?: string;
  off?: string;
  /** AGENCY (client credentials): space-separated scopes. */
  scope?: string;
}

export type TokenVerifier = (authorization: string | undefined) => Promise<Identity | null>;

export interface AuthSettings {
  jwksUrl?: string;
  jwksFile?: string;
  issuer: string;
  audience: string;
}

/** How long a verified token is trusted without verifying its signature again (never past its `exp`). */
export const VERIFIED_TOKEN_TTL_MS = 60_000;

/**
 * Verifies the bearer token once, at the edge; null for an anonymous request. A client sends
 * the same token with every request until it expires: a verified token is remembered (bounded,
 * until its `exp`, at most VERIFIED_TOKEN_TTL_MS), so the signature check — an asymmetric
 * verification, the gateway's largest cost per request after the subgraph calls — runs once.
 */
export function createTokenVerifier(settings: AuthSettings): TokenVerifier {
  const verified = new LRUCache<string, Identity>({ max: 10_000, ttl: VERIFIED_TOKEN_TTL_MS });
  const keys = settings.jwksUrl
    ? createRemoteJWKSet(new URL(settings.jwksUrl))
    : settings.jwksFile
      ? createLocalJWKSet(JSON.parse(readFileSync(settings.jwksFile, 'utf8')))
      : null;
  return async (authorization) => {
    if (!authorization) return null;
    const token = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
    if (!token) throw unauthenticated('Authorization must be "Bearer <token>"');
    if (!keys) throw unauthenticated('this gateway has no token keys configured');
    const known = verified.get(token);
    if (known) return known;
    let payload: ShagymClaims;
    try {
      ({ payload } = await jwtVerify<ShagymClaims>(token, keys, { issuer: settings.issuer, audience: settings.audience, algorithms: ['ES256', 'RS256', 'EdDSA'] }));
    } catch (err) {
      throw unauthenticated(`invalid token: ${(err as Error).message}`);
    }
    const identity = toIdentity(payload);
    const ttl = Math.min(VERIFIED_TOKEN_TTL_MS, payload.exp !== undefined ? payload.exp * 1000 - Date.now() : VERIFIED_TOKEN_TTL_MS);
    if (ttl > 0) verified.set(token, identity, { ttl });
    return identity;
  };
}

export function toIdentity(claims: ShagymClaims): Identity {
  if (!claims.sub) throw unauthenticated('token has no subject');
  const roles = (claims.roles ?? []).filter((r): r is Role => (ROLES as readonly string[]).includes(r));
  if (!roles.length) throw unauthenticated('token grants no known role');
  return {
    subject: claims.sub,
    roles,
    ...(claims.iin ? { iin: claims.iin } : {}),
    ...(claims.bin ? { bin: claims.bin } : {}),
    ...(claims.org ? { organizationId: claims.org } : {}),
    ...(claims.off ? { officialId: claims.off } : {}),
    ...(claims.scope ? { scopes: claims.scope.split(' ').filter(Boolean) } : {}),
  };
}
