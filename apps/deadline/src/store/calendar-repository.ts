import type { EventLog } from '@shagym/service-kit';
import { baseCalendar } from '../calendar/kz';
import { CALENDAR_AGGREGATE } from '../domain/deadline';
import type { ProductionCalendar } from '../domain/calendar';

/**
 * The production calendar in effect: the checked-in data plus the supervisors' corrections,
 * which are `calendar.changed` events in this service's log (aggregate calendar-kz). The
 * aggregate's version is read on every use (a point read of its next slot, the log caching the
 * rest) so that every instance sees a correction made through another one.
 */
export class CalendarRepository {
  private cached: { version: number; calendar: ProductionCalendar } = { version: 0, calendar: baseCalendar() };

  constructor(private readonly log: EventLog) {}

  async current(): Promise<ProductionCalendar> {
    return (await this.withVersion()).calendar;
  }

  async withVersion(): Promise<{ calendar: ProductionCalendar; version: number }> {
    const version = await this.log.currentVersion(CALENDAR_AGGREGATE);
    if (version !== this.cached.version) {
      const corrections = (await this.log.load(CALENDAR_AGGREGATE)).flatMap((e) => (e.type === 'calendar.changed' ? [e.data.entries] : []));
      this.cached = { version, calendar: baseCalendar(corrections) };
    }
    return this.cached;
  }
}
