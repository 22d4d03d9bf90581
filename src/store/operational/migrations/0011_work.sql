-- Work automation (src/work, README "Work automation"): work types, queues, workbins, agents, work items and
-- their lifecycle events. Definitions have ids chosen by the administrator (e.g. 'address-change'); work
-- items have uuids. jsonb columns are validated by src/work before they are written. Every definition and
-- item belongs to one division (access control: a viewer sees the divisions they hold).

-- Queues: where items wait for an agent. push: routing assigns and notifies; pull: agents pick from a list.
-- escalation: {noAgent, sla} — the rules for items nobody qualified takes (raise priority, move to another
-- queue, alert a supervisor, each after some time; src/work/routing/no-agent.ts) and the SLA escalation
-- (at X % of the SLA, to another agent group or a supervisor's workbin; src/work/routing/sla.ts).
create table work_queues (
  id text primary key,
  name text not null,
  division_id text not null,
  routing_method text not null default 'push' check (routing_method in ('push', 'pull')),
  escalation jsonb not null default '{}',
  created_at timestamptz(3) not null,
  updated_at timestamptz(3) not null
);

-- Workbins: named holding lists, owned by a queue, a team or a supervisor (owner_id is theirs, unchecked).
create table work_workbins (
  id text primary key,
  name text not null,
  division_id text not null,
  owner_kind text not null check (owner_kind in ('queue', 'team', 'supervisor')),
  owner_id text not null,
  created_at timestamptz(3) not null,
  updated_at timestamptz(3) not null
);

-- Work types: the defaults of their items and the attribute schema they are validated against
-- ({field: {type: string|number|boolean|date, required?, enum?}}); required_skills: [{skill,
-- minProficiency?}]; waiting_statuses: the custom waiting statuses an item of this type may be put in;
-- sla_escalation: the SLA policy when the item's queue has none (src/work/routing/sla.ts);
-- callback: the source system's endpoint (the HMAC secret is named by an environment variable, never
-- stored), called through the outbox (topic 'work.callback') on callback_transitions.
create table work_types (
  id text primary key,
  name text not null,
  description text,
  division_id text not null,
  default_queue_id text references work_queues (id),
  default_workbin_id text references work_workbins (id),
  priority integer not null default 0,
  sla_seconds integer check (sla_seconds > 0),
  required_skills jsonb not null default '[]',
  -- json, not jsonb: the fields keep the order the administrator gave (forms show them so).
  attribute_schema json not null default '{}',
  waiting_statuses jsonb not null default '[]',
  sla_escalation jsonb,
  callback_url text,
  callback_secret_env text,
  callback_transitions jsonb not null default '["complete"]',
  created_at timestamptz(3) not null,
  updated_at timestamptz(3) not null
);

-- Agents (knowledge workers): skills {skill: proficiency 1..5}, languages, capacity per media type
-- ({workitem: 3, voice: 1}), the queues and teams they serve (their agent groups), presence.
-- last_idle_at: since when they have gone without new work — the later of their last assignment and their
-- last change to available; routing prefers the longest idle.
create table work_agents (
  id text primary key,
  user_id text unique,
  name text not null,
  division_id text not null,
  skills jsonb not null default '{}',
  languages jsonb not null default '[]',
  capacity jsonb not null default '{"workitem": 1}',
  queues jsonb not null default '[]',
  teams jsonb not null default '[]',
  presence text not null default 'offline' check (presence in ('available', 'busy', 'away', 'offline')),
  last_idle_at timestamptz(3),
  created_at timestamptz(3) not null,
  updated_at timestamptz(3) not null
);
create index work_agents_queues on work_agents using gin (queues);

-- Work items. status follows src/work/state-machine.ts; waiting_status is set while status = 'waiting'.
-- priority is what routing orders by; base_priority what re-prioritization starts from (the type's or the
-- request's, raised by the no-agent rules; set with priority by an update). queued_at and no_agent_applied
-- (the no-agent rules applied) restart when the item changes queue; escalated_at: the SLA escalation.
-- version rises by one at every change (optimistic concurrency: expectedVersion). The idempotency key of a
-- creation is unique per source system; request_hash is the SHA-256 of the creation request, so that a
-- retry with another payload is told apart.
create table work_items (
  id uuid primary key,
  type_id text not null references work_types (id),
  title text not null,
  description text,
  external_reference text,
  source_system text,
  customer_key text,
  service_request text,
  priority integer not null,
  base_priority integer not null,
  due_at timestamptz(3),
  status text not null check (
    status in ('created', 'queued', 'assigned', 'in-progress', 'paused', 'waiting', 'completed', 'cancelled')
  ),
  waiting_status text,
  assignee_id text references work_agents (id),
  queue_id text references work_queues (id),
  workbin_id text references work_workbins (id),
  required_skills jsonb not null default '[]',
  language text,
  attributes jsonb not null default '{}',
  division_id text not null,
  version integer not null default 1 check (version >= 1),
  idempotency_key text,
  request_hash text,
  created_by text not null,
  created_at timestamptz(3) not null,
  updated_at timestamptz(3) not null,
  queued_at timestamptz(3),
  assigned_at timestamptz(3),
  ended_at timestamptz(3),
  escalated_at timestamptz(3),
  no_agent_applied jsonb not null default '[]',
  constraint work_items_waiting_status check ((status = 'waiting') = (waiting_status is not null)),
  -- An open item has an agent exactly when it is past the queue; a finished one keeps its last agent.
  constraint work_items_assignee_by_status check (
    status in ('completed', 'cancelled')
    or (status in ('assigned', 'in-progress', 'paused', 'waiting')) = (assignee_id is not null)
  )
);
create unique index work_items_idempotency on work_items (coalesce(source_system, ''), idempotency_key)
  where idempotency_key is not null;
-- Routing and pull lists: by queue or workbin, highest priority first, then the nearest due date.
create index work_items_queue_order on work_items (queue_id, status, priority desc, due_at);
create index work_items_workbin_order on work_items (workbin_id, status, priority desc, due_at);
create index work_items_assignee on work_items (assignee_id, status);
create index work_items_customer on work_items (customer_key);
create index work_items_service_request on work_items (service_request);
-- SLA escalation and re-prioritization scan the open items by due date.
create index work_items_open_due on work_items (due_at) where status not in ('completed', 'cancelled');

-- Lifecycle events: one row per change, written in the change's transaction. seq orders an item's events.
-- queue_id / assignee_id / status: the item's after the event (the event log's QueueName, AgentId).
-- tx_id: the writing transaction's id (xid8 as a number): a reader that follows the log takes only rows of
-- transactions older than every transaction still running (pg_snapshot_xmin), in (tx_id, id) order, so a
-- watermark never skips a row that commits late (events.ts, eventsAfter).
create table work_item_events (
  id bigserial primary key,
  item_id uuid not null references work_items (id) on delete cascade,
  seq integer not null check (seq >= 1),
  name text not null,
  action text not null,
  status text not null,
  queue_id text,
  assignee_id text,
  at timestamptz(3) not null,
  actor text not null,
  details jsonb not null default '{}',
  tx_id bigint not null default (pg_current_xact_id()::text::bigint),
  constraint work_item_events_seq_unique unique (item_id, seq)
);
create index work_item_events_tx on work_item_events (tx_id, id);
