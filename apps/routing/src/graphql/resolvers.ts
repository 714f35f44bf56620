import { languageOf, type LocalizedText } from '@shagym/contracts';
import { DateTimeScalar, notFound, requireIdentity, requireRole, type ComplaintAccess, type EventLog } from '@shagym/service-kit';
import type { AssignExecutor, DeclareOutsideCompetence, ForwardComplaint } from '../domain/assignment';
import { foldRouting, ROUTING_EVENT_TYPES, type Assignment, type ComplaintRouting, type RoutingStep } from '../domain/complaint-routing';
import { actingHeadOf, activeExecutors, headOf, suggestExecutor, type Official, type Organization } from '../domain/directory';
import { recordsFromCsv, recordsFromJson, type DirectoryRecord } from '../domain/directory-changes';
import type { DirectoryReport, DirectoryService } from '../domain/directory-service';
import { refuse } from '../domain/refusal';
import { REGIONS, regionByCode } from '../domain/regions';
import type { ComplaintFactsRepository } from '../store/complaint-facts';
import type { DirectoryRepository } from '../store/directory-repository';
import type { WorkloadRepository } from '../store/workload-repository';
import type { RequestContext } from '../context';
import type { DirectoryChangeKind, DirectoryEntity, Resolvers, RoutingRule } from './__generated__/resolvers-types';

export interface ResolverDeps {
  access: ComplaintAccess;
  facts: ComplaintFactsRepository;
  directory: DirectoryRepository;
  workload: WorkloadRepository;
  log: EventLog;
  assign: AssignExecutor;
  forward: ForwardComplaint;
  declareOutsideCompetence: DeclareOutsideCompetence;
  changes: DirectoryService;
}

type Named = { name: string; names: LocalizedText };

/** Routing's events of a complaint, folded into its routing history. */
export async function loadRouting(log: EventLog, complaintId: string): Promise<ComplaintRouting> {
  const events = (await log.load(complaintId)).filter((e) => (ROUTING_EVENT_TYPES as readonly string[]).includes(e.type));
  return foldRouting(complaintId, events);
}

/**
 * Per-request loads (service-kit RequestLoaders): a query over many complaints reads each
 * complaint's routing and facts once per request, in one batch of point reads, however many
 * fields ask for them.
 */
function requestLoads(deps: ResolverDeps, ctx: RequestContext) {
  const { directory, workload, log } = deps;
  return {
    routing: (complaintId: string) => ctx.loaders.load('routing', complaintId, (id) => loadRouting(log, id)),
    facts: (complaintId: string) => ctx.loaders.load('complaintFacts', complaintId, (id) => deps.facts.factsOf(id)),
    organization: (id: string) => ctx.loaders.load('organization', id, (k) => directory.organization(k)),
    official: (id: string) => ctx.loaders.load('official', id, (k) => directory.official(k)),
    officialsOf: (organizationId: string) => ctx.loaders.load('officialsOf', organizationId, (k) => directory.officialsOf(k)),
    /** R2: open assignments of officials, one batch of slot counts for every field that asks. */
    openAssignments: async (officialIds: string[]): Promise<Map<string, number>> => {
      const loader = ctx.loaders.loader<number>('openAssignments', async (ids) => {
        const counts = await workload.openAssignments(ids);
        return ids.map((id) => counts.get(id) ?? 0);
      });
      const counts = await loader.loadMany(officialIds);
      return new Map(officialIds.map((id, i) => [id, typeof counts[i] === 'number' ? counts[i] : 0]));
    },
  };
}

export function createResolvers(deps: ResolverDeps): Resolvers {
  const { directory, log } = deps;
  const official = async (ctx: RequestContext, id: string) => {
    const o = await requestLoads(deps, ctx).official(id);
    if (!o) throw new Error(`official ${id} is missing from the directory`);
    return o;
  };
  const organization = async (ctx: RequestContext, id: string) => {
    const o = await requestLoads(deps, ctx).organization(id);
    if (!o) throw new Error(`organization ${id} is missing from the directory`);
    return o;
  };
  const region = (code: string) => {
    const r = regionByCode(code);
    if (!r) throw refuse('BAD_USER_INPUT', 'INVALID_DIRECTORY_DATA', `unknown region ${code}`, 'region');
    return { code: r.code, isCity: r.city === true, name: r.name.ru, names: r.name };
  };
  const services = async (codes: string[] | undefined) => {
    if (!codes?.length) return [];
    const all = new Map((await directory.listServices()).map((s) => [s.code, s]));
    return codes.map((code) => {
      const names = all.get(code)?.name ?? { ru: code, kk: code, en: code };
      return { code, name: names.ru, names };
    });
  };
  const routeOf = async (ctx: RequestContext, step: RoutingStep) => ({
    organization: await organization(ctx, step.organizationId),
    head: await official(ctx, step.headId),
    rule: step.rule as RoutingRule,
    from: step.fromOrganizationId ? await organization(ctx, step.fromOrganizationId) : null,
    routedAt: step.routedAt,
  });
  const supervisor = (ctx: RequestContext) => requireRole(ctx.identity, 'SUPERVISOR');
  const applyOne = async (record: DirectoryRecord, ctx: RequestContext): Promise<DirectoryReport> => {
    const report = await deps.changes.apply([record], { dryRun: false, correlationId: ctx.correlationId });
    if (report.problems.length) {
      const p = report.problems[0]!;
      throw refuse('BAD_USER_INPUT', 'INVALID_DIRECTORY_DATA', `${p.field ?? 'input'}: ${p.message}`, `input.${p.field ?? ''}`.replace(/\.$/, ''));
    }
    return report;
  };

  return {
    DateTime: DateTimeScalar,
    Language: { RU: 'ru', KK: 'kk', EN: 'en' },
    Query: {
      organizations: (_p, args) => directory.listOrganizations(args),
      organization: (_p, { id }) => directory.organization(id),
      official: (_p, { id }) => directory.official(id),
      regions: () => REGIONS.map((r) => region(r.code)),
      publicServices: async () => (await directory.listServices()).map((s) => ({ code: s.code, name: s.name.ru, names: s.name })),
      appealContacts: async (_p, { region: code }) => {
        const r = region(code);
        const inRegion = await directory.listOrganizations({ region: code });
        const centers = await directory.listContactCenters();
        return {
          region: r,
          contactCenters: centers.map((c) => ({ phone: c.phone, name: c.name.ru, description: c.description.ru, names: c.name, descriptions: c.description })),
          akimatDepartments: inRegion.filter((o) => o.kind === 'AKIMAT_DEPARTMENT'),
          authorizedBodies: inRegion.filter((o) => o.kind === 'AUTHORIZED_BODY'),
        };
      },
    },
    Mutation: {
      assignExecutor: async (_p, args, ctx) => {
        const identity = requireIdentity(ctx.identity);
        return deps.assign.execute(identity, args, ctx.correlationId);
      },
      declareOutsideCompetence: async (_p, args, ctx) => {
        const identity = requireIdentity(ctx.identity);
        await deps.declareOutsideCompetence.execute(identity, args, ctx.correlationId);
        return (await loadRouting(log, args.complaintId)).outsideCompetence!;
      },
      forwardComplaint: async (_p, args, ctx) => {
        const identity = requireIdentity(ctx.identity);
        await deps.forward.execute(identity, args, ctx.correlationId);
        return routeOf(ctx, (await loadRouting(log, args.complaintId)).current!);
      },
      upsertOrganization: async (_p, { input }, ctx) => {
        supervisor(ctx);
        const org = stripNulls(input) as unknown as Organization;
        await applyOne({ entity: 'ORGANIZATION', organization: org }, ctx);
        return organization(ctx, input.id);
      },
      upsertOfficial: async (_p, { input }, ctx) => {
        supervisor(ctx);
        const o = stripNulls({ ...input, active: input.active ?? true }) as unknown as Official;
        await applyOne({ entity: 'OFFICIAL', official: o }, ctx);
        return official(ctx, input.id);
      },
      setOfficialAbsence: async (_p, { officialId, absent, until }, ctx) => {
        supervisor(ctx);
        const current = await directory.official(officialId);
        if (!current) throw notFound('official', officialId);
        const { absentUntil: _u, ...rest } = current;
        await applyOne({ entity: 'OFFICIAL', official: { ...rest, active: !absent, ...(absent && until ? { absentUntil: until } : {}) } }, ctx);
        return official(ctx, officialId);
      },
      setAutoAssign: async (_p, { organizationId, enabled }, ctx) => {
        supervisor(ctx);
        const current = await directory.organization(organizationId);
        if (!current) throw notFound('organization', organizationId);
        await applyOne({ entity: 'ORGANIZATION', organization: { ...current, autoAssign: enabled } }, ctx);
        return organization(ctx, organizationId);
      },
      importDirectory: async (_p, { format, content, dryRun }, ctx) => {
        supervisor(ctx);
        const { records, problems } = format === 'CSV' ? recordsFromCsv(content) : recordsFromJson(content);
        const report = await deps.changes.apply(records, { dryRun, correlationId: ctx.correlationId, problems });
        return {
          ...report,
          changes: report.changes.map(({ entity, id, change, fields, line }) => ({ entity: entity as DirectoryEntity, id, change: change as DirectoryChangeKind, fields, line: line ?? null })),
          problems: report.problems.map((p) => ({ line: p.line ?? null, field: p.field ?? null, message: p.message })),
        };
      },
    },
    DirectoryRegion: {
      name: (r, { language }) => ((r as unknown as Named).names ?? { ru: r.name, kk: r.name, en: r.name })[languageOf(language)],
    },
    PublicService: {
      name: (s, { language }) => ((s as unknown as Named).names ?? { ru: s.name, kk: s.name, en: s.name })[languageOf(language)],
    },
    ContactCenter: {
      name: (c, { language }) => ((c as unknown as Named).names ?? { ru: c.name, kk: c.name, en: c.name })[languageOf(language)],
      description: (c, { language }) =>
        ((c as unknown as { descriptions?: LocalizedText }).descriptions ?? { ru: c.description, kk: c.description, en: c.description })[languageOf(language)],
    },
    Organization: {
      __resolveReference: (ref, ctx) => requestLoads(deps, ctx).organization(ref.id),
      name: (org, { language }) => org.name[languageOf(language)],
      regionName: (org, { language }) => regionByCode(org.region)?.name[languageOf(language)] ?? null,
      parent: (org, _a, ctx) => (org.parentId ? requestLoads(deps, ctx).organization(org.parentId) : null),
      children: (org) => directory.childrenOf(org.id),
      phones: (org) => org.phones ?? [],
      workingHours: (org, { language }) => org.workingHours?.[languageOf(language)] ?? null,
      services: (org) => services(org.services),
      autoAssign: (org) => org.autoAssign ?? false,
      officials: (org, _a, ctx) => requestLoads(deps, ctx).officialsOf(org.id),
      head: async (org, _a, ctx) => headOf(await requestLoads(deps, ctx).officialsOf(org.id)) ?? null,
      actingHead: async (org, _a, ctx) => actingHeadOf(await requestLoads(deps, ctx).officialsOf(org.id)) ?? null,
      executors: async (org, { service }, ctx) => {
        const loads = requestLoads(deps, ctx);
        const officials = await loads.officialsOf(org.id);
        const load = await loads.openAssignments(officials.map((o) => o.id));
        // The suggestion order: repeatedly take the suggested executor out of the pool.
        const ordered: Official[] = [];
        let pool = activeExecutors(officials);
        for (let next = suggestExecutor(pool, load, service); next; next = suggestExecutor(pool, load, service)) {
          ordered.push(next);
          pool = pool.filter((o) => o.id !== next!.id);
        }
        return ordered;
      },
    },
    Official: {
      __resolveReference: (ref, ctx) => requestLoads(deps, ctx).official(ref.id),
      position: (o, { language }) => o.position[languageOf(language)],
      organization: (o, _a, ctx) => organization(ctx, o.organizationId),
      services: (o) => services(o.services),
      openAssignments: async (o, _a, ctx) => (await requestLoads(deps, ctx).openAssignments([o.id])).get(o.id) ?? 0,
    },
    Complaint: {
      // Who may see the complaint is decided alike in every subgraph (service-kit ComplaintAccess);
      // routing adds the bodies it routed or forwarded the complaint to, which it knows first-hand.
      __resolveReference: async (ref, ctx) => {
        const loads = requestLoads(deps, ctx);
        const [routing, facts] = await Promise.all([loads.routing(ref.id), loads.facts(ref.id)]);
        await deps.access.authorize(ctx.identity, ref.id, {
          ...(facts?.complainantIin ? { complainantIin: facts.complainantIin } : {}),
          ...(facts?.complainantBin ? { complainantBin: facts.complainantBin } : {}),
          organizationIds: routing.routes.map((r) => r.organizationId),
          executorOfficialIds: routing.assignments.map((a) => a.executorId),
        });
        return { id: ref.id };
      },
      assignment: async (complaint, _a, ctx) => (await requestLoads(deps, ctx).routing(complaint.id)).assignment,
      assignmentHistory: async (complaint, _a, ctx) => (await requestLoads(deps, ctx).routing(complaint.id)).assignments,
      route: async (complaint, _a, ctx) => {
        const current = (await requestLoads(deps, ctx).routing(complaint.id)).current;
        return current ? routeOf(ctx, current) : null;
      },
      routeHistory: async (complaint, _a, ctx) => Promise.all((await requestLoads(deps, ctx).routing(complaint.id)).routes.map((step) => routeOf(ctx, step))),
      forwardings: async (complaint, _a, ctx) =>
        Promise.all(
          (await requestLoads(deps, ctx).routing(complaint.id)).forwardings.map(async (f) => ({
            from: await organization(ctx, f.fromOrganizationId),
            to: await organization(ctx, f.toOrganizationId),
            reason: f.reason,
            forwardedBy: await official(ctx, f.forwardedById),
            forwardedAt: f.forwardedAt,
          })),
        ),
      outsideCompetence: async (complaint, _a, ctx) => (await requestLoads(deps, ctx).routing(complaint.id)).outsideCompetence,
      suggestedExecutor: async (complaint, { service }, ctx) => {
        const loads = requestLoads(deps, ctx);
        const current = (await loads.routing(complaint.id)).current;
        if (!current) return null;
        const officials = await loads.officialsOf(current.organizationId);
        return suggestExecutor(officials, await loads.openAssignments(officials.map((o) => o.id)), service) ?? null;
      },
    },
    OutsideCompetence: {
      organization: (o, _a, ctx) => organization(ctx, o.organizationId),
      competentOrganization: (o, _a, ctx) => (o.competentOrganizationId ? organization(ctx, o.competentOrganizationId) : null),
      declaredBy: (o, _a, ctx) => official(ctx, o.declaredById),
    },
    Assignment: {
      executor: (a: Assignment, _a, ctx) => official(ctx, a.executorId),
      assignedBy: (a: Assignment, _a, ctx) => official(ctx, a.assignedById),
      organization: (a: Assignment, _a, ctx) => organization(ctx, a.organizationId),
      previousExecutor: (a: Assignment, _a, ctx) => (a.previousExecutorId ? official(ctx, a.previousExecutorId) : null),
      reason: (a: Assignment) => a.reason ?? null,
    },
  };
}

/** GraphQL gives null for an omitted optional input field; the directory has no nulls. */
function stripNulls<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as T;
}
