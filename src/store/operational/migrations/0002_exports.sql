-- Background data exports (README "Data exports"): one row per requested export, its progress and its
-- file. A worker claims the oldest queued export (status running, attempts + 1), writes
-- <data-dir>/exports/<id>.csv under a temporary name and renames it when complete, then marks it succeeded
-- (expires_at = finished_at + 7 days) or failed. At start, exports left running by a stopped process are
-- queued again (failed after 3 attempts). The clean-up marks succeeded exports past expires_at expired and
-- deletes their files. range_from is inclusive, range_to exclusive (UTC).
create table exports (
  id bigserial primary key,
  kind text not null check (kind in ('conversations', 'messages', 'failed-messages', 'eventlog')),
  range_from timestamptz(3) not null,
  range_to timestamptz(3) not null,
  lang text not null default 'en' check (lang in ('en', 'fr')),
  status text not null default 'queued'
    check (status in ('queued', 'running', 'succeeded', 'failed', 'expired')),
  progress double precision not null default 0 check (progress >= 0 and progress <= 1),
  row_count bigint check (row_count >= 0),
  byte_count bigint check (byte_count >= 0),
  file_name text,
  error text,
  attempts integer not null default 0 check (attempts >= 0),
  created_at timestamptz(3) not null default now(),
  started_at timestamptz(3),
  finished_at timestamptz(3),
  expires_at timestamptz(3),
  constraint exports_range_order check (range_to > range_from),
  constraint exports_succeeded_has_file check (
    status not in ('succeeded', 'expired')
    or (file_name is not null and finished_at is not null and expires_at is not null))
);

create index exports_status_id on exports (status, id);
