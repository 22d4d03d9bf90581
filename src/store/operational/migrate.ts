import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Kysely, sql } from 'kysely';
import type { OperationalSchema } from './schema.ts';

/**
 * Schema migrations: plain SQL files `NNNN_name.sql`, applied in order, each in its own transaction and
 * recorded in `schema_migrations` with the SHA-256 of its text. Every migration transaction first takes a
 * transaction-scoped advisory lock, so processes starting at once against one server migrate one after the
 * other (the later ones find the work done). A file changed after it was applied, or an applied migration
 * this program does not know, stops the open: add a new migration instead of editing an applied one.
 *
 * A migration runs inside a transaction: it must not contain BEGIN/COMMIT, nor statements Postgres refuses
 * in a transaction (CREATE INDEX CONCURRENTLY).
 */

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/** 'caseflow' in ASCII: the advisory lock key held while migrating. */
const LOCK_KEY = '7161121183467005815';

const FILE_NAME = /^(\d{4})_([a-z0-9][a-z0-9_]*)\.sql$/;

export interface Migration {
  version: number;
  /** The file name without its extension: `0001_outbox`. */
  name: string;
  sql: string;
  /** SHA-256 (hex) of the text with line endings normalized to \n. */
  checksum: string;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

export function checksum(text: string): string {
  return createHash('sha256').update(text.replace(/\r\n?/g, '\n')).digest('hex');
}

/** The migrations of a directory, in version order. */
export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const migrations: Migration[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.sql')) continue;
    const match = FILE_NAME.exec(file);
    if (!match) {
      throw new MigrationError(`migration file ${file} is not named NNNN_name.sql (lower case, digits, _)`);
    }
    const text = readFileSync(path.join(dir, file), 'utf8');
    const version = Number(match[1]);
    const previous = migrations.at(-1);
    if (previous?.version === version) {
      throw new MigrationError(`migrations ${previous.name}.sql and ${file} have the same version`);
    }
    migrations.push({ version, name: file.slice(0, -4), sql: text, checksum: checksum(text) });
  }
  return migrations;
}

/**
 * Applies the migrations not yet recorded, in order. Returns the names of those applied now (empty when
 * the database was up to date).
 */
export async function migrate(
  db: Kysely<OperationalSchema>,
  migrations: readonly Migration[] = loadMigrations(),
): Promise<string[]> {
  const appliedNow: string[] = [];
  for (;;) {
    const applied = await db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${sql.raw(LOCK_KEY)})`.execute(trx);
      await sql`create table if not exists schema_migrations (
        version integer primary key,
        name text not null,
        checksum text not null,
        applied_at timestamptz(3) not null default now()
      )`.execute(trx);
      const recorded = await trx.selectFrom('schema_migrations').selectAll().orderBy('version').execute();
      verifyRecorded(recorded, migrations);
      const done = new Set(recorded.map((row) => row.version));
      const next = migrations.find((migration) => !done.has(migration.version));
      if (!next) return undefined;
      try {
        await sql.raw(next.sql).execute(trx);
      } catch (error) {
        throw new MigrationError(`migration ${next.name}.sql failed: ${(error as Error).message}`, {
          cause: error,
        });
      }
      await trx
        .insertInto('schema_migrations')
        .values({ version: next.version, name: next.name, checksum: next.checksum })
        .execute();
      return next.name;
    });
    if (applied === undefined) return appliedNow;
    appliedNow.push(applied);
  }
}

function verifyRecorded(
  recorded: readonly { version: number; name: string; checksum: string }[],
  migrations: readonly Migration[],
): void {
  const byVersion = new Map(migrations.map((migration) => [migration.version, migration]));
  for (const row of recorded) {
    const migration = byVersion.get(row.version);
    if (!migration) {
      throw new MigrationError(
        `the database has migration ${row.name} applied, which this version of Caseflow does not have ` +
          '(was it opened by a newer version?)',
      );
    }
    if (migration.name !== row.name || migration.checksum !== row.checksum) {
      throw new MigrationError(
        `migration ${migration.name}.sql was changed after it was applied as ${row.name}.sql ` +
          `(checksum ${row.checksum.slice(0, 12)}…, file now ${migration.checksum.slice(0, 12)}…): ` +
          'restore it and put the change in a new migration',
      );
    }
  }
}
