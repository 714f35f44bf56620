import type { ComplaintCase } from './case';
import { registryStatistics, samePosition, statChanges, statPosition, type StatPosition } from './statistics';

const base: ComplaintCase = {
  id: 'c-1',
  status: 'REGISTERED',
  version: 1,
  channel: 'PORTAL',
  addresseeOrganizationId: 'org-1',
  registration: { organizationId: 'org-1', organizationCode: 'ORG', incomingNumber: 'ORG-2026-00001', year: 2026, sequence: 1, registeredAt: '2026-11-30T05:00:00.000Z', registeredOn: '2026-11-30', entryHash: null, forwardedFrom: null },
  registrations: [],
  forwardings: [],
  awaitingRegistrationBy: null,
  executorOfficialId: null,
  reply: null,
  overdue: false,
  repliedOnTime: null,
  escalatedTo: null,
};
const answer = { kind: 'ANSWER' as const, outgoingNumber: 'ORG-2026-OUT-00001', on: '2026-12-01', at: '2026-12-01T05:00:00.000Z', executorOfficialId: 'e', decision: 'SATISFIED', refusalReason: null, reasoning: 'r', legalBasis: null, delivery: 'POST', trackingNumber: null, informedOfEscalation: true, informedOfCourt: true };

describe('statistics of the registry (R7, R8, R9, R12, R17)', () => {
  it('counts nothing before registration (R7)', () => {
    expect(statPosition({ ...base, registration: null, status: 'DELIVERED' })).toBeNull();
    expect(statChanges(null, null)).toEqual([]);
  });

  it('puts a registered complaint on its organization and year', () => {
    expect(statPosition(base)).toEqual({ organizationId: 'org-1', year: 2026, flags: ['registered'] });
    expect(statChanges(null, statPosition(base))).toEqual([{ organizationId: 'org-1', year: 2026, flag: 'registered', change: 'on' }]);
  });

  it('takes a complaint off overdue when it is answered, and counts the late reply (R8, R9)', () => {
    const overdue = statPosition({ ...base, status: 'ASSIGNED', overdue: true })!;
    const answered = statPosition({ ...base, status: 'ANSWERED', reply: answer, repliedOnTime: false })!;
    expect(overdue.flags).toEqual(['registered', 'overdue']);
    expect(statChanges(overdue, answered).map((c) => `${c.flag}:${c.change}`)).toEqual(['answered:on', 'repliedLate:on', 'overdue:off']);
  });

  it('counts refusals (R17) and escalations (R12) apart from answers', () => {
    const refused = statPosition({ ...base, status: 'REFUSED', reply: { ...answer, kind: 'REFUSAL', decision: null, refusalReason: 'OTHER' }, repliedOnTime: true })!;
    expect(refused.flags).toEqual(['registered', 'refused', 'repliedOnTime']);
    expect(statPosition({ ...base, status: 'ESCALATED', reply: answer })!.flags).toEqual(['registered', 'answered', 'escalated']);
  });

  it('moves every flag if the organization or year were ever to change', () => {
    const a: StatPosition = { organizationId: 'org-1', year: 2026, flags: ['registered'] };
    const b: StatPosition = { organizationId: 'org-2', year: 2026, flags: ['registered'] };
    expect(statChanges(a, b).map((c) => `${c.organizationId}:${c.change}`)).toEqual(['org-1:off', 'org-2:on']);
    expect(samePosition(a, b)).toBe(false);
    expect(samePosition(a, { ...a, flags: ['registered'] })).toBe(true);
    expect(samePosition(null, null)).toBe(true);
  });

  it('derives pending from the journal length and the replies', () => {
    const counts = { registered: 9, answered: 4, refused: 2, repliedOnTime: 5, repliedLate: 1, overdue: 1, escalated: 1 };
    expect(registryStatistics('org-1', 2026, 10, counts)).toMatchObject({ received: 10, pending: 4, registered: 9 });
  });
});
