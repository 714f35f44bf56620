import mongoose from 'mongoose';
import { EVENT_CATALOG, EVENT_TYPES, type EventType, type TopicId } from '@shagym/contracts';
import type { ConsumerSpec, ServiceDefinition } from '@shagym/service-kit';

/**
 * Issue 15: "a test walks the catalog and fails when a consumer neither handles nor explicitly
 * ignores an event type" — how registry came to miss complaint.reassigned (R2) and every
 * subgraph but two the forwarding (R18). The consumers are taken from each service's real
 * wiring: startService is replaced by one that only records the definition, and its setup
 * runs on a mongoose connection that never connects, so no I/O happens and a consumer added
 * to an app.ts is checked without editing this test.
 */
const captured: ServiceDefinition<any, any>[] = [];
jest.mock('@shagym/service-kit', () => ({
  ...jest.requireActual('@shagym/service-kit'),
  startService: jest.fn(async (def: ServiceDefinition<any, any>) => {
    captured.push(def);
    return def;
  }),
}));

const kit = jest.requireActual('@shagym/service-kit') as typeof import('@shagym/service-kit');

/** What a consumer of these topics must decide on: the catalog's event types published there. */
export function typesOf(topics: readonly TopicId[]): EventType[] {
  return EVENT_TYPES.filter((t) => (topics as readonly string[]).includes(EVENT_CATALOG[t].topic));
}

/** The event types of a consumer's topics it neither handles nor ignores, and what it lists that is not on its topics. */
export function coverageProblems(spec: ConsumerSpec): { unhandled: EventType[]; both: EventType[]; foreign: string[] } {
  const handled = new Set(Object.keys(spec.handlers));
  const ignored = new Set<string>(spec.ignores ?? []);
  const onTopics = typesOf(spec.topics);
  return {
    unhandled: onTopics.filter((t) => !handled.has(t) && !ignored.has(t)),
    both: onTopics.filter((t) => handled.has(t) && ignored.has(t)),
    foreign: [...handled, ...ignored].filter((t) => !(onTopics as string[]).includes(t)),
  };
}

async function consumersOf(start: () => Promise<unknown>): Promise<ConsumerSpec[]> {
  captured.length = 0;
  await start();
  const def = captured[0]!;
  const db = mongoose.createConnection(); // never opened: models only, no I/O
  const logger = kit.createLogger(def.name, 'silent');
  const parts = await def.setup({
    config: def.config,
    logger,
    metrics: kit.createMetrics(`${def.name}-coverage-${Math.random().toString(36).slice(2)}`),
    db,
    eventLog: new kit.EventLog(db),
    kafka: {} as never,
    producer: {} as never,
    emit: async () => {
      throw new Error('no event is emitted while wiring');
    },
  });
  return parts.consumers ?? [];
}

const SERVICES: [string, () => Promise<unknown>][] = [
  ['intake', async () => (await import('../../apps/intake/src/app')).startIntake()],
  ['registry', async () => (await import('../../apps/registry/src/app')).startRegistry()],
  [
    'routing',
    async () => {
      // Routing reads its whole directory into memory in setup (a start-up read): skipped here.
      const { DirectoryRepository } = await import('../../apps/routing/src/store/directory-repository');
      jest.spyOn(DirectoryRepository.prototype, 'load').mockResolvedValue();
      return (await import('../../apps/routing/src/app')).startRouting(undefined, { seed: false });
    },
  ],
  ['deadline', async () => (await import('../../apps/deadline/src/app')).startDeadline()],
  ['notification', async () => (await import('../../apps/notification/src/app')).startNotification()],
];

describe('every consumer decides on every event type of its topics (issue 15)', () => {
  const all: { service: string; spec: ConsumerSpec }[] = [];

  beforeAll(async () => {
    for (const [service, start] of SERVICES) for (const spec of await consumersOf(start)) all.push({ service, spec });
  });

  it('finds the consumers of all five services, including the access projection (R2, R18)', () => {
    // Registry feeds its holder projection from registry.complaints (see its complaint consumer).
    const groups = all.map((c) => c.spec.group);
    expect(groups).toEqual(
      expect.arrayContaining([
        'intake.access',
        'intake.replies',
        'registry.complaints',
        'routing.complaints',
        'routing.access',
        'deadline.complaints',
        'deadline.calendar',
        'deadline.access',
        'notification.timeline',
      ]),
    );
  });

  it('each consumer handles or explicitly ignores every event type of its topics, and nothing else', () => {
    const problems = all
      .map(({ service, spec }) => ({ service, group: spec.group, ...coverageProblems(spec) }))
      .filter((p) => p.unhandled.length || p.both.length || p.foreign.length);
    expect(problems).toEqual([]);
  });

  it('fails for a consumer that forgets a type (the check can fail)', () => {
    const forgetful: ConsumerSpec = { group: 'x', topics: ['directory'], handlers: { 'organization.upserted': async () => undefined }, ignores: ['official.upserted'] };
    expect(coverageProblems(forgetful).unhandled).toEqual(['organization.profile-updated']);
    // A new event type in the catalog makes every consumer of its topic fail the same way.
    const noIgnores: ConsumerSpec = { group: 'y', topics: ['complaints'], handlers: {} };
    expect(coverageProblems(noIgnores).unhandled).toEqual(typesOf(['complaints']));
  });
});
