import { createEvent } from '@shagym/contracts';
import type { RunningService } from '@shagym/service-kit';
import { as, complaintAnswered, complaintOutsideCompetence, complaintRegistered, complaintRegisteredAfterForwarding, entitiesQuery, gql, IDENTITIES, isolatedEnv, organizationUpserted, publishEvents, readTopicUntil, startInProcess, waitFor, type ReadEvent } from '@shagym/testing';
import { loadDeadlineConfig, startDeadline } from './app';

/** A settable clock: business time for terms, warnings and breaches. */
const clock = { at: new Date('2026-12-01T05:00:00.000Z'), now() { return this.at; } };

describe('deadline against the real Kafka and FerretDB', () => {
  const iso = isolatedEnv('deadline');
  let svc: RunningService;
  const query = entitiesQuery(
    'Complaint',
    'deadline { rule termWorkingDays startsOn dueOn dueAt remainingWorkingDays state stoppedAt workingDaysEarly workingDaysLate explanation { countedDays skippedDays { date kind source name(language: EN) } } }',
  );
  const deadlineOf = async (id: string) =>
    (await gql(svc.url, query, { representations: [{ __typename: 'Complaint', id }] }, as(IDENTITIES.supervisor('org-adgs', 'sup-1')))).data?._entities?.[0]?.deadline;

  beforeAll(async () => {
    await iso.createTopics();
    await publishEvents(iso.topic('directory'), [
      organizationUpserted('org-dl-psc'),
      organizationUpserted('org-dl-adgs', { kind: 'AUTHORIZED_BODY' }),
    ]);
    svc = await startInProcess(iso, 'deadline', (env) => startDeadline(loadDeadlineConfig(env), { clock }), { DEADLINE_SCHEDULER_INTERVAL_MS: '50' });
  });

  afterAll(async () => {
    await svc?.stop();
    await iso.cleanup();
  });

  it('sets 5 working days after registration for a PSC (R8) and 15 for the authorized body (R13) on the production calendar', async () => {
    // Registered on Monday 30 November 2026 (10:00 Almaty).
    const psc = complaintRegistered('org-dl-psc', undefined, new Date('2026-11-30T05:00:00.000Z'));
    const adgs = complaintRegistered('org-dl-adgs', undefined, new Date('2026-11-30T05:00:00.000Z'));
    await publishEvents(iso.topic('complaints'), [psc, adgs, psc]);
    expect(await waitFor('R8 deadline', () => deadlineOf(psc.subject))).toMatchObject({
      rule: 'R8',
      termWorkingDays: 5,
      startsOn: '2026-11-30',
      dueOn: '2026-12-07',
      dueAt: '2026-12-07T18:59:59.999Z',
      remainingWorkingDays: 5,
      state: 'ON_TRACK',
      stoppedAt: null,
    });
    // 16 December (Independence Day) is skipped: the 15th working day is the 22nd.
    const r13 = await waitFor('R13 deadline', () => deadlineOf(adgs.subject));
    expect(r13).toMatchObject({ rule: 'R13', termWorkingDays: 15, dueOn: '2026-12-22' });
    expect(r13.explanation.skippedDays).toContainEqual(expect.objectContaining({ date: '2026-12-16', kind: 'HOLIDAY', name: 'Independence Day' }));
    expect(r13.explanation.countedDays).toHaveLength(15);
  });

  it('stops the term on the answer (R9): met, with the working days to spare', async () => {
    const reg = complaintRegistered('org-dl-psc', undefined, new Date('2026-11-30T05:00:00.000Z'));
    await publishEvents(iso.topic('complaints'), [reg, complaintAnswered('org-dl-psc', reg.subject, 'off-1', new Date('2026-12-02T06:00:00.000Z'))]);
    expect(await waitFor('stopped', async () => (await deadlineOf(reg.subject))?.stoppedAt && deadlineOf(reg.subject))).toMatchObject({
      state: 'MET',
      workingDaysEarly: 3,
      workingDaysLate: 0,
      remainingWorkingDays: 0,
    });
    const isStop = (e: ReadEvent) => e.type === 'deadline.stopped' && e.subject === reg.subject;
    const stopped = (await readTopicUntil(iso.topic('complaints'), (seen) => seen.some(isStop))).filter(isStop);
    expect(stopped).toHaveLength(1);
    expect(stopped[0]!.data).toMatchObject({ outcome: 'MET', stoppedBy: 'ANSWERED', organizationId: 'org-dl-psc' });
  });

  it('R18, R8: a forwarded complaint stops the forwarding body’s term; the receiving body’s term counts from its registration (R7)', async () => {
    const reg = complaintRegistered('org-dl-psc', undefined, new Date('2026-11-30T05:00:00.000Z'));
    const forwarded = createEvent({
      type: 'complaint.forwarded',
      source: 'routing',
      subject: reg.subject,
      correlationId: reg.correlationId,
      data: {
        complaintId: reg.subject,
        fromOrganizationId: 'org-dl-psc',
        toOrganizationId: 'org-dl-adgs',
        reason: 'Вне компетенции ЦОН',
        forwardedBy: { officialId: 'off-h', fullName: 'Руководитель' },
        forwardedAt: '2026-12-02T06:00:00.000Z',
        receivedOn: '2026-11-30',
      },
    });
    // The receiving body registers it the day after the forwarding (R7 at the body that receives it).
    const received = complaintRegisteredAfterForwarding(forwarded, new Date('2026-12-03T05:00:00.000Z'), 1, reg);
    await publishEvents(iso.topic('complaints'), [reg, forwarded, received]);
    const moved = await waitFor('term at the receiving body', async () => {
      const d = await deadlineOf(reg.subject);
      return d?.rule === 'R13' ? d : undefined;
    });
    // R8/R13 "from the day of its registration": the receiving body's, 3 December — not the forwarding day (2 December).
    expect(moved).toMatchObject({ startsOn: '2026-12-03', dueOn: '2026-12-25', state: 'ON_TRACK', stoppedAt: null });
    const mine = (seen: ReadEvent[]) => seen.filter((e) => e.subject === reg.subject);
    const seen = mine(await readTopicUntil(iso.topic('complaints'), (all) => mine(all).filter((e) => e.type.startsWith('deadline.')).length >= 3));
    expect(seen.filter((e) => e.type === 'deadline.stopped').map((e) => e.data)).toEqual([
      expect.objectContaining({ rule: 'R18', stoppedBy: 'FORWARDED', outcome: 'MET', dueOn: '2026-12-03', workingDaysEarly: 1, organizationId: 'org-dl-psc' }),
    ]);
    expect(seen.filter((e) => e.type === 'deadline.set')).toHaveLength(2);
  });

  it('R18: a complaint found outside the competence runs on the 3-working-day forwarding term until forwarded', async () => {
    const reg = complaintRegistered('org-dl-psc', undefined, new Date('2026-11-30T05:00:00.000Z'));
    const declared = complaintOutsideCompetence('org-dl-psc', reg.subject, new Date('2026-12-01T05:00:00.000Z'), '2026-11-30', 'org-dl-adgs');
    await publishEvents(iso.topic('complaints'), [reg, declared, declared]);
    const r18 = await waitFor('forwarding term', async () => {
      const d = await deadlineOf(reg.subject);
      return d?.rule === 'R18' ? d : undefined;
    });
    expect(r18).toMatchObject({ termWorkingDays: 3, startsOn: '2026-11-30', dueOn: '2026-12-03', state: 'ON_TRACK', remainingWorkingDays: 3 });
    const mine = (seen: ReadEvent[]) => seen.filter((e) => e.subject === reg.subject && e.type === 'deadline.set');
    const sets = mine(await readTopicUntil(iso.topic('complaints'), (all) => mine(all).length >= 2));
    expect(sets.map((e) => e.data.rule)).toEqual(['R8', 'R18']);
  });

  it('answers calendar queries and refuses bad dates and missing years with a coded error', async () => {
    const ok = await gql(svc.url, `{ addWorkingDays(from: "2026-12-15", days: 1) workingDays(from: "2026-11-30", to: "2026-12-07") calendarYears }`);
    expect(ok.data).toEqual({ addWorkingDays: '2026-12-17', workingDays: 5, calendarYears: [2024, 2025, 2026, 2027] });
    const year = await gql(svc.url, `{ calendarYear(year: 2026) { year workingDays provisional kurbanAit daysOff { date kind name(language: KK) } } }`);
    expect(year.data?.calendarYear).toMatchObject({ year: 2026, workingDays: 247, provisional: false, kurbanAit: '2026-05-27' });
    // 14 weekdays off plus 5 holidays that fell on a weekend (8 March, 21–22 March, 9 May, 25 October).
    expect(year.data?.calendarYear.daysOff).toHaveLength(19);
    const missing = await gql(svc.url, `{ calendarYear(year: 2031) { year } }`);
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'year' });
    expect(missing.errors?.[0]?.message).toMatch(/no data for 2031/);
    const intoMissing = await gql(svc.url, `{ addWorkingDays(from: "2027-12-28", days: 5) }`);
    expect(intoMissing.errors?.[0]?.message).toMatch(/no data for 2028/);
    const bad = await gql(svc.url, `query($from: Date!) { addWorkingDays(from: $from, days: 1) }`, { from: '2026-02-30' });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0]?.message).toMatch(/real calendar date/);
    const negative = await gql(svc.url, `{ addWorkingDays(from: "2026-12-01", days: -3) }`);
    expect(negative.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'days' });
  });

  it('lets only a supervisor correct a year; open terms it touches are recomputed and announced (R16)', async () => {
    // Registered Wednesday 12 May 2027; Kurban Ait estimated on Sunday 16 May: due Wednesday 19 May.
    clock.at = new Date('2027-05-12T06:00:00.000Z');
    const reg = complaintRegistered('org-dl-psc', undefined, new Date('2027-05-12T05:00:00.000Z'));
    await publishEvents(iso.topic('complaints'), [reg]);
    expect(await waitFor('2027 deadline', () => deadlineOf(reg.subject))).toMatchObject({ dueOn: '2027-05-19' });

    const mutation = `mutation($input: CalendarYearInput!) { setCalendarYear(input: $input) { year workingDays provisional kurbanAit } }`;
    const input = {
      year: 2027,
      provisional: false,
      kurbanAit: { date: '2027-05-17', provisional: false, source: 'ДУМК announcement (test)' },
      transfers: [],
      reason: 'ДУМК fixed Kurban Ait on Monday 17 May',
    };
    const head = await gql(svc.url, mutation, { input }, as(IDENTITIES.head('org-dl-psc', 'off-h')));
    expect(head.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await gql(svc.url, mutation, { input });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const invalid = await gql(svc.url, mutation, { input: { ...input, kurbanAit: { ...input.kurbanAit, date: '2026-05-17' } } }, as(IDENTITIES.supervisor('org-mdai', 'off-s')));
    expect(invalid.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.kurbanAit.date' });

    const ok = await gql(svc.url, mutation, { input }, as(IDENTITIES.supervisor('org-mdai', 'off-s')));
    expect(ok.errors).toBeUndefined();
    expect(ok.data?.setCalendarYear).toEqual({ year: 2027, workingDays: 246, provisional: false, kurbanAit: '2027-05-17' });

    const moved = await waitFor('recomputed deadline', async () => {
      const d = await deadlineOf(reg.subject);
      return d?.dueOn === '2027-05-20' ? d : undefined;
    });
    expect(moved.explanation.skippedDays).toContainEqual(expect.objectContaining({ date: '2027-05-17', kind: 'RELIGIOUS', source: expect.stringContaining('test') }));
    const calendarDays = await gql(svc.url, `{ addWorkingDays(from: "2027-05-14", days: 1) }`);
    expect(calendarDays.data?.addWorkingDays).toBe('2027-05-18');

    const complaints = await readTopicUntil(iso.topic('complaints'), (all) => all.some((e) => e.type === 'deadline.recomputed' && e.subject === reg.subject));
    expect(complaints.filter((e) => e.type === 'deadline.recomputed' && e.subject === reg.subject).map((e) => e.data)).toEqual([
      expect.objectContaining({ previousDueOn: '2027-05-19', dueOn: '2027-05-20', organizationId: 'org-dl-psc' }),
    ]);
    const announced = await readTopicUntil(iso.topic('calendar'), (all) => all.some((e) => e.type === 'calendar.changed'));
    expect(announced.filter((e) => e.type === 'calendar.changed').map((e) => e.data)).toEqual([
      expect.objectContaining({ year: 2027, changedDays: ['2027-05-17'], changedBy: expect.objectContaining({ officialId: 'off-s' }) }),
    ]);
  });

  it('lists an organization’s overdue complaints to its officials', async () => {
    clock.at = new Date('2027-06-01T05:00:00.000Z');
    const late = complaintRegistered('org-dl-overdue', undefined, new Date('2027-05-03T05:00:00.000Z'));
    await publishEvents(iso.topic('directory'), [organizationUpserted('org-dl-overdue')]);
    const answeredLate = complaintRegistered('org-dl-overdue', undefined, new Date('2027-05-03T05:00:00.000Z'));
    await publishEvents(iso.topic('complaints'), [late, answeredLate, complaintAnswered('org-dl-overdue', answeredLate.subject, 'off-1', new Date('2027-05-20T06:00:00.000Z'))]);
    await waitFor('deadline', () => deadlineOf(late.subject));
    expect(await waitFor('late answer', async () => (await deadlineOf(answeredLate.subject))?.stoppedAt && deadlineOf(answeredLate.subject))).toMatchObject({
      state: 'MISSED',
      workingDaysLate: 5, // 13, 14, 18, 19, 20 May (17 May: Kurban Ait as corrected above)
    });
    const q = `query($org: ID!) { overdueComplaints(organizationId: $org) { complaint { id } deadline { dueOn state } } }`;
    const list = await waitFor('overdue', async () => {
      const r = await gql(svc.url, q, { org: 'org-dl-overdue' }, as(IDENTITIES.head('org-dl-overdue', 'off-h')));
      return r.data?.overdueComplaints?.length ? r.data.overdueComplaints : undefined;
    });
    expect(list).toEqual([{ complaint: { id: late.subject }, deadline: { dueOn: '2027-05-12', state: 'BREACHED' } }]);
    const other = await gql(svc.url, q, { org: 'org-dl-overdue' }, as(IDENTITIES.head('org-dl-psc', 'off-x')));
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('a term that runs into a year without calendar data waits for it, names it, and is set when a supervisor adds the year (R16)', async () => {
    // Registered Monday 27 December 2027 at the authorized body: 15 working days run into 2028.
    const reg = complaintRegistered('org-dl-adgs', undefined, new Date('2027-12-27T05:00:00.000Z'));
    await publishEvents(iso.topic('complaints'), [reg]);
    const asked = await waitFor('the missing year named', async () => {
      const r = await gql(svc.url, query, { representations: [{ __typename: 'Complaint', id: reg.subject }] }, as(IDENTITIES.supervisor('org-adgs', 'sup-1')));
      return r.errors?.length ? r : undefined;
    });
    expect(asked.errors?.[0]?.extensions).toMatchObject({ code: 'CALENDAR_YEAR_MISSING', year: 2028 });
    expect(asked.errors?.[0]?.message).toMatch(/no data for 2028/);

    const set = await gql(
      svc.url,
      `mutation($input: CalendarYearInput!) { setCalendarYear(input: $input) { year } }`,
      {
        input: {
          year: 2028,
          provisional: true,
          kurbanAit: { date: '2028-05-05', provisional: true, source: 'Astronomical estimate (test)' },
          transfers: [],
          reason: 'The 2028 calendar, before the government’s transfer order',
        },
      },
      as(IDENTITIES.supervisor('org-mdai', 'off-s')),
    );
    expect(set.errors).toBeUndefined();
    // 28–31 December count 4; New Year (Saturday 1, Sunday 2 January 2028) moves to Monday 3 and Tuesday 4;
    // Friday 7 January (Orthodox Christmas) is off: 5, 6, 10–14, 17–20 January complete the 15.
    expect(await waitFor('term set after the year was added', () => deadlineOf(reg.subject))).toMatchObject({ rule: 'R13', startsOn: '2027-12-27', dueOn: '2028-01-20' });
    const again = await gql(svc.url, query, { representations: [{ __typename: 'Complaint', id: reg.subject }] }, as(IDENTITIES.supervisor('org-adgs', 'sup-1')));
    expect(again.errors).toBeUndefined();
  });
});
