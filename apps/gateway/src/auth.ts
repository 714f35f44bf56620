import { readFileSync } from 'node:fs';
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

/** Verifies the bearer token once, at the edge; null for an anonymous request. */
export function createTokenVerifier(settings: AuthSettings): TokenVerifier {
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
    try {
      const { payload } = await jwtVerify<ShagymClaims>(token, keys, { issuer: settings.issuer, audience: settings.audience, algorithms: ['ES256', 'RS256', 'EdDSA'] });
      return toIdentity(payload);
    } catch (err) {
      throw unauthenticated(`invalid token: ${(err as Error).message}`);
    }
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
