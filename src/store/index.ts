export {
  caseInScope,
  conversationInScope,
  conversationsInScope,
  type DivisionItem,
  datasetDivision,
  datasetInScope,
  listDivisions,
  messageInScope,
  queueSql,
  wrapUpCodeSql,
} from './divisions.ts';
export { AnalyticsDb, iso } from './duckdb.ts';
export {
  type CaseSummary,
  type DirectoryEntry,
  type DirectoryKind,
  EVENT_LOG_COLUMNS,
  type EventLogFilter,
  eventLogColumns,
  numberText,
  parseDateOrDateTime,
  Store,
  type StoredConversation,
  type StoredVersion,
  toUtcTimestamp,
} from './eventlog-store.ts';
export {
  type ClaimOptions,
  claimDue,
  type EnqueueInput,
  enqueue,
  findOutboxMessage,
  type JsonValue,
  MigrationError,
  markDelivered,
  markFailed,
  type OperationalSchema,
  type OperationalStore,
  type OperationalStoreOptions,
  type OutboxMessage,
  type OutboxStatus,
  openOperationalStore,
  requeue,
} from './operational/index.ts';
export type { GenesysMessageRow, GenesysMessages } from './support.ts';

import { Store } from './eventlog-store.ts';

export function openStore(dataDir: string): Promise<Store> {
  return Store.open(dataDir);
}
