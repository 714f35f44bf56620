import type { ComplaintFile } from './complaint-file';
import { createEvent } from '@shagym/contracts';
import { backoff, complainantMessage, effectivePreferences, nextStep, officialMessages, officialsToTell, planDeliveries, type DeliveryAttempt } from './messages';
import { renderDescription, renderTitle, type TimelineEntry } from './timeline';

const file: ComplaintFile = {
  id: 'c-1',
  complainant: { recipientKey: 'iin:900101300017', kind: 'INDIVIDUAL', displayName: 'Серикова Айгерим', postalAddress: 'Актау', email: 'a@example.kz', phone: '+77011234567' },
  language: 'kk',
  registration: { organizationId: 'org-a', organizationCode: 'AA', incomingNumber: 'AA-2026-00001', registeredOn: '2026-11-30', registeredAt: '2026-11-30T05:00:00.000Z' },
  assignment: { organizationId: 'org-a', executorOfficialId: 'off-7', executorName: 'Утепова Г. С.', executorPosition: 'специалист' },
};
const entry = (type: TimelineEntry['type'], params: TimelineEntry['params'] = {}): TimelineEntry => ({ id: `e-${type}`, complaintId: 'c-1', type, occurredAt: '2026-11-30T05:00:00.000Z', params });
const now = new Date('2026-11-30T05:00:01.000Z');

describe('who is told what (R11, R2)', () => {
  it('tells the complainant every step, and by e-mail/SMS only acceptance (R7), the reply (R9, R17) and a missed term', () => {
    expect(complainantMessage(entry('complaint.registered', { number: 'AA-2026-00001', date: '2026-11-30' }), file, now)).toMatchObject({ recipientKey: 'iin:900101300017', external: true });
    expect(complainantMessage(entry('deadline.set', { dueOn: '2026-12-07', days: 5 }), file, now)).toMatchObject({ external: false });
    expect(complainantMessage(entry('deadline.breached', { dueOn: '2026-12-07' }), file, now)).toMatchObject({ external: true });
    expect(complainantMessage(entry('deadline.warning', { dueOn: '2026-12-07', left: 1 }), file, now)).toBeNull(); // the officials' reminder
    expect(complainantMessage(entry('complaint.submitted'), { id: 'c-1' }, now)).toBeNull(); // complainant not known yet
  });

  it('tells the appointed executor of a new assignment, in their own words', () => {
    const assigned = createEvent({
      type: 'complaint.assigned',
      source: 'routing',
      subject: 'c-1',
      correlationId: 'k',
      data: { complaintId: 'c-1', organizationId: 'org-a', executor: { officialId: 'off-9', fullName: 'Б', position: 'p' }, assignedBy: { officialId: 'h', fullName: 'Х' }, assignedAt: '2026-11-30T06:00:00.000Z' },
    });
    const [message] = officialMessages(entry('complaint.assigned', { executor: 'Б' }), officialsToTell(assigned, file), now);
    expect(message).toMatchObject({ recipientKey: 'official:off-9', external: true, entry: { audience: 'OFFICIAL' } });
  });

  it('warns the executor before the term ends, and the executor and the head when it is breached', () => {
    const withHead: ComplaintFile = { ...file, routing: { organizationId: 'org-a', headOfficialId: 'head-1' } };
    const term = { complaintId: 'c-1', organizationId: 'org-a', rule: 'R8' as const, dueOn: '2026-12-07', dueAt: '2026-12-07T18:59:59.999Z', scheduledFor: '2026-12-04T04:00:00.000Z', firedAt: '2026-12-04T04:00:00.000Z' };
    const warning = createEvent({ type: 'deadline.warning', source: 'deadline', subject: 'c-1', correlationId: 'k', data: { ...term, warning: '1WD@09:00', remainingWorkingDays: 1 } });
    const breached = createEvent({ type: 'deadline.breached', source: 'deadline', subject: 'c-1', correlationId: 'k', data: term });
    expect(officialsToTell(warning, withHead)).toEqual(['off-7']);
    expect(officialsToTell(breached, withHead)).toEqual(['off-7', 'head-1']);
    // R18: forwarding is the head's act, so the forwarding term's reminder goes to the head.
    const forwarding = createEvent({ type: 'deadline.warning', source: 'deadline', subject: 'c-1', correlationId: 'k', data: { ...term, rule: 'R18', warning: '1WD@09:00', remainingWorkingDays: 1 } });
    expect(officialsToTell(forwarding, withHead)).toEqual(['head-1']);
  });

  it('tells the executor when a calendar correction moves the due date (R16), in their words', () => {
    const withHead: ComplaintFile = { ...file, routing: { organizationId: 'org-a', headOfficialId: 'head-1' } };
    const moved = createEvent({
      type: 'deadline.recomputed',
      source: 'deadline',
      subject: 'c-1',
      correlationId: 'k',
      data: {
        complaintId: 'c-1',
        organizationId: 'org-a',
        rule: 'R8',
        termWorkingDays: 5,
        startsOn: '2027-05-12',
        dueOn: '2027-05-20',
        dueAt: '2027-05-20T18:59:59.999Z',
        previousDueOn: '2027-05-19',
        previousDueAt: '2027-05-19T18:59:59.999Z',
        calendarChangeId: '5b0c4a5e-0000-4000-8000-000000000001',
      },
    });
    const [message] = officialMessages(entry('deadline.recomputed', { dueOn: '2027-05-20', previousDueOn: '2027-05-19', rule: 'R8' }), officialsToTell(moved, withHead), now);
    expect(message).toMatchObject({ recipientKey: 'official:off-7', external: true });
    expect(renderDescription(message!.entry, 'kk')).toBe('Жаңа мерзім — 20.05.2027 қоса алғанға дейін (бұрын 19.05.2027 дейін).');
    expect(renderTitle(message!.entry, 'en')).toBe('A complaint’s due date moved with the production calendar');
  });

  it('gives the same message id to a redelivered event (no duplicates)', () => {
    const a = complainantMessage(entry('complaint.registered', { number: 'N', date: '2026-11-30' }), file, now);
    const b = complainantMessage(entry('complaint.registered', { number: 'N', date: '2026-11-30' }), file, new Date());
    expect(a?.id).toBe(b?.id);
  });
});

describe('channels by preferences', () => {
  const message = complainantMessage(entry('complaint.registered', { number: 'AA-2026-00001', date: '2026-11-30' }), file, now)!;

  it('by default uses every contact the complainant gave, in the complaint’s language', () => {
    const prefs = effectivePreferences('iin:900101300017', null, file);
    expect(prefs).toMatchObject({ emailEnabled: true, smsEnabled: true, language: 'kk' });
    const intents = planDeliveries(message, prefs, { EMAIL: true, SMS: true }, 'AA-2026-00001', now);
    expect(intents.map((i) => [i.channel, i.to])).toEqual([
      ['EMAIL', 'a@example.kz'],
      ['SMS', '+77011234567'],
    ]);
    expect(intents[0]!.subject).toBe('Shagym: Шағым тіркелді');
    expect(intents[0]!.text).toContain('1414');
    expect(intents[1]!.text).toBe('Shagym: Шағым тіркелді. Кіріс № AA-2026-00001, 30.11.2026');
  });

  it('follows the recipient’s choice and records a channel that is not configured as disabled', () => {
    const prefs = { ...effectivePreferences('iin:900101300017', null, file), smsEnabled: false, language: 'en' as const };
    const intents = planDeliveries(message, prefs, { EMAIL: false, SMS: true }, 'AA-2026-00001', now);
    expect(intents).toHaveLength(1);
    expect(intents[0]).toMatchObject({ channel: 'EMAIL', disabledReason: 'e-mail (SMTP) is not configured', subject: 'Shagym: Complaint registered' });
  });
});

describe('retries with backoff, then giving up with the reason', () => {
  const policy = { maxAttempts: 3, backoffMs: 1_000, attemptTimeoutMs: 60_000 };
  const t0 = Date.parse('2026-11-30T05:00:00.000Z');
  const failed = (attempt: number, at: number, permanent = false): DeliveryAttempt => ({
    deliveryId: 'd',
    attempt,
    startedAt: new Date(at).toISOString(),
    outcome: { ok: false, permanent, error: 'ECONNREFUSED', finishedAt: new Date(at).toISOString() },
  });

  it('doubles the wait after each failure', () => {
    expect([1, 2, 3, 4].map((n) => backoff(n, 1_000))).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(nextStep([], policy, t0)).toEqual({ kind: 'attempt', attempt: 1 });
    expect(nextStep([failed(1, t0)], policy, t0 + 999)).toEqual({ kind: 'wait', until: t0 + 1_000 });
    expect(nextStep([failed(1, t0)], policy, t0 + 1_000)).toEqual({ kind: 'attempt', attempt: 2 });
    expect(nextStep([failed(1, t0), failed(2, t0 + 1_000)], policy, t0 + 2_999)).toMatchObject({ kind: 'wait' });
  });

  it('gives up after the last attempt, or at once when the channel rejected the message for good', () => {
    expect(nextStep([failed(1, t0), failed(2, t0), failed(3, t0)], policy, t0)).toEqual({ kind: 'give-up', reason: '3 attempts failed; last: ECONNREFUSED' });
    expect(nextStep([failed(1, t0, true)], policy, t0)).toEqual({ kind: 'give-up', reason: 'rejected: ECONNREFUSED' });
  });

  it('waits for an attempt in flight, and counts one that never finished as failed', () => {
    const inFlight: DeliveryAttempt = { deliveryId: 'd', attempt: 1, startedAt: new Date(t0).toISOString() };
    expect(nextStep([inFlight], policy, t0 + 10)).toMatchObject({ kind: 'wait' });
    expect(nextStep([inFlight], policy, t0 + 61_000)).toEqual({ kind: 'attempt', attempt: 2 });
  });
});
