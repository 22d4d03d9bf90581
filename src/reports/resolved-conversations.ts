/**
 * Resolved conversations with anomaly flags (README "Reports"): the resolved conversations opened in the
 * period, newest resolution first, with their closing note and case. A conversation is flagged
 * `long-resolution` when its resolution time, `many-messages` when its message count, is beyond (greater
 * than) the 95th percentile (quantile_cont 0.95) of the resolved conversations of the same channel in the
 * selection (period and filters) — computed only for a channel with at least 20 of them.
 */
import type { Store } from '../store/index.ts';
import { iso } from '../store/index.ts';
import {
  type CsvColumn,
  conversationsSql,
  query,
  type ReportContext,
  type ReportFilter,
  type ReportLang,
  rowsCsv,
  SqlParams,
  timingsSql,
} from './filters.ts';

export const ANOMALY_FLAGS = ['long-resolution', 'many-messages'] as const;
export type AnomalyFlag = (typeof ANOMALY_FLAGS)[number];
export const ANOMALY_FILTERS = ['all', 'only'] as const;
export type AnomalyFilter = (typeof ANOMALY_FILTERS)[number];

/** The percentile of the rule, and the fewest resolved conversations of a channel it needs. */
export const ANOMALY_QUANTILE = 0.95;
export const ANOMALY_MIN_CONVERSATIONS = 20;

export function anomalyRule(businessHours: boolean): string {
  return (
    'A resolved conversation is flagged long-resolution when its resolution time, and many-messages when its ' +
    'message count, is greater than the 95th percentile (quantile_cont 0.95) of the resolved conversations ' +
    'of the same channel in the selected period and filters; a channel with fewer than ' +
    `${ANOMALY_MIN_CONVERSATIONS} resolved conversations in the selection gets no flag.` +
    (businessHours ? ' Resolution times count only opening hours.' : '')
  );
}

export interface AnomalyThreshold {
  /** The channel ('unknown' for conversations without one). */
  channel: string;
  /** The 95th percentile of resolution seconds; null below 20 resolved conversations. */
  resolutionSeconds: number | null;
  /** The 95th percentile of message counts; null below 20 resolved conversations. */
  messages: number | null;
}

export interface ResolvedConversationRow {
  conversationId: string;
  channel: string | null;
  openedAt: string;
  resolvedAt: string;
  contactId: string | null;
  /** The assignee's name (else id). */
  assignee: string | null;
  /** The resolver's name (else id). */
  resolver: string | null;
  /** Inbound + outbound messages (the source's counts when the conversation has no message). */
  messages: number;
  resolutionSeconds: number | null;
  flags: AnomalyFlag[];
  /** The closing note. */
  summary: string | null;
  /** The case (service request) the conversation belongs to. */
  serviceRequest: string | null;
}

export interface ResolvedConversations {
  rule: string;
  total: number;
  page: number;
  pageSize: number;
  thresholds: AnomalyThreshold[];
  rows: ResolvedConversationRow[];
}

export interface ResolvedConversationsOptions {
  page?: number;
  pageSize?: number;
  anomalies?: AnomalyFilter;
}

export async function resolvedConversations(
  store: Store,
  ctx: ReportContext,
  filter: ReportFilter,
  { page = 1, pageSize = 50, anomalies = 'all' }: ResolvedConversationsOptions = {},
): Promise<ResolvedConversations> {
  const p = new SqlParams();
  const conversations = conversationsSql(p, ctx, filter, 'any', ['c.resolved_at IS NOT NULL']);
  const timings = await timingsSql(store, p, ctx, filter.businessHours, conversations);
  const withSql = `WITH c AS (${conversations})${timings.with ? `, ${timings.with}` : ''},
    r AS (
      SELECT c.*, coalesce(c.channel, 'unknown') AS grp,
        (coalesce(c.inbound_count, 0) + coalesce(c.outbound_count, 0))::INTEGER AS messages,
        ${timings.resolution} AS seconds
      FROM c
    ),
    th AS (
      SELECT grp, count(*) AS n, quantile_cont(seconds, ${ANOMALY_QUANTILE}) AS p_seconds,
        quantile_cont(messages, ${ANOMALY_QUANTILE}) AS p_messages
      FROM r GROUP BY grp
    ),
    f AS (
      SELECT r.*, coalesce(th.n >= ${ANOMALY_MIN_CONVERSATIONS} AND r.seconds > th.p_seconds, false) AS long_resolution,
        coalesce(th.n >= ${ANOMALY_MIN_CONVERSATIONS} AND r.messages > th.p_messages, false) AS many_messages
      FROM r JOIN th USING (grp)
    ),
    sel AS (SELECT * FROM f ${anomalies === 'only' ? 'WHERE long_resolution OR many_messages' : ''})`;
  // Thresholds of every channel, with the number of listed conversations on each row (none: none listed).
  const thresholdRows = await query<AnomalyThreshold & { total: number }>(
    store,
    `${withSql}
    SELECT grp AS channel,
      CASE WHEN n >= ${ANOMALY_MIN_CONVERSATIONS} THEN round(p_seconds, 3)::DOUBLE END AS "resolutionSeconds",
      CASE WHEN n >= ${ANOMALY_MIN_CONVERSATIONS} THEN round(p_messages, 3)::DOUBLE END AS messages,
      (SELECT count(*) FROM sel)::INTEGER AS total
    FROM th ORDER BY n DESC, grp`,
    p,
  );
  const thresholds = thresholdRows.map(({ total: _, ...t }) => t);
  const found = await query<
    Omit<ResolvedConversationRow, 'flags'> & { longResolution: boolean; manyMessages: boolean }
  >(
    store,
    `${withSql}
    SELECT conversation_id AS "conversationId", channel, ${iso('opened_at')} AS "openedAt",
      ${iso('resolved_at')} AS "resolvedAt", contact_id AS "contactId",
      coalesce(assignee_name, assignee_id) AS assignee, coalesce(resolver_name, resolver_id) AS resolver,
      messages, round(seconds, 3)::DOUBLE AS "resolutionSeconds", long_resolution AS "longResolution",
      many_messages AS "manyMessages", summary, service_request AS "serviceRequest"
    FROM sel
    ORDER BY resolved_at DESC, conversation_id
    LIMIT ${Math.trunc(pageSize)} OFFSET ${Math.trunc((page - 1) * pageSize)}`,
    p,
  );
  const rows = found.map(({ longResolution, manyMessages, ...row }) => ({
    ...row,
    flags: [
      ...(longResolution ? (['long-resolution'] as const) : []),
      ...(manyMessages ? (['many-messages'] as const) : []),
    ],
  }));
  return {
    rule: anomalyRule(filter.businessHours),
    total: thresholdRows[0]?.total ?? 0,
    page,
    pageSize,
    thresholds,
    rows,
  };
}

const COLUMNS: readonly CsvColumn<ResolvedConversationRow>[] = [
  { en: 'Conversation ID', fr: 'ID conversation', value: (r) => r.conversationId },
  { en: 'Channel', fr: 'Canal', value: (r) => r.channel },
  { en: 'Opened at', fr: 'Ouverte le', value: (r) => r.openedAt },
  { en: 'Resolved at', fr: 'Résolue le', value: (r) => r.resolvedAt },
  { en: 'Contact ID', fr: 'ID contact', value: (r) => r.contactId },
  { en: 'Assignee', fr: 'Assignée à', value: (r) => r.assignee },
  { en: 'Resolver', fr: 'Résolue par', value: (r) => r.resolver },
  { en: 'Messages', fr: 'Messages', value: (r) => r.messages },
  { en: 'Resolution time (s)', fr: 'Temps de résolution (s)', value: (r) => r.resolutionSeconds },
  { en: 'Flags', fr: 'Anomalies', value: (r) => r.flags.join(' ') },
  { en: 'Summary', fr: 'Résumé', value: (r) => r.summary },
  { en: 'Service request', fr: 'Demande de service', value: (r) => r.serviceRequest },
];

export const resolvedConversationsCsv = (report: ResolvedConversations, lang: ReportLang): string =>
  rowsCsv(COLUMNS, report.rows, lang);
