/**
 * Pure helpers of the Reports page: its filter (kept in the URL under the reports API's own parameter
 * names), API and CSV addresses, and the reshaping of the API's answers for charts and tables.
 */
import { buildUrl, type ExportJob, type ReportInterval } from './api.ts';
import { getOrganizationTimeZone, zonedDayStart } from './filters.ts';
import type { Lang } from './i18n.ts';

/** The reports' filter parameters, in the dashboard URL and in the API query alike. */
export const REPORT_FILTER_KEYS = ['from', 'to', 'team', 'agent', 'channel', 'businessHours'] as const;
export const REPORT_TABS = ['conversations', 'messages', 'leaderboard', 'agents', 'list'] as const;
export type ReportTab = (typeof REPORT_TABS)[number];

const BARE_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The reports' filter of a query string, ready for the API: calendar days of `from`/`to` (to exclusive,
 * as the mining filter bar stores it) become the instants they start in the organization's time zone.
 */
export function reportFilterOf(
  query: URLSearchParams,
  timeZone: string | null = getOrganizationTimeZone(),
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of REPORT_FILTER_KEYS) {
    const value = query
      .getAll(key)
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter(Boolean)
      .join(',');
    if (!value) continue;
    if (key === 'businessHours') {
      if (value === 'true') out[key] = 'true';
    } else if ((key === 'from' || key === 'to') && BARE_DATE.test(value)) {
      out[key] = zonedDayStart(value, timeZone ?? 'UTC');
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** The API address of a report for the page's filter, plus the report's own parameters. */
export function reportUrl(
  report: string,
  query: URLSearchParams,
  extra: Record<string, string | number | undefined> = {},
  lang?: Lang,
): string {
  return buildUrl(`/reports/${report}`, { ...reportFilterOf(query), ...extra, lang });
}

/** The same report as CSV: its API address with `format=csv`. */
export function csvUrl(url: string): string {
  const [path = '', qs = ''] = url.split('?');
  const params = new URLSearchParams(qs);
  params.set('format', 'csv');
  return `${path}?${params.toString()}`;
}

export const WEEKDAYS: Record<Lang, string[]> = {
  en: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
  fr: ['lun', 'mar', 'mer', 'jeu', 'ven', 'sam', 'dim'],
};

export const HOURS = Array.from({ length: 24 }, (_, h) => h);

/** Heatmap cells as a 7 × 24 matrix (weekday 0 = Monday, hour 0..23); missing cells count 0. */
export function heatmapMatrix(
  cells: readonly { weekday: number; hour: number; count: number }[],
): number[][] {
  const matrix = Array.from({ length: 7 }, () => HOURS.map(() => 0));
  for (const c of cells) {
    const row = matrix[c.weekday];
    if (row && c.hour >= 0 && c.hour < 24) row[c.hour] = (row[c.hour] ?? 0) + c.count;
  }
  return matrix;
}

export interface Pivot {
  periods: string[];
  series: string[];
  /** values[s][p]: the count of series s in period p. */
  values: number[][];
}

/**
 * Long rows (period, series, count) as series × periods for a stacked bar chart; periods sorted,
 * series in `order` first (those given), then the others alphabetically.
 */
export function pivot<R extends { period: string; count: number }>(
  rows: readonly R[],
  seriesOf: (row: R) => string,
  order: readonly string[] = [],
): Pivot {
  const periods = [...new Set(rows.map((r) => r.period))].sort();
  const found = new Set(rows.map(seriesOf));
  const series = [
    ...order.filter((s) => found.has(s)),
    ...[...found].filter((s) => !order.includes(s)).sort((a, b) => a.localeCompare(b)),
  ];
  const pIndex = new Map(periods.map((p, i) => [p, i]));
  const sIndex = new Map(series.map((s, i) => [s, i]));
  const values = series.map(() => periods.map(() => 0));
  for (const r of rows) {
    const row = values[sIndex.get(seriesOf(r)) ?? -1];
    const p = pIndex.get(r.period);
    if (row && p !== undefined) row[p] = (row[p] ?? 0) + r.count;
  }
  return { periods, series, values };
}

const LOCALES: Record<Lang, string> = { en: 'en-GB', fr: 'fr-FR' };

/** A period's label: the day, "wk 6 Jan" (the week's first day) or the month. */
export function periodLabel(period: string, interval: ReportInterval, lang: Lang): string {
  if (!BARE_DATE.test(period)) return period;
  const date = new Date(`${period}T00:00:00Z`);
  const fmt = (o: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat(LOCALES[lang], { timeZone: 'UTC', ...o }).format(date);
  if (interval === 'month') return fmt({ month: 'short', year: 'numeric' });
  const day = fmt({ day: 'numeric', month: 'short' });
  if (interval === 'week') return lang === 'fr' ? `sem. ${day}` : `wk ${day}`;
  return day;
}

export type SortDirection = 'asc' | 'desc';

/** `sort` parameter (`key` ascending, `-key` descending) → key and direction, if `key` is allowed. */
export function parseSort<K extends string>(
  param: string | null,
  keys: readonly K[],
  fallback: { key: K; dir: SortDirection },
): { key: K; dir: SortDirection } {
  if (!param) return fallback;
  const dir: SortDirection = param.startsWith('-') ? 'desc' : 'asc';
  const key = param.replace(/^-/, '') as K;
  return keys.includes(key) ? { key, dir } : fallback;
}

/** Rows sorted by a column (numbers numerically, text by locale); empty values last either way. */
export function sortRows<R, K extends keyof R>(rows: readonly R[], key: K, dir: SortDirection): R[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = a[key];
    const y = b[key];
    const xe = x === null || x === undefined || x === '';
    const ye = y === null || y === undefined || y === '';
    if (xe || ye) return xe === ye ? 0 : xe ? 1 : -1;
    if (typeof x === 'number' && typeof y === 'number') return (x - y) * sign;
    return String(x).localeCompare(String(y)) * sign;
  });
}

/** Exports are downloadable for 7 days. */
export const EXPORT_RETENTION_MS = 7 * 86_400_000;

/** Whether an export can no longer be downloaded: the server says so, or 7 days have passed. */
export function isExpired(
  job: Pick<ExportJob, 'status' | 'expiresAt' | 'createdAt'>,
  now = Date.now(),
): boolean {
  if (job.status === 'expired') return true;
  if (job.status !== 'succeeded') return false;
  const expires = job.expiresAt ? Date.parse(job.expiresAt) : Date.parse(job.createdAt) + EXPORT_RETENTION_MS;
  return Number.isFinite(expires) && expires <= now;
}

/** A byte count as B, kB, MB, GB. */
export function formatBytes(bytes: number | null | undefined, lang: Lang): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '—';
  const units = lang === 'fr' ? ['o', 'ko', 'Mo', 'Go'] : ['B', 'kB', 'MB', 'GB'];
  let value = bytes;
  let i = 0;
  while (value >= 1000 && i < units.length - 1) {
    value /= 1000;
    i += 1;
  }
  const digits = i === 0 || value >= 100 ? 0 : 1;
  const text = new Intl.NumberFormat(LOCALES[lang], { maximumFractionDigits: digits }).format(value);
  return `${text}\u00a0${units[i]}`;
}

/** Today's calendar day (YYYY-MM-DD) in a time zone. */
export function zonedToday(timeZone: string | null, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: timeZone ?? 'UTC',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

const DURATION_STEPS = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 432000,
  864000,
];

/** A round axis step for durations up to `maxSeconds` (about `ticks` ticks): 30s, 5m, 1h, 6h, 1d… */
export function durationStep(maxSeconds: number, ticks = 5): number {
  const raw = maxSeconds / Math.max(1, ticks);
  return DURATION_STEPS.find((s) => s >= raw) ?? Math.ceil(raw / 864000) * 864000;
}
