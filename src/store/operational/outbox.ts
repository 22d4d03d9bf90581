import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { JsonValue, OperationalSchema, OutboxStatus, OutboxTable } from './schema.ts';
import { toIsoInstant } from './values.ts';

/**
 * The transactional outbox: messages delivered at least once.
 *
 * - `enqueue` in the same transaction as the change the message announces (pass the transaction as `db`):
 *   the message exists if and only if the change was committed. (topic, key) identifies the message:
 *   enqueueing it again is a no-op, so a retried operation does not send twice.
 * - A worker `claimDue`s pending messages whose time has come: each is claimed by one worker only
 *   (`FOR UPDATE SKIP LOCKED` on a server; PGlite runs one transaction at a time) and leased, i.e. its next
 *   attempt is pushed to now + lease and its attempt count raised. The worker delivers it, then
 *   `markDelivered`, or `markFailed` with the time of the next attempt, or with null to give up (dead). A
 *   worker that dies mid-delivery loses its lease: the message is claimed again when the lease ends, which
 *   is why delivery is at least once and receivers should use the key to drop duplicates.
 * - `requeue` sends a dead message again (manual replay), with a fresh attempt count.
 *
 * Times are instants (ISO-8601 with a zone, or Date) from the caller's clock; they come back as ISO-8601 UTC.
 */

export interface OutboxMessage {
  id: number;
  topic: string;
  key: string;
  payload: JsonValue;
  status: OutboxStatus;
  /** Delivery attempts started (claims). */
  attempts: number;
  /** Pending: when it may be claimed (after a claim, when its lease ends). Otherwise null. */
  nextAttemptAt: string | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

export interface EnqueueInput {
  topic: string;
  /** Identifies the message within its topic (an event id): the same key is enqueued once. */
  key: string;
  payload: JsonValue;
  /** When it may be delivered first (default: now). */
  availableAt?: string | Date;
}

export interface ClaimOptions {
  /** How long a claim holds a message before it may be claimed again, in milliseconds (default 60 s). */
  leaseMs?: number;
}

type Db = Kysely<OperationalSchema>;

/** Longer error texts (a whole HTML error page…) are cut to this many characters. */
const MAX_ERROR_LENGTH = 4000;

export async function enqueue(db: Db, input: EnqueueInput): Promise<{ id: number; created: boolean }> {
  const availableAt = toIsoInstant(input.availableAt ?? new Date(), 'availableAt');
  const inserted = await db
    .insertInto('outbox')
    .values({
      topic: input.topic,
      key: input.key,
      payload: sql<string>`cast(${JSON.stringify(input.payload)} as jsonb)`,
      next_attempt_at: availableAt,
    })
    .onConflict((conflict) => conflict.columns(['topic', 'key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return { id: inserted.id, created: true };
  const existing = await db
    .selectFrom('outbox')
    .select('id')
    .where('topic', '=', input.topic)
    .where('key', '=', input.key)
    .executeTakeFirstOrThrow();
  return { id: existing.id, created: false };
}

/**
 * Claims up to `limit` pending messages of a topic due at `now`, the most overdue first; returns them in
 * enqueue order (id).
 */
export async function claimDue(
  db: Db,
  topic: string,
  limit: number,
  now: string | Date = new Date(),
  options: ClaimOptions = {},
): Promise<OutboxMessage[]> {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`limit must be a positive integer, got ${limit}`);
  }
  const leaseMs = options.leaseMs ?? 60_000;
  if (!Number.isFinite(leaseMs) || leaseMs <= 0) {
    throw new RangeError(`leaseMs must be a positive number, got ${leaseMs}`);
  }
  const at = toIsoInstant(now, 'now');
  const leaseEnd = new Date(Date.parse(at) + leaseMs).toISOString();
  const claim = (trx: Transaction<OperationalSchema> | Db) =>
    trx
      .with('due', (q) =>
        q
          .selectFrom('outbox')
          .select('id')
          .where('status', '=', 'pending')
          .where('topic', '=', topic)
          .where('next_attempt_at', '<=', at)
          .orderBy('next_attempt_at')
          .orderBy('id')
          .limit(limit)
          .forUpdate()
          .skipLocked(),
      )
      .updateTable('outbox')
      .from('due')
      .set({ attempts: sql<number>`outbox.attempts + 1`, next_attempt_at: leaseEnd })
      .whereRef('outbox.id', '=', 'due.id')
      .returningAll('outbox')
      .execute();
  const rows = db.isTransaction ? await claim(db) : await db.transaction().execute(claim);
  return rows.map(toMessage).sort((a, b) => a.id - b.id);
}

/** Marks a claimed message delivered. False when it is not pending (already delivered, dead, unknown). */
export async function markDelivered(db: Db, id: number, now: string | Date = new Date()): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set({ status: 'delivered', delivered_at: toIsoInstant(now, 'now'), next_attempt_at: null })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Records a failed attempt: tried again at `nextAttemptAt`, or dead when it is null (given up; `requeue`
 * replays it). False when the message is not pending.
 */
export async function markFailed(
  db: Db,
  id: number,
  error: string,
  nextAttemptAt: string | Date | null,
): Promise<boolean> {
  const next = nextAttemptAt === null ? null : toIsoInstant(nextAttemptAt, 'nextAttemptAt');
  const result = await db
    .updateTable('outbox')
    .set({
      status: next === null ? 'dead' : 'pending',
      next_attempt_at: next,
      last_error: error.length > MAX_ERROR_LENGTH ? `${error.slice(0, MAX_ERROR_LENGTH - 1)}…` : error,
    })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Makes a dead message pending again, due at `now`, attempts back to 0. False when it is not dead. */
export async function requeue(db: Db, id: number, now: string | Date = new Date()): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set({ status: 'pending', attempts: 0, next_attempt_at: toIsoInstant(now, 'now') })
    .where('id', '=', id)
    .where('status', '=', 'dead')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function findOutboxMessage(db: Db, id: number): Promise<OutboxMessage | undefined> {
  const row = await db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toMessage(row);
}

function toMessage(row: Selectable<OutboxTable>): OutboxMessage {
  return {
    id: row.id,
    topic: row.topic,
    key: row.key,
    payload: row.payload,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
  };
}
