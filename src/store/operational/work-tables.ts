import type { ColumnType, Generated } from 'kysely';
import type { JsonValue, Timestamp } from './schema.ts';

/**
 * Work automation's tables (migration 0011_work.sql; src/work/). jsonb columns are written as JSON text
 * cast to jsonb and read parsed; src/work validates their content before writing.
 */

type Json = ColumnType<JsonValue, string, string>;
type JsonDefault = ColumnType<JsonValue, string | undefined, string>;
type Nullable<T> = ColumnType<T | null, T | null | undefined, T | null>;
type Defaulted<T> = ColumnType<T, T | undefined, T>;

export type WorkRoutingMethod = 'push' | 'pull';
export type WorkbinOwnerKind = 'queue' | 'team' | 'supervisor';
export type AgentPresence = 'available' | 'busy' | 'away' | 'offline';

export interface WorkQueuesTable {
  id: string;
  name: string;
  division_id: string;
  routing_method: Defaulted<WorkRoutingMethod>;
  escalation: JsonDefault;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface WorkWorkbinsTable {
  id: string;
  name: string;
  division_id: string;
  owner_kind: WorkbinOwnerKind;
  owner_id: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface WorkTypesTable {
  id: string;
  name: string;
  description: Nullable<string>;
  division_id: string;
  default_queue_id: Nullable<string>;
  default_workbin_id: Nullable<string>;
  priority: Defaulted<number>;
  sla_seconds: Nullable<number>;
  required_skills: JsonDefault;
  attribute_schema: JsonDefault;
  waiting_statuses: JsonDefault;
  sla_escalation: ColumnType<JsonValue | null, string | null | undefined, string | null>;
  callback_url: Nullable<string>;
  callback_secret_env: Nullable<string>;
  callback_transitions: JsonDefault;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface WorkAgentsTable {
  id: string;
  user_id: Nullable<string>;
  external_agent_id: Nullable<string>;
  name: string;
  division_id: string;
  skills: JsonDefault;
  languages: JsonDefault;
  capacity: JsonDefault;
  queues: JsonDefault;
  teams: JsonDefault;
  presence: Defaulted<AgentPresence>;
  last_idle_at: Nullable<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface WorkItemsTable {
  id: string;
  type_id: string;
  title: string;
  description: Nullable<string>;
  external_reference: Nullable<string>;
  source_system: Nullable<string>;
  customer_key: Nullable<string>;
  service_request: Nullable<string>;
  priority: number;
  base_priority: number;
  due_at: Nullable<string>;
  /** src/work/state-machine.ts WORK_ITEM_STATUSES */
  status: string;
  waiting_status: Nullable<string>;
  assignee_id: Nullable<string>;
  queue_id: Nullable<string>;
  workbin_id: Nullable<string>;
  required_skills: JsonDefault;
  language: Nullable<string>;
  attributes: JsonDefault;
  division_id: string;
  version: Defaulted<number>;
  idempotency_key: Nullable<string>;
  request_hash: Nullable<string>;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  queued_at: Nullable<string>;
  assigned_at: Nullable<string>;
  ended_at: Nullable<string>;
  escalated_at: Nullable<string>;
  no_agent_applied: JsonDefault;
  /** Push routing's open offer (migration 0012): set while the agent has not answered. */
  offered_at: Nullable<string>;
  offer_expires_at: Nullable<string>;
  /** Agent ids who declined the item or let its offer lapse, in its current place. */
  declined_by: JsonDefault;
}

export interface WorkItemEventsTable {
  id: Generated<number>;
  item_id: string;
  seq: number;
  name: string;
  action: string;
  status: string;
  queue_id: string | null;
  assignee_id: string | null;
  at: Timestamp;
  actor: string;
  details: Json;
  /** The writing transaction's id (pg_current_xact_id), set by the database. */
  tx_id: Generated<number>;
}

/** The delivery log of work-item callbacks (migration 0013): one row per attempt of an outbox message. */
export interface WorkCallbackDeliveriesTable {
  id: Generated<number>;
  message_id: number;
  attempt: number;
  started_at: Timestamp;
  duration_ms: number;
  status: 'ok' | 'error';
  response_code: number | null;
  error: string | null;
}

export interface WorkTables {
  work_queues: WorkQueuesTable;
  work_workbins: WorkWorkbinsTable;
  work_types: WorkTypesTable;
  work_agents: WorkAgentsTable;
  work_items: WorkItemsTable;
  work_item_events: WorkItemEventsTable;
  work_callback_deliveries: WorkCallbackDeliveriesTable;
}
