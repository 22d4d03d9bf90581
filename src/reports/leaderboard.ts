/**
 * Leaderboard (README "Reports"): average first-response or resolution time by team or by agent, best
 * (lowest average) first, top `limit`. First response counts for the conversation's assignee, resolution
 * for its resolver (the agent who closed it); a team is that agent's team. The team and agent filters
 * apply to that agent, so `team=` ranks only those teams, or only agents of those teams.
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

export const LEADERBOARD_METRICS = ['first-response', 'resolution'] as const;
export type LeaderboardMetric = (typeof LEADERBOARD_METRICS)[number];
export const LEADERBOARD_GROUPS = ['team', 'agent'] as const;
export type LeaderboardGroup = (typeof LEADERBOARD_GROUPS)[number];

export interface LeaderboardRow {
  /** The team name, or the agent id. */
  key: string;
  /** The team name, or the agent name. */
  name: string;
  averageSeconds: number;
  /** Conversations the average is over. */
  conversations: number;
}

export interface Leaderboard {
  metric: LeaderboardMetric;
  groupBy: LeaderboardGroup;
  businessHours: boolean;
  rows: LeaderboardRow[];
}

export interface LeaderboardOptions {
  metric: LeaderboardMetric;
  groupBy: LeaderboardGroup;
  /** Rows kept (default 10). */
  limit?: number;
}

export async function leaderboard(
  store: Store,
  ctx: ReportContext,
  filter: ReportFilter,
  { metric, groupBy, limit = 10 }: LeaderboardOptions,
): Promise<Leaderboard> {
  const p = new SqlParams();
  const role = metric === 'first-response' ? 'assignee' : 'resolver';
  const conversations = conversationsSql(p, ctx, filter, role);
  const timings = await timingsSql(store, p, ctx, filter.businessHours, conversations);
  const seconds = metric === 'first-response' ? timings.firstResponse : timings.resolution;
  const id = `coalesce(c.${role}_id, c.${role}_name)`;
  const key = groupBy === 'team' ? `c.${role}_team` : id;
  const name = groupBy === 'team' ? `c.${role}_team` : `coalesce(c.${role}_name, ${id})`;
  const rows = await query<LeaderboardRow>(
    store,
    `WITH c AS (${conversations})${timings.with ? `, ${timings.with}` : ''},
    m AS (SELECT ${key} AS key, ${name} AS name, ${seconds} AS seconds FROM c)
    SELECT key, min(name) AS name, ${avgSeconds('seconds')} AS "averageSeconds",
      count(*)::INTEGER AS conversations
    FROM m WHERE key IS NOT NULL AND seconds IS NOT NULL
    GROUP BY key
    ORDER BY "averageSeconds", conversations DESC, key
    LIMIT ${Math.max(1, Math.trunc(limit))}`,
    p,
  );
  return { metric, groupBy, businessHours: filter.businessHours, rows };
}

const COLUMNS: readonly CsvColumn<LeaderboardRow & { rank: number }>[] = [
  { en: 'Rank', fr: 'Rang', value: (r) => r.rank },
  { en: 'Key', fr: 'Clé', value: (r) => r.key },
  { en: 'Name', fr: 'Nom', value: (r) => r.name },
  { en: 'Average (s)', fr: 'Moyenne (s)', value: (r) => r.averageSeconds },
  { en: 'Conversations', fr: 'Conversations', value: (r) => r.conversations },
];

export const leaderboardCsv = (report: Leaderboard, lang: ReportLang): string =>
  rowsCsv(
    COLUMNS,
    report.rows.map((r, i) => ({ ...r, rank: i + 1 })),
    lang,
  );
