import { badUserInput, conflict, DateScalar, DateTimeScalar } from '@shagym/service-kit';
import type { ComplaintRepository } from '../store/complaint-repository';
import type { SubmitComplaint } from '../domain/submit-complaint';
import { validateSubmission, type SubmissionInput } from '../domain/submission';
import type { Resolvers } from './__generated__/resolvers-types';

export function createResolvers(deps: { complaints: ComplaintRepository; submit: SubmitComplaint }): Resolvers {
  return {
    Date: DateScalar,
    DateTime: DateTimeScalar,
    Language: { RU: 'ru', KK: 'kk', EN: 'en' },
    Query: {
      complaint: (_parent, { id }) => deps.complaints.findById(id),
    },
    Mutation: {
      submitComplaint: async (_parent, { input }, ctx) => {
        const validated = validateSubmission(input as SubmissionInput);
        if (!validated.ok) throw badUserInput(validated.problems);
        const outcome = await deps.submit.execute(validated.command, ctx.correlationId);
        if (outcome.kind === 'rejected') {
          throw outcome.code === 'CONFLICT'
            ? conflict(outcome.message, outcome.field)
            : badUserInput({ field: outcome.field, message: outcome.message });
        }
        return { complaint: outcome.complaint, created: outcome.kind === 'created' };
      },
    },
    Complaint: {
      __resolveReference: (ref) => deps.complaints.findById(ref.id),
    },
    Complainant: {
      __resolveType: (c) => (c.kind === 'INDIVIDUAL' ? 'Individual' : 'LegalEntity'),
    },
  };
}
