import type { Store } from '../store/index.ts';
import { assertDataset } from './datasets.ts';
import { type Filter, filteredEvents } from './filters.ts';
import { ensureMaterialized } from './materialize.ts';

/** Adds a named parameter and returns its placeholder. Names start with `m` (the filter's start with `p`). */
export type Param = (value: string | number | boolean) => string;

/**
 * Runs `body` after the filter's WITH clause (`ev`, `case_stats`, `sel`, `fev`); `body` starts with `,`
 * to add CTEs, or with SELECT. Only the parameters `body` asks for are bound (DuckDB refuses unused ones).
 */
export async function filteredQuery<T>(
  store: Store,
  filter: Filter,
  body: (param: Param) => string,
): Promise<T[]> {
  await assertDataset(store, filter.dataset);
  await ensureMaterialized(store, filter.dataset);
  const { with: withSql, params } = filteredEvents(filter);
  const all: Record<string, string | number | boolean> = { ...params };
  let n = 0;
  const param: Param = (value) => {
    const name = `m${n++}`;
    all[name] = value;
    return `$${name}`;
  };
  const sql = `${withSql}${body(param)}`;
  return store.db.all<T>(sql, all);
}

/** SQL: seconds from timestamp a to timestamp b, microsecond precision, as DOUBLE. */
export const secondsBetween = (a: string, b: string): string => `((epoch_us(${b}) - epoch_us(${a})) / 1e6)`;

export const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));

export const numOrNull = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);

/** Seconds rounded to the millisecond. */
export const sec = (value: unknown): number => Math.round(num(value) * 1000) / 1000;

export const secOrNull = (value: unknown): number | null =>
  value === null || value === undefined ? null : sec(value);

/** Percentages rounded to 2 decimals (as the KPI report does). */
export const pct = (value: unknown): number | null =>
  value === null || value === undefined ? null : Math.round(Number(value) * 100) / 100;

export interface PageOptions {
  /** 1-based; default 1. */
  page?: number;
  /** Default 50, at most 1000. */
  pageSize?: number;
}

export const MAX_PAGE_SIZE = 1000;

/** LIMIT/OFFSET of a page; out-of-range values are clamped. */
export function paging(options: PageOptions = {}): { limit: number; offset: number } {
  const page = Math.max(1, Math.trunc(options.page ?? 1) || 1);
  const size = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.trunc(options.pageSize ?? 50) || 50));
  return { limit: size, offset: (page - 1) * size };
}

/** A list column from getRowObjectsJson (JSON array or null). */
export const rows = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);

/** Clamps a 0–100 percentage option; undefined → 100. */
export function percentOption(value: number | undefined, name: string): number {
  if (value === undefined) return 100;
  if (!Number.isFinite(value)) throw new RangeError(`${name}: not a number`);
  return Math.min(100, Math.max(0, value));
}
