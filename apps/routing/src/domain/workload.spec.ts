import { createEvent } from '@shagym/contracts';
import { workloadChanges } from './workload';

const assigned = (executor: string) =>
  createEvent({
    type: 'complaint.assigned',
    source: 'routing',
    subject: 'c-1',
    correlationId: 'x',
    data: { complaintId: 'c-1', organizationId: 'o', executor: { officialId: executor, fullName: executor, position: 'p' }, assignedBy: { officialId: 'h', fullName: 'h' }, assignedAt: '2026-11-30T05:00:00.000Z' },
  });

describe('open assignments from events', () => {
  it('an assignment opens one for the executor', () => {
    expect(workloadChanges(assigned('e1'), [])).toEqual([{ officialId: 'e1', delta: 1 }]);
  });

  it('a reassignment moves it from the previous executor to the new one', () => {
    expect(workloadChanges(assigned('e2'), ['e1'])).toEqual([{ officialId: 'e1', delta: -1 }, { officialId: 'e2', delta: 1 }]);
  });

  it('assigning the same executor again changes nothing', () => {
    expect(workloadChanges(assigned('e1'), ['e1'])).toEqual([]);
  });

  it('the reasoned reply (R9) closes it', () => {
    const answered = createEvent({
      type: 'complaint.answered',
      source: 'registry',
      subject: 'c-1',
      correlationId: 'x',
      data: {
        complaintId: 'c-1', organizationId: 'o', outgoingNumber: 'O-1', answeredAt: '2026-12-01T05:00:00.000Z', answeredOn: '2026-12-01',
        executorOfficialId: 'e1', decision: 'SATISFIED', reasoning: 'r', delivery: 'PORTAL',
      } as never,
    });
    expect(workloadChanges(answered, ['e1'])).toEqual([{ officialId: 'e1', delta: -1 }]);
  });

  it('forwarding (R18) closes it for the executor of the body that forwarded', () => {
    const forwarded = createEvent({
      type: 'complaint.forwarded',
      source: 'routing',
      subject: 'c-1',
      correlationId: 'x',
      data: { complaintId: 'c-1', fromOrganizationId: 'a', toOrganizationId: 'b', reason: 'r', forwardedBy: { officialId: 'h', fullName: 'h' }, forwardedAt: '2026-11-30T05:00:00.000Z' },
    });
    expect(workloadChanges(forwarded, ['e1'])).toEqual([{ officialId: 'e1', delta: -1 }]);
  });
});
