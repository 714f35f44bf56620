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
  email?: string;
  webResource?: string;
  workingHours?: LocalizedText;
  /** Codes of the public services the body provides. */
  services?: string[];
  acceptsComplaints: boolean;
  /** A registered complaint goes straight to the suggested executor (the head may reassign). */
  autoAssign?: boolean;
}

export interface Official {
  id: string;
  organizationId: string;
  fullName: string;
  position: LocalizedText;
  roles: OfficialRole[];
  /** false while absent (vacation, sick leave). */
  active: boolean;
  absentUntil?: string;
  /** Codes of the services an executor specializes in. */
  services?: string[];
}

/** A public service of the catalog (seed data). */
export interface PublicService {
  code: string;
  name: LocalizedText;
}

/** A nationwide information line (R10: the unified contact center 1414). */
export interface ContactCenter {
  id: string;
  phone: string;
  name: LocalizedText;
  description: LocalizedText;
}

/** R2: the head of the organization, who appoints the executor. */
export function headOf(officials: Official[]): Official | undefined {
  return officials.find((o) => o.active && o.roles.includes('HEAD'));
}

/**
 * R2: who acts as head: the active head, or — while the head is absent — an active deputy.
 * Deterministic (the first in id order) so that a redelivered event routes the same way.
 */
export function actingHeadOf(officials: Official[]): Official | undefined {
  const sorted = [...officials].sort((a, b) => a.id.localeCompare(b.id));
  return headOf(sorted) ?? sorted.find((o) => o.active && o.roles.includes('DEPUTY'));
}

/** Whether this official may appoint executors in their organization now (R2). */
export function mayActAsHead(official: Official, colleagues: Official[]): boolean {
  if (!official.active) return false;
  if (official.roles.includes('HEAD')) return true;
  return official.roles.includes('DEPUTY') && !headOf(colleagues);
}

/** Active executors of the organization, the only officials a complaint may be assigned to (R2). */
export function activeExecutors(officials: Official[]): Official[] {
  return officials.filter((o) => o.active && o.roles.includes('EXECUTOR'));
}

/**
 * The suggested executor: the active executor with the fewest open assignments, preferring
 * those who specialize in the service concerned (when given and anyone does); ties by id.
 */
export function suggestExecutor(officials: Official[], openAssignments: ReadonlyMap<string, number>, service?: string | null): Official | undefined {
  const executors = activeExecutors(officials);
  const specialized = service ? executors.filter((o) => o.services?.includes(service)) : [];
  const pool = specialized.length ? specialized : executors;
  const load = (o: Official) => openAssignments.get(o.id) ?? 0;
  return [...pool].sort((a, b) => load(a) - load(b) || a.id.localeCompare(b.id))[0];
}
