import { createEvent, type DomainEvent } from '@shagym/contracts';
import { complaintAnswered, complaintForwarded, complaintOutsideCompetence, complaintRegistered, complaintRegisteredAfterForwarding } from '@shagym/testing';
import { baseCalendar, KZ_BASE_YEARS } from '../calendar/kz';
import {
  ChangeCalendarYear,
  deadlineState,
  FireTimer,
  ForwardDeadline,
  InvalidCalendarChange,
  projectDeadline,
  RecomputeOnCalendarChange,
  SetDeadlineOnRegistration,
  StartForwardingTerm,
  StopDeadline,
  type DeadlinePorts,
  type TermRecord,
} from './deadline';
import type { PlannedTimer } from './term';

/** In-memory ports: the use cases are pure; the real store and log are exercised by the int-specs. */
function memoryPorts(kind = 'PSC') {
  const log: DomainEvent[] = [];
  const terms: Array<{ term: TermRecord; timers: PlannedTimer[] }> = [];
  let calendar = baseCalendar();
  const ports: DeadlinePorts & { openTerms(year: number): Promise<Array<{ complaintId: string; termId: string; organizationId: string }>> } = {
    findOrganization: async (id) => ({ id, code: 'X', kind, name: { ru: 'x', kk: 'x', en: 'x' }, region: 'MANGYSTAU', acceptsComplaints: true }),
    emit: async (e) => {
      if (log.some((x) => x.id === e.id)) return { status: 'duplicate' };
      log.push(e);
      return { status: 'appended' };
    },
    history: async (id) => log.filter((e) => e.subject === id),
    recordTerm: async (term, timers) => void terms.push({ term, timers }),
    cancelTimers: async () => undefined,
    calendar: async () => calendar,
    openTerms: async () => terms.map((t) => ({ complaintId: t.term.complaintId, termId: t.term.termId, organizationId: t.term.organizationId })),
  };
  return { ports, log, terms, setCalendar: (c: typeof calendar) => (calendar = c) };
}

const registeredOn = (date: string) => complaintRegistered('org-1', undefined, new Date(`${date}T05:00:00.000Z`));

describe('deadline use cases (R8, R9, R13, R16, R17)', () => {
  it('sets the term once per registration, with its warnings and breach planned', async () => {
    const { ports, log, terms } = memoryPorts();
    const set = new SetDeadlineOnRegistration(ports);
    const reg = registeredOn('2026-05-25');
    await set.execute(reg);
    await set.execute(reg); // redelivery
    expect(log.map((e) => e.type)).toEqual(['deadline.set']);
    expect(projectDeadline(log)).toMatchObject({ rule: 'R8', dueOn: '2026-06-02', stop: null }); // Kurban Ait 27 May skipped
    expect(terms[0]!.timers.map((t) => t.kind)).toEqual(['WARNING', 'WARNING', 'BREACH']);
  });

  it('names the missing year instead of guessing (R16)', async () => {
    const { ports } = memoryPorts('AUTHORIZED_BODY');
    await expect(new SetDeadlineOnRegistration(ports).execute(registeredOn('2027-12-20'))).rejects.toThrow(/no data for 2028/);
  });

  it('stops on the answer with MET and the working days early; a second answer changes nothing', async () => {
    const { ports, log } = memoryPorts();
    const reg = registeredOn('2026-11-30');
    await new SetDeadlineOnRegistration(ports).execute(reg);
    const stop = new StopDeadline(ports);
    await stop.execute(complaintAnswered('org-1', reg.subject, 'off-1', new Date('2026-12-02T06:00:00.000Z')));
    expect(await stop.execute(complaintAnswered('org-1', reg.subject, 'off-1', new Date('2026-12-03T06:00:00.000Z')))).toBeNull();
    const d = projectDeadline(log)!;
    expect(d.stop).toMatchObject({ outcome: 'MET', workingDaysEarly: 3, stoppedBy: 'ANSWERED' });
    expect(deadlineState(d, new Date('2026-12-20T00:00:00Z'), null)).toBe('MET');
  });

  it('fires a warning and the breach exactly once, and nothing for a stopped term', async () => {
    const { ports, log, terms } = memoryPorts();
    const reg = registeredOn('2026-11-30');
    await new SetDeadlineOnRegistration(ports).execute(reg);
    const { term, timers } = terms[0]!;
    const fire = new FireTimer(ports);
    const timer = (i: number) => ({ timerId: `t${i}`, termId: term.termId, complaintId: term.complaintId, organizationId: 'org-1', ...timers[i]! }) as Parameters<FireTimer['execute']>[0];
    expect(await fire.execute(timer(0), new Date('2026-12-04T05:00:00Z'))).toBe('FIRED');
    expect(await fire.execute(timer(0), new Date('2026-12-04T05:01:00Z'))).toBe('DUPLICATE');
    expect(deadlineState(projectDeadline(log)!, new Date('2026-12-04T05:00:00Z'), null)).toBe('AT_RISK');
    // Caught up after the end: the last-morning warning is skipped, the breach fires.
    expect(await fire.execute(timer(1), new Date('2026-12-08T05:00:00Z'))).toBe('SKIPPED');
    expect(await fire.execute(timer(2), new Date('2026-12-08T05:00:00Z'))).toBe('FIRED');
    expect(await fire.execute(timer(2), new Date('2026-12-08T05:00:00Z'))).toBe('DUPLICATE');
    expect(log.map((e) => e.type)).toEqual(['deadline.set', 'deadline.warning', 'deadline.breached']);
    expect(deadlineState(projectDeadline(log)!, new Date('2026-12-08T05:00:00Z'), null)).toBe('BREACHED');

    const other = registeredOn('2026-11-30');
    await new SetDeadlineOnRegistration(ports).execute(other);
    await new StopDeadline(ports).execute(complaintAnswered('org-1', other.subject, 'off-1', new Date('2026-12-01T06:00:00.000Z')));
    const t = terms[1]!;
    expect(await fire.execute({ timerId: 'x', termId: t.term.termId, complaintId: other.subject, organizationId: 'org-1', ...t.timers[2]! } as never, new Date('2026-12-08T05:00:00Z'))).toBe('OBSOLETE');
  });

  it('a Kurban Ait correction moves the open terms it touches, once', async () => {
    const { ports, log, setCalendar } = memoryPorts();
    const reg = registeredOn('2027-05-12');
    await new SetDeadlineOnRegistration(ports).execute(reg);
    const unaffected = registeredOn('2027-06-01');
    await new SetDeadlineOnRegistration(ports).execute(unaffected);
    const entries = { ...KZ_BASE_YEARS.find((y) => y.year === 2027)!, kurbanAit: { date: '2027-05-17', provisional: false, source: 'ДУМК (test)' } };
    const change = new ChangeCalendarYear({ calendarWithVersion: async () => ({ calendar: baseCalendar(), version: 0 }), emit: ports.emit });
    const { event, calendar } = await change.execute({ entries, reason: 'fixed', changedBy: { subject: 'sup' } }, new Date('2027-05-12T06:00:00Z'), 'corr');
    expect(event.data.changedDays).toEqual(['2027-05-17']);
    setCalendar(calendar);
    const recompute = new RecomputeOnCalendarChange(ports);
    expect(await recompute.execute(event)).toBe(1);
    expect(await recompute.execute(event)).toBe(0); // redelivered: already moved
    expect(projectDeadline(log.filter((e) => e.subject === reg.subject))).toMatchObject({ dueOn: '2027-05-20' });
    expect(log.filter((e) => e.type === 'deadline.recomputed')).toHaveLength(1);
  });

  it('R18, R8: a forwarding stops the term with the 3-working-day verdict; the receiving body’s term counts from its own registration (R7), not from the forwarding', async () => {
    const { ports, log, terms } = memoryPorts('AUTHORIZED_BODY');
    const reg = registeredOn('2026-05-05'); // R18 term: due Tuesday 12 May 2026 (7 and 11 May off)
    await new SetDeadlineOnRegistration(ports).execute(reg);
    const forwarded = createEvent({
      type: 'complaint.forwarded',
      source: 'routing',
      subject: reg.subject,
      correlationId: 'c',
      data: {
        complaintId: reg.subject,
        fromOrganizationId: 'org-1',
        toOrganizationId: 'org-2',
        reason: 'вне компетенции',
        forwardedBy: { officialId: 'h', fullName: 'Head' },
        forwardedAt: '2026-05-13T05:00:00.000Z',
        receivedOn: '2026-05-05',
      },
    });
    const forward = new ForwardDeadline(ports);
    await forward.execute(forwarded);
    await forward.execute(forwarded); // redelivery
    const stopped = log.filter((e) => e.type === 'deadline.stopped');
    expect(stopped.map((e) => e.data)).toEqual([
      expect.objectContaining({ rule: 'R18', dueOn: '2026-05-12', stoppedBy: 'FORWARDED', outcome: 'MISSED', workingDaysLate: 1, organizationId: 'org-1' }),
    ]);
    // Forwarded on 13 May: no review term yet — it counts from the receiving body's registration (R8).
    expect(log.filter((e) => e.type === 'deadline.set')).toHaveLength(1);
    expect(projectDeadline(log)).toMatchObject({ stop: { stoppedBy: 'FORWARDED', outcome: 'MISSED' } });
    // The receiving body's registry office registers it the next day (paper, by hand): its term (the authorized body here: R13) starts then.
    const received = complaintRegisteredAfterForwarding(forwarded, new Date('2026-05-14T05:00:00.000Z'), 1, reg);
    await new SetDeadlineOnRegistration(ports).execute(received);
    await new SetDeadlineOnRegistration(ports).execute(received); // redelivery
    expect(projectDeadline(log)).toMatchObject({ rule: 'R13', startsOn: '2026-05-14', stop: null, breachedAt: null });
    expect(log.filter((e) => e.type === 'deadline.set')).toHaveLength(2);
    expect(terms.at(-1)!.term.organizationId).toBe('org-2');
  });

  it('R18: a complaint found outside the competence gets the 3-working-day forwarding term, with warnings still ahead and its breach', async () => {
    const { ports, log, terms } = memoryPorts();
    const reg = registeredOn('2026-11-30'); // Monday: forwarding due Thursday 3 December
    await new SetDeadlineOnRegistration(ports).execute(reg);
    const start = new StartForwardingTerm(ports);
    // Declared on Wednesday 2 December at 10:00 Almaty: the 09:00 warning of that day has passed.
    const declared = complaintOutsideCompetence('org-1', reg.subject, new Date('2026-12-02T05:00:00.000Z'), '2026-11-30');
    expect(await start.execute(declared)).toMatchObject({ type: 'deadline.set', data: { rule: 'R18', termWorkingDays: 3, startsOn: '2026-11-30', dueOn: '2026-12-03' } });
    expect(await start.execute(declared)).toBeNull(); // redelivered: the forwarding term runs already
    expect(terms.at(-1)!.timers.map((t) => [t.kind, t.warning ?? '', t.fireAt.toISOString()])).toEqual([
      ['WARNING', '0WD@09:00', '2026-12-03T04:00:00.000Z'],
      ['BREACH', '', '2026-12-03T19:00:00.000Z'],
    ]);
    expect(projectDeadline(log)).toMatchObject({ rule: 'R18', dueOn: '2026-12-03', warnings: [], breachedAt: null });
  });

  it('R18: the forwarding term breaches, the forwarding stops it MISSED, and the receiving body’s term can breach in its turn', async () => {
    const { ports, log, terms } = memoryPorts();
    const reg = registeredOn('2026-11-30');
    await new SetDeadlineOnRegistration(ports).execute(reg);
    await new StartForwardingTerm(ports).execute(complaintOutsideCompetence('org-1', reg.subject, new Date('2026-12-01T05:00:00.000Z'), '2026-11-30'));
    const fire = new FireTimer(ports);
    const breachOf = (i: number) => {
      const { term, timers } = terms[i]!;
      return { timerId: `b${i}`, termId: term.termId, complaintId: term.complaintId, organizationId: term.organizationId, ...timers.find((t) => t.kind === 'BREACH')! } as Parameters<FireTimer['execute']>[0];
    };
    expect(await fire.execute(breachOf(1), new Date('2026-12-04T05:00:00Z'))).toBe('FIRED');
    expect(await fire.execute(breachOf(0), new Date('2026-12-08T05:00:00Z'))).toBe('OBSOLETE'); // the review term gave way
    const forwarded = complaintForwarded('org-1', 'org-2', reg.subject, new Date('2026-12-07T05:00:00.000Z'), '2026-11-30');
    await new ForwardDeadline(ports).execute(forwarded);
    // R7 at the receiving body: registered the same day (auto), its R8 term from that registration.
    await new SetDeadlineOnRegistration(ports).execute(complaintRegisteredAfterForwarding(forwarded, new Date('2026-12-07T05:30:00.000Z'), 1, reg));
    expect(log.filter((e) => e.type === 'deadline.stopped').map((e) => e.data)).toEqual([
      expect.objectContaining({ rule: 'R18', dueOn: '2026-12-03', stoppedBy: 'FORWARDED', outcome: 'MISSED', workingDaysLate: 2 }), // 4 and 7 December
    ]);
    expect(projectDeadline(log)).toMatchObject({ rule: 'R8', startsOn: '2026-12-07', dueOn: '2026-12-14', breachedAt: null });
    expect(await fire.execute(breachOf(2), new Date('2026-12-15T05:00:00Z'))).toBe('FIRED');
    expect(log.filter((e) => e.type === 'deadline.breached').map((e) => e.data.rule)).toEqual(['R18', 'R8']);
  });

  it('refuses a correction whose dates are outside the year or impossible', async () => {
    const change = new ChangeCalendarYear({ calendarWithVersion: async () => ({ calendar: baseCalendar(), version: 0 }), emit: async () => ({ status: 'appended' }) });
    const entries = { year: 2027, provisional: false, kurbanAit: { date: '2027-02-30', provisional: false, source: 'ДУМК' }, transfers: [] };
    await expect(change.execute({ entries, reason: 'x', changedBy: { subject: 's' } }, new Date(), 'c')).rejects.toBeInstanceOf(InvalidCalendarChange);
  });
});
