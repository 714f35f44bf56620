import { signGrant, verifyGrant, type DocumentGrant } from './document-link';

const secret = 'a-secret-of-sixteen-chars';
const grant: DocumentGrant = { complaintId: 'c-1', kind: 'REGISTRATION_RECEIPT', language: 'kk', expiresAt: 1_000 };

describe('signed document links', () => {
  it('grants exactly what was signed until it expires', () => {
    const token = signGrant(grant, secret);
    expect(verifyGrant(token, secret, 999)).toEqual({ ok: true, grant });
    expect(verifyGrant(token, secret, 1_000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a link signed with another secret or changed by hand', () => {
    const token = signGrant(grant, secret);
    expect(verifyGrant(token, 'another-secret-16-chars', 0)).toEqual({ ok: false, reason: 'bad-signature' });
    const [, sig] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ c: 'c-2', k: 'REGISTRATION_RECEIPT', l: 'kk', e: 1_000 })).toString('base64url');
    expect(verifyGrant(`${forged}.${sig}`, secret, 0)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verifyGrant('garbage', secret, 0)).toEqual({ ok: false, reason: 'malformed' });
  });
});
