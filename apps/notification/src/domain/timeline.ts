import type { DomainEvent, Language, LocalizedText } from '@shagym/contracts';

export interface ComplaintRef {
  id: string;
}

/** Who a text is written for: the complainant's cabinet or the official's inbox. */
export type Audience = 'COMPLAINANT' | 'OFFICIAL';

/** One step of the complaint in the personal cabinet (R11); texts are rendered per reader. */
export interface TimelineEntry {
  id: string;
  complaintId: string;
  type: TimelineEventType;
  occurredAt: string;
  params: Record<string, string | number>;
  /** Absent: the complainant's timeline. OFFICIAL: a message to an official (R2). */
  audience?: Audience;
}

/** Lifecycle order (R11): also breaks ties between entries stamped in the same millisecond. */
export const TIMELINE_EVENT_TYPES = [
  'complaint.submitted',
  'complaint.delivered',
  'complaint.registered',
  'complaint.routed',
  'complaint.outside-competence',
  'complaint.forwarded',
  'complaint.assigned',
  'complaint.reassigned',
  'deadline.set',
  'deadline.recomputed',
  'deadline.warning',
  'deadline.breached',
  'complaint.answered',
  'complaint.refused',
  'complaint.escalated',
] as const;
export type TimelineEventType = (typeof TIMELINE_EVENT_TYPES)[number];
export type TimelineEvent = DomainEvent & { type: TimelineEventType };

export function isTimelineEvent(event: DomainEvent): event is TimelineEvent {
  return (TIMELINE_EVENT_TYPES as readonly string[]).includes(event.type);
}

/** The organization a step's text names (R12 escalation, R18 forwarding), to be looked up in the directory. */
export function organizationNamedBy(event: TimelineEvent): string | null {
  switch (event.type) {
    case 'complaint.forwarded':
      return event.data.toOrganizationId;
    case 'complaint.escalated':
      return event.data.authorizedBodyId;
    case 'complaint.outside-competence':
      return event.data.competentOrganizationId ?? null;
    // R7 + R18: the receiving body's registration names the body that registered it.
    case 'complaint.registered':
      return event.data.forwardedFrom ? event.data.organizationId : null;
    default:
      return null;
  }
}

/**
 * Only what the texts need: the complaint's content and personal data stay with intake.
 * `names` gives the directory's names of organizations the texts mention (R18 forwarding).
 */
export function toTimelineEntry(event: TimelineEvent, names: (organizationId: string) => LocalizedText | null = () => null): TimelineEntry {
  const base = { id: event.id, complaintId: event.subject, type: event.type, occurredAt: event.time };
  switch (event.type) {
    case 'complaint.submitted':
      return { ...base, occurredAt: event.data.submittedAt, params: { channel: event.data.channel } };
    case 'complaint.delivered':
      return { ...base, occurredAt: event.data.deliveredAt, params: { channel: event.data.channel } };
    case 'complaint.escalated': {
      const to = names(event.data.authorizedBodyId);
      return { ...base, occurredAt: event.data.escalatedAt, params: { escalation: event.data.escalationComplaintId, ...(to ? { toRu: to.ru, toKk: to.kk, toEn: to.en } : {}) } };
    }
    case 'complaint.registered': {
      const params = { number: event.data.incomingNumber, date: event.data.registeredOn };
      const from = event.data.forwardedFrom;
      if (!from) return { ...base, occurredAt: event.data.registeredAt, params };
      // R7 + R18: where it went (the receiving body, its own number and date), why, and the number it had before.
      const at = names(event.data.organizationId);
      return {
        ...base,
        occurredAt: event.data.registeredAt,
        params: {
          ...params,
          forwarded: 'yes',
          reason: from.reason,
          ...(from.registration ? { previousNumber: from.registration.incomingNumber, previousDate: from.registration.registeredOn } : {}),
          ...(at ? { atRu: at.ru, atKk: at.kk, atEn: at.en } : {}),
        },
      };
    }
    case 'complaint.assigned':
      return { ...base, occurredAt: event.data.assignedAt, params: { executor: event.data.executor.fullName } };
    case 'deadline.set':
      return { ...base, params: { dueOn: event.data.dueOn, days: event.data.termWorkingDays, rule: event.data.rule } };
    case 'complaint.outside-competence': {
      const to = event.data.competentOrganizationId ? names(event.data.competentOrganizationId) : null;
      return { ...base, occurredAt: event.data.declaredAt, params: { reason: event.data.reason, ...(to ? { toRu: to.ru, toKk: to.kk, toEn: to.en } : {}) } };
    }
    case 'complaint.routed':
      return { ...base, occurredAt: event.data.routedAt, params: { head: event.data.head.fullName, rule: event.data.rule } };
    case 'complaint.forwarded': {
      const to = names(event.data.toOrganizationId);
      return {
        ...base,
        occurredAt: event.data.forwardedAt,
        params: { reason: event.data.reason, ...(to ? { toRu: to.ru, toKk: to.kk, toEn: to.en } : {}) },
      };
    }
    case 'complaint.reassigned':
      return { ...base, occurredAt: event.data.assignedAt, params: { executor: event.data.executor.fullName } };
    case 'deadline.recomputed':
      return { ...base, params: { dueOn: event.data.dueOn, previousDueOn: event.data.previousDueOn, rule: event.data.rule } };
    case 'deadline.warning':
      return { ...base, occurredAt: event.data.firedAt, params: { dueOn: event.data.dueOn, left: event.data.remainingWorkingDays, rule: event.data.rule } };
    case 'deadline.breached':
      return { ...base, occurredAt: event.data.firedAt, params: { dueOn: event.data.dueOn, rule: event.data.rule } };
    case 'complaint.answered':
      return { ...base, occurredAt: event.data.answeredAt, params: { number: event.data.outgoingNumber, date: event.data.answeredOn, decision: event.data.decision } };
    case 'complaint.refused':
      return { ...base, occurredAt: event.data.refusedAt, params: { number: event.data.outgoingNumber, date: event.data.refusedOn, reason: event.data.reason } };
  }
}

/** The lifecycle order breaks ties between entries stamped in the same millisecond. */
export function sortTimeline<E extends Pick<TimelineEntry, 'occurredAt' | 'type'>>(entries: E[]): E[] {
  const rank = (t: TimelineEventType) => TIMELINE_EVENT_TYPES.indexOf(t);
  return [...entries].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || rank(a.type) - rank(b.type));
}

type Text = { title: string; description?: (p: TimelineEntry['params']) => string };
type Texts = Record<Language, Text> | ((p: TimelineEntry['params']) => Record<Language, Text>);

/** A term's texts: the review term (R8, R13) or the forwarding term (R18), by the entry's `rule`. */
const byRule = (review: Record<Language, Text>, forwarding: Record<Language, Text>): Texts => (p) => (p.rule === 'R18' ? forwarding : review);

const CHANNEL_NAMES: Record<string, Record<Language, string>> = {
  PORTAL: { ru: 'через портал', kk: 'портал арқылы', en: 'through the portal' },
  POST: { ru: 'по почте', kk: 'пошта арқылы', en: 'by post' },
  IN_PERSON: { ru: 'нарочно', kk: 'қолма-қол', en: 'in person' },
};

/** R9: the decision of a reasoned reply, as the reader reads it. */
export const DECISION_NAMES: Record<string, Record<Language, string>> = {
  SATISFIED: { ru: 'жалоба удовлетворена', kk: 'шағым қанағаттандырылды', en: 'the complaint is upheld' },
  PARTIALLY_SATISFIED: { ru: 'жалоба удовлетворена частично', kk: 'шағым ішінара қанағаттандырылды', en: 'the complaint is partly upheld' },
  NOT_SATISFIED: { ru: 'в удовлетворении жалобы отказано', kk: 'шағымды қанағаттандырудан бас тартылды', en: 'the complaint is not upheld' },
};

/** R17: why review was refused. */
export const REFUSAL_REASON_NAMES: Record<string, Record<Language, string>> = {
  MISSING_REQUISITES: { ru: 'не указаны обязательные реквизиты', kk: 'міндетті деректемелер көрсетілмеген', en: 'required requisites are missing' },
  NO_SIGNATURE: { ru: 'жалоба не подписана', kk: 'шағымға қол қойылмаған', en: 'the complaint is not signed' },
  REPEAT_COMPLAINT: { ru: 'повторная жалоба', kk: 'қайталама шағым', en: 'a repeated complaint' },
  OUTSIDE_COMPETENCE: { ru: 'вопрос не относится к компетенции органа', kk: 'мәселе органның құзыретіне жатпайды', en: 'outside the body’s competence' },
  OTHER: { ru: 'иные основания', kk: 'өзге негіздер', en: 'other grounds' },
};

const name = (table: Record<string, Record<Language, string>>, key: unknown, lang: Language) => table[String(key)]?.[lang] ?? String(key);

const REGISTERED: Record<Language, Text> = {
  ru: { title: 'Жалоба зарегистрирована', description: (p) => `Входящий № ${p.number} от ${formatDate(String(p.date))}` },
  kk: { title: 'Шағым тіркелді', description: (p) => `Кіріс № ${p.number}, ${formatDate(String(p.date))}` },
  en: { title: 'Complaint registered', description: (p) => `Incoming No. ${p.number} of ${formatDate(String(p.date))}` },
};

/**
 * R7 + R18: the receiving body registered the forwarded complaint: where (the body, its own
 * number and date), why (the forwarding's reason), the earlier number (which stays on record),
 * and that the review term counts from this registration (R8).
 */
const REGISTERED_AFTER_FORWARDING: Record<Language, Text> = {
  ru: {
    title: 'Жалоба зарегистрирована в органе, куда направлена по компетенции',
    description: (p) =>
      `${p.atRu ? `${p.atRu}: в` : 'В'}ходящий № ${p.number} от ${formatDate(String(p.date))}. Причина направления: ${p.reason}.` +
      `${p.previousNumber ? ` Прежняя регистрация: № ${p.previousNumber} от ${formatDate(String(p.previousDate))}.` : ''} Срок рассмотрения исчисляется с этой даты.`,
  },
  kk: {
    title: 'Шағым құзыреті бойынша жолданған органда тіркелді',
    description: (p) =>
      `${p.atKk ? `${p.atKk}: к` : 'К'}іріс № ${p.number}, ${formatDate(String(p.date))}. Жолдау себебі: ${p.reason}.` +
      `${p.previousNumber ? ` Бұрынғы тіркеу: № ${p.previousNumber}, ${formatDate(String(p.previousDate))}.` : ''} Қарау мерзімі осы күннен бастап есептеледі.`,
  },
  en: {
    title: 'Complaint registered by the body it was forwarded to',
    description: (p) =>
      `${p.atEn ? `${p.atEn}: i` : 'I'}ncoming No. ${p.number} of ${formatDate(String(p.date))}. Forwarded because: ${p.reason}.` +
      `${p.previousNumber ? ` Earlier registration: No. ${p.previousNumber} of ${formatDate(String(p.previousDate))}.` : ''} The review term counts from this date.`,
  },
};

/** R11 texts in Russian, Kazakh and English. */
const TEXTS: Record<TimelineEventType, Texts> = {
  'complaint.submitted': {
    ru: { title: 'Жалоба подана', description: (p) => `Жалоба подана ${CHANNEL_NAMES[String(p.channel)]?.ru ?? ''}`.trim() },
    kk: { title: 'Шағым берілді', description: (p) => `Шағым ${CHANNEL_NAMES[String(p.channel)]?.kk ?? ''} берілді`.replace('  ', ' ') },
    en: { title: 'Complaint submitted', description: (p) => `Complaint submitted ${CHANNEL_NAMES[String(p.channel)]?.en ?? ''}`.trim() },
  },
  'complaint.delivered': {
    ru: { title: 'Жалоба доставлена', description: () => 'Жалоба поступила в канцелярию адресата' },
    kk: { title: 'Шағым жеткізілді', description: () => 'Шағым адресаттың кеңсесіне түсті' },
    en: { title: 'Complaint delivered', description: () => 'The complaint reached the addressee’s registry office' },
  },
  'complaint.escalated': {
    ru: { title: 'Жалоба обжалована в уполномоченный орган', description: (p) => `Подана жалоба в уполномоченный орган по оценке и контролю за качеством оказания государственных услуг${p.toRu ? ` (${p.toRu})` : ''}; срок рассмотрения — 15 рабочих дней` },
    kk: { title: 'Шағым уәкілетті органға берілді', description: (p) => `Мемлекеттік қызметтер көрсету сапасын бағалау және бақылау жөніндегі уәкілетті органға шағым берілді${p.toKk ? ` (${p.toKk})` : ''}; қарау мерзімі — 15 жұмыс күні` },
    en: { title: 'Complaint escalated to the authorized body', description: (p) => `A complaint was filed with the authorized body for quality control of public services${p.toEn ? ` (${p.toEn})` : ''}; it is reviewed within 15 working days` },
  },
  'complaint.registered': (p) => (p.forwarded ? REGISTERED_AFTER_FORWARDING : REGISTERED),
  'complaint.assigned': {
    ru: { title: 'Назначен ответственный исполнитель', description: (p) => `Исполнитель: ${p.executor}` },
    kk: { title: 'Жауапты орындаушы тағайындалды', description: (p) => `Орындаушы: ${p.executor}` },
    en: { title: 'Responsible executor appointed', description: (p) => `Executor: ${p.executor}` },
  },
  'deadline.set': byRule({
    ru: { title: 'Установлен срок рассмотрения', description: (p) => `Ответ будет дан до ${formatDate(String(p.dueOn))} включительно (${p.days} рабочих дней)` },
    kk: { title: 'Қарау мерзімі белгіленді', description: (p) => `Жауап ${formatDate(String(p.dueOn))} қоса алғанға дейін беріледі (${p.days} жұмыс күні)` },
    en: { title: 'Review term set', description: (p) => `A reply is due by ${formatDate(String(p.dueOn))} inclusive (${p.days} working days)` },
  }, {
    ru: { title: 'Установлен срок направления по компетенции', description: (p) => `Жалоба будет направлена в компетентный орган до ${formatDate(String(p.dueOn))} включительно (${p.days} рабочих дня со дня поступления)` },
    kk: { title: 'Құзыреті бойынша жолдау мерзімі белгіленді', description: (p) => `Шағым құзыретті органға ${formatDate(String(p.dueOn))} қоса алғанға дейін жолданады (түскен күннен бастап ${p.days} жұмыс күні)` },
    en: { title: 'Forwarding term set', description: (p) => `The complaint will be forwarded to the competent body by ${formatDate(String(p.dueOn))} inclusive (${p.days} working days from receipt)` },
  }),
  'complaint.outside-competence': {
    ru: { title: 'Жалоба не относится к компетенции органа', description: (p) => `Жалоба будет направлена по компетенции${p.toRu ? ` (${p.toRu})` : ''}. Причина: ${p.reason}` },
    kk: { title: 'Шағым органның құзыретіне жатпайды', description: (p) => `Шағым құзыреті бойынша жолданады${p.toKk ? ` (${p.toKk})` : ''}. Себебі: ${p.reason}` },
    en: { title: 'The complaint is outside the body’s competence', description: (p) => `It will be forwarded to the competent body${p.toEn ? ` (${p.toEn})` : ''}. Reason: ${p.reason}` },
  },
  'complaint.routed': {
    ru: { title: 'Жалоба направлена руководителю', description: (p) => `Руководитель: ${p.head}` },
    kk: { title: 'Шағым басшыға жолданды', description: (p) => `Басшы: ${p.head}` },
    en: { title: 'Complaint sent to the head', description: (p) => `Head: ${p.head}` },
  },
  'complaint.forwarded': {
    ru: { title: 'Жалоба направлена по компетенции', description: (p) => `${p.toRu ? `Направлена: ${p.toRu}. ` : ''}Причина: ${p.reason}` },
    kk: { title: 'Шағым құзыреті бойынша жолданды', description: (p) => `${p.toKk ? `Жолданды: ${p.toKk}. ` : ''}Себебі: ${p.reason}` },
    en: { title: 'Complaint forwarded to the competent body', description: (p) => `${p.toEn ? `Forwarded to: ${p.toEn}. ` : ''}Reason: ${p.reason}` },
  },
  'complaint.reassigned': {
    ru: { title: 'Назначен другой исполнитель', description: (p) => `Исполнитель: ${p.executor}` },
    kk: { title: 'Басқа орындаушы тағайындалды', description: (p) => `Орындаушы: ${p.executor}` },
    en: { title: 'Executor replaced', description: (p) => `Executor: ${p.executor}` },
  },
  'deadline.recomputed': {
    ru: { title: 'Срок рассмотрения пересчитан', description: (p) => `Новый срок — до ${formatDate(String(p.dueOn))} (был до ${formatDate(String(p.previousDueOn))})` },
    kk: { title: 'Қарау мерзімі қайта есептелді', description: (p) => `Жаңа мерзім — ${formatDate(String(p.dueOn))} дейін (бұрын ${formatDate(String(p.previousDueOn))} дейін)` },
    en: { title: 'Review term recalculated', description: (p) => `Now due by ${formatDate(String(p.dueOn))} (was ${formatDate(String(p.previousDueOn))})` },
  },
  'deadline.warning': byRule({
    ru: { title: 'Срок рассмотрения истекает', description: (p) => `Осталось рабочих дней: ${p.left}; срок — до ${formatDate(String(p.dueOn))}` },
    kk: { title: 'Қарау мерзімі аяқталып келеді', description: (p) => `Қалған жұмыс күндері: ${p.left}; мерзімі — ${formatDate(String(p.dueOn))} дейін` },
    en: { title: 'Review term ending', description: (p) => `Working days left: ${p.left}; due by ${formatDate(String(p.dueOn))}` },
  }, {
    ru: { title: 'Срок направления по компетенции истекает', description: (p) => `Осталось рабочих дней: ${p.left}; срок — до ${formatDate(String(p.dueOn))}` },
    kk: { title: 'Құзыреті бойынша жолдау мерзімі аяқталып келеді', description: (p) => `Қалған жұмыс күндері: ${p.left}; мерзімі — ${formatDate(String(p.dueOn))} дейін` },
    en: { title: 'Forwarding term ending', description: (p) => `Working days left: ${p.left}; due by ${formatDate(String(p.dueOn))}` },
  }),
  'deadline.breached': byRule({
    ru: { title: 'Срок рассмотрения нарушен', description: (p) => `Ответ не дан до ${formatDate(String(p.dueOn))}. Справки: единый контакт-центр 1414` },
    kk: { title: 'Қарау мерзімі бұзылды', description: (p) => `Жауап ${formatDate(String(p.dueOn))} дейін берілмеді. Анықтама: 1414 бірыңғай байланыс орталығы` },
    en: { title: 'Review term breached', description: (p) => `No reply by ${formatDate(String(p.dueOn))}. Information: contact center 1414` },
  }, {
    ru: { title: 'Срок направления по компетенции нарушен', description: (p) => `Жалоба не направлена в компетентный орган до ${formatDate(String(p.dueOn))}. Справки: единый контакт-центр 1414` },
    kk: { title: 'Құзыреті бойынша жолдау мерзімі бұзылды', description: (p) => `Шағым құзыретті органға ${formatDate(String(p.dueOn))} дейін жолданбады. Анықтама: 1414 бірыңғай байланыс орталығы` },
    en: { title: 'Forwarding term breached', description: (p) => `The complaint was not forwarded to the competent body by ${formatDate(String(p.dueOn))}. Information: contact center 1414` },
  }),
  'complaint.answered': {
    ru: { title: 'Дан мотивированный ответ', description: (p) => `Исходящий № ${p.number} от ${formatDate(String(p.date))}: ${name(DECISION_NAMES, p.decision, 'ru')}` },
    kk: { title: 'Дәлелді жауап берілді', description: (p) => `Шығыс № ${p.number}, ${formatDate(String(p.date))}: ${name(DECISION_NAMES, p.decision, 'kk')}` },
    en: { title: 'Reasoned reply given', description: (p) => `Outgoing No. ${p.number} of ${formatDate(String(p.date))}: ${name(DECISION_NAMES, p.decision, 'en')}` },
  },
  'complaint.refused': {
    ru: { title: 'Отказано в рассмотрении жалобы', description: (p) => `Исходящий № ${p.number} от ${formatDate(String(p.date))}: ${name(REFUSAL_REASON_NAMES, p.reason, 'ru')}` },
    kk: { title: 'Шағымды қараудан бас тартылды', description: (p) => `Шығыс № ${p.number}, ${formatDate(String(p.date))}: ${name(REFUSAL_REASON_NAMES, p.reason, 'kk')}` },
    en: { title: 'Review of the complaint refused', description: (p) => `Outgoing No. ${p.number} of ${formatDate(String(p.date))}: ${name(REFUSAL_REASON_NAMES, p.reason, 'en')}` },
  },
};

const ASSIGNED_TO_YOU: Texts = {
    ru: { title: 'Вам назначена жалоба', description: (p) => `Вы назначены ответственным исполнителем (${p.executor}). Срок ответа — 5 рабочих дней со дня регистрации (R8).` },
    kk: { title: 'Сізге шағым тағайындалды', description: (p) => `Сіз жауапты орындаушы болып тағайындалдыңыз (${p.executor}). Жауап беру мерзімі — тіркелген күннен бастап 5 жұмыс күні (R8).` },
    en: { title: 'A complaint was assigned to you', description: (p) => `You are the responsible executor (${p.executor}). A reply is due within 5 working days of registration (R8).` },
};

/** Messages to officials (R2): what they must act on. */
const OFFICIAL_TEXTS: Partial<Record<TimelineEventType, Texts>> = {
  'deadline.recomputed': {
    ru: { title: 'Срок по жалобе изменён производственным календарём', description: (p) => `Новый срок — до ${formatDate(String(p.dueOn))} включительно (был до ${formatDate(String(p.previousDueOn))}).` },
    kk: { title: 'Шағым бойынша мерзім өндірістік күнтізбеге байланысты өзгерді', description: (p) => `Жаңа мерзім — ${formatDate(String(p.dueOn))} қоса алғанға дейін (бұрын ${formatDate(String(p.previousDueOn))} дейін).` },
    en: { title: 'A complaint’s due date moved with the production calendar', description: (p) => `Now due by ${formatDate(String(p.dueOn))} inclusive (was ${formatDate(String(p.previousDueOn))}).` },
  },
  'complaint.assigned': ASSIGNED_TO_YOU,
  'complaint.reassigned': ASSIGNED_TO_YOU,
  'complaint.routed': {
    ru: { title: 'Поступила жалоба: назначьте исполнителя', description: () => 'Назначьте ответственного исполнителя (R2).' },
    kk: { title: 'Шағым түсті: орындаушы тағайындаңыз', description: () => 'Жауапты орындаушыны тағайындаңыз (R2).' },
    en: { title: 'A complaint awaits an executor', description: () => 'Appoint the responsible executor (R2).' },
  },
  'deadline.warning': byRule({
    ru: { title: 'Срок ответа по жалобе истекает', description: (p) => `Осталось рабочих дней: ${p.left}; ответ нужно дать до ${formatDate(String(p.dueOn))} включительно.` },
    kk: { title: 'Шағым бойынша жауап беру мерзімі аяқталып келеді', description: (p) => `Қалған жұмыс күндері: ${p.left}; жауапты ${formatDate(String(p.dueOn))} қоса алғанға дейін беру керек.` },
    en: { title: 'A reply to a complaint is due soon', description: (p) => `Working days left: ${p.left}; reply by ${formatDate(String(p.dueOn))} inclusive.` },
  }, {
    ru: { title: 'Направьте жалобу по компетенции', description: (p) => `Осталось рабочих дней: ${p.left}; жалобу нужно направить в компетентный орган до ${formatDate(String(p.dueOn))} включительно (R18).` },
    kk: { title: 'Шағымды құзыреті бойынша жолдаңыз', description: (p) => `Қалған жұмыс күндері: ${p.left}; шағымды құзыретті органға ${formatDate(String(p.dueOn))} қоса алғанға дейін жолдау керек (R18).` },
    en: { title: 'Forward the complaint to the competent body', description: (p) => `Working days left: ${p.left}; forward it by ${formatDate(String(p.dueOn))} inclusive (R18).` },
  }),
  'deadline.breached': byRule({
    ru: { title: 'Срок ответа по жалобе нарушен', description: (p) => `Ответ не дан до ${formatDate(String(p.dueOn))}.` },
    kk: { title: 'Шағым бойынша жауап беру мерзімі бұзылды', description: (p) => `Жауап ${formatDate(String(p.dueOn))} дейін берілмеді.` },
    en: { title: 'A reply to a complaint is overdue', description: (p) => `No reply by ${formatDate(String(p.dueOn))}.` },
  }, {
    ru: { title: 'Срок направления жалобы по компетенции нарушен', description: (p) => `Жалоба не направлена в компетентный орган до ${formatDate(String(p.dueOn))} (R18).` },
    kk: { title: 'Шағымды құзыреті бойынша жолдау мерзімі бұзылды', description: (p) => `Шағым құзыретті органға ${formatDate(String(p.dueOn))} дейін жолданбады (R18).` },
    en: { title: 'Forwarding a complaint is overdue', description: (p) => `The complaint was not forwarded to the competent body by ${formatDate(String(p.dueOn))} (R18).` },
  }),
};

/** Dates as people in Kazakhstan write them: DD.MM.YYYY. */
export function formatDate(date: string): string {
  const [y, m, d] = date.split('-');
  return `${d}.${m}.${y}`;
}

function textsOf(entry: TimelineEntry): Record<Language, Text> {
  const texts = (entry.audience === 'OFFICIAL' ? OFFICIAL_TEXTS[entry.type] : undefined) ?? TEXTS[entry.type];
  return typeof texts === 'function' ? texts(entry.params) : texts;
}

export function renderTitle(entry: TimelineEntry, language: Language): string {
  return textsOf(entry)[language].title;
}

export function renderDescription(entry: TimelineEntry, language: Language): string | null {
  return textsOf(entry)[language].description?.(entry.params) ?? null;
}
