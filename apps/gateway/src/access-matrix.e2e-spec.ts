import { as, createTestIssuer, entitiesQuery, gql, isolatedEnv, portalSubmission, ProcessStack, SEEDED, waitFor, type TestIssuer } from '@shagym/testing';
import type { Identity } from '@shagym/service-kit';

/**
 * Who may see a complaint, checked for every role against every subgraph that contributes to
 * it — through the gateway with tokens and straight at each subgraph with signed headers —
 * so that no subgraph leaks what another refuses (issue 8).
 */
const FIELD_OF: Record<string, string> = {
  intake: 'subject',
  registry: 'status',
  routing: 'assignment { executor { id } }',
  deadline: 'deadline { dueOn }',
  notification: 'timeline { type }',
};

describe('access matrix: every role × every subgraph, through the gateway and directly', () => {
  const iso = isolatedEnv('matrix');
  const stack = new ProcessStack(iso);
  let gateway: string;
  let issuer: TestIssuer;
  let complaintId: string;
  const input = portalSubmission({ addresseeOrganizationId: SEEDED.pscAktau });
  const iin = input.complainant.individual.iin;

  const ROLES: Array<[label: string, allowed: boolean, identity: Identity | null]> = [
    ['the complainant', true, { subject: 'c', roles: ['CITIZEN'], iin }],
    ['another citizen', false, { subject: 'c2', roles: ['CITIZEN'], iin: '900101300017' }],
    ['a company', false, { subject: 'co', roles: ['COMPANY'], bin: '980440001232' }],
    ['an operator of the PSC', true, { subject: 'op', roles: ['OPERATOR'], organizationId: SEEDED.pscAktau, officialId: 'off-aktau-registrar' }],
    ['the head of the PSC', true, { subject: 'h', roles: ['HEAD'], organizationId: SEEDED.pscAktau, officialId: 'off-aktau-head' }],
    ['an executor of another body', false, { subject: 'e', roles: ['EXECUTOR'], organizationId: SEEDED.pscZhanaozen, officialId: 'x' }],
    ['a quality-control supervisor', true, { subject: 's', roles: ['SUPERVISOR'], organizationId: 'org-adgs-mangystau', officialId: 'off-adgs-supervisor' }],
    ['an agency with complaints:read', true, { subject: 'a', roles: ['AGENCY'], scopes: ['complaints:read'] }],
    ['an agency without it', false, { subject: 'a2', roles: ['AGENCY'], scopes: ['events:read'] }],
    ['an analyst', false, { subject: 'an', roles: ['ANALYST'] }],
    ['nobody (no token)', false, null],
  ];

  const tokenFor = async (id: Identity | null) =>
    id ? issuer.bearer({ sub: id.subject, roles: id.roles, ...(id.iin ? { iin: id.iin } : {}), ...(id.bin ? { bin: id.bin } : {}), ...(id.organizationId ? { org: id.organizationId } : {}), ...(id.officialId ? { off: id.officialId } : {}), ...(id.scopes ? { scope: id.scopes.join(' ') } : {}) }) : {};

  beforeAll(async () => {
    issuer = await createTestIssuer();
    ({ gatewayUrl: gateway } = await stack.startAll({ AUTH_JWKS_FILE: issuer.jwksFile }));
    const me = await tokenFor(ROLES[0]![2]);
    complaintId = (await gql(gateway, `mutation($input: SubmitComplaintInput!) { submitComplaint(input: $input) { complaint { id } } }`, { input }, me)).data.submitComplaint.complaint.id;
    await waitFor('assigned, due and on the timeline', async () => {
      const c = (await gql(gateway, `query($id: ID!) { complaint(id: $id) { status deadline { dueOn } timeline { type } } }`, { id: complaintId }, me)).data?.complaint;
      return c?.status === 'ASSIGNED' && c.deadline && c.timeline.some((e: { type: string }) => e.type === 'deadline.set');
    });
  }, 240_000);

  afterAll(async () => {
    await stack.stopAll();
    await iso.cleanup();
  });

  it.each(ROLES)('through the gateway: %s → allowed: %s', async (_label, allowed, identity) => {
    const res = await gql(gateway, `query($id: ID!) { complaint(id: $id) { id subject status assignment { executor { id } } deadline { dueOn } timeline { type } } }`, { id: complaintId }, await tokenFor(identity));
    if (allowed) {
      expect(res.errors).toBeUndefined();
      expect(res.data.complaint).toMatchObject({ id: complaintId, subject: input.subject, status: 'ASSIGNED' });
      expect(res.data.complaint.deadline.dueOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    } else {
      expect(res.errors?.[0]?.extensions?.code).toBe(identity ? 'FORBIDDEN' : 'UNAUTHENTICATED');
      expect(res.data?.complaint ?? null).toBeNull(); // nothing of it leaks
    }
  });

  it.each(ROLES)('straight at each subgraph: %s → allowed: %s', async (_label, allowed, identity) => {
    for (const [service, field] of Object.entries(FIELD_OF)) {
      const url = stack.procs.get(service)!.url;
      const res = await gql(url, entitiesQuery('Complaint', `id ${field}`), { representations: [{ __typename: 'Complaint', id: complaintId }] }, identity ? as(identity) : {});
      if (allowed) {
        expect({ service, errors: res.errors }).toEqual({ service, errors: undefined });
        expect(res.data._entities[0].id).toBe(complaintId);
      } else {
        expect({ service, code: res.errors?.[0]?.extensions?.code }).toEqual({ service, code: identity ? 'FORBIDDEN' : 'UNAUTHENTICATED' });
        expect({ service, entity: res.data?._entities?.[0] ?? null }).toEqual({ service, entity: null });
      }
    }
  });
});
