/**
 * Opened conversations by contact type (README "Reports"): per period of the organization's calendar, the
 * conversations opened by new contacts and by returning ones (support_contact_types: a contact is
 * returning when it had a conversation opened earlier, whether or not in the period).
 */
import type { Store } from '../store/index.ts';
import {
  type CsvColumn,
  conversationsSql,
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
} from './filters.ts';

export interface ContactTypeRow {
  /** First day of the period, YYYY-MM-DD (organization time zone). */
  period: string;
  new: number;
  returning: number;
}

export interface OpenedByContactType {
  timeZone: string;
  interval: Interval;
  rows: ContactTypeRow[];
}

export async function openedByContactType(
  store: Store,
  ctx: ReportContext,
  filter: ReportFilter,
  interval: Interval,
): Promise<OpenedByContactType> {
  const p = new SqlParams();
  const rows = await query<ContactTypeRow>(
    store,
    `WITH sel AS (${conversationsSql(p, ctx, filter, 'any')}),
    data AS (SELECT ${periodSql('opened_at', interval, ctx.timeZone)} AS period, contact_type FROM sel),
    periods AS (${periodsSql(p, filter, interval, ctx.timeZone, 'data')}),
    counts AS (
      SELECT period, count(*) FILTER (WHERE contact_type = 'new') AS n_new,
        count(*) FILTER (WHERE contact_type = 'returning') AS n_returning
      FROM data GROUP BY period
    )
    SELECT ${dateText('periods.period')} AS period, coalesce(n_new, 0)::INTEGER AS "new",
      coalesce(n_returning, 0)::INTEGER AS "returning"
    FROM periods LEFT JOIN counts ON counts.period = periods.period
    ORDER BY periods.period`,
    p,
  );
  return { timeZone: ctx.timeZone, interval, rows };
}

const COLUMNS: readonly CsvColumn<ContactTypeRow>[] = [
  { en: 'Period', fr: 'Période', value: (r) => r.period },
  { en: 'New contacts', fr: 'Nouveaux contacts', value: (r) => r.new },
  { en: 'Returning contacts', fr: 'Contacts récurrents', value: (r) => r.returning },
];

export const openedByContactTypeCsv = (report: OpenedByContactType, lang: ReportLang): string =>
  rowsCsv(COLUMNS, report.rows, lang);
