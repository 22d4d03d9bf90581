import type { Rejection } from '../quarantine.ts';

/** One event as it is written to `dataset_events`. Times are epoch microseconds. */
export interface ImportedEvent {
  caseId: string;
  activity: string;
  ts: number;
  /** null: the event has no duration of its own (mining_events reads it as ts). */
  end: number | null;
  resource: string | null;
  /** Position in the file: keeps events with equal times in file order. */
  seq: number;
  /** The other columns (CSV) or attributes (XES); null when there are none. */
  attributes: Record<string, unknown> | null;
}

/** What a reader produced from one chunk of the file. */
export interface ReadBatch {
  events: ImportedEvent[];
  rejections: Rejection[];
}
