import pg from 'pg';
import type { WarehouseStep } from '../model.ts';
import { renderValue } from '../template.ts';
import type { VariableValue } from '../variables.ts';
import { failure, type StepContext, type StepResult } from './common.ts';

/**
 * "Insert into a warehouse table" step (PostgreSQL): one parameterized INSERT of the step's columns, each
 * a template (a column that is exactly one placeholder gets the value with its type; the server converts
 * text to the column's type, e.g. an ISO-8601 time to timestamptz). The connection URL comes from the
 * environment variable the step names; table and column names are checked identifiers, quoted. With key
 * columns, `ON CONFLICT (keys) DO NOTHING`: a run delivered twice inserts once (the key columns need a
 * primary key or unique constraint).
 */

const quote = (identifier: string): string => `"${identifier.replaceAll('"', '""')}"`;

export function insertStatement(
  step: WarehouseStep,
  ctx: Pick<StepContext, 'variables'>,
): { text: string; values: VariableValue[] } {
  const columns = Object.keys(step.columns);
  const values = columns.map((column) => renderValue(step.columns[column] ?? '', ctx.variables));
  const table = step.table.split('.').map(quote).join('.');
  const conflict = step.keyColumns?.length
    ? ` ON CONFLICT (${step.keyColumns.map(quote).join(', ')}) DO NOTHING`
    : '';
  const text = `INSERT INTO ${table} (${columns.map(quote).join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})${conflict}`;
  return { text, values };
}

function passwordOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).password);
  } catch {
    return '';
  }
}

export async function runWarehouseStep(step: WarehouseStep, ctx: StepContext): Promise<StepResult> {
  const url = ctx.env[step.connectionUrlEnv];
  if (!url) return failure(`the connection URL's environment variable ${step.connectionUrlEnv} is not set`);
  const password = passwordOf(url);
  const scrub = (text: string): string => (password ? text.replaceAll(password, '***') : text);
  let statement: ReturnType<typeof insertStatement>;
  try {
    statement = insertStatement(step, ctx);
  } catch (error) {
    return failure((error as Error).message);
  }
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: step.timeoutMs,
    query_timeout: step.timeoutMs,
    statement_timeout: step.timeoutMs,
  });
  client.on('error', () => {}); // a connection lost after the insert: reported by the query, if at all
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    client.end().catch(() => {});
  }, step.timeoutMs);
  const stop = () => client.end().catch(() => {});
  ctx.signal.addEventListener('abort', stop, { once: true });
  try {
    await client.connect();
    const result = await client.query(statement.text, statement.values);
    const inserted = result.rowCount ?? 0;
    return {
      ok: true,
      responseCode: null,
      error: null,
      detail: inserted > 0 ? `${inserted} row inserted` : 'no row inserted (the key is already there)',
    };
  } catch (error) {
    if (timedOut) return failure(`timed out after ${step.timeoutMs} ms`);
    if (ctx.signal.aborted) return failure('stopped (the server is closing); retried later');
    return failure(scrub(`${step.table}: ${(error as Error).message || String(error)}`));
  } finally {
    clearTimeout(timer);
    ctx.signal.removeEventListener('abort', stop);
    await client.end().catch(() => {});
  }
}
