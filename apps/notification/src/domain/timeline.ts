import type { DomainEvent, Language } from '@shagym/contracts';

export interface ComplaintRef {
  id: string;
}

/** One step of the complaint in the personal cabinet (R11); texts are rendered per reader. */
export interface TimelineEntry {
  id: string;
  complaintId: string;
  type: TimelineEventType;
  occurredAt: string;
  params: Record<string, string | number>;
}

export const TIMELINE_EVENT_TYPES = ['complaint.submitted', 'complaint.registered', 'complaint.assigned', 'deadline.set'] as const;
export type TimelineEventType = (typeof TIMELINE_EVENT_TYPES)[number];

/** Only what the texts need: the complaint's content and personal data stay with intake. */
export function toTimelineEntry(event: DomainEvent & { type: TimelineEventType }): TimelineEntry {
  const base = { id: event.id, complaintId: event.subject, type: event.type, occurredAt: event.time };
  switch (event.type) {
    case 'complaint.submitted':
      return { ...base, occurredAt: event.data.submittedAt, params: { channel: event.data.channel } };
    case 'complaint.registered':
      return { ...base, occurredAt: event.data.registeredAt, params: { number: event.data.incomingNumber, date: event.data.registeredOn } };
    case 'complaint.assigned':
      return { ...base, occurredAt: event.data.assignedAt, params: { executor: event.data.executor.fullName } };
    case 'deadline.set':
      return { ...base, params: { dueOn: event.data.dueOn, days: event.data.termWorkingDays } };
  }
}

/** The lifecycle order breaks ties between entries stamped in the same millisecond. */
export function sortTimeline(entries: TimelineEntry[]): TimelineEntry[] {
  const rank = (t: TimelineEventType) => TIMELINE_EVENT_TYPES.indexOf(t);
  return [...entries].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || rank(a.type) - rank(b.type));
}

type Texts = Record<Language, { title: string; description?: (p: TimelineEntry['params']) => string }>;

const CHANNEL_NAMES: Record<string, Record<Language, string>> = {
  PORTAL: { ru: 'через портал', kk: 'портал арқылы', en: 'through the portal' },
  POST: { ru: 'по почте', kk: 'пошта арқылы', en: 'by post' },
  IN_PERSON: { ru: 'нарочно', kk: 'қолма-қол', en: 'in person' },
};

/** R11 texts in Russian, Kazakh and English. */
const TEXTS: Record<TimelineEventType, Texts> = {
  'complaint.submitted': {
    ru: { title: 'Жалоба подана', description: (p) => `Жалоба подана ${CHANNEL_NAMES[String(p.channel)]?.ru ?? ''}`.trim() },
    kk: { title: 'Шағым берілді', description: (p) => `Шағым ${CHANNEL_NAMES[String(p.channel)]?.kk ?? ''} берілді`.replace('  ', ' ') },
    en: { title: 'Complaint submitted', description: (p) => `Complaint submitted ${CHANNEL_NAMES[String(p.channel)]?.en ?? ''}`.trim() },
  },
  'complaint.registered': {
    ru: { title: 'Жалоба зарегистрирована', description: (p) => `Входящий № ${p.number} от ${formatDate(String(p.date))}` },
    kk: { title: 'Шағым тіркелді', description: (p) => `Кіріс № ${p.number}, ${formatDate(String(p.date))}` },
    en: { title: 'Complaint registered', description: (p) => `Incoming No. ${p.number} of ${formatDate(String(p.date))}` },
  },
  'complaint.assigned': {
    ru: { title: 'Назначен ответственный исполнитель', description: (p) => `Исполнитель: ${p.executor}` },
    kk: { title: 'Жауапты орындаушы тағайындалды', description: (p) => `Орындаушы: ${p.executor}` },
    en: { title: 'Responsible executor appointed', description: (p) => `Executor: ${p.executor}` },
  },
  'deadline.set': {
    ru: { title: 'Установлен срок рассмотрения', description: (p) => `Ответ будет дан до ${formatDate(String(p.dueOn))} включительно (${p.days} рабочих дней)` },
    kk: { title: 'Қарау мерзімі белгіленді', description: (p) => `Жауап ${formatDate(String(p.dueOn))} қоса алғанға дейін беріледі (${p.days} жұмыс күні)` },
    en: { title: 'Review term set', description: (p) => `A reply is due by ${formatDate(String(p.dueOn))} inclusive (${p.days} working days)` },
  },
};

/** Dates as people in Kazakhstan write them: DD.MM.YYYY. */
function formatDate(date: string): string {
  const [y, m, d] = date.split('-');
  return `${d}.${m}.${y}`;
}

export function renderTitle(entry: TimelineEntry, language: Language): string {
  return TEXTS[entry.type][language].title;
}

export function renderDescription(entry: TimelineEntry, language: Language): string | null {
  return TEXTS[entry.type][language].description?.(entry.params) ?? null;
}
