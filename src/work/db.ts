import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type { OperationalSchema } from '../store/index.ts';
import { WorkConflictError } from './errors.ts';

/** The operational database or a transaction on it. */
export type Db = Kysely<OperationalSchema> | Transaction<OperationalSchema>;

/** A value written to a jsonb column (JSON text cast to jsonb, as the other stores write them). */
export const jsonb = (value: unknown): RawBuilder<string> =>
  sql<string>`cast(${JSON.stringify(value)} as jsonb)`;
/** A value written to a json column (kept as written: object keys keep their order). */
export const json = (value: unknown): RawBuilder<string> =>
  sql<string>`cast(${JSON.stringify(value)} as json)`;

const sqlState = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

/** A row still referenced elsewhere (delete) or a reference to a missing row (insert/update). */
export const isForeignKeyViolation = (error: unknown): boolean => sqlState(error) === '23503';
export const isUniqueViolation = (error: unknown): boolean => sqlState(error) === '23505';

/**
 * Deletes a definition row by id; a row still referenced (a foreign key refuses it) is a conflict with
 * `inUse` as its message.
 */
export async function deleteDefinition(
  db: Db,
  table: 'work_queues' | 'work_types' | 'work_workbins' | 'work_agents',
  id: string,
  inUse: string,
): Promise<void> {
  try {
    await db.deleteFrom(table).where('id', '=', id).execute();
  } catch (error) {
    if (isForeignKeyViolation(error)) throw new WorkConflictError(inUse);
    throw error;
  }
}
