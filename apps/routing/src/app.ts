import { randomUUID } from 'node:crypto';
import { ComplaintAccess, loadConfig, startService, type EventLog, type RunningService } from '@shagym/service-kit';
import typeDefs from './schema.graphql';
import seed from './seed/directory.json';
import { AssignExecutor, DeclareOutsideCompetence, ForwardComplaint, RouteOnRegistration } from './domain/assignment';
import type { DirectoryEvent } from './domain/directory-changes';
import { DirectoryService } from './domain/directory-service';
import { loadSeed } from './domain/seed';
import { complaintConsumer, countWorkload, directoryConsumer } from './events/complaint-consumer';
import { createResolvers, loadRouting } from './graphql/resolvers';
import { COMPLAINT_FACTS_SLOTS_MIGRATION, ComplaintFactsRepository } from './store/complaint-facts';
import { DirectoryRepository } from './store/directory-repository';
import { WORKLOAD_SLOTS_MIGRATION, WorkloadRepository } from './store/workload-repository';
import type { RequestContext } from './context';
import type { DomainEvent } from '@shagym/contracts';
import type { Connection } from 'mongoose';

export const loadRoutingConfig = (env: NodeJS.ProcessEnv = process.env) => loadConfig('routing', env, { PORT: 4003 });

/** The seed checked in beside the code (apps/routing/src/seed/directory.json). */
export const SEED_JSON = JSON.stringify(seed);

/** The directory's repositories and its change service, on one database (used by the app and the seed command). */
export function directoryParts(db: Connection, emit: (e: DomainEvent) => Promise<{ status: 'appended' | 'duplicate' }>) {
  const directory = new DirectoryRepository(db);
  const changes = new DirectoryService({
    state: async () => ({
      organizations: await directory.listOrganizations(),
      officials: await directory.allOfficials(),
      serviceCodes: new Set((await directory.listServices()).map((s) => s.code)),
    }),
    saveOrganization: (o) => directory.saveOrganization(o),
    saveOfficial: (o) => directory.saveOfficial(o),
    emit: (e: DirectoryEvent) => {
      // This process applies its own changes to memory as it writes them (see refreshFromEvent).
      directory.noteOwnEvent(e.id);
      return emit(e);
    },
  });
  return { directory, changes };
}

/** Routing: the organizations directory, officials, routing rules and assignment of executors (R1, R2, R6, R10, R12, R15, R18). */
export function startRouting(config = loadRoutingConfig(), opts: { seed?: string | false } = {}): Promise<RunningService> {
  return startService<typeof config, RequestContext>({
    name: 'routing',
    config,
    typeDefs,
    migrations: [COMPLAINT_FACTS_SLOTS_MIGRATION, WORKLOAD_SLOTS_MIGRATION],
    async setup({ db, eventLog, emit, logger }) {
      const { directory, changes } = directoryParts(db, emit);
      // The whole directory into memory, at start-up (key-first: no directory query later).
      await directory.load();
      const facts = new ComplaintFactsRepository(db);
      const workload = new WorkloadRepository(db);
      const access = new ComplaintAccess(db);
      const ports = commandPorts(directory, workload, facts, eventLog, emit);
      return {
        resolvers: createResolvers({
          access,
          facts,
          directory,
          workload,
          log: eventLog,
          assign: new AssignExecutor(ports),
          forward: new ForwardComplaint(ports),
          declareOutsideCompetence: new DeclareOutsideCompetence(ports),
          changes,
        }),
        consumers: [complaintConsumer({ route: new RouteOnRegistration(ports), facts, workload }), directoryConsumer(directory), access.consumer('routing')],
        models: [...directory.models, ...facts.models, workload.model, access.model],
        onStarted: async () => {
          if (opts.seed === false) return;
          const report = await loadSeed(opts.seed ?? SEED_JSON, directory, changes, { dryRun: false, correlationId: `seed-${randomUUID()}` });
          if (report.problems.length) throw new Error(`the directory seed is invalid: ${JSON.stringify(report.problems.slice(0, 10))}`);
          logger.info({ created: report.created, updated: report.updated, unchanged: report.unchanged, published: report.published }, 'directory seed loaded');
        },
      };
    },
  });
}

/** Runs work for one key at a time within this process (different keys in parallel). */
class KeyedSerializer {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const next = (this.tails.get(key) ?? Promise.resolve()).then(work, work);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}

function commandPorts(
  directory: DirectoryRepository,
  workload: WorkloadRepository,
  facts: ComplaintFactsRepository,
  log: EventLog,
  emit: (e: DomainEvent) => Promise<unknown>,
) {
  const serializer = new KeyedSerializer();
  return {
    organization: (id: string) => directory.organization(id),
    officialsOf: (id: string) => directory.officialsOf(id),
    official: (id: string) => directory.official(id),
    authorizedBodies: () => directory.listOrganizations({ kind: 'AUTHORIZED_BODY' }),
    openAssignments: (ids: string[]) => workload.openAssignments(ids),
    complaintFacts: (id: string) => facts.factsOf(id),
    isClosed: (id: string) => facts.isClosed(id),
    routingOf: (id: string) => loadRouting(log, id),
    countAssigned: (event: DomainEvent<'complaint.assigned'>) => countWorkload(workload, event),
    serialize: <T>(key: string, work: () => Promise<T>) => serializer.run(key, work),
    emit,
  };
}
