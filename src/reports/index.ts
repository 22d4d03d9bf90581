/**
 * Support reports (README "Reports"), computed in SQL on DuckDB over support_conversations and
 * support_messages (through the read-time views): opened-conversations heatmap, opened conversations by
 * contact type, inbound messages by channel, leaderboard, agent performance, resolved conversations with
 * anomaly flags, outbound messages by source. Each takes the shared filter (filters.ts) and has a CSV form.
 */
export {
  type AgentPerformance,
  type AgentPerformanceRow,
  agentPerformance,
  agentPerformanceCsv,
} from './agent-performance.ts';
export { type CsvValue, csvCell, csvLine, toCsv } from './csv.ts';
export {
  type AgentRole,
  assertPeriod,
  type CsvColumn,
  INTERVALS,
  type Interval,
  intervalSchema,
  MAX_PERIODS,
  REPORT_FORMATS,
  REPORT_LANGS,
  type ReportContext,
  type ReportFilter,
  type ReportFilterInput,
  type ReportFormat,
  type ReportLang,
  reportContext,
  reportFilterSchema,
  rowsCsv,
  teamNames,
} from './filters.ts';
export {
  type InboundMessages,
  type InboundMessagesRow,
  inboundMessages,
  inboundMessagesCsv,
} from './inbound-messages.ts';
export {
  LEADERBOARD_GROUPS,
  LEADERBOARD_METRICS,
  type Leaderboard,
  type LeaderboardGroup,
  type LeaderboardMetric,
  type LeaderboardOptions,
  type LeaderboardRow,
  leaderboard,
  leaderboardCsv,
} from './leaderboard.ts';
export {
  type ContactTypeRow,
  type OpenedByContactType,
  openedByContactType,
  openedByContactTypeCsv,
} from './opened-by-contact-type.ts';
export { type HeatmapCell, type OpenedHeatmap, openedHeatmap, openedHeatmapCsv } from './opened-heatmap.ts';
export {
  type OutboundBySource,
  type OutboundBySourceRow,
  outboundBySource,
  outboundBySourceCsv,
} from './outbound-by-source.ts';
export {
  ANOMALY_FILTERS,
  ANOMALY_FLAGS,
  ANOMALY_MIN_CONVERSATIONS,
  ANOMALY_QUANTILE,
  type AnomalyFilter,
  type AnomalyFlag,
  type AnomalyThreshold,
  anomalyRule,
  type ResolvedConversationRow,
  type ResolvedConversations,
  type ResolvedConversationsOptions,
  resolvedConversations,
  resolvedConversationsCsv,
} from './resolved-conversations.ts';

/** The reports by their API name (GET /api/v1/reports/<name>; CSV file <name>.csv). */
export const REPORT_NAMES = [
  'opened-heatmap',
  'opened-by-contact-type',
  'inbound-messages',
  'leaderboard',
  'agent-performance',
  'resolved-conversations',
  'outbound-by-source',
] as const;
export type ReportName = (typeof REPORT_NAMES)[number];
