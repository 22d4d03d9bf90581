import { caseInScope, iso, type Store, toUtcTimestamp } from '../store/index.ts';
import { caseFacts } from './case-facts.ts';
import type { Filter } from './filters.ts';
import { filteredQuery, num, pct, rows, secOrNull } from './sql.ts';

export type TileKey = 'cases' | 'slaPct' | 'fcrPct' | 'reopenPct' | 'medianResolution' | 'aht' | 'csat';

export interface Tile {
  key: TileKey;
  value: number | null;
  previous: number | null;
}

export interface TrendDay {
  /** Local date (organization time zone) of the cases' start, YYYY-MM-DD. */
  day: string;
  cases: number;
  slaPct: number | null;
  fcrPct: number | null;
}

export interface Breakdown {
  value: string | null;
  cases: number;
  slaPct: number | null;
  fcrPct: number | null;
  reopenPct: number | null;
  medianResolution: number | null;
  csat: number | null;
}

export interface Overview {
  period: { from: string; to: string };
  previous: { from: string; to: string };
  tiles: Tile[];
  trend: TrendDay[];
  byMediaType: Breakdown[];
  byRequestType: Breakdown[];
}

/** Days of the default period (the last days of data) when the filter has neither `from` nor `to`. */
export const DEFAULT_PERIOD_DAYS = 30;

const TILE_KEYS: TileKey[] = ['cases', 'slaPct', 'fcrPct', 'reopenPct', 'medianResolution', 'aht', 'csat'];

type TileRow = Record<TileKey, number | null>;

/**
 * KPI tiles of the filtered cases in a period, against the previous period of equal length, with the
 * daily trend and the breakdowns by channel and request type.
 *
 * Period: the filter's [from, to). Without `to`: up to the end (local midnight, `timeZone`) of the last
 * day with data; without `from`: the 30 days before `to`. Previous period: [from − (to − from), from),
 * the same filter otherwise. Which cases belong to a period follows `dateMode`.
 *
 * Genesys log: SLA %, FCR %, reopen %, median resolution, CSAT from `cases` (as the KPI report), AHT =
 * mean talk + hold + after-call work over the handled conversations of the cases. Imported logs: cases
 * and median case duration only; their breakdowns are empty.
 */
export async function overview(store: Store, filter: Filter, timeZone = 'UTC'): Promise<Overview> {
  const period = await periodOf(store, filter, timeZone);
  const current: Filter = { ...filter, from: period.from, to: period.to };
  const before: Filter = { ...filter, from: period.previousFrom, to: period.from };
  const genesys = filter.dataset === 'default';

  const [now] = await filteredQuery<{
    tiles: TileRow;
    trend: TrendDay[];
    media: Breakdown[];
    types: Breakdown[];
  }>(store, current, (param) => {
    const tz = param(timeZone);
    const localDay = (utc: string) => `CAST(timezone(${tz}, timezone('UTC', ${utc})) AS DATE)`;
    const from = param(toUtcTimestamp(period.from, 'from'));
    const to = param(toUtcTimestamp(period.to, 'to'));
    return `,
    ${tileCtes(filter)},
    days AS (
      SELECT CAST(unnest(generate_series(${localDay(`CAST(${from} AS TIMESTAMP)`)},
        ${localDay(`CAST(${to} AS TIMESTAMP) - INTERVAL 1 MICROSECOND`)}, INTERVAL 1 DAY)) AS DATE) AS day),
    per_day AS (
      SELECT ${localDay('cs.case_start')} AS day, count(*) AS cases,
        100.0 * avg(f.is_sla_compliant::INTEGER) AS sla, 100.0 * avg(f.is_fcr::INTEGER) AS fcr
      FROM facts f JOIN case_stats cs USING (case_id) GROUP BY day),
    trend AS (
      SELECT coalesce(d.day, p.day) AS day, coalesce(p.cases, 0) AS cases, p.sla, p.fcr
      FROM days d FULL JOIN per_day p ON p.day = d.day),
    ${breakdown('media', 'media_type')},
    ${breakdown('types', 'request_type')}
    SELECT (SELECT ${tileStruct} FROM tiles) AS tiles,
      (SELECT list({day: strftime(day, '%Y-%m-%d'), cases: cases::DOUBLE, slaPct: sla::DOUBLE, fcrPct: fcr::DOUBLE}
        ORDER BY day) FROM trend) AS trend,
      ${genesys ? '(SELECT list(b ORDER BY b.cases DESC, b.value NULLS LAST) FROM media b)' : 'NULL'} AS media,
      ${genesys ? '(SELECT list(b ORDER BY b.cases DESC, b.value NULLS LAST) FROM types b)' : 'NULL'} AS types`;
  });
  const [then] = await filteredQuery<{ tiles: TileRow }>(
    store,
    before,
    () => `,
    ${tileCtes(filter)}
    SELECT (SELECT ${tileStruct} FROM tiles) AS tiles`,
  );

  const value = (tiles: TileRow | undefined, key: TileKey): number | null => {
    const v = tiles?.[key];
    if (key === 'cases') return num(v);
    if (key === 'medianResolution' || key === 'aht') return secOrNull(v);
    return pct(v);
  };
  const shape = (b: Breakdown): Breakdown => ({
    value: b.value,
    cases: num(b.cases),
    slaPct: pct(b.slaPct),
    fcrPct: pct(b.fcrPct),
    reopenPct: pct(b.reopenPct),
    medianResolution: secOrNull(b.medianResolution),
    csat: pct(b.csat),
  });
  return {
    period: { from: period.from, to: period.to },
    previous: { from: period.previousFrom, to: period.from },
    tiles: TILE_KEYS.map((key) => ({
      key,
      value: value(now?.tiles, key),
      previous: value(then?.tiles, key),
    })),
    trend: rows<TrendDay>(now?.trend).map((d) => ({
      day: d.day,
      cases: num(d.cases),
      slaPct: pct(d.slaPct),
      fcrPct: pct(d.fcrPct),
    })),
    byMediaType: rows<Breakdown>(now?.media).map(shape),
    byRequestType: rows<Breakdown>(now?.types).map(shape),
  };
}

const tileStruct = `{cases: cases::DOUBLE, slaPct: sla::DOUBLE, fcrPct: fcr::DOUBLE, reopenPct: reopen::DOUBLE,
  medianResolution: resolution::DOUBLE, aht: aht::DOUBLE, csat: csat::DOUBLE}`;

/** CTEs `facts` (one row per kept case) and `tiles` (one row). */
function tileCtes(filter: Filter): string {
  const aht =
    filter.dataset === 'default'
      ? `(SELECT avg((c.talk_ms + c.hold_ms + c.acw_ms) / 1000.0) FILTER (WHERE c.handled)
          FROM conversations c JOIN case_map m USING (conversation_id) JOIN sel ON sel.case_id = m.service_request)`
      : 'NULL::DOUBLE';
  return `facts AS (${caseFacts(filter)}),
    tiles AS (
      SELECT count(*) AS cases, 100.0 * avg(is_sla_compliant::INTEGER) AS sla, 100.0 * avg(is_fcr::INTEGER) AS fcr,
        100.0 * avg(is_reopened::INTEGER) AS reopen, median(resolution) AS resolution, ${aht} AS aht,
        avg(csat) AS csat
      FROM facts)`;
}

function breakdown(name: string, column: string): string {
  return `${name} AS (
      SELECT ${column} AS value, count(*)::DOUBLE AS cases, (100.0 * avg(is_sla_compliant::INTEGER))::DOUBLE AS slaPct,
        (100.0 * avg(is_fcr::INTEGER))::DOUBLE AS fcrPct, (100.0 * avg(is_reopened::INTEGER))::DOUBLE AS reopenPct,
        median(resolution)::DOUBLE AS medianResolution, avg(csat)::DOUBLE AS csat
      FROM facts GROUP BY ${column})`;
}

interface Period {
  from: string;
  to: string;
  previousFrom: string;
}

/** The period and the start of the previous one, ISO-8601 UTC. */
async function periodOf(store: Store, filter: Filter, timeZone: string): Promise<Period> {
  // Only the parameters the SQL uses are bound (DuckDB refuses the others).
  const params: Record<string, string> = {};
  const param = (name: string, value: string) => {
    params[name] = value;
    return `$${name}`;
  };
  const local = (utc: string) => `timezone(${param('tz', timeZone)}, timezone('UTC', ${utc}))`;
  const utc = (local: string) => `timezone('UTC', timezone(${param('tz', timeZone)}, ${local}))`;
  // The last day with data the viewer sees.
  const visible =
    filter.dataset === 'default' && filter.scope.divisions !== 'all'
      ? ` AND ${caseInScope(filter.scope, 'case_id')}`
      : '';
  const to = filter.to
    ? `CAST(${param('to', toUtcTimestamp(filter.to, 'to'))} AS TIMESTAMP)`
    : utc(
        `CAST(CAST(${local(`coalesce((SELECT max(ts) FROM mining_events WHERE dataset = ${param('dataset', filter.dataset)}${visible}),
        timezone('UTC', current_timestamp))`)} AS DATE) + 1 AS TIMESTAMP)`,
      );
  const from = filter.from
    ? `CAST(${param('from', toUtcTimestamp(filter.from, 'from'))} AS TIMESTAMP)`
    : utc(`${local('t.to_ts')} - INTERVAL ${DEFAULT_PERIOD_DAYS} DAY`);
  const row = await store.db.one<{ from: string; to: string; previous: string }>(
    `WITH t AS (SELECT ${to} AS to_ts), f AS (SELECT ${from} AS from_ts, to_ts FROM t)
     SELECT ${iso('from_ts')} AS "from", ${iso('to_ts')} AS "to", ${iso('from_ts - (to_ts - from_ts)')} AS previous
     FROM f`,
    params,
  );
  if (!row) throw new Error('overview: no period');
  if (Date.parse(row.from) >= Date.parse(row.to)) {
    throw new RangeError(`from (${row.from}) is not before to (${row.to})`);
  }
  return { from: row.from, to: row.to, previousFrom: row.previous };
}
