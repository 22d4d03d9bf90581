/**
 * Support data definitions: what first response time, resolution time, handle time, business hours,
 * new vs returning contact and an agent's team mean, as pure functions and as the SQL fragments the
 * reports, exports and workflows use. The README's "Support data" section says the same in words.
 *
 * This module imports nothing: the DuckDB schema (src/store/schema.ts) builds its support views from
 * the SQL below, and the import (src/sources/conversations) uses its time-zone helpers.
 */

// ---------------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------------

export const MESSAGE_DIRECTIONS = ['inbound', 'outbound'] as const;
export type MessageDirection = (typeof MESSAGE_DIRECTIONS)[number];

/** Who sent a message: the contact (inbound) or, outbound, an agent, a workflow, a broadcast, the API or a bot. */
export const SENDER_TYPES = ['contact', 'agent', 'workflow', 'broadcast', 'api', 'bot'] as const;
export type SenderType = (typeof SENDER_TYPES)[number];

/** What sent an outbound message, for "outbound messages by source". */
export const OUTBOUND_SOURCES = ['agent', 'workflow', 'broadcast', 'api'] as const;
export type OutboundSource = (typeof OUTBOUND_SOURCES)[number];

export const MESSAGE_STATUSES = ['sent', 'delivered', 'read', 'failed'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export const CONTACT_TYPES = ['new', 'returning'] as const;
export type ContactType = (typeof CONTACT_TYPES)[number];

/** A message is inbound exactly when its sender is the contact. */
export function directionOf(senderType: SenderType): MessageDirection {
  return senderType === 'contact' ? 'inbound' : 'outbound';
}

/** The outbound source of a sender type: bots count as workflows (automation); contacts have none. */
export function outboundSourceOf(senderType: SenderType): OutboundSource | null {
  if (senderType === 'contact') return null;
  return senderType === 'bot' ? 'workflow' : senderType;
}

// ---------------------------------------------------------------------------------------------
// Durations (epoch milliseconds in, seconds out)
// ---------------------------------------------------------------------------------------------

const seconds = (from: number, to: number): number => (to - from) / 1000;

/** A message of one conversation, as the first-response definition reads it. */
export interface MessageTiming {
  sentAt: number;
  direction: MessageDirection;
  senderType: SenderType;
}

/**
 * First response of a conversation that has messages: its first inbound message, and the first agent
 * message (outbound, sender type agent) sent at or after it. Null when there is no inbound message;
 * `respondedAt` is null while no agent has answered. Workflow, broadcast, API and bot messages are not
 * responses.
 */
export function firstResponse(
  messages: readonly MessageTiming[],
): { inboundAt: number; respondedAt: number | null } | null {
  let inboundAt: number | null = null;
  for (const m of messages) {
    if (m.direction === 'inbound' && (inboundAt === null || m.sentAt < inboundAt)) inboundAt = m.sentAt;
  }
  if (inboundAt === null) return null;
  let respondedAt: number | null = null;
  for (const m of messages) {
    if (m.direction !== 'outbound' || m.senderType !== 'agent' || m.sentAt < inboundAt) continue;
    if (respondedAt === null || m.sentAt < respondedAt) respondedAt = m.sentAt;
  }
  return { inboundAt, respondedAt };
}

/**
 * First response time in seconds. With messages: first agent message at or after the first inbound
 * message − that inbound message. Without messages (Genesys records, imports that give only the figure):
 * the stored first response (Genesys: first agent connect) − the conversation's opening.
 */
export function firstResponseSeconds(conversation: {
  openedAt: number;
  /** Stored first response: Genesys first agent connect, or the imported "First Response At". */
  firstResponseAt: number | null;
  /** The conversation's messages; empty or absent when there are none. */
  messages?: readonly MessageTiming[];
}): number | null {
  const messages = conversation.messages ?? [];
  if (messages.length > 0) {
    const r = firstResponse(messages);
    return r?.respondedAt == null ? null : seconds(r.inboundAt, r.respondedAt);
  }
  return conversation.firstResponseAt === null
    ? null
    : seconds(conversation.openedAt, conversation.firstResponseAt);
}

/** Resolution time in seconds: resolved_at − opened_at; null while the conversation is not resolved. */
export function resolutionSeconds(openedAt: number, resolvedAt: number | null): number | null {
  return resolvedAt === null ? null : seconds(openedAt, resolvedAt);
}

/**
 * Handle time in seconds: talk + hold + after-call work (Genesys metrics tTalk, tHeld, tAcw of the agent
 * sessions, milliseconds); for imported conversations the given handle time column.
 */
export function handleSeconds(talkMs: number, holdMs: number, acwMs: number): number {
  return (talkMs + holdMs + acwMs) / 1000;
}

/**
 * New or returning contact, per conversation: returning when the same contact has a conversation opened
 * earlier (ties on the opening time: the smaller conversation id is the earlier). A conversation without
 * a contact is new. Computed over every stored conversation at read time, so late-arriving history counts.
 */
export function contactTypes(
  conversations: readonly { conversationId: string; contactId: string | null; openedAt: number }[],
): Map<string, ContactType> {
  const ordered = [...conversations].sort(
    (a, b) =>
      a.openedAt - b.openedAt ||
      (a.conversationId < b.conversationId ? -1 : a.conversationId > b.conversationId ? 1 : 0),
  );
  const seen = new Set<string>();
  const out = new Map<string, ContactType>();
  for (const c of ordered) {
    if (c.contactId === null) {
      out.set(c.conversationId, 'new');
      continue;
    }
    out.set(c.conversationId, seen.has(c.contactId) ? 'returning' : 'new');
    seen.add(c.contactId);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Teams
// ---------------------------------------------------------------------------------------------

/** Team name → its members, each an agent id or an agent name (configuration `support.teams`). */
export type Teams = Readonly<Record<string, readonly string[]>>;

/**
 * An agent's team: the first team of the configuration (in its order) that lists the agent's id or
 * name; else the team the source gave (an imported `team` column); else null. The configuration wins.
 */
export function teamOf(
  teams: Teams,
  agent: { id: string | null; name: string | null },
  sourceTeam: string | null = null,
): string | null {
  for (const [team, members] of Object.entries(teams)) {
    if (members.some((m) => m === agent.id || m === agent.name)) return team;
  }
  return sourceTeam;
}

/** A SQL string literal. */
export const sqlString = (value: string): string => `'${value.replace(/'/g, "''")}'`;

/** SQL of teamOf: `idExpr`, `nameExpr` and `sourceTeamExpr` are SQL expressions (e.g. column names). */
export function teamSql(teams: Teams, idExpr: string, nameExpr: string, sourceTeamExpr = 'NULL'): string {
  const branches = Object.entries(teams)
    .filter(([, members]) => members.length > 0)
    .map(([team, members]) => {
      const list = members.map(sqlString).join(', ');
      return `WHEN ${idExpr} IN (${list}) OR ${nameExpr} IN (${list}) THEN ${sqlString(team)}`;
    });
  return branches.length ? `(CASE ${branches.join(' ')} ELSE ${sourceTeamExpr} END)` : `(${sourceTeamExpr})`;
}

// ---------------------------------------------------------------------------------------------
// Time zones
// ---------------------------------------------------------------------------------------------

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Wall-clock date and time of an instant in a time zone. */
export function wallClock(
  epochMs: number,
  timeZone: string,
): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of formatter(timeZone).formatToParts(new Date(epochMs))) {
    if (p.type in out) out[p.type as keyof typeof out] = Number(p.value);
  }
  return out;
}

/** Offset of the zone from UTC at an instant, in milliseconds (Paris in winter: +3 600 000). */
export function zoneOffsetMs(epochMs: number, timeZone: string): number {
  const w = wallClock(epochMs, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - (epochMs - (((epochMs % 1000) + 1000) % 1000));
}

/**
 * The instant a wall-clock time of a time zone denotes (`wallMs`: the wall clock read as if it were UTC,
 * e.g. Date.UTC(2025, 2, 30, 9, 0)). A time that occurs twice (the hour repeated when clocks go back) is
 * the earlier instant; a time that does not exist (skipped when clocks go forward) is moved forward by the
 * gap (02:30 on the night clocks go from 02:00 to 03:00 is 03:30).
 */
export function zonedWallTimeToUtc(wallMs: number, timeZone: string): number {
  const DAY = 86_400_000;
  const before = zoneOffsetMs(wallMs - DAY, timeZone);
  const after = zoneOffsetMs(wallMs + DAY, timeZone);
  const valid = [wallMs - before, wallMs - after].filter((t) => t + zoneOffsetMs(t, timeZone) === wallMs);
  if (valid.length > 0) return Math.min(...valid);
  return wallMs - before;
}

/** Whether a string is an IANA time zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Business hours
// ---------------------------------------------------------------------------------------------

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Opening hours of one day: [open, close] wall-clock times "HH:MM" ("24:00" closes at midnight). */
export type DayHours = readonly (readonly [string, string])[];

/**
 * The organization's opening hours (configuration `support.businessHours`, its time zone defaulting to
 * `organization.timeZone`). A day not listed is closed; holidays ("YYYY-MM-DD", dates of that zone) are
 * closed all day.
 */
export interface BusinessHours {
  timeZone: string;
  days: Readonly<Partial<Record<Weekday, DayHours>>>;
  holidays: readonly string[];
}

/** Monday to Friday, 09:00–18:00. */
export const DEFAULT_BUSINESS_DAYS: Readonly<Partial<Record<Weekday, DayHours>>> = {
  mon: [['09:00', '18:00']],
  tue: [['09:00', '18:00']],
  wed: [['09:00', '18:00']],
  thu: [['09:00', '18:00']],
  fri: [['09:00', '18:00']],
};

const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

/** Minutes after midnight of "HH:MM" (00:00 to 24:00); null when it is not such a time. */
export function clockMinutes(text: string): number | null {
  if (!CLOCK.test(text)) return null;
  const [h = '0', m = '0'] = text.split(':');
  return Number(h) * 60 + Number(m);
}

/** Why a day's hours are not valid (times, each opening before its closing, no overlap), or null. */
export function dayHoursProblem(hours: DayHours): string | null {
  const spans: [number, number][] = [];
  for (const [open, close] of hours) {
    const a = clockMinutes(open);
    const b = clockMinutes(close);
    if (a === null || a === 24 * 60) return `"${open}" is not an opening time HH:MM (00:00–23:59)`;
    if (b === null) return `"${close}" is not a closing time HH:MM (00:01–24:00)`;
    if (b <= a)
      return `closes (${close}) before it opens (${open}); split hours across midnight over two days`;
    spans.push([a, b]);
  }
  spans.sort((x, y) => x[0] - y[0]);
  for (let i = 1; i < spans.length; i += 1) {
    const prev = spans[i - 1];
    const cur = spans[i];
    if (prev && cur && cur[0] < prev[1]) return 'opening hours overlap';
  }
  return null;
}

const isoDate = (year: number, month: number, day: number): string =>
  `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;

/**
 * The opening intervals of [from, to) as UTC instants (epoch ms), in time order, clipped to the range:
 * each day's hours are read on that day's wall clock in the business time zone, so a day on which the
 * clocks change has its true length (an opening of 00:00–24:00 lasts 23 h in March and 25 h in October
 * in Europe/Paris).
 */
export function openingIntervals(
  from: number,
  to: number,
  hours: BusinessHours,
): { start: number; end: number }[] {
  if (!(to > from)) return [];
  const holidays = new Set(hours.holidays);
  const first = wallClock(from, hours.timeZone);
  const last = wallClock(to, hours.timeZone);
  const lastDay = Date.UTC(last.year, last.month - 1, last.day);
  const out: { start: number; end: number }[] = [];
  for (let day = Date.UTC(first.year, first.month - 1, first.day); day <= lastDay; day += 86_400_000) {
    const date = new Date(day);
    const weekday = WEEKDAYS[(date.getUTCDay() + 6) % 7] as Weekday;
    if (holidays.has(isoDate(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()))) continue;
    for (const [open, close] of hours.days[weekday] ?? []) {
      const a = clockMinutes(open);
      const b = clockMinutes(close);
      if (a === null || b === null || b <= a) continue;
      const start = Math.max(from, zonedWallTimeToUtc(day + a * 60_000, hours.timeZone));
      const end = Math.min(to, zonedWallTimeToUtc(day + b * 60_000, hours.timeZone));
      if (end > start) out.push({ start, end });
    }
  }
  return out;
}

/**
 * Seconds of [from, to) that fall within opening hours (business-hours option of the response and
 * resolution times). 0 when `to` is not after `from`.
 */
export function businessSeconds(from: number, to: number, hours: BusinessHours): number {
  let ms = 0;
  for (const i of openingIntervals(from, to, hours)) ms += i.end - i.start;
  return ms / 1000;
}

// ---------------------------------------------------------------------------------------------
// SQL fragments
// ---------------------------------------------------------------------------------------------

/** SQL: seconds from one TIMESTAMP expression to another (milliseconds kept); NULL when either is NULL. */
export const secondsBetweenSql = (from: string, to: string): string =>
  `(date_diff('millisecond', ${from}, ${to}) / 1000.0)`;

/**
 * SQL: a UTC TIMESTAMP expression as the wall-clock TIMESTAMP of a time zone (DuckDB's ICU), for grouping
 * by the organization's weekday and hour, e.g. isodow(…) and hour(…) of the opened-conversations heatmap.
 */
export const localTimestampSql = (utcExpr: string, timeZone: string): string =>
  `timezone(${sqlString(timeZone)}, timezone('UTC', ${utcExpr}))`;

const timestampLiteral = (epochMs: number): string =>
  `TIMESTAMP '${new Date(epochMs).toISOString().replace('T', ' ').replace('Z', '')}'`;

/**
 * SQL relation (for FROM) of opening intervals, columns open_at and close_at (UTC TIMESTAMPs), e.g.
 * `openingIntervalsSql(openingIntervals(from, to, hours))`.
 */
export function openingIntervalsSql(intervals: readonly { start: number; end: number }[]): string {
  if (intervals.length === 0) {
    return '(SELECT NULL::TIMESTAMP AS open_at, NULL::TIMESTAMP AS close_at WHERE false)';
  }
  const rows = intervals.map((i) => `(${timestampLiteral(i.start)}, ${timestampLiteral(i.end)})`);
  return `(SELECT * FROM (VALUES ${rows.join(', ')}) AS v(open_at, close_at))`;
}

/**
 * SQL of businessSeconds(from, to) against an opening-intervals relation (openingIntervalsSql over a
 * range that covers the rows): the seconds of [from, to) inside the intervals; NULL when either end is NULL.
 */
export function businessSecondsSql(fromExpr: string, toExpr: string, intervalsRelation: string): string {
  return `(CASE WHEN ${fromExpr} IS NULL OR ${toExpr} IS NULL THEN NULL ELSE (
    SELECT coalesce(sum(date_diff('millisecond', greatest(oi.open_at, ${fromExpr}), least(oi.close_at, ${toExpr}))), 0) / 1000.0
    FROM ${intervalsRelation} AS oi WHERE oi.open_at < ${toExpr} AND oi.close_at > ${fromExpr}) END)`;
}

/**
 * Views over the support tables, computed at read time so that late-arriving data (an earlier
 * conversation of a contact, messages imported after their conversations) is always taken into account:
 *
 * - support_contact_types: conversation_id → contact_type (new | returning), as contactTypes().
 * - support_message_facts: every message with the conversation it belongs to — its own conversation_id,
 *   else the latest conversation of the same contact opened at or before the message and not resolved
 *   before it —, its contact and channel (the message's, else the conversation's) and its contact type
 *   (the conversation's; a message outside any conversation: returning when the contact had a conversation
 *   before, else new).
 * - support_conversation_facts: every conversation with the definitions applied: contact_type,
 *   message_count, inbound_count / outbound_count (from its messages when it has any, else the stored
 *   counts), response_from (first inbound message, else opened_at), first_response_at (first agent
 *   message at or after the first inbound message when it has messages, else the stored first response),
 *   first_response_seconds, resolution_seconds; the stored first response stays as source_first_response_at.
 */
export const SUPPORT_VIEWS_SQL = `
CREATE OR REPLACE VIEW support_contact_types AS
  SELECT conversation_id,
    CASE WHEN contact_id IS NOT NULL
      AND row_number() OVER (PARTITION BY contact_id ORDER BY opened_at, conversation_id) > 1
      THEN 'returning' ELSE 'new' END AS contact_type
  FROM support_conversations;
CREATE OR REPLACE VIEW support_message_facts AS
  WITH linked AS (
    SELECT m.*,
      CASE WHEN m.conversation_id IS NOT NULL THEN m.conversation_id
        WHEN a.resolved_at IS NULL OR m.sent_at <= a.resolved_at THEN a.conversation_id END AS linked_id,
      a.conversation_id AS earlier_id
    FROM support_messages m
    ASOF LEFT JOIN (SELECT conversation_id, contact_id, opened_at, resolved_at FROM support_conversations
                    WHERE contact_id IS NOT NULL) a
      ON m.contact_id = a.contact_id AND m.sent_at >= a.opened_at
  )
  SELECT l.message_id, l.linked_id AS conversation_id, l.sent_at, l.direction, l.sender_id, l.sender_type,
    l.source, coalesce(l.contact_id, c.contact_id) AS contact_id, coalesce(l.channel, c.channel) AS channel,
    l.message_type, l.content, l.status, l.failure_reason,
    coalesce(t.contact_type, CASE WHEN l.earlier_id IS NOT NULL THEN 'returning' ELSE 'new' END) AS contact_type,
    l.source_system, l.last_data_update
  FROM linked l
  LEFT JOIN support_conversations c ON c.conversation_id = l.linked_id
  LEFT JOIN support_contact_types t ON t.conversation_id = l.linked_id;
CREATE OR REPLACE VIEW support_conversation_facts AS
  WITH mm AS (
    SELECT conversation_id, direction, sender_type, sent_at,
      min(CASE WHEN direction = 'inbound' THEN sent_at END) OVER (PARTITION BY conversation_id) AS first_inbound_at
    FROM support_message_facts WHERE conversation_id IS NOT NULL
  ), agg AS (
    SELECT conversation_id, count(*) AS message_count,
      count(*) FILTER (WHERE direction = 'inbound') AS inbound_messages,
      count(*) FILTER (WHERE direction = 'outbound') AS outbound_messages,
      min(first_inbound_at) AS first_inbound_at,
      min(sent_at) FILTER (WHERE direction = 'outbound' AND sender_type = 'agent' AND sent_at >= first_inbound_at)
        AS first_agent_message_at
    FROM mm GROUP BY conversation_id
  ), f AS (
    SELECT c.* EXCLUDE (first_response_at, inbound_count, outbound_count),
      coalesce(t.contact_type, 'new') AS contact_type,
      coalesce(agg.message_count, 0)::INTEGER AS message_count,
      (CASE WHEN agg.conversation_id IS NULL THEN c.inbound_count ELSE agg.inbound_messages END)::INTEGER AS inbound_count,
      (CASE WHEN agg.conversation_id IS NULL THEN c.outbound_count ELSE agg.outbound_messages END)::INTEGER AS outbound_count,
      CASE WHEN agg.conversation_id IS NULL THEN c.opened_at ELSE agg.first_inbound_at END AS response_from,
      CASE WHEN agg.conversation_id IS NULL THEN c.first_response_at ELSE agg.first_agent_message_at END AS first_response_at,
      c.first_response_at AS source_first_response_at
    FROM support_conversations c
    LEFT JOIN agg ON agg.conversation_id = c.conversation_id
    LEFT JOIN support_contact_types t ON t.conversation_id = c.conversation_id
  )
  SELECT *, ${secondsBetweenSql('response_from', 'first_response_at')} AS first_response_seconds,
    ${secondsBetweenSql('opened_at', 'resolved_at')} AS resolution_seconds
  FROM f;
`;
