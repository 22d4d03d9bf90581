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
  /** Resolution time while the case is resolved (as far as `advance` has gone), else null. */
  resolvedAt: number | null;
  lastActivity: number;
  /** Wrap-up outcomes not yet applied, as they may lie after the next conversation's start. */
  outcomes: { time: number; resolving: boolean }[];
}

/**
 * Applies the case's wrap-up outcomes up to `time`, in time order: the latest wrap-up decides whether
 * the case is resolved (a resolving code) or open (any other code).
 */
function advance(c: OpenCase, time: number): void {
  c.outcomes.sort((a, b) => a.time - b.time);
  while (c.outcomes.length && (c.outcomes[0]?.time ?? Number.POSITIVE_INFINITY) <= time) {
    const outcome = c.outcomes.shift();
    if (outcome) c.resolvedAt = outcome.resolving ? outcome.time : null;
  }
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
  const open: OpenCase[] = [];
  const byExplicitId = new Map<string, OpenCase>();
  const latestByCustomer = new Map<string, OpenCase>();
  const reopens: Grouping['reopens'] = [];
  const resolving = resolvingPredicate(config, directory);

  for (const f of facts) {
    const type = requestType(f, config, directory);
    const customer = f.customerKey === null ? null : `${f.customerKey}\u0000${type ?? ''}`;
    let target: OpenCase | undefined;
    if (f.explicitCaseId) {
      target = byExplicitId.get(f.explicitCaseId);
    } else if (customer) {
      const candidate = latestByCustomer.get(customer);
      if (candidate) {
        advance(candidate, f.start);
        const since =
          candidate.resolvedAt !== null ? f.start - candidate.resolvedAt : f.start - candidate.lastActivity;
        if (since <= windowMs) target = candidate;
      }
    }
    if (!target) {
      target = newCase(f, config);
      open.push(target);
      if (f.explicitCaseId) byExplicitId.set(f.explicitCaseId, target);
    }
    advance(target, f.start);
    if (target.resolvedAt !== null) {
      reopens.push({ conversationId: f.conversationId, time: f.start });
      target.record.reopened = true;
      target.resolvedAt = null;
    }
    if (f.wrapUpTime !== null) target.outcomes.push({ time: f.wrapUpTime, resolving: resolving(f) });
    target.facts.push(f);
    target.record.conversations.push(f.conversationId);
    target.record.requestType ??= type;
    target.lastActivity = Math.max(target.lastActivity, f.end ?? f.start);
    if (customer) latestByCustomer.set(customer, target);
  }

  for (const c of open) advance(c, Number.POSITIVE_INFINITY);
  const newIds = assignCaseIds(open, knownIds);
  const caseOf = new Map<string, string>();
  for (const c of open) for (const id of c.record.conversations) caseOf.set(id, c.record.id);

  const scoresByConversation = new Map<string, Survey[]>();
  for (const s of surveys) {
    const list = scoresByConversation.get(s.conversationId) ?? [];
    list.push(s);
    scoresByConversation.set(s.conversationId, list);
  }

  const cases = open.map(({ record, facts: convs, resolvedAt }) => {
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

function newCase(f: ConversationFacts, config: EventLogConfig): OpenCase {
  return {
    record: {
      id: f.explicitCaseId ?? '',
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
    outcomes: [],
  };
}

/**
 * Gives each case its id: the explicit attribute's value; else the oldest id a previous run gave to one of
 * its conversations (so importing more data never renames a case); else a new `SR-YYYYMMDD-NNNNN`,
 * numbered per day of first contact after the highest number in use. Returns the ids to remember.
 */
function assignCaseIds(cases: OpenCase[], knownIds: ReadonlyMap<string, string>): Map<string, string> {
  const used = new Set<string>(cases.flatMap((c) => (c.record.id ? [c.record.id] : [])));
  for (const id of knownIds.values()) used.add(id);
  const daySequence = new Map<string, number>();
  for (const id of used) {
    const m = /^SR-(\d{8})-(\d{5})$/.exec(id);
    if (m?.[1] && m[2]) daySequence.set(m[1], Math.max(daySequence.get(m[1]) ?? 0, Number(m[2])));
  }
  const claimed = new Set<string>(cases.flatMap((c) => (c.record.id ? [c.record.id] : [])));
  const remember = new Map<string, string>();
  for (const c of cases) {
    if (c.record.id) continue;
    const known = c.record.conversations
      .flatMap((id) => knownIds.get(id) ?? [])
      .filter((id) => !claimed.has(id))
      .sort()[0];
    if (known) {
      c.record.id = known;
    } else {
      const day = new Date(c.record.firstContact).toISOString().slice(0, 10).replaceAll('-', '');
      let n = daySequence.get(day) ?? 0;
      do {
        n += 1;
        c.record.id = `SR-${day}-${String(n).padStart(5, '0')}`;
      } while (used.has(c.record.id));
      daySequence.set(day, n);
      used.add(c.record.id);
    }
    claimed.add(c.record.id);
    if (knownIds.get(c.record.firstConversationId) !== c.record.id)
      remember.set(c.record.firstConversationId, c.record.id);
  }
  return remember;
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
