import type { DataScope } from '../access/index.ts';
import type { JourneyService } from '../journey/index.ts';
import { conversationInScope } from '../store/divisions.ts';
import { iso } from '../store/duckdb.ts';
import type { Store } from '../store/index.ts';
import type { WorkItem } from './items.ts';

/**
 * The blending list (GET /api/v1/work/me/list): an agent's open work items and their interactions of the
 * last RECENT_DAYS days together, newest first. The interactions are the conversations the agent took part
 * in on the contact-center platform — matched by the agent's `externalAgentId` (the platform's user id,
 * support_conversations.assignee_id / conversation_events.agent_id), within the viewer's divisions — each
 * with its customer's journey id and its case.
 */

export const RECENT_DAYS = 7;
/** At most this many interactions in the list. */
export const MAX_INTERACTIONS = 200;

export interface RecentInteraction {
  kind: 'interaction';
  conversationId: string;
  channel: string | null;
  startedAt: string;
  customerId: string | null;
  serviceRequest: string | null;
}

export type BlendedEntry = { kind: 'workItem'; item: WorkItem } | RecentInteraction;

interface InteractionRow {
  conversation_id: string;
  channel: string | null;
  started_at: string;
  service_request: string | null;
}

/** The agent's interactions started since `now` − RECENT_DAYS, newest first, as the scope may see them. */
export async function recentInteractions(
  store: Store,
  journeys: JourneyService | null,
  externalAgentId: string,
  scope: DataScope,
  now: number,
): Promise<RecentInteraction[]> {
  // The analytics store's timestamps are UTC without a zone.
  const since = new Date(now - RECENT_DAYS * 86_400_000).toISOString().slice(0, 23).replace('T', ' ');
  const rows = await store.db.all<InteractionRow>(
    `SELECT s.conversation_id, s.channel, ${iso('s.opened_at')} AS started_at, s.service_request
     FROM support_conversations s
     WHERE s.opened_at >= $since::TIMESTAMP
       AND (s.assignee_id = $agent OR s.resolver_id = $agent OR s.conversation_id IN (
         SELECT conversation_id FROM conversation_events WHERE agent_id = $agent))
       AND ${conversationInScope(scope, 's.conversation_id')}
     ORDER BY s.opened_at DESC, s.conversation_id
     LIMIT ${MAX_INTERACTIONS}`,
    { agent: externalAgentId, since },
  );
  const index = rows.length > 0 && journeys ? await journeys.identity() : null;
  return rows.map((r) => ({
    kind: 'interaction',
    conversationId: r.conversation_id,
    channel: r.channel,
    startedAt: r.started_at,
    customerId: index ? index.customerOfInteraction(index.keysOfConversation(r.conversation_id)) : null,
    serviceRequest: r.service_request,
  }));
}

/** Work items (by their last change) and interactions (by their start), newest first. */
export function blend(
  items: readonly WorkItem[],
  interactions: readonly RecentInteraction[],
): BlendedEntry[] {
  const entries: { at: string; entry: BlendedEntry }[] = [
    ...items.map((item) => ({ at: item.updatedAt, entry: { kind: 'workItem' as const, item } })),
    ...interactions.map((entry) => ({ at: entry.startedAt, entry })),
  ];
  return entries.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).map((e) => e.entry);
}
