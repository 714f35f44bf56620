import { createHash, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEvent } from '@shagym/contracts';
import type { RunningService } from '@shagym/service-kit';
import { as, gql, IDENTITIES, isolatedEnv, organizationUpserted, portalSubmission, publishEvents, recordCommands, startInProcess, waitFor } from '@shagym/testing';
import { loadIntakeConfig, startIntake } from './app';
import { canonicalContent } from './domain/signature';

const pki = (f: string) => readFileSync(join(__dirname, 'signature', 'test-pki', f), 'utf8');
const FIELDS = `id channel addresseeOrganizationId aboutPscEmployee escalationOf repeatOf
  signature { kind signerId algorithm } paper { receivedOn pages operatorOfficialId } attachments { id name sha256 }`;
const SUBMIT = `mutation($input: SubmitComplaintInput!) { submitComplaint(input: $input) { created complaint { ${FIELDS} } } }`;
const PAPER = `mutation($input: RegisterPaperComplaintInput!) { registerPaperComplaint(input: $input) { created complaint { ${FIELDS} } } }`;
const owner = (input: { complainant: { individual: { iin: string } } }) => as(IDENTITIES.citizen(input.complainant.individual.iin));
const ESCALATE = `mutation($input: EscalateComplaintInput!) { escalateComplaint(input: $input) { complaint { ${FIELDS} } } }`;

describe('intake: every channel, signatures, R6, repeats and escalation', () => {
  const iso = isolatedEnv('channels');
  let svc: RunningService;
  // Every command intake sends, recorded (as the key-first guard does) for the last test.
  const commands = recordCommands('intake');
  const PSC = 'org-ch-psc';
  const OTHER_PSC = 'org-ch-psc2';
  const MINISTRY = 'org-ch-min';
  const ADGS = 'org-ch-adgs';

  beforeAll(async () => {
    await iso.createTopics();
    await publishEvents(iso.topic('directory'), [
      organizationUpserted(PSC),
      organizationUpserted(OTHER_PSC),
      organizationUpserted(MINISTRY, { kind: 'MINISTRY' }),
      organizationUpserted(ADGS, { kind: 'AUTHORIZED_BODY' }),
    ]);
    svc = await startInProcess(iso, 'intake', (env) => startIntake(loadIntakeConfig({ ...env, MONGO_COMMAND_LOG: commands.file })));
    await waitFor('directory', async () => (await fetch(svc.url.replace('/graphql', '/ready'))).ok);
    // The projection is ready when the first organization arrives; wait for all four.
    await waitFor('all organizations', async () => {
      const probe = portalSubmission({ addresseeOrganizationId: ADGS, idempotencyKey: `probe-${iso.id}` });
      const res = await gql(svc.url, SUBMIT, { input: probe }, owner(probe));
      return !res.errors;
    });
  });

  afterAll(async () => {
    await svc?.stop();
    await iso.cleanup();
    commands.cleanup();
  });

  it('accepts a portal complaint signed by the complainant (R5) and refuses a signature by someone else', async () => {
    const input = portalSubmission({ addresseeOrganizationId: PSC });
    input.complainant.individual.iin = '900101300017'; // the ИИН in the test certificate
    const content = canonicalContent({
      complainant: { kind: 'INDIVIDUAL', ...input.complainant.individual },
      addresseeOrganizationId: PSC,
      subject: input.subject,
      text: input.text,
      language: 'ru',
    });
    const signature = { algorithm: 'ED25519', certificatePem: pki('citizen.pem'), signatureBase64: sign(null, content, pki('citizen.key')).toString('base64') };
    const ok = await gql(svc.url, SUBMIT, { input: { ...input, signature } }, owner(input));
    expect(ok.errors).toBeUndefined();
    expect(ok.data.submitComplaint.complaint.signature).toEqual({ kind: 'ELECTRONIC', signerId: '900101300017', algorithm: 'ED25519' });

    const otherPerson = portalSubmission({ addresseeOrganizationId: PSC }); // another ИИН, same certificate
    const bad = await gql(svc.url, SUBMIT, { input: { ...otherPerson, signature } }, owner(otherPerson));
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.signature' });

    const plain = portalSubmission({ addresseeOrganizationId: PSC });
    const unsigned = await gql(svc.url, SUBMIT, { input: plain }, owner(plain));
    expect(unsigned.data.submitComplaint.complaint.signature).toBeNull(); // accepted, flagged for R17
  });

  it('addresses a complaint about a PSC employee to that PSC (R6), whatever was picked', async () => {
    const aboutPsc = portalSubmission({ addresseeOrganizationId: MINISTRY, aboutPscEmployeeOf: OTHER_PSC });
    const res = await gql(svc.url, SUBMIT, { input: aboutPsc }, owner(aboutPsc));
    expect(res.data.submitComplaint.complaint).toMatchObject({ addresseeOrganizationId: OTHER_PSC, aboutPscEmployee: true });
    const wrongPsc = portalSubmission({ addresseeOrganizationId: PSC, aboutPscEmployeeOf: MINISTRY });
    const notPsc = await gql(svc.url, SUBMIT, { input: wrongPsc }, owner(wrongPsc));
    expect(notPsc.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.aboutPscEmployeeOf' });
  });

  it('links a repeat complaint about the same matter to the earlier one', async () => {
    const first = portalSubmission({ addresseeOrganizationId: PSC, subject: 'Очередь в ЦОН — 3 часа' });
    const a = await gql(svc.url, SUBMIT, { input: first }, owner(first));
    const b = await gql(svc.url, SUBMIT, { input: { ...first, subject: 'очередь в ЦОН 3 часа!', text: 'Снова то же самое.' } }, owner(first));
    expect(b.data.submitComplaint.complaint.repeatOf).toBe(a.data.submitComplaint.complaint.id);
    const elsewhere = await gql(svc.url, SUBMIT, { input: { ...first, addresseeOrganizationId: OTHER_PSC } }, owner(first));
    expect(elsewhere.data.submitComplaint.complaint.repeatOf).toBeNull();
  });

  it('lets the registry office enter a paper complaint (R1, R5, R7), and nobody else', async () => {
    const { addresseeOrganizationId: _a, language: _l, ...base } = portalSubmission();
    // The scan's content is uploaded first, by its SHA-256 (content-addressed).
    const scan = Buffer.from(`%PDF-1.4 скан жалобы ${iso.id}`);
    const sha256 = createHash('sha256').update(scan).digest('hex');
    const upload = (body: Buffer, hash: string, headers: Record<string, string>) =>
      fetch(svc.url.replace('/graphql', `/attachments/${hash}`), { method: 'PUT', headers, body });
    expect((await upload(scan, sha256, {})).status).toBe(401);
    expect((await upload(Buffer.from('other bytes'), sha256, as(IDENTITIES.operator(PSC, 'op-1')))).status).toBe(400);
    expect((await upload(scan, sha256, as(IDENTITIES.operator(PSC, 'op-1')))).status).toBe(201);
    const input = {
      ...base,
      channel: 'POST',
      receivedOn: '2026-11-27',
      pages: 3,
      signedByHand: false,
      scans: [{ name: 'скан-1.pdf', mediaType: 'application/pdf', sizeBytes: scan.length, sha256 }],
    };
    const anonymous = await gql(svc.url, PAPER, { input });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const citizen = await gql(svc.url, PAPER, { input }, as(IDENTITIES.citizen('900101300017')));
    expect(citizen.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const res = await gql(svc.url, PAPER, { input }, as(IDENTITIES.operator(PSC, 'op-1')));
    expect(res.errors).toBeUndefined();
    expect(res.data.registerPaperComplaint.complaint).toMatchObject({
      channel: 'POST',
      addresseeOrganizationId: PSC,
      signature: null, // no handwritten signature: a reason for refusal (R17), recorded, not dropped
      paper: { receivedOn: '2026-11-27', pages: 3, operatorOfficialId: 'op-1' },
      attachments: [{ name: 'скан-1.pdf', sha256 }],
    });
    const notUploaded = await gql(svc.url, PAPER, { input: { ...input, scans: [{ ...input.scans[0], sha256: 'b'.repeat(64) }] } }, as(IDENTITIES.operator(PSC, 'op-1')));
    expect(notUploaded.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.scans.0.sha256' });

    const badScan = await gql(svc.url, PAPER, { input: { ...input, pages: 0, scans: [{ ...input.scans[0], mediaType: 'text/html', sha256: 'xyz' }] } }, as(IDENTITIES.operator(PSC, 'op-1')));
    const fields = badScan.errors?.[0]?.extensions?.problems.map((p: { field: string }) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['input.scans.0.mediaType', 'input.scans.0.sha256', 'input.pages']));
  });

  it('escalates an answered complaint to the authorized body of the region (R12), only by the complainant', async () => {
    const input = portalSubmission({ addresseeOrganizationId: PSC });
    const iin = input.complainant.individual.iin;
    const complainant = as(IDENTITIES.citizen(iin));
    const first = (await gql(svc.url, SUBMIT, { input }, complainant)).data.submitComplaint.complaint.id;

    const early = await gql(svc.url, ESCALATE, { input: { complaintId: first, text: 'Не согласна с ответом.' } }, complainant);
    expect(early.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');

    await publishEvents(iso.topic('complaints'), [
      createEvent({
        type: 'complaint.answered',
        source: 'registry',
        subject: first,
        correlationId: 'test',
        data: { complaintId: first, organizationId: PSC, outgoingNumber: 'X-2026-OUT-00001', answeredAt: new Date().toISOString(), answeredOn: '2026-11-30', executorOfficialId: 'e', decision: 'NOT_SATISFIED', reasoning: 'Отказано.', delivery: 'PORTAL', informedOfEscalation: true, informedOfCourt: true },
      }),
    ]);
    const stranger = await gql(svc.url, ESCALATE, { input: { complaintId: first, text: 'x' } }, as(IDENTITIES.citizen('900101300017')));
    expect(stranger.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const escalated = await waitFor('escalation accepted', async () => {
      const res = await gql(svc.url, ESCALATE, { input: { complaintId: first, text: 'Не согласна с ответом: срок нарушен.', idempotencyKey: `esc-${iso.id}` } }, complainant);
      return res.errors ? undefined : res.data.escalateComplaint.complaint;
    });
    expect(escalated).toMatchObject({ addresseeOrganizationId: ADGS, escalationOf: first, channel: 'PORTAL' });
    const again = await gql(svc.url, ESCALATE, { input: { complaintId: escalated.id, text: 'И снова.' } }, complainant);
    expect(again.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');

    // R12 once: a second escalation of the same complaint is refused (the next step is the court,
    // R14); a retry of the first (same idempotency key) still answers with the same complaint.
    const retried = await gql(svc.url, ESCALATE, { input: { complaintId: first, text: 'Не согласна с ответом: срок нарушен.', idempotencyKey: `esc-${iso.id}` } }, complainant);
    expect(retried.data?.escalateComplaint?.complaint?.id).toBe(escalated.id);
    const second = await gql(svc.url, ESCALATE, { input: { complaintId: first, text: 'Ещё раз не согласна.' } }, complainant);
    expect(second.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
    expect(second.errors?.[0]?.message).toMatch(/already escalated.*R14/);
  });

  it('served all of the above reading and writing by _id alone once ready (architecture.md, key-first)', async () => {
    // The repeat check, the reply check (R12) and the authorized body's lookup were among them.
    const db = iso.dbName('intake');
    expect(await commands.readCollections('intake', db)).toEqual(expect.arrayContaining(['event_log', 'matter_firsts', 'reply_slots', 'organizations', 'organization_lists']));
    // FerretDB answers from an index only a filter that is exactly {_id: <value>}; anything else reads the collection.
    expect(await commands.violations('intake', db)).toBe('none');
  });
});
