import { z } from 'zod';
import { id, isoTime, localDate, localizedText } from './common';

/**
 * Events of the routing service beyond `organization.upserted` v1 and `complaint.assigned` v1
 * (which stay as they are): the rest of the organizations directory (`organization.*`,
 * `official.*`) and the way a complaint travels to the body and official that examine it.
 */

/** What an official may do in their organization (R2: the head appoints; R7: the registrar registers). */
export const OFFICIAL_ROLES = ['HEAD', 'DEPUTY', 'REGISTRAR', 'EXECUTOR', 'SUPERVISOR'] as const;
export const officialRole = z.enum(OFFICIAL_ROLES);

/** The rule a complaint was routed by: R2 (addressed body's head), R6 (the PSC's head), R12 (escalation), R18 (forwarding). */
export const ROUTING_RULES = ['R2', 'R6', 'R12', 'R18'] as const;

const serviceCode = z.string().regex(/^[a-z0-9][a-z0-9-]{1,60}$/, 'a service code: lower-case letters, digits and dashes');

/**
 * The published profile of an organization (R1, R6, R10, R15: addresses and phones are data,
 * not code): contacts, working hours, the public services it provides, and whether a
 * registered complaint is assigned to the suggested executor without waiting for the head.
 */
export const organizationProfileUpdatedV1 = z.object({
  organizationId: id,
  postalAddress: z.string().max(500).optional(),
  phones: z.array(z.string().min(1).max(40)).max(20),
  email: z.string().max(200).optional(),
  webResource: z.string().max(300).optional(),
  workingHours: localizedText.optional(),
  /** Codes of the public services the body provides. */
  services: z.array(serviceCode).max(300),
  autoAssign: z.boolean(),
});

/** An official of the directory was added or changed (roles, absence). */
export const officialUpsertedV1 = z.object({
  officialId: id,
  organizationId: id,
  fullName: z.string().min(1).max(200),
  position: localizedText,
  roles: z.array(officialRole).min(1),
  /** false while absent (vacation, sick leave): not assigned, not acting as head. */
  active: z.boolean(),
  absentUntil: localDate.optional(),
  /** Codes of the services an executor specializes in (used when suggesting one). */
  services: z.array(serviceCode).max(100),
});

const officialRef = z.object({ officialId: id, fullName: z.string().min(1) });

/** The complaint went to the head of a body who will appoint its executor (R2, R6, R12, R18). */
export const complaintRoutedV1 = z.object({
  complaintId: id,
  organizationId: id,
  head: officialRef,
  rule: z.enum(ROUTING_RULES),
  /** Set when the complaint was forwarded here (R18) or sent on to a regional department (R12). */
  fromOrganizationId: id.optional(),
  routedAt: isoTime,
});

/** The head replaced the responsible executor; the earlier assignment stays in the history (R2). */
export const complaintReassignedV1 = z.object({
  complaintId: id,
  organizationId: id,
  executor: z.object({ officialId: id, fullName: z.string().min(1), position: z.string() }),
  previousExecutor: officialRef,
  assignedBy: officialRef,
  assignedAt: isoTime,
  reason: z.string().max(2000).optional(),
});

/**
 * R18: the complaint was outside the addressee's competence and was forwarded to the competent
 * body (no later than 3 working days after receipt — the deadline service keeps that term).
 * The complaint keeps its id, history and links; the complainant sees where it went and why.
 */
/**
 * R18: the body's head found the complaint outside its competence. The forwarding term (3
 * working days from receipt) replaces the review term until the complaint is forwarded.
 */
export const complaintOutsideCompetenceV1 = z.object({
  complaintId: id,
  organizationId: id,
  reason: z.string().min(1).max(2000),
  /** The body the head means to forward it to, when known already. */
  competentOrganizationId: id.optional(),
  declaredBy: officialRef,
  declaredAt: isoTime,
  /** The day the body received (registered) it: R18 counts from it. */
  receivedOn: localDate.optional(),
});

export const complaintForwardedV1 = z.object({
  complaintId: id,
  fromOrganizationId: id,
  toOrganizationId: id,
  reason: z.string().min(1).max(2000),
  forwardedBy: officialRef,
  forwardedAt: isoTime,
  /** The day the forwarding body received (registered) it: R18 counts from it. */
  receivedOn: localDate.optional(),
});
