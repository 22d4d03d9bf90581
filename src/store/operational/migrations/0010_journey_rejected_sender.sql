-- Who sent each rejected journey event and for which division (README "Customer journey"): the quarantine
-- lists a row to its sender (sender_id, a user id) and to the users of division_id (the division the event
-- was meant for — its divisionId, else divisions.default — kept only when the sender may write to it);
-- users of every division see all rows. customer_keys: the identifier keys of the event's customer as far
-- as they can be read ('phone:+33612345678', 'contact:<id>'…, pseudonymized as accepted events' are; a jsonb
-- array of strings), so that erasure finds the rows of a customer. Rows rejected before this migration have
-- no sender nor division (listed to users of every division only) and no keys.
alter table journey_events_rejected add column sender_id text;
alter table journey_events_rejected add column division_id text;
alter table journey_events_rejected add column customer_keys jsonb not null default '[]';
create index journey_events_rejected_sender on journey_events_rejected (sender_id, id);
create index journey_events_rejected_division on journey_events_rejected (division_id, id);
