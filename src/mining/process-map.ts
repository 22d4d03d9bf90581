import type { Store } from '../store/index.ts';
import type { Filter } from './filters.ts';
import { filteredQuery, num, percentOption, rows, sec, secOrNull, secondsBetween } from './sql.ts';

/** Pseudo-activities of the start and end nodes. */
export const START = '__start__';
export const END = '__end__';

export interface ProcessMapOptions {
  /** % of activities kept, most frequent (by events) first; at least one is always kept. Default 100. */
  activities?: number;
  /** % of edges kept, most frequent first, among the edges of the kept activities. Default 100. */
  paths?: number;
}

export interface MapActivity {
  name: string;
  events: number;
  cases: number;
  /** EventEndTime − EventTime of its events, seconds. */
  meanDuration: number | null;
  medianDuration: number | null;
  /** Cases whose (projected) trace starts / ends here. */
  start: number;
  end: number;
}

export interface MapEdge {
  from: string;
  to: string;
  count: number;
  cases: number;
  meanSeconds: number;
  medianSeconds: number;
  p90Seconds: number;
  maxSeconds: number;
}

export interface ProcessMap {
  cases: number;
  events: number;
  activities: MapActivity[];
  edges: MapEdge[];
  hidden: { activities: number; edges: number };
}

interface MapRow {
  cases: number;
  events: number;
  all_activities: number;
  activities: {
    name: string;
    events: number;
    cases: number;
    mean_d: number | null;
    median_d: number | null;
  }[];
  edges: {
    src: string;
    dst: string;
    cnt: number;
    cases: number;
    mean_s: number;
    median_s: number;
    p90_s: number;
    max_s: number;
  }[];
}

/**
 * The directly-follows graph of the filtered cases, with the artificial start and end nodes.
 *
 * Thresholds (Disco's sliders), applied here:
 * - `activities`: keeps the ⌈n·pct/100⌉ most frequent activities (by events; ties by name; at least 1).
 *   Hidden activities are removed from the traces and the edges are recomputed on the projected traces
 *   (Disco's semantics): A→B→C with B hidden gives an edge A→C whose time is C's start − A's start.
 *   Activity figures (events, cases, durations) are unchanged; start/end counts are those of the
 *   projected traces. A case whose every activity is hidden is in no edge.
 * - `paths`: keeps the ⌈m·pct/100⌉ most frequent edges (start/end edges included; ties by from, to),
 *   plus, for every kept activity, its most frequent incoming and outgoing edge, so that no kept
 *   activity is disconnected.
 *
 * Edge times are next event's start − this event's start (PM4Py); median and p90 interpolate linearly
 * (numpy's default). Start/end edges carry count = cases and times of 0.
 */
export async function processMap(
  store: Store,
  filter: Filter,
  options: ProcessMapOptions = {},
): Promise<ProcessMap> {
  const activityPct = percentOption(options.activities, 'activities');
  const pathPct = percentOption(options.paths, 'paths');
  const projected = activityPct < 100;

  const [row] = await filteredQuery<MapRow>(store, filter, (param) => {
    const pct = projected ? param(activityPct) : '100';
    // The events the edges are computed on: fev, or its projection onto the kept activities. CTEs
    // referenced several times are materialized (copied), so the query keeps their number low.
    const src = projected ? 'pev' : 'fev';
    const pev = projected
      ? `pev AS (
          SELECT *, row_number() OVER (PARTITION BY case_id, activity, next_activity ORDER BY pos) = 1 AS first_step
          FROM (
            SELECT case_id, activity, ts, row_number() OVER w AS pos, lead(activity) OVER w AS next_activity,
              lead(ts) OVER w AS next_ts
            FROM fev WHERE activity IN (SELECT name FROM kept)
            WINDOW w AS (PARTITION BY case_id ORDER BY pos))),`
      : '';
    const steps = `(SELECT case_id, activity, next_activity, first_step, ${secondsBetween('ts', 'next_ts')} AS s
        FROM ${src} WHERE next_activity IS NOT NULL)`;
    return `,
    -- cases are counted on first occurrences (first_activity, first_step), not with DISTINCT aggregates
    act AS (
      SELECT activity AS name, count(*) AS events, count(*) FILTER (WHERE first_activity) AS cases,
        avg(d) AS mean_d, median(d) AS median_d
      FROM (SELECT activity, first_activity, ${secondsBetween('ts', 'end_ts')} AS d FROM fev) GROUP BY activity),
    kept AS (
      SELECT name FROM (
        SELECT name, row_number() OVER (ORDER BY events DESC, name) AS rank, count(*) OVER () AS n FROM act)
      WHERE rank <= greatest(1, ceil(n * ${pct} / 100.0))),
    ${pev}
    edges AS (
      SELECT activity AS src, next_activity AS dst, count(*) AS cnt, count(*) FILTER (WHERE first_step) AS cases,
        avg(s) AS mean_s, median(s) AS median_s, quantile_cont(s, 0.9) AS p90_s, max(s) AS max_s
      FROM ${steps} GROUP BY activity, next_activity
      UNION ALL
      SELECT '${START}', activity, count(*), count(*), 0, 0, 0, 0 FROM ${src} WHERE pos = 1 GROUP BY activity
      UNION ALL
      SELECT activity, '${END}', count(*), count(*), 0, 0, 0, 0 FROM ${src} WHERE next_activity IS NULL
      GROUP BY activity)
    SELECT (SELECT count(*) FROM fev WHERE pos = 1)::DOUBLE AS cases, (SELECT count(*) FROM fev)::DOUBLE AS events,
      (SELECT count(*) FROM act)::DOUBLE AS all_activities,
      (SELECT list({name: name, events: events::DOUBLE, cases: cases::DOUBLE, mean_d: mean_d::DOUBLE,
          median_d: median_d::DOUBLE})
        FROM act WHERE name IN (SELECT name FROM kept)) AS activities,
      (SELECT list({src: src, dst: dst, cnt: cnt::DOUBLE, cases: cases::DOUBLE, mean_s: mean_s::DOUBLE,
          median_s: median_s::DOUBLE, p90_s: p90_s::DOUBLE, max_s: max_s::DOUBLE})
        FROM edges) AS edges`;
  });

  const allEdges: MapEdge[] = rows<MapRow['edges'][number]>(row?.edges)
    .map((e) => ({
      from: e.src,
      to: e.dst,
      count: num(e.cnt),
      cases: num(e.cases),
      meanSeconds: sec(e.mean_s),
      medianSeconds: sec(e.median_s),
      p90Seconds: sec(e.p90_s),
      maxSeconds: sec(e.max_s),
    }))
    .sort(byFrequency);
  const start = new Map<string, number>();
  const end = new Map<string, number>();
  for (const e of allEdges) {
    if (e.from === START) start.set(e.to, e.count);
    if (e.to === END) end.set(e.from, e.count);
  }
  const activities: MapActivity[] = rows<MapRow['activities'][number]>(row?.activities)
    .map((a) => ({
      name: a.name,
      events: num(a.events),
      cases: num(a.cases),
      meanDuration: secOrNull(a.mean_d),
      medianDuration: secOrNull(a.median_d),
      start: start.get(a.name) ?? 0,
      end: end.get(a.name) ?? 0,
    }))
    .sort((a, b) => b.events - a.events || compare(a.name, b.name));

  const edges = keepPaths(allEdges, pathPct);
  return {
    cases: num(row?.cases),
    events: num(row?.events),
    activities,
    edges,
    hidden: {
      activities: num(row?.all_activities) - activities.length,
      edges: allEdges.length - edges.length,
    },
  };
}

/** The `paths` threshold: the most frequent edges, plus each activity's strongest in- and outgoing edge. */
function keepPaths(edges: MapEdge[], pct: number): MapEdge[] {
  if (pct >= 100) return edges;
  const keep = new Set(edges.slice(0, Math.ceil((edges.length * pct) / 100)));
  const strongestIn = new Map<string, MapEdge>();
  const strongestOut = new Map<string, MapEdge>();
  // edges are sorted by frequency: the first edge seen for a node is its strongest.
  for (const e of edges) {
    if (e.to !== END && !strongestIn.has(e.to)) strongestIn.set(e.to, e);
    if (e.from !== START && !strongestOut.has(e.from)) strongestOut.set(e.from, e);
  }
  for (const e of strongestIn.values()) keep.add(e);
  for (const e of strongestOut.values()) keep.add(e);
  return edges.filter((e) => keep.has(e));
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const byFrequency = (a: MapEdge, b: MapEdge): number =>
  b.count - a.count || compare(a.from, b.from) || compare(a.to, b.to);
