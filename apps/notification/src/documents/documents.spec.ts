import type { ComplaintFile } from '../domain/complaint-file';
import { registrationReceipt, replyLetter } from '../domain/documents';
import { renderPdf } from './pdf';
import { pdfText } from './pdf-text';

const org = { ru: 'ЦОН г. Актау', kk: 'Ақтау қаласының ХҚКО', en: 'PSC Aktau' };
const file: ComplaintFile = {
  id: 'c-1',
  complainant: { recipientKey: 'iin:900101300017', kind: 'INDIVIDUAL', displayName: 'Серикова Айгерим Нурлановна', postalAddress: 'Актау, 14 мкр, дом 1, кв. 5' },
  language: 'ru',
  channel: 'PORTAL',
  subject: 'Отказ в приёме документов',
  addresseeOrganizationId: 'org-psc-aktau',
  registration: { organizationId: 'org-psc-aktau', organizationCode: 'PSCAKT', incomingNumber: 'PSCAKT-2026-00001', registeredOn: '2026-11-30', registeredAt: '2026-11-30T05:00:00.000Z', entryHash: '3f'.repeat(32) },
  assignment: { organizationId: 'org-psc-aktau', executorOfficialId: 'off-1', executorName: 'Утепова Гульнара Сериковна', executorPosition: 'главный специалист' },
  reply: {
    kind: 'ANSWER',
    organizationId: 'org-psc-aktau',
    outgoingNumber: 'PSCAKT-OUT-2026-00004',
    on: '2026-12-03',
    at: '2026-12-03T09:00:00.000Z',
    outcome: 'SATISFIED',
    reasoning: 'Документы приняты повторно, сотруднику объявлено замечание.',
    legalBasis: 'Закон РК «О государственных услугах», ст. 25',
    executorOfficialId: 'off-1',
  },
};

/**
 * Text extraction breaks lines where the layout wrapped them, and pdf.js reads compatibility
 * characters in NFKC (№ comes back as "No"): compare both sides the same way.
 */
const squash = (s: string) => s.normalize('NFKC').replace(/\s+/g, ' ');
const expectText = (text: string) => ({ toContain: (s: string) => expect(text).toContain(squash(s)) });

describe('printable documents (R7, R9) rendered to PDF and read back', () => {
  it('prints the registration receipt in Russian: organization, incoming number, date, stamp (R7)', async () => {
    const text = squash(await pdfText(await renderPdf(registrationReceipt(file, org, 'ru'))));
    expectText(text).toContain('ЦОН г. Актау');
    expectText(text).toContain('Расписка о регистрации жалобы');
    expectText(text).toContain('Входящий номер: PSCAKT-2026-00001');
    expectText(text).toContain('Дата регистрации: 30.11.2026');
    expectText(text).toContain('Заявитель: Серикова Айгерим Нурлановна');
    expectText(text).toContain('ЗАРЕГИСТРИРОВАНО');
    expectText(text).toContain('Вх. № PSCAKT-2026-00001');
    expectText(text).toContain('5 рабочих дней');
    expectText(text).toContain(`Контрольный код записи журнала: ${'3f'.repeat(32)}`);
    expectText(text).toContain('1414');
  });

  it('prints the receipt in Kazakh with the Kazakh letters intact', async () => {
    const text = squash(await pdfText(await renderPdf(registrationReceipt(file, org, 'kk'))));
    expectText(text).toContain('Ақтау қаласының ХҚКО');
    expectText(text).toContain('Шағымның тіркелгені туралы қолхат');
    expectText(text).toContain('Кіріс нөмірі: PSCAKT-2026-00001');
    expectText(text).toContain('Тіркелген күні: 30.11.2026');
    expectText(text).toContain('ТІРКЕЛДІ');
    expectText(text).toContain('1414 бірыңғай байланыс орталығынан');
  });

  it('prints the reply letter in Russian: outgoing number, decision, reasoning, escalation (R12), court (R14), 1414', async () => {
    const text = squash(await pdfText(await renderPdf(replyLetter(file, org, 'ru'))));
    expectText(text).toContain('Исх. № PSCAKT-OUT-2026-00004 от 03.12.2026');
    expectText(text).toContain('Серикова Айгерим Нурлановна');
    expectText(text).toContain('Мотивированный ответ на жалобу');
    expectText(text).toContain('Жалоба: вх. № PSCAKT-2026-00001 от 30.11.2026');
    expectText(text).toContain('Решение: жалоба удовлетворена');
    expectText(text).toContain('Документы приняты повторно, сотруднику объявлено замечание.');
    expectText(text).toContain('Правовое основание: Закон РК «О государственных услугах», ст. 25');
    expectText(text).toContain('уполномоченный орган по оценке и контролю за качеством оказания государственных услуг');
    expectText(text).toContain('15 рабочих дней');
    expectText(text).toContain('обратиться в суд');
    expectText(text).toContain('контакт-центре 1414');
  });

  it('prints a refusal (R17) in Kazakh as a reasoned reply with the same rights', async () => {
    const refused: ComplaintFile = { ...file, reply: { ...file.reply!, kind: 'REFUSAL', outcome: 'NO_SIGNATURE', reasoning: 'Шағымға қол қойылмаған.' } };
    const text = squash(await pdfText(await renderPdf(replyLetter(refused, org, 'kk'))));
    expectText(text).toContain('Шығыс № PSCAKT-OUT-2026-00004, 03.12.2026');
    expectText(text).toContain('Шағымды қараудан бас тарту');
    expectText(text).toContain('Бас тарту негізі: шағымға қол қойылмаған');
    expectText(text).toContain('уәкілетті органға шағымдануға құқығыңыз бар');
    expectText(text).toContain('сотқа жүгінуге');
    expectText(text).toContain('1414');
  });
});
