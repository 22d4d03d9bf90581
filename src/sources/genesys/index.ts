export { deriveConversation, RecordError } from './derive.ts';
export {
  type ImportOptions,
  type ImportProgress,
  type ImportSummary,
  importGenesys,
} from './import.ts';
export { rebuild } from './rebuild.ts';
export * from './schema.ts';
