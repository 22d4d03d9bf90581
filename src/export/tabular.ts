import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { ACTIVITIES, type Lang } from '../eventlog/index.ts';
import { sqlString } from '../reports/definitions.ts';
import type { EventLogFilter } from '../store/index.ts';
import { iso, numberText, type Store, toUtcTimestamp } from '../store/index.ts';

/** SQL of ActivityName in the chosen language. */
export function activitySql(lang: Lang): string {
  if (lang === 'en') return 'ActivityName';
  const cases = ACTIVITIES.map((a) => `WHEN ${sqlString(a.name)} THEN ${sqlString(a.fr)}`).join(' ');
  return `CASE ActivityName ${cases} ELSE ActivityName END`;
}

function whereSql(filter: EventLogFilter): string {
  const clauses: string[] = [];
  if (filter.from) clauses.push(`EventTime >= TIMESTAMP ${sqlString(toUtcTimestamp(filter.from, 'from'))}`);
  if (filter.to) clauses.push(`EventTime < TIMESTAMP ${sqlString(toUtcTimestamp(filter.to, 'to'))}`);
  return clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
}

/** The event log's row order in every export. */
export const EVENT_LOG_ORDER = 'ORDER BY ServiceRequest, EventTime, activity_order, ConversationId, seq';

/**
 * CSV: the 20 attributes in the domain guide's order, one row per event, times ISO-8601 UTC with
 * milliseconds, booleans true/false, empty for unknown.
 */
export async function writeEventLogCsv(
  store: Store,
  out: string,
  options: { lang: Lang } & EventLogFilter,
): Promise<number> {
  makeDirectory(path.dirname(path.resolve(out)));
  const sql = `
    SELECT ServiceRequest, ConversationId, ${activitySql(options.lang)} AS ActivityName,
      ${iso('EventTime')} AS EventTime, ${iso('EventEndTime')} AS EventEndTime, ${numberText('Duration')} AS Duration,
      SourceSystem, ${iso('LastDataUpdate')} AS LastDataUpdate, MediaType, AgentId, AgentName, QueueName,
      WrapUpCode, ServiceRequestType, ${numberText('CustomerSatisfactionScore')} AS CustomerSatisfactionScore,
      ${numberText('SlaTargetResolutionTime')} AS SlaTargetResolutionTime,
      ${numberText('ServiceResolutionTime')} AS ServiceResolutionTime,
      IsSlaCompliant, IsReopened, IsFirstContactResolution
    FROM events ${whereSql(options)} ${EVENT_LOG_ORDER}`;
  return copy(store, sql, out, "FORMAT csv, HEADER true, DELIMITER ','");
}

/**
 * Parquet, hive-partitioned by month of EventTime (`month=YYYY-MM/…parquet`), times as UTC-adjusted
 * timestamps; readable by Spark, Trino, ClickHouse and DuckDB.
 */
export async function writeEventLogParquet(
  store: Store,
  outDir: string,
  options: { lang: Lang } & EventLogFilter,
): Promise<number> {
  clearPartitions(outDir);
  const sql = `
    SELECT ServiceRequest, ConversationId, ${activitySql(options.lang)} AS ActivityName,
      timezone('UTC', EventTime) AS EventTime, timezone('UTC', EventEndTime) AS EventEndTime, Duration,
      SourceSystem, timezone('UTC', LastDataUpdate) AS LastDataUpdate, MediaType, AgentId, AgentName, QueueName,
      WrapUpCode, ServiceRequestType, CustomerSatisfactionScore, SlaTargetResolutionTime, ServiceResolutionTime,
      IsSlaCompliant, IsReopened, IsFirstContactResolution, strftime(EventTime, '%Y-%m') AS month
    FROM events ${whereSql(options)} ${EVENT_LOG_ORDER}`;
  return copy(store, sql, outDir, 'FORMAT parquet, PARTITION_BY (month), OVERWRITE_OR_IGNORE true');
}

/** Creates a directory for --out; a clear error when a file stands in the way. */
export function makeDirectory(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') throw new RangeError(`--out: ${dir} is not a directory`);
    throw error;
  }
}

/** A re-export replaces the month partitions of a previous one; anything else in the directory is refused. */
function clearPartitions(dir: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory())
    throw new RangeError(`--out: ${dir} is not a directory`);
  makeDirectory(dir);
  const entries = readdirSync(dir);
  const foreign = entries.filter((e) => !e.startsWith('month=') && !e.startsWith('.'));
  if (foreign.length) {
    throw new RangeError(
      `--out: ${dir} holds other files (${foreign.slice(0, 3).join(', ')}); use an empty directory`,
    );
  }
  for (const e of entries.filter((e) => e.startsWith('month=')))
    rmSync(path.join(dir, e), { recursive: true });
}

async function copy(store: Store, sql: string, out: string, options: string): Promise<number> {
  const reader = await store.db.connection.runAndReadAll(`COPY (${sql}) TO ${sqlString(out)} (${options})`);
  const count = reader.getRows()[0]?.[0];
  return count === undefined || count === null ? 0 : Number(count);
}
