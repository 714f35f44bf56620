import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { RunningService } from '@shagym/service-kit';
import { as, complaintAnswered, complaintAssigned, complaintRegistered, complaintSubmittedBy, gql, IDENTITIES, isolatedEnv, publishEvents, randomIin, recordCommands, startInProcess, waitFor, entitiesQuery } from '@shagym/testing';
import { loadNotificationConfig, startNotification } from './app';

interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  headers: Record<string, string>;
}

/** Just enough MIME for what nodemailer writes: encoded-word subjects, base64 / quoted-printable bodies. */
function parseMail(raw: string, to: string[]): ReceivedMail {
  const [head = '', ...rest] = raw.split(/\r?\n\r?\n/);
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const headers: Record<string, string> = {};
  for (const line of unfolded.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  const words = (s: string) =>
    s.replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_m, enc: string, data: string) =>
      enc.toLowerCase() === 'b' ? Buffer.from(data, 'base64').toString('utf8') : qp(data.replace(/_/g, ' ')),
    );
  const body = rest.join('\n\n');
  const encoding = (headers['content-transfer-encoding'] ?? '').toLowerCase();
  const text = encoding === 'base64' ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8') : encoding === 'quoted-printable' ? qp(body.replace(/=\r?\n/g, '')) : body;
  return { to, subject: words(headers.subject ?? '').trim(), text: text.replace(/\r\n/g, '\n'), headers };
}

function qp(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '=' && /^[0-9A-F]{2}$/i.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(s[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * Deliveries against a real SMTP server and a real HTTP SMS gateway, both started by the
 * test: what they received is what the recipients would have got.
 */
describe('messages by e-mail and SMS with delivery tracking', () => {
  const iso = isolatedEnv('deliver');
  const commands = recordCommands('deliver');
  let svc: RunningService;
  let smtp: SMTPServer;
  let gateway: Server;
  const mails: ReceivedMail[] = [];
  const sms: Array<{ to: string; text: string; reference: string; status: number }> = [];
  const smsCalls = new Map<string, number>();
  /** Requests the gateway holds open until the test lets them go. */
  const held: Array<() => void> = [];

  const PHONE_FLAKY = '+77010000001'; // 503 once, then accepted
  const PHONE_REJECTED = '+77010000002'; // 400: rejected for good
  const PHONE_DOWN = '+77010000003'; // 503 every time
  const PHONE_SLOW = '+77010000004'; // held open until released

  beforeAll(async () => {
    await iso.createTopics();
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo(address, _session, cb) {
        if (address.address === 'nobody@example.kz') return cb(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
        cb();
      },
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          mails.push(parseMail(Buffer.concat(chunks).toString('utf8'), session.envelope.rcptTo.map((r) => r.address)));
          cb();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
    gateway = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { to: string; text: string; reference: string };
        const n = (smsCalls.get(body.to) ?? 0) + 1;
        smsCalls.set(body.to, n);
        const answer = (status: number) => {
          sms.push({ ...body, status });
          res.statusCode = status;
          res.end(status === 200 ? '{"accepted":true}' : status === 400 ? 'invalid number' : 'try later');
        };
        if (req.headers.authorization !== 'Bearer sms-token') return answer(401);
        if (body.to === PHONE_FLAKY) return answer(n === 1 ? 503 : 200);
        if (body.to === PHONE_REJECTED) return answer(400);
        if (body.to === PHONE_DOWN) return answer(503);
        if (body.to === PHONE_SLOW) return void held.push(() => answer(200));
        answer(200);
      });
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', () => resolve()));
    svc = await startInProcess(iso, 'notification', (env) => startNotification(loadNotificationConfig(env)), {
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String((smtp.server.address() as AddressInfo).port),
      SMS_GATEWAY_URL: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/send`,
      SMS_GATEWAY_TOKEN: 'sms-token',
      DELIVERY_BACKOFF_MS: '50',
      DELIVERY_MAX_ATTEMPTS: '3',
      DELIVERY_TIMEOUT_MS: '60000',
      MONGO_COMMAND_LOG: commands.file,
    });
  });

  afterAll(async () => {
    for (const release of held) release();
    await svc?.stop();
    await new Promise<void>((resolve) => smtp?.close(() => resolve()));
    await new Promise<void>((resolve) => (gateway ? gateway.close(() => resolve()) : resolve()));
    gateway?.closeAllConnections();
    await iso.cleanup();
    commands.cleanup();
  });

  const DELIVERIES = `{ myNotifications { message { type } deliveries { channel to status attempts lastError reason } } }`;
  const deliveriesOf = async (iin: string, type: string) => {
    const res = await gql(svc.url, DELIVERIES, {}, as(IDENTITIES.citizen(iin)));
    return res.data?.myNotifications?.find((n: { message: { type: string } }) => n.message.type === type)?.deliveries as
      | Array<{ channel: string; status: string; attempts: number; lastError: string | null; reason: string | null }>
      | undefined;
  };
  const settled = <D extends { status: string }>(list: D[] | undefined, n = 2) => (list?.length === n && list.every((d) => d.status !== 'PENDING') ? list : undefined);

  it('sends the registration by e-mail and SMS in the complainant’s language, retrying the SMS after a gateway failure (R7)', async () => {
    const iin = randomIin();
    const submitted = complaintSubmittedBy('org-d', { iin, email: 'aigerim@example.kz', phone: PHONE_FLAKY }, { language: 'kk' });
    const registered = complaintRegistered('org-d', submitted.subject, new Date(Date.now() + 1000), 3);
    await publishEvents(iso.topic('complaints'), [submitted, registered]);

    const deliveries = await waitFor('both deliveries settled', async () => settled(await deliveriesOf(iin, 'complaint.registered')));
    expect(deliveries).toEqual([
      { channel: 'EMAIL', to: 'aigerim@example.kz', status: 'DELIVERED', attempts: 1, lastError: null, reason: null },
      { channel: 'SMS', to: PHONE_FLAKY, status: 'DELIVERED', attempts: 2, lastError: 'gateway answered 503: try later', reason: null },
    ]);

    const mail = mails.find((m) => m.to.includes('aigerim@example.kz'))!;
    expect(mail.subject).toBe('Shagym: Шағым тіркелді');
    expect(mail.text).toContain(`Кіріс № ${registered.data.incomingNumber}`);
    expect(mail.text).toContain('1414 бірыңғай байланыс орталығы');
    expect(mail.headers['x-shagym-complaint']).toBe(submitted.subject);
    expect(mails.filter((m) => m.to.includes('aigerim@example.kz'))).toHaveLength(1); // "submitted" stays in the cabinet

    const texts = sms.filter((s) => s.to === PHONE_FLAKY);
    expect(texts.map((s) => s.status)).toEqual([503, 200]);
    expect(texts[1]!.text).toBe(`Shagym: Шағым тіркелді. Кіріс № ${registered.data.incomingNumber}, ${registered.data.registeredOn.split('-').reverse().join('.')}`);
    expect(texts[0]!.reference).toBe(texts[1]!.reference); // the gateway can drop a retried duplicate
  });

  it('gives up a rejected number or mailbox at once, and a channel that keeps failing after the last attempt, with the reason', async () => {
    const rejected = randomIin();
    const down = randomIin();
    const a = complaintSubmittedBy('org-d', { iin: rejected, email: 'nobody@example.kz', phone: PHONE_REJECTED });
    const b = complaintSubmittedBy('org-d', { iin: down, email: 'down@example.kz', phone: PHONE_DOWN });
    await publishEvents(iso.topic('complaints'), [a, complaintRegistered('org-d', a.subject, new Date(Date.now() + 1000), 4), b, complaintRegistered('org-d', b.subject, new Date(Date.now() + 1000), 5)]);

    const first = await waitFor('rejected deliveries settled', async () => settled(await deliveriesOf(rejected, 'complaint.registered')));
    expect(first[0]).toMatchObject({ channel: 'EMAIL', status: 'FAILED', attempts: 1 });
    expect(first[0]!.reason).toMatch(/^rejected: .*550/);
    expect(first[1]).toEqual({ channel: 'SMS', to: PHONE_REJECTED, status: 'FAILED', attempts: 1, lastError: 'gateway answered 400: invalid number', reason: 'rejected: gateway answered 400: invalid number' });

    const second = await waitFor('exhausted deliveries settled', async () => settled(await deliveriesOf(down, 'complaint.registered')));
    expect(second[0]).toMatchObject({ channel: 'EMAIL', status: 'DELIVERED', attempts: 1 });
    expect(second[1]).toMatchObject({ channel: 'SMS', status: 'FAILED', attempts: 3, reason: '3 attempts failed; last: gateway answered 503: try later' });
    expect(smsCalls.get(PHONE_DOWN)).toBe(3);
  });

  it('never lets a hanging channel hold the e-mail or the consumer', async () => {
    const iin = randomIin();
    const submitted = complaintSubmittedBy('org-d', { iin, email: 'slow@example.kz', phone: PHONE_SLOW });
    const registered = complaintRegistered('org-d', submitted.subject, new Date(Date.now() + 1000), 6);
    await publishEvents(iso.topic('complaints'), [submitted, registered]);
    await waitFor('the SMS gateway holding the request', async () => held.length > 0);

    // While the SMS is stuck at the gateway, the e-mail goes out and later events are consumed.
    const answered = complaintAnswered('org-d', submitted.subject, 'off-1', new Date(Date.now() + 5000));
    await publishEvents(iso.topic('complaints'), [answered]);
    await waitFor('the answer on the timeline', async () => {
      const res = await gql(svc.url, entitiesQuery('Complaint', 'timeline { type }'), { representations: [{ __typename: 'Complaint', id: submitted.subject }] }, as(IDENTITIES.citizen(iin)));
      return res.data?._entities?.[0]?.timeline?.some((e: { type: string }) => e.type === 'complaint.answered');
    });
    const stuck = await waitFor('e-mail delivered, SMS pending', async () => {
      const list = await deliveriesOf(iin, 'complaint.registered');
      return list?.[0]?.status === 'DELIVERED' ? list : undefined;
    });
    expect(stuck[1]).toMatchObject({ channel: 'SMS', status: 'PENDING', attempts: 1 });

    held.splice(0).forEach((release) => release());
    const done = await waitFor('SMS delivered once released', async () => settled(await deliveriesOf(iin, 'complaint.registered')));
    expect(done[1]).toMatchObject({ channel: 'SMS', status: 'DELIVERED', attempts: 1 });
  });

  it('sends an official their own message by the channel they chose (R2)', async () => {
    const official = `off-${iso.id}`;
    const me = as(IDENTITIES.executor('org-d', official));
    const set = await gql(
      svc.url,
      `mutation { setMyNotificationPreferences(input: { email: "executor@akimat.kz", emailEnabled: true, smsEnabled: false, language: RU }) { emailEnabled } }`,
      {},
      me,
    );
    expect(set.errors).toBeUndefined();
    const submitted = complaintSubmittedBy('org-d', { iin: randomIin() });
    const assigned = complaintAssigned('org-d', submitted.subject, { officialId: official, fullName: 'Утепова Гульнара Сериковна' }, new Date(Date.now() + 2000));
    await publishEvents(iso.topic('complaints'), [submitted, complaintRegistered('org-d', submitted.subject, new Date(Date.now() + 1000), 7), assigned]);
    const mail = await waitFor('the executor’s e-mail', async () => mails.find((m) => m.to.includes('executor@akimat.kz')));
    expect(mail.subject).toBe('Shagym: Вам назначена жалоба');
    expect(mail.text).toContain('Вы назначены ответственным исполнителем (Утепова Гульнара Сериковна)');
    const inbox = await waitFor('the delivery recorded', async () => {
      const res = await gql(svc.url, `{ myNotifications { message { title } deliveries { channel status } } }`, {}, me);
      return res.data?.myNotifications?.[0]?.deliveries?.[0]?.status === 'DELIVERED' ? res.data.myNotifications : undefined;
    });
    expect(inbox).toEqual([{ message: { title: 'Вам назначена жалоба' }, deliveries: [{ channel: 'EMAIL', status: 'DELIVERED' }] }]);
  });

  it('delivered, retried and gave up without polling: reads and writes by _id alone once ready (architecture.md, key-first)', async () => {
    const db = iso.dbName('notification');
    // The worker's claims, outcomes and results, and the inbox's views of them, were among them.
    expect(await commands.readCollections('notification', db)).toContain('delivery_attempt_outcomes');
    expect(await commands.violations('notification', db)).toBe('none');
  });
});
