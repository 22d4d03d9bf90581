import path from 'node:path';
import type { EventLogRow, Lang } from '../eventlog/index.ts';
import type { EventLogFilter, Store } from '../store/index.ts';
import { writeOcel } from './ocel.ts';
import { makeDirectory, writeEventLogCsv, writeEventLogParquet } from './tabular.ts';

export { activitySql, EVENT_LOG_ORDER } from './tabular.ts';

import { writeXes } from './xes.ts';

export const EXPORT_FORMATS = ['csv', 'xes', 'ocel', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportRequest extends EventLogFilter {
  format: ExportFormat;
  /** A file for csv, xes and ocel; a directory for parquet. */
  out: string;
  lang: Lang;
  onProgress?: (events: number, total: number) => void;
}

/** Exports the event log (optionally a date range of EventTime) in one of the exchange formats. */
export async function exportEventLog(store: Store, request: ExportRequest): Promise<{ events: number }> {
  const filter: EventLogFilter = { from: request.from, to: request.to };
  const total = await store.countEvents(filter);
  const options = { lang: request.lang, ...filter };
  switch (request.format) {
    case 'csv':
      return { events: await writeEventLogCsv(store, request.out, options) };
    case 'parquet':
      return { events: await writeEventLogParquet(store, request.out, options) };
    case 'xes':
    case 'ocel': {
      makeDirectory(path.dirname(path.resolve(request.out)));
      const rows = counted(store.streamEventLog(filter), total, request.onProgress);
      const write = request.format === 'xes' ? writeXes : writeOcel;
      const result = await write(rows, request.out, { lang: request.lang });
      return { events: result.events };
    }
  }
}

async function* counted(
  rows: AsyncIterable<EventLogRow>,
  total: number,
  onProgress?: (events: number, total: number) => void,
): AsyncGenerator<EventLogRow> {
  let n = 0;
  for await (const row of rows) {
    yield row;
    n += 1;
    if (onProgress && n % 5000 === 0) onProgress(n, total);
  }
  onProgress?.(n, total);
}
