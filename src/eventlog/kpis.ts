import { type DataScope, FULL_SCOPE } from '../access/index.ts';
import { caseInScope, type Store } from '../store/index.ts';

export interface KpiFigures {
  cases: number;
  events: number;
  conversations: number;
  /** Share of resolved cases within their SLA target, percent; null when no case is resolved. */
  slaCompliancePct: number | null;
  firstContactResolutionPct: number | null;
  reopenPct: number | null;
  resolvedCases: number;
  meanServiceResolutionTime: number | null;
  medianServiceResolutionTime: number | null;
  /** Mean talk + hold + after-call work, seconds, over conversations an agent handled. */
  meanHandleTime: number | null;
  meanCsat: number | null;
  surveys: number;
}

export interface Kpis extends KpiFigures {
  byMediaType: ({ mediaType: string | null } & KpiFigures)[];
}

/**
 * Headline KPIs of the event log: of the cases in the viewer's scope, their conversations and events.
 * Case figures are grouped by the case's first media type, conversation figures by the conversation's,
 * event counts by the event's. The CLI's scope is FULL_SCOPE (the default); the API passes the viewer's.
 */
export async function computeKpis(store: Store, scope: DataScope = FULL_SCOPE): Promise<Kpis> {
  const rows = await store.db.all<Record<string, number | string | null>>(`
    WITH k AS (
      SELECT media_type, count(*) AS cases,
        count(service_resolution_time) AS resolved_cases,
        100.0 * avg(is_sla_compliant::INTEGER) AS sla,
        100.0 * avg(is_fcr::INTEGER) AS fcr,
        100.0 * avg(is_reopened::INTEGER) AS reopen,
        avg(service_resolution_time) AS mean_srt, median(service_resolution_time) AS median_srt,
        avg(csat) AS csat, grouping(media_type) AS total
      FROM cases WHERE ${caseInScope(scope, 'service_request')} GROUP BY GROUPING SETS ((media_type), ())),
    c AS (
      SELECT media_type, count(*) AS conversations,
        avg((talk_ms + hold_ms + acw_ms) / 1000.0) FILTER (WHERE handled) AS aht, grouping(media_type) AS total
      FROM conversations
      WHERE conversation_id IN (SELECT conversation_id FROM case_map WHERE ${caseInScope(scope, 'service_request')})
      GROUP BY GROUPING SETS ((media_type), ())),
    e AS (
      SELECT MediaType AS media_type, count(*) AS events,
        count(*) FILTER (WHERE ActivityName = 'Customer Satisfaction Survey Sent') AS surveys,
        grouping(MediaType) AS total
      FROM events WHERE ${caseInScope(scope, 'ServiceRequest')} GROUP BY GROUPING SETS ((MediaType), ())),
    keys AS (SELECT media_type, total FROM k UNION SELECT media_type, total FROM c UNION SELECT media_type, total FROM e)
    SELECT keys.media_type AS "mediaType", keys.total AS "isTotal",
      coalesce(k.cases, 0)::INTEGER AS cases, coalesce(e.events, 0)::INTEGER AS events,
      coalesce(c.conversations, 0)::INTEGER AS conversations,
      k.sla AS "slaCompliancePct", k.fcr AS "firstContactResolutionPct", k.reopen AS "reopenPct",
      coalesce(k.resolved_cases, 0)::INTEGER AS "resolvedCases",
      k.mean_srt AS "meanServiceResolutionTime", k.median_srt AS "medianServiceResolutionTime",
      c.aht AS "meanHandleTime", k.csat AS "meanCsat", coalesce(e.surveys, 0)::INTEGER AS surveys
    FROM keys
    LEFT JOIN k ON k.total = keys.total AND k.media_type IS NOT DISTINCT FROM keys.media_type
    LEFT JOIN c ON c.total = keys.total AND c.media_type IS NOT DISTINCT FROM keys.media_type
    LEFT JOIN e ON e.total = keys.total AND e.media_type IS NOT DISTINCT FROM keys.media_type
    ORDER BY keys.total DESC, cases DESC, keys.media_type`);
  const figures = (r: Record<string, number | string | null>): KpiFigures => ({
    cases: Number(r.cases),
    events: Number(r.events),
    conversations: Number(r.conversations),
    slaCompliancePct: round(r.slaCompliancePct),
    firstContactResolutionPct: round(r.firstContactResolutionPct),
    reopenPct: round(r.reopenPct),
    resolvedCases: Number(r.resolvedCases),
    meanServiceResolutionTime: round(r.meanServiceResolutionTime),
    medianServiceResolutionTime: round(r.medianServiceResolutionTime),
    meanHandleTime: round(r.meanHandleTime),
    meanCsat: round(r.meanCsat),
    surveys: Number(r.surveys),
  });
  const total = rows.find((r) => Number(r.isTotal) === 1);
  const empty = figures({ cases: 0, events: 0, conversations: 0, resolvedCases: 0, surveys: 0 });
  return {
    ...(total ? figures(total) : empty),
    byMediaType: rows
      .filter((r) => Number(r.isTotal) === 0)
      .map((r) => ({ mediaType: r.mediaType as string | null, ...figures(r) })),
  };
}

function round(value: number | string | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  return Math.round(Number(value) * 100) / 100;
}
