import { X509Certificate, verify as verifySignature } from 'node:crypto';
import type { SignatureSubmission, SignatureVerifier, VerifiedSignature } from '../domain/signature';

/**
 * X.509 + Ed25519 / ECDSA-P256 verification with node:crypto. The certificate must be issued
 * by one of the trusted CAs and valid now; its subject's serialNumber carries the signer's
 * ИИН or БИН as Kazakhstan's certificates do (`serialNumber=IIN…` / `BIN…`).
 */
export class X509SignatureVerifier implements SignatureVerifier {
  private readonly cas: X509Certificate[];

  constructor(trustedCaPems: string[]) {
    this.cas = trustedCaPems.map((pem) => new X509Certificate(pem));
  }

  async verify(content: Buffer, sig: SignatureSubmission, now: Date): Promise<VerifiedSignature> {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(sig.certificatePem);
    } catch {
      return { ok: false, reason: 'the certificate is not a readable X.509 PEM' };
    }
    if (!this.cas.some((ca) => cert.checkIssued(ca) && cert.verify(ca.publicKey))) {
      return { ok: false, reason: 'the certificate is not issued by a trusted certification authority' };
    }
    if (now < new Date(cert.validFrom) || now > new Date(cert.validTo)) return { ok: false, reason: 'the certificate is not valid at this time' };
    const keyType = cert.publicKey.asymmetricKeyType;
    if ((sig.algorithm === 'ED25519' && keyType !== 'ed25519') || (sig.algorithm === 'ECDSA_P256_SHA256' && keyType !== 'ec')) {
      return { ok: false, reason: `the certificate's key (${keyType}) does not match ${sig.algorithm}` };
    }
    const signerId = /serialNumber=(?:IIN|BIN)(\d{12})/.exec(cert.subject)?.[1];
    if (!signerId) return { ok: false, reason: 'the certificate names no ИИН/БИН (serialNumber=IIN… or BIN…)' };
    let valid = false;
    try {
      valid = verifySignature(sig.algorithm === 'ED25519' ? null : 'sha256', content, cert.publicKey, Buffer.from(sig.signatureBase64, 'base64'));
    } catch {
      valid = false;
    }
    if (!valid) return { ok: false, reason: 'the signature does not match the complaint’s content' };
    return { ok: true, signerId, certificateSerial: cert.serialNumber, algorithm: sig.algorithm };
  }
}
