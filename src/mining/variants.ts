import type { Store } from '../store/index.ts';
import type { Filter } from './filters.ts';
import { filteredQuery, num, type PageOptions, paging, rows, sec } from './sql.ts';

export interface Variant {
  /** Opaque id (also the `variant` filter's value). */
  variant: string;
  activities: string[];
  cases: number;
  /** cases / all filtered cases, 0–1. */
  share: number;
  /** Case duration (first event start → last event end), seconds. */
  meanDuration: number;
  medianDuration: number;
}

export interface Variants {
  /** Number of variants. */
  total: number;
  /** Number of filtered cases. */
  cases: number;
  items: Variant[];
}

interface VariantsRow {
  total: number;
  cases: number;
  items: { variant: string; activities: string[]; cases: number; mean_d: number; median_d: number }[];
}

/** Variants of the filtered cases, most frequent first (ties by id), paged. */
export async function variants(store: Store, filter: Filter, options: PageOptions = {}): Promise<Variants> {
  const { limit, offset } = paging(options);
  const [row] = await filteredQuery<VariantsRow>(
    store,
    filter,
    (param) => `,
    v AS (
      SELECT variant, count(*) AS cases, avg(duration) AS mean_d, median(duration) AS median_d,
        min(case_id) AS representative
      FROM case_stats JOIN sel USING (case_id) GROUP BY variant),
    pg AS (SELECT * FROM v ORDER BY cases DESC, variant LIMIT ${param(limit)} OFFSET ${param(offset)}),
    -- the activity sequence of one case per variant on the page only (ordered lists are costly)
    traces AS (
      SELECT case_id, list(activity ORDER BY pos) AS trace
      FROM fev WHERE case_id IN (SELECT representative FROM pg) GROUP BY case_id)
    SELECT (SELECT count(*) FROM v)::DOUBLE AS total, (SELECT count(*) FROM sel)::DOUBLE AS cases,
      (SELECT list({variant: pg.variant, activities: traces.trace, cases: pg.cases::DOUBLE,
          mean_d: pg.mean_d::DOUBLE, median_d: pg.median_d::DOUBLE} ORDER BY pg.cases DESC, pg.variant)
        FROM pg JOIN traces ON traces.case_id = pg.representative) AS items`,
  );
  const cases = num(row?.cases);
  return {
    total: num(row?.total),
    cases,
    items: rows<VariantsRow['items'][number]>(row?.items).map((v) => ({
      variant: v.variant,
      activities: v.activities,
      cases: num(v.cases),
      share: cases === 0 ? 0 : num(v.cases) / cases,
      meanDuration: sec(v.mean_d),
      medianDuration: sec(v.median_d),
    })),
  };
}
