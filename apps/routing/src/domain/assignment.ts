import { almatyDate, createEvent, deterministicUuid, type DomainEvent } from '@shagym/contracts';
import { PermanentError } from '@shagym/service-kit';
import { actingHeadOf, mayActAsHead, suggestExecutor, type Official, type Organization } from './directory';
import type { Assignment, ComplaintRouting } from './complaint-routing';
import { refuse } from './refusal';
import { routeComplaint, type RoutingRule } from './routing-rules';

export type { Assignment, ComplaintRef } from './complaint-routing';

type RoutingEmitted = DomainEvent<'complaint.routed' | 'complaint.assigned' | 'complaint.reassigned' | 'complaint.forwarded' | 'complaint.outside-competence'>;

export interface RoutingPorts {
  organization(id: string): Promise<Organization | null>;
  officialsOf(organizationId: string): Promise<Official[]>;
  /** Open assignments (assigned, not yet answered or refused) of the given officials. */
  openAssignments(officialIds: string[]): Promise<Map<string, number>>;
  emit(event: RoutingEmitted): Promise<unknown>;
  /**
   * Counts an automatic assignment in the executor's workload at once (the consumer of the
   * event would count it only when it comes back from Kafka), so that a burst of registrations
   * is spread over the executors. Same fact id as the consumer's: counted once.
   */
  countAssigned?(event: DomainEvent<'complaint.assigned'>): Promise<void>;
  /**
   * Runs the automatic assignment of one organization at a time (consumers handle partitions
   * concurrently; two suggestions made at once would both see the same workload).
   */
  serialize?<T>(key: string, work: () => Promise<T>): Promise<T>;
}

/** What routing learned of a complaint from intake's and registry's events. */
export interface ComplaintFacts {
  addresseeOrganizationId?: string;
  complainantRegion?: string | null;
  complainantIin?: string;
  complainantBin?: string;
  registeredOn?: string;
}

export interface RegistrationPorts extends RoutingPorts {
  authorizedBodies(): Promise<Organization[]>;
  complaintFacts(complaintId: string): Promise<ComplaintFacts | null>;
}

interface Cause {
  id: string;
  correlationId: string;
}

/**
 * Sends the complaint to the (acting) head of `organization` (R2) and, when the organization
 * assigns automatically, to the suggested executor with the head as the one who appointed.
 * Event ids derive from the cause, so a redelivery appends nothing new.
 */
async function routeTo(
  ports: RoutingPorts,
  complaintId: string,
  organization: Organization,
  rule: RoutingRule,
  cause: Cause,
  now: Date,
  fromOrganizationId?: string,
): Promise<RoutingEmitted[]> {
  const officials = await ports.officialsOf(organization.id);
  const head = actingHeadOf(officials);
  if (!head) throw new PermanentError(`organization ${organization.id} has no active head or deputy to route the complaint to (R2)`);
  const base = { source: 'routing' as const, subject: complaintId, correlationId: cause.correlationId, causationId: cause.id, time: now };
  const routed = createEvent({
    ...base,
    type: 'complaint.routed',
    id: deterministicUuid('complaint.routed', cause.id),
    data: {
      complaintId,
      organizationId: organization.id,
      head: { officialId: head.id, fullName: head.fullName },
      rule,
      ...(fromOrganizationId ? { fromOrganizationId } : {}),
      routedAt: now.toISOString(),
    },
  });
  await ports.emit(routed);
  const emitted: RoutingEmitted[] = [routed];
  if (organization.autoAssign) {
    const assign = async () => {
      const load = await ports.openAssignments(officials.map((o) => o.id));
      // With no active executor the head examines the complaint personally (as the walking skeleton did).
      const executor = suggestExecutor(officials, load) ?? head;
      const assigned = createEvent({
        ...base,
        type: 'complaint.assigned',
        id: deterministicUuid('complaint.assigned', cause.id),
        data: {
          complaintId,
          organizationId: organization.id,
          executor: { officialId: executor.id, fullName: executor.fullName, position: executor.position.ru },
          assignedBy: { officialId: head.id, fullName: head.fullName },
          assignedAt: now.toISOString(),
        },
      });
      const result = (await ports.emit(assigned)) as { status?: string } | undefined;
      // Only for a registration (nobody held the complaint before) and only what the log holds.
      if (rule !== 'R18' && result?.status !== 'duplicate') await ports.countAssigned?.(assigned);
      return assigned;
    };
    emitted.push(await (ports.serialize ? ports.serialize(organization.id, assign) : assign()));
  }
  return emitted;
}

/**
 * After registration the complaint goes to the head of the addressed body (R2); a complaint to
 * a PSC to that PSC's head (R6); an escalation to the authorized body's department for the
 * complainant's region (R12). Organizations with auto-assignment also get the executor.
 */
export class RouteOnRegistration {
  constructor(private readonly ports: RegistrationPorts) {}

  async execute(registered: DomainEvent<'complaint.registered'>, now = new Date()): Promise<RoutingEmitted[]> {
    // R18: the receiving body's own registration (R7, registry's second `complaint.registered`)
    // routes nothing — the forwarding already routed the complaint to that body's head (rule
    // R18), who may have appointed an executor meanwhile; routing again would undo that.
    if (registered.data.forwardedFrom) return [];
    const { complaintId, organizationId } = registered.data;
    const addressee = await this.ports.organization(organizationId);
    if (!addressee) throw new PermanentError(`organization ${organizationId} is not in the directory`);
    const facts = await this.ports.complaintFacts(complaintId);
    const decision = routeComplaint({
      addressee,
      complainantRegion: facts?.complainantRegion ?? null,
      authorizedBodies: addressee.kind === 'AUTHORIZED_BODY' ? await this.ports.authorizedBodies() : [],
    });
    const target = decision.organizationId === addressee.id ? addressee : await this.ports.organization(decision.organizationId);
    if (!target) throw new PermanentError(`organization ${decision.organizationId} is not in the directory`);
    return routeTo(this.ports, complaintId, target, decision.rule, registered, now, decision.fromOrganizationId);
  }
}

/** The caller as the gateway identified them. */
export interface Caller {
  officialId?: string;
  organizationId?: string;
}

export interface CommandPorts extends RoutingPorts {
  official(id: string): Promise<Official | null>;
  routingOf(complaintId: string): Promise<ComplaintRouting>;
  /** Whether the complaint was answered (R9) or refused (R17). */
  isClosed(complaintId: string): Promise<boolean>;
}

/** R2: only the head of the organization now examining the complaint (or a deputy acting for them). */
async function requireActingHead(ports: CommandPorts, caller: Caller, organizationId: string): Promise<Official> {
  if (!caller.officialId) throw refuse('FORBIDDEN', 'NOT_AN_OFFICIAL', 'only an official of the directory may do this');
  const official = await ports.official(caller.officialId);
  if (!official || official.organizationId !== organizationId || (caller.organizationId && caller.organizationId !== organizationId)) {
    throw refuse('FORBIDDEN', 'NOT_HEAD_OF_ORGANIZATION', `only the head of ${organizationId} (or a deputy acting for them) may do this (R2)`);
  }
  if (!mayActAsHead(official, await ports.officialsOf(organizationId))) {
    throw refuse('FORBIDDEN', 'NOT_HEAD_OF_ORGANIZATION', `${official.fullName} is not acting as head of ${organizationId} (R2)`);
  }
  return official;
}

async function requireOpenRouting(ports: CommandPorts, complaintId: string): Promise<ComplaintRouting & { current: NonNullable<ComplaintRouting['current']> }> {
  const routing = await ports.routingOf(complaintId);
  if (!routing.current) throw refuse('NOT_FOUND', 'COMPLAINT_NOT_ROUTED', `complaint ${complaintId} has not been routed to any organization`);
  if (await ports.isClosed(complaintId)) throw refuse('CONFLICT', 'COMPLAINT_CLOSED', `complaint ${complaintId} was already answered or refused`);
  return routing as ComplaintRouting & { current: NonNullable<ComplaintRouting['current']> };
}

export interface AssignCommand {
  complaintId: string;
  executorId: string;
  reason?: string | null;
}

/**
 * R2: the head appoints the responsible executor: an active EXECUTOR of the same organization.
 * A new executor replaces the current one as `complaint.reassigned`; the history keeps both.
 */
export class AssignExecutor {
  constructor(private readonly ports: CommandPorts) {}

  async execute(caller: Caller, cmd: AssignCommand, correlationId: string, now = new Date()): Promise<Assignment> {
    const routing = await requireOpenRouting(this.ports, cmd.complaintId);
    const organizationId = routing.current.organizationId;
    const head = await requireActingHead(this.ports, caller, organizationId);
    const executor = await this.ports.official(cmd.executorId);
    if (!executor) throw refuse('BAD_USER_INPUT', 'EXECUTOR_NOT_FOUND', `official ${cmd.executorId} is not in the directory`, 'executorId');
    if (executor.organizationId !== organizationId) {
      throw refuse('BAD_USER_INPUT', 'EXECUTOR_OF_ANOTHER_ORGANIZATION', `${executor.fullName} works in another organization, not ${organizationId}`, 'executorId');
    }
    if (!executor.roles.includes('EXECUTOR')) throw refuse('BAD_USER_INPUT', 'NOT_AN_EXECUTOR', `${executor.fullName} is not an executor`, 'executorId');
    if (!executor.active) throw refuse('BAD_USER_INPUT', 'EXECUTOR_ABSENT', `${executor.fullName} is absent and cannot be assigned`, 'executorId');

    const current = routing.assignment;
    if (current && current.executorId === executor.id) return current;
    const reason = cmd.reason?.trim() || undefined;
    const common = {
      source: 'routing' as const,
      subject: cmd.complaintId,
      correlationId,
      time: now,
    };
    const executorRef = { officialId: executor.id, fullName: executor.fullName, position: executor.position.ru };
    const assignedBy = { officialId: head.id, fullName: head.fullName };
    if (!current) {
      await this.ports.emit(
        createEvent({
          ...common,
          type: 'complaint.assigned',
          data: { complaintId: cmd.complaintId, organizationId, executor: executorRef, assignedBy, assignedAt: now.toISOString() },
        }),
      );
      return { executorId: executor.id, assignedById: head.id, assignedAt: now.toISOString(), organizationId, ...(reason ? { reason } : {}) };
    }
    const previous = await this.ports.official(current.executorId);
    await this.ports.emit(
      createEvent({
        ...common,
        type: 'complaint.reassigned',
        data: {
          complaintId: cmd.complaintId,
          organizationId,
          executor: executorRef,
          previousExecutor: { officialId: current.executorId, fullName: previous?.fullName ?? current.executorId },
          assignedBy,
          assignedAt: now.toISOString(),
          ...(reason ? { reason } : {}),
        },
      }),
    );
    return {
      executorId: executor.id,
      assignedById: head.id,
      assignedAt: now.toISOString(),
      organizationId,
      previousExecutorId: current.executorId,
      ...(reason ? { reason } : {}),
    };
  }
}

/** An act of the acting head on an open complaint with a reason the complainant reads (R18): where it is, who acts, the reason. */
async function headActWithReason(ports: CommandPorts, caller: Caller, cmd: { complaintId: string; reason: string }, whyNeeded: string) {
  const routing = await requireOpenRouting(ports, cmd.complaintId);
  const organizationId = routing.current.organizationId;
  const head = await requireActingHead(ports, caller, organizationId);
  const reason = cmd.reason.trim();
  if (!reason) throw refuse('BAD_USER_INPUT', 'REASON_REQUIRED', whyNeeded, 'reason');
  return { routing, organizationId, head, reason };
}

/**
 * R18 counts from the day the body now holding the complaint received it: the registration
 * day, or the day it was forwarded to this body.
 */
function receivedOn(routing: ComplaintRouting, facts: ComplaintFacts | null): { receivedOn?: string } {
  const current = routing.current;
  if (current?.rule === 'R18') return { receivedOn: almatyDate(new Date(current.routedAt)) };
  return facts?.registeredOn ? { receivedOn: facts.registeredOn } : {};
}

export interface DeclareOutsideCompetenceCommand {
  complaintId: string;
  reason: string;
  competentOrganizationId?: string | null;
}

/** The body a complaint may be sent to (R18): in the directory, another one, reviewing complaints, with a head to receive it. */
async function requireCompetentBody(ports: CommandPorts, organizationId: string, from: string, field: string): Promise<Organization> {
  const target = await ports.organization(organizationId);
  if (!target) throw refuse('BAD_USER_INPUT', 'ORGANIZATION_NOT_FOUND', `organization ${organizationId} is not in the directory`, field);
  if (target.id === from) throw refuse('BAD_USER_INPUT', 'SAME_ORGANIZATION', 'the complaint is already with this organization', field);
  if (!target.acceptsComplaints) throw refuse('BAD_USER_INPUT', 'DOES_NOT_ACCEPT_COMPLAINTS', `${target.name.ru} does not review complaints`, field);
  if (!actingHeadOf(await ports.officialsOf(target.id))) {
    throw refuse('CONFLICT', 'NO_ACTING_HEAD', `${target.name.ru} has no active head or deputy to receive the complaint`, field);
  }
  return target;
}

/**
 * R18 (АППК art. 91 p. 4): the head finds the complaint outside the body's competence. From
 * then on the body's term is the forwarding term — 3 working days from receipt, with its own
 * warnings (the deadline service) — until the complaint is forwarded (ForwardComplaint). The
 * competent body may be named now or at the forwarding.
 */
export class DeclareOutsideCompetence {
  constructor(private readonly ports: CommandPorts & { complaintFacts(complaintId: string): Promise<ComplaintFacts | null> }) {}

  async execute(caller: Caller, cmd: DeclareOutsideCompetenceCommand, correlationId: string, now = new Date()): Promise<DomainEvent<'complaint.outside-competence'>> {
    const { routing, organizationId, head, reason } = await headActWithReason(this.ports, caller, cmd, 'say why the complaint is outside the body’s competence (R18)');
    if (routing.outsideCompetence?.organizationId === organizationId) {
      throw refuse('CONFLICT', 'ALREADY_OUTSIDE_COMPETENCE', `complaint ${cmd.complaintId} was already found outside the competence of ${organizationId}: forward it`, 'complaintId');
    }
    if (cmd.competentOrganizationId) await requireCompetentBody(this.ports, cmd.competentOrganizationId, organizationId, 'competentOrganizationId');
    const declared = createEvent({
      type: 'complaint.outside-competence',
      source: 'routing',
      subject: cmd.complaintId,
      correlationId,
      time: now,
      data: {
        complaintId: cmd.complaintId,
        organizationId,
        reason,
        ...(cmd.competentOrganizationId ? { competentOrganizationId: cmd.competentOrganizationId } : {}),
        declaredBy: { officialId: head.id, fullName: head.fullName },
        declaredAt: now.toISOString(),
        ...receivedOn(routing, await this.ports.complaintFacts(cmd.complaintId)),
      },
    });
    await this.ports.emit(declared);
    return declared;
  }
}

export interface ForwardCommand {
  complaintId: string;
  toOrganizationId: string;
  reason: string;
}

/**
 * R18: the head forwards a complaint outside the body's competence to the competent body,
 * which receives it like a new routing (R2) with the whole history kept and the link shown.
 */
export class ForwardComplaint {
  constructor(private readonly ports: CommandPorts & { complaintFacts(complaintId: string): Promise<ComplaintFacts | null> }) {}

  async execute(caller: Caller, cmd: ForwardCommand, correlationId: string, now = new Date()): Promise<RoutingEmitted[]> {
    const { routing, organizationId: from, head, reason } = await headActWithReason(this.ports, caller, cmd, 'the complainant must be told why the complaint was forwarded (R18)');
    const target = await requireCompetentBody(this.ports, cmd.toOrganizationId, from, 'toOrganizationId');
    const forwarded = createEvent({
      type: 'complaint.forwarded',
      source: 'routing',
      subject: cmd.complaintId,
      correlationId,
      time: now,
      data: {
        complaintId: cmd.complaintId,
        fromOrganizationId: from,
        toOrganizationId: target.id,
        reason,
        forwardedBy: { officialId: head.id, fullName: head.fullName },
        forwardedAt: now.toISOString(),
        ...receivedOn(routing, await this.ports.complaintFacts(cmd.complaintId)),
      },
    });
    await this.ports.emit(forwarded);
    return [forwarded, ...(await routeTo(this.ports, cmd.complaintId, target, 'R18', forwarded, now, from))];
  }
}
