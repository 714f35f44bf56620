import type { Organization } from './directory';
import { routeComplaint } from './routing-rules';
import { regionOfAddress } from './regions';

const org = (id: string, kind: Organization['kind'], region: string, parentId?: string): Organization => ({
  id,
  code: id.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 12),
  kind,
  name: { ru: id, kk: id, en: id },
  region,
  acceptsComplaints: true,
  ...(parentId ? { parentId } : {}),
});

const ministry = org('org-mdai', 'MINISTRY', 'ASTANA');
const provider = org('org-dp-mangystau', 'SERVICE_PROVIDER', 'MANGYSTAU', 'org-mvd');
const psc = org('org-psc-aktau', 'PSC', 'MANGYSTAU');
const adgs = org('org-adgs', 'AUTHORIZED_BODY', 'ASTANA');
const adgsMangystau = org('org-adgs-mangystau', 'AUTHORIZED_BODY', 'MANGYSTAU', 'org-adgs');
const adgsAtyrau = org('org-adgs-atyrau', 'AUTHORIZED_BODY', 'ATYRAU', 'org-adgs');

describe('routing rules', () => {
  it('R2: a complaint goes to the head of the addressed service provider', () => {
    expect(routeComplaint({ addressee: provider })).toEqual({ organizationId: 'org-dp-mangystau', rule: 'R2' });
  });

  it('R2: a complaint addressed to the Ministry goes to the Ministry’s head', () => {
    expect(routeComplaint({ addressee: ministry })).toEqual({ organizationId: 'org-mdai', rule: 'R2' });
  });

  it('R6: a complaint to a PSC goes to that PSC’s head', () => {
    expect(routeComplaint({ addressee: psc })).toEqual({ organizationId: 'org-psc-aktau', rule: 'R6' });
  });

  it('R6: a complaint about a PSC employee addressed elsewhere goes to that PSC’s head, keeping where it came from', () => {
    expect(routeComplaint({ addressee: ministry, concernsPsc: psc })).toEqual({ organizationId: 'org-psc-aktau', rule: 'R6', fromOrganizationId: 'org-mdai' });
  });

  it('R12: an escalation goes to the authorized body’s department for the complainant’s region', () => {
    const decision = routeComplaint({ addressee: adgs, complainantRegion: 'MANGYSTAU', authorizedBodies: [adgs, adgsAtyrau, adgsMangystau] });
    expect(decision).toEqual({ organizationId: 'org-adgs-mangystau', rule: 'R12', fromOrganizationId: 'org-adgs' });
  });

  it('R12: without a department in the complainant’s region (or an unknown region) the authorized body keeps it', () => {
    expect(routeComplaint({ addressee: adgs, complainantRegion: 'SHYMKENT', authorizedBodies: [adgs, adgsMangystau] })).toEqual({ organizationId: 'org-adgs', rule: 'R12' });
    expect(routeComplaint({ addressee: adgs, complainantRegion: null, authorizedBodies: [adgs, adgsMangystau] })).toEqual({ organizationId: 'org-adgs', rule: 'R12' });
  });

  it('R12: an escalation addressed to the regional department stays there', () => {
    expect(routeComplaint({ addressee: adgsMangystau, complainantRegion: 'MANGYSTAU', authorizedBodies: [adgs, adgsMangystau] })).toEqual({
      organizationId: 'org-adgs-mangystau',
      rule: 'R12',
    });
  });

  it('reads the complainant’s region from the postal address (ru and kk), cities before regions', () => {
    expect(regionOfAddress('Актау, 14 микрорайон, дом 1, кв. 5')).toBe('MANGYSTAU');
    expect(regionOfAddress('Маңғыстау облысы, Жаңаөзен қ.')).toBe('MANGYSTAU');
    expect(regionOfAddress('г. Алматы, пр. Абая, 10')).toBe('ALMATY');
    expect(regionOfAddress('Алматинская область, Талгар')).toBe('ALMATY_REGION');
    expect(regionOfAddress('ул. Неизвестная, 1')).toBeNull();
  });
});
