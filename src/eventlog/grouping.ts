import type { EventLogConfig } from '../config/index.ts';
import type { ConversationFacts } from './types.ts';

/** id → name maps from the source's directories; unknown ids stay ids. */
export interface Directory {
  users: ReadonlyMap<string, string>;
  queues: ReadonlyMap<string, string>;
  wrapUpCodes: ReadonlyMap<string, string>;
}

export interface Survey {
  conversationId: string;
  sentDate: number;
  score: number | null;
}

export interface ServiceRequestCase {
  id: string;
  firstConversationId: string;
  conversations: string[];
  requestType: string | null;
  mediaType: string | null;
  firstContact: number;
  resolvedAt: number | null;
  slaTarget: number;
  /** Seconds from first contact to final resolution; null while unresolved. */
  serviceResolutionTime: number | null;
  slaCompliant: boolean | null;
  reopened: boolean;
  firstContactResolution: boolean;
  csat: number | null;
}

export interface Grouping {
  cases: ServiceRequestCase[];
  caseOf: Map<string, string>;
  /** Conversations that reopened a resolved case: "Service Request Reopened" at their start. */
  reopens: { conversationId: string; time: number }[];
  /** Ids given in this run, to be kept for later runs (first conversation id → case id). */
  newIds: Map<string, string>;
}

const DAY_MS = 86_400_000;

interface OpenCase {
  record: ServiceRequestCase;
  facts: ConversationFacts[];
  resolvedAt: number | null;
  lastActivity: number;
}

/**
 * Groups conversations into service requests (docs/derivation.md): explicit attribute first, else
 * same customer key and request type within the reopen window; resolution, reopen, FCR, SLA.
 */
export function groupConversations(
  allFacts: readonly ConversationFacts[],
  surveys: readonly Survey[],
  knownIds: ReadonlyMap<string, string>,
  config: EventLogConfig,
  directory: Directory,
): Grouping {
  const facts = [...allFacts].sort(
    (a, b) => a.start - b.start || (a.conversationId < b.conversationId ? -1 : 1),
  );
  const windowMs = config.reopenWindowDays * DAY_MS;
  const byId = new Map<string, OpenCase>();
  const latestByCustomer = new Map<string, OpenCase>();
  const caseOf = new Map<string, string>();
  const reopens: Grouping['reopens'] = [];
  const newIds = new Map<string, string>();
  const usedIds = new Set<string>([...knownIds.values(), ...facts.flatMap((f) => f.explicitCaseId ?? [])]);
  const daySequence = new Map<string, number>();
  for (const id of usedIds) {
    const m = /^SR-(\d{8})-(\d{5})$/.exec(id);
    if (m?.[1] && m[2]) daySequence.set(m[1], Math.max(daySequence.get(m[1]) ?? 0, Number(m[2])));
  }
  const resolving = resolvingPredicate(config, directory);
  const typeOf = (f: ConversationFacts) => requestType(f, config, directory);

  const newCaseId = (f: ConversationFacts): string => {
    const known = knownIds.get(f.conversationId);
    if (known) return known;
    const day = new Date(f.start).toISOString().slice(0, 10).replaceAll('-', '');
    let n = daySequence.get(day) ?? 0;
    let id: string;
    do {
      n += 1;
      id = `SR-${day}-${String(n).padStart(5, '0')}`;
    } while (usedIds.has(id));
    daySequence.set(day, n);
    usedIds.add(id);
    newIds.set(f.conversationId, id);
    return id;
  };

  for (const f of facts) {
    const type = typeOf(f);
    const customer = f.customerKey === null ? null : `${f.customerKey}\u0000${type ?? ''}`;
    let target: OpenCase | undefined;
    if (f.explicitCaseId) {
      target = byId.get(f.explicitCaseId);
    } else if (customer) {
      const candidate = latestByCustomer.get(customer);
      if (candidate) {
        const since =
          candidate.resolvedAt !== null && candidate.resolvedAt <= f.start
            ? f.start - candidate.resolvedAt
            : f.start - candidate.lastActivity;
        if (since <= windowMs) target = candidate;
      }
    }
    if (target) {
      if (target.resolvedAt !== null && target.resolvedAt <= f.start) {
        reopens.push({ conversationId: f.conversationId, time: f.start });
        target.record.reopened = true;
      }
    } else {
      const id = f.explicitCaseId ?? newCaseId(f);
      target = {
        record: {
          id,
          firstConversationId: f.conversationId,
          conversations: [],
          requestType: null,
          mediaType: f.mediaType,
          firstContact: f.start,
          resolvedAt: null,
          slaTarget: config.defaultSlaTarget,
          serviceResolutionTime: null,
          slaCompliant: null,
          reopened: false,
          firstContactResolution: false,
          csat: null,
        },
        facts: [],
        resolvedAt: null,
        lastActivity: f.start,
      };
      byId.set(id, target);
    }
    target.facts.push(f);
    target.record.conversations.push(f.conversationId);
    target.record.requestType ??= type;
    target.resolvedAt = resolving(f) ? f.wrapUpTime : null;
    target.lastActivity = Math.max(target.lastActivity, f.end ?? f.start);
    caseOf.set(f.conversationId, target.record.id);
    if (customer) latestByCustomer.set(customer, target);
  }

  const scoresByConversation = new Map<string, Survey[]>();
  for (const s of surveys) {
    const list = scoresByConversation.get(s.conversationId) ?? [];
    list.push(s);
    scoresByConversation.set(s.conversationId, list);
  }

  const cases = [...byId.values()].map(({ record, facts: convs, resolvedAt }) => {
    record.slaTarget =
      (record.requestType !== null ? config.slaTargets[record.requestType] : undefined) ??
      config.defaultSlaTarget;
    record.resolvedAt = resolvedAt;
    if (resolvedAt !== null) {
      record.serviceResolutionTime = (resolvedAt - record.firstContact) / 1000;
      record.slaCompliant = record.serviceResolutionTime <= record.slaTarget;
    }
    record.firstContactResolution =
      resolvedAt !== null && convs.length === 1 && !convs.some((c) => c.transferred) && !record.reopened;
    const caseSurveys = convs
      .flatMap((c) => scoresByConversation.get(c.conversationId) ?? [])
      .filter((s) => s.score !== null)
      .sort((a, b) => a.sentDate - b.sentDate);
    record.csat = caseSurveys[caseSurveys.length - 1]?.score ?? null;
    return record;
  });
  return { cases, caseOf, reopens, newIds };
}

/** Request type: participant attribute, else wrap-up code mapping, else queue mapping (names or ids). */
export function requestType(
  f: ConversationFacts,
  config: EventLogConfig,
  directory: Directory,
): string | null {
  if (f.requestTypeAttribute) return f.requestTypeAttribute;
  const byCode = lookup(config.requestTypeByWrapUpCode, f.wrapUpCode, directory.wrapUpCodes);
  if (byCode) return byCode;
  return lookup(config.requestTypeByQueue, f.firstQueueId, directory.queues) ?? null;
}

function lookup(
  mapping: Record<string, string>,
  id: string | null,
  names: ReadonlyMap<string, string>,
): string | undefined {
  if (id === null) return undefined;
  const name = names.get(id);
  return mapping[id] ?? (name !== undefined ? mapping[name] : undefined);
}

/** A conversation resolves its case when its last wrap-up code is a resolving one (by name or id). */
export function resolvingPredicate(
  config: EventLogConfig,
  directory: Directory,
): (f: ConversationFacts) => boolean {
  const matches = (list: readonly string[], code: string): boolean => {
    const name = directory.wrapUpCodes.get(code);
    return list.includes(code) || (name !== undefined && list.includes(name));
  };
  return (f) => {
    if (f.wrapUpCode === null || f.wrapUpTime === null) return false;
    if (config.resolvingWrapUpCodes) return matches(config.resolvingWrapUpCodes, f.wrapUpCode);
    return !matches(config.unresolvedWrapUpCodes, f.wrapUpCode);
  };
}
