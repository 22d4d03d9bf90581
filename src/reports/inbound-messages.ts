/**
 * Inbound messages by channel (README "Reports"): messages from contacts per period and channel (the
 * message's channel, else its conversation's; 'unknown' without either). The team and agent filters keep
 * the messages of conversations of those teams or agents (assignee or resolver).
 */
import type { Store } from '../store/index.ts';
import {
  agentCondition,
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
  teamCondition,
  visibleMessages,
} from './filters.ts';

export interface InboundMessagesRow {
  period: string;
  channel: string;
  count: number;
}

export interface InboundMessages {
  timeZone: string;
  interval: Interval;
  /** Channels of the selection, most messages first. */
  channels: string[];
  rows: InboundMessagesRow[];
}

export async function inboundMessages(
  store: Store,
  ctx: ReportContext,
  filter: ReportFilter,
  interval: Interval,
): Promise<InboundMessages> {
  const p = new SqlParams();
  const where = [`m.direction = 'inbound'`, ...visibleMessages(ctx)];
  if (filter.from) where.push(`m.sent_at >= ${p.timestamp(filter.from, 'from')}`);
  if (filter.to) where.push(`m.sent_at < ${p.timestamp(filter.to, 'to')}`);
  if (filter.channel?.length) where.push(`m.channel IN (${p.list(filter.channel)})`);
  if (filter.agent?.length) where.push(agentCondition(p, filter.agent, 'any'));
  if (filter.team?.length) where.push(teamCondition(p, ctx, filter.team, 'any'));
  const withSql = `WITH sel AS (
      SELECT ${periodSql('m.sent_at', interval, ctx.timeZone)} AS period, coalesce(m.channel, 'unknown') AS channel
      FROM support_message_facts m
      LEFT JOIN support_conversations c ON c.conversation_id = m.conversation_id
      WHERE ${where.join(' AND ')}
    ),
    channels AS (SELECT channel, count(*) AS n FROM sel GROUP BY channel)`;
  const channels = await query<{ channel: string }>(
    store,
    `${withSql} SELECT channel FROM channels ORDER BY n DESC, channel`,
    p,
  );
  const rows = await query<InboundMessagesRow>(
    store,
    `${withSql},
    periods AS (${periodsSql(p, filter, interval, ctx.timeZone, 'sel')}),
    counts AS (SELECT period, channel, count(*) AS n FROM sel GROUP BY ALL)
    SELECT ${dateText('periods.period')} AS period, channels.channel, coalesce(counts.n, 0)::INTEGER AS count
    FROM periods CROSS JOIN channels
    LEFT JOIN counts ON counts.period = periods.period AND counts.channel = channels.channel
    ORDER BY periods.period, channels.n DESC, channels.channel`,
    p,
  );
  return { timeZone: ctx.timeZone, interval, channels: channels.map((c) => c.channel), rows };
}

const COLUMNS: readonly CsvColumn<InboundMessagesRow>[] = [
  { en: 'Period', fr: 'Période', value: (r) => r.period },
  { en: 'Channel', fr: 'Canal', value: (r) => r.channel },
  { en: 'Inbound messages', fr: 'Messages entrants', value: (r) => r.count },
];

export const inboundMessagesCsv = (report: InboundMessages, lang: ReportLang): string =>
  rowsCsv(COLUMNS, report.rows, lang);
