import type { Complainant, Language } from '@shagym/contracts';

export const SIGNATURE_ALGORITHMS = ['ED25519', 'ECDSA_P256_SHA256'] as const;
export type SignatureAlgorithm = (typeof SIGNATURE_ALGORITHMS)[number];

/** An electronic signature as the portal sends it (R5). */
export interface SignatureSubmission {
  algorithm: SignatureAlgorithm;
  /** The signer's certificate, PEM. */
  certificatePem: string;
  /** The signature over `canonicalContent(...)`, base64. */
  signatureBase64: string;
}

export type VerifiedSignature = { ok: true; signerId: string; certificateSerial: string; algorithm: SignatureAlgorithm } | { ok: false; reason: string };

/**
 * R5: verifies an electronic signature. The implementation shipped here checks X.509
 * certificates and Ed25519 / ECDSA-P256 signatures with node:crypto against configured
 * trusted CAs. Kazakhstan's national signature (NCALayer, GOST 34.310 keys issued by the
 * National Certification Authority) plugs in as another implementation of this interface —
 * e.g. one that calls the NCA's verification service or a GOST-capable library — with no
 * change to the use case.
 */
export interface SignatureVerifier {
  verify(content: Buffer, signature: SignatureSubmission, now: Date): Promise<VerifiedSignature>;
}

/**
 * The exact bytes a complainant signs: the complaint's content as canonical JSON (keys
 * sorted, no insignificant spaces), so that signer and verifier agree byte for byte.
 */
export function canonicalContent(c: { complainant: Complainant; addresseeOrganizationId: string; subject: string; text: string; language: Language }): Buffer {
  return Buffer.from(JSON.stringify(sortKeys({ complainant: c.complainant, addresseeOrganizationId: c.addresseeOrganizationId, subject: c.subject, text: c.text, language: c.language })), 'utf8');
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  }
  return value;
}

/** The signer's ИИН/БИН must be the complainant's. */
export function signerMatches(signerId: string, complainant: Complainant): boolean {
  return signerId === (complainant.kind === 'INDIVIDUAL' ? complainant.iin : complainant.bin);
}
