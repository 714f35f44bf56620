import { createEvent, type DomainEvent } from '@shagym/contracts';
import { PermanentError } from '@shagym/service-kit';
import { complaintRegisteredAfterForwarding } from '@shagym/testing';
import { GraphQLError } from 'graphql';
import { AssignExecutor, DeclareOutsideCompetence, ForwardComplaint, RouteOnRegistration, type CommandPorts, type ComplaintFacts, type RegistrationPorts } from './assignment';
import { foldRouting } from './complaint-routing';
import type { Official, Organization } from './directory';

const registered = createEvent({
  type: 'complaint.registered',
  id: '6f1c1c43-8a8a-4a57-9c1b-1d8a4b0c2f11',
  source: 'registry',
  subject: 'c-1',
  correlationId: 'corr-1',
  time: new Date('2026-11-30T05:00:00.000Z'),
  data: {
    complaintId: 'c-1',
    organizationId: 'org-1',
    organizationCode: 'ORG',
    incomingNumber: 'ORG-2026-00001',
    year: 2026,
    sequence: 1,
    registeredAt: '2026-11-30T05:00:00.000Z',
    registeredOn: '2026-11-30',
    channel: 'PORTAL',
  },
});

const organization = (id: string, extra: Partial<Organization> = {}): Organization => ({
  id,
  code: id.replace(/[^a-z0-9]/gi, '').toUpperCase(),
  kind: 'SERVICE_PROVIDER',
  name: { ru: id, kk: id, en: id },
  region: 'MANGYSTAU',
  acceptsComplaints: true,
  ...extra,
});

const official = (id: string, roles: Official['roles'], active = true, organizationId = 'org-1', services?: string[]): Official => ({
  id,
  organizationId,
  fullName: `Official ${id}`,
  position: { ru: 'должность', kk: 'лауазым', en: 'position' },
  roles,
  active,
  ...(services ? { services } : {}),
});

/** An in-memory directory and event log standing in for the repositories. */
function world(orgs: Organization[], officials: Official[], load: Record<string, number> = {}) {
  const emitted: DomainEvent[] = [];
  const facts: Record<string, ComplaintFacts> = {};
  const ports: RegistrationPorts & CommandPorts = {
    organization: async (id) => orgs.find((o) => o.id === id) ?? null,
    officialsOf: async (id) => officials.filter((o) => o.organizationId === id),
    official: async (id) => officials.find((o) => o.id === id) ?? null,
    authorizedBodies: async () => orgs.filter((o) => o.kind === 'AUTHORIZED_BODY'),
    complaintFacts: async (id) => facts[id] ?? null,
    openAssignments: async (ids) => new Map(ids.map((id) => [id, load[id] ?? 0])),
    routingOf: async (id) => foldRouting(id, emitted.filter((e) => e.subject === id)),
    isClosed: async () => false,
    emit: async (e) => {
      if (!emitted.some((x) => x.id === e.id)) emitted.push(e);
    },
  };
  return { ports, emitted, facts };
}

const head = official('head', ['HEAD']);
const deputy = official('deputy', ['DEPUTY']);
const exec1 = official('exec-1', ['EXECUTOR']);
const exec2 = official('exec-2', ['EXECUTOR'], true, 'org-1', ['residence-registration']);
const absent = official('exec-absent', ['EXECUTOR'], false);
const registrar = official('registrar', ['REGISTRAR']);
const otherExec = official('other-exec', ['EXECUTOR'], true, 'org-2');
const otherHead = official('other-head', ['HEAD'], true, 'org-2');

async function routed(auto = false, officials = [head, deputy, exec1, exec2, absent, registrar, otherExec, otherHead], load: Record<string, number> = {}) {
  const w = world([organization('org-1', { autoAssign: auto }), organization('org-2')], officials, load);
  await new RouteOnRegistration(w.ports).execute(registered, new Date('2026-11-30T05:00:01Z'));
  return w;
}

const refusal = async (p: Promise<unknown>) => {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(GraphQLError);
  return (err as GraphQLError).extensions;
};

describe('routing after registration (R2)', () => {
  it('routes the complaint to the active head; without auto-assignment the head appoints later', async () => {
    const { emitted } = await routed(false);
    expect(emitted.map((e) => e.type)).toEqual(['complaint.routed']);
    const e = emitted[0] as DomainEvent<'complaint.routed'>;
    expect(e.data).toMatchObject({ organizationId: 'org-1', head: { officialId: 'head' }, rule: 'R2' });
    expect(e.causationId).toBe(registered.id);
  });

  it('routes to the deputy acting for an absent head', async () => {
    const { emitted } = await routed(false, [official('head', ['HEAD'], false), deputy, exec1]);
    expect((emitted[0] as DomainEvent<'complaint.routed'>).data.head.officialId).toBe('deputy');
  });

  it('with auto-assignment, assigns the active executor with the least open workload, the head appointing', async () => {
    const { emitted } = await routed(true, undefined, { 'exec-1': 3, 'exec-2': 1 });
    const assigned = emitted.find((e) => e.type === 'complaint.assigned') as DomainEvent<'complaint.assigned'>;
    expect(assigned.data.executor.officialId).toBe('exec-2');
    expect(assigned.data.assignedBy.officialId).toBe('head');
  });

  it('never suggests an absent executor, even the least loaded', async () => {
    const { emitted } = await routed(true, undefined, { 'exec-1': 1, 'exec-2': 1, 'exec-absent': 0 });
    const assigned = emitted.find((e) => e.type === 'complaint.assigned') as DomainEvent<'complaint.assigned'>;
    expect(assigned.data.executor.officialId).toBe('exec-1');
  });

  it('derives event ids from the registration, so a redelivery appends nothing new', async () => {
    const w = await routed(true);
    await new RouteOnRegistration(w.ports).execute(registered);
    expect(w.emitted).toHaveLength(2);
  });

  it('refuses (dead-letters) when the organization has neither an active head nor a deputy', async () => {
    const w = world([organization('org-1')], [exec1]);
    await expect(new RouteOnRegistration(w.ports).execute(registered)).rejects.toBeInstanceOf(PermanentError);
  });

  it('R12: an escalation to the authorized body goes to its department for the complainant’s region', async () => {
    const adgs = organization('org-1', { kind: 'AUTHORIZED_BODY', region: 'ASTANA' });
    const dept = organization('org-2', { kind: 'AUTHORIZED_BODY', region: 'MANGYSTAU', parentId: 'org-1' });
    const w = world([adgs, dept], [head, otherHead]);
    w.facts['c-1'] = { complainantRegion: 'MANGYSTAU' };
    await new RouteOnRegistration(w.ports).execute(registered);
    expect((w.emitted[0] as DomainEvent<'complaint.routed'>).data).toMatchObject({ organizationId: 'org-2', rule: 'R12', fromOrganizationId: 'org-1', head: { officialId: 'other-head' } });
  });
});

describe('assignExecutor (R2)', () => {
  const asHead = { officialId: 'head', organizationId: 'org-1' };

  it('lets the head appoint an active executor of the organization', async () => {
    const w = await routed(false);
    const a = await new AssignExecutor(w.ports).execute(asHead, { complaintId: 'c-1', executorId: 'exec-1' }, 'corr');
    expect(a).toMatchObject({ executorId: 'exec-1', assignedById: 'head', organizationId: 'org-1' });
    expect(w.emitted.at(-1)!.type).toBe('complaint.assigned');
  });

  it('refuses a head of another organization', async () => {
    const w = await routed(false);
    const ext = await refusal(new AssignExecutor(w.ports).execute({ officialId: 'other-head', organizationId: 'org-2' }, { complaintId: 'c-1', executorId: 'exec-1' }, 'corr'));
    expect(ext).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_HEAD_OF_ORGANIZATION' });
  });

  it('refuses an official of the organization who is not its head (an executor, a registrar)', async () => {
    const w = await routed(false);
    for (const officialId of ['exec-1', 'registrar']) {
      const ext = await refusal(new AssignExecutor(w.ports).execute({ officialId, organizationId: 'org-1' }, { complaintId: 'c-1', executorId: 'exec-2' }, 'corr'));
      expect(ext).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_HEAD_OF_ORGANIZATION' });
    }
  });

  it('refuses a caller who is not an official at all', async () => {
    const w = await routed(false);
    const ext = await refusal(new AssignExecutor(w.ports).execute({}, { complaintId: 'c-1', executorId: 'exec-1' }, 'corr'));
    expect(ext).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_AN_OFFICIAL' });
  });

  it('refuses a deputy while the head is present, and lets the deputy act while the head is absent', async () => {
    const present = await routed(false);
    const ext = await refusal(new AssignExecutor(present.ports).execute({ officialId: 'deputy', organizationId: 'org-1' }, { complaintId: 'c-1', executorId: 'exec-1' }, 'corr'));
    expect(ext).toMatchObject({ reason: 'NOT_HEAD_OF_ORGANIZATION' });
    const away = await routed(false, [official('head', ['HEAD'], false), deputy, exec1]);
    const a = await new AssignExecutor(away.ports).execute({ officialId: 'deputy', organizationId: 'org-1' }, { complaintId: 'c-1', executorId: 'exec-1' }, 'corr');
    expect(a.assignedById).toBe('deputy');
  });

  it('refuses an executor of another organization', async () => {
    const w = await routed(false);
    const ext = await refusal(new AssignExecutor(w.ports).execute(asHead, { complaintId: 'c-1', executorId: 'other-exec' }, 'corr'));
    expect(ext).toMatchObject({ code: 'BAD_USER_INPUT', field: 'executorId', reason: 'EXECUTOR_OF_ANOTHER_ORGANIZATION' });
  });

  it('refuses an absent executor', async () => {
    const w = await routed(false);
    const ext = await refusal(new AssignExecutor(w.ports).execute(asHead, { complaintId: 'c-1', executorId: 'exec-absent' }, 'corr'));
    expect(ext).toMatchObject({ code: 'BAD_USER_INPUT', field: 'executorId', reason: 'EXECUTOR_ABSENT' });
  });

  it('refuses an official without the EXECUTOR role, and an unknown official', async () => {
    const w = await routed(false);
    expect(await refusal(new AssignExecutor(w.ports).execute(asHead, { complaintId: 'c-1', executorId: 'registrar' }, 'corr'))).toMatchObject({ reason: 'NOT_AN_EXECUTOR' });
    expect(await refusal(new AssignExecutor(w.ports).execute(asHead, { complaintId: 'c-1', executorId: 'nobody' }, 'corr'))).toMatchObject({ reason: 'EXECUTOR_NOT_FOUND' });
  });

  it('refuses a complaint that was never routed', async () => {
    const w = world([organization('org-1')], [head, exec1]);
    expect(await refusal(new AssignExecutor(w.ports).execute(asHead, { complaintId: 'c-9', executorId: 'exec-1' }, 'corr'))).toMatchObject({ code: 'NOT_FOUND', reason: 'COMPLAINT_NOT_ROUTED' });
  });

  it('reassignment replaces the executor and keeps the whole history', async () => {
    const w = await routed(true);
    const first = foldRouting('c-1', w.emitted).assignment!;
    const other = first.executorId === 'exec-1' ? 'exec-2' : 'exec-1';
    await new AssignExecutor(w.ports).execute(asHead, { complaintId: 'c-1', executorId: other, reason: 'отпуск' }, 'corr');
    const state = foldRouting('c-1', w.emitted);
    expect(w.emitted.at(-1)).toMatchObject({ type: 'complaint.reassigned', data: { previousExecutor: { officialId: first.executorId }, reason: 'отпуск' } });
    expect(state.assignments.map((a) => a.executorId)).toEqual([first.executorId, other]);
    expect(state.assignment).toMatchObject({ executorId: other, previousExecutorId: first.executorId });
  });

  it('assigning the current executor again appends nothing', async () => {
    const w = await routed(false);
    const assign = new AssignExecutor(w.ports);
    await assign.execute(asHead, { complaintId: 'c-1', executorId: 'exec-1' }, 'corr');
    await assign.execute(asHead, { complaintId: 'c-1', executorId: 'exec-1' }, 'corr');
    expect(w.emitted.map((e) => e.type)).toEqual(['complaint.routed', 'complaint.assigned']);
  });
});

describe('forwarding (R18)', () => {
  it('the head forwards to the competent body, which gets it like a new routing; the history stays', async () => {
    const w = await routed(true);
    w.facts['c-1'] = { registeredOn: '2026-11-30' };
    await new ForwardComplaint(w.ports).execute({ officialId: 'head', organizationId: 'org-1' }, { complaintId: 'c-1', toOrganizationId: 'org-2', reason: 'Вопрос относится к компетенции org-2' }, 'corr');
    const state = foldRouting('c-1', w.emitted);
    expect(state.forwardings).toEqual([expect.objectContaining({ fromOrganizationId: 'org-1', toOrganizationId: 'org-2', reason: 'Вопрос относится к компетенции org-2' })]);
    expect(state.current).toMatchObject({ organizationId: 'org-2', rule: 'R18', fromOrganizationId: 'org-1', headId: 'other-head' });
    expect(state.assignment).toBeNull();
    expect(state.routes.map((r) => r.organizationId)).toEqual(['org-1', 'org-2']);
    expect(w.emitted.find((e) => e.type === 'complaint.forwarded')).toMatchObject({ data: { receivedOn: '2026-11-30' } });
  });

  it('R18, R7: the receiving body’s own registration of a forwarded complaint routes nothing again (its head has it from the forwarding)', async () => {
    const w = await routed(true);
    w.facts['c-1'] = { registeredOn: '2026-11-30' };
    await new ForwardComplaint(w.ports).execute({ officialId: 'head', organizationId: 'org-1' }, { complaintId: 'c-1', toOrganizationId: 'org-2', reason: 'Вопрос относится к компетенции org-2' }, 'corr');
    const forwarded = w.emitted.find((e) => e.type === 'complaint.forwarded') as DomainEvent<'complaint.forwarded'>;
    const before = w.emitted.length;
    const received = complaintRegisteredAfterForwarding(forwarded, new Date('2026-12-01T05:00:00Z'), 1, registered);
    expect(await new RouteOnRegistration(w.ports).execute(received)).toEqual([]);
    expect(w.emitted).toHaveLength(before);
    expect(foldRouting('c-1', w.emitted).current).toMatchObject({ organizationId: 'org-2', rule: 'R18' });
  });

  it('only the head of the body holding the complaint may forward it, and only to another body', async () => {
    const w = await routed(false);
    const forward = new ForwardComplaint(w.ports);
    expect(await refusal(forward.execute({ officialId: 'other-head', organizationId: 'org-2' }, { complaintId: 'c-1', toOrganizationId: 'org-2', reason: 'x' }, 'c'))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refusal(forward.execute({ officialId: 'head', organizationId: 'org-1' }, { complaintId: 'c-1', toOrganizationId: 'org-1', reason: 'x' }, 'c'))).toMatchObject({ reason: 'SAME_ORGANIZATION' });
    expect(await refusal(forward.execute({ officialId: 'head', organizationId: 'org-1' }, { complaintId: 'c-1', toOrganizationId: 'org-2', reason: '  ' }, 'c'))).toMatchObject({ field: 'reason' });
  });

  it('counts the forwarding term at the body a complaint was forwarded to from the day it got there, not from the first registration', async () => {
    const w = await routed(false);
    w.facts['c-1'] = { registeredOn: '2026-11-30' };
    await new DeclareOutsideCompetence(w.ports).execute({ officialId: 'head', organizationId: 'org-1' }, { complaintId: 'c-1', reason: 'не наш вопрос' }, 'c', new Date('2026-12-01T04:00:00Z'));
    // Forwarded on Thursday 3 December at 23:30 Almaty (18:30 UTC): received there that day.
    await new ForwardComplaint(w.ports).execute({ officialId: 'head', organizationId: 'org-1' }, { complaintId: 'c-1', toOrganizationId: 'org-2', reason: 'компетенция org-2' }, 'c', new Date('2026-12-03T18:30:00Z'));
    await new DeclareOutsideCompetence(w.ports).execute({ officialId: 'other-head', organizationId: 'org-2' }, { complaintId: 'c-1', reason: 'и не наш' }, 'c', new Date('2026-12-04T04:00:00Z'));
    const declared = w.emitted.filter((e) => e.type === 'complaint.outside-competence');
    expect(declared.map((e) => [e.data.organizationId, e.data.receivedOn])).toEqual([
      ['org-1', '2026-11-30'],
      ['org-2', '2026-12-03'],
    ]);
    expect(foldRouting('c-1', w.emitted).outsideCompetence).toMatchObject({ organizationId: 'org-2', declaredById: 'other-head' });
  });
});
