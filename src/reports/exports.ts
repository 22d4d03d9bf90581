import { open, rename, rm } from 'node:fs/promises';
import type { Json } from '@duckdb/node-api';
import type { DataScope } from '../access/index.ts';
import { ATTRIBUTES, type Lang } from '../eventlog/index.ts';
import { activitySql, EVENT_LOG_ORDER } from '../export/index.ts';
import {
  caseInScope,
  conversationInScope,
  iso,
  messageInScope,
  queueSql,
  type Store,
  wrapUpCodeSql,
} from '../store/index.ts';
import type { ExportKind } from '../store/operational/schema.ts';
import { csvLine } from './csv.ts';

/**
 * Data exports (domain guide §4, README "Data exports"): what each kind of export holds, and writing one to
 * a CSV file. The background runner (export-runner.ts) and `caseflow export conversations|messages|
 * failed-messages` both call writeExport.
 *
 * - conversations: resolved conversations whose resolved_at is in the range, oldest resolution first;
 *   the support definitions apply (support_conversation_facts: counts and first response from the
 *   messages when the conversation has any). Assignee and resolver: the name, else the id.
 * - messages: every message whose sent_at is in the range (whatever its status), oldest first.
 * - failed-messages: the messages of status failed, the same columns and the failure reason.
 * - eventlog: the 20 event-log attributes of the events whose EventTime is in the range, in the order of
 *   the event log (ServiceRequest, EventTime); `lang=fr` gives French activity names. The headers are the
 *   attribute names in both languages (they are identifiers, like in `caseflow export eventlog`).
 *
 * Each export holds what its requester may see (`scope`): the conversations of their divisions, the
 * messages of those conversations (a message of no conversation: the default division), the events of the
 * cases of their divisions; QueueName and WrapUpCode empty where the scope masks them.
 *
 * Ranges are [from, to) in UTC. Times are ISO-8601 UTC with milliseconds, durations in seconds, booleans
 * true/false, unknown values empty. Every cell goes through csvCell: text starting with = + - @ (or a tab
 * or carriage return) is neutralized for spreadsheets.
 */

export const EXPORT_KINDS = ['conversations', 'messages', 'failed-messages', 'eventlog'] as const;
// The API's list and the database's type must not drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const kindsMatch: Same<(typeof EXPORT_KINDS)[number], ExportKind> = true;
void kindsMatch;

export interface ExportRequest {
  kind: ExportKind;
  /** Inclusive, epoch ms (UTC). */
  from: number;
  /** Exclusive, epoch ms (UTC). */
  to: number;
  lang: Lang;
  /** What the file may hold: the requester's (the CLI: FULL_SCOPE). */
  scope: DataScope;
}

export interface ExportResult {
  rows: number;
  bytes: number;
}

export interface WriteExportOptions {
  /** Called after every chunk of rows (and once at the end): rows written, rows in the export. */
  onProgress?: (rows: number, total: number) => void | Promise<void>;
  /** Aborting stops the export between chunks: the temporary file is removed, the error is the reason. */
  signal?: AbortSignal;
}

// ---------------------------------------------------------------------------------------------
// Columns
// ---------------------------------------------------------------------------------------------

/**
 * English headers are the import's default column names (`caseflow import conversations|messages` reads
 * an export back as it is); French headers follow the seed's wording.
 */
const CONVERSATION_HEADERS: Record<Lang, readonly string[]> = {
  en: [
    'Conversation ID',
    'Opened At',
    'Resolved At',
    'Contact ID',
    'Assignee',
    'Outbound Count',
    'Inbound Count',
    'First Response At',
    'Resolver',
    'First Response Time',
    'Resolution Time',
    'Category',
    'Summary',
  ],
  fr: [
    'ID de conversation',
    'Ouverte le',
    'Résolue le',
    'ID de contact',
    'Cessionnaire',
    'Messages sortants',
    'Messages entrants',
    'Première réponse le',
    'Résolveur',
    'Temps de première réponse',
    'Temps de résolution',
    'Catégorie',
    'Résumé',
  ],
};

const MESSAGE_HEADERS: Record<Lang, readonly string[]> = {
  en: [
    'Date Time',
    'Sender ID',
    'Sender Type',
    'Contact ID',
    'Message ID',
    'Contact Type',
    'Message Type',
    'Content',
  ],
  fr: [
    'Date et heure',
    "ID de l'expéditeur",
    "Type d'expéditeur",
    'ID de contact',
    'ID du message',
    'Type de contact',
    'Type de message',
    'Contenu',
  ],
};

const FAILURE_REASON: Record<Lang, string> = { en: 'Failure Reason', fr: "Raison de l'échec" };

/** The header row of an export. */
export function exportHeaders(kind: ExportKind, lang: Lang): readonly string[] {
  switch (kind) {
    case 'conversations':
      return CONVERSATION_HEADERS[lang];
    case 'messages':
      return MESSAGE_HEADERS[lang];
    case 'failed-messages':
      return [...MESSAGE_HEADERS[lang], FAILURE_REASON[lang]];
    case 'eventlog':
      return ATTRIBUTES;
  }
}

// ---------------------------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------------------------

const seconds = (expr: string): string => `CAST(${expr} AS DOUBLE)`;

const RANGE = (column: string): string =>
  `${column} >= CAST($range_from AS TIMESTAMP) AND ${column} < CAST($range_to AS TIMESTAMP)`;

const MESSAGE_COLUMNS = `${iso('sent_at')}, sender_id, sender_type, contact_id, message_id, contact_type,
  message_type, content`;

/** `AND <condition>` unless the condition is TRUE (a scope of every division keeps the plain query). */
const and = (condition: string): string => (condition === 'TRUE' ? '' : ` AND ${condition}`);

/** The rows of an export (columns in header order) and how many there are. */
function exportQuery(kind: ExportKind, lang: Lang, scope: DataScope): { rows: string; count: string } {
  const conversations = and(conversationInScope(scope, 'conversation_id'));
  // Messages are counted on the view (their linked conversation) only when the scope needs it.
  const messages = and(messageInScope(scope, 'conversation_id'));
  const messageCount = messages ? 'support_message_facts' : 'support_messages';
  switch (kind) {
    case 'conversations':
      return {
        rows: `
          SELECT conversation_id, ${iso('opened_at')}, ${iso('resolved_at')}, contact_id,
            coalesce(assignee_name, assignee_id), outbound_count, inbound_count, ${iso('first_response_at')},
            coalesce(resolver_name, resolver_id), ${seconds('first_response_seconds')},
            ${seconds('resolution_seconds')}, category, summary
          FROM support_conversation_facts
          WHERE resolved_at IS NOT NULL AND ${RANGE('resolved_at')}${conversations}
          ORDER BY resolved_at, conversation_id`,
        count: `SELECT count(*)::INTEGER FROM support_conversations
          WHERE resolved_at IS NOT NULL AND ${RANGE('resolved_at')}${conversations}`,
      };
    case 'messages':
      return {
        rows: `SELECT ${MESSAGE_COLUMNS} FROM support_message_facts WHERE ${RANGE('sent_at')}${messages}
          ORDER BY sent_at, message_id`,
        count: `SELECT count(*)::INTEGER FROM ${messageCount} WHERE ${RANGE('sent_at')}${messages}`,
      };
    case 'failed-messages':
      return {
        rows: `SELECT ${MESSAGE_COLUMNS}, failure_reason FROM support_message_facts
          WHERE status = 'failed' AND ${RANGE('sent_at')}${messages} ORDER BY sent_at, message_id`,
        count: `SELECT count(*)::INTEGER FROM ${messageCount}
          WHERE status = 'failed' AND ${RANGE('sent_at')}${messages}`,
      };
    case 'eventlog':
      return {
        rows: `
          SELECT ServiceRequest, ConversationId, ${activitySql(lang)}, ${iso('EventTime')}, ${iso('EventEndTime')},
            Duration, SourceSystem, ${iso('LastDataUpdate')}, MediaType, AgentId, AgentName,
            ${queueSql(scope, 'QueueName')}, ${wrapUpCodeSql(scope, 'WrapUpCode')}, ServiceRequestType,
            CustomerSatisfactionScore, SlaTargetResolutionTime, ServiceResolutionTime, IsSlaCompliant, IsReopened,
            IsFirstContactResolution
          FROM events WHERE ${RANGE('EventTime')}${and(caseInScope(scope, 'ServiceRequest'))}
          ${EVENT_LOG_ORDER}`,
        count: `SELECT count(*)::INTEGER FROM events WHERE ${RANGE('EventTime')}${and(caseInScope(scope, 'ServiceRequest'))}`,
      };
  }
}

/** A UTC instant as the TIMESTAMP literal text of the store (UTC, no zone). */
const timestampText = (epochMs: number): string =>
  new Date(epochMs).toISOString().replace('T', ' ').replace('Z', '');

const cell = (value: Json): string | number | boolean | null =>
  value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? value
    : JSON.stringify(value);

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

/**
 * Writes an export to `file`: streamed from DuckDB on a connection of its own, in one read transaction
 * (the count and the rows see the same data, whatever an import or a sync writes meanwhile), into
 * `<file>.part`, renamed to `file` once complete, so that a half-written file never has the final name.
 */
export async function writeExport(
  store: Store,
  request: ExportRequest,
  file: string,
  options: WriteExportOptions = {},
): Promise<ExportResult> {
  const { signal, onProgress } = options;
  signal?.throwIfAborted();
  const query = exportQuery(request.kind, request.lang, request.scope);
  const params = { range_from: timestampText(request.from), range_to: timestampText(request.to) };
  const temp = `${file}.part`;
  const db = await store.db.fork();
  let rows = 0;
  let bytes = 0;
  try {
    await db.run('BEGIN TRANSACTION');
    const total = Number((await db.connection.runAndReadAll(query.count, params)).getRows()[0]?.[0] ?? 0);
    const out = await open(temp, 'w');
    try {
      const write = async (text: string) => {
        const buffer = Buffer.from(text, 'utf8');
        await out.write(buffer);
        bytes += buffer.length;
      };
      await write(csvLine(exportHeaders(request.kind, request.lang)));
      const result = await db.connection.stream(query.rows, params);
      for await (const chunk of result.yieldRowsJson()) {
        signal?.throwIfAborted();
        let text = '';
        for (const row of chunk) text += csvLine(row.map(cell));
        await write(text);
        rows += chunk.length;
        await onProgress?.(rows, Math.max(total, rows));
      }
      signal?.throwIfAborted();
      await out.sync();
    } finally {
      await out.close();
    }
    await db.run('COMMIT');
    await rename(temp, file);
    await onProgress?.(rows, rows);
    return { rows, bytes };
  } catch (error) {
    await db.run('ROLLBACK').catch(() => {});
    await rm(temp, { force: true });
    throw error;
  } finally {
    db.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Ranges
// ---------------------------------------------------------------------------------------------

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Epoch ms of a range bound: a date (YYYY-MM-DD: midnight UTC) or an ISO-8601 date-time (UTC when it has
 * no offset). Null when it is neither.
 */
export function parseInstant(value: string): number | null {
  const text = value.trim();
  let time = Number.NaN;
  if (DATE.test(text)) time = Date.parse(`${text}T00:00:00Z`);
  else if (DATE_TIME.test(text)) {
    const normalized = text.replace(' ', 'T');
    time = Date.parse(/(Z|[+-]\d{2}:?\d{2})$/i.test(normalized) ? normalized : `${normalized}Z`);
  }
  return Number.isNaN(time) ? null : time;
}

/** At most one calendar year (UTC) from `from`. */
export function maxRangeEnd(from: number): number {
  const end = new Date(from);
  end.setUTCFullYear(end.getUTCFullYear() + 1);
  return end.getTime();
}

/**
 * Checks a requested range; returns the field at fault and why, or the range as epoch ms. The range must
 * not be empty (to after from) and may span one year at most.
 */
export function checkRange(
  from: string,
  to: string,
): { from: number; to: number } | { field: 'from' | 'to'; message: string } {
  const start = parseInstant(from);
  if (start === null) return { field: 'from', message: `"${from}" is not an ISO-8601 date or date-time` };
  const end = parseInstant(to);
  if (end === null) return { field: 'to', message: `"${to}" is not an ISO-8601 date or date-time` };
  if (end <= start) return { field: 'to', message: 'must be after from' };
  if (end > maxRangeEnd(start)) return { field: 'to', message: 'the range may span one year at most' };
  return { from: start, to: end };
}

/** The download name of an export: `caseflow-<kind>-<from>-<to>.csv` (dates, or UTC date-times). */
export function exportFileName(kind: ExportKind, from: string | number, to: string | number): string {
  const bound = (value: string | number): string => {
    const text = new Date(value).toISOString();
    if (text.endsWith('T00:00:00.000Z')) return text.slice(0, 10);
    return text.replace(/\.000Z$/, 'Z').replaceAll(':', '');
  };
  return `caseflow-${kind}-${bound(from)}-${bound(to)}.csv`;
}
