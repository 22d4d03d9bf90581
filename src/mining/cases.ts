import type { DataScope } from '../access/index.ts';
import { caseInScope, eventLogColumns, iso, type Store } from '../store/index.ts';
import { EVENT_ORDER, type Filter, VARIANT_ID } from './filters.ts';
import { filteredQuery, num, numOrNull, type PageOptions, paging, rows, sec } from './sql.ts';

export const CASE_SORTS = ['start', '-start', 'duration', '-duration', 'events', '-events', 'id'] as const;
export type CaseSort = (typeof CASE_SORTS)[number];

export interface CaseListOptions extends PageOptions {
  /** Default 'start' (oldest first); ties are broken by case id. */
  sort?: CaseSort;
}

export interface CaseItem {
  id: string;
  start: string;
  end: string;
  duration: number;
  events: number;
  variant: string;
  /** Genesys dataset only (null elsewhere). */
  requestType: string | null;
  mediaType: string | null;
  slaCompliant: boolean | null;
  reopened: boolean | null;
  fcr: boolean | null;
  csat: number | null;
}

export interface CaseList {
  total: number;
  items: CaseItem[];
}

const ORDER: Record<CaseSort, string> = {
  start: 'case_start, case_id',
  '-start': 'case_start DESC, case_id',
  duration: 'duration, case_id',
  '-duration': 'duration DESC, case_id',
  events: 'events, case_id',
  '-events': 'events DESC, case_id',
  id: 'case_id',
};

interface CaseListRow {
  total: number;
  items: (Omit<CaseItem, 'duration' | 'events'> & { duration: number; events: number })[];
}

/** The filtered cases, paged and sorted. */
export async function listCases(
  store: Store,
  filter: Filter,
  options: CaseListOptions = {},
): Promise<CaseList> {
  const sort = options.sort ?? 'start';
  const order = ORDER[sort];
  if (!order) throw new RangeError(`sort: "${sort}" is not one of ${CASE_SORTS.join(', ')}`);
  const { limit, offset } = paging(options);
  // Case attributes of the Genesys log come from `cases`; imported logs have none.
  const genesys = filter.dataset === 'default';
  const attributes = genesys
    ? `k.request_type AS requestType, k.media_type AS mediaType, k.is_sla_compliant AS slaCompliant,
       k.is_reopened AS reopened, k.is_fcr AS fcr, k.csat::DOUBLE AS csat`
    : `NULL::VARCHAR AS requestType, NULL::VARCHAR AS mediaType, NULL::BOOLEAN AS slaCompliant,
       NULL::BOOLEAN AS reopened, NULL::BOOLEAN AS fcr, NULL::DOUBLE AS csat`;
  const [row] = await filteredQuery<CaseListRow>(
    store,
    filter,
    (param) => `,
    c AS (SELECT cs.* FROM case_stats cs JOIN sel USING (case_id)),
    pg AS (
      SELECT case_id, case_start, case_end, duration, events, variant FROM c
      ORDER BY ${order} LIMIT ${param(limit)} OFFSET ${param(offset)}),
    items AS (
      SELECT pg.*, ${attributes} FROM pg
      ${genesys ? 'LEFT JOIN cases k ON k.service_request = pg.case_id' : ''})
    SELECT (SELECT count(*) FROM c)::DOUBLE AS total,
      (SELECT list({id: case_id, start: ${iso('case_start')}, "end": ${iso('case_end')},
          duration: duration::DOUBLE, events: events::DOUBLE, variant: variant, requestType: requestType,
          mediaType: mediaType, slaCompliant: slaCompliant, reopened: reopened, fcr: fcr, csat: csat}
          ORDER BY ${order})
        FROM items) AS items`,
  );
  return {
    total: num(row?.total),
    items: rows<CaseListRow['items'][number]>(row?.items).map((c) => ({
      ...c,
      duration: sec(c.duration),
      events: num(c.events),
      csat: numOrNull(c.csat),
    })),
  };
}

export interface CaseEvent {
  ActivityName: string;
  EventTime: string;
  /** null when an imported event has no end time. */
  EventEndTime: string | null;
  Duration: number | null;
  /** Genesys: the 20 event-log attributes; imported logs: Resource and the event's other attributes. */
  [attribute: string]: unknown;
}

export interface CaseDetail {
  id: string;
  dataset: string;
  start: string;
  end: string;
  duration: number;
  variant: string;
  activities: string[];
  /**
   * Genesys: the `cases` row (ServiceRequestType, MediaType, FirstContact, ResolvedAt, ConversationCount,
   * SlaTargetResolutionTime, ServiceResolutionTime, IsSlaCompliant, IsReopened, IsFirstContactResolution,
   * CustomerSatisfactionScore). Imported logs: the events' `case:*` attributes (XES trace attributes).
   */
  attributes: Record<string, unknown>;
  /** Genesys conversation ids in start order; empty for imported logs. */
  conversations: string[];
  events: CaseEvent[];
}

/**
 * One case's full timeline; null when the dataset has no such case, or when it is a Genesys case with no
 * conversation in the scope's divisions. Queue names and wrap-up codes of its events as the scope shows them.
 */
export async function caseDetail(
  store: Store,
  dataset: string,
  id: string,
  scope: DataScope,
): Promise<CaseDetail | null> {
  if (dataset === 'default' && scope.divisions !== 'all') {
    const visible = await store.db.one<{ yes: boolean }>(`SELECT ${caseInScope(scope, '$id')} AS yes`, {
      id,
    });
    if (!visible?.yes) return null;
  }
  // Same order and variant id as filteredEvents().
  const summary = await store.db.one<{
    start: string;
    end: string;
    duration: number;
    activities: string[];
    variant: string;
  }>(
    `WITH e AS (
       SELECT activity, ts, end_ts, row_number() OVER (ORDER BY ${EVENT_ORDER}) AS pos
       FROM mining_events WHERE dataset = $dataset AND case_id = $id)
     SELECT ${iso('min(ts)')} AS start, ${iso('max(end_ts)')} AS "end",
       date_diff('millisecond', min(ts), max(end_ts)) / 1000.0 AS duration,
       list(activity ORDER BY pos) AS activities,
       ${VARIANT_ID} AS variant
     FROM e HAVING count(*) > 0`,
    { dataset, id },
  );
  if (!summary) return null;
  const base = {
    id,
    dataset,
    start: summary.start,
    end: summary.end,
    duration: sec(summary.duration),
    variant: summary.variant,
    activities: summary.activities,
  };
  if (dataset === 'default') {
    // One connection: the queries run one after the other.
    const attributes = await store.db.one<Record<string, unknown>>(
      `SELECT request_type AS "ServiceRequestType", media_type AS "MediaType",
           ${iso('first_contact')} AS "FirstContact", ${iso('resolved_at')} AS "ResolvedAt",
           conversation_count AS "ConversationCount", sla_target AS "SlaTargetResolutionTime",
           service_resolution_time AS "ServiceResolutionTime", is_sla_compliant AS "IsSlaCompliant",
           is_reopened AS "IsReopened", is_fcr AS "IsFirstContactResolution", csat AS "CustomerSatisfactionScore"
         FROM cases WHERE service_request = $id`,
      { id },
    );
    const conversations = await store.db.all<{ id: string }>(
      `SELECT m.conversation_id AS id FROM case_map m JOIN conversations c USING (conversation_id)
         WHERE m.service_request = $id ORDER BY c.start_time, m.conversation_id`,
      { id },
    );
    const events = await store.db.all<CaseEvent>(
      `SELECT ${eventLogColumns(scope)} FROM events WHERE ServiceRequest = $id
         ORDER BY EventTime, activity_order, ConversationId NULLS FIRST, seq`,
      { id },
    );
    return { ...base, attributes: attributes ?? {}, conversations: conversations.map((c) => c.id), events };
  }
  const raw = await store.db.all<{
    activity: string;
    time: string;
    end: string | null;
    duration: number | null;
    resource: string | null;
    attributes: string | null;
  }>(
    `SELECT activity, ${iso('ts')} AS time, ${iso('end_ts')} AS "end",
       date_diff('millisecond', ts, end_ts) / 1000.0 AS duration, resource, attributes
     FROM dataset_events WHERE dataset = $dataset AND case_id = $id ORDER BY ts, seq`,
    { dataset, id },
  );
  const caseAttributes: Record<string, unknown> = {};
  const events: CaseEvent[] = raw.map((e) => {
    const attributes = parseAttributes(e.attributes);
    for (const [key, value] of Object.entries(attributes)) {
      if (key.startsWith('case:') && !(key in caseAttributes)) caseAttributes[key] = value;
    }
    return {
      ActivityName: e.activity,
      EventTime: e.time,
      EventEndTime: e.end,
      Duration: e.duration === null ? null : sec(e.duration),
      Resource: e.resource,
      attributes,
    };
  });
  return { ...base, attributes: caseAttributes, conversations: [], events };
}

function parseAttributes(text: string | null): Record<string, unknown> {
  if (text === null) return {};
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : { value };
  } catch {
    return { value: text };
  }
}
