import { languageOf } from '@shagym/contracts';
import { DateTimeScalar } from '@shagym/service-kit';
import type { EventLog } from '@shagym/service-kit';
import { headOf } from '../domain/directory';
import { toAssignment } from '../domain/assignment';
import type { DirectoryRepository } from '../store/directory-repository';
import type { Resolvers } from './__generated__/resolvers-types';

export function createResolvers(deps: { directory: DirectoryRepository; log: EventLog }): Resolvers {
  const { directory } = deps;
  const official = async (id: string) => {
    const o = await directory.official(id);
    if (!o) throw new Error(`official ${id} is missing from the directory`);
    return o;
  };
  return {
    DateTime: DateTimeScalar,
    Language: { RU: 'ru', KK: 'kk', EN: 'en' },
    Query: {
      organizations: (_p, { region, kind }) => directory.listOrganizations({ region, kind }),
      organization: (_p, { id }) => directory.organization(id),
    },
    Organization: {
      __resolveReference: (ref) => directory.organization(ref.id),
      name: (org, { language }) => org.name[languageOf(language)],
      parent: (org) => (org.parentId ? directory.organization(org.parentId) : null),
      officials: (org) => directory.officialsOf(org.id),
      head: async (org) => headOf(await directory.officialsOf(org.id)) ?? null,
    },
    Official: {
      __resolveReference: (ref) => directory.official(ref.id),
      position: (o, { language }) => o.position[languageOf(language)],
      organization: async (o) => (await directory.organization(o.organizationId))!,
    },
    Complaint: {
      __resolveReference: (ref) => ({ id: ref.id }),
      assignment: async (complaint) => {
        const assigned = await deps.log.loadByType(complaint.id, 'complaint.assigned');
        const last = assigned.at(-1);
        return last?.type === 'complaint.assigned' ? toAssignment(last) : null;
      },
    },
    Assignment: {
      executor: (a) => official(a.executorId),
      assignedBy: (a) => official(a.assignedById),
    },
  };
}
