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
export { ScheduledGenesysSync } from './scheduled-sync.ts';
export * from './schema.ts';
export {
  type GenesysSourceStatus,
  genesysSourceStatusSchema,
  type LastRun,
  lastRunSchema,
  type SyncProgress,
  type SyncTrigger,
} from './status.ts';
export {
  CLIENT_ID_VARIABLE,
  CLIENT_SECRET_VARIABLE,
  genesysSettings,
  interruptedRun,
  lastRun,
  type MessageCounts,
  planIntervals,
  SyncError,
  type SyncOptions,
  SyncStopped,
  type SyncSummary,
  storedWatermark,
  syncGenesys,
} from './sync.ts';
