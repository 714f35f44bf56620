import type { ConsumerSpec } from '@shagym/service-kit';
import type { AssignOnRegistration } from '../domain/assignment';

/** After registration the complaint goes to the head of the addressed body (R2). */
export function complaintConsumer(assign: AssignOnRegistration): ConsumerSpec {
  return {
    group: 'routing.complaints',
    topics: ['complaints'],
    handlers: {
      'complaint.registered': async (event) => {
        await assign.execute(event);
      },
    },
  };
}
