/**
 * Opened-conversations heatmap (README "Reports"): conversations opened in the period, by weekday and hour
 * of the organization's time zone (DST-correct), all 168 cells.
 */
import type { Store } from '../store/index.ts';
import { localTimestampSql } from './definitions.ts';
import {
  type CsvColumn,
  conversationsSql,
  query,
  type ReportContext,
  type ReportFilter,
  type ReportLang,
  rowsCsv,
  SqlParams,
} from './filters.ts';

export interface HeatmapCell {
  /** 0 = Monday … 6 = Sunday. */
  weekday: number;
  /** 0 … 23, wall clock of the organization. */
  hour: number;
  count: number;
}

export interface OpenedHeatmap {
  timeZone: string;
  total: number;
  cells: HeatmapCell[];
}

export async function openedHeatmap(
  store: Store,
  ctx: ReportContext,
  filter: ReportFilter,
): Promise<OpenedHeatmap> {
  const p = new SqlParams();
  const local = localTimestampSql('opened_at', ctx.timeZone);
  const cells = await query<HeatmapCell>(
    store,
    `WITH sel AS (${conversationsSql(p, ctx, filter, 'any')}),
    counts AS (
      SELECT (isodow(${local}) - 1)::INTEGER AS weekday, hour(${local})::INTEGER AS hour, count(*)::INTEGER AS n
      FROM sel GROUP BY ALL
    )
    SELECT d.weekday::INTEGER AS weekday, h.hour::INTEGER AS hour, coalesce(counts.n, 0)::INTEGER AS count
    FROM range(7) AS d(weekday) CROSS JOIN range(24) AS h(hour)
    LEFT JOIN counts ON counts.weekday = d.weekday AND counts.hour = h.hour
    ORDER BY weekday, hour`,
    p,
  );
  return { timeZone: ctx.timeZone, total: cells.reduce((sum, c) => sum + c.count, 0), cells };
}

const COLUMNS: readonly CsvColumn<HeatmapCell>[] = [
  { en: 'Weekday (0 = Monday)', fr: 'Jour (0 = lundi)', value: (r) => r.weekday },
  { en: 'Hour', fr: 'Heure', value: (r) => r.hour },
  { en: 'Opened conversations', fr: 'Conversations ouvertes', value: (r) => r.count },
];

export const openedHeatmapCsv = (report: OpenedHeatmap, lang: ReportLang): string =>
  rowsCsv(COLUMNS, report.cells, lang);
