/**
 * The shared filter, kept in the dashboard's URL under the API's own parameter names
 * (src/mining/filters.ts `filterSchema`), so a dashboard link and an API call read the same.
 */

export const FILTER_KEYS = [
  'dataset',
  'from',
  'to',
  'dateMode',
  'mediaType',
  'queue',
  'requestType',
  'agent',
  'variant',
  'slaCompliant',
  'reopened',
  'fcr',
  'minDuration',
  'maxDuration',
  'activity',
  'follows',
] as const;

export type FilterKey = (typeof FILTER_KEYS)[number];

/** Parameters that follow the user from page to page: the filter and the language. */
export const CARRIED_KEYS: readonly string[] = [...FILTER_KEYS, 'lang'];

let organizationTimeZone: string | null = null;

/** The organization's time zone (from /api/v1/health): the dashboard's dates are its calendar days. */
export function setOrganizationTimeZone(timeZone: string): void {
  organizationTimeZone = timeZone;
}

/** The organization's time zone, once /api/v1/health has given it. */
export function getOrganizationTimeZone(): string | null {
  return organizationTimeZone;
}

/** Milliseconds the zone is ahead of UTC at an instant. */
function zoneOffset(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return (
    Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - instant
  );
}

/** The UTC instant (ISO-8601) at which a calendar day (YYYY-MM-DD) starts in a time zone. */
export function zonedDayStart(date: string, timeZone: string): string {
  const [y = 1970, m = 1, d = 1] = date.split('-').map(Number);
  const midnightUtc = Date.UTC(y, m - 1, d);
  // Twice: the offset at the first estimate may differ from the offset at local midnight (DST).
  const first = midnightUtc - zoneOffset(midnightUtc, timeZone);
  return new Date(midnightUtc - zoneOffset(first, timeZone)).toISOString();
}

const BARE_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The filter part of a query string, as a plain object (only keys that are set), ready for the API:
 * calendar days of `from`/`to` become the instants they start in the organization's time zone (the API
 * reads bare dates as UTC days).
 */
export function filterOf(query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of FILTER_KEYS) {
    const values = query.getAll(key).filter(Boolean);
    if (!values.length) continue;
    const value = values.join(',');
    out[key] =
      (key === 'from' || key === 'to') && organizationTimeZone && BARE_DATE.test(value)
        ? zonedDayStart(value, organizationTimeZone)
        : value;
  }
  return out;
}

/** The carried parameters (filter + lang) of a query string. */
export function carriedOf(query: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams();
  for (const key of CARRIED_KEYS) {
    const value = query.getAll(key).filter(Boolean).join(',');
    if (value) out.set(key, value);
  }
  return out;
}

/** Splits a comma-separated list parameter. */
export function listOf(value: string | null | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Adds a value to a comma-separated list parameter (no duplicates). */
export function addToList(value: string | null | undefined, item: string): string {
  const items = listOf(value);
  if (!items.includes(item)) items.push(item);
  return items.join(',');
}

export function removeFromList(value: string | null | undefined, item: string): string {
  return listOf(value)
    .filter((v) => v !== item)
    .join(',');
}

/** A stable string key of the filter, for effect dependencies. */
export function filterKey(query: URLSearchParams): string {
  return new URLSearchParams(filterOf(query)).toString();
}

/** ISO date (YYYY-MM-DD) plus days, in UTC. */
export function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * The Genesys-derived log is the `default` dataset; imported logs have no channel, queue, request type,
 * SLA, FCR, reopen or CSAT (the API answers null or nothing for them).
 */
export function isGenesys(query: URLSearchParams): boolean {
  return (query.get('dataset') || 'default') === 'default';
}
