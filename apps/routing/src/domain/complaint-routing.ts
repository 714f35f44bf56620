import type { DomainEvent } from '@shagym/contracts';
import type { RoutingRule } from './routing-rules';

/** The complaint as routing knows it: an id (the entity's key). */
export interface ComplaintRef {
  id: string;
}

/** R2: who examines the complaint, and who appointed them; the history keeps every one. */
export interface Assignment {
  executorId: string;
  assignedById: string;
  assignedAt: string;
  organizationId: string;
  reason?: string;
  /** The executor this one replaced (a reassignment). */
  previousExecutorId?: string;
}

export interface RoutingStep {
  organizationId: string;
  headId: string;
  rule: RoutingRule;
  fromOrganizationId?: string;
  routedAt: string;
}

/** R18: a forwarding to the competent body, with the reason the complainant reads. */
export interface Forwarding {
  fromOrganizationId: string;
  toOrganizationId: string;
  reason: string;
  forwardedById: string;
  forwardedAt: string;
}

/** R18: the head found the complaint outside the body's competence; it must be forwarded within 3 working days of receipt. */
export interface OutsideCompetence {
  organizationId: string;
  reason: string;
  competentOrganizationId?: string;
  declaredById: string;
  declaredAt: string;
}

/** The routing history of one complaint, folded from routing's own events (its event log). */
export interface ComplaintRouting {
  complaintId: string;
  /** Where the complaint is now (the last routing step). */
  current: RoutingStep | null;
  /** The executor now, in the current organization; null before assignment or after forwarding. */
  assignment: Assignment | null;
  routes: RoutingStep[];
  assignments: Assignment[];
  forwardings: Forwarding[];
  /** Set while the current body holds a complaint it found outside its competence (until forwarded). */
  outsideCompetence: OutsideCompetence | null;
  /** The number of routing's events for this complaint (the aggregate version in its log). */
  version: number;
}

export type RoutingEvent = DomainEvent<'complaint.routed' | 'complaint.assigned' | 'complaint.reassigned' | 'complaint.forwarded' | 'complaint.outside-competence'>;

export const ROUTING_EVENT_TYPES = ['complaint.routed', 'complaint.assigned', 'complaint.reassigned', 'complaint.forwarded', 'complaint.outside-competence'] as const;

export function foldRouting(complaintId: string, events: DomainEvent[]): ComplaintRouting {
  const state: ComplaintRouting = { complaintId, current: null, assignment: null, routes: [], assignments: [], forwardings: [], outsideCompetence: null, version: events.length };
  for (const e of events) {
    switch (e.type) {
      case 'complaint.routed': {
        const d = e.data;
        const step: RoutingStep = {
          organizationId: d.organizationId,
          headId: d.head.officialId,
          rule: d.rule,
          routedAt: d.routedAt,
          ...(d.fromOrganizationId ? { fromOrganizationId: d.fromOrganizationId } : {}),
        };
        state.routes.push(step);
        state.current = step;
        break;
      }
      case 'complaint.assigned': {
        const a = toAssignment(e);
        state.assignments.push(a);
        state.assignment = a;
        // The walking skeleton assigned without routing first: the assignment implies the route.
        if (!state.current || state.current.organizationId !== a.organizationId) {
          state.current = { organizationId: a.organizationId, headId: a.assignedById, rule: 'R2', routedAt: a.assignedAt };
          state.routes.push(state.current);
        }
        break;
      }
      case 'complaint.reassigned': {
        const d = e.data;
        const a: Assignment = {
          executorId: d.executor.officialId,
          assignedById: d.assignedBy.officialId,
          assignedAt: d.assignedAt,
          organizationId: d.organizationId,
          previousExecutorId: d.previousExecutor.officialId,
          ...(d.reason ? { reason: d.reason } : {}),
        };
        state.assignments.push(a);
        state.assignment = a;
        break;
      }
      case 'complaint.forwarded': {
        const d = e.data;
        state.forwardings.push({
          fromOrganizationId: d.fromOrganizationId,
          toOrganizationId: d.toOrganizationId,
          reason: d.reason,
          forwardedById: d.forwardedBy.officialId,
          forwardedAt: d.forwardedAt,
        });
        state.assignment = null;
        state.outsideCompetence = null;
        break;
      }
      case 'complaint.outside-competence': {
        const d = e.data;
        state.outsideCompetence = {
          organizationId: d.organizationId,
          reason: d.reason,
          ...(d.competentOrganizationId ? { competentOrganizationId: d.competentOrganizationId } : {}),
          declaredById: d.declaredBy.officialId,
          declaredAt: d.declaredAt,
        };
        break;
      }
      default:
        break;
    }
  }
  return state;
}

export function toAssignment(event: DomainEvent<'complaint.assigned'>): Assignment {
  return {
    executorId: event.data.executor.officialId,
    assignedById: event.data.assignedBy.officialId,
    assignedAt: event.data.assignedAt,
    organizationId: event.data.organizationId,
  };
}
