import { createTestIssuer, gql, isolatedEnv, portalSubmission, ProcessStack, SEEDED, waitFor, type TestIssuer } from '@shagym/testing';

/**
 * The walking skeleton end to end: five services and the gateway as separate processes on
 * the real Kafka and FerretDB; submit through the gateway and follow the complaint through
 * registration (R7), assignment (R2), the review term (R8) and the timeline (R11).
 */
const SUBMIT = `mutation($input: SubmitComplaintInput!) { submitComplaint(input: $input) { complaint { id } } }`;
const COMPLAINT = `query($id: ID!) {
  complaint(id: $id) {
    id subject channel
    status
    registration { incomingNumber sequence year registeredOn organizationCode }
    assignment { executor { fullName organization { code } } }
    deadline { rule termWorkingDays startsOn dueOn dueAt }
    timeline { type title(language: RU) description(language: KK) }
  }
}`;

describe('walking skeleton through the gateway', () => {
  const iso = isolatedEnv('e2e');
  const stack = new ProcessStack(iso);
  let gateway: string;
  let issuer: TestIssuer;
  /** The signed-in complainant of a submission. */
  const citizen = (input: { complainant: { individual: { iin: string } } }) =>
    issuer.bearer({ sub: `citizen-${input.complainant.individual.iin}`, roles: ['CITIZEN'], iin: input.complainant.individual.iin });

  beforeAll(async () => {
    issuer = await createTestIssuer();
    ({ gatewayUrl: gateway } = await stack.startAll({ AUTH_JWKS_FILE: issuer.jwksFile }));
  }, 180_000);

  afterAll(async () => {
    await stack.stopAll();
    await iso.cleanup();
  });

  it('takes a complaint from submission to registered, assigned, due and on the timeline', async () => {
    const input = portalSubmission({ addresseeOrganizationId: SEEDED.pscAktau });
    const me = await citizen(input);
    const submitted = await gql(gateway, SUBMIT, { input }, { ...me, 'x-correlation-id': `e2e-${iso.id}` });
    expect(submitted.errors).toBeUndefined();
    expect(submitted.headers.get('x-correlation-id')).toBe(`e2e-${iso.id}`);
    const id = submitted.data.submitComplaint.complaint.id;

    const complaint = await waitFor('complaint assigned with deadline and timeline', async () => {
      const res = await gql(gateway, COMPLAINT, { id }, me);
      const c = res.data?.complaint;
      const types = new Set((c?.timeline ?? []).map((e: { type: string }) => e.type));
      return c?.status === 'ASSIGNED' && c.deadline && types.has('complaint.assigned') && types.has('deadline.set') ? c : undefined;
    }, { timeoutMs: 60_000 });

    const year = new Date().getFullYear();
    expect(complaint.registration).toMatchObject({ organizationCode: 'PSCAKT', sequence: 1, year, incomingNumber: `PSCAKT-${year}-00001` });
    // R2: an official of the addressed PSC examines it (routing picks who: the head or the executor it suggests).
    expect(complaint.assignment.executor.organization).toEqual({ code: 'PSCAKT' });
    expect(['Бекмурзаев Тимур Асланович', 'Утепова Гульнара Сериковна']).toContain(complaint.assignment.executor.fullName);
    expect(complaint.deadline).toMatchObject({ rule: 'R8', termWorkingDays: 5, startsOn: complaint.registration.registeredOn });
    expect(complaint.deadline.dueOn > complaint.deadline.startsOn).toBe(true);
    // Assignment (routing) and the term (deadline) both follow registration, in parallel.
    const types = complaint.timeline.map((e: { type: string }) => e.type);
    expect(types.slice(0, 3)).toEqual(['complaint.submitted', 'complaint.delivered', 'complaint.registered']);
    expect(types.slice(3)).toEqual(expect.arrayContaining(['complaint.assigned', 'deadline.set']));
    expect(new Set(types).size).toBe(types.length); // one entry per step
    const registered = complaint.timeline.find((e: { type: string }) => e.type === 'complaint.registered');
    expect(registered.title).toBe('Жалоба зарегистрирована');
    expect(registered.description).toContain(complaint.registration.incomingNumber);
  });

  it('numbers 50 concurrent complaints to one organization 1..50 with no gap and no duplicate (R7)', async () => {
    const ids: string[] = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const input = portalSubmission({ addresseeOrganizationId: SEEDED.pscZhanaozen });
        const res = await gql(gateway, SUBMIT, { input }, await citizen(input));
        if (res.errors) throw new Error(JSON.stringify(res.errors));
        return res.data.submitComplaint.complaint.id as string;
      }),
    );
    const numbers = await waitFor('all 50 registered', async () => {
      const supervisor = await issuer.bearer({ sub: 'sup-1', roles: ['SUPERVISOR'], org: 'org-adgs-mangystau', off: 'off-adgs-supervisor' });
      const regs = await Promise.all(
        ids.map(async (id) => (await gql(gateway, `query($id: ID!) { complaint(id: $id) { registration { sequence incomingNumber } } }`, { id }, supervisor)).data?.complaint?.registration),
      );
      return regs.every(Boolean) ? regs : undefined;
    }, { timeoutMs: 90_000, intervalMs: 500 });
    const seqs = numbers.map((r: { sequence: number }) => r.sequence).sort((a: number, b: number) => a - b);
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(new Set(numbers.map((r: { incomingNumber: string }) => r.incomingNumber)).size).toBe(50);
  });

  it('answers bad input through the gateway with BAD_USER_INPUT and the field', async () => {
    const input = portalSubmission({ addresseeOrganizationId: SEEDED.pscAktau, text: '' });
    const res = await gql(gateway, SUBMIT, { input }, await citizen(input));
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.text' });
  });

  it('exposes health, readiness and metrics', async () => {
    const base = gateway.replace('/graphql', '');
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const ready = await (await fetch(`${base}/ready`)).json();
    expect(ready).toMatchObject({ status: 'ready', checks: { intake: true, registry: true, routing: true, deadline: true, notification: true } });
    const intakeMetrics = await (await fetch(stack.procs.get('intake')!.url.replace('/graphql', '/metrics'))).text();
    expect(intakeMetrics).toMatch(/shagym_events_published_total\{[^}]*type="complaint.submitted"[^}]*\} [1-9]/);
    const registryMetrics = await (await fetch(stack.procs.get('registry')!.url.replace('/graphql', '/metrics'))).text();
    expect(registryMetrics).toMatch(/shagym_consumer_lag\{[^}]*group="[^"]*registry.complaints"[^}]*\} \d+/);
  });
});
