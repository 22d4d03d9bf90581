import { createHash } from 'node:crypto';
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

/**
 * The variables a conversation's version covers: every conversation variable but `lastDataUpdate` (when
 * the row was last written — a rewrite that changes nothing a workflow sees is not a new version).
 */
export const VERSION_VARIABLES: readonly string[] = CONVERSATION_VARIABLES.map((v) => v.name).filter(
  (name) => name !== 'lastDataUpdate',
);

/**
 * The version of a closed conversation: a hash of its trigger variables (VERSION_VARIABLES, the values the
 * runs carry), so that the same closed state is one version whatever row, record or table it was read
 * from, and any change a workflow can see — a variable's value — is a new version.
 */
export function versionOf(variables: Variables): string {
  const values = VERSION_VARIABLES.map((name) => variables[name] ?? null);
  return createHash('sha1').update(JSON.stringify(values)).digest('hex');
}

/** A closed conversation as the trigger sees it: its variables and its version. */
export interface ClosedConversation {
  variables: Variables;
  /** versionOf(variables). */
  version: string;
}

/**
 * SQL: the closed conversations (resolved_at set) with their variables, `where` an extra condition on `f`
 * (support_conversation_facts). Columns named as the variables.
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
      ${iso('f.last_data_update')} AS "lastDataUpdate"
    FROM support_conversation_facts f
    WHERE f.resolved_at IS NOT NULL AND (${where})
    ${tail}`;
}

/** Reads closed conversations: `where` on `f`, parameters by name ($name). */
export async function readClosedConversations(
  store: Store,
  config: CaseflowConfig,
  where: string,
  params: Record<string, string> = {},
  tail = '',
): Promise<ClosedConversation[]> {
  const rows = await store.db.all<Record<string, VariableValue>>(
    closedConversationsSql(config, where, tail),
    params,
  );
  return rows.map((variables) => ({ variables, version: versionOf(variables) }));
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
