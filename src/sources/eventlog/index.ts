import path from 'node:path';
import type { Store } from '../../store/index.ts';
import { Quarantine, type Rejection } from '../quarantine.ts';
import { InputError } from '../records.ts';
import { type CsvLayout, readCsvEvents } from './csv.ts';
import { appendEvent, checkDeletable, datasetCounts, removeDatasetRows, writeDatasetRow } from './dataset.ts';
import { checkDatasetName, datasetNameFromFile, openInput } from './input.ts';
import type { ReadBatch } from './model.ts';
import { readXesEvents } from './xes.ts';

export { type DatasetInfo, listDatasets } from './dataset.ts';
export { checkDatasetName, DATASET_NAME, datasetNameFromFile, RESERVED_DATASET } from './input.ts';
export { formatTimestamp, parseTimestamp } from './time.ts';

export const EVENTLOG_FORMATS = ['csv', 'xes'] as const;
export type EventLogFormat = (typeof EVENTLOG_FORMATS)[number];

export interface EventLogImportOptions {
  format: EventLogFormat;
  /** Default: the file name without its extensions, characters other than A-Z a-z 0-9 . _ - made `-`. */
  dataset?: string;
  /** CSV column names; when not given, the usual names are looked for (see csv.ts). */
  case?: string;
  activity?: string;
  timestamp?: string;
  endTimestamp?: string;
  resource?: string;
  /** CSV delimiter; default: detected from the header among , ; tab |. */
  delimiter?: string;
  /** Import time (datasets.imported_at, quarantine file name); default: now. */
  now?: Date;
  /** Bytes of the file read so far (compressed bytes for a .gz), and its size. */
  onProgress?: (bytesRead: number, bytesTotal: number) => void;
}

export interface EventLogImportSummary {
  dataset: string;
  /** Events stored (for XES: after start/complete pairs were merged into one event). */
  events: number;
  cases: number;
  /** Rows (CSV) or events/traces (XES) rejected; all are in quarantineFile. */
  rejected: number;
  firstRejections: Rejection[];
  quarantineFile: string | null;
  /** CSV: the column used for each role (case, activity, timestamp, endTimestamp, resource). */
  columns?: Record<string, string>;
  /** CSV: the delimiter used. */
  delimiter?: string;
  /** XES: events not imported because their lifecycle transition is not an execution, by transition. */
  ignored?: Record<string, number>;
}

/**
 * Imports an event log file (CSV or XES, gzip-compressed or not) as a dataset of `dataset_events`.
 * Re-importing into a dataset replaces it whole, in one transaction: a file that cannot be read at
 * all (InputError: no such file, a named column missing, XML not well-formed) leaves the dataset as it
 * was. Bad rows or events are quarantined and the rest is imported.
 */
export async function importEventLog(
  store: Store,
  file: string,
  options: EventLogImportOptions,
): Promise<EventLogImportSummary> {
  if (!(EVENTLOG_FORMATS as readonly string[]).includes(options.format)) {
    throw new InputError(`format must be one of ${EVENTLOG_FORMATS.join(', ')}, not '${options.format}'`);
  }
  const dataset = checkDatasetName(options.dataset ?? datasetNameFromFile(file));
  const now = options.now ?? new Date();
  const input = await openInput(file, (read, total) => options.onProgress?.(read, total));
  const quarantine = new Quarantine(store.dataDir, `eventlog-${dataset}`, now);
  const ignored: Record<string, number> = {};
  let layout: CsvLayout | null = null;
  const batches: AsyncGenerator<ReadBatch> =
    options.format === 'csv'
      ? readCsvEvents(file, input.chunks, options, (l) => {
          layout = l;
        })
      : readXesEvents(file, input.chunks, ignored);

  const counts = await store.db.transaction(async () => {
    await removeDatasetRows(store, dataset);
    const appender = await store.db.appender('dataset_events');
    try {
      for await (const batch of batches) {
        for (const rejection of batch.rejections) quarantine.reject(rejection);
        for (const event of batch.events) appendEvent(appender, dataset, event);
      }
    } finally {
      appender.closeSync();
    }
    const counted = await datasetCounts(store, dataset);
    await writeDatasetRow(store, {
      name: dataset,
      format: options.format,
      source: path.resolve(file),
      importedAt: now,
      ...counted,
    });
    return counted;
  });
  options.onProgress?.(input.size, input.size);

  const summary: EventLogImportSummary = {
    dataset,
    events: counts.events,
    cases: counts.cases,
    rejected: quarantine.count,
    firstRejections: quarantine.first,
    quarantineFile: quarantine.count ? quarantine.file : null,
  };
  const csv = layout as CsvLayout | null;
  if (csv) {
    summary.columns = csv.columns;
    summary.delimiter = csv.delimiter;
  }
  if (options.format === 'xes') summary.ignored = ignored;
  return summary;
}

/** Deletes an imported dataset (its events and its `datasets` row); InputError if there is none. */
export async function deleteDataset(store: Store, name: string): Promise<void> {
  checkDeletable(name);
  if (!(await store.datasetExists(name))) throw new InputError(`no dataset named '${name}'`);
  await store.db.transaction(() => removeDatasetRows(store, name));
}
