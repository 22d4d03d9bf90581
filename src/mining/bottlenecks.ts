import type { Store } from '../store/index.ts';
import { caseFacts } from './case-facts.ts';
import type { Filter } from './filters.ts';
import { filteredQuery, num, rows, sec, secondsBetween } from './sql.ts';

export interface WaitingActivity {
  name: string;
  /** Events of this activity that have a previous event in their case. */
  count: number;
  /** Sum and mean of (this event's start − previous event's start), seconds. */
  totalWait: number;
  meanWait: number;
}

export interface SlowTransition {
  from: string;
  to: string;
  count: number;
  totalSeconds: number;
  meanSeconds: number;
}

export interface SlaBreaches {
  by: 'requestType' | 'queue' | 'mediaType';
  value: string | null;
  /** Cases with a known SLA outcome (resolved), as in the KPI report. */
  cases: number;
  /** Of those, resolved outside their SLA target. */
  breached: number;
  /** breached / cases, 0–1. */
  rate: number;
}

export interface Bottlenecks {
  activities: WaitingActivity[];
  transitions: SlowTransition[];
  slaBreaches: SlaBreaches[];
}

export const TOP_TRANSITIONS = 50;

interface BottlenecksRow {
  activities: { name: string; count: number; total: number; mean: number }[];
  transitions: { src: string; dst: string; count: number; total: number; mean: number }[];
  breaches: { dim: SlaBreaches['by']; value: string | null; cases: number; breached: number }[];
}

/**
 * Where time goes: activities by total waiting time before them, the top transitions by total time,
 * and SLA breaches by request type, queue (every queue a case was routed to) and channel (the case's
 * media type). Imported logs have no SLA: `slaBreaches` is empty.
 */
export async function bottlenecks(store: Store, filter: Filter): Promise<Bottlenecks> {
  const [row] = await filteredQuery<BottlenecksRow>(
    store,
    filter,
    () => `,
    steps AS (
      SELECT case_id, activity AS src, next_activity AS dst, ${secondsBetween('ts', 'next_ts')} AS s
      FROM fev WHERE next_activity IS NOT NULL),
    waits AS (SELECT dst AS name, count(*) AS count, sum(s) AS total, avg(s) AS mean FROM steps GROUP BY dst),
    transitions AS (
      SELECT src, dst, count(*) AS count, sum(s) AS total, avg(s) AS mean FROM steps GROUP BY src, dst
      ORDER BY total DESC, src, dst LIMIT ${TOP_TRANSITIONS}),
    facts AS (${caseFacts(filter)}),
    outcome AS (SELECT * FROM facts WHERE is_sla_compliant IS NOT NULL),
    queues AS (
      SELECT DISTINCT o.case_id, f.queue_name, o.is_sla_compliant
      FROM outcome o JOIN fev f USING (case_id) WHERE f.queue_name IS NOT NULL),
    breaches AS (
      SELECT 'requestType' AS dim, request_type AS value, count(*) AS cases,
        count(*) FILTER (WHERE NOT is_sla_compliant) AS breached
      FROM outcome GROUP BY request_type
      UNION ALL
      SELECT 'queue', queue_name, count(*), count(*) FILTER (WHERE NOT is_sla_compliant) FROM queues
      GROUP BY queue_name
      UNION ALL
      SELECT 'mediaType', media_type, count(*), count(*) FILTER (WHERE NOT is_sla_compliant) FROM outcome
      GROUP BY media_type)
    SELECT
      (SELECT list({name: name, count: count::DOUBLE, total: total::DOUBLE, mean: mean::DOUBLE}
        ORDER BY total DESC, name) FROM waits) AS activities,
      (SELECT list({src: src, dst: dst, count: count::DOUBLE, total: total::DOUBLE, mean: mean::DOUBLE}
        ORDER BY total DESC, src, dst) FROM transitions) AS transitions,
      (SELECT list({dim: dim, value: value, cases: cases::DOUBLE, breached: breached::DOUBLE}
        ORDER BY CASE dim WHEN 'requestType' THEN 0 WHEN 'queue' THEN 1 ELSE 2 END, breached / cases DESC, cases DESC, value NULLS LAST) FROM breaches) AS breaches`,
  );
  return {
    activities: rows<BottlenecksRow['activities'][number]>(row?.activities).map((a) => ({
      name: a.name,
      count: num(a.count),
      totalWait: sec(a.total),
      meanWait: sec(a.mean),
    })),
    transitions: rows<BottlenecksRow['transitions'][number]>(row?.transitions).map((t) => ({
      from: t.src,
      to: t.dst,
      count: num(t.count),
      totalSeconds: sec(t.total),
      meanSeconds: sec(t.mean),
    })),
    slaBreaches: rows<BottlenecksRow['breaches'][number]>(row?.breaches).map((b) => ({
      by: b.dim,
      value: b.value,
      cases: num(b.cases),
      breached: num(b.breached),
      rate: num(b.cases) === 0 ? 0 : num(b.breached) / num(b.cases),
    })),
  };
}
