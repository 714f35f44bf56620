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
import { checkManualRegistration, linkOfForwarding, pendingForwarding, registeringBody, registrationIn, type ComplaintCase, type TransitionRefusal } from '../domain/case';
import { verifyChain } from '../domain/journal-chain';
import { registryStatistics } from '../domain/statistics';
import type { RegisterComplaint } from '../domain/register-complaint';
import type { ReplyOutcome, ReplyToComplaint } from '../domain/reply-to-complaint';
import type { CaseRepository } from '../store/case-repository';
import type { Journal } from '../store/journal';
import type { PolicyRepository } from '../store/policy-repository';
import type { StatisticsRepository } from '../store/statistics-repository';
import type { RequestContext } from '../context';
import type { Resolvers } from './__generated__/resolvers-types';

export interface RegistryDeps {
  access: ComplaintAccess;
  cases: CaseRepository;
  journal: Journal;
  policies: PolicyRepository;
  stats: StatisticsRepository;
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

/**
 * A filtered journal page reads the journal on until it has `first` matches or the journal
 * ends — but at most this many entries per request: then the page comes back shorter, with
 * the cursor to go on from, so one request never reads a whole large journal.
 */
const MAX_SCANNED_PER_PAGE = 1_000;
/** Entries read per round of a filtered page (one batch of point reads and case loads). */
const FILTERED_WINDOW = 200;

function checkYear(year: number) {
  if (year < 2000 || year > 2100) throw badUserInput({ field: 'year', message: 'must be between 2000 and 2100' });
}

export function createResolvers(deps: RegistryDeps): Resolvers {
  /** The case through the request's loader: one batch per request, each complaint read once. */
  const caseOf = (ctx: RequestContext, id: string) => ctx.loaders.load('registry.case', id, (k) => deps.cases.find(k));

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
        return caseOf(ctx, ref.id);
      },
      escalatedTo: async (c, _args, ctx) => {
        if (!c.escalatedTo) return null;
        await deps.access.authorize(ctx.identity, c.escalatedTo);
        return caseOf(ctx, c.escalatedTo);
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
        const filtered = !!filter && Object.values(filter).some((v) => v != null);
        const start = cursor;
        for (;;) {
          // Unfiltered, a page is the next `limit` slots; filtered, rounds of slots until enough match.
          const window = filtered ? Math.max(FILTERED_WINDOW, limit - entries.length) : limit - entries.length;
          const page = await deps.journal.page('incoming', organizationId, year, cursor, window);
          const cases = await Promise.all(page.map((entry) => caseOf(ctx, entry.complaintId)));
          for (let i = 0; i < page.length; i++) {
            cursor = page[i]!.sequence;
            const c = cases[i]!;
            // This journal's own entry: after a forwarding the complaint has a registration in each body's journal (R7, R18).
            const r = registrationIn(c, organizationId, page[i]!.sequence, year);
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
          if (page.length < window) return { entries, nextCursor: null };
          if (cursor - start >= MAX_SCANNED_PER_PAGE) return { entries, nextCursor: String(cursor) };
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
        // Kept from events (StatisticsRepository): slot counts, never a read of every case.
        const [received, counts] = await Promise.all([deps.journal.count('incoming', organizationId, year), deps.stats.counts(organizationId, year)]);
        return registryStatistics(organizationId, year, received, counts);
      },
      registrationPolicy: async (_p, { organizationId }) => ({ organizationId, ...(await deps.policies.get(organizationId)) }),
    },
    Mutation: {
      registerComplaint: async (_p, { complaintId }, ctx) => {
        const c = await deps.cases.find(complaintId);
        const id = requireRole(ctx.identity, 'OPERATOR', 'HEAD');
        // R7: the addressee's registry office, or after a forwarding the receiving body's (R18).
        // Once registered, the body that registered it last is asked again (and told it is done).
        const body = registeringBody(c) ?? c.registration?.organizationId ?? c.addresseeOrganizationId;
        if (body && id.organizationId !== body) {
          throw forbidden(c.awaitingRegistrationBy ? 'only the registry office of the body it was forwarded to may register this complaint' : 'only the registry office of the addressee may register this complaint');
        }
        const refusal = checkManualRegistration(c);
        if (refusal) throw transitionError(refusal);
        const forwarding = pendingForwarding(c);
        await deps.register.execute({
          complaintId,
          organizationId: body!,
          channel: c.channel as 'POST',
          correlationId: ctx.correlationId,
          ...(forwarding ? { forwardedFrom: linkOfForwarding(forwarding) } : {}),
        });
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
