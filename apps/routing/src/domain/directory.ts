import type { LocalizedText } from '@shagym/contracts';

export type OrganizationKind = 'MINISTRY' | 'SERVICE_PROVIDER' | 'PSC' | 'AUTHORIZED_BODY' | 'AKIMAT_DEPARTMENT';
export type OfficialRole = 'HEAD' | 'DEPUTY' | 'REGISTRAR' | 'EXECUTOR' | 'SUPERVISOR';

/** A body of the directory (R1, R6, R15: contacts are data, not code). */
export interface Organization {
  id: string;
  code: string;
  kind: OrganizationKind;
  name: LocalizedText;
  region: string;
  parentId?: string;
  postalAddress?: string;
  phones?: string[];
  acceptsComplaints: boolean;
}

export interface Official {
  id: string;
  organizationId: string;
  fullName: string;
  position: LocalizedText;
  roles: OfficialRole[];
  active: boolean;
}

/** R2: the head of the organization, who appoints the executor. */
export function headOf(officials: Official[]): Official | undefined {
  return officials.find((o) => o.active && o.roles.includes('HEAD'));
}
