import type { DataScope } from '../access/index.ts';
import { caseInScope, queueSql, type Store } from '../store/index.ts';

/** The values a filter can take in a dataset, for pickers: channels, queues, request types, agents, activities. */
export interface Facets {
  mediaType: string[];
  queue: string[];
  requestType: string[];
  agent: string[];
  activity: string[];
}

/** The values of the cases the scope sees; no queue without routing:queue:search (the filter refuses them). */
export async function facets(store: Store, dataset: string, scope: DataScope): Promise<Facets> {
  const values = (column: string) =>
    `coalesce(list(DISTINCT ${column} ORDER BY ${column}) FILTER (WHERE ${column} IS NOT NULL), [])`;
  const visible =
    dataset === 'default' && scope.divisions !== 'all' ? ` AND ${caseInScope(scope, 'case_id')}` : '';
  const row = await store.db.one<Facets>(
    `SELECT ${values('media_type')} AS "mediaType", ${values(queueSql(scope, 'queue_name'))} AS queue,
       ${values('request_type')} AS "requestType", ${values('resource')} AS agent, ${values('activity')} AS activity
     FROM mining_events WHERE dataset = $dataset${visible}`,
    { dataset },
  );
  return row ?? { mediaType: [], queue: [], requestType: [], agent: [], activity: [] };
}
