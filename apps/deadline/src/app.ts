import { Counter } from 'prom-client';
import { z } from 'zod';
import { ComplaintAccess, ConfigError, HOUR_MS, loadConfig, OrganizationProjection, organizationProjectionConsumer, startService, type RunningService } from '@shagym/service-kit';
import typeDefs from './schema.graphql';
import {
  ChangeCalendarYear,
  FireTimer,
  ForwardDeadline,
  RecomputeOnCalendarChange,
  SetDeadlineOnRegistration,
  StartForwardingTerm,
  StopDeadline,
  type DeadlinePorts,
  type TermSettings,
} from './domain/deadline';
import { ParkWhenYearMissing } from './domain/parked-terms';
import { parseWarnings } from './domain/term';
import { calendarConsumer, complaintConsumer, type TermSetters } from './events/complaint-consumer';
import { createResolvers } from './graphql/resolvers';
import { DeadlineScheduler, fileClock, systemClock, type Clock, type TimerFirer } from './scheduler';
import { CalendarRepository } from './store/calendar-repository';
import { DEADLINE_MIGRATIONS } from './store/migrations';
import { ParkedTermRepository } from './store/parked-term-repository';
import { ParkedTimerRepository } from './store/parked-timer-repository';
import { leaseRetentionRule } from './store/lease-retention';
import { TermRepository } from './store/term-repository';
import type { RequestContext } from './context';

export function loadDeadlineConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig('deadline', env, { PORT: 4004 }, {
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
    /**
     * The longest the scheduler sleeps without looking at the clock when its next timer is
     * further away (it reads nothing from the database when it wakes: the schedule is in memory).
     */
    DEADLINE_SCHEDULER_INTERVAL_MS: z.coerce.number().int().min(10).max(2_147_483_647).default(3_600_000),
    DEADLINE_LEASE_MS: z.coerce.number().int().min(100).default(60_000),
    /** Age after which the leases of a done timer are pruned (store/lease-retention.ts); never those of an open or parked timer. */
    RETENTION_LEASE_HOURS: z.coerce.number().int().min(1).default(168),
    /** Failed attempts after which a timer is parked until a supervisor resumes it (domain/timer-retry.ts). */
    DEADLINE_TIMER_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
    /** The wait after a timer's first failed attempt, doubled after each further one, up to the max. */
    DEADLINE_TIMER_RETRY_BASE_MS: z.coerce.number().int().min(10).default(1_000),
    DEADLINE_TIMER_RETRY_MAX_MS: z.coerce.number().int().min(10).default(60_000),
    /** Timers worked at the same time: one failing or slow timer takes one place, not the schedule. */
    DEADLINE_TIMER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
    /** An attempt to fire a timer that has not settled by then counts as failed. */
    DEADLINE_TIMER_ATTEMPT_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
    /**
     * Business time read from a file holding an ISO instant (tests that kill the process, demos
     * of a term's life); refused in production.
     */
    DEADLINE_CLOCK_FILE: z.string().optional(),
  });
  if (config.DEADLINE_CLOCK_FILE && config.NODE_ENV === 'production') {
    throw new ConfigError('invalid configuration for deadline:\n  DEADLINE_CLOCK_FILE: a settable clock is for tests and demos, not production');
  }
  return config;
}

export type DeadlineConfig = ReturnType<typeof loadDeadlineConfig>;

export interface DeadlineOptions {
  /** Business time for terms, warnings and breaches (tests inject a settable clock). */
  clock?: Clock;
  /** Wraps what fires a timer (tests: a firing that fails on purpose, to show it holds no other). */
  wrapFire?: (fire: TimerFirer) => TimerFirer;
}

/** Deadline: review terms in working days (R8, R13, R16, R18), warnings and breaches. */
export function startDeadline(config = loadDeadlineConfig(), options: DeadlineOptions = {}): Promise<RunningService> {
  const clock = options.clock ?? (config.DEADLINE_CLOCK_FILE ? fileClock(config.DEADLINE_CLOCK_FILE) : systemClock);
  return startService<typeof config, RequestContext>({
    name: 'deadline',
    config,
    typeDefs,
    migrations: DEADLINE_MIGRATIONS,
    async setup({ db, eventLog, emit, logger, metrics }) {
      const organizations = new OrganizationProjection(db);
      const access = new ComplaintAccess(db);
      const calendars = new CalendarRepository(eventLog);
      const store = new TermRepository(db);
      const parked = new ParkedTermRepository(db);
      const parkedTimers = new ParkedTimerRepository(db);
      const timerFailures = new Counter({
        name: 'shagym_deadline_timer_failures_total',
        help: 'Failed attempts to fire a deadline timer, by kind',
        labelNames: ['kind'],
        registers: [metrics.registry],
      });
      const timersParked = new Counter({
        name: 'shagym_deadline_timers_parked_total',
        help: 'Deadline timers parked after spending their attempts, by kind',
        labelNames: ['kind'],
        registers: [metrics.registry],
      });
      const settings: TermSettings = {
        counting: { countStartDay: config.DEADLINE_COUNT_START_DAY === 'true', timeZone: 'Asia/Almaty' },
        warnings: parseWarnings(config.DEADLINE_WARNINGS),
      };
      const ports: DeadlinePorts = {
        findOrganization: (id) => organizations.find(id),
        emit,
        history: (complaintId) => eventLog.load(complaintId),
        // The scheduler's wheel is fed by these writes, once they are stored.
        recordTerm: async (term, timers) => scheduler.schedule(await store.recordTerm(term, timers, clock.now())),
        cancelTimers: async (complaintId) => scheduler.forget(await store.cancelTimers(complaintId, clock.now())),
        calendar: () => calendars.current(),
      };
      const fire: TimerFirer = new FireTimer(ports);
      const scheduler = new DeadlineScheduler(
        store,
        parkedTimers,
        options.wrapFire ? options.wrapFire(fire) : fire,
        {
          clock,
          maxSleepMs: config.DEADLINE_SCHEDULER_INTERVAL_MS,
          leaseMs: config.DEADLINE_LEASE_MS,
          retry: {
            maxAttempts: config.DEADLINE_TIMER_MAX_ATTEMPTS,
            baseDelayMs: config.DEADLINE_TIMER_RETRY_BASE_MS,
            maxDelayMs: Math.max(config.DEADLINE_TIMER_RETRY_BASE_MS, config.DEADLINE_TIMER_RETRY_MAX_MS),
          },
          concurrency: config.DEADLINE_TIMER_CONCURRENCY,
          attemptTimeoutMs: config.DEADLINE_TIMER_ATTEMPT_TIMEOUT_MS,
        },
        logger,
        {
          failed: (t) => timerFailures.inc({ kind: t.kind }),
          parked: (t) => timersParked.inc({ kind: t.kind }),
        },
      );
      const recompute = new RecomputeOnCalendarChange({ ...ports, openTerms: (year) => store.openTerms(year) }, settings, (complaintId, reason) =>
        logger.warn({ complaintId, reason }, 'term not recomputed'),
      );
      const changeCalendar = new ChangeCalendarYear({ calendarWithVersion: () => calendars.withVersion(), emit });
      const setters: TermSetters = {
        setDeadline: new SetDeadlineOnRegistration(ports, settings),
        forward: new ForwardDeadline(ports, settings),
        startForwarding: new StartForwardingTerm(ports, settings),
      };
      const parking = new ParkWhenYearMissing(parked, (p) =>
        logger.warn({ complaintId: p.complaintId, year: p.year, reason: p.reason }, 'term waits for a year of the production calendar'),
      );
      return {
        resolvers: createResolvers({ access, log: eventLog, calendars, store, parked, clock, changeCalendar, parkedTimers, scheduler }),
        consumers: [
          complaintConsumer(setters, new StopDeadline(ports), parking),
          calendarConsumer(recompute, parking, setters),
          organizationProjectionConsumer('deadline', organizations),
          access.consumer('deadline'),
        ],
        models: [organizations.model, ...store.models, ...parked.models, ...parkedTimers.models, access.model],
        // Before readiness: the wheel's one full read of the pending timers is a start-up load.
        retention: [leaseRetentionRule(store, config.RETENTION_LEASE_HOURS * HOUR_MS)],
        onStarted: () => scheduler.start(),
        onStop: () => scheduler.stop(),
      };
    },
  });
}
