import { createEvent } from '@shagym/contracts';
import type { RunningService } from '@shagym/service-kit';
import {
  as,
  complaintAnswered,
  complaintAssigned,
  complaintForwarded,
  complaintRegistered,
  complaintSubmitted,
  complaintSubmittedBy,
  entitiesQuery,
  gql,
  IDENTITIES,
  isolatedEnv,
  organizationUpserted,
  publishEvents,
  randomIin,
  recordCommands,
  startInProcess,
  waitFor,
} from '@shagym/testing';
import { loadNotificationConfig, startNotification } from './app';
import { pdfText } from './documents/pdf-text';

const TIMELINE = entitiesQuery('Complaint', 'timeline { type title(language: KK) description(language: EN) ruTitle: title }');
const INBOX = `query($unreadOnly: Boolean) { myNotifications(unreadOnly: $unreadOnly) {
  id read complaint { id } message { type title(language: RU) description(language: RU) }
  deliveries { channel to status attempts reason }
} myUnreadCount }`;

describe('notification against the real Kafka and FerretDB (R11, R7, R9)', () => {
  const iso = isolatedEnv('notify');
  const commands = recordCommands('notify');
  let svc: RunningService;

  beforeAll(async () => {
    await iso.createTopics();
    // Strict: no anonymous reads, no SMTP server or SMS gateway configured.
    svc = await startInProcess(iso, 'notification', (env) => startNotification(loadNotificationConfig(env)), { TIMELINE_ANONYMOUS: 'deny', MONGO_COMMAND_LOG: commands.file });
  });

  afterAll(async () => {
    await svc?.stop();
    await iso.cleanup();
    commands.cleanup();
  });

  it('records each step once, in the order it happened, in the reader’s language', async () => {
    const submitted = complaintSubmitted('org-x');
    const id = submitted.subject;
    const owner = as(IDENTITIES.citizen(submitted.data.complainant.kind === 'INDIVIDUAL' ? submitted.data.complainant.iin : ''));
    const registered = complaintRegistered('org-x', id, new Date(Date.parse(submitted.data.submittedAt) + 1000));
    const deadline = createEvent({
      type: 'deadline.set',
      source: 'deadline',
      subject: id,
      correlationId: registered.correlationId,
      time: new Date(Date.parse(registered.data.registeredAt) + 1000),
      data: { complaintId: id, rule: 'R8', termWorkingDays: 5, startsOn: '2026-11-30', dueOn: '2026-12-07', dueAt: '2026-12-07T18:59:59.999Z' },
    });
    // Late and redelivered: the deadline arrives first, the registration twice.
    await publishEvents(iso.topic('complaints'), [deadline, registered, submitted, registered]);
    const timeline = await waitFor('three entries', async () => {
      const res = await gql(svc.url, TIMELINE, { representations: [{ __typename: 'Complaint', id }] }, owner);
      const entries = res.data?._entities?.[0]?.timeline;
      return entries?.length >= 3 ? entries : undefined;
    });
    await new Promise((r) => setTimeout(r, 500)); // let a duplicate, if any, land
    const again = (await gql(svc.url, TIMELINE, { representations: [{ __typename: 'Complaint', id }] }, owner)).data._entities[0].timeline;
    expect(again).toEqual(timeline);
    expect(timeline.map((e: { type: string }) => e.type)).toEqual(['complaint.submitted', 'complaint.registered', 'deadline.set']);
    expect(timeline[1].title).toBe('Шағым тіркелді');
    expect(timeline[1].ruTitle).toBe('Жалоба зарегистрирована'); // the schema's default language
    expect(timeline[1].description).toBe(`Incoming No. ${registered.data.incomingNumber} of ${registered.data.registeredOn.split('-').reverse().join('.')}`);
  });

  it('warns the executor before the term ends and tells the executor, the head and the complainant when it is breached (R2, R8)', async () => {
    const iin = randomIin();
    const org = `org-term-${iso.id}`;
    const [head, executor] = [`head-${iso.id}`, `exec-${iso.id}`];
    const t0 = new Date('2026-11-30T04:00:00.000Z');
    const submitted = complaintSubmittedBy(org, { iin }, { submittedAt: t0 });
    const id = submitted.subject;
    const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
    const term = { complaintId: id, organizationId: org, rule: 'R8' as const, dueOn: '2026-12-07', dueAt: '2026-12-07T18:59:59.999Z' };
    const routed = createEvent({
      type: 'complaint.routed',
      source: 'routing',
      subject: id,
      correlationId: 'k',
      data: { complaintId: id, organizationId: org, head: { officialId: head, fullName: 'Руководитель' }, rule: 'R2', routedAt: at(2).toISOString() },
    });
    const warning = createEvent({
      type: 'deadline.warning',
      source: 'deadline',
      subject: id,
      correlationId: 'k',
      data: { ...term, warning: '1WD@09:00', remainingWorkingDays: 1, scheduledFor: '2026-12-06T04:00:00.000Z', firedAt: '2026-12-06T04:00:00.000Z' },
    });
    const breached = createEvent({
      type: 'deadline.breached',
      source: 'deadline',
      subject: id,
      correlationId: 'k',
      data: { ...term, scheduledFor: '2026-12-07T19:00:00.000Z', firedAt: '2026-12-07T19:00:00.000Z' },
    });
    await publishEvents(iso.topic('complaints'), [
      submitted,
      complaintRegistered(org, id, at(1), 1),
      routed,
      complaintAssigned(org, id, { officialId: executor, fullName: 'Исполнитель Тест' }, at(3)),
      warning,
      breached,
    ]);
    const inboxOf = (headers: Record<string, string>, n: number) =>
      waitFor(`${n} messages`, async () => {
        const list = (await gql(svc.url, INBOX, {}, headers)).data?.myNotifications;
        return list?.length === n ? list.map((m: { message: { type: string; title: string } }) => [m.message.type, m.message.title]) : undefined;
      });
    expect(await inboxOf(as(IDENTITIES.executor(org, executor)), 3)).toEqual([
      ['deadline.breached', 'Срок ответа по жалобе нарушен'],
      ['deadline.warning', 'Срок ответа по жалобе истекает'],
      ['complaint.assigned', 'Вам назначена жалоба'],
    ]);
    expect(await inboxOf(as(IDENTITIES.head(org, head)), 2)).toEqual([
      ['deadline.breached', 'Срок ответа по жалобе нарушен'],
      ['complaint.routed', 'Поступила жалоба: назначьте исполнителя'],
    ]);
    // The complainant: every step but the officials' reminder; the timeline has all of them.
    const mine = await inboxOf(as(IDENTITIES.citizen(iin)), 5);
    expect(mine.map(([type]: string[]) => type)).toEqual(['deadline.breached', 'complaint.assigned', 'complaint.routed', 'complaint.registered', 'complaint.submitted']);
    const timeline = await gql(svc.url, TIMELINE, { representations: [{ __typename: 'Complaint', id }] }, as(IDENTITIES.citizen(iin)));
    expect(timeline.data._entities[0].timeline.map((e: { type: string }) => e.type)).toEqual([
      'complaint.submitted',
      'complaint.registered',
      'complaint.routed',
      'complaint.assigned',
      'deadline.warning',
      'deadline.breached',
    ]);
  });

  describe('a complainant’s cabinet, an official’s inbox and the documents', () => {
    const iin = randomIin();
    const stranger = randomIin();
    const org = `org-${iso.id}`;
    const t0 = new Date('2026-11-30T04:00:00.000Z');
    const submitted = complaintSubmittedBy(org, { iin, surname: 'Ержанова', givenName: 'Әсем', email: 'asem@example.kz', phone: '+77011234567' }, { submittedAt: t0 });
    const id = submitted.subject;
    const registered = complaintRegistered(org, id, new Date(t0.getTime() + 60_000), 7);
    const assigned = complaintAssigned(org, id, { officialId: `off-${iso.id}`, fullName: 'Утепова Гульнара Сериковна' }, new Date(t0.getTime() + 120_000));
    const answered = complaintAnswered(org, id, `off-${iso.id}`, new Date('2026-12-03T09:00:00.000Z'), { decision: 'PARTIALLY_SATISFIED' });
    const owner = as(IDENTITIES.citizen(iin));

    beforeAll(async () => {
      await publishEvents(iso.topic('directory'), [
        organizationUpserted(org, { name: { ru: 'ЦОН города Актау', kk: 'Ақтау қаласының ХҚКО', en: 'PSC Aktau' } }),
      ]);
      // The reply is redelivered; the directory arrives before the complaint.
      await publishEvents(iso.topic('complaints'), [submitted, registered, assigned, answered, answered]);
      await waitFor('four messages in the inbox', async () => {
        const res = await gql(svc.url, INBOX, {}, owner);
        return res.data?.myNotifications?.length === 4 ? true : undefined;
      });
    });

    it('lists only the signed-in complainant’s complaints (R11)', async () => {
      const mine = await gql(svc.url, '{ myComplaints { id } }', {}, owner);
      expect(mine.data.myComplaints).toEqual([{ id }]);
      const theirs = await gql(svc.url, '{ myComplaints { id } }', {}, as(IDENTITIES.citizen(stranger)));
      expect(theirs.data.myComplaints).toEqual([]);
      const anonymous = await gql(svc.url, '{ myComplaints { id } }');
      expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('shows the timeline to the complainant and the handling organization, to nobody else', async () => {
      const ask = (headers: Record<string, string>) => gql(svc.url, TIMELINE, { representations: [{ __typename: 'Complaint', id }] }, headers);
      const own = await ask(owner);
      expect(own.data._entities[0].timeline.map((e: { type: string }) => e.type)).toEqual([
        'complaint.submitted',
        'complaint.registered',
        'complaint.assigned',
        'complaint.answered',
      ]);
      expect((await ask(as(IDENTITIES.head(org, 'head-1')))).errors).toBeUndefined();
      expect((await ask(as(IDENTITIES.citizen(stranger)))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect((await ask(as(IDENTITIES.head('org-elsewhere', 'head-2')))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect((await ask({})).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('keeps one message per step in the inbox, counts the unread and marks them read', async () => {
      const res = await gql(svc.url, INBOX, {}, owner);
      expect(res.errors).toBeUndefined();
      const inbox = res.data.myNotifications;
      expect(inbox.map((n: { message: { type: string } }) => n.message.type)).toEqual([
        'complaint.answered',
        'complaint.assigned',
        'complaint.registered',
        'complaint.submitted',
      ]);
      expect(inbox[0].message).toMatchObject({ title: 'Дан мотивированный ответ', description: 'Исходящий № OUT-2026-00001 от 03.12.2026: жалоба удовлетворена частично' });
      expect(res.data.myUnreadCount).toBe(4);
      // No SMTP server or SMS gateway here: the copies are recorded as not sent, with the reason.
      expect(inbox[0].deliveries).toEqual([
        { channel: 'EMAIL', to: 'asem@example.kz', status: 'DISABLED', attempts: 0, reason: 'e-mail (SMTP) is not configured' },
        { channel: 'SMS', to: '+77011234567', status: 'DISABLED', attempts: 0, reason: 'SMS gateway is not configured' },
      ]);
      expect(inbox[3].deliveries).toEqual([]); // "submitted" stays in the cabinet

      const MARK = `mutation($ids: [ID!]) { markNotificationsRead(ids: $ids) { marked unreadCount } }`;
      // Someone else's ids change nothing.
      expect((await gql(svc.url, MARK, { ids: [inbox[0].id] }, as(IDENTITIES.citizen(stranger)))).data.markNotificationsRead).toEqual({ marked: 0, unreadCount: 0 });
      expect((await gql(svc.url, MARK, { ids: [inbox[0].id, inbox[1].id] }, owner)).data.markNotificationsRead).toEqual({ marked: 2, unreadCount: 2 });
      expect((await gql(svc.url, MARK, { ids: [inbox[0].id] }, owner)).data.markNotificationsRead).toEqual({ marked: 0, unreadCount: 2 });
      const unread = (await gql(svc.url, INBOX, { unreadOnly: true }, owner)).data;
      expect(unread.myNotifications.map((n: { message: { type: string } }) => n.message.type)).toEqual(['complaint.registered', 'complaint.submitted']);
      expect(unread.myUnreadCount).toBe(2);
    });

    it('tells the appointed executor of the new assignment in their own inbox (R2)', async () => {
      const res = await gql(svc.url, INBOX, {}, as(IDENTITIES.executor(org, `off-${iso.id}`)));
      expect(res.data.myNotifications).toHaveLength(1);
      expect(res.data.myNotifications[0]).toMatchObject({ complaint: { id }, read: false, message: { type: 'complaint.assigned', title: 'Вам назначена жалоба' } });
    });

    it('keeps the recipient’s preferences and refuses a bad phone number with the field', async () => {
      const SET = `mutation($input: NotificationPreferencesInput!) { setMyNotificationPreferences(input: $input) { email phone emailEnabled smsEnabled language } }`;
      const defaults = await gql(svc.url, '{ myNotificationPreferences { email phone emailEnabled smsEnabled language } }', {}, owner);
      expect(defaults.data.myNotificationPreferences).toEqual({ email: 'asem@example.kz', phone: '+77011234567', emailEnabled: true, smsEnabled: true, language: 'RU' });
      const bad = await gql(svc.url, SET, { input: { phone: '12', emailEnabled: false, smsEnabled: true, language: 'KK' } }, owner);
      expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.phone' });
      const ok = await gql(svc.url, SET, { input: { email: 'asem@example.kz', phone: '+7 701 123 45 67', emailEnabled: true, smsEnabled: false, language: 'KK' } }, as(IDENTITIES.citizen(stranger)));
      expect(ok.data.setMyNotificationPreferences).toEqual({ email: 'asem@example.kz', phone: '+77011234567', emailEnabled: true, smsEnabled: false, language: 'KK' });
      const read = await gql(svc.url, '{ myNotificationPreferences { smsEnabled language } }', {}, as(IDENTITIES.citizen(stranger)));
      expect(read.data.myNotificationPreferences).toEqual({ smsEnabled: false, language: 'KK' });
    });

    it('issues signed links to the receipt (R7) and the reply letter (R9) only to those who may see the complaint', async () => {
      const DOCS = entitiesQuery('Complaint', 'documents(language: KK) { kind language url expiresAt }');
      const rep = { representations: [{ __typename: 'Complaint', id }] };
      const res = await gql(svc.url, DOCS, rep, owner);
      expect(res.errors).toBeUndefined();
      const docs = res.data._entities[0].documents;
      expect(docs.map((d: { kind: string; language: string }) => [d.kind, d.language])).toEqual([
        ['REGISTRATION_RECEIPT', 'KK'],
        ['REPLY_LETTER', 'KK'],
      ]);
      expect(Date.parse(docs[0].expiresAt)).toBeGreaterThan(Date.now());

      const receipt = await fetch(docs[0].url);
      expect(receipt.status).toBe(200);
      expect(receipt.headers.get('content-type')).toBe('application/pdf');
      const receiptText = (await pdfText(Buffer.from(await receipt.arrayBuffer()))).normalize('NFKC').replace(/\s+/g, ' ');
      expect(receiptText).toContain('Ақтау қаласының ХҚКО');
      expect(receiptText).toContain(`Кіріс нөмірі: ${registered.data.incomingNumber}`);
      expect(receiptText).toContain('Тіркелген күні: 30.11.2026');
      expect(receiptText).toContain('Шағым беруші: Ержанова Әсем');

      const letter = await fetch(docs[1].url);
      const letterText = (await pdfText(Buffer.from(await letter.arrayBuffer()))).normalize('NFKC').replace(/\s+/g, ' ');
      expect(letterText).toContain('Шығыс No OUT-2026-00001, 03.12.2026');
      expect(letterText).toContain('Шешім: шағым ішінара қанағаттандырылды');
      expect(letterText).toContain('Утепова Гульнара Сериковна');
      expect(letterText).toContain('1414');

      // A link changed by hand is refused; the documents are not listed to a stranger.
      const forged = docs[0].url.replace(/\.[^.]+$/, '.AAAA');
      expect((await fetch(forged)).status).toBe(403);
      const strangers = await gql(svc.url, DOCS, rep, as(IDENTITIES.citizen(stranger)));
      expect(strangers.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });
  });

  it('follows a forwarding: the receiving body’s head reads the timeline, an unrelated body’s head is FORBIDDEN (R11, R18; issue 15)', async () => {
    const from = `org-from-${iso.id}`;
    const to = `org-to-${iso.id}`;
    const t0 = new Date('2026-11-30T04:00:00.000Z');
    const submitted = complaintSubmittedBy(from, { iin: randomIin() }, { submittedAt: t0 });
    const id = submitted.subject;
    const registered = complaintRegistered(from, id, new Date(t0.getTime() + 60_000));
    const receivingHead = as(IDENTITIES.head(to, `head-to-${iso.id}`));
    const ask = (headers: Record<string, string>) => gql(svc.url, TIMELINE, { representations: [{ __typename: 'Complaint', id }] }, headers);
    await publishEvents(iso.topic('complaints'), [submitted, registered]);
    await waitFor('registered at the first body', async () => {
      const res = await ask(as(IDENTITIES.head(from, `head-from-${iso.id}`)));
      return res.data?._entities?.[0]?.timeline?.length >= 2 ? true : undefined;
    });
    // Before the forwarding the receiving body has no business with it.
    expect((await ask(receivingHead)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    await publishEvents(iso.topic('complaints'), [complaintForwarded(from, to, id, new Date(t0.getTime() + 120_000), '2026-11-30')]);
    const timeline = await waitFor('the receiving head reads the forwarding', async () => {
      const res = await ask(receivingHead);
      const entries = res.data?._entities?.[0]?.timeline;
      return entries?.some((e: { type: string }) => e.type === 'complaint.forwarded') ? entries : undefined;
    });
    expect(timeline.map((e: { type: string }) => e.type)).toEqual(['complaint.submitted', 'complaint.registered', 'complaint.forwarded']);
    const unrelated = await ask(as(IDENTITIES.head(`org-unrelated-${iso.id}`, `head-x-${iso.id}`)));
    expect(unrelated.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // The first body keeps read access (R18 keeps the history).
    expect((await ask(as(IDENTITIES.head(from, `head-from-${iso.id}`)))).errors).toBeUndefined();
  });

  it('served all of the above reading and writing by _id alone once ready (architecture.md, key-first)', async () => {
    const db = iso.dbName('notification');
    // The consumer, the timeline, the inbox, my complaints, the preferences and the documents were among them.
    expect(await commands.readCollections('notification', db)).toEqual(expect.arrayContaining(['complaint_fact_slots', 'complainant_slots', 'timeline_slots', 'inbox_slots', 'inbox_read_slots', 'preference_slots', 'deliveries', 'organizations']));
    expect(await commands.violations('notification', db)).toBe('none');
  });
});
