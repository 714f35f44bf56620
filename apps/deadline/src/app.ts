import { z } from 'zod';
import { ComplaintAccess, loadConfig, OrganizationProjection, organizationProjectionConsumer, startService, type RunningService } from '@shagym/service-kit';
import typeDefs from './schema.graphql';
import { ChangeCalendarYear, FireTimer, ForwardDeadline, RecomputeOnCalendarChange, SetDeadlineOnRegistration, StopDeadline, type DeadlinePorts, type TermSettings } from './domain/deadline';
import { parseWarnings } from './domain/term';
import { calendarConsumer, complaintConsumer } from './events/complaint-consumer';
import { createResolvers } from './graphql/resolvers';
import { DeadlineScheduler, systemClock, type Clock } from './scheduler';
import { CalendarStore } from './store/calendar-store';
import { TermStore } from './store/term-store';
import type { RequestContext } from './context';

export const loadDeadlineConfig = (env: NodeJS.ProcessEnv = process.env) =>
  loadConfig('deadline', env, { PORT: 4004 }, {
    /** Warnings before the end: `<working days before the last day>@HH:MM` (Almaty), comma-separated. */
    DEADLINE_WARNINGS: z.string().default('1@09:00,0@09:00').refine((s) => {
      try {
        parseWarnings(s);
        return true;
      } catch {
        return false;
      }
    }, 'expected e.g. 1@09:00,0@09:00'),
    /** Whether the registration day counts as day one (by law it does not; term.ts). */
    DEADLINE_COUNT_START_DAY: z.enum(['true', 'false']).default('false'),
    DEADLINE_SCHEDULER_INTERVAL_MS: z.coerce.number().int().min(10).default(5_000),
    DEADLINE_LEASE_MS: z.coerce.number().int().min(100).default(60_000),
  });

export type DeadlineConfig = ReturnType<typeof loadDeadlineConfig>;

export interface DeadlineOptions {
  /** Business time for terms, warnings and breaches (tests inject a settable clock). */
  clock?: Clock;
}

/** Deadline: review terms in working days (R8, R13, R16, R18), warnings and breaches. */
export function startDeadline(config = loadDeadlineConfig(), options: DeadlineOptions = {}): Promise<RunningService> {
  const clock = options.clock ?? systemClock;
  return startService<typeof config, RequestContext>({
    name: 'deadline',
    config,
    typeDefs,
    async setup({ db, eventLog, emit, logger }) {
      const organizations = new OrganizationProjection(db);
      const access = new ComplaintAccess(db);
      const calendars = new CalendarStore(eventLog);
      const store = new TermStore(db);
      const settings: TermSettings = {
        counting: { countStartDay: config.DEADLINE_COUNT_START_DAY === 'true', timeZone: 'Asia/Almaty' },
        warnings: parseWarnings(config.DEADLINE_WARNINGS),
      };
      const ports: DeadlinePorts = {
        findOrganization: (id) => organizations.find(id),
        emit,
        history: (complaintId) => eventLog.load(complaintId),
        recordTerm: async (term, timers) => {
          await store.recordTerm(term, timers, clock.now());
          scheduler.kick();
        },
        cancelTimers: (complaintId) => store.cancelTimers(complaintId, clock.now()),
        calendar: () => calendars.current(),
      };
      const scheduler = new DeadlineScheduler(
        store,
        new FireTimer(ports),
        { clock, intervalMs: config.DEADLINE_SCHEDULER_INTERVAL_MS, leaseMs: config.DEADLINE_LEASE_MS },
        logger,
      );
      const recompute = new RecomputeOnCalendarChange({ ...ports, openTerms: (year) => store.openTerms(year) }, settings, (complaintId, reason) =>
        logger.warn({ complaintId, reason }, 'term not recomputed'),
      );
      const changeCalendar = new ChangeCalendarYear({ calendarWithVersion: () => calendars.withVersion(), emit });
      return {
        resolvers: createResolvers({ access, log: eventLog, calendars, store, clock, changeCalendar }),
        consumers: [
          complaintConsumer(new SetDeadlineOnRegistration(ports, settings), new StopDeadline(ports), new ForwardDeadline(ports, settings)),
          calendarConsumer(recompute),
          organizationProjectionConsumer('deadline', organizations),
          access.consumer('deadline'),
        ],
        models: [organizations.model, ...store.models, access.model],
        onStarted: async () => scheduler.start(),
        onStop: () => scheduler.stop(),
      };
    },
  });
}
