import { mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  type DuckDBAppender,
  type DuckDBConnection,
  DuckDBInstance,
  DuckDBTimestampValue,
  type DuckDBValue,
} from '@duckdb/node-api';
import { SCHEMA } from './schema.ts';

export type Row = Record<string, unknown>;
export type Params = Record<string, DuckDBValue> | DuckDBValue[];

/** SQL expression: a TIMESTAMP column as ISO-8601 UTC with milliseconds. */
export const iso = (column: string): string => `strftime(${column}, '%Y-%m-%dT%H:%M:%S.%gZ')`;

/** The analytics store: one DuckDB file under the data directory. */
export class AnalyticsDb {
  private constructor(
    readonly dataDir: string,
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
    /** Closing a fork closes its connection only. */
    private readonly owner = true,
  ) {}

  /**
   * The same database on a connection of its own: its transactions are its own, so a long writer (a sync
   * in the server) does not share a transaction with the requests served meanwhile.
   */
  async fork(): Promise<AnalyticsDb> {
    return new AnalyticsDb(this.dataDir, this.instance, await this.instance.connect(), false);
  }

  static async open(dataDir: string): Promise<AnalyticsDb> {
    mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, 'caseflow.duckdb');
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(file);
    } catch (error) {
      const message = (error as Error).message;
      if (/lock/i.test(message)) {
        throw new Error(
          `the data directory ${dataDir} is in use by another Caseflow process (${message.split('\n')[0]})`,
        );
      }
      throw error;
    }
    const connection = await instance.connect();
    const db = new AnalyticsDb(dataDir, instance, connection);
    await connection.run(SCHEMA);
    return db;
  }

  async run(sql: string, params?: Params): Promise<void> {
    await this.connection.run(sql, params);
  }

  /** Rows as JSON-friendly objects (numbers, strings, booleans, null). */
  async all<T = Row>(sql: string, params?: Params): Promise<T[]> {
    const reader = await this.connection.runAndReadAll(sql, params);
    return reader.getRowObjectsJson() as T[];
  }

  async one<T = Row>(sql: string, params?: Params): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  /** Streams rows in chunks of the DuckDB vector size, for exports of any size. */
  async *stream<T = Row>(sql: string, params?: Params): AsyncGenerator<T> {
    // A connection of its own: a query on the shared connection would cut the stream short.
    const connection = await this.instance.connect();
    try {
      const result = await connection.stream(sql, params);
      for await (const rows of result.yieldRowObjectJson()) {
        for (const row of rows) yield row as T;
      }
    } finally {
      connection.closeSync();
    }
  }

  async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.run('BEGIN TRANSACTION');
    try {
      const result = await work();
      await this.run('COMMIT');
      return result;
    } catch (error) {
      await this.run('ROLLBACK');
      throw error;
    }
  }

  async appender(table: string): Promise<DuckDBAppender> {
    return this.connection.createAppender(table);
  }

  close(): void {
    this.connection.closeSync();
    if (this.owner) this.instance.closeSync();
  }
}

export function timestampValue(epochMs: number): DuckDBTimestampValue {
  return new DuckDBTimestampValue(BigInt(Math.round(epochMs)) * 1000n);
}

/** Appends one row; undefined/null → NULL, number → DOUBLE unless the column is integral, Date-ms via {ts}. */
export type Cell = string | number | boolean | null | { ts: number };

export function appendRow(appender: DuckDBAppender, cells: readonly Cell[]): void {
  for (const cell of cells) {
    if (cell === null) appender.appendNull();
    else if (typeof cell === 'string') appender.appendVarchar(cell);
    else if (typeof cell === 'number') appender.appendDouble(cell);
    else if (typeof cell === 'boolean') appender.appendBoolean(cell);
    else appender.appendTimestamp(timestampValue(cell.ts));
  }
  appender.endRow();
}
