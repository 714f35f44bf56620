import type { ConsumerSpec } from '@shagym/service-kit';
import type { SetDeadlineOnRegistration } from '../domain/deadline';

export function complaintConsumer(setDeadline: SetDeadlineOnRegistration): ConsumerSpec {
  return {
    group: 'deadline.complaints',
    topics: ['complaints'],
    handlers: {
      'complaint.registered': async (event) => {
        await setDeadline.execute(event);
      },
    },
  };
}
