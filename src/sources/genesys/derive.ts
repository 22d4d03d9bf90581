import type { EventLogConfig } from '../../config/index.ts';
import type { ActivityName } from '../../eventlog/activities.ts';
import { activityOrder } from '../../eventlog/activities.ts';
import type { ConversationFacts, DerivedEvent } from '../../eventlog/index.ts';
import { customerKey } from '../../eventlog/index.ts';
import {
  type GenesysConversation,
  type GenesysParticipant,
  type GenesysSession,
  KNOWN_PURPOSES,
  KNOWN_SEGMENT_TYPES,
} from './schema.ts';

/** Disconnect types by which an agent hands the interaction over (offers left unanswered are not). */
const TRANSFER_DISCONNECTS = new Set([
  'transfer',
  'consultTransfer',
  'forwardTransfer',
  'conferenceTransfer',
]);
const AGENT_PURPOSES = new Set(['agent', 'user']);

export interface Derivation {
  events: DerivedEvent[];
  facts: ConversationFacts;
  /** Human-readable warnings (unknown purposes or segment types), counted by the importer. */
  warnings: string[];
}

export class RecordError extends Error {
  override name = 'RecordError';
}

const ms = (iso: string): number => Date.parse(iso);

interface AgentSessionInfo {
  participant: number;
  start: number;
  firstInteract: number | null;
  connectedEnd: number | null;
  transferred: boolean;
  agentId: string | null;
  queueId: string | null;
  mediaType: string;
}

/** Turns one Genesys conversation detail record into its events and the facts case grouping needs. */
export function deriveConversation(record: GenesysConversation, config: EventLogConfig): Derivation {
  const start = ms(record.conversationStart);
  const end = record.conversationEnd ? ms(record.conversationEnd) : null;
  if (end !== null && end < start) {
    throw new RecordError(`conversationEnd ${record.conversationEnd} precedes conversationStart`);
  }
  checkSegments(record);

  const warnings: string[] = [];
  const events: DerivedEvent[] = [];
  const mediaType = conversationMediaType(record);
  let seq = 0;
  const push = (e: Omit<DerivedEvent, 'seq'>): void => {
    events.push({ ...e, seq: seq++ });
  };
  const at = (activity: ActivityName, time: number, endTime: number | null = time) => ({
    activity,
    time,
    endTime,
  });

  push({ ...at('Interaction Started', start), mediaType, agentId: null, queueId: null, wrapUpCode: null });

  const agentSessions: AgentSessionInfo[] = [];
  const handoverSessions: { participant: number; start: number; end: number | null }[] = [];
  let talkMs = 0;
  let holdMs = 0;
  let acwMs = 0;
  let lastWrapUp = null as { code: string; time: number } | null;
  let firstQueueId = null as string | null;

  record.participants.forEach((participant, pIndex) => {
    const purpose = participant.purpose;
    if (!KNOWN_PURPOSES.has(purpose)) warnings.push(`unknown participant purpose "${purpose}"`);
    for (const session of participant.sessions) {
      for (const segment of session.segments) {
        const type = segment.segmentType;
        if (type !== undefined && !KNOWN_SEGMENT_TYPES.has(type))
          warnings.push(`unknown segment type "${type}"`);
      }
      const first = session.segments[0];
      if (!first) continue;
      const sessionStart = ms(first.segmentStart);
      if (purpose === 'acd') {
        const routed = deriveRouting(session, mediaTypeOf(session));
        for (const e of routed) {
          firstQueueId ??= e.queueId;
          push(e);
        }
        handoverSessions.push({ participant: pIndex, start: sessionStart, end: sessionEndTime(session) });
      } else if (AGENT_PURPOSES.has(purpose)) {
        const info = deriveAgentSession(participant, session, pIndex, push);
        talkMs += info.talkMs;
        holdMs += info.holdMs;
        acwMs += info.acwMs;
        if (info.wrapUp && (!lastWrapUp || info.wrapUp.time >= lastWrapUp.time)) lastWrapUp = info.wrapUp;
        firstQueueId ??= info.session.queueId;
        agentSessions.push(info.session);
        handoverSessions.push({ participant: pIndex, start: sessionStart, end: info.session.connectedEnd });
      }
    }
  });

  // A handover without a transfer disconnect: a later acd/agent session started while this agent was
  // connected and outlasted it.
  for (const agent of agentSessions) {
    if (agent.transferred || agent.firstInteract === null || agent.connectedEnd === null) continue;
    const connectedEnd = agent.connectedEnd;
    const firstInteract = agent.firstInteract;
    const newcomer = handoverSessions
      .filter(
        (s) =>
          s.participant !== agent.participant &&
          s.start > firstInteract &&
          s.start <= connectedEnd &&
          (s.end === null || s.end > connectedEnd),
      )
      .sort((a, b) => a.start - b.start)[0];
    if (newcomer) {
      push({
        ...at('Interaction Transferred', newcomer.start),
        mediaType: agent.mediaType,
        agentId: agent.agentId,
        queueId: agent.queueId,
        wrapUpCode: null,
      });
    }
  }

  if (end !== null) {
    push({
      ...at('Interaction Disconnected', end),
      mediaType,
      agentId: null,
      queueId: null,
      wrapUpCode: null,
    });
  }

  closeOpenEvents(events);
  const participantAttribute = (name: string): string | null => attributeOf(record.participants, name);
  const facts: ConversationFacts = {
    conversationId: record.conversationId,
    start,
    end,
    mediaType,
    customerKey: conversationCustomerKey(record),
    explicitCaseId: participantAttribute(config.serviceRequestIdAttribute),
    requestTypeAttribute: participantAttribute(config.serviceRequestTypeAttribute),
    wrapUpCode: lastWrapUp?.code ?? null,
    wrapUpTime: lastWrapUp?.time ?? null,
    firstQueueId,
    transferred: events.some((e) => e.activity === 'Interaction Transferred'),
    handled: agentSessions.some((s) => s.firstInteract !== null),
    talkMs,
    holdMs,
    acwMs,
  };
  return { events, facts, warnings };
}

function checkSegments(record: GenesysConversation): void {
  record.participants.forEach((participant, p) => {
    participant.sessions.forEach((session, s) => {
      session.segments.forEach((segment, g) => {
        if (segment.segmentEnd && ms(segment.segmentEnd) < ms(segment.segmentStart)) {
          throw new RecordError(
            `participants[${p}].sessions[${s}].segments[${g}]: segmentEnd ${segment.segmentEnd} precedes segmentStart ${segment.segmentStart}`,
          );
        }
      });
    });
  });
}

function mediaTypeOf(session: GenesysSession): string {
  return session.mediaType;
}

function sessionEndTime(session: GenesysSession): number | null {
  const last = session.segments[session.segments.length - 1];
  return last?.segmentEnd ? ms(last.segmentEnd) : null;
}

function conversationMediaType(record: GenesysConversation): string | null {
  const customer =
    record.participants.find((p) => p.purpose === 'customer' && p.sessions.length > 0) ??
    record.participants.find((p) => p.purpose === 'external' && p.sessions.length > 0);
  const session =
    customer?.sessions[0] ?? record.participants.find((p) => p.sessions.length > 0)?.sessions[0];
  return session?.mediaType ?? null;
}

/** One "Conversation Routed to Queue" per acd session and change of queue. */
function deriveRouting(session: GenesysSession, mediaType: string): Omit<DerivedEvent, 'seq'>[] {
  const out: Omit<DerivedEvent, 'seq'>[] = [];
  let current: Omit<DerivedEvent, 'seq'> | null = null;
  for (const segment of session.segments) {
    const queueId = segment.queueId ?? null;
    if (queueId === null) continue;
    const segEnd = segment.segmentEnd ? ms(segment.segmentEnd) : null;
    if (current && current.queueId === queueId) {
      current.endTime = segEnd;
      continue;
    }
    current = {
      activity: 'Conversation Routed to Queue',
      time: ms(segment.segmentStart),
      endTime: segEnd,
      mediaType,
      agentId: null,
      queueId,
      wrapUpCode: null,
    };
    out.push(current);
  }
  return out;
}

function deriveAgentSession(
  participant: GenesysParticipant,
  session: GenesysSession,
  pIndex: number,
  push: (e: Omit<DerivedEvent, 'seq'>) => void,
) {
  const agentId = participant.userId ?? null;
  const mediaType = session.mediaType;
  const sessionQueue = session.segments.find((s) => s.queueId)?.queueId ?? null;
  const base = (queueId: string | undefined) => ({
    mediaType,
    agentId,
    queueId: queueId ?? sessionQueue,
    wrapUpCode: null,
  });
  const connected = session.segments.filter((s) => s.segmentType === 'interact' || s.segmentType === 'hold');
  const lastConnected = connected[connected.length - 1];
  const connectedEnd = lastConnected
    ? lastConnected.segmentEnd
      ? ms(lastConnected.segmentEnd)
      : null
    : null;
  const nonWrapup = session.segments.filter((s) => s.segmentType !== 'wrapup');
  const lastNonWrapup = nonWrapup[nonWrapup.length - 1];

  let talkMs = 0;
  let holdMs = 0;
  let acwMs = 0;
  let firstInteract: number | null = null;
  let transferred = false;
  let wrapUp: { code: string; time: number } | null = null;
  const assigned = new Set<string>();

  for (const segment of session.segments) {
    const s = ms(segment.segmentStart);
    const e = segment.segmentEnd ? ms(segment.segmentEnd) : null;
    const span = e === null ? 0 : e - s;
    switch (segment.segmentType) {
      case 'alert':
        push({ activity: 'Interaction Offered to Agent', time: s, endTime: e, ...base(segment.queueId) });
        break;
      case 'interact':
        talkMs += span;
        if (firstInteract === null) {
          firstInteract = s;
          push({
            activity: 'Agent Accepted Interaction',
            time: s,
            endTime: connectedEnd,
            ...base(segment.queueId),
          });
        }
        break;
      case 'hold':
        holdMs += span;
        push({ activity: 'Interaction Put on Hold', time: s, endTime: e, ...base(segment.queueId) });
        if (e !== null) {
          push({ activity: 'Hold Removed from Interaction', time: e, endTime: e, ...base(segment.queueId) });
        }
        break;
      case 'wrapup':
        acwMs += span;
        push({ activity: 'After-Call Work Started', time: s, endTime: e, ...base(segment.queueId) });
        if (e !== null) {
          push({ activity: 'After-Call Work Completed', time: e, endTime: e, ...base(segment.queueId) });
        }
        break;
    }
    // A code carried by several segments of the session (e.g. interact and wrapup) was assigned once.
    if (segment.wrapUpCode && !assigned.has(segment.wrapUpCode)) {
      assigned.add(segment.wrapUpCode);
      const t = e ?? s;
      push({
        activity: 'Wrap-Up Code Assigned',
        time: t,
        endTime: t,
        ...base(segment.queueId),
        wrapUpCode: segment.wrapUpCode,
      });
      if (!wrapUp || t >= wrapUp.time) wrapUp = { code: segment.wrapUpCode, time: t };
    }
    if (
      segment.segmentType !== 'wrapup' &&
      segment.disconnectType &&
      TRANSFER_DISCONNECTS.has(segment.disconnectType) &&
      e !== null
    ) {
      transferred = true;
      push({ activity: 'Interaction Transferred', time: e, endTime: e, ...base(segment.queueId) });
    }
  }
  const info: AgentSessionInfo = {
    participant: pIndex,
    start: ms(session.segments[0]?.segmentStart ?? ''),
    firstInteract,
    connectedEnd: connectedEnd ?? (lastNonWrapup?.segmentEnd ? ms(lastNonWrapup.segmentEnd) : null),
    transferred,
    agentId,
    queueId: sessionQueue,
    mediaType,
  };
  return { session: info, talkMs, holdMs, acwMs, wrapUp };
}

/** Activities with a duration whose source has no end yet end at the conversation's next event. */
function closeOpenEvents(events: DerivedEvent[]): void {
  const ordered = [...events].sort(compareDerived);
  ordered.forEach((event, i) => {
    if (event.endTime !== null) return;
    const next = ordered.slice(i + 1).find((e) => e.time > event.time);
    event.endTime = next ? next.time : event.time;
  });
}

export function compareDerived(a: DerivedEvent, b: DerivedEvent): number {
  return a.time - b.time || activityOrder(a.activity) - activityOrder(b.activity) || a.seq - b.seq;
}

function attributeOf(participants: GenesysParticipant[], name: string): string | null {
  const customerFirst = [...participants].sort(
    (a, b) => Number(b.purpose === 'customer') - Number(a.purpose === 'customer'),
  );
  for (const p of customerFirst) {
    const value = p.attributes?.[name];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
    if (typeof value === 'number') return String(value);
  }
  return null;
}

function conversationCustomerKey(record: GenesysConversation): string | null {
  const customer =
    record.participants.find((p) => p.purpose === 'customer') ??
    record.participants.find((p) => p.purpose === 'external');
  if (!customer) return null;
  const session = customer.sessions[0];
  const outbound = (session?.direction ?? record.originatingDirection) === 'outbound';
  const address = outbound
    ? (session?.dnis ?? session?.addressTo ?? session?.addressOther)
    : (session?.ani ?? session?.addressFrom ?? session?.addressOther ?? session?.remote);
  return customerKey(customer.externalContactId ?? null, address ?? null);
}
