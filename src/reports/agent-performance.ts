/**
 * Agent performance (README "Reports"): one row per agent, every figure over the conversations the agent
 * closed (resolver) that were opened in the period: conversations closed, messages the agent sent in them,
 * average first-response, resolution and handle times, transfers, average CSAT. The team and agent filters
 * apply to the resolver.
 */
import type { Store } from '../store/index.ts';
import {
  avgSeconds,
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

export interface AgentPerformanceRow {
  agentId: string;
  agentName: string;
  team: string | null;
  conversationsClosed: number;
  messagesSent: number;
  avgFirstResponseSeconds: number | null;
  avgResolutionSeconds: number | null;
  avgHandleSeconds: number | null;
  transfers: number;
  csat: number | null;
}

export interface AgentPerformance {
  rows: AgentPerformanceRow[];
}

export async function agentPerformance(
  store: Store,
  ctx: ReportContext,
  filter: ReportFilter,
): Promise<AgentPerformance> {
  const p = new SqlParams();
  const conversations = conversationsSql(p, ctx, filter, 'resolver', [
    'c.resolved_at IS NOT NULL',
    'coalesce(c.resolver_id, c.resolver_name) IS NOT NULL',
  ]);
  const timings = await timingsSql(store, p, ctx, filter.businessHours, conversations);
  const rows = await query<AgentPerformanceRow>(
    store,
    `WITH c AS (${conversations})${timings.with ? `, ${timings.with}` : ''},
    sent AS (
      SELECT conversation_id, sender_id, count(*) AS n FROM support_message_facts
      WHERE sender_type = 'agent' AND conversation_id IN (SELECT conversation_id FROM c)
      GROUP BY ALL
    ),
    per AS (
      SELECT coalesce(c.resolver_id, c.resolver_name) AS agent, c.resolver_name, c.resolver_team,
        ${timings.firstResponse} AS frt, ${timings.resolution} AS res, c.handle_seconds, c.transfers, c.csat,
        (SELECT coalesce(sum(s.n), 0) FROM sent s
          WHERE s.conversation_id = c.conversation_id AND s.sender_id IN (c.resolver_id, c.resolver_name)) AS sent
      FROM c
    )
    SELECT agent AS "agentId", coalesce(min(resolver_name), agent) AS "agentName", max(resolver_team) AS team,
      count(*)::INTEGER AS "conversationsClosed", sum(sent)::INTEGER AS "messagesSent",
      ${avgSeconds('frt')} AS "avgFirstResponseSeconds", ${avgSeconds('res')} AS "avgResolutionSeconds",
      ${avgSeconds('handle_seconds')} AS "avgHandleSeconds", coalesce(sum(transfers), 0)::INTEGER AS transfers,
      round(avg(csat), 2)::DOUBLE AS csat
    FROM per GROUP BY agent
    ORDER BY "conversationsClosed" DESC, "agentName", "agentId"`,
    p,
  );
  return { rows };
}

const COLUMNS: readonly CsvColumn<AgentPerformanceRow>[] = [
  { en: 'Agent ID', fr: 'ID agent', value: (r) => r.agentId },
  { en: 'Agent', fr: 'Agent', value: (r) => r.agentName },
  { en: 'Team', fr: 'Équipe', value: (r) => r.team },
  { en: 'Conversations closed', fr: 'Conversations fermées', value: (r) => r.conversationsClosed },
  { en: 'Messages sent', fr: 'Messages envoyés', value: (r) => r.messagesSent },
  {
    en: 'Average first response time (s)',
    fr: 'Temps moyen de première réponse (s)',
    value: (r) => r.avgFirstResponseSeconds,
  },
  {
    en: 'Average resolution time (s)',
    fr: 'Temps moyen de résolution (s)',
    value: (r) => r.avgResolutionSeconds,
  },
  { en: 'Average handle time (s)', fr: 'Durée moyenne de traitement (s)', value: (r) => r.avgHandleSeconds },
  { en: 'Transfers', fr: 'Transferts', value: (r) => r.transfers },
  { en: 'CSAT', fr: 'CSAT', value: (r) => r.csat },
];

export const agentPerformanceCsv = (report: AgentPerformance, lang: ReportLang): string =>
  rowsCsv(COLUMNS, report.rows, lang);
