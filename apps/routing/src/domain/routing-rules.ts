import type { Organization } from './directory';

export type RoutingRule = 'R2' | 'R6' | 'R12' | 'R18';

export interface RoutingInput {
  /** The body the complaint was addressed to and registered by (R1, R7). */
  addressee: Organization;
  /** R6: the PSC whose employee the complaint is about, when it is about one. */
  concernsPsc?: Organization | null;
  /** R12: the complainant's region (from their postal address), for an escalation. */
  complainantRegion?: string | null;
  /** The authorized bodies (quality control) of the directory: the central one and its regional departments. */
  authorizedBodies?: Organization[];
}

export interface RoutingDecision {
  organizationId: string;
  rule: RoutingRule;
  /** Set when the complaint is routed away from the body that registered it. */
  fromOrganizationId?: string;
}

/**
 * Where a registered complaint goes (pure):
 * - R6: a complaint about a PSC employee goes to the head of that PSC (also when the PSC is the addressee);
 * - R12: an escalation (a complaint to the authorized body for quality control) goes to the
 *   authorized body's department for the complainant's region, when there is one; otherwise
 *   the body addressed keeps it;
 * - R2: otherwise to the head of the addressed service provider or Ministry.
 */
export function routeComplaint(input: RoutingInput): RoutingDecision {
  const { addressee } = input;
  if (input.concernsPsc && input.concernsPsc.kind === 'PSC') {
    return withOrigin(input.concernsPsc.id, 'R6', addressee.id);
  }
  if (addressee.kind === 'PSC') return { organizationId: addressee.id, rule: 'R6' };
  if (addressee.kind === 'AUTHORIZED_BODY') {
    const region = input.complainantRegion;
    if (region && addressee.region !== region) {
      const department = regionalDepartment(addressee, region, input.authorizedBodies ?? []);
      if (department) return withOrigin(department.id, 'R12', addressee.id);
    }
    return { organizationId: addressee.id, rule: 'R12' };
  }
  return { organizationId: addressee.id, rule: 'R2' };
}

/** The authorized body's department in the region: a sub-body of the addressee first, else any there. */
function regionalDepartment(addressee: Organization, region: string, bodies: Organization[]): Organization | undefined {
  const inRegion = bodies
    .filter((b) => b.kind === 'AUTHORIZED_BODY' && b.region === region && b.acceptsComplaints)
    .sort((a, b) => a.id.localeCompare(b.id));
  return inRegion.find((b) => b.parentId === addressee.id) ?? inRegion[0];
}

function withOrigin(organizationId: string, rule: RoutingRule, addresseeId: string): RoutingDecision {
  return organizationId === addresseeId ? { organizationId, rule } : { organizationId, rule, fromOrganizationId: addresseeId };
}
