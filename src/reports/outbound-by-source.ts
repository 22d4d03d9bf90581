/**
 * Outbound messages by source (README "Reports"): messages sent to contacts per period and source (agent,
 * workflow — bots included —, broadcast, API), failed ones included. The agent filter keeps the messages
 * those agents sent; the team filter the messages agents of those teams sent.
 */
import type { Store } from '../store/index.ts';
import { OUTBOUND_SOURCES, type OutboundSource, sqlString, teamSql } from './definitions.ts';
import {
  type CsvColumn,
  dateText,
  type Interval,
  periodSql,
  periodsSql,
  query,
  type ReportContext,
  type ReportFilter,
  type ReportLang,
  rowsCsv,
  SqlParams,
  visibleMessages,
} from './filters.ts';

export interface OutboundBySourceRow {
  period: string;
  source: OutboundSource;
  count: number;
}

export interface OutboundBySource {
  timeZone: string;
  interval: Interval;
  rows: OutboundBySourceRow[];
}

export async function outboundBySource(
  store: Store,
  ctx: ReportContext,
  filter: ReportFilter,
  interval: Interval,
): Promise<OutboundBySource> {
  const p = new SqlParams();
  const where = [`m.direction = 'outbound'`, ...visibleMessages(ctx)];
  if (filter.from) where.push(`m.sent_at >= ${p.timestamp(filter.from, 'from')}`);
  if (filter.to) where.push(`m.sent_at < ${p.timestamp(filter.to, 'to')}`);
  if (filter.channel?.length) where.push(`m.channel IN (${p.list(filter.channel)})`);
  if (filter.agent?.length) {
    const l = p.list(filter.agent);
    where.push(`m.sender_type = 'agent' AND (m.sender_id IN (${l}) OR u.name IN (${l}))`);
  }
  if (filter.team?.length) {
    where.push(
      `m.sender_type = 'agent' AND ${teamSql(ctx.teams, 'm.sender_id', 'u.name', 'c.team')} IN (${p.list(filter.team)})`,
    );
  }
  const sources = OUTBOUND_SOURCES.map((s, i) => `(${sqlString(s)}, ${i})`).join(', ');
  const rows = await query<OutboundBySourceRow>(
    store,
    `WITH users AS (SELECT id, min(name) AS name FROM directory WHERE kind = 'users' GROUP BY id),
    sel AS (
      SELECT ${periodSql('m.sent_at', interval, ctx.timeZone)} AS period,
        coalesce(m.source, CASE m.sender_type WHEN 'bot' THEN 'workflow' ELSE m.sender_type END) AS source
      FROM support_message_facts m
      LEFT JOIN support_conversations c ON c.conversation_id = m.conversation_id
      LEFT JOIN users u ON u.id = m.sender_id
      WHERE ${where.join(' AND ')}
    ),
    periods AS (${periodsSql(p, filter, interval, ctx.timeZone, 'sel')}),
    sources AS (SELECT * FROM (VALUES ${sources}) AS s(source, ord)),
    counts AS (SELECT period, source, count(*) AS n FROM sel GROUP BY ALL)
    SELECT ${dateText('periods.period')} AS period, sources.source, coalesce(counts.n, 0)::INTEGER AS count
    FROM periods CROSS JOIN sources
    LEFT JOIN counts ON counts.period = periods.period AND counts.source = sources.source
    ORDER BY periods.period, sources.ord`,
    p,
  );
  return { timeZone: ctx.timeZone, interval, rows };
}

const COLUMNS: readonly CsvColumn<OutboundBySourceRow>[] = [
  { en: 'Period', fr: 'Période', value: (r) => r.period },
  { en: 'Source', fr: 'Source', value: (r) => r.source },
  { en: 'Outbound messages', fr: 'Messages sortants', value: (r) => r.count },
];

export const outboundBySourceCsv = (report: OutboundBySource, lang: ReportLang): string =>
  rowsCsv(COLUMNS, report.rows, lang);
