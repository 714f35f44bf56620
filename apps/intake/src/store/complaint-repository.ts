import type { EventLog } from '@shagym/service-kit';
import type { Complaint } from '../domain/complaint';
import { toComplaint } from '../domain/submit-complaint';

/** Reads complaints from intake's event log; returns plain domain objects. */
export class ComplaintRepository {
  constructor(private readonly log: EventLog) {}

  async findById(id: string): Promise<Complaint | null> {
    const [submitted] = await this.log.loadByType(id, 'complaint.submitted');
    return submitted && submitted.type === 'complaint.submitted' ? toComplaint(submitted) : null;
  }

  /** The escalation already made of this complaint (R12), from its `complaint.escalated`; null if none. */
  async escalationOf(id: string): Promise<string | null> {
    const [escalated] = await this.log.loadByType(id, 'complaint.escalated');
    return escalated && escalated.type === 'complaint.escalated' ? escalated.data.escalationComplaintId : null;
  }
}
