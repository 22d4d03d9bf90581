import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { type Dialect, Kysely } from 'kysely';
import { lockDirectory } from './dir-lock.ts';
import { migrate } from './migrate.ts';
import { PGliteDialect } from './pglite-dialect.ts';
import { postgresDialect } from './postgres.ts';
import type { OperationalSchema } from './schema.ts';
import { VALUE_PARSERS } from './values.ts';

/**
 * The operational store: PostgreSQL for operational state (outbox, and later exports, workflows, users,
 * work items…). Embedded PGlite in `<data-dir>/pg` by default; a PostgreSQL server when a database URL is
 * given. The same migrations run on both at open.
 */

export interface OperationalStoreOptions {
  /** Caseflow's data directory; PGlite keeps its files in `<dataDir>/pg`. */
  dataDir: string;
  /** A PostgreSQL server (`DATABASE_URL`); when absent or empty, PGlite. */
  databaseUrl?: string | undefined;
  /** Called when an idle pooled server connection fails (the pool replaces it). */
  onIdleError?: (error: Error) => void;
}

export interface OperationalStore {
  readonly db: Kysely<OperationalSchema>;
  readonly kind: 'pglite' | 'postgres';
  /** Waits for running queries and transactions, then closes the database. */
  close(): Promise<void>;
}

/** Opens the operational database and applies the migrations it lacks. */
export async function openOperationalStore(options: OperationalStoreOptions): Promise<OperationalStore> {
  const store = await connectOperationalStore(options);
  try {
    await migrate(store.db);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

/** Opens the database without migrating (tests run their own migrations through `migrate`). */
export async function connectOperationalStore(options: OperationalStoreOptions): Promise<OperationalStore> {
  return options.databaseUrl ? openPostgres(options) : openPGlite(options.dataDir);
}

async function openPostgres(options: OperationalStoreOptions): Promise<OperationalStore> {
  const dialect = await postgresDialect({
    databaseUrl: options.databaseUrl ?? '',
    ...(options.onIdleError ? { onIdleError: options.onIdleError } : {}),
  });
  return storeOver(dialect, 'postgres', async () => {});
}

async function openPGlite(dataDir: string): Promise<OperationalStore> {
  const dir = path.join(dataDir, 'pg');
  mkdirSync(dir, { recursive: true });
  const unlock = lockDirectory(path.join(dataDir, 'pg.lock'), `the operational database ${dir}`);
  let pglite: PGlite | undefined;
  try {
    pglite = await PGlite.create(dir, { parsers: VALUE_PARSERS });
    await pglite.exec("set time zone 'UTC'");
  } catch (error) {
    await pglite?.close().catch(() => {});
    unlock();
    throw new Error(`cannot open the operational database in ${dir}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return storeOver(new PGliteDialect(pglite), 'pglite', async () => unlock());
}

function storeOver(
  dialect: Dialect,
  kind: OperationalStore['kind'],
  afterClose: () => Promise<void>,
): OperationalStore {
  const db = new Kysely<OperationalSchema>({ dialect });
  let closing: Promise<void> | undefined;
  return {
    db,
    kind,
    close() {
      closing ??= db.destroy().finally(afterClose);
      return closing;
    },
  };
}
