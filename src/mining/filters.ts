import { z } from 'zod';
import { type DataScope, FULL_SCOPE } from '../access/index.ts';
import { caseInScope, parseDateOrDateTime, toUtcTimestamp } from '../store/index.ts';

const list = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean))
  .optional();
const bool = z
  .union([z.boolean(), z.enum(['true', 'false'])])
  .transform((v) => v === true || v === 'true')
  .optional();
/** An ISO-8601 date (a UTC day) or date-time. */
export const isoDateOrDateTime = z.string().refine((v) => !Number.isNaN(parseDateOrDateTime(v)), {
  message: 'not an ISO-8601 date or date-time',
});
const date = isoDateOrDateTime.optional();
const seconds = z.coerce.number().min(0).optional();

/**
 * Filters shared by every mining view and report. Query-string friendly: lists are comma-separated
 * (or repeated), booleans 'true'/'false'. Values of one list are alternatives (OR); different filters
 * combine (AND). A case is kept or dropped as a whole.
 */
export const filterSchema = z.object({
  dataset: z.string().min(1).default('default'),
  /** Date range on EventTime (UTC): `from` inclusive, `to` exclusive. */
  from: date,
  to: date,
  /** 'start': the case starts in the range; 'any': one of its events is in the range. */
  dateMode: z.enum(['start', 'any']).default('start'),
  mediaType: list,
  queue: list,
  requestType: list,
  agent: list,
  variant: list,
  slaCompliant: bool,
  reopened: bool,
  fcr: bool,
  /** Case duration bounds in seconds (first event start → last event end). */
  minDuration: seconds,
  maxDuration: seconds,
  /** Cases that contain every one of these activities. */
  activity: list,
  /** Cases where X is directly followed by Y: "X>Y" (several: all required). */
  follows: list,
});

/**
 * The parsed filter and the viewer's scope: the Genesys log keeps the cases with a conversation in one of
 * the scope's divisions (an imported dataset is seen whole or not at all: datasetInScope, checked by the
 * API), and masks queue names without routing:queue:search.
 */
export type Filter = z.output<typeof filterSchema> & { scope: DataScope };
export type FilterInput = z.input<typeof filterSchema>;

/** The filter of these parameters; the CLI's scope is FULL_SCOPE (the default). */
export function parseFilter(input: FilterInput = {}, scope: DataScope = FULL_SCOPE): Filter {
  return { ...filterSchema.parse(input), scope };
}

/** SQL: order of the events of a case (time, then the activity table's order or the file order). */
export const EVENT_ORDER = 'ts, tiebreak, conversation_id NULLS FIRST, seq';

/**
 * SQL aggregate: the variant id of a case from its events' `activity` and `pos` (1-based order). An
 * order-sensitive hash that needs no ordered aggregate (those dominate the cost on millions of events).
 */
export const VARIANT_ID = 'substr(md5(CAST(sum(hash(activity, pos)) AS VARCHAR)), 1, 12)';

export interface FilteredSql {
  /**
   * A WITH clause defining:
   * - `ev`: every event of the dataset with `pos` (1-based order in its case) and `next_activity`,
   *   `next_ts` (the directly-following event);
   * - `case_stats`: one row per case: case_start, case_end, duration (s), events, variant, flags;
   * - `sel`: the case ids the filter keeps;
   * - `fev`: the events of the kept cases (columns of `ev`).
   */
  with: string;
  params: Record<string, string | number | boolean>;
}

/** Builds the filtered event set every mining query starts from. */
export function filteredEvents(filter: Filter): FilteredSql {
  const params: Record<string, string | number | boolean> = { dataset: filter.dataset };
  let n = 0;
  const param = (value: string | number | boolean): string => {
    const name = `p${n++}`;
    params[name] = value;
    return `$${name}`;
  };
  const inList = (column: string, values: string[]) => `${column} IN (${values.map(param).join(', ')})`;

  const caseConditions: string[] = [];
  const { scope } = filter;
  if (filter.dataset === 'default' && scope.divisions !== 'all')
    caseConditions.push(caseInScope(scope, 'cs.case_id'));
  if (scope.maskQueues && filter.queue?.length)
    throw new RangeError('queue: filtering by queue needs the permission routing:queue:search');
  const from = filter.from ? param(toUtcTimestamp(filter.from, 'from')) : null;
  const to = filter.to ? param(toUtcTimestamp(filter.to, 'to')) : null;
  if (filter.dateMode === 'start') {
    if (from) caseConditions.push(`cs.case_start >= CAST(${from} AS TIMESTAMP)`);
    if (to) caseConditions.push(`cs.case_start < CAST(${to} AS TIMESTAMP)`);
  } else if (from || to) {
    const parts = [
      from ? `ts >= CAST(${from} AS TIMESTAMP)` : 'true',
      to ? `ts < CAST(${to} AS TIMESTAMP)` : 'true',
    ];
    caseConditions.push(`cs.case_id IN (SELECT case_id FROM ev WHERE ${parts.join(' AND ')})`);
  }
  const any = (column: string, values: string[] | undefined) => {
    if (values?.length)
      caseConditions.push(`cs.case_id IN (SELECT case_id FROM ev WHERE ${inList(column, values)})`);
  };
  any('media_type', filter.mediaType);
  any('queue_name', filter.queue);
  any('request_type', filter.requestType);
  any('resource', filter.agent);
  for (const activity of filter.activity ?? []) {
    caseConditions.push(`cs.case_id IN (SELECT case_id FROM ev WHERE activity = ${param(activity)})`);
  }
  for (const pair of filter.follows ?? []) {
    const parts = pair.split('>').map((s) => s.trim());
    const [a, b] = parts;
    if (parts.length !== 2 || !a || !b) throw new RangeError(`follows: "${pair}" is not "X>Y"`);
    caseConditions.push(
      `cs.case_id IN (SELECT case_id FROM ev WHERE activity = ${param(a)} AND next_activity = ${param(b)})`,
    );
  }
  if (filter.variant?.length) caseConditions.push(inList('cs.variant', filter.variant));
  const flag = (column: string, value: boolean | undefined) => {
    if (value !== undefined) caseConditions.push(`cs.${column} = ${param(value)}`);
  };
  flag('is_sla_compliant', filter.slaCompliant);
  flag('is_reopened', filter.reopened);
  flag('is_fcr', filter.fcr);
  if (filter.minDuration !== undefined) caseConditions.push(`cs.duration >= ${param(filter.minDuration)}`);
  if (filter.maxDuration !== undefined) caseConditions.push(`cs.duration <= ${param(filter.maxDuration)}`);

  const where = caseConditions.length ? `WHERE ${caseConditions.join(' AND ')}` : '';
  const columns = scope.maskQueues ? '* REPLACE (NULL::VARCHAR AS queue_name)' : '*';
  // mining_ev / mining_cases hold positions, next events and case figures (src/mining/materialize.ts).
  const sql = `WITH
  ev AS NOT MATERIALIZED (SELECT ${columns} FROM mining_ev WHERE dataset = $dataset),
  case_stats AS NOT MATERIALIZED (SELECT * FROM mining_cases WHERE dataset = $dataset),
  sel AS (SELECT cs.case_id FROM case_stats cs ${where}),
  fev AS NOT MATERIALIZED (SELECT ev.* FROM ev${where ? ' JOIN sel USING (case_id)' : ''})`;
  return { with: sql, params };
}
