import { type DuckDBAppender, DuckDBTimestampValue } from '@duckdb/node-api';
import type { Store } from '../../store/index.ts';
import { iso } from '../../store/index.ts';
import { InputError } from '../records.ts';
import type { ImportedEvent } from './model.ts';

/** A dataset as listed in `datasets`. */
export interface DatasetInfo {
  name: string;
  format: string;
  source: string;
  importedAt: string;
  events: number;
  cases: number;
}

export async function listDatasets(store: Store): Promise<DatasetInfo[]> {
  return store.db.all<DatasetInfo>(`
    SELECT name, format, source, ${iso('imported_at')} AS "importedAt", events::DOUBLE AS events,
      cases::DOUBLE AS cases
    FROM datasets ORDER BY name`);
}

/** Removes a dataset's events and its `datasets` row (no transaction of its own). */
export async function removeDatasetRows(store: Store, name: string): Promise<void> {
  await store.db.run('DELETE FROM dataset_events WHERE dataset = $name', { name });
  await store.db.run('DELETE FROM datasets WHERE name = $name', { name });
  await store.bumpDataVersion(name);
}

export async function datasetCounts(store: Store, name: string): Promise<{ events: number; cases: number }> {
  const row = await store.db.one<{ events: number; cases: number }>(
    'SELECT count(*)::DOUBLE AS events, count(DISTINCT case_id)::DOUBLE AS cases FROM dataset_events WHERE dataset = $name',
    { name },
  );
  return { events: row?.events ?? 0, cases: row?.cases ?? 0 };
}

export async function writeDatasetRow(
  store: Store,
  row: { name: string; format: string; source: string; importedAt: Date; events: number; cases: number },
): Promise<void> {
  await store.bumpDataVersion(row.name);
  await store.db.run('DELETE FROM datasets WHERE name = $name', { name: row.name });
  await store.db.run('INSERT INTO datasets VALUES ($name, $format, $source, $importedAt, $events, $cases)', {
    name: row.name,
    format: row.format,
    source: row.source,
    importedAt: timestamp(row.importedAt.getTime() * 1000),
    events: BigInt(row.events),
    cases: BigInt(row.cases),
  });
}

const timestamp = (micros: number): DuckDBTimestampValue => new DuckDBTimestampValue(BigInt(micros));

/** Appends one event row to `dataset_events`. */
export function appendEvent(appender: DuckDBAppender, dataset: string, e: ImportedEvent): void {
  appender.appendVarchar(dataset);
  appender.appendVarchar(e.caseId);
  appender.appendVarchar(e.activity);
  appender.appendTimestamp(timestamp(e.ts));
  if (e.end === null) appender.appendNull();
  else appender.appendTimestamp(timestamp(e.end));
  if (e.resource === null) appender.appendNull();
  else appender.appendVarchar(e.resource);
  appender.appendBigInt(BigInt(e.seq));
  if (e.attributes === null) appender.appendNull();
  else appender.appendVarchar(JSON.stringify(e.attributes));
  appender.endRow();
}

export function checkDeletable(name: string): void {
  if (name === 'default') {
    throw new InputError("dataset 'default' is the Genesys event log: it cannot be deleted as a dataset");
  }
}
