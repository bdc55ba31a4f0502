/**
 * Dates and times as the centre reads them: in its time zone (rules
 * `timezone`) and its locale, taken from its phone region (rules
 * `phoneRegion`: JP reads 2024/04/18 08:47, GB 18/04/2024 08:47); without a
 * region, the browser's locale. Numeric forms only, so they sit well in an
 * English interface.
 */
import { useMemo } from 'preact/hooks';
import { localDate } from './time.js';

export function centreLocale(phoneRegion: string | null | undefined): string {
  const browser = typeof navigator !== 'undefined' ? navigator.language : 'en-GB';
  if (!phoneRegion) return browser;
  try {
    const { language } = new Intl.Locale(`und-${phoneRegion}`).maximize();
    return new Intl.Locale(`${language}-${phoneRegion}`).toString();
  } catch {
    return browser;
  }
}

export interface CentreDates {
  zone: string;
  locale: string;
  /** 2024/04/18 08:47:52 */
  dateTime(t: number): string;
  /** 08:47:52 */
  time(t: number): string;
  /** 08:47 */
  hourMinute(t: number): string;
  /** 2024/04/18 08:47 */
  dateHourMinute(t: number): string;
  /** 2024/04/18 */
  date(t: number): string;
  /** Thu 2024/04/18: a day named for a heading (the weekday in the interface's language) */
  day(t: number): string;
  /** 08:47 today, else 2024/04/18 08:47 */
  sinceWhen(t: number, now: number): string;
  /** as short as a one-line tile allows: 08:47 today, 04/18 within half a year, else 2024 */
  shortWhen(t: number, now: number): string;
}

const HALF_A_YEAR_MS = 182 * 86_400_000;
const DATE = { year: 'numeric', month: '2-digit', day: '2-digit' } as const;
const TIME = { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' } as const;

export function centreDates(zone: string, locale: string): CentreDates {
  const make = (options: Intl.DateTimeFormatOptions) => {
    try {
      return new Intl.DateTimeFormat(locale, { timeZone: zone, ...options });
    } catch {
      return new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', ...options });
    }
  };
  const dateTime = make({ ...DATE, ...TIME });
  const time = make(TIME);
  const hourMinute = make({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const date = make(DATE);
  const weekday = new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'short' });
  const dateHourMinute = make({ ...DATE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const monthDay = make({ month: '2-digit', day: '2-digit' });
  return {
    zone,
    locale,
    dateTime: (t) => dateTime.format(t),
    time: (t) => time.format(t),
    hourMinute: (t) => hourMinute.format(t),
    dateHourMinute: (t) => dateHourMinute.format(t),
    date: (t) => date.format(t),
    day: (t) => `${weekday.format(t)} ${date.format(t)}`,
    sinceWhen: (t, now) => (localDate(t, zone) === localDate(now, zone) ? hourMinute.format(t) : dateHourMinute.format(t)),
    shortWhen: (t, now) =>
      localDate(t, zone) === localDate(now, zone) ? hourMinute.format(t) : now - t < HALF_A_YEAR_MS ? monthDay.format(t) : localDate(t, zone).slice(0, 4),
  };
}

/** The centre's date formats, one object per zone and locale (stable identity for memoised components). */
export function useCentreDates(zone: string, phoneRegion: string | null | undefined): CentreDates {
  return useMemo(() => centreDates(zone, centreLocale(phoneRegion)), [zone, phoneRegion]);
}

/** A calendar date (yyyy-MM-dd, the zone's) as the centre writes it, with the weekday. */
export function dayLabel(dates: CentreDates, isoDate: string): string {
  // the date itself, written in UTC: no zone can move it to another day
  return centreDates('UTC', dates.locale).day(Date.parse(`${isoDate}T12:00:00Z`));
}
