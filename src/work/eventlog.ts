import type { Kysely } from 'kysely';
import { appendRow } from '../store/duckdb.ts';
import type { OperationalSchema, Store } from '../store/index.ts';
import { rebuildWorkEventsSql, WORK_ITEM_CASES, workCaseDivisionsSql } from './eventlog-sql.ts';
import { type EventCursor, eventsAfter } from './events.ts';
import type { WorkItemEvent } from './items.ts';
import type { WorkEventName } from './state-machine.ts';

/**
 * Work-item transitions into the service-request event log (README "Work items in the event log"). The
 * feeder reads the operational store's work_item_events after a watermark kept in DuckDB meta, resolves
 * names (agent, queue, work type) and the item's case and division, and in one DuckDB transaction writes
 * the rows, rebuilds the `events` rows of the cases they touch, adds the items' divisions to those cases,
 * moves the watermark and bumps the data version (process mining re-materializes). Idempotent: rows are
 * keyed by their operational id, and a crash before the commit leaves the watermark where it was, so the
 * next run reads the same events again.
 *
 * "Work Item Updated" (a change of the item's data, not a step of the process) is not fed.
 */

export const WORK_CURSOR_KEY = 'work:eventlog-cursor';
const NOT_FED: ReadonlySet<WorkEventName> = new Set(['Work Item Updated']);
const BATCH = 2000;

export interface WorkSyncResult {
  /** Operational events read past the watermark. */
  read: number;
  /** Rows written to work_item_events (read minus the updates). */
  written: number;
  /** Cases whose events were rebuilt. */
  cases: number;
}

const parseCursor = (value: string | undefined): EventCursor | null => {
  if (!value) return null;
  const parsed = JSON.parse(value) as Partial<EventCursor>;
  if (!Number.isInteger(parsed.txId) || !Number.isInteger(parsed.id))
    throw new Error(`meta ${WORK_CURSOR_KEY} is not a work-event cursor: ${value}`);
  return { txId: Number(parsed.txId), id: Number(parsed.id) };
};

/** Feeds every work-item event committed since the last run; batches of 2,000 events. */
export async function syncWorkEvents(
  store: Store,
  db: Kysely<OperationalSchema>,
  options: { batch?: number; now?: () => Date } = {},
): Promise<WorkSyncResult> {
  const total: WorkSyncResult = { read: 0, written: 0, cases: 0 };
  for (;;) {
    const cursor = parseCursor(await store.getMeta(WORK_CURSOR_KEY));
    const page = await eventsAfter(db, cursor, options.batch ?? BATCH);
    if (page.events.length === 0 || !page.cursor) return total;
    const rows = await resolve(db, page.events);
    const at = (options.now ?? (() => new Date()))().getTime();
    const cases = await write(store, rows, page.cursor, at);
    total.read += page.events.length;
    total.written += rows.length;
    total.cases += cases;
  }
}

interface FedRow {
  eventId: number;
  itemId: string;
  seq: number;
  serviceRequest: string | null;
  activity: string;
  at: number;
  agentId: string | null;
  agentName: string | null;
  queueId: string | null;
  queueName: string | null;
  divisionId: string;
  workType: string;
  slaSeconds: number | null;
}

/** The events' rows with their item's case, division, work type and SLA, and the agents' and queues' names. */
async function resolve(db: Kysely<OperationalSchema>, events: readonly WorkItemEvent[]): Promise<FedRow[]> {
  const fed = events.filter((e) => !NOT_FED.has(e.name));
  if (fed.length === 0) return [];
  const ids = (values: (string | null)[]) => [...new Set(values.filter((v): v is string => v !== null))];
  const itemIds = ids(fed.map((e) => e.itemId));
  const agentIds = ids(fed.map((e) => e.assigneeId));
  const queueIds = ids(fed.map((e) => e.queueId));
  const [items, agents, queues] = await Promise.all([
    db
      .selectFrom('work_items')
      .innerJoin('work_types', 'work_types.id', 'work_items.type_id')
      .select([
        'work_items.id',
        'work_items.service_request',
        'work_items.division_id',
        'work_items.created_at',
        'work_items.due_at',
        'work_types.name as type_name',
      ])
      .where('work_items.id', 'in', itemIds)
      .execute(),
    agentIds.length
      ? db.selectFrom('work_agents').select(['id', 'name']).where('id', 'in', agentIds).execute()
      : [],
    queueIds.length
      ? db.selectFrom('work_queues').select(['id', 'name']).where('id', 'in', queueIds).execute()
      : [],
  ]);
  const itemById = new Map(items.map((i) => [i.id, i]));
  const agentName = new Map(agents.map((a) => [a.id, a.name]));
  const queueName = new Map(queues.map((q) => [q.id, q.name]));
  return fed.map((e) => {
    const item = itemById.get(e.itemId);
    if (!item) throw new Error(`work item event ${e.id} names work item ${e.itemId}, which does not exist`);
    const created = Date.parse(String(item.created_at));
    const due = item.due_at === null ? Number.NaN : Date.parse(item.due_at);
    return {
      eventId: e.id,
      itemId: e.itemId,
      seq: e.seq,
      serviceRequest: item.service_request,
      activity: e.name,
      at: Date.parse(e.at),
      agentId: e.assigneeId,
      agentName: e.assigneeId === null ? null : (agentName.get(e.assigneeId) ?? null),
      queueId: e.queueId,
      queueName: e.queueId === null ? null : (queueName.get(e.queueId) ?? null),
      divisionId: item.division_id,
      workType: item.type_name,
      slaSeconds: Number.isNaN(due) ? null : Math.max(0, (due - created) / 1000),
    };
  });
}

/** One transaction: rows, the touched cases' events and divisions, the watermark, the data version. */
async function write(
  store: Store,
  rows: readonly FedRow[],
  cursor: EventCursor,
  at: number,
): Promise<number> {
  const { db } = store;
  return db.transaction(async () => {
    let cases = 0;
    if (rows.length > 0) {
      await db.run(`CREATE OR REPLACE TEMP TABLE work_batch (
        event_id DOUBLE, item_id VARCHAR, seq DOUBLE, service_request VARCHAR, activity VARCHAR,
        event_time TIMESTAMP, agent_id VARCHAR, agent_name VARCHAR, queue_id VARCHAR, queue_name VARCHAR,
        division_id VARCHAR, work_type VARCHAR, sla_target DOUBLE, last_data_update TIMESTAMP)`);
      const batch = await db.appender('work_batch');
      for (const r of rows) {
        appendRow(batch, [
          r.eventId,
          r.itemId,
          r.seq,
          r.serviceRequest,
          r.activity,
          { ts: r.at },
          r.agentId,
          r.agentName,
          r.queueId,
          r.queueName,
          r.divisionId,
          r.workType,
          r.slaSeconds,
          { ts: at },
        ]);
      }
      batch.closeSync();
      await db.run(`
        DELETE FROM work_item_events WHERE event_id IN (SELECT event_id::BIGINT FROM work_batch);
        INSERT INTO work_item_events
        SELECT event_id::BIGINT, item_id, seq::INTEGER, service_request, activity, event_time, agent_id, agent_name,
          queue_id, queue_name, division_id, work_type, sla_target, last_data_update
        FROM work_batch ORDER BY item_id, seq;`);
      const touched = `case_id IN (SELECT case_id FROM ${WORK_ITEM_CASES}
        WHERE item_id IN (SELECT item_id FROM work_batch))`;
      const row = await db.one<{ n: number }>(
        `SELECT count(DISTINCT case_id)::INTEGER AS n FROM ${WORK_ITEM_CASES} WHERE ${touched}`,
      );
      cases = row?.n ?? 0;
      await db.run(rebuildWorkEventsSql(touched));
      await db.run(workCaseDivisionsSql(touched));
      await db.run('DROP TABLE work_batch');
      await store.bumpDataVersion('default');
    }
    await store.setMeta(WORK_CURSOR_KEY, JSON.stringify(cursor));
    return cases;
  });
}

/**
 * The feeder in the server: a run every `intervalMs`, and one `debounceMs` after work changes (several
 * changes close together make one run). Runs never overlap; a failed run is logged and retried at the next.
 */
export class WorkEventFeeder {
  private timer: NodeJS.Timeout | null = null;
  private debounce: NodeJS.Timeout | null = null;
  private running: Promise<WorkSyncResult | null> = Promise.resolve(null);
  private stopped = false;

  constructor(
    private readonly options: {
      store: Store;
      db: Kysely<OperationalSchema>;
      intervalMs?: number;
      debounceMs?: number;
      log: { error: (message: string) => void };
      /** After a run that wrote rows (the server warms the process-mining tables). */
      afterWrite?: () => Promise<void>;
    },
  ) {}

  start(): void {
    this.stopped = false;
    void this.sync();
    this.timer = setInterval(() => void this.sync(), this.options.intervalMs ?? 60_000);
    this.timer.unref();
  }

  /** Work changed: a run shortly. */
  changed(): void {
    if (this.stopped || this.debounce) return;
    this.debounce = setTimeout(() => {
      this.debounce = null;
      void this.sync();
    }, this.options.debounceMs ?? 2_000);
    this.debounce.unref();
  }

  /** One run after the one in progress; null when it failed (logged). */
  sync(): Promise<WorkSyncResult | null> {
    this.running = this.running.then(async () => {
      if (this.stopped) return null;
      try {
        const result = await syncWorkEvents(this.options.store, this.options.db);
        if (result.written > 0) await this.options.afterWrite?.();
        return result;
      } catch (error) {
        this.options.log.error(`work items into the event log: ${(error as Error).message}`);
        return null;
      }
    });
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.debounce) clearTimeout(this.debounce);
    this.timer = null;
    this.debounce = null;
    await this.running;
  }
}
