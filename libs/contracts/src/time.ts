/**
 * The system's time-zone convention: dates that users and rules speak of (registration date,
 * due date) are calendar dates in Asia/Almaty — UTC+5 for the whole country since
 * 1 March 2024 (kz-calendar.md).
 */
export const KZ_TIME_ZONE = 'Asia/Almaty';

const formatter = new Intl.DateTimeFormat('en-CA', { timeZone: KZ_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The Asia/Almaty calendar date (YYYY-MM-DD) of an instant. */
export function almatyDate(instant: Date): string {
  return formatter.format(instant);
}
