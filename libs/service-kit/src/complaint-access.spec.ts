import { canSeeComplaint, foldHolder, type ComplaintParties } from './complaint-access';
import type { Identity } from './identity';

const parties: ComplaintParties = { complaintId: 'c-1', complainantIin: '900101300017', complainantBin: null, organizationIds: ['org-psc', 'org-min'], executorOfficialIds: ['exec-1'] };
const who = (roles: Identity['roles'], extra: Partial<Identity> = {}): Identity => ({ subject: 's', roles, ...extra });

describe('who may see a complaint', () => {
  it.each([
    ['the complainant', who(['CITIZEN'], { iin: '900101300017' }), true],
    ['another citizen', who(['CITIZEN'], { iin: '850101400019' }), false],
    ['a company that is not the complainant', who(['COMPANY'], { bin: '980440001232' }), false],
    ['an operator of the addressee', who(['OPERATOR'], { organizationId: 'org-psc' }), true],
    ['an executor of another body', who(['EXECUTOR'], { organizationId: 'org-x' }), false],
    ['a head of a body it was forwarded to', who(['HEAD'], { organizationId: 'org-min' }), true],
    ['a quality-control supervisor', who(['SUPERVISOR'], { organizationId: 'org-adgs' }), true],
    ['an agency with complaints:read', who(['AGENCY'], { scopes: ['complaints:read'] }), true],
    ['an agency without the scope', who(['AGENCY'], { scopes: ['events:read'] }), false],
    ['an analyst (aggregates only)', who(['ANALYST']), false],
  ])('%s → %s', (_label, identity, allowed) => {
    expect(canSeeComplaint(identity, parties)).toBe(allowed);
  });

  it('lets nobody but supervisors and scoped agencies see a complaint nobody has heard of', () => {
    expect(canSeeComplaint(who(['CITIZEN'], { iin: '900101300017' }), null)).toBe(false);
    expect(canSeeComplaint(who(['SUPERVISOR']), null)).toBe(true);
  });
});

describe('who holds a complaint (foldHolder, issue 15)', () => {
  const submitted = { kind: 'SUBMITTED', iin: '900101300017', organizationId: 'org-psc' } as const;
  const registered = { kind: 'REGISTERED', organizationId: 'org-psc' } as const;
  const assigned = (org: string, exec: string) => ({ kind: 'ASSIGNED', organizationId: org, executorOfficialId: exec }) as const;
  const forwarded = (from: string, to: string) => ({ kind: 'FORWARDED', fromOrganizationId: from, organizationId: to }) as const;

  it('knows nobody before any event of the complaint', () => {
    expect(foldHolder('c-1', [])).toBeNull();
  });

  it('knows the complainant, addressee, registering body and appointed executor (R1, R7, R2)', () => {
    expect(foldHolder('c-1', [submitted, registered, assigned('org-psc', 'exec-1')])).toMatchObject({
      complainantIin: '900101300017',
      addresseeOrganizationId: 'org-psc',
      registeringOrganizationId: 'org-psc',
      currentOrganizationId: 'org-psc',
      currentExecutorOfficialId: 'exec-1',
      organizationIds: ['org-psc'],
    });
  });

  it('R2: after a reassignment only the new executor is current; both stay in the history', () => {
    const h = foldHolder('c-1', [submitted, registered, assigned('org-psc', 'exec-1'), assigned('org-psc', 'exec-2')])!;
    expect(h.currentExecutorOfficialId).toBe('exec-2');
    expect(h.executorOfficialIds).toEqual(['exec-1', 'exec-2']);
  });

  it('R18: a forwarding moves the complaint to the receiving body, clears the executor, and keeps the first body as a reader', () => {
    const h = foldHolder('c-1', [submitted, registered, assigned('org-psc', 'exec-1'), forwarded('org-psc', 'org-min')])!;
    expect(h).toMatchObject({ currentOrganizationId: 'org-min', currentExecutorOfficialId: null, organizationIds: ['org-psc', 'org-min'] });
    // The receiving body's head can read it (issue 8 rule), and so can the first body.
    expect(canSeeComplaint(who(['HEAD'], { organizationId: 'org-min' }), h)).toBe(true);
    expect(canSeeComplaint(who(['EXECUTOR'], { organizationId: 'org-psc' }), h)).toBe(true);
  });

  it('R18, R2: the receiving body appoints its own executor; a late appointment at the first body changes nothing', () => {
    const h = foldHolder('c-1', [submitted, registered, forwarded('org-psc', 'org-min'), assigned('org-min', 'exec-9'), assigned('org-psc', 'exec-1')])!;
    expect(h.currentOrganizationId).toBe('org-min');
    expect(h.currentExecutorOfficialId).toBe('exec-9');
  });

  it('R7, R18: a registration at the receiving body makes it the registering body without moving the complaint back', () => {
    const h = foldHolder('c-1', [submitted, registered, forwarded('org-psc', 'org-min'), { kind: 'REGISTERED', organizationId: 'org-min' }])!;
    expect(h).toMatchObject({ registeringOrganizationId: 'org-min', currentOrganizationId: 'org-min', addresseeOrganizationId: 'org-psc' });
  });

  it('R2, R12: routing to another body (a regional department) moves it there and clears the executor', () => {
    const h = foldHolder('c-1', [submitted, registered, assigned('org-psc', 'exec-1'), { kind: 'ROUTED', organizationId: 'org-dep' }])!;
    expect(h).toMatchObject({ currentOrganizationId: 'org-dep', currentExecutorOfficialId: null });
    // Routed to the head of the same body: the appointed executor stays.
    const same = foldHolder('c-1', [submitted, registered, assigned('org-psc', 'exec-1'), { kind: 'ROUTED', organizationId: 'org-psc' }])!;
    expect(same.currentExecutorOfficialId).toBe('exec-1');
  });

  it('R12: keeps escalation links both ways', () => {
    expect(foldHolder('c-1', [submitted, { kind: 'ESCALATED', escalationComplaintId: 'c-2', authorizedBodyId: 'org-adgs' }])!.escalatedTo).toEqual(['c-2']);
    expect(foldHolder('c-2', [{ kind: 'SUBMITTED', iin: '900101300017', organizationId: 'org-adgs', escalationOf: 'c-1' }])!.escalationOf).toBe('c-1');
  });

  it('reads facts written before kinds existed (issue 8 shape)', () => {
    const h = foldHolder('c-1', [{ iin: '900101300017', organizationId: 'org-a' }, { organizationId: 'org-a' }, { organizationId: 'org-a', executorOfficialId: 'exec-7' }])!;
    expect(h).toMatchObject({ complainantIin: '900101300017', currentOrganizationId: 'org-a', currentExecutorOfficialId: 'exec-7', organizationIds: ['org-a'], executorOfficialIds: ['exec-7'] });
  });
});
