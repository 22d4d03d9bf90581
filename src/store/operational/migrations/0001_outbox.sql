-- Transactional outbox: messages to deliver at least once (webhooks, callbacks, notifications).
-- A message is written in the same transaction as the state change it announces; a worker claims due
-- messages, delivers them and marks them delivered, or failed with the time of the next attempt, or
-- dead when it gives up. (topic, key) is unique: enqueueing the same event twice is a no-op.
create table outbox (
  id bigserial primary key,
  topic text not null,
  key text not null,
  payload jsonb not null,
  status text not null default 'pending' check (status in ('pending', 'delivered', 'dead')),
  attempts integer not null default 0 check (attempts >= 0),
  next_attempt_at timestamptz(3),
  last_error text,
  created_at timestamptz(3) not null default now(),
  delivered_at timestamptz(3),
  constraint outbox_topic_key_unique unique (topic, key),
  constraint outbox_pending_has_next_attempt check (status <> 'pending' or next_attempt_at is not null),
  constraint outbox_delivered_has_time check ((status = 'delivered') = (delivered_at is not null))
);

create index outbox_status_next_attempt_at on outbox (status, next_attempt_at);
