/**
 * What every support report shares (README "Reports"): the query parameters (period, teams, agents,
 * channels, business hours, CSV output), the filtered conversation and message sets as SQL, the periods of
 * the organization's calendar, and the business-hours versions of first-response and resolution times.
 */
import { z } from 'zod';
import type { DataScope } from '../access/index.ts';
import { businessHoursOf, type CaseflowConfig } from '../config/index.ts';
import {
  conversationInScope,
  messageInScope,
  parseDateOrDateTime,
  type Store,
  toUtcTimestamp,
} from '../store/index.ts';
import { type CsvValue, toCsv } from './csv.ts';
import {
  type BusinessHours,
  businessSecondsSql,
  localTimestampSql,
  openingIntervals,
  openingIntervalsSql,
  type Teams,
  teamSql,
} from './definitions.ts';

// ---------------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------------

const list = (what: string) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((v) =>
      (Array.isArray(v) ? v : [v])
        .flatMap((s) => s.split(','))
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .optional()
    .describe(what);

const instant = (what: string) =>
  z
    .string()
    .refine((v) => !Number.isNaN(parseDateOrDateTime(v)), { message: 'not an ISO-8601 date or date-time' })
    .optional()
    .describe(what);

export const REPORT_FORMATS = ['json', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export const REPORT_LANGS = ['en', 'fr'] as const;
export type ReportLang = (typeof REPORT_LANGS)[number];
export const INTERVALS = ['day', 'week', 'month'] as const;
export type Interval = (typeof INTERVALS)[number];

/**
 * The filter every report takes. Query-string friendly: lists are comma-separated (or repeated), booleans
 * 'true'/'false'. Values of one list are alternatives (OR); different filters combine (AND).
 */
export const reportFilterSchema = z.object({
  from: instant(
    "from this instant, inclusive (ISO-8601; a bare date is that UTC day's start): the conversation's opening, or the message's time",
  ),
  to: instant('up to this instant, exclusive (ISO-8601; a bare date is that UTC day)'),
  team: list('team names, comma-separated (teams of support.teams, else of the source)'),
  agent: list('agent ids (or names), comma-separated'),
  channel: list('channels, comma-separated (chat, email, voice, whatsapp, …)'),
  businessHours: z
    .union([z.boolean(), z.enum(['true', 'false'])])
    .transform((v) => v === true || v === 'true')
    .default(false)
    .describe('true: first-response and resolution times count only opening hours (support.businessHours)'),
  format: z.enum(REPORT_FORMATS).default('json').describe('json, or csv: the same rows as a CSV download'),
  lang: z.enum(REPORT_LANGS).default('en').describe('language of the CSV headers'),
});

export type ReportFilter = z.output<typeof reportFilterSchema>;

/** A period that ends before it starts is a mistake, not an empty report: RangeError (a 400 / exit 2). */
export function assertPeriod(filter: { from?: string | undefined; to?: string | undefined }): void {
  if (filter.from && filter.to && parseDateOrDateTime(filter.to) <= parseDateOrDateTime(filter.from)) {
    throw new RangeError(`to: must be after from (from ${filter.from}, to ${filter.to})`);
  }
}
export type ReportFilterInput = z.input<typeof reportFilterSchema>;

export const intervalSchema = z
  .enum(INTERVALS)
  .default('day')
  .describe('period of each row: day, week (from Monday) or month, in the organization time zone');

/** What the reports read from the configuration, and whose view they are. */
export interface ReportContext {
  /**
   * The viewer's divisions: the conversations of those divisions, and the messages of those conversations
   * (a message of no conversation is in the default division). The CLI's is FULL_SCOPE.
   */
  scope: DataScope;
  /** organization.timeZone: weekdays, hours and periods are of this zone. */
  timeZone: string;
  /** support.teams: they win over the team the source gives. */
  teams: Teams;
  /** support.businessHours, for businessHours=true. */
  businessHours: BusinessHours;
}

export function reportContext(config: CaseflowConfig, scope: DataScope): ReportContext {
  return {
    scope,
    timeZone: config.organization.timeZone,
    teams: config.support.teams,
    businessHours: businessHoursOf(config),
  };
}

// ---------------------------------------------------------------------------------------------
// SQL
// ---------------------------------------------------------------------------------------------

/** Named parameters of one query. */
export class SqlParams {
  readonly params: Record<string, string | number | boolean> = {};
  private n = 0;

  value(v: string | number | boolean): string {
    const name = `p${this.n++}`;
    this.params[name] = v;
    return `$${name}`;
  }

  list(values: readonly string[]): string {
    return values.map((v) => this.value(v)).join(', ');
  }

  /** A `from` / `to` parameter as a UTC TIMESTAMP. */
  timestamp(value: string, name: 'from' | 'to'): string {
    return `CAST(${this.value(toUtcTimestamp(value, name))} AS TIMESTAMP)`;
  }
}

/** Rows of a query as objects; only the parameters the SQL names are bound (DuckDB refuses others). */
export function query<T>(store: Store, sql: string, params: SqlParams): Promise<T[]> {
  const used = new Set(Array.from(sql.matchAll(/\$(p\d+)\b/g), (m) => m[1]));
  const bound = Object.fromEntries(Object.entries(params.params).filter(([name]) => used.has(name)));
  return store.db.all<T>(sql, bound);
}

/**
 * Whose conversation it is for the agent and team filters: `any` (its assignee or its resolver), the
 * assignee (first response) or the resolver (resolution, agent performance).
 */
export type AgentRole = 'any' | 'assignee' | 'resolver';

/** SQL: the team of a conversation's assignee / resolver (configuration first, else the source's team). */
export const assigneeTeamSql = (teams: Teams, alias = 'c'): string =>
  teamSql(teams, `${alias}.assignee_id`, `${alias}.assignee_name`, `${alias}.team`);
export const resolverTeamSql = (teams: Teams, alias = 'c'): string =>
  teamSql(teams, `${alias}.resolver_id`, `${alias}.resolver_name`, `${alias}.team`);

/** SQL condition: one of the agents (by id or name) in a role of conversation `alias`. */
export function agentCondition(
  p: SqlParams,
  agents: readonly string[],
  role: AgentRole,
  alias = 'c',
): string {
  const l = p.list(agents);
  const assignee = `(${alias}.assignee_id IN (${l}) OR ${alias}.assignee_name IN (${l}))`;
  const resolver = `(${alias}.resolver_id IN (${l}) OR ${alias}.resolver_name IN (${l}))`;
  return role === 'assignee' ? assignee : role === 'resolver' ? resolver : `(${assignee} OR ${resolver})`;
}

/** SQL condition: the team of the role's agent of conversation `alias` is one of these. */
export function teamCondition(
  p: SqlParams,
  ctx: ReportContext,
  teams: readonly string[],
  role: AgentRole,
  alias = 'c',
): string {
  const l = p.list(teams);
  const assignee = `${assigneeTeamSql(ctx.teams, alias)} IN (${l})`;
  const resolver = `${resolverTeamSql(ctx.teams, alias)} IN (${l})`;
  return role === 'assignee' ? assignee : role === 'resolver' ? resolver : `(${assignee} OR ${resolver})`;
}

/**
 * SQL (a SELECT) of the conversations the filter keeps: the columns of support_conversation_facts (alias
 * `c`) plus assignee_team and resolver_team. The period is on opened_at; `extra` are more conditions.
 */
export function conversationsSql(
  p: SqlParams,
  ctx: ReportContext,
  filter: ReportFilter,
  role: AgentRole,
  extra: readonly string[] = [],
): string {
  const where = [...visibleConversations(ctx), ...extra];
  if (filter.from) where.push(`c.opened_at >= ${p.timestamp(filter.from, 'from')}`);
  if (filter.to) where.push(`c.opened_at < ${p.timestamp(filter.to, 'to')}`);
  if (filter.channel?.length) where.push(`c.channel IN (${p.list(filter.channel)})`);
  if (filter.agent?.length) where.push(agentCondition(p, filter.agent, role));
  if (filter.team?.length) where.push(teamCondition(p, ctx, filter.team, role));
  return `SELECT c.*, ${assigneeTeamSql(ctx.teams)} AS assignee_team, ${resolverTeamSql(ctx.teams)} AS resolver_team
    FROM support_conversation_facts c ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
}

/** SQL conditions on support conversation `alias`: in the viewer's divisions (none for every division). */
export function visibleConversations(ctx: ReportContext, alias = 'c'): string[] {
  return ctx.scope.divisions === 'all' ? [] : [conversationInScope(ctx.scope, `${alias}.conversation_id`)];
}

/** SQL conditions on a message of support_message_facts `alias`: its conversation is in the viewer's divisions. */
export function visibleMessages(ctx: ReportContext, alias = 'm'): string[] {
  return ctx.scope.divisions === 'all' ? [] : [messageInScope(ctx.scope, `${alias}.conversation_id`)];
}

/** SQL: a period's first day (DATE) of a UTC TIMESTAMP expression, on the organization's calendar. */
export const periodSql = (utcExpr: string, interval: Interval, timeZone: string): string =>
  `date_trunc('${interval}', ${localTimestampSql(utcExpr, timeZone)})::DATE`;

/** At most this many periods in one answer (ten years of days). */
export const MAX_PERIODS = 3660;
const PERIOD_DAYS: Record<Interval, number> = { day: 1, week: 7, month: 28 };

/**
 * SQL of a CTE body listing every period (column `period`, DATE) from the one holding `from` (else the
 * first of `data`) to the one holding the last instant before `to` (else the last of `data`), so that
 * charts show empty periods. `data`: a relation with a `period` column.
 */
export function periodsSql(
  p: SqlParams,
  filter: ReportFilter,
  interval: Interval,
  timeZone: string,
  data: string,
) {
  if (filter.from && filter.to) {
    const days = (parseDateOrDateTime(filter.to) - parseDateOrDateTime(filter.from)) / 86_400_000;
    if (days / PERIOD_DAYS[interval] > MAX_PERIODS) {
      throw new RangeError(
        `interval: from–to holds more than ${MAX_PERIODS} periods of a ${interval}; choose a longer interval or a shorter range`,
      );
    }
  }
  const lo = filter.from ? periodSql(p.timestamp(filter.from, 'from'), interval, timeZone) : 'NULL::DATE';
  const hi = filter.to
    ? periodSql(`(${p.timestamp(filter.to, 'to')} - INTERVAL 1 MILLISECOND)`, interval, timeZone)
    : 'NULL::DATE';
  return `SELECT unnest(generate_series(lo::TIMESTAMP, hi::TIMESTAMP, INTERVAL 1 ${interval}))::DATE AS period
    FROM (SELECT coalesce(${lo}, min(period)) AS lo, coalesce(${hi}, max(period)) AS hi FROM ${data})
    WHERE lo IS NOT NULL AND hi IS NOT NULL AND lo <= hi`;
}

/** SQL: a DATE as 'YYYY-MM-DD'. */
export const dateText = (expr: string): string => `strftime(${expr}, '%Y-%m-%d')`;

/**
 * First-response and resolution seconds of the conversations of `conversationsSelect` (alias `c` in the
 * expressions): plain, or with businessHours only the seconds inside opening hours. `with` is a CTE
 * (`oi`, the opening intervals covering the conversations) to put in the query's WITH clause, or ''.
 */
export async function timingsSql(
  store: Store,
  p: SqlParams,
  ctx: ReportContext,
  businessHours: boolean,
  conversationsSelect: string,
): Promise<{ with: string; firstResponse: string; resolution: string }> {
  if (!businessHours) {
    return { with: '', firstResponse: 'c.first_response_seconds', resolution: 'c.resolution_seconds' };
  }
  const [bounds] = await query<{ lo: number | null; hi: number | null }>(
    store,
    `WITH c AS (${conversationsSelect})
     SELECT epoch_ms(min(least(opened_at, response_from)))::DOUBLE AS lo,
       epoch_ms(max(greatest(opened_at, resolved_at, first_response_at)))::DOUBLE AS hi FROM c`,
    p,
  );
  const intervals =
    bounds?.lo == null || bounds.hi == null
      ? []
      : openingIntervals(bounds.lo, bounds.hi + 1, ctx.businessHours);
  return {
    with: `oi AS ${openingIntervalsSql(intervals)}`,
    firstResponse: businessSecondsSql('c.response_from', 'c.first_response_at', 'oi'),
    resolution: businessSecondsSql('c.opened_at', 'c.resolved_at', 'oi'),
  };
}

/** SQL: an average of seconds, rounded to the millisecond. */
export const avgSeconds = (expr: string): string => `round(avg(${expr}), 3)::DOUBLE`;

// ---------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------

/** One column of a report's CSV: its header in each language and its cell. */
export interface CsvColumn<R> {
  en: string;
  fr: string;
  value: (row: R) => CsvValue;
}

/** A report's rows as a spreadsheet-safe CSV document (src/reports/csv.ts), headers in `lang`. */
export function rowsCsv<R>(columns: readonly CsvColumn<R>[], rows: readonly R[], lang: ReportLang): string {
  return toCsv(
    columns.map((c) => c[lang]),
    rows.map((r) => columns.map((c) => c.value(r))),
  );
}

/** Every team a filter can name: the configured ones and those the sources give (in the viewer's divisions), sorted. */
export async function teamNames(store: Store, ctx: ReportContext): Promise<string[]> {
  const visible = visibleConversations(ctx);
  const where = visible.length ? ` WHERE ${visible.join(' AND ')}` : '';
  const rows = await store.db.all<{ team: string }>(
    `SELECT DISTINCT ${assigneeTeamSql(ctx.teams)} AS team FROM support_conversation_facts c${where}
     UNION SELECT DISTINCT ${resolverTeamSql(ctx.teams)} FROM support_conversation_facts c${where}`,
  );
  const names = new Set([...Object.keys(ctx.teams), ...rows.map((r) => r.team).filter(Boolean)]);
  return [...names].sort((a, b) => a.localeCompare(b));
}
