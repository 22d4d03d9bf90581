import type { Kysely } from 'kysely';
import type { DataScope } from '../access/index.ts';
import { sqlString } from '../reports/definitions.ts';
import { conversationInScope, messageInScope, type OperationalSchema, type Store } from '../store/index.ts';
import { channelNamed, channelOf } from './channels.ts';
import { eventsFor, type JourneyEvent } from './events.ts';
import { contactIdIdentifier } from './identifiers.ts';
import type { IdentityIndex } from './identity.ts';
import { ACTIVITY_CHANNELS, liveStatus } from './live-status.ts';
import type { Channel, Interaction, InteractionDetails, JourneyView, PathStep } from './model.ts';

/**
 * A customer's interactions, assembled from every source (README "Customer journey"):
 * - conversations: the Genesys records (channel from mediaType and messageType, direction from
 *   originatingDirection, the queue and agent steps of the event log), the imported support conversations,
 *   the conversations known only from journey events (live, not yet synced) — one interaction per
 *   conversation id whatever the sources, the synced record's facts first;
 * - web events (visits, page views, content offers) from journey events;
 * - notifications: outbound messages of no conversation sent by no agent (agentless).
 * The customer's activity that the live status reads: inbound messages, journey events of the customer
 * (a page view makes an open messaging conversation live again).
 */

const iso = (ms: number): string => new Date(ms).toISOString();
const list = (ids: readonly string[]): string => `[${ids.map(sqlString).join(', ')}]::VARCHAR[]`;

/** An interaction as loaded: unmasked, with the identifier keys it carries. */
export interface LoadedInteraction {
  interaction: Interaction;
  keys: string[];
}

export interface LoadContext {
  store: Store;
  db: Kysely<OperationalSchema> | null;
  index: IdentityIndex;
  now: number;
  /** Of the customer's web events, at most this many (the newest) are read. */
  webLimit: number;
}

interface GenesysRow {
  id: string;
  visible: boolean;
  start: number;
  end: number | null;
  media_type: string | null;
  message_type: string | null;
  direction: string | null;
  transferred: boolean;
  has_agent: boolean;
  wrap_up_code: string | null;
  handle_ms: number | null;
  csat: number | null;
  service_request: string | null;
  category: string | null;
  source_system: string | null;
}

interface ImportedRow {
  id: string;
  visible: boolean;
  start: number | null;
  end: number | null;
  channel: string | null;
  opened_by: string | null;
  queue_name: string | null;
  assignee_id: string | null;
  assignee_name: string | null;
  wrap_up_code: string | null;
  csat: number | null;
  service_request: string | null;
  category: string | null;
  handle_seconds: number | null;
  transfers: number | null;
  source_system: string | null;
}

interface StepRow {
  id: string;
  at: number;
  activity: string;
  agent_id: string | null;
  agent_name: string | null;
  queue: string | null;
}

interface MessageStats {
  id: string;
  last_inbound: number | null;
  inbound: number;
  outbound: number;
}

interface NotificationRow {
  message_id: string;
  at: number;
  channel: string | null;
  message_type: string | null;
  contact_id: string;
  sender_type: string | null;
  source: string | null;
  status: string | null;
  failure_reason: string | null;
}

/** The customer's interactions (in the scope's divisions), newest first, unmasked. */
export async function loadInteractions(
  context: LoadContext,
  customerId: string,
  scope: DataScope,
): Promise<LoadedInteraction[]> {
  const { index } = context;
  const members = index.keysOf(customerId);
  const conversationIds = index.conversationsOf(customerId);
  const db = context.store.db;
  const ids = list(conversationIds);
  const [genesys, imported, steps, messages, notifications, events] = await Promise.all([
    conversationIds.length === 0
      ? []
      : db.all<GenesysRow>(`
        SELECT c.conversation_id AS id, ${conversationInScope(scope, 'c.conversation_id')} AS visible,
          epoch_ms(c.start_time)::DOUBLE AS start, epoch_ms(c.end_time)::DOUBLE AS "end", c.media_type,
          list_filter(json_extract_string(r.record, '$.participants[*].sessions[*].messageType'),
            t -> t IS NOT NULL)[1] AS message_type,
          f.originating_direction AS direction, c.transferred,
          EXISTS (SELECT 1 FROM conversation_events e
                  WHERE e.conversation_id = c.conversation_id AND e.agent_id IS NOT NULL) AS has_agent,
          coalesce(w.name, c.wrap_up_code) AS wrap_up_code, f.handle_ms,
          (SELECT arg_max(s.score, s.sent_date) FROM surveys s
           WHERE s.conversation_id = c.conversation_id AND s.score IS NOT NULL) AS csat,
          m.service_request, coalesce(sc.category, k.request_type) AS category, c.source_system
        FROM conversations c
        LEFT JOIN raw_conversations r ON r.conversation_id = c.conversation_id
        LEFT JOIN conversation_support_facts f ON f.conversation_id = c.conversation_id
        LEFT JOIN directory w ON w.kind = 'wrapUpCodes' AND w.id = c.wrap_up_code
        LEFT JOIN case_map m ON m.conversation_id = c.conversation_id
        LEFT JOIN cases k ON k.service_request = m.service_request
        LEFT JOIN support_conversations sc ON sc.conversation_id = c.conversation_id
        WHERE c.conversation_id IN (SELECT unnest(${ids}))`),
    conversationIds.length === 0
      ? []
      : db.all<ImportedRow>(`
        SELECT conversation_id AS id, ${conversationInScope(scope, 'conversation_id')} AS visible,
          epoch_ms(opened_at)::DOUBLE AS start, epoch_ms(resolved_at)::DOUBLE AS "end", channel, opened_by, queue_name,
          assignee_id, assignee_name, wrap_up_code, csat, service_request, category, handle_seconds, transfers,
          source_system
        FROM support_conversations
        WHERE origin = 'import' AND conversation_id IN (SELECT unnest(${ids}))
          AND conversation_id NOT IN (SELECT conversation_id FROM conversations)`),
    conversationIds.length === 0
      ? []
      : db.all<StepRow>(`
        SELECT e.conversation_id AS id, epoch_ms(e.event_time)::DOUBLE AS at, e.activity, e.agent_id,
          coalesce(u.name, e.agent_id) AS agent_name, coalesce(q.name, e.queue_id) AS queue
        FROM conversation_events e
        LEFT JOIN directory u ON u.kind = 'users' AND u.id = e.agent_id
        LEFT JOIN directory q ON q.kind = 'queues' AND q.id = e.queue_id
        WHERE e.conversation_id IN (SELECT unnest(${ids}))
          AND e.activity IN ('Conversation Routed to Queue', 'Agent Accepted Interaction')
        ORDER BY e.conversation_id, e.event_time, e.activity_order, e.seq`),
    conversationIds.length === 0
      ? []
      : db.all<MessageStats>(`
        SELECT conversation_id AS id, epoch_ms(max(sent_at) FILTER (WHERE direction = 'inbound'))::DOUBLE AS last_inbound,
          count(*) FILTER (WHERE direction = 'inbound')::INTEGER AS inbound,
          count(*) FILTER (WHERE direction = 'outbound')::INTEGER AS outbound
        FROM support_messages WHERE conversation_id IN (SELECT unnest(${ids})) GROUP BY conversation_id`),
    loadNotifications(context, members, scope),
    context.db
      ? eventsFor(context.db, { conversationIds, keys: members, webLimit: context.webLimit }, scope.divisions)
      : [],
  ]);
  const workItems = context.db ? await loadWorkItems(context.db, members, scope) : [];

  const eventsByConversation = new Map<string, JourneyEvent[]>();
  const webEvents: JourneyEvent[] = [];
  for (const e of events.sort((a, b) => a.occurredAt - b.occurredAt || (a.id < b.id ? -1 : 1))) {
    if (e.conversationId === null) {
      if (index.customerOfInteraction(e.keys) === customerId) webEvents.push(e);
      continue;
    }
    const forConversation = eventsByConversation.get(e.conversationId) ?? [];
    forConversation.push(e);
    eventsByConversation.set(e.conversationId, forConversation);
  }
  // Any customer event makes an open messaging conversation live again.
  const lastWebActivity = webEvents.reduce((max, e) => Math.max(max, e.occurredAt), Number.NEGATIVE_INFINITY);

  const genesysById = new Map(genesys.map((r) => [r.id, r]));
  const importedById = new Map(imported.map((r) => [r.id, r]));
  const stepsById = groupBy(steps, (s) => s.id);
  const messagesById = new Map(messages.map((m) => [m.id, m]));

  const out: LoadedInteraction[] = [];
  for (const id of conversationIds) {
    const g = genesysById.get(id);
    const imp = importedById.get(id);
    const own = eventsByConversation.get(id) ?? [];
    const synced = g ?? imp;
    // A synced conversation shows when its record is in the viewer's divisions; one known only from
    // journey events when one of its events is (events of other divisions were not read).
    if (synced ? !synced.visible : own.length === 0) continue;
    const live = journeyFacts(own);
    const stats = messagesById.get(id);
    const conversation = g
      ? fromGenesys(g, stepsById.get(id) ?? [], stats, live)
      : imp
        ? fromImported(imp, imp.start ?? live.start, stats, live)
        : live.start === null
          ? null
          : fromEvents(id, live.start, live, own);
    if (!conversation) continue;
    const activity = Math.max(
      Date.parse(conversation.startedAt),
      stats?.last_inbound ?? Number.NEGATIVE_INFINITY,
      live.lastCustomerActivity,
      lastWebActivity,
    );
    conversation.lastActivityAt = lastActivityAt(conversation, activity, live.lastActivity);
    conversation.status = liveStatus(conversation, context.now);
    // The keys the viewer may see: the synced data's (visible) and those of the events read (theirs).
    const keys = new Set(synced ? index.syncedKeysOfConversation(id) : []);
    for (const e of own) for (const key of e.keys) keys.add(key);
    out.push({ interaction: conversation, keys: [...keys].sort() });
  }
  for (const e of webEvents) out.push({ interaction: fromWebEvent(e, context.now), keys: e.keys });
  for (const n of notifications) {
    const key = contactIdIdentifier(n.contact_id)?.key;
    out.push({ interaction: fromNotification(n), keys: key ? [key] : [] });
  }
  for (const w of workItems)
    out.push({ interaction: fromWorkItem(w, context.now), keys: w.customer_key ? [w.customer_key] : [] });
  return out.sort(
    (a, b) =>
      Date.parse(b.interaction.startedAt) - Date.parse(a.interaction.startedAt) ||
      (a.interaction.id < b.interaction.id ? -1 : 1),
  );
}

async function loadNotifications(
  context: LoadContext,
  members: readonly string[],
  scope: DataScope,
): Promise<NotificationRow[]> {
  const contactIds = context.index.contactIdsOf(members);
  if (contactIds.length === 0) return [];
  return context.store.db.all<NotificationRow>(`
    SELECT message_id, epoch_ms(sent_at)::DOUBLE AS at, channel, message_type, contact_id, sender_type, source, status,
      failure_reason
    FROM support_messages
    WHERE coalesce(conversation_id, '') = '' AND direction = 'outbound' AND coalesce(sender_type, '') <> 'agent'
      AND contact_id IN (SELECT unnest(${list(contactIds)})) AND sent_at IS NOT NULL
      AND ${messageInScope(scope, "nullif(conversation_id, '')")}`);
}

interface WorkItemRow {
  id: string;
  title: string;
  status: string;
  customer_key: string | null;
  service_request: string | null;
  created_at: string;
  ended_at: string | null;
  updated_at: string;
  priority: number;
  due_at: string | null;
  external_reference: string | null;
  source_system: string | null;
  type_name: string | null;
  queue_name: string | null;
  assignee_id: string | null;
  assignee_name: string | null;
  steps: PathStep[];
}

/**
 * The customer's work items (back office, src/work), by the customer key the source system gave them, in
 * the scope's divisions; each with its queue and agent steps (routed, escalated, assigned) in order.
 */
async function loadWorkItems(
  db: Kysely<OperationalSchema>,
  members: readonly string[],
  scope: DataScope,
): Promise<WorkItemRow[]> {
  if (members.length === 0 || (scope.divisions !== 'all' && scope.divisions.length === 0)) return [];
  let query = db
    .selectFrom('work_items as i')
    .leftJoin('work_types as t', 't.id', 'i.type_id')
    .leftJoin('work_queues as q', 'q.id', 'i.queue_id')
    .leftJoin('work_agents as a', 'a.id', 'i.assignee_id')
    .select([
      'i.id',
      'i.title',
      'i.status',
      'i.customer_key',
      'i.service_request',
      'i.created_at',
      'i.ended_at',
      'i.updated_at',
      'i.priority',
      'i.due_at',
      'i.external_reference',
      'i.source_system',
      't.name as type_name',
      'q.name as queue_name',
      'i.assignee_id',
      'a.name as assignee_name',
    ])
    .where('i.customer_key', 'in', [...members]);
  if (scope.divisions !== 'all') query = query.where('i.division_id', 'in', [...scope.divisions]);
  const items = await query.execute();
  if (items.length === 0) return [];
  const steps = await db
    .selectFrom('work_item_events as e')
    .leftJoin('work_queues as q', 'q.id', 'e.queue_id')
    .leftJoin('work_agents as a', 'a.id', 'e.assignee_id')
    .select([
      'e.item_id',
      'e.at',
      'e.queue_id',
      'q.name as queue_name',
      'e.assignee_id',
      'a.name as agent_name',
    ])
    .where(
      'e.item_id',
      'in',
      items.map((i) => i.id),
    )
    .where('e.name', 'in', ['Work Item Routed', 'Work Item Escalated', 'Work Item Assigned'])
    .orderBy('e.item_id')
    .orderBy('e.seq')
    .execute();
  const stepsOf = groupBy(steps, (s) => s.item_id);
  return items.map((i) => ({
    ...i,
    steps: (stepsOf.get(i.id) ?? []).map((s) => ({
      at: new Date(s.at).toISOString(),
      queue: s.queue_name ?? s.queue_id,
      agent: s.assignee_id === null ? null : (s.agent_name ?? s.assignee_id),
    })),
  }));
}

/** A work item: live while open (whatever its agent is doing), ended with its completion or cancellation. */
function fromWorkItem(w: WorkItemRow, now: number): Interaction {
  const start = Date.parse(w.created_at);
  const end = w.ended_at === null ? null : Date.parse(w.ended_at);
  const i = base(`workitem:${w.id}`, 'workitem', start, end);
  i.kind = 'workItem';
  i.lastActivityAt = iso(end ?? Math.max(start, Date.parse(w.updated_at)));
  i.status = liveStatus(i, now);
  i.queue = w.queue_name;
  i.agent = w.assignee_id === null ? null : { id: w.assignee_id, name: w.assignee_name };
  i.path = w.steps;
  i.transferred = new Set(w.steps.map((s) => s.agent).filter((a) => a !== null)).size > 1;
  i.serviceRequest = w.service_request;
  i.title = w.title;
  i.details = {
    source: 'work',
    workItemId: w.id,
    workType: w.type_name,
    status: w.status,
    priority: w.priority,
    dueAt: w.due_at === null ? null : iso(Date.parse(w.due_at)),
    externalReference: w.external_reference,
    sourceSystem: w.source_system,
  };
  return i;
}

/** What the journey events of one conversation tell. */
interface JourneyFacts {
  start: number | null;
  end: number | null;
  channel: Channel | null;
  direction: 'inbound' | 'outbound' | null;
  title: string | null;
  attributes: InteractionDetails;
  steps: { at: number; queue: string | null; agent: string | null }[];
  outboundWithAgent: boolean;
  lastCustomerActivity: number;
  lastActivity: number;
}

/** Customer activity: inbound messages, and an interaction the customer started. */
function isCustomerActivity(e: JourneyEvent): boolean {
  return (
    e.type === 'message.inbound' ||
    e.type.startsWith('web.') ||
    (e.type === 'interaction.started' && e.direction !== 'outbound')
  );
}

/** The facts of a conversation's journey events (in time order). */
function journeyFacts(events: readonly JourneyEvent[]): JourneyFacts {
  const facts: JourneyFacts = {
    start: null,
    end: null,
    channel: null,
    direction: null,
    title: null,
    attributes: {},
    steps: [],
    outboundWithAgent: false,
    lastCustomerActivity: Number.NEGATIVE_INFINITY,
    lastActivity: Number.NEGATIVE_INFINITY,
  };
  for (const e of events) {
    facts.start = Math.min(facts.start ?? e.occurredAt, e.occurredAt);
    if (e.type === 'interaction.ended') facts.end = Math.max(facts.end ?? e.occurredAt, e.occurredAt);
    if (e.channel !== null) facts.channel ??= channelNamed(e.channel);
    if (e.type.startsWith('message.')) facts.channel ??= 'webMessaging';
    if (e.type === 'interaction.started' && e.direction !== null) facts.direction ??= e.direction;
    if (e.type === 'message.inbound') facts.direction ??= 'inbound';
    if (e.type === 'message.outbound') {
      facts.direction ??= 'outbound';
      if (e.agent !== null) facts.outboundWithAgent = true;
    }
    if (e.title !== null) facts.title = e.title;
    Object.assign(facts.attributes, e.attributes);
    const last = facts.steps.at(-1);
    if ((e.queue !== null || e.agent !== null) && (last?.queue !== e.queue || last?.agent !== e.agent))
      facts.steps.push({ at: e.occurredAt, queue: e.queue, agent: e.agent });
    if (isCustomerActivity(e))
      facts.lastCustomerActivity = Math.max(facts.lastCustomerActivity, e.occurredAt);
    facts.lastActivity = Math.max(facts.lastActivity, e.occurredAt);
  }
  return facts;
}

/**
 * lastActivityAt: for an open messaging interaction the customer's last activity (what the live status
 * reads); for an ended one its end; else the latest thing known of it.
 */
function lastActivityAt(i: Interaction, customerActivity: number, anyActivity: number): string {
  if (i.endedAt !== null) return i.endedAt;
  if (ACTIVITY_CHANNELS.has(i.channel)) return iso(customerActivity);
  return iso(Math.max(Date.parse(i.startedAt), anyActivity));
}

const direction = (value: string | null): 'inbound' | 'outbound' | null =>
  value === 'inbound' || value === 'outbound' ? value : null;

const isAgentless = (channel: Channel, dir: string | null, hasAgent: boolean): boolean =>
  dir === 'outbound' && !hasAgent && channel !== 'voice' && channel !== 'callback';

/** The interaction's fields every source fills the same way until its own facts are known. */
function base(id: string, channel: Channel, startedAt: number, endedAt: number | null): Interaction {
  return {
    id,
    kind: 'conversation',
    channel,
    direction: null,
    agentless: false,
    startedAt: iso(startedAt),
    endedAt: endedAt === null ? null : iso(endedAt),
    lastActivityAt: iso(startedAt),
    status: { state: 'ended', changesAt: null },
    queue: null,
    agent: null,
    transferred: false,
    path: [],
    wrapUpCode: null,
    durationSeconds: endedAt === null ? null : Math.max(0, (endedAt - startedAt) / 1000),
    csat: null,
    serviceRequest: null,
    title: null,
    details: {},
    masked: { queue: false, wrapUpCode: false },
  };
}

/** The end: the record's; else, when the journey events say the interaction ended, theirs. */
const endOf = (recorded: number | null, live: JourneyFacts): number | null => recorded ?? live.end;

function fromGenesys(
  g: GenesysRow,
  steps: readonly StepRow[],
  stats: MessageStats | undefined,
  live: JourneyFacts,
): Interaction {
  const start = g.start;
  const end = endOf(g.end, live);
  const channel = g.media_type ? channelOf(g.media_type, g.message_type) : (live.channel ?? 'other');
  const i = base(g.id, channel, start, end);
  const path: PathStep[] = steps.map((s) => ({
    at: iso(s.at),
    queue: s.queue,
    agent: s.activity === 'Agent Accepted Interaction' ? (s.agent_name ?? s.agent_id) : null,
  }));
  const lastAgent = steps.filter((s) => s.activity === 'Agent Accepted Interaction' && s.agent_id).at(-1);
  i.direction = direction(g.direction) ?? live.direction;
  i.agentless = isAgentless(channel, i.direction, g.has_agent);
  i.path = path;
  i.queue = path.filter((s) => s.queue !== null).at(-1)?.queue ?? null;
  i.agent = lastAgent?.agent_id ? { id: lastAgent.agent_id, name: lastAgent.agent_name } : null;
  i.transferred = Boolean(g.transferred);
  i.wrapUpCode = g.wrap_up_code;
  i.csat = g.csat;
  i.serviceRequest = g.service_request;
  i.title = g.category ?? live.title;
  i.details = {
    source: 'genesys',
    sourceSystem: g.source_system,
    mediaType: g.media_type,
    messageType: g.message_type,
    handleSeconds: g.handle_ms === null ? null : g.handle_ms / 1000,
    inboundMessages: stats?.inbound ?? 0,
    outboundMessages: stats?.outbound ?? 0,
  };
  return i;
}

function fromImported(
  r: ImportedRow,
  start: number | null,
  stats: MessageStats | undefined,
  live: JourneyFacts,
): Interaction | null {
  if (start === null) return null;
  const end = endOf(r.end, live);
  const channel = r.channel ? channelNamed(r.channel) : (live.channel ?? 'other');
  const i = base(r.id, channel, start, end);
  const agentId = r.assignee_id ?? r.assignee_name;
  i.direction = r.opened_by === 'contact' ? 'inbound' : r.opened_by === 'agent' ? 'outbound' : live.direction;
  i.agentless = isAgentless(channel, i.direction, agentId !== null);
  i.queue = r.queue_name;
  i.agent = agentId ? { id: agentId, name: r.assignee_name } : null;
  i.path =
    r.queue_name || agentId
      ? [{ at: iso(start), queue: r.queue_name, agent: r.assignee_name ?? agentId }]
      : [];
  i.transferred = (r.transfers ?? 0) > 0;
  i.wrapUpCode = r.wrap_up_code;
  i.csat = r.csat;
  i.serviceRequest = r.service_request;
  i.title = r.category ?? live.title;
  i.details = {
    source: 'import',
    sourceSystem: r.source_system,
    handleSeconds: r.handle_seconds,
    inboundMessages: stats?.inbound ?? 0,
    outboundMessages: stats?.outbound ?? 0,
  };
  return i;
}

/** A conversation known only from journey events (live, not synced yet). */
function fromEvents(
  id: string,
  start: number,
  live: JourneyFacts,
  events: readonly JourneyEvent[],
): Interaction {
  const channel = live.channel ?? 'other';
  const i = base(id, channel, start, live.end);
  const lastAgent = live.steps.filter((s) => s.agent !== null).at(-1)?.agent ?? null;
  i.direction = live.direction;
  i.agentless = isAgentless(channel, live.direction, live.outboundWithAgent || lastAgent !== null);
  i.path = live.steps.map((s) => ({ at: iso(s.at), queue: s.queue, agent: s.agent }));
  i.queue = live.steps.filter((s) => s.queue !== null).at(-1)?.queue ?? null;
  i.agent = lastAgent === null ? null : { id: lastAgent, name: null };
  const distinct = (values: (string | null)[]) => new Set(values.filter((v) => v !== null)).size;
  // Another queue or another agent took the conversation over.
  i.transferred =
    distinct(live.steps.map((s) => s.queue)) > 1 || distinct(live.steps.map((s) => s.agent)) > 1;
  i.title = live.title;
  i.details = { source: 'journey', events: events.length, ...live.attributes };
  return i;
}

const WEB_CHANNELS: Record<string, Channel> = {
  'web.visit': 'webVisit',
  'web.pageView': 'pageView',
  'web.contentOffer': 'contentOffer',
};

/** A web event: an instant, ended when it happened. */
function fromWebEvent(e: JourneyEvent, now: number): Interaction {
  const i = base(`event:${e.id}`, WEB_CHANNELS[e.type] ?? 'other', e.occurredAt, e.occurredAt);
  i.kind = 'webEvent';
  i.durationSeconds = null;
  i.lastActivityAt = iso(e.occurredAt);
  i.title = e.title ?? e.url;
  i.details = { url: e.url, ...e.attributes };
  i.status = liveStatus(i, now);
  return i;
}

/** An outbound message of no conversation sent by no agent: an agentless notification. */
function fromNotification(n: NotificationRow): Interaction {
  const at = n.at;
  const byType = channelNamed(n.message_type);
  const channel = byType !== 'other' ? byType : channelNamed(n.channel);
  const i = base(`message:${n.message_id}`, channel, at, at);
  i.direction = 'outbound';
  i.agentless = true;
  i.durationSeconds = null;
  i.lastActivityAt = iso(at);
  i.details = {
    source: n.source ?? n.sender_type,
    status: n.status,
    failureReason: n.failure_reason,
    messageType: n.message_type,
  };
  return i;
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const group = out.get(k);
    if (group) group.push(row);
    else out.set(k, [row]);
  }
  return out;
}

/** An interaction as a viewer sees it: queues, wrap-up codes, paths and details withheld as they may not see them. */
export function present(i: Interaction, view: JourneyView): Interaction {
  return {
    ...i,
    queue: view.maskQueues ? null : i.queue,
    wrapUpCode: view.maskWrapUpCodes ? null : i.wrapUpCode,
    path: !view.eventDetails
      ? null
      : view.maskQueues
        ? (i.path ?? []).map((s) => ({ ...s, queue: null }))
        : i.path,
    details: view.eventDetails ? i.details : null,
    masked: { queue: view.maskQueues, wrapUpCode: view.maskWrapUpCodes },
  };
}
