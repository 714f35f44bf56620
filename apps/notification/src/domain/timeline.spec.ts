import { createEvent } from '@shagym/contracts';
import { complaintForwarded, complaintOutsideCompetence, complaintRegistered, complaintRegisteredAfterForwarding } from '@shagym/testing';
import { organizationNamedBy, renderDescription, renderTitle, sortTimeline, toTimelineEntry, type TimelineEntry } from './timeline';

const entry = (type: TimelineEntry['type'], occurredAt: string, params: TimelineEntry['params'] = {}): TimelineEntry => ({
  id: `${type}-${occurredAt}`,
  complaintId: 'c-1',
  type,
  occurredAt,
  params,
});

describe('timeline (R11)', () => {
  it('renders every step in Russian, Kazakh and English', () => {
    const registered = entry('complaint.registered', '2026-11-30T05:00:00.000Z', { number: 'PSCAKT-2026-00001', date: '2026-11-30' });
    expect(renderTitle(registered, 'ru')).toBe('Жалоба зарегистрирована');
    expect(renderTitle(registered, 'kk')).toBe('Шағым тіркелді');
    expect(renderTitle(registered, 'en')).toBe('Complaint registered');
    expect(renderDescription(registered, 'ru')).toBe('Входящий № PSCAKT-2026-00001 от 30.11.2026');
    expect(renderDescription(registered, 'en')).toBe('Incoming No. PSCAKT-2026-00001 of 30.11.2026');
    const due = entry('deadline.set', '2026-11-30T05:00:01.000Z', { dueOn: '2026-12-07', days: 5 });
    expect(renderDescription(due, 'kk')).toBe('Жауап 07.12.2026 қоса алғанға дейін беріледі (5 жұмыс күні)');
  });

  it('orders entries by when they happened, not by arrival, with lifecycle order for ties', () => {
    const t = '2026-11-30T05:00:00.000Z';
    const sorted = sortTimeline([
      entry('deadline.set', t),
      entry('complaint.assigned', t),
      entry('complaint.submitted', '2026-11-30T04:59:59.000Z'),
      entry('complaint.registered', t),
    ]);
    expect(sorted.map((e) => e.type)).toEqual(['complaint.submitted', 'complaint.registered', 'complaint.assigned', 'deadline.set']);
  });
});

describe('timeline: the reply and the refusal (R9, R17, R11)', () => {
  it('tells the decision of a reasoned reply with its outgoing number, in three languages', () => {
    const answered = entry('complaint.answered', '2026-12-03T10:00:00.000Z', { number: 'PSCAKT-OUT-2026-00007', date: '2026-12-03', decision: 'PARTIALLY_SATISFIED' });
    expect(renderTitle(answered, 'ru')).toBe('Дан мотивированный ответ');
    expect(renderDescription(answered, 'ru')).toBe('Исходящий № PSCAKT-OUT-2026-00007 от 03.12.2026: жалоба удовлетворена частично');
    expect(renderDescription(answered, 'kk')).toBe('Шығыс № PSCAKT-OUT-2026-00007, 03.12.2026: шағым ішінара қанағаттандырылды');
    expect(renderDescription(answered, 'en')).toBe('Outgoing No. PSCAKT-OUT-2026-00007 of 03.12.2026: the complaint is partly upheld');
  });

  it('shows a refusal with its reason (R17)', () => {
    const refused = entry('complaint.refused', '2026-12-01T10:00:00.000Z', { number: 'OUT-1', date: '2026-12-01', reason: 'NO_SIGNATURE' });
    expect(renderTitle(refused, 'kk')).toBe('Шағымды қараудан бас тартылды');
    expect(renderDescription(refused, 'ru')).toBe('Исходящий № OUT-1 от 01.12.2026: жалоба не подписана');
  });

  it('writes to the appointed executor in their own words (R2)', () => {
    const assigned: TimelineEntry = { ...entry('complaint.assigned', '2026-11-30T06:00:00.000Z', { executor: 'Утепова Г. С.' }), audience: 'OFFICIAL' };
    expect(renderTitle(assigned, 'ru')).toBe('Вам назначена жалоба');
    expect(renderTitle({ ...assigned, audience: undefined }, 'ru')).toBe('Назначен ответственный исполнитель');
    expect(renderDescription(assigned, 'kk')).toContain('5 жұмыс күні');
  });

  it('places the reply after everything before it, whatever the arrival order', () => {
    const sorted = sortTimeline([
      entry('complaint.answered', '2026-12-03T10:00:00.000Z'),
      entry('deadline.set', '2026-11-30T05:00:01.000Z'),
      entry('complaint.submitted', '2026-11-30T04:00:00.000Z'),
    ]);
    expect(sorted.map((e) => e.type)).toEqual(['complaint.submitted', 'deadline.set', 'complaint.answered']);
  });
});

describe('timeline: routing, forwarding and the term’s warnings (R2, R18, R8)', () => {
  it('names where a forwarded complaint went and why (R18)', () => {
    const forwarded = entry('complaint.forwarded', '2026-12-01T10:00:00.000Z', { reason: 'вопрос акимата', toRu: 'Акимат', toKk: 'Әкімдік', toEn: 'Akimat' });
    expect(renderDescription(forwarded, 'kk')).toBe('Жолданды: Әкімдік. Себебі: вопрос акимата');
    expect(renderDescription({ ...forwarded, params: { reason: 'r' } }, 'en')).toBe('Reason: r');
  });

  it('shows a breached term to the complainant with the contact center, and warns the official', () => {
    expect(renderDescription(entry('deadline.breached', '2026-12-08T00:00:00.000Z', { dueOn: '2026-12-07' }), 'ru')).toBe(
      'Ответ не дан до 07.12.2026. Справки: единый контакт-центр 1414',
    );
    const warning: TimelineEntry = { ...entry('deadline.warning', '2026-12-04T04:00:00.000Z', { dueOn: '2026-12-07', left: 1 }), audience: 'OFFICIAL' };
    expect(renderTitle(warning, 'ru')).toBe('Срок ответа по жалобе истекает');
    expect(renderDescription(warning, 'kk')).toBe('Қалған жұмыс күндері: 1; жауапты 07.12.2026 қоса алғанға дейін беру керек.');
  });

  it('R18: tells the complainant the body will forward it, by when; reminds the head to forward, in three languages', () => {
    const outside = entry('complaint.outside-competence', '2026-12-01T03:00:00.000Z', { reason: 'вопрос полиции', toRu: 'ДП', toKk: 'ПД', toEn: 'Police' });
    expect(renderTitle(outside, 'en')).toBe('The complaint is outside the body’s competence');
    expect(renderDescription(outside, 'ru')).toBe('Жалоба будет направлена по компетенции (ДП). Причина: вопрос полиции');
    const term = entry('deadline.set', '2026-12-01T03:00:01.000Z', { dueOn: '2026-12-03', days: 3, rule: 'R18' });
    expect(renderTitle(term, 'ru')).toBe('Установлен срок направления по компетенции');
    expect(renderDescription(term, 'kk')).toBe('Шағым құзыретті органға 03.12.2026 қоса алғанға дейін жолданады (түскен күннен бастап 3 жұмыс күні)');
    expect(renderDescription(term, 'en')).toBe('The complaint will be forwarded to the competent body by 03.12.2026 inclusive (3 working days from receipt)');
    const warning: TimelineEntry = { ...entry('deadline.warning', '2026-12-02T04:00:00.000Z', { dueOn: '2026-12-03', left: 2, rule: 'R18' }), audience: 'OFFICIAL' };
    expect(renderTitle(warning, 'kk')).toBe('Шағымды құзыреті бойынша жолдаңыз');
    expect(renderDescription(warning, 'en')).toBe('Working days left: 2; forward it by 03.12.2026 inclusive (R18).');
    const breached = entry('deadline.breached', '2026-12-03T19:00:00.000Z', { dueOn: '2026-12-03', rule: 'R18' });
    expect(renderTitle(breached, 'ru')).toBe('Срок направления по компетенции нарушен');
    // The review term's texts stay as they were for R8 / R13.
    expect(renderTitle({ ...breached, params: { dueOn: '2026-12-03', rule: 'R8' } }, 'ru')).toBe('Срок рассмотрения нарушен');
  });

  it('names the body a forwarding, a declaration outside the competence and an escalation point to', () => {
    const names = (id: string) => ({ ru: `ru:${id}`, kk: `kk:${id}`, en: `en:${id}` });
    const forwarded = complaintForwarded('org-a', 'org-b', 'c-1', new Date('2026-12-01T05:00:00.000Z'), '2026-11-30');
    const outside = complaintOutsideCompetence('org-a', 'c-1', new Date('2026-12-01T04:00:00.000Z'), '2026-11-30', 'org-c');
    const escalated = createEvent({
      type: 'complaint.escalated',
      source: 'intake',
      subject: 'c-1',
      correlationId: 'k',
      data: { complaintId: 'c-1', escalationComplaintId: 'c-2', authorizedBodyId: 'org-adgs', escalatedAt: '2026-12-10T05:00:00.000Z' },
    });
    expect([organizationNamedBy(forwarded), organizationNamedBy(outside), organizationNamedBy(escalated)]).toEqual(['org-b', 'org-c', 'org-adgs']);
    expect(renderDescription(toTimelineEntry(outside, names), 'en')).toBe('It will be forwarded to the competent body (en:org-c). Reason: Вопрос относится к компетенции другого органа');
  });

  it('R7 + R18: tells where a forwarded complaint was registered, why it went there and its earlier number, in ru/kk/en (R8: the term counts from it)', () => {
    const names = (id: string) => ({ ru: `ru:${id}`, kk: `kk:${id}`, en: `en:${id}` });
    const first = complaintRegistered('org-a', 'c-1', new Date('2026-11-30T05:00:00.000Z'));
    const forwarded = complaintForwarded('org-a', 'org-b', 'c-1', new Date('2026-12-01T05:00:00.000Z'), '2026-11-30');
    const received = complaintRegisteredAfterForwarding(forwarded, new Date('2026-12-02T05:00:00.000Z'), 7, first);
    expect(organizationNamedBy(received)).toBe('org-b');
    expect(organizationNamedBy(first)).toBeNull();
    const e = toTimelineEntry(received, names);
    expect(renderTitle(e, 'ru')).toBe('Жалоба зарегистрирована в органе, куда направлена по компетенции');
    expect(renderTitle(e, 'kk')).toBe('Шағым құзыреті бойынша жолданған органда тіркелді');
    expect(renderTitle(e, 'en')).toBe('Complaint registered by the body it was forwarded to');
    expect(renderDescription(e, 'ru')).toBe('ru:org-b: входящий № RCV-2026-00007 от 02.12.2026. Причина направления: вне компетенции. Прежняя регистрация: № TST-2026-00001 от 30.11.2026. Срок рассмотрения исчисляется с этой даты.');
    expect(renderDescription(e, 'kk')).toBe('kk:org-b: кіріс № RCV-2026-00007, 02.12.2026. Жолдау себебі: вне компетенции. Бұрынғы тіркеу: № TST-2026-00001, 30.11.2026. Қарау мерзімі осы күннен бастап есептеледі.');
    expect(renderDescription(e, 'en')).toBe('en:org-b: incoming No. RCV-2026-00007 of 02.12.2026. Forwarded because: вне компетенции. Earlier registration: No. TST-2026-00001 of 30.11.2026. The review term counts from this date.');
    // The first registration's text is unchanged.
    expect(renderDescription(toTimelineEntry(first, names), 'en')).toBe('Incoming No. TST-2026-00001 of 30.11.2026');
  });
});
