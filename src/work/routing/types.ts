/**
 * Plain inputs of the routing decisions. Every time is epoch milliseconds (UTC) and every decision takes
 * `now` from the caller's clock, so the same inputs always give the same answer. The work store maps its
 * rows (ISO timestamps, skill rows, loads) to these shapes.
 */

export type Presence = 'available' | 'busy' | 'away' | 'offline';

export interface RequiredSkill {
  skill: string;
  /** Lowest proficiency (1–5) accepted for this skill; 1 when absent. */
  minProficiency?: number;
}

export interface RoutingAgent {
  id: string;
  presence: Presence;
  /** Skill name → proficiency 1–5. */
  skills: Readonly<Record<string, number>>;
  /** Language tags the agent works in (compared case-insensitively). */
  languages: readonly string[];
  /** Agent groups the agent belongs to: the queues they serve, teams. */
  groups: readonly string[];
  /** Work items (media type `workitem`) the agent may hold at once. */
  capacity: number;
  /** Work items assigned to the agent or offered to them (alerting) and not finished yet. */
  load: number;
  /**
   * Since when the agent has gone without new work: the later of their last assignment and their last
   * change to `available`. Null when never recorded, which ranks as the longest idle.
   */
  lastIdleAt: number | null;
}

/** What the orderings (push and workbin) look at. Higher priority is more urgent. */
export interface RankedItem {
  id: string;
  priority: number;
  dueAt: number | null;
  createdAt: number;
}

export interface RoutingItem extends RankedItem {
  requiredSkills: readonly RequiredSkill[];
  /** Language the item must be handled in, or null. */
  language: string | null;
  /**
   * When set, only members of this agent group are eligible: the item's queue when agents serve named
   * queues, or the group an SLA escalation reassigned it to.
   */
  agentGroup: string | null;
}
