import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

export const TEST_ISSUER = 'https://auth.shagym.local/dev';
export const TEST_AUDIENCE = 'shagym-gateway';

export interface TokenClaims {
  sub: string;
  roles: string[];
  iin?: string;
  bin?: string;
  org?: string;
  off?: string;
  scope?: string;
}

/**
 * An identity provider for tests: its own ES256 keys, the public JWKS in a file for the
 * gateway (AUTH_JWKS_FILE), and signed tokens as a real provider would issue them.
 */
export async function createTestIssuer() {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const dir = mkdtempSync(join(tmpdir(), 'shagym-jwks-'));
  const jwksFile = join(dir, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'test', alg: 'ES256', use: 'sig' }] }));
  const sign = (claims: TokenClaims, opts: { issuer?: string; audience?: string; expiresIn?: string; key?: typeof privateKey } = {}) => {
    const { sub, ...rest } = claims;
    return new SignJWT({ ...rest })
      .setProtectedHeader({ alg: 'ES256', kid: 'test' })
      .setSubject(sub)
      .setIssuer(opts.issuer ?? TEST_ISSUER)
      .setAudience(opts.audience ?? TEST_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(opts.expiresIn ?? '1h')
      .sign(opts.key ?? privateKey);
  };
  return {
    jwksFile,
    sign,
    /** Authorization header for these claims. */
    async bearer(claims: TokenClaims): Promise<Record<string, string>> {
      return { authorization: `Bearer ${await sign(claims)}` };
    },
  };
}

export type TestIssuer = Awaited<ReturnType<typeof createTestIssuer>>;
