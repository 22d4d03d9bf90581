import { sql } from 'kysely';
import type { Db } from './db.ts';
import { toWorkItemEvent, type WorkItemEvent } from './items.ts';

/**
 * Following the work-item events in commit order, for readers that keep a watermark (the event log,
 * callbacks, the dashboard's live view). Ids alone would not do: a transaction that took id 8 can commit
 * after one that took id 9, and a reader past 9 would never see 8. So each event row carries its
 * transaction's id, and a reader takes only rows of transactions older than every one still running
 * (pg_snapshot_xmin), in (transaction, id) order: nothing can appear behind its cursor later.
 */

export interface EventCursor {
  txId: number;
  id: number;
}

export async function eventsAfter(
  db: Db,
  after: EventCursor | null,
  limit: number,
): Promise<{ events: WorkItemEvent[]; cursor: EventCursor | null }> {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`limit must be a positive integer, got ${limit}`);
  let query = db
    .selectFrom('work_item_events')
    .selectAll()
    .where('tx_id', '<', sql<number>`pg_snapshot_xmin(pg_current_snapshot())::text::bigint`);
  if (after) query = query.where(sql<boolean>`(tx_id, id) > (${after.txId}, ${after.id})`);
  const rows = await query.orderBy('tx_id').orderBy('id').limit(limit).execute();
  const last = rows.at(-1);
  return {
    events: rows.map(toWorkItemEvent),
    cursor: last ? { txId: last.tx_id, id: last.id } : after,
  };
}
