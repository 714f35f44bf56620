import type { DomainEvent } from '@shagym/contracts';
import { checkManualRegistration, checkReply, foldCase, linkOfForwarding, pendingForwarding, registeringBody, registrationIn, type CaseEvent } from './case';

const at = (s: number) => new Date(Date.UTC(2026, 10, 30, 5, 0, s)).toISOString();
const ev = (type: CaseEvent['type'], s: number, data: Record<string, unknown>) => ({ id: `${type}-${s}`, type, version: 1, source: 'registry', time: at(s), subject: 'c-1', correlationId: 'x', data }) as unknown as CaseEvent;

const submitted = ev('complaint.submitted', 1, { complaintId: 'c-1', channel: 'PORTAL', addresseeOrganizationId: 'org-1' });
const registered = ev('complaint.registered', 2, { complaintId: 'c-1', organizationId: 'org-1', organizationCode: 'ORG', incomingNumber: 'ORG-2026-00001', year: 2026, sequence: 1, registeredAt: at(2), registeredOn: '2026-11-30', channel: 'PORTAL' });
const assigned = ev('complaint.assigned', 3, { complaintId: 'c-1', organizationId: 'org-1', executor: { officialId: 'exec-1', fullName: 'E', position: 'p' }, assignedBy: { officialId: 'head', fullName: 'H' }, assignedAt: at(3) });
const answered = ev('complaint.answered', 4, { complaintId: 'c-1', organizationId: 'org-1', outgoingNumber: 'ORG-2026-OUT-00001', answeredAt: at(4), answeredOn: '2026-11-30', executorOfficialId: 'exec-1', decision: 'SATISFIED', reasoning: 'r', delivery: 'POST', informedOfEscalation: true, informedOfCourt: true });

describe('case status (R11)', () => {
  it('is SUBMITTED before the registry hears of it, then follows the lifecycle', () => {
    expect(foldCase('c-1', [], 0).status).toBe('SUBMITTED');
    expect(foldCase('c-1', [submitted], 0).status).toBe('DELIVERED');
    expect(foldCase('c-1', [submitted, registered], 1).status).toBe('REGISTERED');
    expect(foldCase('c-1', [submitted, registered, assigned], 1)).toMatchObject({ status: 'ASSIGNED', executorOfficialId: 'exec-1' });
    expect(foldCase('c-1', [submitted, registered, assigned, answered], 2)).toMatchObject({ status: 'ANSWERED', reply: { kind: 'ANSWER', decision: 'SATISFIED' } });
  });

  it('does not go back when events arrive out of order', () => {
    expect(foldCase('c-1', [assigned, submitted] as DomainEvent[] as CaseEvent[], 0).status).toBe('ASSIGNED');
  });
});

/** Who holds the complaint (service-kit ComplaintAccess#holder), as registry's "who may answer" reads it. */
const holderOf = (executor: string | null, organization = 'org-1') => ({ currentOrganizationId: organization, currentExecutorOfficialId: executor });

describe('transitions', () => {
  const assignedCase = foldCase('c-1', [submitted, registered, assigned], 1);
  it('lets the appointed executor reply to an assigned complaint (R9)', () => {
    expect(checkReply(assignedCase, holderOf('exec-1'), 'exec-1', 'answer')).toBeNull();
    expect(checkReply(assignedCase, holderOf('exec-1'), 'exec-1', 'refuse')).toBeNull();
  });
  it('after a reassignment (R2) only the new executor may reply; the replaced one is FORBIDDEN', () => {
    const reassigned = ev('complaint.reassigned', 5, { complaintId: 'c-1', organizationId: 'org-1', executor: { officialId: 'exec-2', fullName: 'E2', position: 'p' }, previousExecutor: { officialId: 'exec-1', fullName: 'E' }, assignedBy: { officialId: 'head', fullName: 'H' }, assignedAt: at(5) });
    // Arrival order does not matter: the later appointment wins.
    const c = foldCase('c-1', [submitted, registered, reassigned, assigned], 1);
    expect(c).toMatchObject({ status: 'ASSIGNED', executorOfficialId: 'exec-2' });
    expect(checkReply(c, holderOf('exec-2'), 'exec-2', 'answer')).toBeNull();
    expect(checkReply(c, holderOf('exec-2'), 'exec-1', 'answer')?.code).toBe('FORBIDDEN');
  });
  it('refuses anyone else (FORBIDDEN)', () => {
    expect(checkReply(assignedCase, holderOf('exec-1'), 'exec-2', 'answer')?.code).toBe('FORBIDDEN');
    expect(checkReply(assignedCase, holderOf('exec-1'), undefined, 'answer')?.code).toBe('FORBIDDEN');
  });
  it('rejects illegal transitions with INVALID_TRANSITION', () => {
    expect(checkReply(foldCase('c-1', [submitted, registered], 1), holderOf('exec-1'), 'exec-1', 'answer')).toMatchObject({ code: 'INVALID_TRANSITION', message: expect.stringMatching(/not yet ASSIGNED/) });
    expect(checkReply(foldCase('c-1', [submitted, registered, assigned, answered], 2), holderOf('exec-1'), 'exec-1', 'refuse')).toMatchObject({ code: 'INVALID_TRANSITION', message: expect.stringMatching(/already ANSWERED/) });
    expect(checkManualRegistration(foldCase('c-1', [], 0))?.code).toBe('INVALID_TRANSITION');
    expect(checkManualRegistration(foldCase('c-1', [submitted, registered], 1))?.message).toMatch(/already registered/);
    expect(checkManualRegistration(foldCase('c-1', [submitted], 0))).toBeNull();
  });
  it('R18: after a forwarding nobody may reply until the receiving body appoints an executor; then only that executor (issue 15)', () => {
    const c = foldCase('c-1', [submitted, registered, assigned], 1); // the case still names the first body's executor
    expect(checkReply(c, holderOf(null, 'org-2'), 'exec-1', 'answer')).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/no executor is appointed/) });
    expect(checkReply(c, holderOf('exec-9', 'org-2'), 'exec-1', 'answer')?.code).toBe('FORBIDDEN');
    expect(checkReply(c, holderOf('exec-9', 'org-2'), 'exec-9', 'refuse')).toBeNull();
  });
  it('R2: the holder, not the case, decides who answers: an unknown holder refuses everyone', () => {
    expect(checkReply(assignedCase, null, 'exec-1', 'answer')?.code).toBe('FORBIDDEN');
  });
});

describe('R7 at the receiving body after a forwarding (R18, issue 15)', () => {
  const forwarded = ev('complaint.forwarded', 5, { complaintId: 'c-1', fromOrganizationId: 'org-1', toOrganizationId: 'org-2', reason: 'вне компетенции', forwardedBy: { officialId: 'head', fullName: 'H' }, forwardedAt: at(5), receivedOn: '2026-11-30' });
  const link = { organizationId: 'org-1', reason: 'вне компетенции', forwardedAt: at(5), registration: { organizationId: 'org-1', organizationCode: 'ORG', incomingNumber: 'ORG-2026-00001', registeredOn: '2026-11-30' } };
  const received = ev('complaint.registered', 6, { complaintId: 'c-1', organizationId: 'org-2', organizationCode: 'TWO', incomingNumber: 'TWO-2026-00004', year: 2026, sequence: 4, registeredAt: at(6), registeredOn: '2026-11-30', channel: 'PORTAL', forwardedFrom: link });

  it('R18, R7: a forwarded complaint waits for the receiving body\'s registry office, linked to the first registration', () => {
    const c = foldCase('c-1', [submitted, registered, assigned, forwarded], 1);
    expect(c.awaitingRegistrationBy).toBe('org-2');
    expect(registeringBody(c)).toBe('org-2');
    expect(checkManualRegistration(c)).toBeNull();
    expect(linkOfForwarding(pendingForwarding(c)!)).toEqual(link);
  });

  it('R7: the receiving body\'s registration becomes the current one; the first stays on record, each in its own journal', () => {
    const c = foldCase('c-1', [received, forwarded, assigned, registered, submitted], 2);
    expect(c.registration).toMatchObject({ organizationId: 'org-2', incomingNumber: 'TWO-2026-00004', forwardedFrom: link });
    expect(c.registrations.map((r) => r.incomingNumber)).toEqual(['ORG-2026-00001', 'TWO-2026-00004']);
    expect(registrationIn(c, 'org-1', 1, 2026)).toMatchObject({ incomingNumber: 'ORG-2026-00001', forwardedFrom: null });
    expect(registrationIn(c, 'org-2', 4, 2026)).toMatchObject({ incomingNumber: 'TWO-2026-00004' });
    expect(c.awaitingRegistrationBy).toBeNull();
    expect(registeringBody(c)).toBeNull();
    expect(checkManualRegistration(c)).toMatchObject({ code: 'INVALID_TRANSITION' });
  });

  it('R7: without a forwarding only the addressee registers, once', () => {
    expect(registeringBody(foldCase('c-1', [submitted], 0))).toBe('org-1');
    expect(registeringBody(foldCase('c-1', [submitted, registered], 1))).toBeNull();
  });
});
