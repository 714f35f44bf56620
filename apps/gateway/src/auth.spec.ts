import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createTokenVerifier } from './auth';

/** The edge's token check (issue 8): what it accepts, refuses, and remembers. */
describe('createTokenVerifier', () => {
  const issuer = 'https://idp.test';
  const audience = 'shagym';
  let jwksFile: string;
  let sign: (claims: Record<string, unknown>, exp?: number | string) => Promise<string>;

  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
    jwksFile = join(mkdtempSync(join(tmpdir(), 'jwks-')), 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify({ keys: [jwk] }));
    sign = (claims, exp = '10m') =>
      new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer(issuer).setAudience(audience).setSubject('citizen-1').setIssuedAt().setExpirationTime(exp).sign(privateKey);
  });

  it('accepts a valid token, and the same token again, as the same caller', async () => {
    const verify = createTokenVerifier({ jwksFile, issuer, audience });
    const token = await sign({ roles: ['CITIZEN'], iin: '900101300123' });
    const first = await verify(`Bearer ${token}`);
    expect(first).toMatchObject({ subject: 'citizen-1', roles: ['CITIZEN'], iin: '900101300123' });
    expect(await verify(`Bearer ${token}`)).toEqual(first);
  });

  it('refuses a token whose signature does not match, even after a valid one was remembered', async () => {
    const verify = createTokenVerifier({ jwksFile, issuer, audience });
    const token = await sign({ roles: ['CITIZEN'], iin: '900101300123' });
    await verify(`Bearer ${token}`);
    const [h, p] = token.split('.');
    const forged = `${h}.${p}.${'A'.repeat(86)}`;
    await expect(verify(`Bearer ${forged}`)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('refuses an expired token', async () => {
    const verify = createTokenVerifier({ jwksFile, issuer, audience });
    const token = await sign({ roles: ['CITIZEN'] }, Math.floor(Date.now() / 1000) - 60);
    await expect(verify(`Bearer ${token}`)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });
});
