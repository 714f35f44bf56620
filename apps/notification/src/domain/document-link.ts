import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Language } from '@shagym/contracts';

export const DOCUMENT_KINDS = ['REGISTRATION_RECEIPT', 'REPLY_LETTER'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];
export const DOCUMENT_LANGUAGES = ['ru', 'kk'] as const;
export type DocumentLanguage = (typeof DOCUMENT_LANGUAGES)[number];

/** What a download link grants: one document of one complaint, in one language, until it expires. */
export interface DocumentGrant {
  complaintId: string;
  kind: DocumentKind;
  language: DocumentLanguage;
  /** Unix seconds. */
  expiresAt: number;
}

const sign = (payload: string, secret: string) => createHmac('sha256', secret).update(`shagym.document.v1.${payload}`).digest('base64url');

/** A short-lived signed token: issued only to callers allowed to see the complaint (R11). */
export function signGrant(grant: DocumentGrant, secret: string): string {
  const payload = Buffer.from(JSON.stringify({ c: grant.complaintId, k: grant.kind, l: grant.language, e: grant.expiresAt }), 'utf8').toString('base64url');
  return `${payload}.${sign(payload, secret)}`;
}

export type VerifyResult = { ok: true; grant: DocumentGrant } | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' };

export function verifyGrant(token: string, secret: string, nowSeconds: number): VerifyResult {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(sign(payload, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'bad-signature' };
  let raw: { c?: unknown; k?: unknown; l?: unknown; e?: unknown };
  try {
    raw = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (
    typeof raw.c !== 'string' ||
    !(DOCUMENT_KINDS as readonly unknown[]).includes(raw.k) ||
    !(DOCUMENT_LANGUAGES as readonly unknown[]).includes(raw.l) ||
    typeof raw.e !== 'number'
  ) {
    return { ok: false, reason: 'malformed' };
  }
  if (raw.e <= nowSeconds) return { ok: false, reason: 'expired' };
  return { ok: true, grant: { complaintId: raw.c, kind: raw.k as DocumentKind, language: raw.l as DocumentLanguage, expiresAt: raw.e } };
}

/** Documents are printed in the state language or Russian; an English reader gets Russian. */
export function documentLanguage(language: Language): DocumentLanguage {
  return language === 'kk' ? 'kk' : 'ru';
}
