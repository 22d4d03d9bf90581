import { type Kysely, type Selectable, sql } from 'kysely';
import type { OperationalSchema, OutboxStatus } from '../store/index.ts';
import { requeue } from '../store/index.ts';
import type { OutboxTable } from '../store/operational/schema.ts';
import { seesNothing, type WorkActor } from './actor.ts';
import { CALLBACK_TOPIC } from './callbacks.ts';
import { WorkConflictError, WorkNotFoundError } from './errors.ts';

/**
 * The calls back to source systems as the API and the CLI show them: the 'work.callback' outbox messages
 * (pending, delivered, dead) with their delivery log (work_callback_deliveries, one row per attempt), and
 * the manual replay of a dead or delivered one. A message belongs to its item's division: viewers see those
 * of their divisions only.
 */

type Db = Kysely<OperationalSchema>;

export const CALLBACK_STATUSES = ['pending', 'delivered', 'dead'] as const satisfies readonly OutboxStatus[];
export type CallbackStatus = (typeof CALLBACK_STATUSES)[number];

export interface CallbackMessage {
  id: number;
  /** `itemId:seq`: the X-Caseflow-Event-Id header, the same on every attempt and replay. */
  eventId: string;
  itemId: string | null;
  typeId: string | null;
  action: string | null;
  status: CallbackStatus;
  /** Attempts since it was enqueued or last replayed. */
  attempts: number;
  /** Pending: when the next attempt may start. */
  nextAttemptAt: string | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

export interface CallbackDelivery {
  attempt: number;
  startedAt: string;
  durationMs: number;
  status: 'ok' | 'error';
  responseCode: number | null;
  error: string | null;
}

/** What a callback message's payload holds (src/work/callbacks.ts). */
export interface CallbackPayload {
  itemId: string;
  seq: number;
  action: string;
  event: string;
  at: string;
  item: { typeId: string; divisionId: string } & Record<string, unknown>;
}

export function isCallbackPayload(value: unknown): value is CallbackPayload {
  const p = value as Partial<CallbackPayload> | null;
  return (
    typeof p === 'object' &&
    p !== null &&
    typeof p.itemId === 'string' &&
    typeof p.action === 'string' &&
    typeof p.item === 'object' &&
    p.item !== null &&
    typeof p.item.typeId === 'string'
  );
}

function toCallback(row: Selectable<OutboxTable>): CallbackMessage {
  const payload = isCallbackPayload(row.payload) ? row.payload : null;
  return {
    id: row.id,
    eventId: row.key,
    itemId: payload?.itemId ?? null,
    typeId: payload?.item.typeId ?? null,
    action: payload?.action ?? null,
    status: row.status as CallbackStatus,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
  };
}

const divisionOf = sql<string>`payload->'item'->>'divisionId'`;

/** The callback messages the actor sees, newest first. */
export async function listCallbacks(
  db: Db,
  actor: WorkActor,
  filter: { status?: CallbackStatus | undefined; limit?: number | undefined } = {},
): Promise<CallbackMessage[]> {
  if (seesNothing(actor)) return [];
  let query = db.selectFrom('outbox').selectAll().where('topic', '=', CALLBACK_TOPIC);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (actor.divisions !== 'all') query = query.where(divisionOf, 'in', [...actor.divisions]);
  const rows = await query
    .orderBy('id', 'desc')
    .limit(filter.limit ?? 100)
    .execute();
  return rows.map(toCallback);
}

async function visibleRow(db: Db, id: number, actor: WorkActor): Promise<Selectable<OutboxTable>> {
  const row = await db
    .selectFrom('outbox')
    .selectAll()
    .where('id', '=', id)
    .where('topic', '=', CALLBACK_TOPIC)
    .executeTakeFirst();
  const division = row && isCallbackPayload(row.payload) ? row.payload.item.divisionId : undefined;
  if (!row || (actor.divisions !== 'all' && !actor.divisions.includes(division ?? ''))) {
    throw new WorkNotFoundError(`no work callback ${id}`);
  }
  return row;
}

/** A callback message and its delivery log (every attempt, oldest first). WorkNotFoundError if not seen. */
export async function getCallback(
  db: Db,
  id: number,
  actor: WorkActor,
): Promise<{ callback: CallbackMessage; deliveries: CallbackDelivery[] }> {
  const row = await visibleRow(db, id, actor);
  const deliveries = await db
    .selectFrom('work_callback_deliveries')
    .selectAll()
    .where('message_id', '=', id)
    .orderBy('id')
    .execute();
  return {
    callback: toCallback(row),
    deliveries: deliveries.map((d) => ({
      attempt: d.attempt,
      startedAt: d.started_at,
      durationMs: d.duration_ms,
      status: d.status,
      responseCode: d.response_code,
      error: d.error,
    })),
  };
}

/**
 * Sends a dead or delivered callback again: it becomes pending, due at `now`, with a fresh attempt count
 * and the same event id (the receiver may drop it as a duplicate). The body is the item as it was at the
 * event; the URL and secret are the work type's at delivery time, so fixing them and replaying works.
 * WorkConflictError for a pending message (it is delivered or retried already).
 */
export async function replayCallback(
  db: Db,
  id: number,
  actor: WorkActor,
  now: Date,
): Promise<CallbackMessage> {
  return db.transaction().execute(async (trx) => {
    const row = await visibleRow(trx, id, actor);
    if (row.status === 'pending') {
      throw new WorkConflictError(
        `work callback ${id} is pending (next attempt at ${row.next_attempt_at}): only a dead or delivered callback is replayed`,
      );
    }
    if (row.status === 'dead') await requeue(trx, id, now);
    else {
      await trx
        .updateTable('outbox')
        .set({ status: 'pending', attempts: 0, next_attempt_at: now.toISOString(), delivered_at: null })
        .where('id', '=', id)
        .execute();
    }
    return toCallback(
      await trx.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
    );
  });
}
