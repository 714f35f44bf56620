import type { LocalizedText } from '@shagym/contracts';
import type { ComplaintFile } from './complaint-file';
import type { DocumentKind, DocumentLanguage } from './document-link';
import { DECISION_NAMES, formatDate, REFUSAL_REASON_NAMES } from './timeline';

/** A printable document as blocks of text; the PDF renderer lays them out, tests read them back. */
export interface DocumentContent {
  fileName: string;
  /** The organization, at the top of the page. */
  letterhead: string;
  /** Right-aligned lines under the letterhead (outgoing number; addressee). */
  meta: string[];
  title: string;
  fields: Array<{ label: string; value: string }>;
  paragraphs: string[];
  /** R7: the registry office's stamp. */
  stamp?: string[];
  footer: string;
}

const CHANNEL: Record<string, Record<DocumentLanguage, string>> = {
  PORTAL: { ru: 'электронно, через портал', kk: 'электронды түрде, портал арқылы' },
  POST: { ru: 'по почте', kk: 'пошта арқылы' },
  IN_PERSON: { ru: 'нарочно', kk: 'қолма-қол' },
};

const CONTACT_1414: Record<DocumentLanguage, string> = {
  ru: 'Информацию о порядке обжалования можно получить в едином контакт-центре 1414 (R10).',
  kk: 'Шағымдану тәртібі туралы ақпаратты 1414 бірыңғай байланыс орталығынан алуға болады (R10).',
};

/** Why a document cannot be printed yet (or at all) for this complaint. */
export function unavailableReason(kind: DocumentKind, file: ComplaintFile): string | null {
  if (kind === 'REGISTRATION_RECEIPT') return file.registration ? null : 'the complaint is not registered yet (R7)';
  return file.reply ? null : 'no reply has been given yet (R9, R17)';
}

/** R7: the registration receipt, the proof of acceptance: organization, incoming number, date, stamp. */
export function registrationReceipt(file: ComplaintFile, organization: LocalizedText | null, lang: DocumentLanguage): DocumentContent {
  const reg = file.registration;
  if (!reg) throw new Error(`complaint ${file.id} is not registered`);
  const org = organization?.[lang] ?? reg.organizationCode;
  const date = formatDate(reg.registeredOn);
  const ru = lang === 'ru';
  return {
    fileName: `receipt-${reg.incomingNumber}-${lang}.pdf`,
    letterhead: org,
    meta: [],
    title: ru ? 'Расписка о регистрации жалобы' : 'Шағымның тіркелгені туралы қолхат',
    fields: [
      { label: ru ? 'Входящий номер' : 'Кіріс нөмірі', value: reg.incomingNumber },
      { label: ru ? 'Дата регистрации' : 'Тіркелген күні', value: date },
      { label: ru ? 'Заявитель' : 'Шағым беруші', value: file.complainant?.displayName ?? '—' },
      { label: ru ? 'Предмет жалобы' : 'Шағымның мәні', value: file.subject ?? '—' },
      { label: ru ? 'Способ подачи' : 'Беру тәсілі', value: CHANNEL[file.channel ?? '']?.[lang] ?? '—' },
      // The registry journal's chained entry hash: lets anyone check the receipt against the journal.
      ...(reg.entryHash ? [{ label: ru ? 'Контрольный код записи журнала' : 'Журнал жазбасының бақылау коды', value: reg.entryHash }] : []),
    ],
    paragraphs: ru
      ? [
          `Жалоба принята и зарегистрирована канцелярией: ${org}. Регистрация является подтверждением принятия жалобы.`,
          `Жалоба рассматривается в течение 5 рабочих дней со дня её регистрации. Ход рассмотрения отображается в личном кабинете.`,
        ]
      : [
          `Шағымды ${org} кеңсесі қабылдап, тіркеді. Тіркеу шағымның қабылданғанын растайды.`,
          `Шағым тіркелген күнінен бастап 5 жұмыс күні ішінде қаралады. Қарау барысы жеке кабинетте көрсетіледі.`,
        ],
    stamp: [ru ? 'ЗАРЕГИСТРИРОВАНО' : 'ТІРКЕЛДІ', org, `${ru ? 'Вх. №' : 'Кіріс №'} ${reg.incomingNumber}`, `${ru ? 'от' : 'күні'} ${date}`],
    footer: CONTACT_1414[lang],
  };
}

/**
 * R9: the reasoned reply (or R17: the refusal, itself a reasoned reply), with the right to
 * escalate to the authorized body (R12, R13) and to go to court (R14), and 1414 (R10).
 */
export function replyLetter(file: ComplaintFile, organization: LocalizedText | null, lang: DocumentLanguage): DocumentContent {
  const reply = file.reply;
  if (!reply) throw new Error(`complaint ${file.id} has no reply`);
  const ru = lang === 'ru';
  const org = organization?.[lang] ?? file.registration?.organizationCode ?? reply.organizationId;
  const date = formatDate(reply.on);
  const incoming = file.registration ? `${file.registration.incomingNumber}${ru ? ' от' : ','} ${formatDate(file.registration.registeredOn)}` : '—';
  const refusal = reply.kind === 'REFUSAL';
  const outcome = refusal ? REFUSAL_REASON_NAMES[reply.outcome]?.[lang] : DECISION_NAMES[reply.outcome]?.[lang];
  const executor = file.assignment?.executorOfficialId === reply.executorOfficialId ? file.assignment.executorName : undefined;
  return {
    fileName: `reply-${reply.outgoingNumber}-${lang}.pdf`,
    letterhead: org,
    meta: [
      `${ru ? 'Исх. №' : 'Шығыс №'} ${reply.outgoingNumber}${ru ? ' от' : ','} ${date}`,
      file.complainant?.displayName ?? '',
      file.complainant?.postalAddress ?? '',
    ].filter(Boolean),
    title: refusal ? (ru ? 'Отказ в рассмотрении жалобы' : 'Шағымды қараудан бас тарту') : ru ? 'Мотивированный ответ на жалобу' : 'Шағымға дәлелді жауап',
    fields: [
      { label: ru ? 'Жалоба' : 'Шағым', value: ru ? `вх. № ${incoming}` : `кіріс № ${incoming}` },
      { label: refusal ? (ru ? 'Основание отказа' : 'Бас тарту негізі') : ru ? 'Решение' : 'Шешім', value: outcome ?? reply.outcome },
      ...(executor ? [{ label: ru ? 'Исполнитель' : 'Орындаушы', value: executor }] : []),
      ...(reply.legalBasis ? [{ label: ru ? 'Правовое основание' : 'Құқықтық негіз', value: reply.legalBasis }] : []),
    ],
    paragraphs: [
      ru ? 'Обоснование:' : 'Негіздеме:',
      reply.reasoning,
      ru
        ? 'Если вы не согласны с результатом, вы вправе обжаловать его в уполномоченный орган по оценке и контролю за качеством оказания государственных услуг; жалоба рассматривается в течение 15 рабочих дней со дня её регистрации.'
        : 'Нәтижемен келіспеген жағдайда мемлекеттік қызметтер көрсету сапасын бағалау және бақылау жөніндегі уәкілетті органға шағымдануға құқығыңыз бар; шағым тіркелген күнінен бастап 15 жұмыс күні ішінде қаралады.',
      ru
        ? 'Вы также вправе обратиться в суд в порядке, установленном законодательством Республики Казахстан.'
        : 'Сондай-ақ Қазақстан Республикасының заңнамасында белгіленген тәртіппен сотқа жүгінуге құқығыңыз бар.',
    ],
    footer: CONTACT_1414[lang],
  };
}

export function documentContent(kind: DocumentKind, file: ComplaintFile, organization: LocalizedText | null, lang: DocumentLanguage): DocumentContent {
  return kind === 'REGISTRATION_RECEIPT' ? registrationReceipt(file, organization, lang) : replyLetter(file, organization, lang);
}
