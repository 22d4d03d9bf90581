-- Workflow versions (README "Workflows", docs/decisions/0009-workflow-delivery.md): the version of a
-- closed conversation is the hash of its trigger variables (src/workflows/variables.ts versionOf), no
-- longer its row's or raw record's hash. The trigger scan keeps the last version it has seen of each
-- closed conversation, whether a workflow ran for it or not: a conversation is judged again only when its
-- version changes — a change from another table (messages, surveys, regrouping) included. probe: a cheap
-- hash of the same variables computed in DuckDB, which the scan compares first (only a conversation whose
-- probe changed has its version recomputed); it may change without the version (a DuckDB upgrade).
-- Written in the same transaction as the runs the new version enqueues.
create table workflow_conversation_versions (
  conversation_id text primary key,
  version text not null,
  probe text not null,
  updated_at timestamptz(3) not null default now()
);

-- The scan's cursor becomes a data stamp (the analytics store's data versions and a summary of the support
-- tables: unchanged, nothing to look at) and the scheme of the versions (a hash of the variables' SQL and
-- definitions with support.teams: when it changes, the conversations already seen are re-baselined
-- rather than run again). The cursors of the previous scan (last_data_update and a fingerprint) are
-- dropped: the first scan after this migration records the versions of the closed conversations present
-- without running anything, as a first scan does.
delete from workflow_scan_cursors;
alter table workflow_scan_cursors drop column fingerprint;
alter table workflow_scan_cursors rename column cursor to data_stamp;
alter table workflow_scan_cursors add column scheme text;
