export { AnalyticsDb, iso } from './duckdb.ts';
export {
  type CaseSummary,
  type DirectoryKind,
  EVENT_LOG_COLUMNS,
  type EventLogFilter,
  numberText,
  parseDateOrDateTime,
  Store,
  type StoredConversation,
  type StoredVersion,
  toUtcTimestamp,
} from './eventlog-store.ts';

import { Store } from './eventlog-store.ts';

export function openStore(dataDir: string): Promise<Store> {
  return Store.open(dataDir);
}
