import { CompiledQuery, PostgresDialect } from 'kysely';
import pg from 'pg';
import { VALUE_PARSERS } from './values.ts';

/**
 * A PostgreSQL server through `DATABASE_URL` (`postgres://user:password@host:port/database?sslmode=…`),
 * with a `pg` pool under Kysely's own PostgresDialect. The server is reached once before anything else so
 * that a wrong URL fails at start with the host it tried (never the password).
 */

export interface PostgresOptions {
  databaseUrl: string;
  /** Called when an idle pooled connection fails (server restart…); the pool replaces it. */
  onIdleError?: (error: Error) => void;
  /** How long to wait for a connection, in milliseconds (default 10 s). */
  connectTimeoutMs?: number;
}

/** `user@host:port/database` of a connection URL, without its password; throws on a URL that is not one. */
export function describeDatabaseUrl(databaseUrl: string): string {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new Error('DATABASE_URL is not a URL: expected postgres://user:password@host:port/database');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new Error(
      `DATABASE_URL must start with postgres:// or postgresql:// (it starts with ${url.protocol}//)`,
    );
  }
  const host = url.hostname || url.searchParams.get('host') || 'localhost';
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || '(default database)';
  const user = url.username ? `${decodeURIComponent(url.username)}@` : '';
  return `${user}${host}:${url.port || '5432'}/${database}`;
}

const getTypeParser = ((oid: number, format?: 'text' | 'binary') =>
  VALUE_PARSERS[oid] ?? pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser;

export async function postgresDialect(options: PostgresOptions): Promise<PostgresDialect> {
  const target = describeDatabaseUrl(options.databaseUrl);
  const password = passwordOf(options.databaseUrl);
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    types: { getTypeParser },
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
  });
  pool.on('error', (error) => options.onIdleError?.(error));
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => {});
    let message = (error as Error).message || String(error);
    if (password) message = message.replaceAll(password, '***');
    throw new Error(`cannot connect to PostgreSQL at ${target} (DATABASE_URL): ${message}`, { cause: error });
  }
  return new PostgresDialect({
    pool,
    // Every session in UTC, like PGlite's: now()::date, date_trunc and timestamptz text are UTC.
    onCreateConnection: async (connection) => {
      await connection.executeQuery(CompiledQuery.raw("set time zone 'UTC'"));
    },
  });
}

function passwordOf(databaseUrl: string): string {
  try {
    return decodeURIComponent(new URL(databaseUrl).password);
  } catch {
    return '';
  }
}
