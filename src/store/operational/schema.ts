import type { ColumnType, Generated } from 'kysely';

/**
 * The operational database's tables, as Kysely sees them. Each table is created by a migration in
 * `migrations/`; keep the two in step. Values read back as `values.ts` says: int8 as number, timestamptz
 * as an ISO-8601 UTC string, jsonb parsed.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A timestamptz column: ISO-8601 UTC string in and out. */
export type Timestamp = ColumnType<string, string, string>;
/** A timestamptz column with a database default. */
export type TimestampDefault = ColumnType<string, string | undefined, string>;

export type OutboxStatus = 'pending' | 'delivered' | 'dead';

export interface OutboxTable {
  id: Generated<number>;
  topic: string;
  key: string;
  /** Written as JSON text cast to jsonb (see outbox.ts), read parsed. */
  payload: ColumnType<JsonValue, string, string>;
  status: ColumnType<OutboxStatus, OutboxStatus | undefined, OutboxStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: ColumnType<string | null, string | null | undefined, string | null>;
  last_error: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: TimestampDefault;
  delivered_at: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  checksum: string;
  applied_at: TimestampDefault;
}

export interface OperationalSchema {
  outbox: OutboxTable;
  schema_migrations: SchemaMigrationsTable;
}
