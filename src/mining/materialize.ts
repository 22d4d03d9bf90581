import type { Store } from '../store/index.ts';
import { EVENT_ORDER, VARIANT_ID } from './filters.ts';

const inFlight = new Map<string, Promise<void>>();

/**
 * Makes `mining_ev` and `mining_cases` current for a dataset: rebuilt when the dataset's data version
 * (bumped by every import, regroup or deletion) differs from the one they were built from. The first
 * query after a change pays for one sort of the dataset's events; later queries only aggregate.
 */
export function ensureMaterialized(store: Store, dataset: string): Promise<void> {
  const key = `${store.dataDir}\u0000${dataset}`;
  const running = inFlight.get(key);
  if (running) return running;
  const work = refreshIfStale(store, dataset).finally(() => inFlight.delete(key));
  inFlight.set(key, work);
  return work;
}

async function refreshIfStale(store: Store, dataset: string): Promise<void> {
  const version = await store.dataVersion(dataset);
  if ((await store.getMeta(`mining_version:${dataset}`)) === version) return;
  await store.db.transaction(async () => {
    await store.db.run('DELETE FROM mining_ev WHERE dataset = $dataset', { dataset });
    await store.db.run(
      `INSERT INTO mining_ev
       SELECT *, row_number() OVER (PARTITION BY case_id, activity ORDER BY pos) = 1,
         row_number() OVER (PARTITION BY case_id, activity, next_activity ORDER BY pos) = 1
       FROM (
         SELECT dataset, case_id, activity, ts, end_ts, resource, conversation_id, media_type, queue_name,
           request_type, is_sla_compliant, is_reopened, is_fcr, tiebreak, seq,
           row_number() OVER w AS pos, lead(activity) OVER w AS next_activity, lead(ts) OVER w AS next_ts
         FROM mining_events WHERE dataset = $dataset
         WINDOW w AS (PARTITION BY case_id ORDER BY ${EVENT_ORDER}))
       ORDER BY case_id, pos`,
      { dataset },
    );
    await store.db.run('DELETE FROM mining_cases WHERE dataset = $dataset', { dataset });
    await store.db.run(
      `INSERT INTO mining_cases
       SELECT $dataset, case_id, min(ts), max(end_ts), date_diff('millisecond', min(ts), max(end_ts)) / 1000.0,
         count(*), ${VARIANT_ID}, any_value(is_sla_compliant), any_value(is_reopened), any_value(is_fcr)
       FROM mining_ev WHERE dataset = $dataset GROUP BY case_id ORDER BY case_id`,
      { dataset },
    );
    await store.setMeta(`mining_version:${dataset}`, version);
  });
}
