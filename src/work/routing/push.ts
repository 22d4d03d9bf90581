import { compareByUrgency } from './pull.ts';
import type { Presence, RoutingAgent, RoutingItem } from './types.ts';

/** Why an agent cannot take an item (the first failed rule, checked in this order). */
export type Ineligibility =
  | { reason: 'declined' }
  | { reason: 'presence'; presence: Presence }
  | { reason: 'capacity'; capacity: number; load: number }
  | { reason: 'group'; group: string }
  | { reason: 'language'; language: string }
  | { reason: 'skill'; skill: string; required: number; proficiency: number | null };

/** The chosen agent and what ranked them. */
export interface AgentChoice {
  agentId: string;
  /** Lowest proficiency over the item's required skills (0 when the item requires none). */
  minProficiency: number;
  /** Sum of the proficiencies over the required skills (0 when the item requires none). */
  proficiencySum: number;
  /** Time since `lastIdleAt` at `now` (never negative); null when never recorded. */
  idleMs: number | null;
}

export interface Assignment extends AgentChoice {
  itemId: string;
}

const NOBODY: ReadonlySet<string> = new Set();

function proficiencyOf(agent: RoutingAgent, skill: string): number | null {
  return Object.hasOwn(agent.skills, skill) ? (agent.skills[skill] ?? null) : null;
}

function speaks(agent: RoutingAgent, language: string): boolean {
  const wanted = language.toLowerCase();
  return agent.languages.some((l) => l.toLowerCase() === wanted);
}

/**
 * Checks the eligibility rules and, when they all pass, returns the agent's proficiency figures for the
 * item. One pass over the rules so that the hot loop looks each skill up once.
 */
function evaluate(
  item: RoutingItem,
  agent: RoutingAgent,
  declined: ReadonlySet<string>,
): Ineligibility | { minProficiency: number; proficiencySum: number } {
  if (declined.has(agent.id)) return { reason: 'declined' };
  if (agent.presence !== 'available') return { reason: 'presence', presence: agent.presence };
  if (agent.load >= agent.capacity) return { reason: 'capacity', capacity: agent.capacity, load: agent.load };
  if (item.agentGroup !== null && !agent.groups.includes(item.agentGroup)) {
    return { reason: 'group', group: item.agentGroup };
  }
  if (item.language !== null && !speaks(agent, item.language)) {
    return { reason: 'language', language: item.language };
  }
  let min = Number.POSITIVE_INFINITY;
  let sum = 0;
  for (const { skill, minProficiency } of item.requiredSkills) {
    const required = minProficiency ?? 1;
    const proficiency = proficiencyOf(agent, skill);
    if (proficiency === null || proficiency < required) {
      return { reason: 'skill', skill, required, proficiency };
    }
    if (proficiency < min) min = proficiency;
    sum += proficiency;
  }
  return { minProficiency: item.requiredSkills.length === 0 ? 0 : min, proficiencySum: sum };
}

/** Why `agent` cannot take `item` now, or null when they can. */
export function ineligibility(
  item: RoutingItem,
  agent: RoutingAgent,
  declined: ReadonlySet<string> = NOBODY,
): Ineligibility | null {
  const result = evaluate(item, agent, declined);
  return 'reason' in result ? result : null;
}

/**
 * Ranking of eligible agents: the weakest required skill first (an agent at 5 and 1 is not a better match
 * than one at 3 and 3 for an item that needs both), then the sum over the required skills, then the
 * longest idle, then the agent id so that the choice never depends on input order.
 */
function better(a: AgentChoice, b: AgentChoice): boolean {
  if (a.minProficiency !== b.minProficiency) return a.minProficiency > b.minProficiency;
  if (a.proficiencySum !== b.proficiencySum) return a.proficiencySum > b.proficiencySum;
  const idleA = a.idleMs ?? Number.POSITIVE_INFINITY;
  const idleB = b.idleMs ?? Number.POSITIVE_INFINITY;
  if (idleA !== idleB) return idleA > idleB;
  return a.agentId < b.agentId;
}

/**
 * The best agent for `item` at `now`, or null when nobody qualified is free. Eligible: presence available,
 * free workitem capacity, member of the item's agent group if it names one, speaks its language if it
 * names one, every required skill at or above its minimum, and not in `declined` (agents who declined
 * the item or let the offer expire).
 */
export function bestAgent(
  item: RoutingItem,
  agents: readonly RoutingAgent[],
  now: number,
  declined: ReadonlySet<string> = NOBODY,
): AgentChoice | null {
  let best: AgentChoice | null = null;
  for (const agent of agents) {
    const result = evaluate(item, agent, declined);
    if ('reason' in result) continue;
    const choice: AgentChoice = {
      agentId: agent.id,
      minProficiency: result.minProficiency,
      proficiencySum: result.proficiencySum,
      idleMs: agent.lastIdleAt === null ? null : Math.max(0, now - agent.lastIdleAt),
    };
    if (best === null || better(choice, best)) best = choice;
  }
  return best;
}

/** The rules an item is matched on: items with the same key have the same eligible agents. */
function requirementKey(item: RoutingItem): string {
  const skills = item.requiredSkills.map((s) => `${s.skill}\u0000${s.minProficiency ?? 1}`).sort();
  return `${skills.join('\u0001')}\u0002${item.language?.toLowerCase() ?? ''}\u0002${item.agentGroup ?? ''}`;
}

/**
 * One push-routing pass, run on item creation and whenever an agent frees capacity: items are taken in
 * urgency order (priority, due date, creation, id) and each goes to its best agent among those with
 * capacity left. Capacity is counted across the pass (an agent with two free slots gets at most two
 * items) and an agent who just received an item counts as idle from `now`, so that equally qualified
 * agents share the work instead of the longest idle one filling up first. `declinedByItem` lists, per
 * item id, the agents who declined it or let the offer expire. Returns the assignments in the order made.
 */
export function nextAssignments(
  items: readonly RoutingItem[],
  agents: readonly RoutingAgent[],
  now: number,
  declinedByItem: ReadonlyMap<string, ReadonlySet<string>> = new Map(),
): Assignment[] {
  // Working copies: the pass changes load and idle time, never the caller's objects. Agents who fill up
  // stay in the lists; the capacity rule turns them away.
  const pool: RoutingAgent[] = agents
    .filter((a) => a.presence === 'available' && a.load < a.capacity)
    .map((a) => ({ ...a }));
  const byId = new Map(pool.map((a) => [a.id, a]));
  let freeSlots = pool.reduce((sum, a) => sum + a.capacity - a.load, 0);
  // An agent qualifies only if they hold every required skill, so an item is matched against the holders
  // of its rarest skill instead of the whole pool.
  const holders = new Map<string, RoutingAgent[]>();
  for (const agent of pool) {
    for (const skill of Object.keys(agent.skills)) {
      const list = holders.get(skill);
      if (list) list.push(agent);
      else holders.set(skill, [agent]);
    }
  }
  const candidatesFor = (item: RoutingItem): readonly RoutingAgent[] => {
    let smallest: readonly RoutingAgent[] = pool;
    for (const { skill } of item.requiredSkills) {
      const list = holders.get(skill) ?? [];
      if (list.length < smallest.length) smallest = list;
    }
    return smallest;
  };
  // Capacity only shrinks during a pass, so a requirement nobody could meet stays unmet.
  const unmet = new Set<string>();
  const assignments: Assignment[] = [];
  for (const item of [...items].sort(compareByUrgency)) {
    if (freeSlots === 0) break;
    const key = requirementKey(item);
    if (unmet.has(key)) continue;
    const declined = declinedByItem.get(item.id) ?? NOBODY;
    const choice = bestAgent(item, candidatesFor(item), now, declined);
    if (choice === null) {
      if (declined.size === 0) unmet.add(key);
      continue;
    }
    assignments.push({ itemId: item.id, ...choice });
    const agent = byId.get(choice.agentId) as RoutingAgent;
    agent.load += 1;
    agent.lastIdleAt = now;
    freeSlots -= 1;
  }
  return assignments;
}

/** A pushed item waiting for the agent's answer. */
export interface Offer {
  itemId: string;
  agentId: string;
  offeredAt: number;
}

/** When an unanswered offer lapses (epoch ms). */
export function offerDeadline(offer: Offer, timeoutSeconds: number): number {
  return offer.offeredAt + timeoutSeconds * 1000;
}

/**
 * True once the agent has had `timeoutSeconds` to answer: at exactly N s the offer has lapsed and the
 * item goes to the next agent (the agent joins the item's declined set).
 */
export function offerExpired(offer: Offer, now: number, timeoutSeconds: number): boolean {
  return now >= offerDeadline(offer, timeoutSeconds);
}
