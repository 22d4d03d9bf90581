-- Who requested each data export, and what of the data they may see (README "Access control"): the
-- background worker writes the file with the requester's divisions and masking (scope: {"divisions": "all"
-- | [division ids], "maskWrapUpCodes": bool, "maskQueues": bool}), and a user lists and downloads only their
-- own exports unless they hold admin:export:view. Exports requested before access control have neither:
-- requested_by null (listed only for admin:export:view) and scope null (everything, as they were made).
alter table exports add column requested_by text;
alter table exports add column scope jsonb;
create index exports_requested_by on exports (requested_by, id);
