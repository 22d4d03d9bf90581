import { type InsertObject, type Selectable, sql, type Transaction, type UpdateObject } from 'kysely';
import type { OperationalSchema } from '../store/index.ts';
import { parseInt8 } from '../store/operational/values.ts';
import type { WorkActor } from './actor.ts';
import { type Db, jsonb } from './db.ts';
import { ACTIVE_STATUSES, type WorkItemStatus } from './state-machine.ts';

/**
 * The SQL of work items and their events. Changes happen inside a transaction that first locks the item
 * (`lockItem`: SELECT … FOR UPDATE): concurrent changes of one item — on one server or several on one
 * PostgreSQL — take turns, and each sees the committed result of the one before (so of fifty concurrent
 * claims, one finds the item queued and the others find it assigned). The UPDATE also names the version it
 * read, so a change can never be written over one it did not see.
 */

type Trx = Transaction<OperationalSchema>;
export type ItemRow = Selectable<OperationalSchema['work_items']>;

export async function findItem(db: Db, id: string): Promise<ItemRow | undefined> {
  return db.selectFrom('work_items').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function lockItem(trx: Trx, id: string): Promise<ItemRow | undefined> {
  return trx.selectFrom('work_items').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** lockItem, with the item's work type read in the same statement (the type's row is not locked). */
export async function lockItemWithType(
  trx: Trx,
  id: string,
): Promise<{ row: ItemRow; type: Selectable<OperationalSchema['work_types']> } | undefined> {
  const found = await trx
    .selectFrom('work_items as i')
    .innerJoin('work_types as t', 't.id', 'i.type_id')
    .selectAll('i')
    .select(sql<Selectable<OperationalSchema['work_types']>>`row_to_json(t)`.as('type_row'))
    .where('i.id', '=', id)
    .forUpdate('i')
    .executeTakeFirst();
  if (!found) return undefined;
  const { type_row, ...row } = found;
  return { row, type: typeof type_row === 'string' ? JSON.parse(type_row) : type_row };
}

export async function findByIdempotencyKey(
  db: Db,
  sourceSystem: string | null,
  key: string,
): Promise<ItemRow | undefined> {
  return db
    .selectFrom('work_items')
    .selectAll()
    .where(sql<string>`coalesce(source_system, '')`, '=', sourceSystem ?? '')
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

export type EventRow = Selectable<OperationalSchema['work_item_events']>;

/** The columns an event is written with (its id and transaction id come from the store). */
const EVENT_COLUMNS = [
  'item_id',
  'seq',
  'name',
  'action',
  'status',
  'queue_id',
  'assignee_id',
  'at',
  'actor',
  'details',
] as const;

/** An event as written: what happened, and where it left the item. */
export type NewItemEvent = NewEvent & Pick<ItemRow, 'status' | 'queue_id' | 'assignee_id'>;

/** A new item's row and its first events (seq 1, 2, …). */
export interface NewItemRows {
  values: InsertObject<OperationalSchema, 'work_items'> & {
    id: string;
    type_id: string;
    queue_id: string | null;
    workbin_id: string | null;
  };
  events: readonly NewItemEvent[];
}

/**
 * Inserts new items and their first events in one statement. An item whose idempotency key is taken (by an
 * earlier or concurrent request, or earlier in the same batch) is left out, its events too: the answer has
 * the rows written, by item id.
 */
export async function insertItems(
  db: Db,
  items: readonly NewItemRows[],
): Promise<Map<string, { row: ItemRow; events: EventRow[] }>> {
  const written = new Map<string, { row: ItemRow; events: EventRow[] }>();
  if (items.length === 0) return written;
  const events = items.flatMap(({ values, events }) =>
    events.map(
      (e, i) =>
        sql`(${values.id}, ${i + 1}, ${e.name}, ${e.action}, ${e.status}, ${e.queue_id}, ${e.assignee_id}, ${e.at}, ${e.actor}, ${JSON.stringify(e.details)})`,
    ),
  );
  const rows = await db
    .with('item', (qb) =>
      qb
        .insertInto('work_items')
        .values(items.map((i) => i.values))
        .onConflict((conflict) =>
          conflict
            .expression(sql`coalesce(source_system, ''), idempotency_key`)
            .where('idempotency_key', 'is not', null)
            .doNothing(),
        )
        .returningAll(),
    )
    .with('event', (qb) =>
      qb
        .insertInto('work_item_events')
        .columns(EVENT_COLUMNS)
        .expression(
          sql`select item.id, e.seq::int, e.name, e.action, e.status, e.queue_id, e.assignee_id, e.at::timestamptz,
                e.actor, e.details::jsonb
              from item join (values ${sql.join(events)})
                as e (item_id, seq, name, action, status, queue_id, assignee_id, at, actor, details)
                on e.item_id::uuid = item.id`,
        )
        .returning(['id', 'item_id', 'seq', 'tx_id']),
    )
    .selectFrom('item')
    .selectAll('item')
    .select(
      sql<string>`(select json_agg(json_build_array(event.id::text, event.tx_id::text) order by event.seq)
        from event where event.item_id = item.id)`.as('event_ids'),
    )
    .execute();
  const wanted = new Map(items.map((i) => [i.values.id, i.events]));
  for (const { event_ids, ...row } of rows) {
    const newEvents = wanted.get(row.id) ?? [];
    // Ids as text, so that int8's range check (parseInt8) applies as to every other column.
    const ids = (typeof event_ids === 'string' ? JSON.parse(event_ids) : event_ids) as [string, string][];
    if (ids.length !== newEvents.length)
      throw new Error(`work item ${row.id}: ${ids.length} events written of ${newEvents.length}`);
    written.set(row.id, {
      row,
      events: newEvents.map((e, i) => {
        const [id, txId] = ids[i] as [string, string];
        return eventRow(row.id, i + 1, e, parseInt8(id), parseInt8(txId));
      }),
    });
  }
  return written;
}

function eventRow(itemId: string, seq: number, e: NewItemEvent, id: number, txId: number): EventRow {
  return {
    id,
    item_id: itemId,
    seq,
    name: e.name,
    action: e.action,
    status: e.status,
    queue_id: e.queue_id,
    assignee_id: e.assignee_id,
    at: e.at,
    actor: e.actor,
    details: e.details as EventRow['details'],
    tx_id: txId,
  };
}

/** Writes a change over the version read (under the item's lock), raising the version by one. */
export async function writeItem(
  trx: Trx,
  read: ItemRow,
  changes: Omit<UpdateObject<OperationalSchema, 'work_items'>, 'version'>,
): Promise<ItemRow> {
  return trx
    .updateTable('work_items')
    .set({ ...changes, version: read.version + 1 })
    .where('id', '=', read.id)
    .where('version', '=', read.version)
    .returningAll()
    .executeTakeFirstOrThrow(() => new Error(`work item ${read.id} changed while it was locked`));
}

export interface NewEvent {
  name: string;
  action: string;
  at: string;
  actor: string;
  details: Record<string, unknown>;
}

/** Where an event leaves the item: its status, queue and agent (the event log's QueueName, AgentId). */
export type EventState = Pick<ItemRow, 'id' | 'status' | 'queue_id' | 'assignee_id'>;

/**
 * Writes a change over the version read (as writeItem) and appends the item's next event, leaving it where
 * the change left the item, in one statement.
 */
export async function writeItemWithEvent(
  trx: Trx,
  read: ItemRow,
  changes: Omit<UpdateObject<OperationalSchema, 'work_items'>, 'version'>,
  event: NewEvent,
): Promise<{ row: ItemRow; event: EventRow }> {
  const written = await trx
    .with('updated', (qb) =>
      qb
        .updateTable('work_items')
        .set({ ...changes, version: read.version + 1 })
        .where('id', '=', read.id)
        .where('version', '=', read.version)
        .returningAll(),
    )
    .with('event', (qb) =>
      qb
        .insertInto('work_item_events')
        .columns(EVENT_COLUMNS)
        .expression(
          sql`select id, (select coalesce(max(seq), 0) + 1 from work_item_events where item_id = ${read.id}),
                ${event.name}, ${event.action}, status, queue_id, assignee_id, ${event.at}::timestamptz,
                ${event.actor}, ${JSON.stringify(event.details)}::jsonb
              from updated`,
        )
        .returning(['id', 'seq', 'tx_id']),
    )
    .selectFrom(['updated', 'event'])
    .selectAll('updated')
    .select(['event.id as event_id', 'event.seq as event_seq', 'event.tx_id as event_tx_id'])
    .executeTakeFirstOrThrow(() => new Error(`work item ${read.id} changed while it was locked`));
  const { event_id, event_seq, event_tx_id, ...row } = written;
  return { row, event: eventRow(row.id, event_seq, { ...event, ...row }, event_id, event_tx_id) };
}

/** Appends an item's next event (seq = last + 1; the item is locked or new). */
export async function appendEvent(
  trx: Trx,
  item: EventState,
  event: NewEvent,
): Promise<Selectable<OperationalSchema['work_item_events']>> {
  return trx
    .insertInto('work_item_events')
    .values({
      item_id: item.id,
      seq: sql<number>`(select coalesce(max(seq), 0) + 1 from work_item_events where item_id = ${item.id})`,
      name: event.name,
      action: event.action,
      status: item.status,
      queue_id: item.queue_id,
      assignee_id: item.assignee_id,
      at: event.at,
      actor: event.actor,
      details: jsonb(event.details),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function itemEvents(
  db: Db,
  itemId: string,
): Promise<Selectable<OperationalSchema['work_item_events']>[]> {
  return db.selectFrom('work_item_events').selectAll().where('item_id', '=', itemId).orderBy('seq').execute();
}

/** Locks an agent's row (their capacity is checked under it). */
export async function lockAgent(trx: Trx, agentId: string) {
  return trx.selectFrom('work_agents').selectAll().where('id', '=', agentId).forUpdate().executeTakeFirst();
}

/** How many items hold the agent (assigned, in progress, paused), besides `except`. */
export async function activeItemCount(trx: Trx, agentId: string, except: string): Promise<number> {
  const row = await trx
    .selectFrom('work_items')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('assignee_id', '=', agentId)
    .where('status', 'in', [...ACTIVE_STATUSES])
    .where('id', '!=', except)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Locks an agent's row to give them new work at `at` (routing's "longest idle" counts from here): assignments
 * to one agent take turns, so capacity is never exceeded (count their items after this, in a new statement).
 */
export async function lockAgentForAssignment(trx: Trx, agentId: string, at: string) {
  return trx
    .updateTable('work_agents')
    .set({ last_idle_at: at })
    .where('id', '=', agentId)
    .returningAll()
    .executeTakeFirst();
}

export const LIST_ORDERS = ['priority', 'due', 'created'] as const;
export type ListOrder = (typeof LIST_ORDERS)[number];

export interface ItemFilter {
  status?: readonly WorkItemStatus[];
  typeId?: string;
  queueId?: string;
  workbinId?: string;
  assigneeId?: string;
  customer?: string;
  serviceRequest?: string;
  /** priority: highest first, then the nearest due date (pull lists); due: nearest first; created: newest. */
  order: ListOrder;
  limit: number;
  offset: number;
}

/** One page of the items the actor's divisions hold, and how many match in all. */
export async function listItems(
  db: Db,
  filter: ItemFilter,
  actor: WorkActor,
): Promise<{ rows: ItemRow[]; total: number }> {
  if (actor.divisions !== 'all' && actor.divisions.length === 0) return { rows: [], total: 0 };
  let query = db.selectFrom('work_items');
  if (actor.divisions !== 'all') query = query.where('division_id', 'in', actor.divisions);
  if (filter.status && filter.status.length > 0) query = query.where('status', 'in', filter.status);
  if (filter.typeId) query = query.where('type_id', '=', filter.typeId);
  if (filter.queueId) query = query.where('queue_id', '=', filter.queueId);
  if (filter.workbinId) query = query.where('workbin_id', '=', filter.workbinId);
  if (filter.assigneeId) query = query.where('assignee_id', '=', filter.assigneeId);
  if (filter.customer) query = query.where('customer_key', '=', filter.customer);
  if (filter.serviceRequest) query = query.where('service_request', '=', filter.serviceRequest);
  const count = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  let page = query.selectAll();
  if (filter.order === 'priority')
    page = page.orderBy('priority', 'desc').orderBy(sql`due_at asc nulls last`).orderBy('created_at');
  else if (filter.order === 'due')
    page = page.orderBy(sql`due_at asc nulls last`).orderBy('priority', 'desc');
  else page = page.orderBy('created_at', 'desc');
  const rows = await page.orderBy('id').limit(filter.limit).offset(filter.offset).execute();
  return { rows, total: Number(count.n) };
}
