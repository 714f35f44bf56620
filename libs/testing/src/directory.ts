import type { Identity } from '@shagym/service-kit';

/** Officials of the seeded directory (apps/routing/src/seed/directory.json) that tests act as. */
export const SEEDED_OFFICIALS = {
  aktauHead: { organizationId: 'org-psc-aktau', officialId: 'off-aktau-head' },
  aktauDeputy: { organizationId: 'org-psc-aktau', officialId: 'off-aktau-deputy' },
  aktauExecutor1: { organizationId: 'org-psc-aktau', officialId: 'off-aktau-exec-1' },
  aktauExecutor2: { organizationId: 'org-psc-aktau', officialId: 'off-aktau-exec-2' },
  /** Absent (vacation) in the seed. */
  aktauAbsentExecutor: { organizationId: 'org-psc-aktau', officialId: 'off-aktau-exec-3' },
  zhanaozenHead: { organizationId: 'org-psc-zhanaozen', officialId: 'off-zhanaozen-head' },
  zhanaozenExecutor1: { organizationId: 'org-psc-zhanaozen', officialId: 'off-zhanaozen-exec-1' },
  /** The authorized body's Mangystau department (quality control, R12) and its supervisor. */
  adgsMangystauHead: { organizationId: 'org-adgs-mangystau', officialId: 'off-adgs-head' },
  adgsMangystauSupervisor: { organizationId: 'org-adgs-mangystau', officialId: 'off-adgs-supervisor' },
} as const;

/** A deputy head acting for an absent head: signs in with the HEAD role; routing checks the directory (R2). */
export function deputyIdentity(organizationId: string, officialId: string): Identity {
  return { subject: officialId, roles: ['HEAD'], organizationId, officialId };
}
