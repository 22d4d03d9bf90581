-- The delivery log of work-item callbacks (src/work/callback-dispatcher.ts): one row per attempt to POST a
-- 'work.callback' outbox message to its work type's callback URL. status 'ok' = a 2xx answer; 'error' =
-- anything else (another status, a network error, the timeout, no URL or secret). The rows go with their
-- message (a GDPR erasure deletes the customer's messages).
create table work_callback_deliveries (
  id bigserial primary key,
  message_id bigint not null references outbox (id) on delete cascade,
  attempt integer not null check (attempt >= 1),
  started_at timestamptz(3) not null,
  duration_ms integer not null check (duration_ms >= 0),
  status text not null check (status in ('ok', 'error')),
  response_code integer,
  error text
);

create index work_callback_deliveries_message on work_callback_deliveries (message_id, id);
-- The callbacks list filters the outbox by topic and status.
create index outbox_topic_status on outbox (topic, status, id);
