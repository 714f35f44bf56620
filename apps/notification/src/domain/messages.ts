import { deterministicUuid, type Language } from '@shagym/contracts';
import { recipientKeyOfOfficial, type ComplaintFile } from './complaint-file';
import { renderDescription, renderTitle, type TimelineEntry, type TimelineEvent } from './timeline';

/** One message in a recipient's inbox (the in-app channel); e-mail and SMS copy it out. */
export interface InboxMessage {
  /** Deterministic: the same event for the same recipient is one message (redelivery-safe). */
  id: string;
  recipientKey: string;
  complaintId: string;
  /** The event it tells about, rendered per reader like a timeline entry (R11). */
  entry: TimelineEntry;
  /** Whether it also goes out by e-mail / SMS (subject to the recipient's preferences). */
  external: boolean;
  createdAt: string;
}

/** The steps a complainant is also told about outside the cabinet: acceptance (R7), the reply (R9), refusal (R17), a missed term. */
const EXTERNAL_FOR_COMPLAINANT = new Set<TimelineEntry['type']>(['complaint.registered', 'complaint.answered', 'complaint.refused', 'deadline.breached']);
/** Internal reminders for the officials; on the timeline, but not a message to the complainant. */
const NOT_FOR_COMPLAINANT = new Set<TimelineEntry['type']>(['deadline.warning']);

export function messageId(eventId: string, recipientKey: string): string {
  return deterministicUuid('notification.message', eventId, recipientKey);
}

/**
 * R11: the complainant is told of every step of their complaint. They are known once
 * `complaint.submitted` is in the file; a step that arrived before it is told when it arrives
 * (see the consumer's backfill).
 */
export function complainantMessage(entry: TimelineEntry, file: ComplaintFile, now: Date): InboxMessage | null {
  if (!file.complainant || NOT_FOR_COMPLAINANT.has(entry.type)) return null;
  const key = file.complainant.recipientKey;
  return { id: messageId(entry.id, key), recipientKey: key, complaintId: entry.complaintId, entry, external: EXTERNAL_FOR_COMPLAINANT.has(entry.type), createdAt: now.toISOString() };
}

/**
 * Officials get their own messages (R2): the head a complaint was routed to, the executor
 * appointed (or newly appointed), and the executor (and head) when the term is about to end
 * or has ended. Ids come from the event itself or, for the deadline, from the file.
 */
export function officialsToTell(event: TimelineEvent, file: ComplaintFile | null): string[] {
  const executor = file?.assignment?.executorOfficialId;
  const head = file?.routing?.headOfficialId;
  switch (event.type) {
    case 'complaint.routed':
      return [event.data.head.officialId];
    case 'complaint.assigned':
    case 'complaint.reassigned':
      return [event.data.executor.officialId];
    case 'deadline.warning':
      // R18: forwarding is the head's act; a review term's reminder goes to the executor.
      return [event.data.rule === 'R18' ? head : (executor ?? head)].filter((x): x is string => Boolean(x));
    case 'deadline.breached':
      return [...new Set([executor, head].filter((x): x is string => Boolean(x)))];
    // R16: a calendar correction moved the due date; whoever must answer by it is told.
    case 'deadline.recomputed':
      return [event.data.rule === 'R18' ? head : (executor ?? head)].filter((x): x is string => Boolean(x));
    default:
      return [];
  }
}

export function officialMessages(entry: TimelineEntry, officialIds: string[], now: Date): InboxMessage[] {
  return officialIds.map((officialId) => {
    const key = recipientKeyOfOfficial(officialId);
    return {
      id: messageId(entry.id, key),
      recipientKey: key,
      complaintId: entry.complaintId,
      entry: { ...entry, audience: 'OFFICIAL' as const },
      external: true,
      createdAt: now.toISOString(),
    };
  });
}

export const EXTERNAL_CHANNELS = ['EMAIL', 'SMS'] as const;
export type ExternalChannel = (typeof EXTERNAL_CHANNELS)[number];

/** A recipient's choices; the latest stored version wins (insert-only versions). */
export interface Preferences {
  recipientKey: string;
  email?: string;
  phone?: string;
  emailEnabled: boolean;
  smsEnabled: boolean;
  language: Language;
}

/** Defaults when the recipient chose nothing: every channel whose contact they gave, in the complaint's language. */
export function effectivePreferences(recipientKey: string, stored: Preferences | null, file: ComplaintFile | null): Preferences {
  if (stored) return stored;
  const mine = file?.complainant?.recipientKey === recipientKey ? file.complainant : undefined;
  return {
    recipientKey,
    ...(mine?.email ? { email: mine.email } : {}),
    ...(mine?.phone ? { phone: mine.phone } : {}),
    emailEnabled: Boolean(mine?.email),
    smsEnabled: Boolean(mine?.phone),
    language: file?.language ?? 'ru',
  };
}

/** A delivery intent: one message to one address over one channel. */
export interface DeliveryIntent {
  id: string;
  messageId: string;
  recipientKey: string;
  complaintId: string;
  channel: ExternalChannel;
  to: string;
  language: Language;
  subject: string;
  text: string;
  createdAt: string;
  /** Set when the channel is not configured: recorded as such and never attempted. */
  disabledReason?: string;
}

export function deliveryId(messageId: string, channel: ExternalChannel): string {
  return deterministicUuid('notification.delivery', messageId, channel);
}

/** The texts of an e-mail or SMS in the recipient's language; the cabinet and 1414 (R10) for more. */
export function renderMessage(message: InboxMessage, language: Language, reference: string): { subject: string; text: string; sms: string } {
  const title = renderTitle(message.entry, language);
  const description = renderDescription(message.entry, language);
  const footer = {
    ru: `Жалоба ${reference}. Ход рассмотрения — в личном кабинете. Справки: единый контакт-центр 1414.`,
    kk: `Шағым ${reference}. Қарау барысы — жеке кабинетте. Анықтама: 1414 бірыңғай байланыс орталығы.`,
    en: `Complaint ${reference}. Follow it in your personal cabinet. Information: contact center 1414.`,
  }[language];
  const subject = `Shagym: ${title}`;
  return { subject, text: [title, description, '', footer].filter((l) => l !== null).join('\n'), sms: `Shagym: ${title}${description ? `. ${description}` : ''}` };
}

/** Which channels a message goes out on, to which address; the in-app inbox always. */
export function planDeliveries(
  message: InboxMessage,
  prefs: Preferences,
  configured: Record<ExternalChannel, boolean>,
  reference: string,
  now: Date,
): DeliveryIntent[] {
  if (!message.external) return [];
  const texts = renderMessage(message, prefs.language, reference);
  const wanted: Array<[ExternalChannel, string | undefined]> = [
    ['EMAIL', prefs.emailEnabled ? prefs.email : undefined],
    ['SMS', prefs.smsEnabled ? prefs.phone : undefined],
  ];
  return wanted
    .filter((w): w is [ExternalChannel, string] => Boolean(w[1]))
    .map(([channel, to]) => ({
      id: deliveryId(message.id, channel),
      messageId: message.id,
      recipientKey: message.recipientKey,
      complaintId: message.complaintId,
      channel,
      to,
      language: prefs.language,
      subject: texts.subject,
      text: channel === 'SMS' ? texts.sms : texts.text,
      createdAt: now.toISOString(),
      ...(configured[channel] ? {} : { disabledReason: `${channel === 'EMAIL' ? 'e-mail (SMTP)' : 'SMS gateway'} is not configured` }),
    }));
}

/** One attempt to deliver, as recorded (insert-only). */
export interface DeliveryAttempt {
  deliveryId: string;
  attempt: number;
  startedAt: string;
  /** Absent while in flight (or when the process died during the attempt). */
  outcome?: { ok: boolean; permanent: boolean; error?: string; finishedAt: string };
}

export type DeliveryStatus = 'PENDING' | 'DELIVERED' | 'FAILED' | 'DISABLED';

export interface DeliveryPolicy {
  maxAttempts: number;
  backoffMs: number;
  /** An attempt with no outcome after this long is taken as failed (the process died). */
  attemptTimeoutMs: number;
}

/** Exponential backoff: base, 2×base, 4×base … capped at an hour. */
export function backoff(attempt: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempt - 1), 3_600_000);
}

export type NextStep =
  | { kind: 'attempt'; attempt: number }
  | { kind: 'wait'; until: number }
  | { kind: 'done'; status: 'DELIVERED' }
  | { kind: 'give-up'; reason: string };

/** What to do with a delivery now, from its recorded attempts (pure: the worker's decision). */
export function nextStep(attempts: DeliveryAttempt[], policy: DeliveryPolicy, now: number): NextStep {
  const sorted = [...attempts].sort((a, b) => a.attempt - b.attempt);
  const last = sorted.at(-1);
  if (!last) return { kind: 'attempt', attempt: 1 };
  if (last.outcome?.ok) return { kind: 'done', status: 'DELIVERED' };
  if (!last.outcome && Date.parse(last.startedAt) + policy.attemptTimeoutMs > now) return { kind: 'wait', until: Date.parse(last.startedAt) + policy.attemptTimeoutMs };
  const error = last.outcome?.error ?? 'attempt did not finish (process stopped?)';
  if (last.outcome?.permanent) return { kind: 'give-up', reason: `rejected: ${error}` };
  if (last.attempt >= policy.maxAttempts) return { kind: 'give-up', reason: `${last.attempt} attempts failed; last: ${error}` };
  const finished = last.outcome ? Date.parse(last.outcome.finishedAt) : Date.parse(last.startedAt) + policy.attemptTimeoutMs;
  const until = finished + backoff(last.attempt, policy.backoffMs);
  return until > now ? { kind: 'wait', until } : { kind: 'attempt', attempt: last.attempt + 1 };
}
