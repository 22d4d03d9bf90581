import type { AnalyticsDb } from './duckdb.ts';
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
 * - first_response_at: the first agent connect; transfers: "Interaction Transferred" events;
 * - handle_seconds: conversation_support_facts.handle_ms (metrics tTalk + tHeld + tAcw), else — data
 *   derived before that table existed — the segment spans; category: the conversation's request type,
 *   else its case's; summary: the last wrap-up note; queue_name: the last queue the conversation was in;
 *   wrap_up_code: the last wrap-up code (names from the directory); csat: the conversation's latest survey
 *   score; service_request: its case.
 * Inbound and outbound counts stay empty: analytics records carry no messages (support_conversation_facts
 * counts imported messages). An imported conversation with the same id takes precedence.
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
  b.last_agent AS assignee_id, coalesce(u.name, b.last_agent) AS assignee_name, NULL AS team,
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
