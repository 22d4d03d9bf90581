import type { Filter } from './filters.ts';

/**
 * SQL of a CTE body: one row per kept case (`sel`) with case_id, request_type, media_type,
 * is_sla_compliant, is_reopened, is_fcr, csat, resolution (seconds). The Genesys log reads them from
 * `cases` (the KPI report's definitions); imported logs have only the duration, as resolution.
 */
export function caseFacts(filter: Filter): string {
  if (filter.dataset === 'default') {
    return `SELECT k.service_request AS case_id, k.request_type, k.media_type, k.is_sla_compliant, k.is_reopened,
        k.is_fcr, k.csat, k.service_resolution_time AS resolution
      FROM cases k JOIN sel ON sel.case_id = k.service_request`;
  }
  return `SELECT cs.case_id, NULL::VARCHAR AS request_type, NULL::VARCHAR AS media_type,
      NULL::BOOLEAN AS is_sla_compliant, NULL::BOOLEAN AS is_reopened, NULL::BOOLEAN AS is_fcr,
      NULL::DOUBLE AS csat, cs.duration::DOUBLE AS resolution
    FROM case_stats cs JOIN sel USING (case_id)`;
}
