import type { RunningService } from '@shagym/service-kit';
import { complaintRegistered, entitiesQuery, gql, isolatedEnv, organizationUpserted, publishEvents, startInProcess, waitFor } from '@shagym/testing';
import { loadDeadlineConfig, startDeadline } from './app';

describe('deadline against the real Kafka and FerretDB', () => {
  const iso = isolatedEnv('deadline');
  let svc: RunningService;
  const query = entitiesQuery('Complaint', 'deadline { rule termWorkingDays startsOn dueOn dueAt }');
  const deadlineOf = async (id: string) =>
    (await gql(svc.url, query, { representations: [{ __typename: 'Complaint', id }] })).data?._entities?.[0]?.deadline;

  beforeAll(async () => {
    await iso.createTopics();
    await publishEvents(iso.topic('directory'), [
      organizationUpserted('org-dl-psc'),
      organizationUpserted('org-dl-adgs', { kind: 'AUTHORIZED_BODY' }),
    ]);
    svc = await startInProcess(iso, 'deadline', (env) => startDeadline(loadDeadlineConfig(env)));
  });

  afterAll(async () => {
    await svc?.stop();
    await iso.cleanup();
  });

  it('sets 5 working days after registration for a PSC (R8) and 15 for the authorized body (R13)', async () => {
    // Registered on Monday 30 November 2026 (10:00 Almaty).
    const psc = complaintRegistered('org-dl-psc', undefined, new Date('2026-11-30T05:00:00.000Z'));
    const adgs = complaintRegistered('org-dl-adgs', undefined, new Date('2026-11-30T05:00:00.000Z'));
    await publishEvents(iso.topic('complaints'), [psc, adgs, psc]);
    expect(await waitFor('R8 deadline', () => deadlineOf(psc.subject))).toEqual({
      rule: 'R8',
      termWorkingDays: 5,
      startsOn: '2026-11-30',
      dueOn: '2026-12-07',
      dueAt: '2026-12-07T18:59:59.999Z',
    });
    expect(await waitFor('R13 deadline', () => deadlineOf(adgs.subject))).toMatchObject({ rule: 'R13', termWorkingDays: 15, dueOn: '2026-12-21' });
  });

  it('answers calendar queries and refuses bad dates with a coded error', async () => {
    const ok = await gql(svc.url, `{ addWorkingDays(from: "2026-12-04", days: 1) workingDays(from: "2026-11-30", to: "2026-12-07") }`);
    expect(ok.data).toEqual({ addWorkingDays: '2026-12-07', workingDays: 5 });
    // Sent as a variable (as clients do), an impossible date is BAD_USER_INPUT;
    // written into the query text it fails validation of the document itself.
    const bad = await gql(svc.url, `query($from: Date!) { addWorkingDays(from: $from, days: 1) }`, { from: '2026-02-30' });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0]?.message).toMatch(/real calendar date/);
    const literal = await gql(svc.url, `{ addWorkingDays(from: "2026-02-30", days: 1) }`);
    expect(literal.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const negative = await gql(svc.url, `{ addWorkingDays(from: "2026-12-01", days: -3) }`);
    expect(negative.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'days' });
  });
});
