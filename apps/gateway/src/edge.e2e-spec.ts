import { createHash } from 'node:crypto';
import { collectSubscription, createTestIssuer, gql, isolatedEnv, portalSubmission, ProcessStack, SEEDED, waitFor, type TestIssuer } from '@shagym/testing';

/**
 * The edge: tokens verified once at the gateway, the caller passed to subgraphs in signed
 * headers (never the client's own), abuse limits with coded refusals — and the complaint's
 * whole path to the authorized body (R9, R12, R13) driven by three different people's tokens.
 */
const SUBMIT = `mutation($input: SubmitComplaintInput!) { submitComplaint(input: $input) { complaint { id } } }`;
const VIEW = `query($id: ID!) { complaint(id: $id) { id status escalationOf addresseeOrganizationId
  registration { organizationCode } assignment { executor { id organization { id } } } deadline { rule termWorkingDays } } }`;

describe('gateway edge', () => {
  const iso = isolatedEnv('edge');
  const stack = new ProcessStack(iso);
  let gateway: string;
  let issuer: TestIssuer;

  beforeAll(async () => {
    issuer = await createTestIssuer();
    ({ gatewayUrl: gateway } = await stack.startAll({ AUTH_JWKS_FILE: issuer.jwksFile, LIMIT_MAX_DEPTH: '8', LIMIT_MAX_ALIASES: '5', LIMIT_MAX_BODY_BYTES: '20000' }));
  }, 180_000);

  afterAll(async () => {
    await stack.stopAll();
    await iso.cleanup();
  });

  it('refuses bad tokens and ignores identity headers a client forges', async () => {
    const input = portalSubmission({ addresseeOrganizationId: SEEDED.pscAktau });
    const anonymous = await gql(gateway, SUBMIT, { input });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const garbage = await gql(gateway, SUBMIT, { input }, { authorization: 'Bearer not.a.token' });
    expect(garbage.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(garbage.status).toBe(401);
    const otherAudience = await issuer.sign({ sub: 'x', roles: ['CITIZEN'], iin: input.complainant.individual.iin }, { audience: 'someone-else' });
    expect((await gql(gateway, SUBMIT, { input }, { authorization: `Bearer ${otherAudience}` })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const expired = await issuer.sign({ sub: 'x', roles: ['CITIZEN'], iin: input.complainant.individual.iin }, { expiresIn: '-1m' });
    expect((await gql(gateway, SUBMIT, { input }, { authorization: `Bearer ${expired}` })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    // A client sending the internal headers itself gains nothing: the gateway drops them.
    const forged = Buffer.from(JSON.stringify({ subject: 'x', roles: ['SUPERVISOR'] })).toString('base64url');
    const sneaky = await gql(gateway, SUBMIT, { input }, { 'x-shagym-identity': forged, 'x-shagym-identity-signature': 'abc' });
    expect(sneaky.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('takes attachment uploads for signed-in complainants and passes them to intake', async () => {
    const file = Buffer.from(`evidence ${iso.id}`);
    const sha = createHash('sha256').update(file).digest('hex');
    const url = gateway.replace('/graphql', `/attachments/${sha}`);
    expect((await fetch(url, { method: 'PUT', body: file })).status).toBe(401);
    const me = await issuer.bearer({ sub: 'c-up', roles: ['CITIZEN'], iin: '900101300017' });
    const res = await fetch(url, { method: 'PUT', body: file, headers: me });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ sha256: sha, sizeBytes: file.length });
  });

  it('serves the signed receipt link from notification at the public origin, refusing a forged one', async () => {
    const input = portalSubmission({ addresseeOrganizationId: SEEDED.pscAktau });
    const me = await issuer.bearer({ sub: 'c-doc', roles: ['CITIZEN'], iin: input.complainant.individual.iin });
    const id = (await gql(gateway, SUBMIT, { input }, me)).data.submitComplaint.complaint.id as string;
    const DOCS = `query($id: ID!) { complaint(id: $id) { documents(language: RU) { kind url } } }`;
    const receipt = await waitFor('receipt link', async () =>
      ((await gql(gateway, DOCS, { id }, me)).data?.complaint?.documents as Array<{ kind: string; url: string }> | undefined)?.find((d) => d.kind === 'REGISTRATION_RECEIPT'),
    );
    const link = new URL(receipt.url);
    const viaGateway = gateway.replace('/graphql', `${link.pathname}${link.search}`);
    const res = await fetch(viaGateway);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toMatch(/attachment|inline/);
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    expect((await fetch(viaGateway.replace(/\.[^.]+$/, '.AAAA'))).status).toBe(403);
  });

  it('limits depth, aliases and body size with coded refusals', async () => {
    const deep = `{ organization(id: "org-psc-aktau") { parent { parent { parent { parent { parent { parent { parent { parent { id } } } } } } } } } }`;
    expect((await gql(gateway, deep)).errors?.[0]?.extensions?.code).toBe('QUERY_TOO_DEEP');
    const aliases = `{ ${Array.from({ length: 7 }, (_, i) => `a${i}: organization(id: "org-psc-aktau") { id }`).join(' ')} }`;
    expect((await gql(gateway, aliases)).errors?.[0]?.extensions?.code).toBe('TOO_MANY_ALIASES');
    const huge = await fetch(gateway, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `{ __typename }`, pad: 'x'.repeat(30_000) }) });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('streams live complaint events over a WebSocket, de-identified for analysts, resumable without a gap', async () => {
    const ws = gateway.replace('http://', 'ws://').replace('/graphql', '/subscriptions');
    const EVENTS = `subscription($filter: ComplaintEventFilter, $after: String) { complaintEvents(filter: $filter, after: $after) { cursor type complaintId organizationId region data } }`;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const input = portalSubmission({ addresseeOrganizationId: SEEDED.pscAktau });
      const me = await issuer.bearer({ sub: `c-${i}`, roles: ['CITIZEN'], iin: input.complainant.individual.iin });
      ids.push((await gql(gateway, SUBMIT, { input }, me)).data.submitComplaint.complaint.id);
    }
    type Item = { complaintEvents: { cursor: string; type: string; complaintId: string; organizationId: string; region: string; data: string } };
    const mine = (items: Item[]) => items.map((i) => i.complaintEvents).filter((e) => ids.includes(e.complaintId));
    const analyst = (await issuer.bearer({ sub: 'analyst-1', roles: ['ANALYST'] })).authorization;

    const all = await collectSubscription<Item>(ws, EVENTS, { filter: { types: ['complaint.submitted'], regions: ['MANGYSTAU'] }, after: 'beginning' }, analyst, (items) => mine(items).length >= 3);
    expect(all.errors).toEqual([]);
    const submitted = mine(all.items);
    expect(submitted.map((e) => e.complaintId).sort()).toEqual([...ids].sort());
    expect(submitted.every((e) => e.type === 'complaint.submitted' && e.region === 'MANGYSTAU' && e.organizationId === SEEDED.pscAktau)).toBe(true);
    const data = JSON.parse(submitted[0]!.data);
    expect(data.complainant).toEqual({ kind: 'INDIVIDUAL' }); // no ИИН, no name, no address
    expect(data.text).toBeUndefined();

    // Resume after the first event received: the other two arrive, the first does not.
    const first = submitted[0]!;
    const resumed = await collectSubscription<Item>(ws, EVENTS, { filter: { types: ['complaint.submitted'] }, after: first.cursor }, analyst, (items) => mine(items).length >= 2, 20_000);
    const again = mine(resumed.items).map((e) => e.complaintId);
    expect(again).not.toContain(first.complaintId);
    expect(again.sort()).toEqual(ids.filter((id) => id !== first.complaintId).sort());

    const citizen = (await issuer.bearer({ sub: 'c-x', roles: ['CITIZEN'], iin: '900101300017' })).authorization;
    const refused = await collectSubscription(ws, EVENTS, {}, citizen, () => true, 10_000);
    expect(refused.errors[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('takes a complaint through reply and escalation to the authorized body with each party’s own token (R9, R12, R13)', async () => {
    const input = portalSubmission({ addresseeOrganizationId: SEEDED.pscAktau });
    const iin = input.complainant.individual.iin;
    const me = await issuer.bearer({ sub: `citizen-${iin}`, roles: ['CITIZEN'], iin });
    const id = (await gql(gateway, SUBMIT, { input }, me)).data.submitComplaint.complaint.id;

    const assigned = await waitFor('assigned', async () => {
      const c = (await gql(gateway, VIEW, { id }, me)).data?.complaint;
      return c?.status === 'ASSIGNED' && c.assignment ? c : undefined;
    });
    // Another citizen cannot see it.
    const stranger = await issuer.bearer({ sub: 'citizen-x', roles: ['CITIZEN'], iin: '900101300017' });
    expect((await gql(gateway, VIEW, { id }, stranger)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const executor = assigned.assignment.executor;
    const execToken = await issuer.bearer({ sub: executor.id, roles: ['EXECUTOR'], off: executor.id, org: executor.organization.id });
    const answer = await gql(
      gateway,
      `mutation($input: AnswerComplaintInput!) { answerComplaint(input: $input) { status reply { outgoingNumber } } }`,
      { input: { complaintId: id, decision: 'NOT_SATISFIED', reasoning: 'Оснований для удовлетворения жалобы не установлено.', delivery: { method: 'PORTAL' } } },
      execToken,
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data.answerComplaint.status).toBe('ANSWERED');

    const escalated = await waitFor('escalation accepted', async () => {
      const res = await gql(gateway, `mutation($input: EscalateComplaintInput!) { escalateComplaint(input: $input) { complaint { id } } }`, { input: { complaintId: id, text: 'Не согласна с ответом ЦОН.', idempotencyKey: `esc-${iso.id}` } }, me);
      return res.errors ? undefined : res.data.escalateComplaint.complaint.id;
    });
    // R12 once, then the court (R14): a second escalation through the gateway is refused with a code.
    const again = await gql(gateway, `mutation($input: EscalateComplaintInput!) { escalateComplaint(input: $input) { complaint { id } } }`, { input: { complaintId: id, text: 'Ещё раз не согласна.', idempotencyKey: `esc2-${iso.id}` } }, me);
    expect(again.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
    const second = await waitFor('escalation registered with a 15-day term', async () => {
      const c = (await gql(gateway, VIEW, { id: escalated }, me)).data?.complaint;
      return c?.registration && c.deadline ? c : undefined;
    });
    expect(second).toMatchObject({ escalationOf: id, addresseeOrganizationId: 'org-adgs-mangystau', registration: { organizationCode: 'ADGSMNG' }, deadline: { rule: 'R13', termWorkingDays: 15 } });
    // The first complaint's timeline shows where it went (R11, R12).
    const entry = await waitFor('escalation on the first timeline', async () => {
      const timeline = (await gql(gateway, `query($id: ID!) { complaint(id: $id) { timeline { type title(language: KK) } } }`, { id }, me)).data?.complaint?.timeline ?? [];
      return timeline.find((e: { type: string }) => e.type === 'complaint.escalated');
    });
    expect(entry.title).toBe('Шағым уәкілетті органға берілді');
    const first = await waitFor('first complaint ESCALATED (R12)', async () => {
      const c = (await gql(gateway, `query($id: ID!) { complaint(id: $id) { status escalatedTo { id status } } }`, { id }, me)).data?.complaint;
      return c?.status === 'ESCALATED' ? c : undefined;
    });
    expect(first.escalatedTo.id).toBe(escalated);
  });
});
