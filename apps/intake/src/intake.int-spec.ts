import { decodeEvent } from '@shagym/contracts';
import type { RunningService } from '@shagym/service-kit';
import { as, gql, IDENTITIES, isolatedEnv, organizationUpserted, portalSubmission, publishEvents, readTopic, startInProcess, waitFor } from '@shagym/testing';
import mongoose from 'mongoose';
import { loadIntakeConfig, startIntake } from './app';

/** The signed-in complainant of a submission (the portal files in the caller's own name). */
const owner = (input: { complainant: { individual: { iin: string } } }) => as(IDENTITIES.citizen(input.complainant.individual.iin));

const SUBMIT = `mutation($input: SubmitComplaintInput!) {
  submitComplaint(input: $input) { created complaint { id channel subject language addresseeOrganizationId
    complainant { __typename ... on Individual { iin surname patronymic } } } } }`;

describe('intake against the real Kafka and FerretDB', () => {
  const iso = isolatedEnv('intake');
  let svc: RunningService;
  let db: mongoose.Connection;
  const orgId = 'org-test-psc';
  const storedEvents = () => db.collection('event_log').countDocuments();

  beforeAll(async () => {
    await iso.createTopics();
    // Intake learns addressees from routing's directory events (R1), never from routing's db.
    await publishEvents(iso.topic('directory'), [
      organizationUpserted(orgId),
      organizationUpserted('org-test-akimat', { kind: 'AKIMAT_DEPARTMENT', acceptsComplaints: false }),
    ]);
    svc = await startInProcess(iso, 'intake', (env) => startIntake(loadIntakeConfig(env)));
    await waitFor('directory projection', async () => (await fetch(svc.url.replace('/graphql', '/ready'))).ok);
    db = await mongoose.createConnection(iso.env.MONGO_URL!, { dbName: iso.dbName('intake'), retryWrites: false }).asPromise();
  });

  afterAll(async () => {
    await svc?.stop();
    await db?.close();
    await iso.cleanup();
  });

  it('stores a portal complaint and publishes complaint.submitted through the outbox (R1)', async () => {
    const input = portalSubmission({ addresseeOrganizationId: orgId });
    const res = await gql(svc.url, SUBMIT, { input }, owner(input));
    expect(res.errors).toBeUndefined();
    const complaint = res.data.submitComplaint.complaint;
    expect(res.data.submitComplaint.created).toBe(true);
    expect(complaint).toMatchObject({
      channel: 'PORTAL',
      language: 'RU',
      addresseeOrganizationId: orgId,
      complainant: { __typename: 'Individual', iin: input.complainant.individual.iin, patronymic: 'Нурлановна' },
    });

    const messages = await readTopic(iso.topic('complaints'), 1);
    const decoded = decodeEvent(messages.find((m) => m.key === complaint.id)?.value ?? null);
    expect(decoded.ok && decoded.event.type).toBe('complaint.submitted');
    if (decoded.ok && decoded.event.type === 'complaint.submitted') {
      expect(decoded.event.data.complaintId).toBe(complaint.id);
      expect(decoded.event.source).toBe('intake');
    }
    const query = `query($id: ID!) { complaint(id: $id) { id subject } }`;
    const byId = await gql(svc.url, query, { id: complaint.id }, owner(input));
    expect(byId.data.complaint).toEqual({ id: complaint.id, subject: input.subject });
    // Only the complainant and the bodies handling it may see it (issue 8).
    expect((await gql(svc.url, query, { id: complaint.id })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await gql(svc.url, query, { id: complaint.id }, as(IDENTITIES.citizen('900101300017')))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await gql(svc.url, query, { id: complaint.id }, as(IDENTITIES.operator(orgId, 'op-1')))).data.complaint.id).toBe(complaint.id);
    expect((await gql(svc.url, query, { id: complaint.id }, as(IDENTITIES.operator('org-other', 'op-2')))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('files only in the signed-in complainant’s own name', async () => {
    const input = portalSubmission({ addresseeOrganizationId: orgId });
    expect((await gql(svc.url, SUBMIT, { input })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await gql(svc.url, SUBMIT, { input }, as(IDENTITIES.citizen('900101300017')))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await gql(svc.url, SUBMIT, { input }, as(IDENTITIES.operator(orgId, 'op-1')))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('answers BAD_USER_INPUT naming the field, and stores nothing', async () => {
    const before = await storedEvents();
    const input = portalSubmission({ addresseeOrganizationId: orgId });
    input.complainant.individual.iin = '900101300018'; // wrong check digit
    const res = await gql(svc.url, SUBMIT, { input }, owner(input));
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.complainant.individual.iin' });

    const blank = { ...portalSubmission({ addresseeOrganizationId: orgId }), subject: '   ' };
    const missing = await gql(svc.url, SUBMIT, { input: blank }, owner(blank));
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.subject' });

    const nowhere = portalSubmission({ addresseeOrganizationId: 'org-nowhere' });
    const unknownOrg = await gql(svc.url, SUBMIT, { input: nowhere }, owner(nowhere));
    expect(unknownOrg.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.addresseeOrganizationId' });

    const akimat = portalSubmission({ addresseeOrganizationId: 'org-test-akimat' });
    const notAccepting = await gql(svc.url, SUBMIT, { input: akimat }, owner(akimat));
    expect(notAccepting.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.addresseeOrganizationId' });

    // A GraphQL-level type error (wrong type for a field) is also BAD_USER_INPUT.
    const typed = portalSubmission({ addresseeOrganizationId: orgId });
    const wrongType = await gql(svc.url, SUBMIT, { input: { ...typed, text: 42 } }, owner(typed));
    expect(wrongType.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    expect(await storedEvents()).toBe(before);
  });

  it('returns the same complaint for a retried idempotency key and refuses the key with other content', async () => {
    const input = { ...portalSubmission({ addresseeOrganizationId: orgId }), idempotencyKey: `key-${iso.id}-1` };
    const first = await gql(svc.url, SUBMIT, { input }, owner(input));
    const again = await gql(svc.url, SUBMIT, { input }, owner(input));
    expect(first.data.submitComplaint.created).toBe(true);
    expect(again.data.submitComplaint).toMatchObject({ created: false, complaint: { id: first.data.submitComplaint.complaint.id } });

    const before = await storedEvents();
    const other = await gql(svc.url, SUBMIT, { input: { ...input, text: 'Совсем другой текст жалобы' } }, owner(input));
    expect(other.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.idempotencyKey' });
    expect(await storedEvents()).toBe(before);
  });

  it('files in Russian when the language is left out (the schema default)', async () => {
    const { language: _omitted, ...input } = portalSubmission({ addresseeOrganizationId: orgId });
    const res = await gql(svc.url, SUBMIT, { input }, owner(input));
    expect(res.errors).toBeUndefined();
    expect(res.data.submitComplaint.complaint.language).toBe('RU');
  });

  it('makes concurrent retries of one key a single complaint', async () => {
    const input = { ...portalSubmission({ addresseeOrganizationId: orgId }), idempotencyKey: `key-${iso.id}-race` };
    const results = await Promise.all(Array.from({ length: 8 }, () => gql(svc.url, SUBMIT, { input }, owner(input))));
    const ids = new Set(results.map((r) => r.data.submitComplaint.complaint.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.data.submitComplaint.created)).toHaveLength(1);
  });
});
