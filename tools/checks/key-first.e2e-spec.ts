import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestIssuer, formatViolations, gql, isolatedEnv, parseCommandLog, portalSubmission, ProcessStack, SEEDED, violations, waitFor, type AllowRule, type TestIssuer } from '@shagym/testing';

/**
 * The key-first guard (issue 13; ../shared/architecture.md, "Reads that do not grow with the
 * data"). The five services run as processes with every MongoDB command recorded
 * (MONGO_COMMAND_LOG, libs/service-kit/src/command-recorder.ts) while the main flows run
 * through the gateway; then no find/count/aggregate/update/delete/findAndModify/distinct
 * sent after start-up may filter on anything but exactly `{_id: <value>}` — the one filter
 * FerretDB answers without reading the whole collection. Each violation is printed with its
 * service, collection, command and filter shape: that is what to make a point read.
 *
 * Do not make this pass by widening the allowlist for a hot path. An entry is for a read
 * that does not grow with the data (a start-up load outside startService's start-up phase,
 * an admin or report job a person runs) and says why.
 */
const ALLOWLIST: AllowRule[] = [
  // (empty on purpose) Commands a service sends before it reports ready — start-up loads such
  // as the relay's scan for unpublished events, migrations, seeding the directory and
  // loading timers — are recorded with phase 'startup' and allowed by the classifier.
  // Add here, with a comment saying why, only an admin or report job, e.g.:
  // { collection: 'organizations', service: 'routing', command: 'find', shape: '{}', reason: 'importDirectory: a SUPERVISOR's bulk import' },
  // The retention job (libs/service-kit/src/retention.ts, DEVELOPERS.md "Retention"): an admin
  // job, hourly and off the hot paths, that streams each pruned collection once with a cursor
  // (`find {}`, projected). Its deletes are `{_id: {$in}}` of at most 500 ids and its other
  // reads point reads, so they need no entry. The stack below runs it within the recording.
  ...['inbox', 'dead_letter_marks', 'deadline_timer_leases', 'delivery_results'].map(
    (collection): AllowRule => ({ collection, command: 'find', shape: '{}', reason: 'retention job: one cursor over the collection per run (admin job)' }),
  ),
];

const SUBMIT = `mutation($input: SubmitComplaintInput!) { submitComplaint(input: $input) { complaint { id } } }`;
/** The citizen's cabinet: a complaint with its registration, assignment, deadline and timeline. */
const CABINET = `query($id: ID!) {
  complaint(id: $id) {
    id subject channel status escalationOf addresseeOrganizationId
    registration { incomingNumber sequence year registeredOn organizationCode }
    assignment { executor { id fullName organization { id code } } }
    route { organization { id } rule from { id } }
    forwardings { from { id } to { id } reason }
    deadline { rule termWorkingDays startsOn dueOn dueAt }
    timeline { type title(language: RU) description(language: KK) }
  }
}`;
const MY_COMPLAINTS = `query { myComplaints(first: 50) { id status registration { incomingNumber } deadline { dueOn } } }`;
const INBOX = `query { myNotifications(first: 50) { id read message { type title(language: EN) } complaint { id } } myUnreadCount }`;
const UNREAD = `query { myUnreadCount }`;
const JOURNAL = `query($org: ID!, $year: Int!) {
  registrationJournal(organizationId: $org, year: $year, first: 50) {
    entries { registration { incomingNumber sequence registeredOn } complaint { id status assignment { executor { id } } deadline { dueOn } } }
    nextCursor
  }
}`;
const JOURNAL_FILTERED = `query($org: ID!, $year: Int!) {
  registrationJournal(organizationId: $org, year: $year, first: 50, filter: { status: ASSIGNED }) { entries { registration { sequence } } nextCursor }
}`;
const STATISTICS = `query($org: ID!, $year: Int!) { registryStatistics(organizationId: $org, year: $year) { received registered answered refused pending overdue } }`;
const OVERDUE = `query($org: ID!) { overdueComplaints(organizationId: $org) { complaint { id } deadline { dueOn } } }`;
const ASSIGN = `mutation($c: ID!, $e: ID!, $r: String) { assignExecutor(complaintId: $c, executorId: $e, reason: $r) { executor { id } } }`;
const DECLARE = `mutation($c: ID!, $r: String!, $to: ID) { declareOutsideCompetence(complaintId: $c, reason: $r, competentOrganizationId: $to) { organization { id } } }`;
const FORWARD = `mutation($c: ID!, $to: ID!, $r: String!) { forwardComplaint(complaintId: $c, toOrganizationId: $to, reason: $r) { organization { id } rule } }`;
const ANSWER = `mutation($input: AnswerComplaintInput!) { answerComplaint(input: $input) { status reply { outgoingNumber } } }`;
const ESCALATE = `mutation($input: EscalateComplaintInput!) { escalateComplaint(input: $input) { complaint { id } } }`;
const MARK_READ = `mutation { markNotificationsRead { marked unreadCount } }`;

type Timeline = Array<{ type: string }>;
const has = (timeline: Timeline | undefined, type: string) => (timeline ?? []).some((e) => e.type === type);

describe('key-first guard: every command on a growing collection is a point read by _id', () => {
  const iso = isolatedEnv('keyfirst');
  const dir = mkdtempSync(join(tmpdir(), 'shagym-commands-'));
  const commandLog = join(dir, 'commands.jsonl');
  const stack = new ProcessStack(iso, undefined, { commandLog });
  let gateway: string;
  let issuer: TestIssuer;
  const year = new Date().getFullYear();

  beforeAll(async () => {
    // The retention job runs during the recorded flows (its first run is otherwise 5 minutes
    // after start), so its commands are checked too. ProcessStack passes process.env on.
    process.env.RETENTION_FIRST_RUN_MS = '500';
    process.env.RETENTION_INTERVAL_MS = '2000';
    issuer = await createTestIssuer();
    ({ gatewayUrl: gateway } = await stack.startAll({ AUTH_JWKS_FILE: issuer.jwksFile }));
  }, 240_000);

  afterAll(async () => {
    await stack.stopAll();
    await iso.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  const ok = async (label: string, url: string, query: string, variables: Record<string, unknown>, headers: Record<string, string>) => {
    const res = await gql(url, query, variables, headers);
    if (res.errors) throw new Error(`${label}: ${JSON.stringify(res.errors)}`);
    return res.data;
  };

  it('runs the main flows through the gateway', async () => {
    const head = await issuer.bearer({ sub: 'off-aktau-head', roles: ['HEAD'], org: SEEDED.pscAktau, off: 'off-aktau-head' });
    const dpHead = await issuer.bearer({ sub: 'off-dpmng-head', roles: ['HEAD'], org: 'org-dp-mangystau', off: 'off-dpmng-head' });
    const supervisor = await issuer.bearer({ sub: 'sup-1', roles: ['SUPERVISOR'], org: 'org-adgs-mangystau', off: 'off-adgs-supervisor' });

    // 1. A citizen submits through the portal → registered → assigned → deadline → timeline.
    const inputA = portalSubmission({ addresseeOrganizationId: SEEDED.pscAktau });
    const iinA = inputA.complainant.individual.iin;
    const citizenA = await issuer.bearer({ sub: `citizen-${iinA}`, roles: ['CITIZEN'], iin: iinA });
    const a = (await ok('submit A', gateway, SUBMIT, { input: inputA }, citizenA)).submitComplaint.complaint.id as string;
    const assignedA = await waitFor('A assigned, due and on the timeline', async () => {
      const c = (await gql(gateway, CABINET, { id: a }, citizenA)).data?.complaint;
      return c?.status === 'ASSIGNED' && c.deadline && has(c.timeline, 'complaint.assigned') && has(c.timeline, 'deadline.set') ? c : undefined;
    }, { timeoutMs: 90_000 });
    expect(assignedA.registration).toMatchObject({ organizationCode: 'PSCAKT', year });

    // A second complaint to the same body, from another citizen: the one the head forwards.
    const inputB = portalSubmission({ addresseeOrganizationId: SEEDED.pscAktau, subject: 'Выдача удостоверения личности' });
    const iinB = inputB.complainant.individual.iin;
    const citizenB = await issuer.bearer({ sub: `citizen-${iinB}`, roles: ['CITIZEN'], iin: iinB });
    const b = (await ok('submit B', gateway, SUBMIT, { input: inputB }, citizenB)).submitComplaint.complaint.id as string;
    await waitFor('B assigned with a deadline', async () => {
      const c = (await gql(gateway, CABINET, { id: b }, citizenB)).data?.complaint;
      return c?.status === 'ASSIGNED' && c.deadline ? c : undefined;
    }, { timeoutMs: 90_000 });

    // 2. The citizen's cabinet: the complaint, my complaints, the inbox and the unread count.
    await ok('cabinet', gateway, CABINET, { id: a }, citizenA);
    const mine = await waitFor('A in myComplaints', async () => {
      const list = (await gql(gateway, MY_COMPLAINTS, {}, citizenA)).data?.myComplaints as Array<{ id: string }> | undefined;
      return list?.some((c) => c.id === a) ? list : undefined;
    });
    expect(mine.map((c) => c.id)).toEqual([a]);
    await waitFor('A in the inbox', async () => {
      const data = (await gql(gateway, INBOX, {}, citizenA)).data;
      return data?.myNotifications?.length && data.myUnreadCount > 0 ? data : undefined;
    });
    await ok('unread', gateway, UNREAD, {}, citizenA);

    // 3. An official's journal page (plain and filtered), statistics, overdue list and own inbox.
    const journal = await waitFor('both in the journal', async () => {
      const entries = (await gql(gateway, JOURNAL, { org: SEEDED.pscAktau, year }, head)).data?.registrationJournal?.entries as Array<{ complaint: { id: string } }> | undefined;
      return entries && [a, b].every((id) => entries.some((e) => e.complaint.id === id)) ? entries : undefined;
    });
    expect(journal.length).toBeGreaterThanOrEqual(2);
    await ok('journal filtered', gateway, JOURNAL_FILTERED, { org: SEEDED.pscAktau, year }, head);
    await ok('statistics', gateway, STATISTICS, { org: SEEDED.pscAktau, year }, head);
    await ok('statistics (supervisor)', gateway, STATISTICS, { org: SEEDED.pscAktau, year }, supervisor);
    await ok('overdue', gateway, OVERDUE, { org: SEEDED.pscAktau }, head);
    await ok('head inbox', gateway, INBOX, {}, head);

    // 4. The head reassigns B to another executor of the PSC (R2) ...
    const assignedB = (await ok('cabinet B', gateway, CABINET, { id: b }, citizenB)).complaint;
    const currentB = assignedB.assignment.executor.id as string;
    const nextB = currentB === 'off-aktau-exec-1' ? 'off-aktau-exec-2' : 'off-aktau-exec-1';
    await ok('reassign', gateway, ASSIGN, { c: b, e: nextB, r: 'Перераспределение нагрузки' }, head);
    await waitFor('B reassigned', async () => {
      const c = (await gql(gateway, CABINET, { id: b }, citizenB)).data?.complaint;
      return c?.assignment?.executor?.id === nextB ? c : undefined;
    });

    // ... and declares B outside the competence, then forwards it to the police department (R18),
    // whose head appoints an executor.
    const reason = 'Выдача удостоверений личности — компетенция Департамента полиции';
    await ok('declare outside competence', gateway, DECLARE, { c: b, r: reason, to: 'org-dp-mangystau' }, head);
    await ok('forward', gateway, FORWARD, { c: b, to: 'org-dp-mangystau', r: reason }, head);
    await waitFor('B at the police department', async () => {
      const c = (await gql(gateway, CABINET, { id: b }, citizenB)).data?.complaint;
      return c?.route?.organization?.id === 'org-dp-mangystau' && c.forwardings?.length ? c : undefined;
    });
    await waitFor('the police head may appoint', async () => !(await gql(gateway, ASSIGN, { c: b, e: 'off-dpmng-exec-1', r: null }, dpHead)).errors);
    await ok('police journal', gateway, JOURNAL, { org: 'org-dp-mangystau', year }, dpHead);

    // 5. The executor of A answers (R9) ...
    const executorId = assignedA.assignment.executor.id as string;
    const executor = await issuer.bearer({ sub: executorId, roles: ['EXECUTOR'], org: SEEDED.pscAktau, off: executorId });
    await ok('executor inbox', gateway, INBOX, {}, executor);
    const answerInput = { complaintId: a, decision: 'NOT_SATISFIED', reasoning: 'Оснований для удовлетворения жалобы не установлено.', delivery: { method: 'PORTAL' } };
    const answered = await waitFor('answered by the executor', async () => {
      const res = await gql(gateway, ANSWER, { input: answerInput }, executor);
      if (res.errors && res.errors[0]?.extensions?.code !== 'FORBIDDEN') throw new Error(`answer: ${JSON.stringify(res.errors)}`);
      return res.errors ? undefined : res.data.answerComplaint;
    });
    expect(answered.status).toBe('ANSWERED');

    // 6. ... and the citizen escalates it to the authorized body (R12, R13).
    const escalated = await waitFor('escalation accepted', async () => {
      const res = await gql(gateway, ESCALATE, { input: { complaintId: a, text: 'Не согласна с ответом ЦОН.', idempotencyKey: `esc-${iso.id}` } }, citizenA);
      return res.errors ? undefined : (res.data.escalateComplaint.complaint.id as string);
    });
    // (The authorized body's department has no automatic assignment: its head appoints.)
    const second = await waitFor('escalation registered and due', async () => {
      const c = (await gql(gateway, CABINET, { id: escalated }, citizenA)).data?.complaint;
      return c?.registration && c.deadline ? c : undefined;
    }, { timeoutMs: 90_000 });
    expect(second).toMatchObject({ escalationOf: a, deadline: { rule: 'R13' } });
    await waitFor('escalation on the first timeline', async () => has((await gql(gateway, CABINET, { id: a }, citizenA)).data?.complaint?.timeline, 'complaint.escalated'));

    // The cabinet once more, as the citizen sees it at the end, and the inbox read.
    await waitFor('both in myComplaints', async () => {
      const list = (await gql(gateway, MY_COMPLAINTS, {}, citizenA)).data?.myComplaints as Array<{ id: string }> | undefined;
      return list && [a, escalated].every((id) => list.some((c) => c.id === id));
    });
    await ok('inbox', gateway, INBOX, {}, citizenA);
    await ok('mark read', gateway, MARK_READ, {}, citizenA);
    await ok('unread after', gateway, UNREAD, {}, citizenA);
    await ok('authorized body journal', gateway, JOURNAL, { org: 'org-adgs-mangystau', year }, supervisor);
  }, 600_000);

  it('sent no command on a growing collection filtered by anything but {_id: <value>}', async () => {
    // A clean stop flushes every service's buffered log (written at exit).
    await stack.stopAll();
    expect(existsSync(commandLog)).toBe(true);
    const { records, malformed } = parseCommandLog(readFileSync(commandLog, 'utf8'));
    expect(malformed).toBe(0);
    // The recording covers every service, in both phases.
    const services = new Set(records.map((r) => r.service));
    expect([...services].sort()).toEqual(['deadline', 'intake', 'notification', 'registry', 'routing']);
    expect(records.some((r) => r.phase === 'running')).toBe(true);
    // The retention job ran within the recording (its cursor over the inbox), so it was checked too.
    expect(records.some((r) => r.phase === 'running' && r.collection === 'inbox' && r.command === 'find')).toBe(true);

    const found = violations(records, ALLOWLIST);
    if (found.length) console.error(formatViolations(found));
    expect(found.length === 0 ? 'none' : formatViolations(found)).toBe('none');
  }, 120_000);
});
