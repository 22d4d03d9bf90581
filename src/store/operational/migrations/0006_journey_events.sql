-- Customer journey events (README "Customer journey", src/journey/events.ts): web visits, page views, content
-- offers and the live activity of messaging conversations, sent to POST /api/v1/journey/events. id is the
-- sender's event id: an id already stored is a duplicate and changes nothing. customer_keys: the customer's
-- identifier keys ('phone:+33612345678', 'contact:<id>'…), sorted, as a jsonb array of strings;
-- journey_event_keys holds them one per row, for the lookups by identifier.
create table journey_events (
  id text primary key check (length(id) between 1 and 200),
  type text not null check (type in ('web.visit', 'web.pageView', 'web.contentOffer', 'message.inbound',
    'message.outbound', 'interaction.started', 'interaction.ended')),
  occurred_at timestamptz(3) not null,
  received_at timestamptz(3) not null default now(),
  customer_keys jsonb not null,
  conversation_id text,
  channel text,
  direction text check (direction in ('inbound', 'outbound')),
  queue text,
  agent text,
  title text,
  url text,
  attributes jsonb not null default '{}',
  division_id text not null,
  constraint journey_events_conversation check (
    conversation_id is not null or type in ('web.visit', 'web.pageView', 'web.contentOffer'))
);

create index journey_events_conversation on journey_events (conversation_id) where conversation_id is not null;

create table journey_event_keys (
  key text not null,
  event_id text not null references journey_events (id) on delete cascade,
  primary key (key, event_id)
);

create index journey_event_keys_event on journey_event_keys (event_id);

-- Rejected events (GET /api/v1/journey/events/rejected): where in its request each was (batch_index), its
-- id when it had one, every problem found ([{field, message}]) and the event as sent (its customer fields
-- pseudonymized when privacy.pseudonymize is on).
create table journey_events_rejected (
  id bigserial primary key,
  received_at timestamptz(3) not null default now(),
  batch_index integer not null check (batch_index >= 0),
  event_id text,
  problems jsonb not null,
  payload jsonb not null
);
