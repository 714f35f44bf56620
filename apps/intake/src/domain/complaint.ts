import type { Channel, Complainant, EventData, Language } from '@shagym/contracts';

type Submitted = EventData<'complaint.submitted'>;

export type IndividualComplainant = Extract<Complainant, { kind: 'INDIVIDUAL' }>;
export type LegalEntityComplainant = Extract<Complainant, { kind: 'LEGAL_ENTITY' }>;

export type AttachmentMeta = NonNullable<Submitted['attachments']>[number];

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
  /** R5: null when unsigned — a reason the executor may refuse review (R17). */
  signature: NonNullable<Submitted['signature']> | null;
  paper: NonNullable<Submitted['paper']> | null;
  attachments: NonNullable<Submitted['attachments']>;
  aboutPscEmployee: boolean;
  escalationOf: string | null;
  repeatOf: string | null;
}

/** A body complaints can be addressed to, from the directory projection. */
export type { KnownOrganization as Addressee } from '@shagym/service-kit';
