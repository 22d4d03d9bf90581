import type { ColumnType, Generated } from 'kysely';
import type { WorkTables } from './work-tables.ts';

/**
 * The operational database's tables, as Kysely sees them. Each table is created by a migration in
 * `migrations/`; keep the two in step. Values read back as `values.ts` says: int8 as number, timestamptz
 * as an ISO-8601 UTC string, jsonb parsed.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A timestamptz column: ISO-8601 UTC string in and out. */
export type Timestamp = ColumnType<string, string, string>;
/** A timestamptz column with a database default. */
export type TimestampDefault = ColumnType<string, string | undefined, string>;

export type OutboxStatus = 'pending' | 'delivered' | 'dead';

export interface OutboxTable {
  id: Generated<number>;
  topic: string;
  key: string;
  /** Written as JSON text cast to jsonb (see outbox.ts), read parsed. */
  payload: ColumnType<JsonValue, string, string>;
  status: ColumnType<OutboxStatus, OutboxStatus | undefined, OutboxStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: ColumnType<string | null, string | null | undefined, string | null>;
  last_error: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: TimestampDefault;
  delivered_at: ColumnType<string | null, string | null | undefined, string | null>;
}

export type ExportKind = 'conversations' | 'messages' | 'failed-messages' | 'eventlog';
export type ExportStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'expired';

/** Background data exports (migration 0002_exports.sql; src/reports/export-history.ts). */
export interface ExportsTable {
  id: Generated<number>;
  kind: ExportKind;
  /** Inclusive start of the range, UTC. */
  range_from: Timestamp;
  /** Exclusive end of the range, UTC. */
  range_to: Timestamp;
  lang: ColumnType<'en' | 'fr', 'en' | 'fr' | undefined, 'en' | 'fr'>;
  status: ColumnType<ExportStatus, ExportStatus | undefined, ExportStatus>;
  /** 0..1 */
  progress: ColumnType<number, number | undefined, number>;
  row_count: ColumnType<number | null, number | null | undefined, number | null>;
  byte_count: ColumnType<number | null, number | null | undefined, number | null>;
  /** The file under <data-dir>/exports once written. */
  file_name: ColumnType<string | null, string | null | undefined, string | null>;
  error: ColumnType<string | null, string | null | undefined, string | null>;
  /** Runs started (claims); an export interrupted too often fails instead of running again. */
  attempts: ColumnType<number, number | undefined, number>;
  created_at: TimestampDefault;
  started_at: ColumnType<string | null, string | null | undefined, string | null>;
  finished_at: ColumnType<string | null, string | null | undefined, string | null>;
  expires_at: ColumnType<string | null, string | null | undefined, string | null>;
  /** The requesting user's id, and their DataScope as JSON (0007_export_scope.sql; null before it). */
  requested_by: ColumnType<string | null, string | null | undefined, string | null>;
  scope: ColumnType<JsonValue | null, string | null | undefined, string | null>;
}

export type WorkflowRunStatus = 'pending' | 'delivered' | 'dead';

/** Workflows (0003_workflows.sql; src/workflows/). jsonb columns are written as JSON text cast to jsonb. */
export interface WorkflowsTable {
  id: Generated<number>;
  name: string;
  enabled: ColumnType<boolean, boolean | undefined, boolean>;
  trigger: ColumnType<'conversation.closed', 'conversation.closed' | undefined, 'conversation.closed'>;
  conditions: ColumnType<JsonValue, string | undefined, string>;
  steps: ColumnType<JsonValue, string, string>;
  created_at: TimestampDefault;
  updated_at: TimestampDefault;
}

export interface WorkflowRunsTable {
  id: Generated<number>;
  workflow_id: number;
  conversation_id: string;
  version: string;
  variables: ColumnType<JsonValue, string, string>;
  status: ColumnType<WorkflowRunStatus, WorkflowRunStatus | undefined, WorkflowRunStatus>;
  outbox_id: ColumnType<number | null, number | null | undefined, number | null>;
  attempts: ColumnType<number, number | undefined, number>;
  /** Indexes of the steps that succeeded. */
  completed_steps: ColumnType<JsonValue, string | undefined, string>;
  leased_until: ColumnType<string | null, string | null | undefined, string | null>;
  last_error: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: TimestampDefault;
  updated_at: TimestampDefault;
}

export interface WorkflowDeliveriesTable {
  id: Generated<number>;
  run_id: number;
  step_index: number;
  attempt: number;
  started_at: Timestamp;
  duration_ms: number;
  status: 'ok' | 'error';
  response_code: number | null;
  error: string | null;
}

/** Where the trigger scan stands (0003_workflows.sql, 0004_workflow_versions.sql; src/workflows/scan.ts). */
export interface WorkflowScanCursorsTable {
  trigger: string;
  /** The data stamp of the analytics store at the last scan: unchanged, nothing to look at. */
  data_stamp: string | null;
  /** The scheme of the versions (variables' SQL, definitions, support.teams); null: unknown. */
  scheme: string | null;
  scanned_at: TimestampDefault;
}

/** The last version the trigger scan has seen of each closed conversation (0004_workflow_versions.sql). */
export interface WorkflowConversationVersionsTable {
  conversation_id: string;
  version: string;
  /** A cheap hash of the same variables, computed in DuckDB: compared first. */
  probe: string;
  updated_at: TimestampDefault;
}

/** Access control (0005_access.sql; src/access/). */
export interface AccessUsersTable {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  roles: ColumnType<JsonValue, string, string>;
  divisions: ColumnType<JsonValue, string, string>;
  disabled: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: TimestampDefault;
  updated_at: TimestampDefault;
  last_login_at: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface AccessRolesTable {
  name: string;
  description: ColumnType<string, string | undefined, string>;
  permissions: ColumnType<JsonValue, string, string>;
  created_at: TimestampDefault;
  updated_at: TimestampDefault;
}

export interface AccessSessionsTable {
  id_hash: string;
  user_id: string;
  created_at: TimestampDefault;
  last_seen_at: TimestampDefault;
  expires_at: Timestamp;
}

export interface AccessTokensTable {
  id: string;
  user_id: string;
  name: string;
  secret_hash: string;
  scopes: ColumnType<JsonValue, string, string>;
  created_at: TimestampDefault;
  expires_at: ColumnType<string | null, string | null | undefined, string | null>;
  last_used_at: ColumnType<string | null, string | null | undefined, string | null>;
  revoked_at: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: TimestampDefault;
  actor: string;
  action: string;
  target: ColumnType<string | null, string | null | undefined, string | null>;
  details: ColumnType<JsonValue | null, string | null | undefined, string | null>;
  ip: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Customer journey events (0006_journey_events.sql; src/journey/events.ts). jsonb written as JSON text cast to jsonb. */
export interface JourneyEventsTable {
  id: string;
  type: string;
  occurred_at: Timestamp;
  received_at: TimestampDefault;
  /** The customer's identifier keys, sorted. */
  customer_keys: ColumnType<JsonValue, string, string>;
  conversation_id: string | null;
  channel: string | null;
  direction: 'inbound' | 'outbound' | null;
  queue: string | null;
  agent: string | null;
  title: string | null;
  url: string | null;
  attributes: ColumnType<JsonValue, string | undefined, string>;
  division_id: string;
}

export interface JourneyEventKeysTable {
  key: string;
  event_id: string;
}

export interface JourneyEventsRejectedTable {
  id: Generated<number>;
  received_at: TimestampDefault;
  batch_index: number;
  event_id: string | null;
  problems: ColumnType<JsonValue, string, string>;
  payload: ColumnType<JsonValue, string, string>;
  /** 0010_journey_rejected_sender.sql: the sender's user id, the division the event was meant for (when theirs). */
  sender_id: ColumnType<string | null, string | null | undefined, string | null>;
  division_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** The identifier keys of the event's customer as far as they could be read (jsonb array of strings). */
  customer_keys: ColumnType<JsonValue, string | undefined, string>;
}

/** Secrets generated once per installation (0009_installation_secrets.sql; src/privacy/secret.ts). */
export interface InstallationSecretsTable {
  name: string;
  value: string;
  created_at: TimestampDefault;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  checksum: string;
  applied_at: TimestampDefault;
}

/** Work automation's tables are in work-tables.ts (0011_work.sql). */
export interface OperationalSchema extends WorkTables {
  outbox: OutboxTable;
  exports: ExportsTable;
  schema_migrations: SchemaMigrationsTable;
  workflows: WorkflowsTable;
  workflow_runs: WorkflowRunsTable;
  workflow_deliveries: WorkflowDeliveriesTable;
  workflow_scan_cursors: WorkflowScanCursorsTable;
  workflow_conversation_versions: WorkflowConversationVersionsTable;
  access_users: AccessUsersTable;
  access_roles: AccessRolesTable;
  access_sessions: AccessSessionsTable;
  access_tokens: AccessTokensTable;
  audit_log: AuditLogTable;
  journey_events: JourneyEventsTable;
  journey_event_keys: JourneyEventKeysTable;
  journey_events_rejected: JourneyEventsRejectedTable;
  installation_secrets: InstallationSecretsTable;
}
