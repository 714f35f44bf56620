import { z } from 'zod';
import { id, isoTime, localDate } from './common';

/**
 * Events of the deadline service (R8, R13, R16, R18) beyond `deadline.set` v1, which stays
 * as it was (other services consume it) and means "the term as first computed".
 */

const termRule = z.enum(['R8', 'R13', 'R18']);
const source = z.string().min(3).max(500);

/** R16: one year's entries of the production calendar that are not given by the rules. */
export const calendarYearEntries = z.object({
  year: z.number().int().min(2000).max(2100),
  /** True while some entry is an estimate (e.g. Kurban Ait before ДУМК fixes it). */
  provisional: z.boolean(),
  /** First day of Kurban Ait (Labour Code art. 84 p. 5): a religious day off, never moved. */
  kurbanAit: z.object({ date: localDate, provisional: z.boolean(), source }),
  /** Labour ministry orders (Labour Code art. 85 p. 3): a weekend day worked, a weekday off. */
  transfers: z.array(z.object({ workingDay: localDate, dayOff: localDate, source })).max(20),
  note: z.string().max(2000).optional(),
});
export type CalendarYearEntries = z.infer<typeof calendarYearEntries>;

/** A supervisor added or corrected a year of the production calendar (R16). */
export const calendarChangedV1 = z.object({
  country: z.literal('KZ'),
  year: z.number().int(),
  entries: calendarYearEntries,
  /** Days whose working / non-working status changed with this correction. */
  changedDays: z.array(localDate),
  reason: z.string().min(1).max(2000),
  changedBy: z.object({ subject: id, officialId: id.optional(), organizationId: id.optional() }),
  changedAt: isoTime,
});

const termFields = {
  complaintId: id,
  organizationId: id,
  rule: termRule,
  dueOn: localDate,
  dueAt: isoTime,
};

/** A configured warning before the end of a term (e.g. one working day before, last morning). */
export const deadlineWarningV1 = z.object({
  ...termFields,
  /** Which configured warning, e.g. `1WD@09:00` (one working day before, 09:00 Almaty). */
  warning: z.string().min(1).max(40),
  remainingWorkingDays: z.number().int().min(0),
  scheduledFor: isoTime,
  firedAt: isoTime,
});

/** The term ended without an answer or refusal (fired once per term: a forwarded complaint may breach again at the receiving body). */
export const deadlineBreachedV1 = z.object({
  ...termFields,
  scheduledFor: isoTime,
  firedAt: isoTime,
});

/**
 * The term stopped: the complaint was answered (R9) or refused (R17), or forwarded to the
 * competent body (R18: then rule, dueOn and dueAt are those of the 3-working-day forwarding
 * term, and the outcome says whether it was forwarded in time).
 */
export const deadlineStoppedV1 = z.object({
  ...termFields,
  stoppedBy: z.enum(['ANSWERED', 'REFUSED', 'FORWARDED']),
  stoppedAt: isoTime,
  stoppedOn: localDate,
  outcome: z.enum(['MET', 'MISSED']),
  /** Working days left unused when answered on time; 0 when late. */
  workingDaysEarly: z.number().int().min(0),
  /** Working days past the due date when late; 0 when on time. */
  workingDaysLate: z.number().int().min(0),
});

/** A calendar correction moved an open term's due date (R16). */
export const deadlineRecomputedV1 = z.object({
  ...termFields,
  termWorkingDays: z.number().int().positive(),
  startsOn: localDate,
  previousDueOn: localDate,
  previousDueAt: isoTime,
  /** The `calendar.changed` event that caused it. */
  calendarChangeId: z.string().uuid(),
});
