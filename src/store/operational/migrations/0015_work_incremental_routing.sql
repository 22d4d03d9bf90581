-- Incremental push routing (src/work/engine.ts).
-- An agent with room again reads the first waiting items of each push queue they serve, in routing order
-- (priority, nearest due date, oldest): an index scan that stops at the limit, whatever the backlog.
create index work_items_push_waiting on work_items (queue_id, priority desc, due_at, created_at, id)
  where status = 'queued' and workbin_id is null;
