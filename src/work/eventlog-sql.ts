import { activityOrder } from '../eventlog/activities.ts';

/**
 * Work items in the event log, as SQL over the DuckDB tables (used by Store.regroup and the feeder of
 * ./eventlog.ts). The source rows are `work_item_events` (one per lifecycle event, fed from the
 * operational store); the `events` rows are derived from them and from `cases`:
 * - an item that names an existing case joins it (case attributes repeated from `cases`); any other item is
 *   a case of its own, `WI-<item id>`, whose attributes come from the item: request type = the work type's
 *   name, SLA target = due date − creation, resolution = completion − creation;
 * - EventEndTime is the item's next event (Started lasts until Paused…), Completed and Cancelled are
 *   instants, and so is the last event of an open item;
 * - every work activity has the same tie-break order, so events of equal times keep the item's seq order.
 */

export const WORK_SOURCE_SYSTEM = 'caseflow:work';
export const WORK_MEDIA_TYPE = 'workitem';
export const STANDALONE_CASE_PREFIX = 'WI-';

const FINAL = `('Work Item Completed', 'Work Item Cancelled')`;

/** SQL relation (item_id, case_id, division_id): the case and division of every fed work item. */
export const WORK_ITEM_CASES = `(
  SELECT w.item_id, coalesce(k.service_request, '${STANDALONE_CASE_PREFIX}' || w.item_id) AS case_id,
    w.division_id, k.service_request IS NULL AS standalone
  FROM (SELECT item_id, arg_max(service_request, seq) AS service_request, arg_max(division_id, seq) AS division_id
        FROM work_item_events GROUP BY item_id) w
  LEFT JOIN cases k ON k.service_request = w.service_request)`;

/**
 * SQL: deletes the work rows of `events` of the cases `caseFilter` selects (a SQL condition on `case_id`;
 * default every case) and inserts them again from work_item_events.
 */
export function rebuildWorkEventsSql(caseFilter = 'TRUE'): string {
  return `
DELETE FROM events WHERE SourceSystem = '${WORK_SOURCE_SYSTEM}'
  AND ServiceRequest IN (SELECT case_id FROM ${WORK_ITEM_CASES} WHERE ${caseFilter});
INSERT INTO events
WITH c AS (SELECT * FROM ${WORK_ITEM_CASES} WHERE ${caseFilter}),
ev AS (
  SELECT w.*, c.case_id, c.standalone,
    CASE WHEN w.activity IN ${FINAL} THEN w.event_time
      ELSE coalesce(lead(w.event_time) OVER (PARTITION BY w.item_id ORDER BY w.seq), w.event_time) END AS end_time,
    min(w.event_time) OVER (PARTITION BY w.item_id) AS created_at,
    max(w.event_time) FILTER (WHERE w.activity = 'Work Item Completed') OVER (PARTITION BY w.item_id) AS completed_at
  FROM work_item_events w JOIN c USING (item_id)),
standalone AS (
  SELECT *, date_diff('millisecond', created_at, completed_at) / 1000.0 AS resolution FROM ev)
SELECT ev.case_id, NULL, ev.activity, ev.event_time, ev.end_time,
  date_diff('millisecond', ev.event_time, ev.end_time) / 1000.0,
  '${WORK_SOURCE_SYSTEM}', ev.last_data_update, '${WORK_MEDIA_TYPE}', ev.agent_id, coalesce(ev.agent_name, ev.agent_id),
  coalesce(ev.queue_name, ev.queue_id), NULL,
  CASE WHEN ev.standalone THEN ev.work_type ELSE k.request_type END,
  k.csat,
  CASE WHEN ev.standalone THEN ev.sla_target ELSE k.sla_target END,
  CASE WHEN ev.standalone THEN ev.resolution ELSE k.service_resolution_time END,
  CASE WHEN ev.standalone THEN ev.resolution <= ev.sla_target ELSE k.is_sla_compliant END,
  CASE WHEN ev.standalone THEN false ELSE k.is_reopened END,
  CASE WHEN ev.standalone THEN NULL ELSE k.is_fcr END,
  ${activityOrder('Work Item Created')}, ev.seq
FROM standalone ev LEFT JOIN cases k ON k.service_request = ev.case_id
ORDER BY ev.case_id, ev.event_time, ev.seq;`;
}

/** SQL: adds the divisions of fed work items to their cases (the cases `caseFilter` selects), once each. */
export function workCaseDivisionsSql(caseFilter = 'TRUE'): string {
  return `
INSERT INTO case_divisions
SELECT DISTINCT w.case_id, w.division_id FROM ${WORK_ITEM_CASES} w
WHERE ${caseFilter}
  AND NOT EXISTS (SELECT 1 FROM case_divisions d WHERE d.service_request = w.case_id AND d.division_id = w.division_id)
ORDER BY 1, 2;`;
}
