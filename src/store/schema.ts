import { SUPPORT_VIEWS_SQL } from '../reports/definitions.ts';

/**
 * DuckDB tables. Source tables (raw records, directories, surveys, case ids, imported support
 * conversations and messages) are kept; derived tables (conversations, conversation_events,
 * conversation_support_facts, case_map, reopens, cases, events, the Genesys rows of support_conversations)
 * are rebuilt from them. All TIMESTAMP columns hold UTC.
 */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key VARCHAR, value VARCHAR);
CREATE TABLE IF NOT EXISTS raw_conversations (
  conversation_id VARCHAR, source_system VARCHAR, complete BOOLEAN, version_time TIMESTAMP,
  last_data_update TIMESTAMP, source_file VARCHAR, record VARCHAR, record_hash VARCHAR);
CREATE TABLE IF NOT EXISTS directory (kind VARCHAR, id VARCHAR, name VARCHAR);
-- Group membership from the directory (Genesys users' groups, GET /api/v2/users?expand=groups): kind
-- 'users', the member's id, one group id per row. A member listed again replaces its rows.
CREATE TABLE IF NOT EXISTS directory_members (kind VARCHAR, member_id VARCHAR, group_id VARCHAR);
CREATE TABLE IF NOT EXISTS surveys (conversation_id VARCHAR, sent_date TIMESTAMP, score DOUBLE);
CREATE TABLE IF NOT EXISTS case_ids (first_conversation_id VARCHAR, service_request VARCHAR);
CREATE TABLE IF NOT EXISTS conversations (
  conversation_id VARCHAR, start_time TIMESTAMP, end_time TIMESTAMP, media_type VARCHAR,
  customer_key VARCHAR, explicit_case_id VARCHAR, request_type_attribute VARCHAR, wrap_up_code VARCHAR,
  wrap_up_time TIMESTAMP, first_queue_id VARCHAR, transferred BOOLEAN, handled BOOLEAN,
  talk_ms DOUBLE, hold_ms DOUBLE, acw_ms DOUBLE, source_system VARCHAR, last_data_update TIMESTAMP);
CREATE TABLE IF NOT EXISTS conversation_events (
  conversation_id VARCHAR, seq INTEGER, activity VARCHAR, activity_order INTEGER, event_time TIMESTAMP,
  event_end_time TIMESTAMP, media_type VARCHAR, agent_id VARCHAR, queue_id VARCHAR, wrap_up_code VARCHAR);
-- What a Genesys record tells about its conversation beyond the facts case grouping needs (derived with
-- conversations): originatingDirection, the note of the last wrap-up, and the handle time (talk + hold +
-- after-call work of the agent sessions: the tTalk/tHeld/tAcw metrics, else the segment spans), ms.
CREATE TABLE IF NOT EXISTS conversation_support_facts (
  conversation_id VARCHAR, originating_direction VARCHAR, wrap_up_note VARCHAR, handle_ms DOUBLE);
-- Divisions (src/store/divisions.ts): of each conversation (Genesys divisionIds, else the configuration's
-- divisions mapping), and of each case (the union of its conversations'). Rebuilt with every regroup, and
-- when the store is opened after support data or the divisions configuration changed. conversation_id ''
-- holds the division of the messages that belong to no conversation.
CREATE TABLE IF NOT EXISTS conversation_divisions (conversation_id VARCHAR, division_id VARCHAR);
CREATE TABLE IF NOT EXISTS case_divisions (service_request VARCHAR, division_id VARCHAR);
-- The divisionIds of each stored Genesys record (NULL: it has none), read once when the record is saved.
CREATE TABLE IF NOT EXISTS record_divisions (conversation_id VARCHAR, division_id VARCHAR);
-- Customer identifiers of each Genesys conversation (src/journey/identifiers.ts): kind externalContactId |
-- phone | email | messaging, the normalized value, the key ('phone:+33612345678'), seen_at = its start.
-- Rebuilt with every regroup.
CREATE TABLE IF NOT EXISTS customer_identifiers (
  conversation_id VARCHAR, kind VARCHAR, value VARCHAR, key VARCHAR, seen_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS case_map (conversation_id VARCHAR, service_request VARCHAR);
CREATE TABLE IF NOT EXISTS reopens (conversation_id VARCHAR, event_time TIMESTAMP);
CREATE TABLE IF NOT EXISTS cases (
  service_request VARCHAR, first_conversation_id VARCHAR, conversation_count INTEGER, request_type VARCHAR,
  media_type VARCHAR, first_contact TIMESTAMP, resolved_at TIMESTAMP, sla_target DOUBLE,
  service_resolution_time DOUBLE, is_sla_compliant BOOLEAN, is_reopened BOOLEAN, is_fcr BOOLEAN, csat DOUBLE);
CREATE TABLE IF NOT EXISTS events (
  ServiceRequest VARCHAR, ConversationId VARCHAR, ActivityName VARCHAR, EventTime TIMESTAMP,
  EventEndTime TIMESTAMP, Duration DOUBLE, SourceSystem VARCHAR, LastDataUpdate TIMESTAMP, MediaType VARCHAR,
  AgentId VARCHAR, AgentName VARCHAR, QueueName VARCHAR, WrapUpCode VARCHAR, ServiceRequestType VARCHAR,
  CustomerSatisfactionScore DOUBLE, SlaTargetResolutionTime DOUBLE, ServiceResolutionTime DOUBLE,
  IsSlaCompliant BOOLEAN, IsReopened BOOLEAN, IsFirstContactResolution BOOLEAN,
  activity_order INTEGER, seq INTEGER);
-- Support data (README "Support data"): one row per conversation, whatever its source. origin 'genesys':
-- derived from the Genesys records by every regroup (src/store/support.ts); origin 'import': written by
-- \`caseflow import conversations\`, kept (an imported row replaces the Genesys row of the same id).
-- Counts and first_response_at are the source's; the definitions over messages are applied by the view
-- support_conversation_facts. team is the source's team; reports map agents to teams with the configuration
-- first (src/reports/definitions.ts teamSql). record_hash: of an imported row, so that re-importing it
-- changes nothing (not even last_data_update).
CREATE TABLE IF NOT EXISTS support_conversations (
  conversation_id VARCHAR, origin VARCHAR, source_system VARCHAR, channel VARCHAR, opened_by VARCHAR,
  opened_at TIMESTAMP, resolved_at TIMESTAMP, contact_id VARCHAR, assignee_id VARCHAR, assignee_name VARCHAR,
  team VARCHAR, resolver_id VARCHAR, resolver_name VARCHAR, first_response_at TIMESTAMP,
  inbound_count INTEGER, outbound_count INTEGER, handle_seconds DOUBLE, transfers INTEGER, category VARCHAR,
  summary VARCHAR, queue_name VARCHAR, wrap_up_code VARCHAR, csat DOUBLE, service_request VARCHAR,
  last_data_update TIMESTAMP, record_hash VARCHAR);
-- Messages (\`caseflow import messages\`, and the Genesys messaging conversations read by a sync or a
-- message-conversations file): direction inbound | outbound; sender_type contact | agent | workflow |
-- broadcast | api | bot; source (outbound only) agent | workflow | broadcast | api; status sent | delivered |
-- read | failed. conversation_id may be empty: support_message_facts links the message to its contact's
-- conversation at read time. source_system: where the row came from (--source, or the Genesys source
-- system). origin: 'genesys' (read from Genesys, replaced when its conversation is read again) or 'import'
-- (the column was added later: ALTER below for stores created before).
CREATE TABLE IF NOT EXISTS support_messages (
  message_id VARCHAR, conversation_id VARCHAR, sent_at TIMESTAMP, direction VARCHAR, sender_id VARCHAR,
  sender_type VARCHAR, source VARCHAR, contact_id VARCHAR, channel VARCHAR, message_type VARCHAR,
  content VARCHAR, status VARCHAR, failure_reason VARCHAR, source_system VARCHAR, last_data_update TIMESTAMP,
  record_hash VARCHAR, origin VARCHAR DEFAULT 'import');
ALTER TABLE support_messages ADD COLUMN IF NOT EXISTS origin VARCHAR DEFAULT 'import';
-- Work-item lifecycle events (src/work/eventlog.ts): a source table fed from the operational store's
-- work_item_events after a watermark (meta 'work:eventlog-cursor'), one row per event (event_id: the
-- operational id); names resolved when fed. Regroup derives their \`events\` rows (src/work/eventlog-sql.ts).
CREATE TABLE IF NOT EXISTS work_item_events (
  event_id BIGINT, item_id VARCHAR, seq INTEGER, service_request VARCHAR, activity VARCHAR,
  event_time TIMESTAMP, agent_id VARCHAR, agent_name VARCHAR, queue_id VARCHAR, queue_name VARCHAR,
  division_id VARCHAR, work_type VARCHAR, sla_target DOUBLE, last_data_update TIMESTAMP);
CREATE TABLE IF NOT EXISTS datasets (
  name VARCHAR, format VARCHAR, source VARCHAR, imported_at TIMESTAMP, events BIGINT, cases BIGINT);
CREATE TABLE IF NOT EXISTS dataset_events (
  dataset VARCHAR, case_id VARCHAR, activity VARCHAR, ts TIMESTAMP, end_ts TIMESTAMP, resource VARCHAR,
  seq BIGINT, attributes VARCHAR);
-- One shape for every event log that process mining reads: the Genesys-derived log is dataset 'default',
-- generic imports (CSV, XES) are the other datasets. tiebreak orders events with equal times.
CREATE OR REPLACE VIEW mining_events AS
  SELECT 'default' AS dataset, ServiceRequest AS case_id, ActivityName AS activity, EventTime AS ts,
    EventEndTime AS end_ts, coalesce(AgentName, AgentId) AS resource, ConversationId AS conversation_id,
    MediaType AS media_type, QueueName AS queue_name, ServiceRequestType AS request_type,
    IsSlaCompliant AS is_sla_compliant, IsReopened AS is_reopened, IsFirstContactResolution AS is_fcr,
    activity_order AS tiebreak, seq::BIGINT AS seq
  FROM events
  UNION ALL
  SELECT dataset, case_id, activity, ts, coalesce(end_ts, ts), resource, NULL, NULL, NULL, NULL,
    NULL, NULL, NULL, 0, seq
  FROM dataset_events;
-- mining_events with each event's position in its case and its directly-following event, and one row per
-- case: rebuilt per dataset when its data changes (src/mining/materialize.ts), so that queries on
-- millions of events aggregate instead of re-sorting every case.
CREATE TABLE IF NOT EXISTS mining_ev (
  dataset VARCHAR, case_id VARCHAR, activity VARCHAR, ts TIMESTAMP, end_ts TIMESTAMP, resource VARCHAR,
  conversation_id VARCHAR, media_type VARCHAR, queue_name VARCHAR, request_type VARCHAR,
  is_sla_compliant BOOLEAN, is_reopened BOOLEAN, is_fcr BOOLEAN, tiebreak INTEGER, seq BIGINT,
  pos BIGINT, next_activity VARCHAR, next_ts TIMESTAMP,
  -- first occurrence in its case of this activity / of this (activity, next activity) step: counting
  -- these rows counts cases without a DISTINCT aggregate
  first_activity BOOLEAN, first_step BOOLEAN);
CREATE TABLE IF NOT EXISTS mining_cases (
  dataset VARCHAR, case_id VARCHAR, case_start TIMESTAMP, case_end TIMESTAMP, duration DOUBLE, events BIGINT,
  variant VARCHAR, is_sla_compliant BOOLEAN, is_reopened BOOLEAN, is_fcr BOOLEAN);
${SUPPORT_VIEWS_SQL}`;
