import { z } from 'zod';
import { id, isoTime, language, localDate } from './common';

/** R1: how the complaint reached the body. */
export const CHANNELS = ['PORTAL', 'POST', 'IN_PERSON'] as const;
export const channel = z.enum(CHANNELS);
export type Channel = z.infer<typeof channel>;

const postalAddress = z.string().min(5).max(500);

/** R3: an individual's requisites (patronymic may be absent). */
export const individualComplainant = z.object({
  kind: z.literal('INDIVIDUAL'),
  iin: z.string().regex(/^\d{12}$/),
  surname: z.string().min(1).max(100),
  givenName: z.string().min(1).max(100),
  patronymic: z.string().max(100).optional(),
  postalAddress,
  email: z.string().max(200).optional(),
  phone: z.string().max(30).optional(),
});

/** R4: a legal entity's requisites. */
export const legalEntityComplainant = z.object({
  kind: z.literal('LEGAL_ENTITY'),
  bin: z.string().regex(/^\d{12}$/),
  name: z.string().min(1).max(300),
  postalAddress,
  outgoingNumber: z.string().min(1).max(50),
  outgoingDate: localDate,
  email: z.string().max(200).optional(),
  phone: z.string().max(30).optional(),
});

export const complainant = z.discriminatedUnion('kind', [individualComplainant, legalEntityComplainant]);
export type Complainant = z.infer<typeof complainant>;

/** Metadata of an attached file (scan of a paper complaint, evidence); content is stored by intake. */
export const attachmentMeta = z.object({
  attachmentId: id,
  name: z.string().min(1).max(255),
  mediaType: z.string().min(3).max(100),
  sizeBytes: z.number().int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

/** R5: how the complaint was signed. */
export const signatureRecord = z.object({
  kind: z.enum(['HANDWRITTEN', 'ELECTRONIC']),
  /** ELECTRONIC: the signer's ИИН/БИН from the certificate (equal to the complainant's). */
  signerId: z.string().regex(/^\d{12}$/).optional(),
  /** ELECTRONIC: the certificate's serial number and the algorithm. */
  certificateSerial: z.string().max(100).optional(),
  algorithm: z.string().max(40).optional(),
});

export const complaintSubmittedV1 = z.object({
  complaintId: id,
  channel,
  complainant,
  /** R1: the body whose head the complaint is addressed to (organizations directory id). */
  addresseeOrganizationId: id,
  subject: z.string().min(1).max(300),
  text: z.string().min(1).max(20000),
  language,
  submittedAt: isoTime,
  /** R5: null when unsigned (a reason the executor may refuse review, R17). */
  signature: signatureRecord.nullable().optional(),
  /** POST / IN_PERSON: what the registry office recorded at intake. */
  paper: z
    .object({
      receivedOn: localDate,
      pages: z.number().int().positive().max(1000),
      operatorOfficialId: id,
    })
    .optional(),
  attachments: z.array(attachmentMeta).max(20).optional(),
  /** R6: the complaint is about an employee of this PSC (so it is addressed to that PSC's head). */
  aboutPscEmployee: z.boolean().optional(),
  /** R12: the complaint that this one escalates to the authorized body. */
  escalationOf: id.optional(),
  /** An earlier complaint from the same complainant to the same body about the same matter. */
  repeatOf: id.optional(),
});

export const complaintRegisteredV1 = z.object({
  complaintId: id,
  /** R7: the registering organization (the addressee's registry office). */
  organizationId: id,
  organizationCode: z.string().min(1).max(20),
  /** R7: `<orgCode>-<year>-<seq>`, unique and gapless per organization and year. */
  incomingNumber: z.string().min(1).max(60),
  year: z.number().int(),
  sequence: z.number().int().positive(),
  registeredAt: isoTime,
  /** The registration date in Asia/Almaty: the day the review term counts from (R8). */
  registeredOn: localDate,
  channel,
  /** The journal entry's hash (chained to the previous entry): printed on the receipt. */
  entryHash: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  /**
   * R7 + R18: set when the complaint was forwarded to this body and this is the receiving
   * body's own registration (its number and date; the review term counts from it, R8). Links
   * it to the registration the complaint had before (the first body's, which stays in that
   * body's journal). Optional, so v1 consumers and earlier events are unaffected.
   */
  forwardedFrom: z
    .object({
      /** The body that forwarded it. */
      organizationId: id,
      reason: z.string().min(1).max(2000),
      forwardedAt: isoTime,
      /** The registration before the forwarding; absent if that body had not registered it. */
      registration: z
        .object({
          organizationId: id,
          organizationCode: z.string().min(1).max(20),
          incomingNumber: z.string().min(1).max(60),
          registeredOn: localDate,
        })
        .optional(),
    })
    .optional(),
});

export const complaintAssignedV1 = z.object({
  complaintId: id,
  organizationId: id,
  /** R2: the responsible executor appointed by the head. */
  executor: z.object({ officialId: id, fullName: z.string().min(1), position: z.string() }),
  assignedBy: z.object({ officialId: id, fullName: z.string().min(1) }),
  assignedAt: isoTime,
});

export const deadlineSetV1 = z.object({
  complaintId: id,
  /** R8 (5 working days) or R13 (15 working days). */
  rule: z.enum(['R8', 'R13', 'R18']),
  termWorkingDays: z.number().int().positive(),
  startsOn: localDate,
  dueOn: localDate,
  dueAt: isoTime,
});

/** R9: the decision of a reasoned reply. */
export const REPLY_DECISIONS = ['SATISFIED', 'PARTIALLY_SATISFIED', 'NOT_SATISFIED'] as const;
/** R9: how the reply reaches the complainant. */
export const REPLY_DELIVERIES = ['POST', 'IN_PERSON', 'PORTAL'] as const;
/** R17: why review was refused. */
export const REFUSAL_REASONS = ['MISSING_REQUISITES', 'NO_SIGNATURE', 'REPEAT_COMPLAINT', 'OUTSIDE_COMPETENCE', 'OTHER'] as const;

/** R9: the registry office sent the reasoned reply; the review term stops. */
export const complaintAnsweredV1 = z.object({
  complaintId: id,
  organizationId: id,
  /** The outgoing number of the reply letter, from the registry's outgoing journal. */
  outgoingNumber: z.string().min(1).max(60),
  answeredAt: isoTime,
  answeredOn: localDate,
  executorOfficialId: id,
  decision: z.enum(REPLY_DECISIONS),
  reasoning: z.string().min(1).max(20000),
  /** The norms the decision rests on. */
  legalBasis: z.string().max(2000).optional(),
  delivery: z.enum(REPLY_DELIVERIES),
  /** POST: the postal tracking number. */
  trackingNumber: z.string().max(60).optional(),
  /** IN_PERSON: the day it was handed over and the recipient's signature mark. */
  handedOverOn: localDate.optional(),
  recipientSignatureMark: z.string().max(200).optional(),
  /** R12, R14: the reply told the complainant of the right to escalate and to go to court. */
  informedOfEscalation: z.boolean().default(true),
  informedOfCourt: z.boolean().default(true),
});

/** R17: review was refused, itself a reasoned reply shown in the cabinet (R11); the term stops. */
export const complaintRefusedV1 = z.object({
  complaintId: id,
  organizationId: id,
  outgoingNumber: z.string().min(1).max(60),
  refusedAt: isoTime,
  refusedOn: localDate,
  executorOfficialId: id,
  reason: z.enum(REFUSAL_REASONS),
  reasoning: z.string().min(1).max(20000),
  informedOfEscalation: z.boolean().default(true),
  informedOfCourt: z.boolean().default(true),
});

/** R11 "delivery mark": the addressee's registry office has received the complaint. */
export const complaintDeliveredV1 = z.object({
  complaintId: id,
  organizationId: id,
  channel,
  deliveredAt: isoTime,
});

/** R12: the complainant took the complaint further, to the authorized body; a new complaint, linked. */
export const complaintEscalatedV1 = z.object({
  complaintId: id,
  escalationComplaintId: id,
  authorizedBodyId: id,
  escalatedAt: isoTime,
});
