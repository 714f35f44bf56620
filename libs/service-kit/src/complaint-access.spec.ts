import { canSeeComplaint, type ComplaintParties } from './complaint-access';
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
