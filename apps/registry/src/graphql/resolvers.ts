import { badUserInput, DateScalar, DateTimeScalar } from '@shagym/service-kit';
import type { CaseRepository } from '../store/case-repository';
import type { IncomingNumberAllocator } from '../store/number-allocator';
import type { Resolvers } from './__generated__/resolvers-types';

export function createResolvers(deps: { cases: CaseRepository; numbers: IncomingNumberAllocator }): Resolvers {
  return {
    Date: DateScalar,
    DateTime: DateTimeScalar,
    Complaint: {
      __resolveReference: (ref) => deps.cases.find(ref.id),
    },
    Query: {
      registrationJournal: async (_p, { organizationId, year, first, afterSequence }) => {
        const limit = first ?? 50;
        if (limit < 1 || limit > 500) throw badUserInput({ field: 'first', message: 'must be between 1 and 500' });
        if (year < 2000 || year > 2100) throw badUserInput({ field: 'year', message: 'must be between 2000 and 2100' });
        const page = await deps.numbers.journal(organizationId, year, afterSequence ?? 0, limit);
        const cases = await Promise.all(page.map((a) => deps.cases.find(a.complaintId)));
        // An allocation whose registration event is not yet written is in flight: not listed yet.
        return cases.flatMap((c) => (c.registration ? [{ complaint: c, registration: c.registration }] : []));
      },
    },
  };
}
