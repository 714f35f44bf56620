import type { Channel, Complainant, Language } from '@shagym/contracts';

export type IndividualComplainant = Extract<Complainant, { kind: 'INDIVIDUAL' }>;
export type LegalEntityComplainant = Extract<Complainant, { kind: 'LEGAL_ENTITY' }>;

/** What intake knows of a complaint: what was filed (architecture.md, Who owns what). */
export interface Complaint {
  id: string;
  channel: Channel;
  complainant: Complainant;
  addresseeOrganizationId: string;
  subject: string;
  text: string;
  language: Language;
  submittedAt: string;
}

/** A body complaints can be addressed to, from the directory projection. */
export type { KnownOrganization as Addressee } from '@shagym/service-kit';
