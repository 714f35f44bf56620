import { createHash } from 'node:crypto';
import { createEvent, deterministicUuid, type DomainEvent } from '@shagym/contracts';
import type { Official, Organization } from './directory';

export interface DirectorySeed {
  organizations: Organization[];
  officials: Array<Omit<Official, 'active'> & { active?: boolean; invented?: boolean }>;
}

export interface SeedPorts {
  saveOrganization(org: Organization): Promise<void>;
  saveOfficial(official: Official): Promise<void>;
  emit(event: DomainEvent<'organization.upserted'>): Promise<{ status: 'appended' | 'duplicate' }>;
}

/**
 * Loads the directory seed and publishes each organization so that other services keep
 * their projections. Re-running it is harmless: an unchanged organization yields the same
 * event id (derived from its content), which the event log already holds.
 */
export async function seedDirectory(seed: DirectorySeed, ports: SeedPorts, correlationId: string): Promise<{ published: number }> {
  let published = 0;
  for (const org of seed.organizations) {
    await ports.saveOrganization(org);
    const data = {
      organizationId: org.id,
      code: org.code,
      kind: org.kind,
      name: org.name,
      region: org.region,
      ...(org.parentId ? { parentId: org.parentId } : {}),
      acceptsComplaints: org.acceptsComplaints,
    };
    const contentHash = createHash('sha256').update(JSON.stringify(data)).digest('hex');
    const result = await ports.emit(
      createEvent({
        type: 'organization.upserted',
        id: deterministicUuid('organization.upserted', org.id, contentHash),
        source: 'routing',
        subject: org.id,
        correlationId,
        data,
      }),
    );
    if (result.status === 'appended') published++;
  }
  for (const { invented: _invented, ...o } of seed.officials) {
    await ports.saveOfficial({ ...o, active: o.active ?? true });
  }
  return { published };
}
