-- Push routing's offers (src/work/engine.ts): an item pushed to an agent is 'assigned' with offered_at and
-- offer_expires_at set until the agent starts it (accepts) or declines; an offer still open at
-- offer_expires_at is declined automatically (reason 'timeout'). declined_by: the agents who declined the
-- item or let its offer lapse, left out when it is routed again in the same place (a move or an escalation
-- starts over).
alter table work_items add column offered_at timestamptz(3);
alter table work_items add column offer_expires_at timestamptz(3);
alter table work_items add column declined_by jsonb not null default '[]';
create index work_items_offer_expiry on work_items (offer_expires_at) where offer_expires_at is not null;
