import type { DataScope } from '../access/index.ts';
import { sqlString } from '../reports/definitions.ts';

/**
 * SQL condition: the conversation whose id is `conversationIdSql` is in one of the scope's divisions
 * (a conversation belongs to every division of its Genesys divisionIds: seen by holders of any of them).
 * 'TRUE' for a scope of every division, 'FALSE' for none.
 */
export function conversationInScope(scope: DataScope, conversationIdSql: string): string {
  if (scope.divisions === 'all') return 'TRUE';
  if (scope.divisions.length === 0) return 'FALSE';
  return `${conversationIdSql} IN (SELECT conversation_id FROM conversation_divisions WHERE division_id IN (${scope.divisions.map(sqlString).join(', ')}))`;
}

/** SQL condition: the case `serviceRequestSql` has a conversation in one of the scope's divisions. */
export function caseInScope(scope: DataScope, serviceRequestSql: string): string {
  if (scope.divisions === 'all') return 'TRUE';
  if (scope.divisions.length === 0) return 'FALSE';
  return `${serviceRequestSql} IN (SELECT service_request FROM case_divisions WHERE division_id IN (${scope.divisions.map(sqlString).join(', ')}))`;
}
