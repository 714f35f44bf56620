import { z } from 'zod';
import { localizedText } from '@shagym/contracts';
import type { ContactCenter, PublicService } from './directory';
import { recordsFromJson } from './directory-changes';
import type { DirectoryReport, DirectoryService } from './directory-service';

/** The seed file's catalogs beside organizations and officials. */
const catalogs = z.object({
  services: z.array(z.object({ code: z.string().regex(/^[a-z0-9][a-z0-9-]{1,60}$/), name: localizedText })).default([]),
  contactCenters: z.array(z.object({ id: z.string().min(1), phone: z.string().min(3), name: localizedText, description: localizedText })).default([]),
});

export interface SeedPorts {
  saveService(service: PublicService): Promise<void>;
  saveContactCenter(center: ContactCenter): Promise<void>;
}

/**
 * Loads a directory file in the seed's JSON format (apps/routing/src/seed/directory.json): the
 * services catalog and contact centers (R10), then organizations and officials through the
 * same validation and change planning as a bulk import. Re-running it changes nothing and
 * publishes nothing when the data did not change.
 */
export async function loadSeed(content: string, ports: SeedPorts, changes: DirectoryService, opts: { dryRun: boolean; correlationId: string }): Promise<DirectoryReport> {
  const { records, problems } = recordsFromJson(content);
  if (problems.length) return changes.apply([], { ...opts, problems });
  const parsed = catalogs.safeParse(JSON.parse(content));
  if (!parsed.success) {
    return changes.apply([], { ...opts, problems: parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })) });
  }
  const serviceCodes = parsed.data.services.map((s) => s.code);
  // Check the whole file before anything is stored: nothing is half-applied.
  const check = await changes.apply(records, { ...opts, dryRun: true, serviceCodes });
  if (opts.dryRun || check.problems.length) return check;
  for (const s of parsed.data.services) await ports.saveService(s);
  for (const c of parsed.data.contactCenters) await ports.saveContactCenter(c);
  return changes.apply(records, { ...opts, serviceCodes });
}
