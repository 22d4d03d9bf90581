import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import { z } from 'zod';
import type { DataScope } from '../access/index.ts';
import type { Lang } from '../eventlog/index.ts';
import type {
  ExportKind,
  ExportStatus,
  ExportsTable,
  OperationalSchema,
} from '../store/operational/schema.ts';

/**
 * The export history: the `exports` table of the operational store (migrations 0002_exports.sql,
 * 0007_export_scope.sql). Each export goes queued → running → succeeded | failed; a succeeded one becomes
 * expired when the clean-up deletes its file. Times are ISO-8601 UTC strings from the caller's clock. Each
 * export keeps who requested it and their DataScope: the worker applies it, the API shows a user their own.
 */

export const EXPORT_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'expired'] as const;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const statusesMatch: Same<(typeof EXPORT_STATUSES)[number], ExportStatus> = true;
void statusesMatch;

/** How long a finished export can be downloaded. */
export const EXPORT_RETENTION_MS = 7 * 24 * 3600 * 1000;

/** An export interrupted this many times (the process stopped while it ran) fails instead of running again. */
export const MAX_EXPORT_ATTEMPTS = 3;

export interface ExportRecord {
  id: number;
  kind: ExportKind;
  from: string;
  to: string;
  lang: Lang;
  status: ExportStatus;
  progress: number;
  rows: number | null;
  bytes: number | null;
  /** The file under <data-dir>/exports, once written. */
  fileName: string | null;
  error: string | null;
  attempts: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  expiresAt: string | null;
  /** The requesting user's id; null for exports requested before access control. */
  requestedBy: string | null;
  /** What the file may hold (the requester's divisions and masking); null: everything (older exports). */
  scope: DataScope | null;
}

const scopeSchema = z.object({
  divisions: z.union([z.literal('all'), z.array(z.string())]),
  maskWrapUpCodes: z.boolean(),
  maskQueues: z.boolean(),
});

/** A stored scope that cannot be read shows nothing (no division, everything masked). */
const NOTHING: DataScope = { divisions: [], maskWrapUpCodes: true, maskQueues: true };

function storedScope(value: unknown): DataScope | null {
  if (value === null) return null;
  const parsed = scopeSchema.safeParse(value);
  return parsed.success ? parsed.data : NOTHING;
}

type Db = Kysely<OperationalSchema>;

const MAX_ERROR_LENGTH = 4000;
const clip = (text: string): string =>
  text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;

function toRecord(row: Selectable<ExportsTable>): ExportRecord {
  return {
    id: row.id,
    kind: row.kind,
    from: row.range_from,
    to: row.range_to,
    lang: row.lang,
    status: row.status,
    progress: row.progress,
    rows: row.row_count,
    bytes: row.byte_count,
    fileName: row.file_name,
    error: row.error,
    attempts: row.attempts,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    expiresAt: row.expires_at,
    requestedBy: row.requested_by,
    scope: storedScope(row.scope),
  };
}

/** Queues an export of a user (requestedBy) with what they may see (scope). */
export async function createExport(
  db: Db,
  request: {
    kind: ExportKind;
    from: string;
    to: string;
    lang: Lang;
    requestedBy: string;
    scope: DataScope;
  },
  now: Date,
): Promise<ExportRecord> {
  const row = await db
    .insertInto('exports')
    .values({
      kind: request.kind,
      range_from: request.from,
      range_to: request.to,
      lang: request.lang,
      requested_by: request.requestedBy,
      scope: JSON.stringify(request.scope),
      created_at: now.toISOString(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toRecord(row);
}

/** The history, newest first: every export, or those `requestedBy` the given user. */
export async function listExports(db: Db, limit = 100, requestedBy?: string): Promise<ExportRecord[]> {
  let query = db.selectFrom('exports').selectAll();
  if (requestedBy !== undefined) query = query.where('requested_by', '=', requestedBy);
  const rows = await query.orderBy('id', 'desc').limit(limit).execute();
  return rows.map(toRecord);
}

export async function findExport(db: Db, id: number): Promise<ExportRecord | undefined> {
  const row = await db.selectFrom('exports').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toRecord(row);
}

/**
 * Claims the oldest queued export: running, started now, one more attempt. On a PostgreSQL server
 * `FOR UPDATE SKIP LOCKED` keeps two workers from claiming the same one; PGlite runs one transaction at a
 * time.
 */
export async function claimNextExport(db: Db, now: Date): Promise<ExportRecord | undefined> {
  const claim = async (trx: Transaction<OperationalSchema>) => {
    const next = await trx
      .selectFrom('exports')
      .select('id')
      .where('status', '=', 'queued')
      .orderBy('id')
      .limit(1)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (!next) return undefined;
    return trx
      .updateTable('exports')
      .set({
        status: 'running',
        started_at: now.toISOString(),
        progress: 0,
        attempts: sql<number>`attempts + 1`,
        error: null,
      })
      .where('id', '=', next.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  };
  const row = await db.transaction().execute(claim);
  return row && toRecord(row);
}

export async function setExportProgress(db: Db, id: number, progress: number): Promise<void> {
  await db
    .updateTable('exports')
    .set({ progress: Math.min(1, Math.max(0, progress)) })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .execute();
}

export async function markExportSucceeded(
  db: Db,
  id: number,
  result: { rows: number; bytes: number; fileName: string },
  now: Date,
  retentionMs = EXPORT_RETENTION_MS,
): Promise<void> {
  await db
    .updateTable('exports')
    .set({
      status: 'succeeded',
      progress: 1,
      row_count: result.rows,
      byte_count: result.bytes,
      file_name: result.fileName,
      error: null,
      finished_at: now.toISOString(),
      expires_at: new Date(now.getTime() + retentionMs).toISOString(),
    })
    .where('id', '=', id)
    .execute();
}

export async function markExportFailed(db: Db, id: number, error: string, now: Date): Promise<void> {
  await db
    .updateTable('exports')
    .set({ status: 'failed', error: clip(error), finished_at: now.toISOString() })
    .where('id', '=', id)
    .execute();
}

/** Puts a running export back in the queue (the process stops): this run does not count as an attempt. */
export async function requeueExport(db: Db, id: number): Promise<void> {
  await db
    .updateTable('exports')
    .set({
      status: 'queued',
      progress: 0,
      started_at: null,
      attempts: sql<number>`greatest(attempts - 1, 0)`,
    })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .execute();
}

/**
 * At start: exports left running by a process that stopped mid-export are queued again, or failed once
 * they have been interrupted MAX_EXPORT_ATTEMPTS times (an export that brings the process down must not
 * do so at every start).
 */
export async function recoverInterruptedExports(
  db: Db,
  now: Date,
): Promise<{ requeued: number[]; failed: number[] }> {
  const rows = await db
    .updateTable('exports')
    .set({
      status: sql<ExportStatus>`case when attempts >= ${MAX_EXPORT_ATTEMPTS} then 'failed' else 'queued' end`,
      error: sql<string | null>`case when attempts >= ${MAX_EXPORT_ATTEMPTS}
        then ${`interrupted ${MAX_EXPORT_ATTEMPTS} times (the process stopped during the export)`} end`,
      finished_at: sql<
        string | null
      >`case when attempts >= ${MAX_EXPORT_ATTEMPTS} then ${now.toISOString()}::timestamptz end`,
      started_at: null,
      progress: 0,
    })
    .where('status', '=', 'running')
    .returning(['id', 'status'])
    .execute();
  return {
    requeued: rows.filter((r) => r.status === 'queued').map((r) => r.id),
    failed: rows.filter((r) => r.status === 'failed').map((r) => r.id),
  };
}

/** Marks the succeeded exports whose time is up expired; returns their files, to delete. */
export async function expireExports(db: Db, now: Date): Promise<{ id: number; fileName: string | null }[]> {
  const rows = await db
    .updateTable('exports')
    .set({ status: 'expired' })
    .where('status', '=', 'succeeded')
    .where('expires_at', '<=', now.toISOString())
    .returning(['id', 'file_name'])
    .execute();
  return rows.map((r) => ({ id: r.id, fileName: r.file_name }));
}

/** The status of each of these exports (absent: no such export). */
export async function exportStatuses(db: Db, ids: readonly number[]): Promise<Map<number, ExportStatus>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('exports').select(['id', 'status']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.status]));
}

/** Whether an export can no longer be downloaded: expired, or succeeded and past expires_at (not yet cleaned up). */
export function isExpired(record: ExportRecord, now: Date): boolean {
  return (
    record.status === 'expired' ||
    (record.status === 'succeeded' &&
      record.expiresAt !== null &&
      Date.parse(record.expiresAt) <= now.getTime())
  );
}
