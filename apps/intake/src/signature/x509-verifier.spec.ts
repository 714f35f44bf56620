import { sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalContent, signerMatches } from '../domain/signature';
import { X509SignatureVerifier } from './x509-verifier';

const pki = (f: string) => readFileSync(join(__dirname, 'test-pki', f), 'utf8');
const content = canonicalContent({
  complainant: { kind: 'INDIVIDUAL', iin: '900101300017', surname: 'Серикова', givenName: 'Айгерим', postalAddress: 'Актау' },
  addresseeOrganizationId: 'org-psc-aktau',
  subject: 'Тема',
  text: 'Текст',
  language: 'ru',
});
// The test certificates were issued on 2026-11-30 for ten years.
const now = new Date('2027-06-01T00:00:00Z');
const verifier = new X509SignatureVerifier([pki('ca.pem')]);

describe('electronic signature (R5) with test certificates', () => {
  it('accepts an Ed25519 signature by the certificate holder and names the signer’s ИИН', async () => {
    const signatureBase64 = sign(null, content, pki('citizen.key')).toString('base64');
    const result = await verifier.verify(content, { algorithm: 'ED25519', certificatePem: pki('citizen.pem'), signatureBase64 }, now);
    expect(result).toMatchObject({ ok: true, signerId: '900101300017', algorithm: 'ED25519' });
  });

  it('accepts an ECDSA P-256 signature of a company (БИН)', async () => {
    const signatureBase64 = sign('sha256', content, pki('company.key')).toString('base64');
    const result = await verifier.verify(content, { algorithm: 'ECDSA_P256_SHA256', certificatePem: pki('company.pem'), signatureBase64 }, now);
    expect(result).toMatchObject({ ok: true, signerId: '980440001232' });
  });

  it('refuses a changed content, a foreign CA, a mismatched algorithm and garbage', async () => {
    const signatureBase64 = sign(null, content, pki('citizen.key')).toString('base64');
    const tampered = Buffer.concat([content, Buffer.from(' ')]);
    expect(await verifier.verify(tampered, { algorithm: 'ED25519', certificatePem: pki('citizen.pem'), signatureBase64 }, now)).toMatchObject({ ok: false, reason: expect.stringMatching(/does not match the complaint/) });
    const rogueSig = sign(null, content, pki('rogue.key')).toString('base64');
    expect(await verifier.verify(content, { algorithm: 'ED25519', certificatePem: pki('rogue.pem'), signatureBase64: rogueSig }, now)).toMatchObject({ ok: false, reason: expect.stringMatching(/trusted/) });
    expect(await verifier.verify(content, { algorithm: 'ECDSA_P256_SHA256', certificatePem: pki('citizen.pem'), signatureBase64 }, now)).toMatchObject({ ok: false, reason: expect.stringMatching(/does not match ECDSA/) });
    expect(await verifier.verify(content, { algorithm: 'ED25519', certificatePem: 'not a pem', signatureBase64 }, now)).toMatchObject({ ok: false, reason: expect.stringMatching(/X\.509/) });
    expect(await verifier.verify(content, { algorithm: 'ED25519', certificatePem: pki('citizen.pem'), signatureBase64 }, new Date('2045-01-01'))).toMatchObject({ ok: false, reason: expect.stringMatching(/not valid/) });
  });

  it('checks the signer is the complainant', () => {
    expect(signerMatches('900101300017', { kind: 'INDIVIDUAL', iin: '900101300017', surname: 'a', givenName: 'b', postalAddress: 'c' })).toBe(true);
    expect(signerMatches('900101300017', { kind: 'LEGAL_ENTITY', bin: '980440001232', name: 'a', postalAddress: 'c', outgoingNumber: '1', outgoingDate: '2026-01-01' })).toBe(false);
  });
});
