import { GraphQLError } from 'graphql';
import {
  badUserInput,
  ConcurrencyError,
  DateScalar,
  DateTimeScalar,
  forbidden,
  requireIdentity,
  requireRole,
  type ComplaintAccess,
  type Identity,
  type OrganizationProjection,
} from '@shagym/service-kit';
import { checkManualRegistration, type ComplaintCase, type TransitionRefusal } from '../domain/case';
import { verifyChain } from '../domain/journal-chain';
import type { RegisterComplaint } from '../domain/register-complaint';
import type { ReplyOutcome, ReplyToComplaint } from '../domain/reply-to-complaint';
import type { CaseRepository } from '../store/case-repository';
import type { Journal } from '../store/journal';
import type { PolicyRepository } from '../store/policy-repository';
import type { Resolvers } from './__generated__/resolvers-types';

export interface RegistryDeps {
  access: ComplaintAccess;
  cases: CaseRepository;
  journal: Journal;
  policies: PolicyRepository;
  organizations: OrganizationProjection;
  register: RegisterComplaint;
  reply: ReplyToComplaint;
}

/** Officials see their own organization's journals; supervisors (quality control) every one. */
function requireOfficialOf(identity: Identity | null, organizationId: string): Identity {
  const id = requireIdentity(identity);
  if (id.roles.includes('SUPERVISOR')) return id;
  const official = id.roles.some((r) => r === 'OPERATOR' || r === 'HEAD' || r === 'EXECUTOR');
  if (!official || id.organizationId !== organizationId) throw forbidden(`only officials of ${organizationId} may see its journals`);
  return id;
}

function transitionError(r: TransitionRefusal): GraphQLError {
  return r.code === 'FORBIDDEN' ? forbidden(r.message) : new GraphQLError(r.message, { extensions: { code: 'INVALID_TRANSITION' } });
}

function checkYear(year: number) {
  if (year < 2000 || year > 2100) throw badUserInput({ field: 'year', message: 'must be between 2000 and 2100' });
}

export function createResolvers(deps: RegistryDeps): Resolvers {
  const settle = async (complaintId: string, run: () => Promise<ReplyOutcome>): Promise<ComplaintCase> => {
    let outcome: ReplyOutcome;
    try {
      outcome = await run();
    } catch (err) {
      if (!(err instanceof ConcurrencyError)) throw err;
      // Someone else replied first: the case moved on, so this transition is no longer legal.
      throw new GraphQLError('the complaint was replied to meanwhile', { extensions: { code: 'INVALID_TRANSITION' } });
    }
    if (!outcome.ok) throw transitionError(outcome.refusal);
    return deps.cases.find(complaintId);
  };

  return {
    Date: DateScalar,
    DateTime: DateTimeScalar,
    Complaint: {
      __resolveReference: async (ref, ctx) => {
        await deps.access.authorize(ctx.identity, ref.id);
        return deps.cases.find(ref.id);
      },
      escalatedTo: async (c, _args, ctx) => {
        if (!c.escalatedTo) return null;
        await deps.access.authorize(ctx.identity, c.escalatedTo);
        return deps.cases.find(c.escalatedTo);
      },
    },
    Query: {
      registrationJournal: async (_p, { organizationId, year, filter, first, after }, ctx) => {
        requireOfficialOf(ctx.identity, organizationId);
        checkYear(year);
        const limit = first ?? 50;
        if (limit < 1 || limit > 500) throw badUserInput({ field: 'first', message: 'must be between 1 and 500' });
        let cursor = after ? Number(after) : 0;
        if (!Number.isInteger(cursor) || cursor < 0) throw badUserInput({ field: 'after', message: 'not a cursor from this journal' });
        const entries: Array<{ complaint: ComplaintCase; registration: NonNullable<ComplaintCase['registration']> }> = [];
        for (;;) {
          const page = await deps.journal.page('incoming', organizationId, year, cursor, 200);
          for (const entry of page) {
            cursor = entry.sequence;
            const c = await deps.cases.find(entry.complaintId);
            const r = c.registration;
            // An entry whose registration event is not yet written is in flight: not listed yet.
            if (!r) continue;
            if (filter?.status && c.status !== filter.status) continue;
            if (filter?.channel && c.channel !== filter.channel) continue;
            if (filter?.overdue != null && c.overdue !== filter.overdue) continue;
            if (filter?.registeredFrom && r.registeredOn < filter.registeredFrom) continue;
            if (filter?.registeredTo && r.registeredOn > filter.registeredTo) continue;
            entries.push({ complaint: c, registration: r });
            if (entries.length === limit) return { entries, nextCursor: String(cursor) };
          }
          if (page.length < 200) return { entries, nextCursor: null };
        }
      },
      verifyJournal: async (_p, { organizationId, year, journal }, ctx) => {
        requireOfficialOf(ctx.identity, organizationId);
        checkYear(year);
        const verdict = verifyChain(await deps.journal.all(journal === 'OUTGOING' ? 'outgoing' : 'incoming', organizationId, year));
        return verdict.intact ? { ...verdict, firstBrokenSequence: null, problem: null } : verdict;
      },
      registryStatistics: async (_p, { organizationId, year }, ctx) => {
        // Aggregates: also for analysts, who never see a single complaint.
        if (!requireIdentity(ctx.identity).roles.includes('ANALYST')) requireOfficialOf(ctx.identity, organizationId);
        checkYear(year);
        const entries = await deps.journal.all('incoming', organizationId, year);
        const cases = await deps.cases.findMany(entries.map((e) => e.complaintId));
        const answered = cases.filter((c) => c.reply?.kind === 'ANSWER').length;
        const refused = cases.filter((c) => c.reply?.kind === 'REFUSAL').length;
        return {
          organizationId,
          year,
          received: entries.length,
          registered: cases.filter((c) => c.registration).length,
          answered,
          refused,
          pending: entries.length - answered - refused,
          repliedOnTime: cases.filter((c) => c.repliedOnTime === true).length,
          repliedLate: cases.filter((c) => c.repliedOnTime === false).length,
          overdue: cases.filter((c) => c.overdue).length,
          escalated: cases.filter((c) => c.status === 'ESCALATED').length,
        };
      },
      registrationPolicy: async (_p, { organizationId }) => ({ organizationId, ...(await deps.policies.get(organizationId)) }),
    },
    Mutation: {
      registerComplaint: async (_p, { complaintId }, ctx) => {
        const c = await deps.cases.find(complaintId);
        const id = requireRole(ctx.identity, 'OPERATOR', 'HEAD');
        if (c.addresseeOrganizationId && id.organizationId !== c.addresseeOrganizationId) {
          throw forbidden('only the registry office of the addressee may register this complaint');
        }
        const refusal = checkManualRegistration(c);
        if (refusal) throw transitionError(refusal);
        await deps.register.execute({ complaintId, organizationId: c.addresseeOrganizationId!, channel: c.channel as 'POST', correlationId: ctx.correlationId });
        return deps.cases.find(complaintId);
      },
      answerComplaint: async (_p, { input }, ctx) => {
        const id = requireRole(ctx.identity, 'EXECUTOR', 'HEAD');
        const { method, trackingNumber, handedOverOn, recipientSignatureMark } = input.delivery;
        const problems = [];
        if (!input.reasoning.trim()) problems.push({ field: 'input.reasoning', message: 'a reasoned reply needs its reasoning (R9)' });
        if (input.reasoning.length > 20000) problems.push({ field: 'input.reasoning', message: 'must be at most 20000 characters' });
        if (method === 'POST' && !trackingNumber?.trim()) problems.push({ field: 'input.delivery.trackingNumber', message: 'is required for delivery by post' });
        if (method === 'IN_PERSON' && !handedOverOn) problems.push({ field: 'input.delivery.handedOverOn', message: 'is required for delivery in person' });
        if (method === 'IN_PERSON' && !recipientSignatureMark?.trim()) problems.push({ field: 'input.delivery.recipientSignatureMark', message: 'is required for delivery in person' });
        if (problems.length) throw badUserInput(problems);
        return settle(input.complaintId, () =>
          deps.reply.answer(
            {
              complaintId: input.complaintId,
              decision: input.decision,
              reasoning: input.reasoning.trim(),
              legalBasis: input.legalBasis?.trim() || undefined,
              delivery: method,
              trackingNumber: trackingNumber?.trim() || undefined,
              handedOverOn: handedOverOn ?? undefined,
              recipientSignatureMark: recipientSignatureMark?.trim() || undefined,
            },
            id.officialId,
            ctx.correlationId,
          ),
        );
      },
      refuseComplaint: async (_p, { input }, ctx) => {
        const id = requireRole(ctx.identity, 'EXECUTOR', 'HEAD');
        if (!input.reasoning.trim()) throw badUserInput({ field: 'input.reasoning', message: 'a refusal needs its reasoning (R17)' });
        return settle(input.complaintId, () =>
          deps.reply.refuse({ complaintId: input.complaintId, reason: input.reason, reasoning: input.reasoning.trim() }, id.officialId, ctx.correlationId),
        );
      },
      setRegistrationPolicy: async (_p, { organizationId, autoRegisterPortal, autoRegisterPaper }, ctx) => {
        const id = requireRole(ctx.identity, 'HEAD', 'SUPERVISOR');
        if (!id.roles.includes('SUPERVISOR') && id.organizationId !== organizationId) throw forbidden('only the head of the organization may change its registration policy');
        await deps.policies.set(organizationId, { autoRegisterPortal, autoRegisterPaper }, id.subject);
        return { organizationId, autoRegisterPortal, autoRegisterPaper };
      },
    },
  };
}
