import { createEvent, decodeEvent, type DomainEvent } from '@shagym/contracts';
import { loadConfig, OrganizationProjection, organizationProjectionConsumer, startService, type RunningService } from '@shagym/service-kit';
import {
  as,
  complaintRegistered,
  complaintSubmitted,
  entitiesQuery,
  gql,
  IDENTITIES,
  isolatedEnv,
  publishEvents,
  readTopic,
  readTopicUntil,
  SEEDED_OFFICIALS,
  startInProcess,
  waitFor,
  type ReadEvent,
} from '@shagym/testing';
import { loadRoutingConfig, startRouting } from './app';
import { CSV_COLUMNS } from './domain/directory-changes';
import seed from './seed/directory.json';

const head = as(IDENTITIES.head(SEEDED_OFFICIALS.aktauHead.organizationId, SEEDED_OFFICIALS.aktauHead.officialId));
const supervisor = as(IDENTITIES.supervisor(SEEDED_OFFICIALS.adgsMangystauSupervisor.organizationId, SEEDED_OFFICIALS.adgsMangystauSupervisor.officialId));
const ASSIGNMENT = entitiesQuery(
  'Complaint',
  `assignment { executor { id fullName } assignedBy { id } previousExecutor { id } reason }
   assignmentHistory { executor { id } }
   route { organization { id } head { id } rule from { id } }
   forwardings { from { id } to { id } reason forwardedBy { id } }
   suggestedExecutor { id }`,
);

describe('routing against the real Kafka and FerretDB', () => {
  const iso = isolatedEnv('routing');
  let svc: RunningService;
  let other: RunningService;
  let projection: OrganizationProjection;

  const complaint = async (id: string, caller = supervisor) => (await gql(svc.url, ASSIGNMENT, { representations: [{ __typename: 'Complaint', id }] }, caller)).data?._entities?.[0];
  const openAssignments = async (officialId: string) =>
    (await gql(svc.url, `query($id: ID!) { official(id: $id) { openAssignments } }`, { id: officialId })).data?.official?.openAssignments as number;

  beforeAll(async () => {
    await iso.createTopics();
    svc = await startInProcess(iso, 'routing', (env) => startRouting(loadRoutingConfig(env)));
    // Another service's projection of the directory, exactly as intake, registry and deadline keep it.
    other = await startInProcess(iso, 'projection', (env) =>
      startService({
        name: 'deadline',
        config: loadConfig('deadline', env, { PORT: 0 }),
        typeDefs: 'type Query { ok: Boolean }',
        setup: async ({ db }) => {
          projection = new OrganizationProjection(db);
          return { resolvers: { Query: { ok: () => true } }, consumers: [organizationProjectionConsumer('projection-test', projection)], models: [projection.model] };
        },
      }),
    );
  });

  afterAll(async () => {
    await other?.stop();
    await svc?.stop();
    await iso.cleanup();
  });

  it('loads the seeded directory and publishes every organization and official for the others to project', async () => {
    const res = await gql(svc.url, `{ organizations(region: "MANGYSTAU", kind: PSC) { id code name(language: KK) head { fullName } autoAssign } }`);
    const pscs = res.data.organizations as Array<{ id: string; name: string; autoAssign: boolean }>;
    expect(pscs.map((o) => o.id)).toEqual(expect.arrayContaining(['org-psc-aktau', 'org-psc-zhanaozen', 'org-psc-beineu']));
    expect(pscs.find((o) => o.id === 'org-psc-aktau')).toMatchObject({ name: 'Ақтау қаласының халыққа қызмет көрсету орталығы', autoAssign: true });
    // Without the argument, the schema's default language (RU) applies.
    const byDefault = await gql(svc.url, `{ organization(id: "org-psc-aktau") { name head { position } } }`);
    expect(byDefault.data.organization).toEqual({ name: 'Центр обслуживания населения города Актау', head: { position: 'Руководитель ЦОН' } });
    const expected = seed.organizations.length * 2 + seed.officials.length;
    const decoded = (await readTopic(iso.topic('directory'), expected)).map((m) => decodeEvent(m.value)).flatMap((d) => (d.ok ? [d.event] : []));
    expect(new Set(decoded.filter((e) => e.type === 'organization.upserted').map((e) => e.subject))).toEqual(new Set(seed.organizations.map((o) => o.id)));
    expect(decoded.filter((e) => e.type === 'official.upserted')).toHaveLength(seed.officials.length);
  });

  it('answers directory queries: by service and name (ru/kk), one organization with its officials, the appeal contacts of a region', async () => {
    const bySearch = await gql(svc.url, `{ organizations(search: "жаңаөзен") { id } byService: organizations(region: "MANGYSTAU", service: "pension-assignment", kind: SERVICE_PROVIDER) { id } }`);
    expect(bySearch.data.organizations).toEqual([{ id: 'org-psc-zhanaozen' }]);
    expect(bySearch.data.byService).toEqual([{ id: 'org-gk-pdg-mangystau' }, { id: 'org-mtszn-mangystau' }]);
    const one = await gql(svc.url, `{ organization(id: "org-psc-aktau") { officials { id roles active } services { code name(language: EN) } parent { id } regionName(language: KK) } }`);
    expect(one.data.organization.officials).toEqual(expect.arrayContaining([{ id: 'off-aktau-exec-3', roles: ['EXECUTOR'], active: false }]));
    expect(one.data.organization.parent).toEqual({ id: 'org-gk-pdg-mangystau' });
    expect(one.data.organization.regionName).toBe('Маңғыстау облысы');
    const contacts = await gql(svc.url, `{ appealContacts(region: "MANGYSTAU") {
      region { name(language: EN) } contactCenters { phone name(language: KK) }
      akimatDepartments { phones postalAddress } authorizedBodies { id } } }`);
    expect(contacts.data.appealContacts).toEqual({
      region: { name: 'Mangystau Region' },
      contactCenters: [{ phone: '1414', name: 'Бірыңғай байланыс орталығы' }],
      akimatDepartments: [{ phones: ['8-(7292) 312863'], postalAddress: 'Актау, 14 микрорайон, здание 1' }],
      authorizedBodies: [{ id: 'org-adgs-mangystau' }],
    });
  });

  it('routes a registered complaint to the PSC’s head (R2, R6) and auto-assigns the least-loaded active executor, exactly once', async () => {
    const registered = complaintRegistered('org-psc-aktau');
    await publishEvents(iso.topic('complaints'), [registered, registered]);
    const c = await waitFor('assignment', async () => (await complaint(registered.subject))?.assignment && complaint(registered.subject));
    expect(c.route).toEqual({ organization: { id: 'org-psc-aktau' }, head: { id: 'off-aktau-head' }, rule: 'R6', from: null });
    expect(c.assignment).toMatchObject({ executor: { id: 'off-aktau-exec-1', fullName: 'Бекмурзаев Тимур Асланович' }, assignedBy: { id: 'off-aktau-head' } });
    const events = (await readTopic(iso.topic('complaints'), 4, 5_000))
      .map((m) => decodeEvent(m.value))
      .flatMap((d) => (d.ok ? [d.event as DomainEvent] : []))
      .filter((e) => e.subject === registered.subject && e.source === 'routing');
    expect(events.map((e) => e.type)).toEqual(['complaint.routed', 'complaint.assigned']);
    expect(events.every((e) => e.causationId === registered.id && e.correlationId === registered.correlationId)).toBe(true);
    // Workload counts from routing's own event, read back from Kafka: the next one goes to exec-2.
    await waitFor('workload of exec-1', async () => (await openAssignments('off-aktau-exec-1')) === 1);
    const next = complaintRegistered('org-psc-aktau');
    await publishEvents(iso.topic('complaints'), [next]);
    const c2 = await waitFor('second assignment', async () => (await complaint(next.subject))?.assignment);
    expect(c2.executor.id).toBe('off-aktau-exec-2');
  });

  it('spreads a burst of registrations over the active executors by open workload, counting every one (insert-only facts)', async () => {
    const burst = Array.from({ length: 8 }, (_, i) => complaintRegistered('org-psc-zhanaozen', undefined, new Date('2026-11-30T05:00:00.000Z'), i + 1));
    await publishEvents(iso.topic('complaints'), burst);
    const executors = await waitFor('all assigned', async () => {
      const all = await Promise.all(burst.map(async (r) => (await complaint(r.subject))?.assignment?.executor?.id as string | undefined));
      return all.every(Boolean) ? (all as string[]) : undefined;
    });
    const per = (id: string) => executors.filter((e) => e === id).length;
    expect([per('off-zhanaozen-exec-1'), per('off-zhanaozen-exec-2')]).toEqual([4, 4]);
    // The counts hold once the events came back through Kafka too (the same facts, stored once).
    await waitFor('workload settles', async () => {
      const res = await gql(svc.url, `{ organization(id: "org-psc-zhanaozen") { executors { id openAssignments } } }`);
      const list = res.data.organization.executors as Array<{ id: string; openAssignments: number }>;
      return list.length === 2 && list.every((e) => e.openAssignments === 4);
    });
  });

  it('assignExecutor: the head reassigns keeping the history; others are refused; the reply closes the workload', async () => {
    const registered = complaintRegistered('org-psc-aktau');
    await publishEvents(iso.topic('complaints'), [registered]);
    const first = await waitFor('assignment', async () => (await complaint(registered.subject))?.assignment);
    const target = first.executor.id === 'off-aktau-exec-1' ? 'off-aktau-exec-2' : 'off-aktau-exec-1';
    const ASSIGN = `mutation($c: ID!, $e: ID!, $r: String) { assignExecutor(complaintId: $c, executorId: $e, reason: $r) { executor { id } previousExecutor { id } } }`;

    const anonymous = await gql(svc.url, ASSIGN, { c: registered.subject, e: target });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const otherHead = await gql(svc.url, ASSIGN, { c: registered.subject, e: target }, as(IDENTITIES.head('org-psc-zhanaozen', 'off-zhanaozen-head')));
    expect(otherHead.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_HEAD_OF_ORGANIZATION' });
    const foreign = await gql(svc.url, ASSIGN, { c: registered.subject, e: 'off-zhanaozen-exec-1' }, head);
    expect(foreign.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'executorId', reason: 'EXECUTOR_OF_ANOTHER_ORGANIZATION' });
    const absent = await gql(svc.url, ASSIGN, { c: registered.subject, e: 'off-aktau-exec-3' }, head);
    expect(absent.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'EXECUTOR_ABSENT' });

    const before = await openAssignments(target);
    const ok = await gql(svc.url, ASSIGN, { c: registered.subject, e: target, r: 'Специализация по услуге' }, head);
    expect(ok.errors).toBeUndefined();
    expect(ok.data.assignExecutor).toEqual({ executor: { id: target }, previousExecutor: { id: first.executor.id } });
    const after = await complaint(registered.subject);
    expect(after.assignmentHistory.map((a: { executor: { id: string } }) => a.executor.id)).toEqual([first.executor.id, target]);
    expect(after.assignment.reason).toBe('Специализация по услуге');
    await waitFor('reassignment counted', async () => (await openAssignments(target)) === before + 1);

    const answered = createEvent({
      type: 'complaint.answered',
      source: 'registry',
      subject: registered.subject,
      correlationId: registered.correlationId,
      data: {
        complaintId: registered.subject, organizationId: 'org-psc-aktau', outgoingNumber: 'PSCAKT-OUT-1', answeredAt: new Date().toISOString(),
        answeredOn: '2026-12-01', executorOfficialId: target, decision: 'SATISFIED', reasoning: 'Документы приняты', delivery: 'PORTAL',
      } as never,
    });
    await publishEvents(iso.topic('complaints'), [answered]);
    await waitFor('reply closes the assignment', async () => (await openAssignments(target)) === before);
    const closed = await gql(svc.url, ASSIGN, { c: registered.subject, e: first.executor.id }, head);
    expect(closed.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'COMPLAINT_CLOSED' });
  });

  it('forwards a complaint outside the PSC’s competence (R18) to the competent body, keeping its history and the link', async () => {
    const registered = complaintRegistered('org-psc-aktau');
    await publishEvents(iso.topic('complaints'), [registered]);
    const first = await waitFor('assignment', async () => (await complaint(registered.subject))?.assignment);
    const FORWARD = `mutation($c: ID!, $to: ID!, $r: String!) { forwardComplaint(complaintId: $c, toOrganizationId: $to, reason: $r) { organization { id } head { id } rule from { id } } }`;
    const reason = 'Выдача удостоверений личности — компетенция Департамента полиции';
    const res = await gql(svc.url, FORWARD, { c: registered.subject, to: 'org-dp-mangystau', r: reason }, head);
    expect(res.errors).toBeUndefined();
    expect(res.data.forwardComplaint).toEqual({ organization: { id: 'org-dp-mangystau' }, head: { id: 'off-dpmng-head' }, rule: 'R18', from: { id: 'org-psc-aktau' } });
    const c = await complaint(registered.subject);
    expect(c.forwardings).toEqual([{ from: { id: 'org-psc-aktau' }, to: { id: 'org-dp-mangystau' }, reason, forwardedBy: { id: 'off-aktau-head' } }]);
    expect(c.assignment).toBeNull(); // the police department's head appoints (no auto-assignment there)
    expect(c.assignmentHistory.map((a: { executor: { id: string } }) => a.executor.id)).toEqual([first.executor.id]);
    expect(c.suggestedExecutor.id).toMatch(/^off-dpmng-exec-/);
    const dpHead = as(IDENTITIES.head('org-dp-mangystau', 'off-dpmng-head'));
    // The body it was forwarded to may see it; a citizen who did not file it may not.
    expect((await complaint(registered.subject, dpHead)).route.organization).toEqual({ id: 'org-dp-mangystau' });
    const stranger = await gql(svc.url, ASSIGNMENT, { representations: [{ __typename: 'Complaint', id: registered.subject }] }, as(IDENTITIES.citizen('900101300017')));
    expect(stranger.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const assigned = await gql(svc.url, `mutation($c: ID!) { assignExecutor(complaintId: $c, executorId: "off-dpmng-exec-1") { organization { id } } }`, { c: registered.subject }, dpHead);
    expect(assigned.data.assignExecutor).toEqual({ organization: { id: 'org-dp-mangystau' } });
    const oldHead = await gql(svc.url, `mutation($c: ID!) { assignExecutor(complaintId: $c, executorId: "off-aktau-exec-1") { executor { id } } }`, { c: registered.subject }, head);
    expect(oldHead.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('R18: the head records a complaint outside the competence (the forwarding term starts); others are refused; forwarding clears it', async () => {
    const registered = complaintRegistered('org-psc-aktau');
    await publishEvents(iso.topic('complaints'), [registered]);
    await waitFor('assignment', async () => (await complaint(registered.subject))?.assignment);
    const DECLARE = `mutation($c: ID!, $r: String!, $to: ID) { declareOutsideCompetence(complaintId: $c, reason: $r, competentOrganizationId: $to) {
      organization { id } reason competentOrganization { id } declaredBy { id } declaredAt } }`;
    const reason = 'Выдача удостоверений личности — компетенция Департамента полиции';
    const vars = { c: registered.subject, r: reason, to: 'org-dp-mangystau' };

    const executor = await gql(svc.url, DECLARE, vars, as(IDENTITIES.executor('org-psc-aktau', 'off-aktau-exec-1')));
    expect(executor.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_HEAD_OF_ORGANIZATION' });
    const blank = await gql(svc.url, DECLARE, { ...vars, r: '   ' }, head);
    expect(blank.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    const unknown = await gql(svc.url, DECLARE, { ...vars, to: 'org-nowhere' }, head);
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'competentOrganizationId', reason: 'ORGANIZATION_NOT_FOUND' });

    const ok = await gql(svc.url, DECLARE, vars, head);
    expect(ok.errors).toBeUndefined();
    expect(ok.data.declareOutsideCompetence).toMatchObject({ organization: { id: 'org-psc-aktau' }, reason, competentOrganization: { id: 'org-dp-mangystau' }, declaredBy: { id: 'off-aktau-head' } });
    const twice = await gql(svc.url, DECLARE, vars, head);
    expect(twice.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_OUTSIDE_COMPETENCE' });
    const OUTSIDE = entitiesQuery('Complaint', 'outsideCompetence { organization { id } reason }');
    const outside = async () => (await gql(svc.url, OUTSIDE, { representations: [{ __typename: 'Complaint', id: registered.subject }] }, supervisor)).data?._entities?.[0]?.outsideCompetence;
    expect(await outside()).toEqual({ organization: { id: 'org-psc-aktau' }, reason });

    const isDeclared = (e: ReadEvent) => e.subject === registered.subject && e.type === 'complaint.outside-competence';
    const published = (await readTopicUntil(iso.topic('complaints'), (all) => all.some(isDeclared))).filter(isDeclared);
    expect(published.map((e) => e.data)).toEqual([
      expect.objectContaining({ organizationId: 'org-psc-aktau', reason, competentOrganizationId: 'org-dp-mangystau', receivedOn: registered.data.registeredOn }),
    ]);

    const FORWARD = `mutation($c: ID!, $to: ID!, $r: String!) { forwardComplaint(complaintId: $c, toOrganizationId: $to, reason: $r) { organization { id } } }`;
    expect((await gql(svc.url, FORWARD, { c: registered.subject, to: 'org-dp-mangystau', r: reason }, head)).errors).toBeUndefined();
    expect(await outside()).toBeNull();
  });

  it('sends an escalation to the authorized body’s department for the complainant’s region (R12)', async () => {
    const submitted = complaintSubmitted('org-adgs');
    const registered = complaintRegistered('org-adgs', submitted.subject);
    await publishEvents(iso.topic('complaints'), [submitted, registered]);
    const complainant = as(IDENTITIES.citizen(submitted.data.complainant.kind === 'INDIVIDUAL' ? submitted.data.complainant.iin : ''));
    // The complainant sees where the complaint went (routing knows them from complaint.submitted).
    const c = await waitFor('route', async () => (await complaint(registered.subject, complainant))?.route);
    expect(c).toEqual({ organization: { id: 'org-adgs-mangystau' }, head: { id: 'off-adgs-head' }, rule: 'R12', from: { id: 'org-adgs' } });
  });

  it('directory changes need a supervisor, and reach another service’s projection over Kafka', async () => {
    await waitFor('projection has the seed', async () => (await projection.find('org-psc-zhanaozen')) !== null);
    const RENAME = `mutation($input: OrganizationInput!) { upsertOrganization(input: $input) { id name(language: EN) } }`;
    const current = seed.organizations.find((o) => o.id === 'org-psc-zhanaozen')!;
    const input = { id: current.id, code: current.code, kind: current.kind, region: current.region, parentId: current.parentId, acceptsComplaints: true, autoAssign: true,
      name: { ...current.name, en: 'Public Service Center of Zhanaozen (renamed)' }, services: current.services, phones: current.phones, postalAddress: current.postalAddress, webResource: current.webResource, workingHours: current.workingHours };
    const asHead = await gql(svc.url, RENAME, { input }, head);
    expect(asHead.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const res = await gql(svc.url, RENAME, { input }, supervisor);
    expect(res.errors).toBeUndefined();
    expect(res.data.upsertOrganization.name).toBe('Public Service Center of Zhanaozen (renamed)');
    const projected = await waitFor('projection renamed', async () => {
      const o = await projection.find('org-psc-zhanaozen');
      return o?.name.en === 'Public Service Center of Zhanaozen (renamed)' ? o : undefined;
    });
    expect(projected).toMatchObject({ code: 'PSCZHO', kind: 'PSC', region: 'MANGYSTAU' });

    const bad = await gql(svc.url, RENAME, { input: { ...input, region: 'ATLANTIS' } }, supervisor);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.region' });

    const away = await gql(svc.url, `mutation { setOfficialAbsence(officialId: "off-zhanaozen-exec-1", absent: true, until: "2026-12-20") { active absentUntil } }`, {}, supervisor);
    expect(away.data.setOfficialAbsence).toEqual({ active: false, absentUntil: '2026-12-20' });
    const officialEvents = await waitFor('both official events on the topic', async () => {
      const events = (await readTopic(iso.topic('directory'), Number.MAX_SAFE_INTEGER, 2_000))
        .map((m) => decodeEvent(m.value))
        .flatMap((d) => (d.ok && d.event.type === 'official.upserted' && d.event.subject === 'off-zhanaozen-exec-1' ? [d.event as DomainEvent<'official.upserted'>] : []));
      return events.length >= 2 ? events : undefined;
    });
    expect(officialEvents.map((e) => e.data.active)).toEqual([true, false]);
  });

  it('imports a directory file: a dry run reports the changes, a malformed file its lines, and nothing is half-applied', async () => {
    const IMPORT = `mutation($f: DirectoryImportFormat!, $c: String!, $d: Boolean!) { importDirectory(format: $f, content: $c, dryRun: $d) {
      dryRun applied created updated unchanged changes { entity id change fields line } problems { line field message } } }`;
    const header = CSV_COLUMNS.join(',');
    const cell = (v: Partial<Record<(typeof CSV_COLUMNS)[number], string>>) => CSV_COLUMNS.map((c) => v[c] ?? '').join(',');
    const newPsc = cell({ type: 'ORGANIZATION', id: 'org-psc-aktau-2', code: 'PSCAKT2', kind: 'PSC', region: 'MANGYSTAU', parent_id: 'org-gk-pdg-mangystau',
      name_ru: 'ЦОН №2 города Актау', name_kk: 'Ақтау қаласының №2 ХҚКО', name_en: 'Public Service Center No. 2 of Aktau', accepts_complaints: 'true' });
    const moved = cell({ type: 'OFFICIAL', id: 'off-aktau-exec-2', organization_id: 'org-psc-aktau-2', full_name: 'Жаксылыкова Мадина Асылбековна',
      position_ru: 'Менеджер', position_kk: 'Менеджер', position_en: 'Manager', roles: 'EXECUTOR' });
    const dry = await gql(svc.url, IMPORT, { f: 'CSV', c: [header, newPsc, moved].join('\n'), d: true }, supervisor);
    expect(dry.errors).toBeUndefined();
    expect(dry.data.importDirectory).toMatchObject({ dryRun: true, applied: false, created: 1, updated: 1, problems: [] });
    expect(dry.data.importDirectory.changes).toEqual([
      { entity: 'ORGANIZATION', id: 'org-psc-aktau-2', change: 'CREATE', fields: expect.arrayContaining(['code', 'name']), line: 2 },
      { entity: 'OFFICIAL', id: 'off-aktau-exec-2', change: 'UPDATE', fields: ['organizationId', 'services'], line: 3 },
    ]);
    expect((await gql(svc.url, `{ organization(id: "org-psc-aktau-2") { id } }`)).data.organization).toBeNull();

    const broken = [header, newPsc, cell({ type: 'OFFICIAL', id: 'off-x', organization_id: 'org-nowhere', full_name: 'X', position_ru: 'a', position_kk: 'b', position_en: 'c', roles: 'EXECUTOR' }), 'OFFICIAL,"unclosed'].join('\n');
    const bad = await gql(svc.url, IMPORT, { f: 'CSV', c: broken, d: false }, supervisor);
    expect(bad.data.importDirectory).toMatchObject({ applied: false, changes: [] });
    expect(bad.data.importDirectory.problems.map((p: { line: number }) => p.line)).toEqual(expect.arrayContaining([3, 4]));
    expect((await gql(svc.url, `{ organization(id: "org-psc-aktau-2") { id } }`)).data.organization).toBeNull();

    const json = await gql(svc.url, IMPORT, { f: 'JSON', c: '{"organizations": [', d: true }, supervisor);
    expect(json.data.importDirectory.problems[0].message).toMatch(/not valid JSON/);
    const notSupervisor = await gql(svc.url, IMPORT, { f: 'CSV', c: header, d: true }, head);
    expect(notSupervisor.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
