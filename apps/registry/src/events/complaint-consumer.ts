import type { ConsumerSpec } from '@shagym/service-kit';
import type { RegisterComplaint } from '../domain/register-complaint';
import type { CaseRepository } from '../store/case-repository';

/** The registry office's inbox: delivered complaints are registered (R7), later steps noted. */
export function complaintConsumer(cases: CaseRepository, register: RegisterComplaint): ConsumerSpec {
  return {
    group: 'registry.complaints',
    topics: ['complaints'],
    handlers: {
      'complaint.submitted': async (event) => {
        await cases.recordFact(event);
        await register.execute(event);
      },
      'complaint.assigned': (event) => cases.recordFact(event),
    },
  };
}
