import { languageOf } from '@shagym/contracts';
import { DateTimeScalar } from '@shagym/service-kit';
import { renderDescription, renderTitle } from '../domain/timeline';
import type { TimelineRepository } from '../store/timeline-repository';
import type { Resolvers } from './__generated__/resolvers-types';

export function createResolvers(deps: { timeline: TimelineRepository }): Resolvers {
  return {
    DateTime: DateTimeScalar,
    Language: { RU: 'ru', KK: 'kk', EN: 'en' },
    Complaint: {
      __resolveReference: (ref) => ({ id: ref.id }),
      timeline: (complaint) => deps.timeline.forComplaint(complaint.id),
    },
    TimelineEntry: {
      title: (entry, { language }) => renderTitle(entry, languageOf(language)),
      description: (entry, { language }) => renderDescription(entry, languageOf(language)),
    },
  };
}
