import { type InsertObject, type Selectable, sql, type Transaction, type UpdateObject } from 'kysely';
import type { OperationalSchema } from '../store/index.ts';
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

/** Inserts an item; undefined when its idempotency key is taken (a concurrent retry won). */
export async function insertItem(
  trx: Trx,
  values: InsertObject<OperationalSchema, 'work_items'>,
): Promise<ItemRow | undefined> {
  return trx
    .insertInto('work_items')
    .values(values)
    .onConflict((conflict) =>
      conflict
        .expression(sql`coalesce(source_system, ''), idempotency_key`)
        .where('idempotency_key', 'is not', null)
        .doNothing(),
    )
    .returningAll()
    .executeTakeFirst();
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

/** Locks an agent's row: assignments to one agent take turns, so capacity is never exceeded. */
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

/** The agent got new work at `at`: routing's "longest idle" counts from here. */
export async function markAssigned(trx: Trx, agentId: string, at: string): Promise<void> {
  await trx.updateTable('work_agents').set({ last_idle_at: at }).where('id', '=', agentId).execute();
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
