import { createHash } from 'node:crypto';
import type { AnalyticsDb, Cell } from './duckdb.ts';
import { appendRow } from './duckdb.ts';

/** What the support conversation of a Genesys record needs beyond its case-grouping facts (see genesys/support.ts). */
export interface ConversationSupportFacts {
  originatingDirection: string | null;
  wrapUpNote: string | null;
  handleMs: number | null;
}

/**
 * The support conversation of every Genesys conversation, from the derived tables (README "Support data",
 * "From Genesys records"):
 * - channel: the customer's session mediaType (conversations.media_type); opened_by: contact when the
 *   conversation was inbound, agent when outbound;
 * - opened_at: conversationStart; resolved_at: the end of the final wrap-up, else conversationEnd; empty
 *   while the conversation has not ended or an after-call work is still open;
 * - contact_id: the customer key of the event log; assignee: the last agent who connected (Agent Accepted
 *   Interaction); resolver: the agent of the last after-call work or wrap-up code, once resolved;
 * - team: the assignee's team from the directory: the name of the first of the groups the assignee belongs
 *   to (directory_members), in name order ignoring case and accents (then the exact name, then the id);
 *   groups of unknown name are ignored; the configuration's support.teams win in the reports (teamSql);
 * - first_response_at: the first agent connect; transfers: "Interaction Transferred" events;
 * - handle_seconds: conversation_support_facts.handle_ms (metrics tTalk + tHeld + tAcw), else — data
 *   derived before that table existed — the segment spans; category: the conversation's request type,
 *   else its case's; summary: the last wrap-up note; queue_name: the last queue the conversation was in;
 *   wrap_up_code: the last wrap-up code (names from the directory); csat: the conversation's latest survey
 *   score; service_request: its case.
 * Inbound and outbound counts stay empty: analytics records carry no messages (support_conversation_facts
 * counts the messages read from Genesys or imported). An imported conversation with the same id takes
 * precedence.
 */
const BUILD_GENESYS_SUPPORT_CONVERSATIONS = `
DELETE FROM support_conversations WHERE origin = 'genesys';
INSERT INTO support_conversations BY NAME
WITH ev AS (
  SELECT conversation_id,
    min(event_time) FILTER (WHERE activity = 'Agent Accepted Interaction') AS first_connect,
    arg_max(agent_id, (event_time, activity_order, seq)) FILTER (WHERE activity = 'Agent Accepted Interaction')
      AS last_agent,
    arg_max(agent_id, (event_time, activity_order, seq)) FILTER (
      WHERE activity IN ('After-Call Work Started', 'After-Call Work Completed', 'Wrap-Up Code Assigned'))
      AS last_wrapper,
    max(event_time) FILTER (WHERE activity IN ('After-Call Work Completed', 'Wrap-Up Code Assigned'))
      AS last_wrap_up_end,
    count(*) FILTER (WHERE activity = 'After-Call Work Started')
      > count(*) FILTER (WHERE activity = 'After-Call Work Completed') AS wrap_up_open,
    count(*) FILTER (WHERE activity = 'Interaction Transferred') AS transfers,
    arg_max(queue_id, (event_time, activity_order, seq)) FILTER (WHERE queue_id IS NOT NULL) AS last_queue
  FROM conversation_events GROUP BY conversation_id
), sv AS (
  SELECT conversation_id, arg_max(score, sent_date) AS csat
  FROM surveys WHERE score IS NOT NULL GROUP BY conversation_id
), gt AS (
  SELECT m.member_id, arg_min(g.name, (lower(strip_accents(g.name)), g.name, g.id)) AS team
  FROM directory_members m JOIN directory g ON g.kind = 'groups' AND g.id = m.group_id
  WHERE m.kind = 'users' GROUP BY m.member_id
), base AS (
  SELECT c.*, ev.first_connect, ev.last_agent, ev.last_wrapper, ev.transfers, ev.last_queue,
    CASE WHEN c.end_time IS NULL OR coalesce(ev.wrap_up_open, false) THEN NULL
      ELSE greatest(c.end_time, ev.last_wrap_up_end) END AS resolved,
    f.conversation_id IS NOT NULL AS has_facts, f.originating_direction, f.wrap_up_note, f.handle_ms
  FROM conversations c
  LEFT JOIN ev ON ev.conversation_id = c.conversation_id
  LEFT JOIN conversation_support_facts f ON f.conversation_id = c.conversation_id
)
SELECT b.conversation_id, 'genesys' AS origin, b.source_system, b.media_type AS channel,
  CASE b.originating_direction WHEN 'inbound' THEN 'contact' WHEN 'outbound' THEN 'agent' END AS opened_by,
  b.start_time AS opened_at, b.resolved AS resolved_at, b.customer_key AS contact_id,
  b.last_agent AS assignee_id, coalesce(u.name, b.last_agent) AS assignee_name, gt.team,
  CASE WHEN b.resolved IS NOT NULL THEN b.last_wrapper END AS resolver_id,
  CASE WHEN b.resolved IS NOT NULL THEN coalesce(r.name, b.last_wrapper) END AS resolver_name,
  b.first_connect AS first_response_at, NULL AS inbound_count, NULL AS outbound_count,
  CASE WHEN b.has_facts THEN b.handle_ms / 1000.0
    WHEN b.handled OR b.talk_ms + b.hold_ms + b.acw_ms > 0 THEN (b.talk_ms + b.hold_ms + b.acw_ms) / 1000.0
  END AS handle_seconds,
  coalesce(b.transfers, 0) AS transfers, coalesce(cat.category, k.request_type) AS category,
  b.wrap_up_note AS summary, coalesce(q.name, b.last_queue) AS queue_name,
  coalesce(w.name, b.wrap_up_code) AS wrap_up_code, sv.csat, m.service_request, b.last_data_update,
  NULL AS record_hash
FROM base b
LEFT JOIN sv ON sv.conversation_id = b.conversation_id
LEFT JOIN gt ON gt.member_id = b.last_agent
LEFT JOIN support_categories cat ON cat.conversation_id = b.conversation_id
LEFT JOIN case_map m ON m.conversation_id = b.conversation_id
LEFT JOIN cases k ON k.service_request = m.service_request
LEFT JOIN directory u ON u.kind = 'users' AND u.id = b.last_agent
LEFT JOIN directory r ON r.kind = 'users' AND r.id = b.last_wrapper
LEFT JOIN directory q ON q.kind = 'queues' AND q.id = b.last_queue
LEFT JOIN directory w ON w.kind = 'wrapUpCodes' AND w.id = b.wrap_up_code
WHERE b.conversation_id NOT IN (SELECT conversation_id FROM support_conversations)
ORDER BY b.start_time, b.conversation_id;
`;

/**
 * Rebuilds the Genesys rows of support_conversations (inside the caller's transaction, after case_map and
 * cases): `categories` is each conversation's own request type (eventlog/grouping.ts requestType).
 */
export async function buildGenesysSupportConversations(
  db: AnalyticsDb,
  categories: Iterable<[string, string]>,
): Promise<void> {
  await db.run('CREATE OR REPLACE TEMP TABLE support_categories (conversation_id VARCHAR, category VARCHAR)');
  const app = await db.appender('support_categories');
  for (const [conversationId, category] of categories) appendRow(app, [conversationId, category]);
  app.closeSync();
  await db.run(BUILD_GENESYS_SUPPORT_CONVERSATIONS);
  await db.run('DROP TABLE support_categories');
}

/** Appends the support facts of a batch of derived Genesys conversations. */
export async function appendSupportFacts(
  db: AnalyticsDb,
  batch: Iterable<{ conversationId: string; support: ConversationSupportFacts }>,
): Promise<void> {
  const app = await db.appender('conversation_support_facts');
  for (const { conversationId, support } of batch) {
    appendRow(app, [conversationId, support.originatingDirection, support.wrapUpNote, support.handleMs]);
  }
  app.closeSync();
}

/** Genesys conversations derived before conversation_support_facts existed (a rebuild fills them in). */
export async function conversationsWithoutSupportFacts(db: AnalyticsDb): Promise<number> {
  const row = await db.one<{ n: number }>(`
    SELECT count(*)::INTEGER AS n FROM conversations c
    WHERE NOT EXISTS (SELECT 1 FROM conversation_support_facts f WHERE f.conversation_id = c.conversation_id)`);
  return row?.n ?? 0;
}

/** A directory entry with the groups it belongs to (users listed with expand=groups). */
interface MemberEntry {
  id: string;
  groups?: readonly { id: string }[];
}

/**
 * Replaces the group membership of the entries that give `groups` (inside the caller's transaction); an
 * entry without `groups` keeps what is stored.
 */
export async function saveMemberships(
  db: AnalyticsDb,
  kind: string,
  entries: readonly MemberEntry[],
): Promise<void> {
  const members = entries.filter((e) => e.groups !== undefined);
  if (members.length === 0) return;
  await db.run('CREATE OR REPLACE TEMP TABLE member_batch (member_id VARCHAR, group_id VARCHAR)');
  const app = await db.appender('member_batch');
  for (const e of members) {
    appendRow(app, [e.id, null]);
    for (const g of e.groups ?? []) appendRow(app, [e.id, g.id]);
  }
  app.closeSync();
  await db.run(
    'DELETE FROM directory_members WHERE kind = $kind AND member_id IN (SELECT member_id FROM member_batch)',
    { kind },
  );
  await db.run(
    `INSERT INTO directory_members SELECT DISTINCT $kind, member_id, group_id FROM member_batch
     WHERE group_id IS NOT NULL ORDER BY member_id, group_id`,
    { kind },
  );
  await db.run('DROP TABLE member_batch');
}

/** One message read from Genesys (README "Support data", "From Genesys records"): times epoch ms. */
export interface GenesysMessageRow {
  messageId: string;
  conversationId: string;
  sentAt: number;
  direction: 'inbound' | 'outbound';
  senderId: string | null;
  senderType: string;
  source: string | null;
  contactId: string | null;
  channel: string | null;
  messageType: string;
  status: string;
  failureReason: string | null;
  sourceSystem: string;
}

/** The messages read for some conversations: each conversation's Genesys messages become `rows`. */
export interface GenesysMessages {
  conversationIds: readonly string[];
  rows: readonly GenesysMessageRow[];
  /** LastDataUpdate of the rows written (the run's start, or the import's time). */
  lastDataUpdate: number;
}

/** The stored cells of a Genesys message (content is never read: NULL), and their hash. */
function messageCells(m: GenesysMessageRow): { cells: Cell[]; hash: string } {
  const cells: Cell[] = [
    m.messageId,
    m.conversationId,
    { ts: m.sentAt },
    m.direction,
    m.senderId,
    m.senderType,
    m.source,
    m.contactId,
    m.channel,
    m.messageType,
    null,
    m.status,
    m.failureReason,
    m.sourceSystem,
  ];
  return { cells, hash: createHash('sha1').update(JSON.stringify(cells)).digest('hex') };
}

/**
 * Replaces the Genesys messages (origin 'genesys') of these conversations by the rows read for them,
 * inside the caller's transaction: a row identical to the stored one is kept as it is (its
 * last_data_update too), a changed one replaced, one no longer listed removed. A message id that an import
 * holds (origin 'import') keeps the imported row, as an imported conversation wins over the Genesys one.
 */
export async function replaceGenesysMessages(db: AnalyticsDb, messages: GenesysMessages): Promise<void> {
  await db.run(`
    CREATE OR REPLACE TEMP TABLE genesys_message_conversations (conversation_id VARCHAR);
    CREATE OR REPLACE TEMP TABLE genesys_message_batch (
      message_id VARCHAR, conversation_id VARCHAR, sent_at TIMESTAMP, direction VARCHAR, sender_id VARCHAR,
      sender_type VARCHAR, source VARCHAR, contact_id VARCHAR, channel VARCHAR, message_type VARCHAR,
      content VARCHAR, status VARCHAR, failure_reason VARCHAR, source_system VARCHAR, record_hash VARCHAR);`);
  const conversations = await db.appender('genesys_message_conversations');
  for (const id of new Set(messages.conversationIds)) appendRow(conversations, [id]);
  conversations.closeSync();
  // One row per message id: the last one read.
  const rows = new Map(messages.rows.map((m) => [m.messageId, m]));
  const batch = await db.appender('genesys_message_batch');
  for (const m of rows.values()) {
    const { cells, hash } = messageCells(m);
    appendRow(batch, [...cells, hash]);
  }
  batch.closeSync();
  await db.run(`
    DELETE FROM support_messages s
    WHERE s.origin = 'genesys'
      AND (s.conversation_id IN (SELECT conversation_id FROM genesys_message_conversations)
        OR s.message_id IN (SELECT message_id FROM genesys_message_batch))
      AND NOT EXISTS (SELECT 1 FROM genesys_message_batch b
                      WHERE b.message_id = s.message_id AND b.record_hash = s.record_hash);`);
  await db.run(
    `INSERT INTO support_messages BY NAME
     SELECT *, CAST($updated AS TIMESTAMP) AS last_data_update, 'genesys' AS origin FROM genesys_message_batch
     WHERE message_id NOT IN (SELECT message_id FROM support_messages WHERE message_id IS NOT NULL)
     ORDER BY sent_at, message_id`,
    { updated: new Date(messages.lastDataUpdate).toISOString().replace('T', ' ').replace('Z', '') },
  );
  await db.run('DROP TABLE genesys_message_conversations; DROP TABLE genesys_message_batch;');
}
