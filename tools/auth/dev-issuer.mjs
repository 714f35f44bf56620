#!/usr/bin/env node
// The development token issuer: an ES256 key pair kept in .data/auth (made once), its public
// JWKS for the gateway (AUTH_JWKS_FILE), and tokens for seeded users.
//   npm run token -- citizen 900101300017
//   npm run token -- head off-aktau-head org-psc-aktau
//   npm run token -- agency stat-gov "complaints:read events:read"
// A real identity provider replaces this: point AUTH_JWKS_URL, AUTH_ISSUER, AUTH_AUDIENCE at it.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose';

const root = join(import.meta.dirname, '..', '..');
export const DEV_ISSUER = 'https://auth.shagym.local/dev';
export const DEV_AUDIENCE = 'shagym-gateway';

export function authDir(dataDir = process.env.INFRA_DATA_DIR ?? join(root, '.data')) {
  return join(dataDir, 'auth');
}

/** Creates the key pair once; returns the path of the public JWKS. */
export async function ensureDevKeys(dir = authDir()) {
  const jwksFile = join(dir, 'jwks.json');
  const privateFile = join(dir, 'private.jwk.json');
  if (!existsSync(privateFile)) {
    mkdirSync(dir, { recursive: true });
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const kid = `dev-${Date.now()}`;
    writeFileSync(privateFile, JSON.stringify({ ...(await exportJWK(privateKey)), kid, alg: 'ES256' }), { mode: 0o600 });
    writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] }));
  }
  return { jwksFile, privateFile };
}

export async function issueToken(claims, { dir = authDir(), ttl = '8h' } = {}) {
  const { privateFile } = await ensureDevKeys(dir);
  const jwk = JSON.parse(readFileSync(privateFile, 'utf8'));
  const key = await importJWK(jwk, 'ES256');
  const { sub, ...rest } = claims;
  return new SignJWT(rest).setProtectedHeader({ alg: 'ES256', kid: jwk.kid }).setSubject(sub).setIssuer(DEV_ISSUER).setAudience(DEV_AUDIENCE).setIssuedAt().setExpirationTime(ttl).sign(key);
}

const PRESETS = {
  citizen: (iin) => ({ sub: `citizen-${iin}`, roles: ['CITIZEN'], iin }),
  company: (bin) => ({ sub: `company-${bin}`, roles: ['COMPANY'], bin }),
  operator: (off, org) => ({ sub: off, roles: ['OPERATOR'], off, org }),
  head: (off, org) => ({ sub: off, roles: ['HEAD'], off, org }),
  executor: (off, org) => ({ sub: off, roles: ['EXECUTOR'], off, org }),
  supervisor: (off, org) => ({ sub: off, roles: ['SUPERVISOR'], off, org }),
  agency: (client, scope) => ({ sub: client, roles: ['AGENCY'], scope }),
  analyst: (sub) => ({ sub, roles: ['ANALYST'] }),
};

if (process.argv[1] === import.meta.filename) {
  const [kind, a, b] = process.argv.slice(2);
  const preset = PRESETS[kind];
  if (!preset || !a) {
    console.error(`usage: npm run token -- <${Object.keys(PRESETS).join('|')}> <iin|bin|officialId|client> [organizationId|scopes]`);
    process.exit(2);
  }
  console.log(await issueToken(preset(a, b)));
}
