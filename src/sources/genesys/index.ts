export { GenesysApiError, type RetryNotice } from './client.ts';
export { deriveConversation, RecordError } from './derive.ts';
export {
  type ImportOptions,
  type ImportProgress,
  type ImportSummary,
  importGenesys,
} from './import.ts';
export {
  genesysMessageRows,
  type MessageContext,
  type MessageConversation,
  messageConversationSchema,
  messageStatusOf,
  senderTypeOfPurpose,
} from './messages.ts';
export { rebuild } from './rebuild.ts';
export { GENESYS_REGIONS, type GenesysRegion, REGION_NAMES, regionUrls } from './regions.ts';
export { type GenesysSourceStatus, ScheduledGenesysSync } from './scheduled-sync.ts';
export * from './schema.ts';
export {
  CLIENT_ID_VARIABLE,
  CLIENT_SECRET_VARIABLE,
  genesysSettings,
  interruptedRun,
  type LastRun,
  lastRun,
  type MessageCounts,
  planIntervals,
  SyncError,
  type SyncOptions,
  type SyncProgress,
  SyncStopped,
  type SyncSummary,
  type SyncTrigger,
  storedWatermark,
  syncGenesys,
} from './sync.ts';
