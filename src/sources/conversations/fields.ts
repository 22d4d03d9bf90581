import {
  type MessageDirection,
  type MessageStatus,
  type OutboundSource,
  type SenderType,
  zonedWallTimeToUtc,
} from '../../reports/definitions.ts';
import { parseTimestamp } from '../eventlog/time.ts';

/** How a field's cells are read. */
export type FieldKind =
  | 'id'
  | 'text'
  | 'longText'
  | 'timestamp'
  | 'duration'
  | 'count'
  | 'score'
  | 'senderType'
  | 'direction'
  | 'outboundSource'
  | 'status';

export interface FieldSpec {
  /** The field name (`--map COLUMN=FIELD`). */
  name: string;
  kind: FieldKind;
  /** Column names recognised without --map, compared without case, spaces and punctuation; first wins. */
  aliases: readonly string[];
  required?: boolean;
}

/**
 * Conversation fields. The defaults are the export columns of the support data (snake_case) and the
 * respond.io / Chatwoot-style headers ("Conversation ID", "Opened At", …).
 */
export const CONVERSATION_FIELDS: readonly FieldSpec[] = [
  { name: 'conversation_id', kind: 'id', aliases: ['conversation_id', 'id'], required: true },
  {
    name: 'opened_at',
    kind: 'timestamp',
    aliases: ['opened_at', 'conversation_opened_at', 'created_at'],
    required: true,
  },
  {
    name: 'resolved_at',
    kind: 'timestamp',
    aliases: ['resolved_at', 'conversation_resolved_at', 'closed_at'],
  },
  { name: 'contact_id', kind: 'id', aliases: ['contact_id'] },
  { name: 'assignee', kind: 'id', aliases: ['assignee', 'assignee_id', 'agent_id', 'agent'] },
  { name: 'assignee_name', kind: 'text', aliases: ['assignee_name', 'agent_name'] },
  { name: 'team', kind: 'text', aliases: ['team', 'team_name'] },
  {
    name: 'outbound_count',
    kind: 'count',
    aliases: ['outbound_count', 'outgoing_messages', 'outbound_messages'],
  },
  {
    name: 'inbound_count',
    kind: 'count',
    aliases: ['inbound_count', 'incoming_messages', 'inbound_messages'],
  },
  { name: 'first_response_at', kind: 'timestamp', aliases: ['first_response_at'] },
  { name: 'resolver', kind: 'id', aliases: ['resolver', 'resolver_id', 'resolved_by', 'closed_by'] },
  { name: 'resolver_name', kind: 'text', aliases: ['resolver_name'] },
  { name: 'first_response_time', kind: 'duration', aliases: ['first_response_time'] },
  { name: 'resolution_time', kind: 'duration', aliases: ['resolution_time'] },
  { name: 'category', kind: 'text', aliases: ['category', 'conversation_category', 'closing_category'] },
  { name: 'summary', kind: 'longText', aliases: ['summary', 'closing_note', 'closing_notes'] },
  { name: 'channel', kind: 'text', aliases: ['channel', 'channel_type'] },
  { name: 'queue_name', kind: 'text', aliases: ['queue_name', 'queue'] },
  { name: 'wrap_up_code', kind: 'text', aliases: ['wrap_up_code', 'wrapup_code'] },
  { name: 'csat', kind: 'score', aliases: ['csat', 'csat_score', 'satisfaction'] },
  { name: 'handle_time', kind: 'duration', aliases: ['handle_time', 'handling_time', 'handle_seconds'] },
  { name: 'transfers', kind: 'count', aliases: ['transfers', 'transfer_count'] },
  { name: 'service_request', kind: 'id', aliases: ['service_request', 'service_request_id', 'case_id'] },
  { name: 'opened_by', kind: 'text', aliases: ['opened_by'] },
];

/** Message fields: the message export columns ("Date Time", "Sender ID", …) and a few more. */
export const MESSAGE_FIELDS: readonly FieldSpec[] = [
  { name: 'message_id', kind: 'id', aliases: ['message_id', 'id'], required: true },
  {
    name: 'sent_at',
    kind: 'timestamp',
    aliases: ['sent_at', 'date_time', 'timestamp', 'created_at', 'date'],
    required: true,
  },
  { name: 'sender_id', kind: 'id', aliases: ['sender_id'] },
  { name: 'sender_type', kind: 'senderType', aliases: ['sender_type'], required: true },
  { name: 'contact_id', kind: 'id', aliases: ['contact_id'] },
  { name: 'conversation_id', kind: 'id', aliases: ['conversation_id'] },
  { name: 'direction', kind: 'direction', aliases: ['direction'] },
  { name: 'source', kind: 'outboundSource', aliases: ['source', 'outbound_source', 'message_source'] },
  { name: 'channel', kind: 'text', aliases: ['channel', 'channel_type'] },
  { name: 'message_type', kind: 'text', aliases: ['message_type', 'type'] },
  { name: 'content', kind: 'longText', aliases: ['content', 'text', 'body', 'message'] },
  { name: 'status', kind: 'status', aliases: ['status', 'message_status'] },
  {
    name: 'failure_reason',
    kind: 'longText',
    aliases: ['failure_reason', 'failed_reason', 'error', 'error_message'],
  },
];

/** Names compared without case, spaces and punctuation: "Conversation ID", "conversation_id" and "conversationId" are alike. */
export const loose = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, '');

// ---------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };
const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (error: string): Parsed<never> => ({ ok: false, error });

/** A cell as text (numbers and booleans as written; objects as JSON). */
export function cellText(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  return JSON.stringify(raw);
}

/** Whether a cell is empty: missing, null, or blank text. */
export const isEmpty = (raw: unknown): boolean =>
  raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '');

const ZONE = /(?:[Zz]|[+-]\d{2}(?::?\d{2})?)$/;

/**
 * A time: ISO-8601 (`2024-03-01T09:30:00Z`, with an offset, or a space instead of T), or epoch seconds
 * (numbers below 10^11) or milliseconds. A time without an offset is read in `timeZone` (default UTC).
 * Epoch milliseconds out.
 */
export function parseTime(raw: unknown, timeZone: string | undefined): Parsed<number> {
  const text = cellText(raw).trim();
  if (/^\d+(\.\d+)?$/.test(text)) {
    const n = Number(text);
    return ok(n < 1e11 ? n * 1000 : n);
  }
  const micros = parseTimestamp(text);
  if (micros === null) return fail(`not a time: ${JSON.stringify(text)}`);
  const ms = micros / 1000;
  const bare = !ZONE.test(text.replace(/\s+$/, '')) || /^\d{4}-\d{2}-\d{2}$/.test(text);
  return ok(timeZone && bare ? zonedWallTimeToUtc(ms, timeZone) : ms);
}

const UNITS: Record<string, number> = { d: 86_400, h: 3600, m: 60, s: 1 };

/**
 * A duration in seconds: a number of seconds, `[D.]HH:MM:SS[.fff]`, units (`1h 2m 3s`, `2d 4h`,
 * `90s`) or ISO-8601 (`PT1H2M3S`, `P1DT2H`).
 */
export function parseDuration(raw: unknown): Parsed<number> {
  const text = cellText(raw).trim();
  const bad = fail(`not a duration (seconds, HH:MM:SS, 1h 2m 3s or PT1H2M3S): ${JSON.stringify(text)}`);
  if (/^\d+(\.\d+)?$/.test(text)) return ok(Number(text));
  const clock = /^(?:(\d+)[.\s])?(\d+):([0-5]\d):([0-5]\d(?:\.\d+)?)$/.exec(text);
  if (clock) {
    const [, d = '0', h = '0', m = '0', s = '0'] = clock;
    return ok(Number(d) * 86_400 + Number(h) * 3600 + Number(m) * 60 + Number(s));
  }
  const iso =
    /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(
      text,
    );
  if (iso && text.length > 1 && !/T$/i.test(text)) {
    const [, d = '0', h = '0', m = '0', s = '0'] = iso;
    return ok(Number(d) * 86_400 + Number(h) * 3600 + Number(m) * 60 + Number(s));
  }
  const parts = text.toLowerCase().match(/\d+(?:\.\d+)?\s*[dhms]/g);
  if (parts && parts.join('').replace(/\s/g, '') === text.toLowerCase().replace(/\s/g, '')) {
    let total = 0;
    for (const p of parts) {
      const unit = p.slice(-1);
      total += Number.parseFloat(p) * (UNITS[unit] ?? 0);
    }
    return ok(total);
  }
  return bad;
}

function parseCount(raw: unknown): Parsed<number> {
  const text = cellText(raw).trim();
  if (!/^\d+$/.test(text)) return fail(`not a whole number ≥ 0: ${JSON.stringify(text)}`);
  return ok(Number(text));
}

function parseScore(raw: unknown): Parsed<number> {
  const text = cellText(raw).trim().replace(',', '.');
  const n = Number(text);
  if (text === '' || !Number.isFinite(n) || n < 1 || n > 5)
    return fail(`not a score from 1 to 5: ${JSON.stringify(text)}`);
  return ok(n);
}

const SENDER_TYPES: Record<string, SenderType> = {
  contact: 'contact',
  customer: 'contact',
  client: 'contact',
  visitor: 'contact',
  agent: 'agent',
  user: 'agent',
  human: 'agent',
  workflow: 'workflow',
  automation: 'workflow',
  system: 'workflow',
  broadcast: 'broadcast',
  campaign: 'broadcast',
  api: 'api',
  integration: 'api',
  bot: 'bot',
  chatbot: 'bot',
  aiagent: 'bot',
  ai: 'bot',
};

const SOURCES: Record<string, OutboundSource> = {
  agent: 'agent',
  user: 'agent',
  workflow: 'workflow',
  automation: 'workflow',
  broadcast: 'broadcast',
  campaign: 'broadcast',
  api: 'api',
  integration: 'api',
};

const STATUSES: Record<string, MessageStatus> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  seen: 'read',
  failed: 'failed',
  failure: 'failed',
  error: 'failed',
  undelivered: 'failed',
};

const DIRECTIONS: Record<string, MessageDirection> = {
  inbound: 'inbound',
  incoming: 'inbound',
  in: 'inbound',
  outbound: 'outbound',
  outgoing: 'outbound',
  out: 'outbound',
};

function oneOf<T>(table: Record<string, T>, what: string, raw: unknown): Parsed<T> {
  const text = cellText(raw).trim();
  const value = table[loose(text)];
  if (value === undefined) {
    const names = [...new Set(Object.values(table))].join(', ');
    return fail(`not a ${what} (${names}): ${JSON.stringify(text)}`);
  }
  return ok(value);
}

/** Reads a non-empty cell as its field's kind. */
export function parseCell(
  kind: FieldKind,
  raw: unknown,
  timeZone: string | undefined,
): Parsed<string | number> {
  switch (kind) {
    case 'id':
    case 'text':
      return ok(cellText(raw).trim());
    case 'longText':
      return ok(cellText(raw));
    case 'timestamp':
      return parseTime(raw, timeZone);
    case 'duration':
      return parseDuration(raw);
    case 'count':
      return parseCount(raw);
    case 'score':
      return parseScore(raw);
    case 'senderType':
      return oneOf(SENDER_TYPES, 'sender type', raw);
    case 'direction':
      return oneOf(DIRECTIONS, 'direction', raw);
    case 'outboundSource':
      return oneOf(SOURCES, 'outbound source', raw);
    case 'status':
      return oneOf(STATUSES, 'message status', raw);
  }
}
