import type { DataScope } from '../access/index.ts';
import type { DivisionsConfig } from '../config/index.ts';
import { sqlString } from '../reports/definitions.ts';
import { workCaseDivisionsSql } from '../work/eventlog-sql.ts';
import type { AnalyticsDb } from './duckdb.ts';

/**
 * Divisions of the analytics data (README "Access control"). Every conversation belongs to one or more
 * divisions (conversation_divisions), every case to those of its conversations (case_divisions), every
 * imported dataset to one (computed from the configuration at query time). A viewer sees the rows of the
 * divisions of their DataScope; wrap-up codes and queue names are masked (NULL) by its flags.
 */

const divisionList = (divisions: readonly string[]): string => divisions.map(sqlString).join(', ');

/**
 * SQL condition: the conversation whose id is `conversationIdSql` is in one of the scope's divisions
 * (a conversation belongs to every division of its Genesys divisionIds: seen by holders of any of them).
 * 'TRUE' for a scope of every division, 'FALSE' for none.
 */
export function conversationInScope(scope: DataScope, conversationIdSql: string): string {
  if (scope.divisions === 'all') return 'TRUE';
  if (scope.divisions.length === 0) return 'FALSE';
  return `${conversationIdSql} IN (SELECT conversation_id FROM conversation_divisions WHERE division_id IN (${divisionList(scope.divisions)}))`;
}

/** SQL condition: the case `serviceRequestSql` has a conversation in one of the scope's divisions. */
export function caseInScope(scope: DataScope, serviceRequestSql: string): string {
  if (scope.divisions === 'all') return 'TRUE';
  if (scope.divisions.length === 0) return 'FALSE';
  return `${serviceRequestSql} IN (SELECT service_request FROM case_divisions WHERE division_id IN (${divisionList(scope.divisions)}))`;
}

/**
 * The conversation_divisions row of the messages that belong to no conversation (neither their own
 * conversation_id nor one support_message_facts links them to): conversation_id '' → the default division.
 */
export const NO_CONVERSATION = '';

/**
 * SQL condition on a message: its conversation (`conversationIdSql`: the linked conversation of
 * support_message_facts) is in the scope; a message of no conversation is in the default division.
 */
export function messageInScope(scope: DataScope, conversationIdSql: string): string {
  return conversationInScope(scope, `coalesce(${conversationIdSql}, ${sqlString(NO_CONVERSATION)})`);
}

/** The division of an imported dataset (generic event log): divisions.byDataset, else the default. */
export function datasetDivision(divisions: DivisionsConfig, dataset: string): string {
  return divisions.byDataset[dataset] ?? divisions.default;
}

/**
 * Whether a viewer sees a dataset: `default` (the Genesys log, filtered case by case) always; an imported
 * dataset when its division is one of the scope's.
 */
export function datasetInScope(scope: DataScope, divisions: DivisionsConfig, dataset: string): boolean {
  if (dataset === 'default' || scope.divisions === 'all') return true;
  return scope.divisions.includes(datasetDivision(divisions, dataset));
}

/** Which of these conversations the scope sees (all of them for a scope of every division). */
export async function conversationsInScope(
  db: AnalyticsDb,
  scope: DataScope,
  ids: readonly string[],
): Promise<Set<string>> {
  if (scope.divisions === 'all' || ids.length === 0) return new Set(ids);
  const rows = await db.all<{ id: string }>(
    `SELECT DISTINCT id FROM unnest([${ids.map(sqlString).join(', ')}]) t(id) WHERE ${conversationInScope(scope, 'id')}`,
  );
  return new Set(rows.map((r) => r.id));
}

/** SQL of a queue-name column as the scope shows it (NULL without routing:queue:search). */
export const queueSql = (scope: DataScope, column: string): string =>
  scope.maskQueues ? 'NULL::VARCHAR' : column;

/** SQL of a wrap-up-code column as the scope shows it (NULL without routing:wrapupCode:view). */
export const wrapUpCodeSql = (scope: DataScope, column: string): string =>
  scope.maskWrapUpCodes ? 'NULL::VARCHAR' : column;

// ---------------------------------------------------------------------------------------------
// Derivation
// ---------------------------------------------------------------------------------------------

/** The part of the divisions configuration stored data is derived with (datasets and names are read live). */
export type DivisionRules = Pick<DivisionsConfig, 'default' | 'bySourceSystem' | 'byQueue'>;

export const divisionRules = (divisions: DivisionsConfig): DivisionRules => ({
  default: divisions.default,
  bySourceSystem: divisions.bySourceSystem,
  byQueue: divisions.byQueue,
});

/** SQL relation (key, division_id) of a mapping of the configuration. */
function mappingSql(mapping: Record<string, string>): string {
  const rows = Object.entries(mapping).map(([key, id]) => `(${sqlString(key)}, ${sqlString(id)})`);
  return rows.length
    ? `(SELECT * FROM (VALUES ${rows.join(', ')}) AS v(key, division_id))`
    : '(SELECT NULL::VARCHAR AS key, NULL::VARCHAR AS division_id WHERE false)';
}

/**
 * Fills record_divisions (the divisionIds of each stored Genesys record, NULL for a record without) for
 * the raw records it does not hold yet (inside the caller's transaction): records stored by an earlier
 * version; new records get theirs as they are saved. Drops the rows of records no longer stored.
 */
export async function fillRecordDivisions(db: AnalyticsDb, onlyBatch = false): Promise<void> {
  const which = onlyBatch
    ? 'conversation_id IN (SELECT conversation_id FROM batch_ids)'
    : 'conversation_id NOT IN (SELECT conversation_id FROM record_divisions)';
  if (onlyBatch)
    await db.run(
      'DELETE FROM record_divisions WHERE conversation_id IN (SELECT conversation_id FROM batch_ids)',
    );
  else
    await db.run(
      'DELETE FROM record_divisions WHERE conversation_id NOT IN (SELECT conversation_id FROM raw_conversations)',
    );
  await db.run(`
    INSERT INTO record_divisions
    SELECT conversation_id, unnest(CASE WHEN len(ids) > 0 THEN ids ELSE [NULL::VARCHAR] END)
    FROM (SELECT conversation_id, json_extract_string(record, '$.divisionIds[*]') AS ids
          FROM raw_conversations WHERE ${which})
    ORDER BY conversation_id`);
}

/**
 * Rebuilds conversation_divisions and case_divisions (inside the caller's transaction, after case_map):
 * - a Genesys conversation whose record has divisionIds: those divisions;
 * - any other conversation — Genesys without divisionIds, imported support conversations, the conversations
 *   messages name that have no conversation row —: bySourceSystem[its source system], else byQueue of its
 *   queues (every queue it was routed to, by name or id; an imported conversation's queue_name), every
 *   matching one, else the default division;
 * - the messages of no conversation: the default division (row NO_CONVERSATION);
 * - a case: every division of its conversations.
 */
export async function buildDivisions(db: AnalyticsDb, rules: DivisionRules): Promise<void> {
  await db.run(`
    DELETE FROM conversation_divisions;
    INSERT INTO conversation_divisions
    WITH by_source AS ${mappingSql(rules.bySourceSystem)},
    by_queue AS ${mappingSql(rules.byQueue)},
    subject AS (
      SELECT conversation_id, arg_min(source_system, rank) AS source_system FROM (
        SELECT conversation_id, source_system, 0 AS rank FROM conversations
        UNION ALL SELECT conversation_id, source_system, 1 FROM support_conversations
        UNION ALL SELECT conversation_id, source_system, 2 FROM support_messages
          WHERE conversation_id IS NOT NULL AND conversation_id <> ${sqlString(NO_CONVERSATION)})
      GROUP BY conversation_id),
    queues AS (
      SELECT DISTINCT e.conversation_id, e.queue_id AS id, coalesce(q.name, e.queue_id) AS name
      FROM conversation_events e LEFT JOIN directory q ON q.kind = 'queues' AND q.id = e.queue_id
      WHERE e.queue_id IS NOT NULL
      UNION SELECT conversation_id, queue_name, queue_name FROM support_conversations WHERE queue_name IS NOT NULL),
    from_record AS (SELECT DISTINCT conversation_id, division_id FROM record_divisions WHERE division_id IS NOT NULL),
    from_source AS (
      SELECT s.conversation_id, m.division_id FROM subject s JOIN by_source m ON m.key = s.source_system
      WHERE s.conversation_id NOT IN (SELECT conversation_id FROM from_record)),
    from_queue AS (
      SELECT DISTINCT q.conversation_id, m.division_id FROM queues q JOIN by_queue m ON m.key IN (q.name, q.id)
      WHERE q.conversation_id IN (SELECT conversation_id FROM subject)
        AND q.conversation_id NOT IN (SELECT conversation_id FROM from_record)
        AND q.conversation_id NOT IN (SELECT conversation_id FROM from_source)),
    assigned AS (SELECT * FROM from_record UNION ALL SELECT * FROM from_source UNION ALL SELECT * FROM from_queue)
    SELECT * FROM assigned
    UNION ALL
    SELECT conversation_id, ${sqlString(rules.default)} FROM subject
    WHERE conversation_id NOT IN (SELECT conversation_id FROM assigned)
    UNION ALL
    SELECT ${sqlString(NO_CONVERSATION)}, ${sqlString(rules.default)}
    ORDER BY conversation_id, division_id;
    DELETE FROM case_divisions;
    INSERT INTO case_divisions
    SELECT DISTINCT m.service_request, d.division_id
    FROM case_map m JOIN conversation_divisions d USING (conversation_id)
    ORDER BY m.service_request, d.division_id;`);
  // A case also belongs to the divisions of its work items (and a work item's own case to its division).
  await db.run(workCaseDivisionsSql());
}

// ---------------------------------------------------------------------------------------------
// The divisions an administrator can give users
// ---------------------------------------------------------------------------------------------

export interface DivisionItem {
  id: string;
  /** The Genesys directory's name, else divisions.names of the configuration, else the id. */
  name: string;
  /** Conversations in the division. */
  conversations: number;
}

/**
 * Every known division: those of the Genesys directory (kind 'divisions'), those the configuration names
 * or maps to, and those the stored conversations belong to; by name, then id.
 */
export async function listDivisions(db: AnalyticsDb, divisions: DivisionsConfig): Promise<DivisionItem[]> {
  const seen = await db.all<{ id: string; name: string | null; conversations: number }>(
    `WITH counts AS (
       SELECT division_id AS id, count(DISTINCT conversation_id)::INTEGER AS n FROM conversation_divisions
       WHERE conversation_id <> ${sqlString(NO_CONVERSATION)} GROUP BY division_id),
     named AS (SELECT id, min(name) AS name FROM directory WHERE kind = 'divisions' GROUP BY id)
     SELECT coalesce(c.id, d.id) AS id, d.name, coalesce(c.n, 0) AS conversations
     FROM counts c FULL JOIN named d ON d.id = c.id`,
  );
  const items = new Map<string, DivisionItem>();
  for (const r of seen) {
    items.set(r.id, {
      id: r.id,
      name: r.name ?? divisions.names[r.id] ?? r.id,
      conversations: r.conversations,
    });
  }
  const configured = [
    divisions.default,
    ...Object.keys(divisions.names),
    ...Object.values(divisions.bySourceSystem),
    ...Object.values(divisions.byQueue),
    ...Object.values(divisions.byDataset),
  ];
  for (const id of configured) {
    if (!items.has(id)) items.set(id, { id, name: divisions.names[id] ?? id, conversations: 0 });
  }
  return [...items.values()].sort((a, b) => a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1));
}
