import { identityHeaders, type Identity } from '@shagym/service-kit';

/** The development signing secret every service defaults to (IDENTITY_SIGNING_SECRET). */
export const DEV_IDENTITY_SECRET = 'shagym-development-only-secret';

/** Headers that make a request to a subgraph come from this caller, as the gateway would sign them. */
export function as(identity: Identity, secret = DEV_IDENTITY_SECRET): Record<string, string> {
  return identityHeaders(identity, secret);
}

export const IDENTITIES = {
  citizen: (iin: string): Identity => ({ subject: `citizen-${iin}`, roles: ['CITIZEN'], iin }),
  head: (organizationId: string, officialId: string): Identity => ({ subject: officialId, roles: ['HEAD'], organizationId, officialId }),
  executor: (organizationId: string, officialId: string): Identity => ({ subject: officialId, roles: ['EXECUTOR'], organizationId, officialId }),
  operator: (organizationId: string, officialId: string): Identity => ({ subject: officialId, roles: ['OPERATOR'], organizationId, officialId }),
  supervisor: (organizationId: string, officialId: string): Identity => ({ subject: officialId, roles: ['SUPERVISOR'], organizationId, officialId }),
  company: (bin: string): Identity => ({ subject: `company-${bin}`, roles: ['COMPANY'], bin }),
};
