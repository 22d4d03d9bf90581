-- An agent's id in the contact-center platform (the Genesys user id of src/store support_conversations
-- assignee_id and conversation_events agent_id): the blending list (GET /api/v1/work/me/list) shows the
-- agent's recent interactions with it. A Caseflow user (user_id) is not a platform user.
alter table work_agents add column external_agent_id text;
