-- Workflows (README "Workflows", docs/decisions/0009-workflow-delivery.md): on "conversation closed", run
-- steps (HTTP request, spreadsheet row, warehouse insert) with the closed conversation's variables.
-- conditions and steps are validated by src/workflows/model.ts before they are written.
create table workflows (
  id bigserial primary key,
  name text not null check (length(name) between 1 and 200),
  enabled boolean not null default true,
  trigger text not null default 'conversation.closed' check (trigger in ('conversation.closed')),
  conditions jsonb not null default '[]',
  steps jsonb not null,
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now()
);

-- One run per workflow x conversation version (version: the conversation row's record hash), delivered
-- through the outbox (topic 'workflow.run', key 'workflowId:conversationId:version'). status mirrors the
-- outbox message's, written in the same transactions. completed_steps: indexes of the steps that
-- succeeded (not repeated by a later attempt). leased_until: while an attempt is running.
create table workflow_runs (
  id bigserial primary key,
  workflow_id bigint not null references workflows (id) on delete cascade,
  conversation_id text not null,
  version text not null,
  variables jsonb not null,
  status text not null default 'pending' check (status in ('pending', 'delivered', 'dead')),
  outbox_id bigint references outbox (id) on delete set null,
  attempts integer not null default 0 check (attempts >= 0),
  completed_steps jsonb not null default '[]',
  leased_until timestamptz(3),
  last_error text,
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now(),
  constraint workflow_runs_version_unique unique (workflow_id, conversation_id, version)
);

create index workflow_runs_workflow_status on workflow_runs (workflow_id, status, id);
-- The scan looks up the runs of a batch of conversations.
create index workflow_runs_conversation on workflow_runs (conversation_id);

-- The delivery log: one row per step per attempt.
create table workflow_deliveries (
  id bigserial primary key,
  run_id bigint not null references workflow_runs (id) on delete cascade,
  step_index integer not null check (step_index >= 0),
  attempt integer not null check (attempt >= 1),
  started_at timestamptz(3) not null,
  duration_ms integer not null check (duration_ms >= 0),
  status text not null check (status in ('ok', 'error')),
  response_code integer,
  error text
);

create index workflow_deliveries_run on workflow_deliveries (run_id, id);

-- Where the trigger scan stands: the highest last_data_update of the support conversations it has seen
-- (DuckDB TIMESTAMP text, microseconds) and a fingerprint of the rows carrying that stamp.
create table workflow_scan_cursors (
  trigger text primary key,
  cursor text,
  fingerprint text,
  scanned_at timestamptz(3) not null default now()
);
