/**
 * DuckDB tables. Source tables (raw records, directories, surveys, case ids) are kept; derived
 * tables (conversations, conversation_events, case_map, reopens, cases, events) are rebuilt from them.
 * All TIMESTAMP columns hold UTC.
 */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key VARCHAR, value VARCHAR);
CREATE TABLE IF NOT EXISTS raw_conversations (
  conversation_id VARCHAR, source_system VARCHAR, complete BOOLEAN, version_time TIMESTAMP,
  last_data_update TIMESTAMP, source_file VARCHAR, record VARCHAR, record_hash VARCHAR);
CREATE TABLE IF NOT EXISTS directory (kind VARCHAR, id VARCHAR, name VARCHAR);
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
`;
