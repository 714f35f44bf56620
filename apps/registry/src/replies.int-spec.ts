import { createEvent, decodeEvent } from '@shagym/contracts';
import { ComplaintAccess, createLogger, connectMongo, type RunningService } from '@shagym/service-kit';
import {
  as,
  complaintAssigned,
  complaintForwarded,
  complaintSubmitted,
  entitiesQuery,
  gql,
  IDENTITIES,
  isolatedEnv,
  complaintReassigned,
  recordCommands,
  organizationUpserted,
  publishEvents,
  readTopic,
  readTopicUntil,
  type ReadEvent,
  startInProcess,
  waitFor,
} from '@shagym/testing';
import type { Connection } from 'mongoose';
import { loadRegistryConfig, startRegistry } from './app';

const ORG = 'org-rep-psc';
/** R18: the competent body a complaint is forwarded to. */
const ORG2 = 'org-rep-min';
/** R7 at the receiving body: one that registers on delivery (the default), one whose operator registers by hand. */
const ORG3 = 'org-rep-akm';
const ORG4 = 'org-rep-man';
const EXEC = as(IDENTITIES.executor(ORG, 'exec-1'));
const CASE = entitiesQuery('Complaint', 'id status registration { incomingNumber sequence entryHash } reply { kind outgoingNumber decision refusalReason reasoning delivery trackingNumber informedOfEscalation informedOfCourt }');
const ANSWER = `mutation($input: AnswerComplaintInput!) { answerComplaint(input: $input) { status reply { kind outgoingNumber decision } } }`;
const REFUSE = `mutation($input: RefuseComplaintInput!) { refuseComplaint(input: $input) { status reply { kind outgoingNumber refusalReason } } }`;
const REGISTER = `mutation($id: ID!) { registerComplaint(complaintId: $id) { status registration { incomingNumber } } }`;

const SUPERVISOR = as(IDENTITIES.supervisor('org-adgs', 'sup-1'));

describe('registry: registration, replies, refusals and the journal (R7, R9, R17)', () => {
  const iso = isolatedEnv('replies');
  let svc: RunningService;
  let db: Connection;
  // Every command registry sends, recorded (as the key-first guard does) for the last test.
  const commands = recordCommands('registry');
  const caseOf = async (id: string) => (await gql(svc.url, CASE, { representations: [{ __typename: 'Complaint', id }] }, SUPERVISOR)).data?._entities?.[0];
  const answer = (complaintId: string, headers = EXEC, delivery: Record<string, unknown> = { method: 'POST', trackingNumber: 'KZ123456789' }) =>
    gql(svc.url, ANSWER, { input: { complaintId, decision: 'PARTIALLY_SATISFIED', reasoning: 'Документы приняты повторно; нарушение срока подтверждено.', legalBasis: 'Закон РК «О государственных услугах», ст. 25', delivery } }, headers);

  /** A complaint delivered, registered and assigned to exec-1. */
  async function assignedComplaint(): Promise<string> {
    const submitted = complaintSubmitted(ORG);
    await publishEvents(iso.topic('complaints'), [submitted]);
    await waitFor('registered', async () => (await caseOf(submitted.subject))?.registration);
    await publishEvents(iso.topic('complaints'), [complaintAssigned(ORG, submitted.subject, 'exec-1')]);
    await waitFor('assigned', async () => (await caseOf(submitted.subject))?.status === 'ASSIGNED');
    return submitted.subject;
  }

  beforeAll(async () => {
    await iso.createTopics();
    await publishEvents(iso.topic('directory'), [organizationUpserted(ORG, { code: 'REPPSC' }), organizationUpserted(ORG2, { code: 'REPMIN' }), organizationUpserted(ORG3, { code: 'REPAKM' }), organizationUpserted(ORG4, { code: 'REPMAN' })]);
    svc = await startInProcess(iso, 'registry', (env) => startRegistry(loadRegistryConfig({ ...env, MONGO_COMMAND_LOG: commands.file })));
    db = await connectMongo(iso.env.MONGO_URL!, iso.dbName('registry'), createLogger('test', 'silent'));
  });

  afterAll(async () => {
    await svc?.stop();
    await db?.close();
    await iso.cleanup();
    commands.cleanup();
  });

  it('lets only the appointed executor answer, once, after assignment (R9)', async () => {
    const submitted = complaintSubmitted(ORG);
    await publishEvents(iso.topic('complaints'), [submitted]);
    await waitFor('registered', async () => (await caseOf(submitted.subject))?.registration);
    const id = submitted.subject;

    const early = await answer(id);
    expect(early.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');

    await publishEvents(iso.topic('complaints'), [complaintAssigned(ORG, id, 'exec-1')]);
    await waitFor('assigned', async () => (await caseOf(id))?.status === 'ASSIGNED');

    expect((await answer(id, as(IDENTITIES.executor(ORG, 'exec-2')))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await answer(id, as(IDENTITIES.citizen('900101300017')))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await answer(id, {})).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const noTracking = await answer(id, EXEC, { method: 'POST' });
    expect(noTracking.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.delivery.trackingNumber' });
    const inPerson = await answer(id, EXEC, { method: 'IN_PERSON', handedOverOn: '2026-11-30' });
    expect(inPerson.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.delivery.recipientSignatureMark' });

    const ok = await answer(id);
    expect(ok.errors).toBeUndefined();
    const year = new Date().getFullYear();
    expect(ok.data.answerComplaint).toEqual({ status: 'ANSWERED', reply: { kind: 'ANSWER', outgoingNumber: `REPPSC-${year}-OUT-00001`, decision: 'PARTIALLY_SATISFIED' } });
    expect(await caseOf(id)).toMatchObject({ reply: { delivery: 'POST', trackingNumber: 'KZ123456789', informedOfEscalation: true, informedOfCourt: true } });

    const twice = await answer(id);
    expect(twice.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
    const refuseAfter = await gql(svc.url, REFUSE, { input: { complaintId: id, reason: 'OTHER', reasoning: 'x' } }, EXEC);
    expect(refuseAfter.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');

    const events = (await readTopic(iso.topic('complaints'), 6, 10_000)).map((m) => decodeEvent(m.value)).flatMap((d) => (d.ok ? [d.event] : []));
    expect(events.filter((e) => e.type === 'complaint.answered' && e.subject === id)).toHaveLength(1);
  });

  it('refuses review with a coded reason, shown as a reply (R17)', async () => {
    const id = await assignedComplaint();
    const res = await gql(svc.url, REFUSE, { input: { complaintId: id, reason: 'NO_SIGNATURE', reasoning: 'Жалоба не подписана заявителем (п. 5).' } }, EXEC);
    expect(res.errors).toBeUndefined();
    expect(res.data.refuseComplaint).toMatchObject({ status: 'REFUSED', reply: { kind: 'REFUSAL', refusalReason: 'NO_SIGNATURE' } });
    const empty = await gql(svc.url, REFUSE, { input: { complaintId: id, reason: 'OTHER', reasoning: '  ' } }, EXEC);
    expect(empty.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.reasoning' });
  });

  it('lets exactly one of two simultaneous replies through', async () => {
    const id = await assignedComplaint();
    const [a, r] = await Promise.all([
      answer(id),
      gql(svc.url, REFUSE, { input: { complaintId: id, reason: 'OTHER', reasoning: 'Иное основание.' } }, EXEC),
    ]);
    const winners = [a, r].filter((x) => !x.errors);
    const losers = [a, r].filter((x) => x.errors);
    expect(winners).toHaveLength(1);
    expect(losers[0]!.errors![0]!.extensions!.code).toBe('INVALID_TRANSITION');
    expect(await db.collection('event_log').countDocuments({ aggregateId: id, type: { $in: ['complaint.answered', 'complaint.refused'] } })).toBe(1);
  });

  it('waits for the registry office to register a paper complaint (R7), by its own operator only', async () => {
    const paper = complaintSubmitted(ORG, undefined, 'POST');
    await publishEvents(iso.topic('complaints'), [paper]);
    await waitFor('delivered', async () => (await caseOf(paper.subject))?.status === 'DELIVERED');
    expect((await caseOf(paper.subject)).registration).toBeNull();

    const stranger = await gql(svc.url, REGISTER, { id: paper.subject }, as(IDENTITIES.operator('org-other', 'op-x')));
    expect(stranger.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const ok = await gql(svc.url, REGISTER, { id: paper.subject }, as(IDENTITIES.operator(ORG, 'op-1')));
    expect(ok.errors).toBeUndefined();
    expect(ok.data.registerComplaint.status).toBe('REGISTERED');
    const again = await gql(svc.url, REGISTER, { id: paper.subject }, as(IDENTITIES.operator(ORG, 'op-1')));
    expect(again.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
  });

  it('filters the journal by overdue and counts replies on time (deadline events)', async () => {
    const late = await assignedComplaint();
    const onTime = await assignedComplaint();
    const term = (complaintId: string) => ({ complaintId, organizationId: ORG, rule: 'R8' as const, dueOn: '2026-12-07', dueAt: '2026-12-07T18:59:59.999Z' });
    await publishEvents(iso.topic('complaints'), [
      createEvent({ type: 'deadline.breached', source: 'deadline', subject: late, correlationId: 't', data: { ...term(late), scheduledFor: '2026-12-07T19:00:00.000Z', firedAt: '2026-12-07T19:00:01.000Z' } }),
    ]);
    const year = new Date().getFullYear();
    const journal = `query($org: ID!, $year: Int!) { registrationJournal(organizationId: $org, year: $year, filter: { overdue: true }) { entries { complaint { id } } } }`;
    const head = as(IDENTITIES.head(ORG, 'head-1'));
    const overdue = await waitFor('overdue listed', async () => {
      const ids = (await gql(svc.url, journal, { org: ORG, year }, head)).data?.registrationJournal.entries.map((e: { complaint: { id: string } }) => e.complaint.id);
      return ids?.includes(late) ? ids : undefined;
    });
    expect(overdue).not.toContain(onTime);

    await answer(late);
    await answer(onTime);
    const stopped = (complaintId: string, outcome: 'MET' | 'MISSED') =>
      createEvent({ type: 'deadline.stopped', source: 'deadline', subject: complaintId, correlationId: 't', data: { ...term(complaintId), stoppedBy: 'ANSWERED', stoppedAt: new Date().toISOString(), stoppedOn: '2026-12-08', outcome, workingDaysEarly: 0, workingDaysLate: outcome === 'MISSED' ? 1 : 0 } });
    await publishEvents(iso.topic('complaints'), [stopped(late, 'MISSED'), stopped(onTime, 'MET')]);
    const stats = `query($org: ID!, $year: Int!) { registryStatistics(organizationId: $org, year: $year) { received answered repliedOnTime repliedLate overdue escalated } }`;
    const s = await waitFor('statistics', async () => {
      const r = (await gql(svc.url, stats, { org: ORG, year }, head)).data?.registryStatistics;
      return r && r.repliedOnTime >= 1 && r.repliedLate >= 1 ? r : undefined;
    });
    expect(s.overdue).toBe(0);
    // Analysts see the aggregates (never a single complaint); a citizen does not.
    const analyst = await gql(svc.url, stats, { org: ORG, year }, as({ subject: 'an', roles: ['ANALYST'] }));
    expect(analyst.data.registryStatistics.received).toBe(s.received);
    expect((await gql(svc.url, stats, { org: ORG, year }, as(IDENTITIES.citizen('900101300017')))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(s.answered).toBeGreaterThanOrEqual(3);
    expect((await gql(svc.url, journal, { org: ORG, year }, head)).data.registrationJournal.entries).toEqual([]);
  });

  it('keeps a tamper-evident journal: verifyJournal finds the first altered entry', async () => {
    const year = new Date().getFullYear();
    const verify = `query($org: ID!, $year: Int!) { verifyJournal(organizationId: $org, year: $year) { intact entries firstBrokenSequence problem } }`;
    const headers = as(IDENTITIES.supervisor('org-adgs', 'sup-1'));
    const before = (await gql(svc.url, verify, { org: ORG, year }, headers)).data.verifyJournal;
    expect(before).toMatchObject({ intact: true, firstBrokenSequence: null });
    expect(before.entries).toBeGreaterThanOrEqual(4);

    // Someone with database access quietly re-points entry 2 at another complaint.
    await db.collection('journal_entries').updateOne({ journal: 'incoming', organizationId: ORG, year, sequence: 2 }, { $set: { complaintId: 'forged' } });
    const after = (await gql(svc.url, verify, { org: ORG, year }, headers)).data.verifyJournal;
    expect(after).toMatchObject({ intact: false, firstBrokenSequence: 2, problem: expect.stringMatching(/hash/) });
  });

  it('after a reassignment (R2) the new executor answers (the fold that refuses the replaced one: case.spec.ts)', async () => {
    const id = await assignedComplaint();
    await publishEvents(iso.topic('complaints'), [complaintReassigned(ORG, id, 'exec-1', 'exec-2', new Date(Date.now() + 1_000))]);
    const newExecutor = as(IDENTITIES.executor(ORG, 'exec-2'));
    const byNew = await waitFor('the registry follows the reassignment', async () => {
      const res = await answer(id, newExecutor);
      return res.errors?.[0]?.extensions?.code === 'FORBIDDEN' ? undefined : res;
    });
    expect(byNew.errors).toBeUndefined();
    expect(await caseOf(id)).toMatchObject({ status: 'ANSWERED', reply: { kind: 'ANSWER' } });
    const replaced = await answer(id, EXEC);
    expect(replaced.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
  });

  it('R2: once the holder knows of the reassignment the replaced executor is FORBIDDEN and the new one answers (issue 15)', async () => {
    const id = await assignedComplaint();
    await publishEvents(iso.topic('complaints'), [complaintReassigned(ORG, id, 'exec-1', 'exec-2', new Date(Date.now() + 1_000))]);
    // The same projection registry reads, on its real store.
    const holders = new ComplaintAccess(db);
    await waitFor('the holder follows the reassignment', async () => ((await holders.holder(id))?.currentExecutorOfficialId === 'exec-2' ? true : undefined));
    const replaced = await answer(id, EXEC);
    expect(replaced.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(replaced.errors?.[0]?.message).toMatch(/only the appointed executor of the body that holds it/);
    const byNew = await answer(id, as(IDENTITIES.executor(ORG, 'exec-2')));
    expect(byNew.errors).toBeUndefined();
  });

  it('R18: after a forwarding the first body’s executor may not answer; the receiving body’s executor answers in its own outgoing journal (issue 15)', async () => {
    const id = await assignedComplaint();
    await publishEvents(iso.topic('complaints'), [complaintForwarded(ORG, ORG2, id, new Date(Date.now() + 1_000), '2026-11-30')]);
    // The receiving body's head may read it (it holds it now); the first body keeps read access.
    const head2 = as(IDENTITIES.head(ORG2, 'head-2'));
    await waitFor('the receiving body may read it', async () => ((await gql(svc.url, CASE, { representations: [{ __typename: 'Complaint', id }] }, head2)).errors ? undefined : true));
    expect((await gql(svc.url, CASE, { representations: [{ __typename: 'Complaint', id }] }, EXEC)).errors).toBeUndefined();
    expect(await new ComplaintAccess(db).holder(id)).toMatchObject({ currentOrganizationId: ORG2, currentExecutorOfficialId: null, organizationIds: [ORG, ORG2] });

    const first = await answer(id, EXEC);
    expect(first.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(first.errors?.[0]?.message).toMatch(/no executor is appointed/);
    const exec9 = as(IDENTITIES.executor(ORG2, 'exec-9'));
    expect((await answer(id, exec9)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    await publishEvents(iso.topic('complaints'), [complaintAssigned(ORG2, id, 'exec-9', new Date(Date.now() + 2_000))]);
    const ok = await waitFor('the receiving body appointed exec-9', async () => {
      const res = await answer(id, exec9);
      return res.errors?.[0]?.extensions?.code === 'FORBIDDEN' ? undefined : res;
    });
    expect(ok.errors).toBeUndefined();
    const year = new Date().getFullYear();
    // The first outgoing number of the receiving body (R9, R18), not the next of the first body's journal.
    expect(ok.data.answerComplaint.reply.outgoingNumber).toBe(`REPMIN-${year}-OUT-00001`);
    expect((await answer(id, EXEC)).errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
  });

  const LINKED = 'id status registration { organizationId incomingNumber registeredOn forwardedFrom { organizationId reason registration { organizationId incomingNumber registeredOn } } } registrations { organizationId incomingNumber }';
  const JOURNAL = `query($org: ID!, $year: Int!) { registrationJournal(organizationId: $org, year: $year, first: 500) { entries { complaint { id } registration { organizationId incomingNumber forwardedFrom { organizationId registration { incomingNumber } } } } } }`;
  const linkedCase = async (id: string) => (await gql(svc.url, entitiesQuery('Complaint', LINKED), { representations: [{ __typename: 'Complaint', id }] }, SUPERVISOR)).data?._entities?.[0];
  const journalOf = async (org: string, id: string) => {
    const res = await gql(svc.url, JOURNAL, { org, year: new Date().getFullYear() }, as(IDENTITIES.head(org, `head-${org}`)));
    expect(res.errors).toBeUndefined();
    return res.data.registrationJournal.entries.filter((e: { complaint: { id: string } }) => e.complaint.id === id);
  };

  it('R7 + R18: a forwarded complaint is registered in the receiving body’s incoming journal with its own number and date, linked to the first registration, which stays in the first body’s journal (issue 15)', async () => {
    const id = await assignedComplaint();
    const first = (await linkedCase(id)).registration;
    const forwarded = complaintForwarded(ORG, ORG3, id, new Date(Date.now() + 1_000), first.registeredOn);
    await publishEvents(iso.topic('complaints'), [forwarded]);
    const c = await waitFor('registered at the receiving body', async () => {
      const now = await linkedCase(id);
      return now?.registration?.organizationId === ORG3 ? now : undefined;
    });
    const year = new Date().getFullYear();
    // Its own number: the first of the receiving body's journal (R7), dated the day it registered it.
    expect(c.registration).toMatchObject({
      incomingNumber: `REPAKM-${year}-00001`,
      forwardedFrom: { organizationId: ORG, reason: 'вне компетенции', registration: { organizationId: ORG, incomingNumber: first.incomingNumber, registeredOn: first.registeredOn } },
    });
    expect(c.registrations).toEqual([
      { organizationId: ORG, incomingNumber: first.incomingNumber },
      { organizationId: ORG3, incomingNumber: `REPAKM-${year}-00001` },
    ]);
    // Each body's journal lists the complaint with its own entry: the first one is a record, never rewritten.
    expect(await journalOf(ORG3, id)).toEqual([{ complaint: { id }, registration: { organizationId: ORG3, incomingNumber: `REPAKM-${year}-00001`, forwardedFrom: { organizationId: ORG, registration: { incomingNumber: first.incomingNumber } } } }]);
    expect(await journalOf(ORG, id)).toEqual([{ complaint: { id }, registration: { organizationId: ORG, incomingNumber: first.incomingNumber, forwardedFrom: null } }]);
    // The registration event carries the link for every consumer (deadline: R8 from it; notification: where and why).
    const mine = (seen: ReadEvent[]) => seen.filter((e) => e.subject === id && e.type === 'complaint.registered');
    const events = mine(await readTopicUntil(iso.topic('complaints'), (seen) => mine(seen).length >= 2));
    expect(events.map((e) => (e.data as { organizationId: string }).organizationId)).toEqual([ORG, ORG3]);
    expect(events[1]).toMatchObject({ causationId: forwarded.id, data: { forwardedFrom: { organizationId: ORG, registration: { incomingNumber: first.incomingNumber } } } });
    // A redelivered forwarding registers nothing more.
    await publishEvents(iso.topic('complaints'), [forwarded]);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await db.collection('journal_entries').countDocuments({ organizationId: ORG3 })).toBe(1);
    expect(await db.collection('event_log').countDocuments({ aggregateId: id, type: 'complaint.registered' })).toBe(2);
  });

  it('R7 + R18: a receiving body that registers by hand waits for its own registry office; the first body may not register it again', async () => {
    const head4 = as(IDENTITIES.head(ORG4, 'head-4'));
    const policy = await gql(svc.url, `mutation { setRegistrationPolicy(organizationId: "${ORG4}", autoRegisterPortal: false, autoRegisterPaper: false) { organizationId } }`, {}, head4);
    expect(policy.errors).toBeUndefined();
    const id = await assignedComplaint();
    const first = (await linkedCase(id)).registration;
    await publishEvents(iso.topic('complaints'), [complaintForwarded(ORG, ORG4, id, new Date(Date.now() + 1_000), first.registeredOn)]);
    await waitFor('the receiving body holds it', async () => ((await gql(svc.url, CASE, { representations: [{ __typename: 'Complaint', id }] }, head4)).errors ? undefined : true));
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await linkedCase(id)).registration.organizationId).toBe(ORG);

    const byFirst = await gql(svc.url, REGISTER, { id }, as(IDENTITIES.operator(ORG, 'op-1')));
    expect(byFirst.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const ok = await gql(svc.url, REGISTER, { id }, as(IDENTITIES.operator(ORG4, 'op-4')));
    expect(ok.errors).toBeUndefined();
    expect(ok.data.registerComplaint.registration.incomingNumber).toBe(`REPMAN-${new Date().getFullYear()}-00001`);
    expect((await linkedCase(id)).registration.forwardedFrom.registration.incomingNumber).toBe(first.incomingNumber);
    const again = await gql(svc.url, REGISTER, { id }, as(IDENTITIES.operator(ORG4, 'op-4')));
    expect(again.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
  });

  it('served all of the above reading and writing by _id alone once ready (architecture.md, key-first)', async () => {
    // Registration, replies, the journal pages and filters, statistics and the audit were among them.
    const db = iso.dbName('registry');
    expect(await commands.readCollections('registry', db)).toEqual(expect.arrayContaining(['event_log', 'journal_entries', 'journal_marks', 'case_event_slots', 'registry_stat_slots', 'registry_stat_moves']));
    // FerretDB answers from an index only a filter that is exactly {_id: <value>}; anything else reads the collection.
    expect(await commands.violations('registry', db)).toBe('none');
  });
});
