export { MigrationError } from './migrate.ts';
export {
  type ClaimOptions,
  claimDue,
  type EnqueueInput,
  enqueue,
  findOutboxMessage,
  markDelivered,
  markFailed,
  type OutboxMessage,
  requeue,
} from './outbox.ts';
export type { JsonValue, OperationalSchema, OutboxStatus } from './schema.ts';
export { type OperationalStore, type OperationalStoreOptions, openOperationalStore } from './store.ts';
