/**
 * Time helpers for the demo data: Europe/Paris local time (EU daylight-saving rule, computed
 * without Intl so that it is fast and identical everywhere), opening hours and arrival profiles.
 */

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

const dstCache = new Map<number, readonly [number, number]>();

/** UTC midnight of the last Sunday of a month (month 0-based). */
function lastSunday(year: number, month: number): number {
  const lastDay = Date.UTC(year, month + 1, 0);
  const dow = new Date(lastDay).getUTCDay();
  return lastDay - dow * DAY;
}

/** Summer time in the EU runs from the last Sunday of March to the last Sunday of October, 01:00 UTC. */
function dstBounds(year: number): readonly [number, number] {
  let b = dstCache.get(year);
  if (b === undefined) {
    b = [lastSunday(year, 2) + HOUR, lastSunday(year, 9) + HOUR];
    dstCache.set(year, b);
  }
  return b;
}

/** Offset of Europe/Paris from UTC at instant t (ms since epoch), in ms. */
export function parisOffset(t: number): number {
  const [start, end] = dstBounds(new Date(t).getUTCFullYear());
  return t >= start && t < end ? 2 * HOUR : HOUR;
}

/** UTC instant of a Paris wall-clock time given as (UTC midnight of that calendar day) + local ms. */
export function parisLocalToUtc(dayUtc: number, localMs: number): number {
  const local = dayUtc + localMs;
  const winter = local - HOUR;
  if (parisOffset(winter) === HOUR) return winter;
  const summer = local - 2 * HOUR;
  return parisOffset(summer) === 2 * HOUR ? summer : winter;
}

/** Opening hours of the contact center (local hours, [open, close)), by day of week (0 = Sunday). */
const OPENING: readonly (readonly [number, number] | null)[] = [
  null,
  [8, 20],
  [8, 20],
  [8, 20],
  [8, 20],
  [8, 20],
  [9, 18],
];

function openingOf(dow: number): readonly [number, number] | null {
  return OPENING[dow] ?? null;
}

/** The first instant ≥ t at which agents are working. */
export function nextOpen(t: number): number {
  let cur = t;
  for (let i = 0; i < 10; i++) {
    const local = cur + parisOffset(cur);
    const dayUtc = Math.floor(local / DAY) * DAY;
    const hours = openingOf(new Date(dayUtc).getUTCDay());
    if (hours !== null) {
      const open = parisLocalToUtc(dayUtc, hours[0] * HOUR);
      const close = parisLocalToUtc(dayUtc, hours[1] * HOUR);
      if (cur < open) return open;
      if (cur < close) return cur;
    }
    cur = parisLocalToUtc(dayUtc + DAY, 0);
  }
  return cur;
}

/** Closing instant of the opening period that contains t (t must be open). */
function closeOf(t: number): number {
  const local = t + parisOffset(t);
  const dayUtc = Math.floor(local / DAY) * DAY;
  const hours = openingOf(new Date(dayUtc).getUTCDay());
  return hours === null ? t : parisLocalToUtc(dayUtc, hours[1] * HOUR);
}

/** t plus `duration` of working time (time outside opening hours does not count). */
export function addWorkingTime(t: number, duration: number): number {
  let cur = nextOpen(t);
  let rest = duration;
  for (let i = 0; i < 60; i++) {
    const close = closeOf(cur);
    if (cur + rest <= close) return cur + rest;
    rest -= close - cur;
    cur = nextOpen(close);
  }
  return cur + rest;
}

/** Local hour of day (fractional) in Paris. */
export function parisHour(t: number): number {
  const local = t + parisOffset(t);
  return (local - Math.floor(local / DAY) * DAY) / HOUR;
}

/** A sampling profile over the 96 quarter hours of a local day. */
export class DayProfile {
  readonly cumulative: Float64Array;
  readonly total: number;

  constructor(weight: (hour: number) => number) {
    this.cumulative = new Float64Array(96);
    let acc = 0;
    for (let q = 0; q < 96; q++) {
      acc += Math.max(0, weight(q / 4 + 0.125));
      this.cumulative[q] = acc;
    }
    this.total = acc;
  }

  /** Local ms since midnight, for a uniform u1 (which quarter) and u2 (where in it). */
  sample(u1: number, u2: number): number {
    const x = u1 * this.total;
    let lo = 0;
    let hi = 95;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.cumulative[mid] ?? 0) > x) hi = mid;
      else lo = mid + 1;
    }
    return (lo + u2) * 15 * MINUTE;
  }
}

const bump = (h: number, centre: number, width: number): number => Math.exp(-(((h - centre) / width) ** 2));
const within = (h: number, lo: number, hi: number): number => (h >= lo && h < hi ? 1 : 0);

/** Voice, chat and callbacks on weekdays: 08–20, peaks around 10:00 and 14:00, lunch dip. */
export const WEEKDAY_LIVE = new DayProfile(
  (h) =>
    within(h, 8, 20) *
    (0.2 + bump(h, 10.25, 1.1) + 0.85 * bump(h, 14.25, 1.3)) *
    (h >= 12.25 && h < 13.5 ? 0.8 : 1),
);
/** Saturday opening hours 09–18. */
export const SATURDAY_LIVE = new DayProfile(
  (h) => within(h, 9, 18) * (0.3 + bump(h, 10.75, 1.4) + 0.5 * bump(h, 14.5, 1.5)),
);
/** Agent-initiated outbound calls: working hours, flatter. */
export const OUTBOUND = new DayProfile(
  (h) => within(h, 9, 19) * (0.5 + 0.6 * bump(h, 11, 1.5) + 0.6 * bump(h, 15.5, 1.5)),
);
/** Web messaging: customers write from 07:00 to late evening. */
export const MESSAGING = new DayProfile(
  (h) =>
    within(h, 2, 24) *
    (0.02 +
      within(h, 7, 24) * (0.15 + 0.8 * bump(h, 11, 2) + 0.7 * bump(h, 14.5, 2) + 0.5 * bump(h, 20.5, 1.5))),
);
/** E-mail arrives at any time, mostly in the day. (02:00–24:00 keeps every arrival on its UTC day.) */
export const EMAIL = new DayProfile(
  (h) =>
    within(h, 2, 24) *
    (0.04 +
      within(h, 7, 23) * (0.3 + 0.7 * bump(h, 10, 2) + 0.6 * bump(h, 14.5, 2) + 0.4 * bump(h, 21, 1.5))),
);

/** Relative contact volume per day of week (0 = Sunday). */
export const DAY_WEIGHT: readonly number[] = [0.12, 1.18, 1.06, 1, 1, 0.94, 0.42];

/** 'YYYY-MM-DD' of a UTC instant. */
export function isoDay(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

/** Parses 'YYYY-MM-DD' into its UTC midnight, or throws. */
export function parseIsoDay(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (m === null) throw new Error(`invalid date '${s}', expected YYYY-MM-DD`);
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (isoDay(t) !== s) throw new Error(`invalid date '${s}'`);
  return t;
}
