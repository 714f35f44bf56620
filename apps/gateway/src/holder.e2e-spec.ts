import { Kafka, logLevel } from 'kafkajs';
import type { Identity } from '@shagym/service-kit';
import { as, createTestIssuer, entitiesQuery, gql, infraEnv, isolatedEnv, portalSubmission, ProcessStack, SEEDED, waitFor, type TestIssuer } from '@shagym/testing';

/**
 * Issue 15 through the gateway, as a head and two executors would try it: every service follows
 * a reassignment (R2) and a forwarding (R18) the same way, because every subgraph's access rule
 * and registry's "who may answer" read one projection of who holds the complaint
 * (service-kit ComplaintAccess).
 */
const SUBMIT = `mutation($input: SubmitComplaintInput!) { submitComplaint(input: $input) { complaint { id } } }`;
const CABINET = `query($id: ID!) { complaint(id: $id) { id status assignment { executor { id } } route { organization { id } } timeline { type } } }`;
/** One field of each subgraph that contributes to a complaint (as the access matrix reads them). */
const EVERY_SUBGRAPH = `query($id: ID!) { complaint(id: $id) { id subject status assignment { executor { id } } deadline { dueOn } timeline { type } } }`;
const FIELD_OF: Record<string, string> = {
  intake: 'subject',
  registry: 'status',
  routing: 'assignment { executor { id } }',
  deadline: 'deadline { dueOn }',
  notification: 'timeline { type }',
};
const ASSIGN = `mutation($c: ID!, $e: ID!, $r: String) { assignExecutor(complaintId: $c, executorId: $e, reason: $r) { executor { id } } }`;
const DECLARE = `mutation($c: ID!, $r: String!, $to: ID) { declareOutsideCompetence(complaintId: $c, reason: $r, competentOrganizationId: $to) { organization { id } } }`;
const FORWARD = `mutation($c: ID!, $to: ID!, $r: String!) { forwardComplaint(complaintId: $c, toOrganizationId: $to, reason: $r) { organization { id } rule } }`;
const ANSWER = `mutation($input: AnswerComplaintInput!) { answerComplaint(input: $input) { status reply { outgoingNumber } } }`;
const POLICE = 'org-dp-mangystau';
/** R7 + R18 at the receiving body: its registration (linked to the first), the term from it (R8), what the complainant reads. */
const REGISTERED_THERE = `query($id: ID!) { complaint(id: $id) {
  registration { organizationId incomingNumber registeredOn forwardedFrom { organizationId reason registration { organizationId incomingNumber registeredOn } } }
  registrations { organizationId incomingNumber }
  deadline { rule startsOn dueOn }
  timeline { type ru: description(language: RU) kk: description(language: KK) en: description(language: EN) enTitle: title(language: EN) }
} }`;

describe('who holds a complaint, through the gateway (issue 15)', () => {
  const iso = isolatedEnv('holder');
  const stack = new ProcessStack(iso);
  let gateway: string;
  let issuer: TestIssuer;
  const year = new Date().getFullYear();

  const bearer = (id: Identity) => issuer.bearer({ sub: id.subject, roles: id.roles, ...(id.iin ? { iin: id.iin } : {}), ...(id.organizationId ? { org: id.organizationId } : {}), ...(id.officialId ? { off: id.officialId } : {}) });
  const official = (role: 'HEAD' | 'EXECUTOR', org: string, off: string): Identity => ({ subject: off, roles: [role], organizationId: org, officialId: off });
  const answerInput = (complaintId: string) => ({ complaintId, decision: 'NOT_SATISFIED', reasoning: 'Оснований для удовлетворения жалобы не установлено.', delivery: { method: 'PORTAL' } });

  /** Registry has stored the effect of every complaint event published so far (its group committed past them). */
  async function registryCaughtUp(): Promise<void> {
    const admin = new Kafka({ clientId: 'holder-e2e', brokers: infraEnv().KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const topic = iso.topic('complaints');
      const ends = await admin.fetchTopicOffsets(topic);
      await waitFor('registry caught up', async () => {
        const [committed] = await admin.fetchOffsets({ groupId: `${iso.env.KAFKA_GROUP_PREFIX}registry.complaints`, topics: [topic] });
        const at = new Map((committed?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset === '-1' ? '0' : p.offset)]));
        return ends.every((p) => (at.get(p.partition) ?? 0n) >= BigInt(p.high)) ? true : undefined;
      });
    } finally {
      await admin.disconnect();
    }
  }

  async function assignedComplaint(subject: string): Promise<{ id: string; executor: string; citizen: Record<string, string> }> {
    const input = portalSubmission({ addresseeOrganizationId: SEEDED.pscAktau, subject });
    const citizen = await bearer({ subject: 'c', roles: ['CITIZEN'], iin: input.complainant.individual.iin });
    const res = await gql(gateway, SUBMIT, { input }, citizen);
    const id = res.data.submitComplaint.complaint.id as string;
    const c = await waitFor('assigned by the PSC (auto-assignment, R2)', async () => {
      const got = (await gql(gateway, CABINET, { id }, citizen)).data?.complaint;
      return got?.status === 'ASSIGNED' && got.assignment?.executor?.id ? got : undefined;
    }, { timeoutMs: 90_000 });
    return { id, executor: c.assignment.executor.id, citizen };
  }

  beforeAll(async () => {
    issuer = await createTestIssuer();
    ({ gatewayUrl: gateway } = await stack.startAll({ AUTH_JWKS_FILE: issuer.jwksFile }));
  }, 240_000);

  afterAll(async () => {
    await stack.stopAll();
    await iso.cleanup();
  });

  it('R2: after a reassignment only the new executor answers; the replaced one gets FORBIDDEN', async () => {
    const head = await bearer(official('HEAD', SEEDED.pscAktau, 'off-aktau-head'));
    const { id, executor: first } = await assignedComplaint('Переназначение исполнителя');
    const next = first === 'off-aktau-exec-1' ? 'off-aktau-exec-2' : 'off-aktau-exec-1';
    const reassigned = await gql(gateway, ASSIGN, { c: id, e: next, r: 'Перераспределение нагрузки' }, head);
    expect(reassigned.errors).toBeUndefined();
    await waitFor('the reassignment is on the topic', async () => {
      const c = (await gql(gateway, CABINET, { id }, head)).data?.complaint;
      return c?.assignment?.executor?.id === next && c.timeline.some((e: { type: string }) => e.type === 'complaint.reassigned') ? true : undefined;
    });
    await registryCaughtUp();

    const byReplaced = await gql(gateway, ANSWER, { input: answerInput(id) }, await bearer(official('EXECUTOR', SEEDED.pscAktau, first)));
    expect(byReplaced.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const byNew = await gql(gateway, ANSWER, { input: answerInput(id) }, await bearer(official('EXECUTOR', SEEDED.pscAktau, next)));
    expect(byNew.errors).toBeUndefined();
    expect(byNew.data.answerComplaint).toMatchObject({ status: 'ANSWERED', reply: { outgoingNumber: expect.stringMatching(new RegExp(`^PSCAKT-${year}-OUT-`)) } });
  }, 300_000);

  it('R18: after a forwarding the receiving body’s head reads it in every subgraph; the first executor is FORBIDDEN; the receiving executor answers in its own outgoing journal', async () => {
    const head = await bearer(official('HEAD', SEEDED.pscAktau, 'off-aktau-head'));
    const policeHeadId = official('HEAD', POLICE, 'off-dpmng-head');
    const policeHead = await bearer(policeHeadId);
    const { id, executor: first, citizen } = await assignedComplaint('Выдача удостоверения личности');
    // Before the forwarding the police department has no business with it.
    expect((await gql(gateway, EVERY_SUBGRAPH, { id }, policeHead)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const reason = 'Выдача удостоверений личности — компетенция Департамента полиции';
    expect((await gql(gateway, DECLARE, { c: id, r: reason, to: POLICE }, head)).errors).toBeUndefined();
    expect((await gql(gateway, FORWARD, { c: id, to: POLICE, r: reason }, head)).errors).toBeUndefined();

    // Every subgraph lets the receiving head read it, through the gateway and straight at each subgraph.
    const seen = await waitFor('the police head reads it everywhere', async () => {
      const res = await gql(gateway, EVERY_SUBGRAPH, { id }, policeHead);
      return res.errors ? undefined : res.data.complaint;
    }, { timeoutMs: 60_000 });
    expect(seen.id).toBe(id);
    for (const [service, field] of Object.entries(FIELD_OF)) {
      const res = await gql(stack.procs.get(service)!.url, entitiesQuery('Complaint', `id ${field}`), { representations: [{ __typename: 'Complaint', id }] }, as(policeHeadId));
      expect({ service, errors: res.errors }).toEqual({ service, errors: undefined });
    }
    // The first body keeps read access (it held the complaint).
    expect((await gql(gateway, EVERY_SUBGRAPH, { id }, head)).errors).toBeUndefined();

    // R7 at the receiving body: the police department registers it in its own incoming journal
    // (its own number and date), linked to the PSC's registration, which stays as it was; the
    // review term counts from the police registration (R8); the complainant reads where and why.
    type Entry = { type: string; ru: string; kk: string; en: string; enTitle: string };
    const there = await waitFor('registered by the police department, its term set, the complainant told', async () => {
      const c = (await gql(gateway, REGISTERED_THERE, { id }, citizen)).data?.complaint;
      const told = c?.timeline.some((e: Entry) => e.type === 'complaint.registered' && e.en.includes(`DPMNG-${year}-`));
      return c?.registration?.organizationId === POLICE && c.deadline?.startsOn === c.registration.registeredOn && told ? c : undefined;
    }, { timeoutMs: 60_000 });
    const firstRegistration = there.registrations[0];
    expect(firstRegistration.organizationId).toBe(SEEDED.pscAktau);
    expect(there.registration).toMatchObject({
      incomingNumber: `DPMNG-${year}-00001`,
      forwardedFrom: { organizationId: SEEDED.pscAktau, reason, registration: { organizationId: SEEDED.pscAktau, incomingNumber: firstRegistration.incomingNumber } },
    });
    expect(there.registrations).toEqual([firstRegistration, { organizationId: POLICE, incomingNumber: `DPMNG-${year}-00001` }]);
    expect(there.deadline).toMatchObject({ rule: 'R8', startsOn: there.registration.registeredOn });
    const told = (there.timeline as Entry[]).find((e) => e.type === 'complaint.registered' && e.en.includes('DPMNG'))!;
    expect(told.enTitle).toBe('Complaint registered by the body it was forwarded to');
    for (const text of [told.ru, told.kk, told.en]) expect(text).toContain(reason);
    expect(told.en).toContain(`Earlier registration: No. ${firstRegistration.incomingNumber}`);
    expect(told.ru).toContain(`Прежняя регистрация: № ${firstRegistration.incomingNumber}`);

    await registryCaughtUp();
    const byFirst = await gql(gateway, ANSWER, { input: answerInput(id) }, await bearer(official('EXECUTOR', SEEDED.pscAktau, first)));
    expect(byFirst.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    await waitFor('the police head may appoint', async () => ((await gql(gateway, ASSIGN, { c: id, e: 'off-dpmng-exec-1', r: null }, policeHead)).errors ? undefined : true));
    const policeExecutor = await bearer(official('EXECUTOR', POLICE, 'off-dpmng-exec-1'));
    const answered = await waitFor('answered by the police executor', async () => {
      const res = await gql(gateway, ANSWER, { input: answerInput(id) }, policeExecutor);
      if (res.errors && res.errors[0]?.extensions?.code !== 'FORBIDDEN') throw new Error(`answer: ${JSON.stringify(res.errors)}`);
      return res.errors ? undefined : res.data.answerComplaint;
    });
    // R9, R18: numbered in the receiving body's outgoing journal, not the PSC's.
    expect(answered).toMatchObject({ status: 'ANSWERED', reply: { outgoingNumber: `DPMNG-${year}-OUT-00001` } });
  }, 300_000);
});
