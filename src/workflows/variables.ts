import type { CaseflowConfig } from '../config/index.ts';
import { teamSql } from '../reports/definitions.ts';
import { iso, type Store } from '../store/index.ts';

/**
 * Trigger variables of "conversation closed": the closed conversation's fields as the support data defines
 * them (README "Support data": support_conversation_facts, so first response and counts follow the
 * definitions, contact type is computed, the team is the configuration's first), camelCase. Conditions
 * read the conversation variables; templates read those and the run variables.
 */

export type VariableValue = string | number | null;
export type Variables = Readonly<Record<string, VariableValue>>;

export interface VariableSpec {
  name: string;
  type: 'string' | 'number' | 'timestamp';
  description: string;
  /** A plausible value: save-time validation renders templates with these. */
  sample: VariableValue;
}

export const CONVERSATION_VARIABLES: readonly VariableSpec[] = [
  { name: 'conversationId', type: 'string', description: 'conversation id', sample: 'c-0001' },
  { name: 'serviceRequest', type: 'string', description: 'its service request (case)', sample: 'SR-1' },
  { name: 'sourceSystem', type: 'string', description: 'where the row came from', sample: 'GenesysCloudCX' },
  { name: 'origin', type: 'string', description: '`genesys` or `import`', sample: 'genesys' },
  { name: 'channel', type: 'string', description: 'channel (media type)', sample: 'chat' },
  { name: 'openedBy', type: 'string', description: '`contact` or `agent`', sample: 'contact' },
  {
    name: 'openedAt',
    type: 'timestamp',
    description: 'opened (ISO-8601 UTC)',
    sample: '2024-05-01T08:00:00.000Z',
  },
  {
    name: 'resolvedAt',
    type: 'timestamp',
    description: 'closed (ISO-8601 UTC)',
    sample: '2024-05-01T09:00:00.000Z',
  },
  { name: 'contactId', type: 'string', description: 'contact (customer key)', sample: 'contact-1' },
  { name: 'contactType', type: 'string', description: '`new` or `returning`', sample: 'new' },
  { name: 'assignee', type: 'string', description: 'assignee id (last agent)', sample: 'agent-1' },
  { name: 'assigneeName', type: 'string', description: 'assignee name', sample: 'Ada Agent' },
  { name: 'resolver', type: 'string', description: 'resolver id', sample: 'agent-1' },
  { name: 'resolverName', type: 'string', description: 'resolver name', sample: 'Ada Agent' },
  {
    name: 'team',
    type: 'string',
    description: "assignee's team (support.teams first, else the source's)",
    sample: 'Tier 1',
  },
  { name: 'queue', type: 'string', description: 'last queue', sample: 'Support' },
  { name: 'wrapUpCode', type: 'string', description: 'last wrap-up code', sample: 'Resolved' },
  { name: 'category', type: 'string', description: 'category (request type)', sample: 'Billing' },
  { name: 'summary', type: 'string', description: 'closing note', sample: 'Refund issued' },
  { name: 'inboundCount', type: 'number', description: 'inbound messages', sample: 3 },
  { name: 'outboundCount', type: 'number', description: 'outbound messages', sample: 2 },
  { name: 'messageCount', type: 'number', description: 'messages stored for it', sample: 5 },
  {
    name: 'firstResponseAt',
    type: 'timestamp',
    description: 'first response (ISO-8601 UTC)',
    sample: '2024-05-01T08:05:00.000Z',
  },
  { name: 'firstResponseSeconds', type: 'number', description: 'first response time, s', sample: 300 },
  { name: 'resolutionSeconds', type: 'number', description: 'resolution time, s', sample: 3600 },
  { name: 'handleSeconds', type: 'number', description: 'handle time, s', sample: 420 },
  { name: 'transfers', type: 'number', description: 'transfers', sample: 0 },
  { name: 'csat', type: 'number', description: 'latest survey score', sample: 5 },
  {
    name: 'lastDataUpdate',
    type: 'timestamp',
    description: 'when the row last changed (ISO-8601 UTC)',
    sample: '2024-05-01T09:01:00.000Z',
  },
];

/** Variables of the run rather than of the conversation: templates only. */
export const RUN_VARIABLES: readonly VariableSpec[] = [
  {
    name: 'eventId',
    type: 'string',
    description:
      'the run key `workflowId:conversationId:version`: identical on every retry (drop duplicates with it)',
    sample: '1:c-0001:3f2a',
  },
  { name: 'workflowId', type: 'number', description: 'workflow id', sample: 1 },
  { name: 'workflowName', type: 'string', description: 'workflow name', sample: 'To the warehouse' },
];

export const CONDITION_FIELDS: ReadonlySet<string> = new Set(CONVERSATION_VARIABLES.map((v) => v.name));
export const TEMPLATE_VARIABLES: ReadonlySet<string> = new Set(
  [...CONVERSATION_VARIABLES, ...RUN_VARIABLES].map((v) => v.name),
);

export const SAMPLE_VARIABLES: Variables = Object.fromEntries(
  [...CONVERSATION_VARIABLES, ...RUN_VARIABLES].map((v) => [v.name, v.sample]),
);

/** A closed conversation as the trigger sees it: its variables and its version. */
export interface ClosedConversation {
  variables: Variables;
  /** The row's record hash (imported rows), else the Genesys record's: a change makes a new version. */
  version: string;
}

/**
 * SQL: the closed conversations (resolved_at set) with their variables and version, `where` an extra
 * condition on `f` (support_conversation_facts) or `r` (raw_conversations). Columns named as the variables.
 */
export function closedConversationsSql(config: CaseflowConfig, where: string, tail = ''): string {
  const team = teamSql(config.support.teams, 'f.assignee_id', 'f.assignee_name', 'f.team');
  return `
    SELECT f.conversation_id AS "conversationId", f.service_request AS "serviceRequest",
      f.source_system AS "sourceSystem", f.origin, f.channel, f.opened_by AS "openedBy",
      ${iso('f.opened_at')} AS "openedAt", ${iso('f.resolved_at')} AS "resolvedAt",
      f.contact_id AS "contactId", f.contact_type AS "contactType",
      f.assignee_id AS assignee, f.assignee_name AS "assigneeName",
      f.resolver_id AS resolver, f.resolver_name AS "resolverName", ${team} AS team,
      f.queue_name AS queue, f.wrap_up_code AS "wrapUpCode", f.category, f.summary,
      f.inbound_count::INTEGER AS "inboundCount", f.outbound_count::INTEGER AS "outboundCount",
      f.message_count::INTEGER AS "messageCount", ${iso('f.first_response_at')} AS "firstResponseAt",
      f.first_response_seconds::DOUBLE AS "firstResponseSeconds",
      f.resolution_seconds::DOUBLE AS "resolutionSeconds", f.handle_seconds::DOUBLE AS "handleSeconds",
      f.transfers::INTEGER AS transfers, f.csat::DOUBLE AS csat,
      ${iso('f.last_data_update')} AS "lastDataUpdate",
      ${VERSION_SQL} AS __version
    FROM support_conversation_facts f
    LEFT JOIN raw_conversations r ON r.conversation_id = f.conversation_id AND f.origin = 'genesys'
    WHERE f.resolved_at IS NOT NULL AND (${where})
    ${tail}`;
}

/**
 * SQL (over `f` = a support conversation row, `r` = its raw Genesys record): the version of a row.
 * Imported rows carry the hash of their cells; Genesys rows, the hash of their raw record (a row with
 * neither, its last_data_update).
 */
export const VERSION_SQL = `coalesce(f.record_hash, r.record_hash, 'at-' || strftime(f.last_data_update, '%Y%m%d%H%M%S%f'))`;

/** Reads closed conversations: `where` on `f`/`r`, parameters by name ($name). */
export async function readClosedConversations(
  store: Store,
  config: CaseflowConfig,
  where: string,
  params: Record<string, string> = {},
  tail = '',
): Promise<ClosedConversation[]> {
  const rows = await store.db.all<Record<string, VariableValue> & { __version: string }>(
    closedConversationsSql(config, where, tail),
    params,
  );
  return rows.map(({ __version, ...variables }) => ({ variables, version: __version }));
}

/** The variables of a run: the conversation's, with the run's. */
export function runVariables(
  conversation: Variables,
  run: { eventId: string; workflowId: number; workflowName: string },
): Variables {
  return {
    ...conversation,
    eventId: run.eventId,
    workflowId: run.workflowId,
    workflowName: run.workflowName,
  };
}
