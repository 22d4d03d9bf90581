import type { Kysely } from 'kysely';
import type { JsonValue, OperationalSchema } from '../store/index.ts';

export interface AuditEntry {
  /** The user name (or `cli:<os user>` for commands). */
  actor: string;
  /** e.g. login, login.failed, logout, export.add, export.download, user.create, user.update, role.create,
   * role.update, role.delete, token.create, token.revoke, password.change, privacy.erase */
  action: string;
  target?: string | null;
  details?: JsonValue;
  ip?: string | null;
  /** When; default the database's clock. */
  at?: string;
}

export interface AuditRecord {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  details: JsonValue | null;
  ip: string | null;
}

/** Appends to the audit log (committed before the caller answers). */
export async function audit(db: Kysely<OperationalSchema>, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      ...(entry.at ? { at: entry.at } : {}),
      actor: entry.actor,
      action: entry.action,
      target: entry.target ?? null,
      details: entry.details === undefined ? null : JSON.stringify(entry.details),
      ip: entry.ip ?? null,
    })
    .execute();
}

export interface AuditQuery {
  page: number;
  pageSize: number;
  action?: string;
  actor?: string;
  from?: string;
  to?: string;
}

/** Newest first. `action` matches a prefix ('login' matches login and login.failed). */
export async function listAudit(
  db: Kysely<OperationalSchema>,
  query: AuditQuery,
): Promise<{ total: number; items: AuditRecord[] }> {
  let q = db.selectFrom('audit_log');
  if (query.action)
    q = q.where((eb) =>
      eb.or([
        eb('action', '=', query.action ?? ''),
        eb('action', 'like', `${escapeLike(query.action ?? '')}.%`),
      ]),
    );
  if (query.actor) q = q.where('actor', '=', query.actor);
  if (query.from) q = q.where('at', '>=', query.from);
  if (query.to) q = q.where('at', '<', query.to);
  const [count, items] = await Promise.all([
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    q
      .selectAll()
      .orderBy('id', 'desc')
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize)
      .execute(),
  ]);
  return { total: Number(count.n), items };
}

const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Failed logins of a user name since a time (the lockout counts them from the log itself). */
export async function failedLoginsSince(
  db: Kysely<OperationalSchema>,
  username: string,
  since: string,
): Promise<number> {
  const row = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('action', '=', 'login.failed')
    .where('target', '=', username)
    .where('at', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
