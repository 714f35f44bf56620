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
}
