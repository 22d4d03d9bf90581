import { describe, expect, it } from 'vitest';
import {
  bestAgent,
  compareByUrgency,
  DEFAULT_REPRIORITIZATION,
  ineligibility,
  type NoAgentActionKind,
  type NoAgentRules,
  nextAssignments,
  nextNoAgentCheck,
  noAgentActionsDue,
  noAgentRulesSchema,
  offerDeadline,
  offerExpired,
  orderWorkbin,
  type PrioritizedItem,
  priorityAt,
  type RoutingAgent,
  type RoutingItem,
  reprioritizationSchema,
  reprioritize,
  resolveSlaPolicy,
  type SlaPolicy,
  type SlaTrackedItem,
  slaEscalationAt,
  slaEscalationDue,
  slaPolicySchema,
  urgency,
} from '../src/work/routing/index.ts';

/**
 * Routing decisions of work automation on hand-built scenarios. Every decision takes `now` explicitly:
 * time moves by changing that number, never by waiting.
 */

const T0 = Date.parse('2026-03-02T08:00:00Z');
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

function agent(id: string, over: Partial<RoutingAgent> = {}): RoutingAgent {
  return {
    id,
    presence: 'available',
    skills: { billing: 3 },
    languages: ['fr'],
    groups: [],
    capacity: 1,
    load: 0,
    lastIdleAt: T0 - HOUR,
    ...over,
  };
}

function item(id: string, over: Partial<RoutingItem> = {}): RoutingItem {
  return {
    id,
    priority: 10,
    dueAt: T0 + 8 * HOUR,
    createdAt: T0,
    requiredSkills: [{ skill: 'billing' }],
    language: null,
    agentGroup: null,
    ...over,
  };
}

const now = T0 + 10 * MINUTE;

describe('push: eligibility', () => {
  it('excludes an agent missing one of the required skills, whatever their other proficiencies', () => {
    const it2 = item('w1', { requiredSkills: [{ skill: 'billing' }, { skill: 'refunds' }] });
    const expert = agent('a-expert', { skills: { billing: 5 } });
    const both = agent('b-both', { skills: { billing: 1, refunds: 1 } });
    expect(ineligibility(it2, expert)).toEqual({
      reason: 'skill',
      skill: 'refunds',
      required: 1,
      proficiency: null,
    });
    expect(ineligibility(it2, both)).toBeNull();
    expect(bestAgent(it2, [expert, both], now)?.agentId).toBe('b-both');
    expect(bestAgent(it2, [expert], now)).toBeNull();
  });

  it('applies a required minimum proficiency when the item sets one', () => {
    const strict = item('w1', { requiredSkills: [{ skill: 'billing', minProficiency: 4 }] });
    expect(ineligibility(strict, agent('a', { skills: { billing: 3 } }))).toEqual({
      reason: 'skill',
      skill: 'billing',
      required: 4,
      proficiency: 3,
    });
    expect(ineligibility(strict, agent('b', { skills: { billing: 4 } }))).toBeNull();
  });

  it('does not mistake object prototype names for skills', () => {
    const odd = item('w1', { requiredSkills: [{ skill: 'constructor' }] });
    expect(ineligibility(odd, agent('a'))).toMatchObject({ reason: 'skill', proficiency: null });
  });

  it('requires presence available, free capacity, the language and the agent group', () => {
    const fr = item('w1', { language: 'FR' });
    expect(ineligibility(fr, agent('a', { presence: 'busy' }))).toEqual({
      reason: 'presence',
      presence: 'busy',
    });
    expect(ineligibility(fr, agent('a', { presence: 'away' }))).toEqual({
      reason: 'presence',
      presence: 'away',
    });
    expect(ineligibility(fr, agent('a', { capacity: 2, load: 2 }))).toEqual({
      reason: 'capacity',
      capacity: 2,
      load: 2,
    });
    expect(ineligibility(fr, agent('a', { languages: ['en'] }))).toEqual({
      reason: 'language',
      language: 'FR',
    });
    expect(ineligibility(fr, agent('a', { languages: ['en', 'fr'] }))).toBeNull();
    const grouped = item('w2', { agentGroup: 'tier-2' });
    expect(ineligibility(grouped, agent('a'))).toEqual({ reason: 'group', group: 'tier-2' });
    expect(ineligibility(grouped, agent('a', { groups: ['tier-2'] }))).toBeNull();
  });

  it('skips a full agent for one with room', () => {
    const full = agent('a-full', { skills: { billing: 5 }, capacity: 1, load: 1 });
    const room = agent('b-room', { skills: { billing: 2 } });
    expect(bestAgent(item('w1'), [full, room], now)?.agentId).toBe('b-room');
  });
});

describe('push: ranking', () => {
  it('ranks by the weakest required skill, then by the sum', () => {
    const two = item('w1', { requiredSkills: [{ skill: 'billing' }, { skill: 'refunds' }] });
    const lopsided = agent('a', { skills: { billing: 5, refunds: 1 } }); // min 1, sum 6
    const even = agent('b', { skills: { billing: 3, refunds: 3 } }); // min 3, sum 6
    const better = agent('c', { skills: { billing: 4, refunds: 3 } }); // min 3, sum 7
    expect(bestAgent(two, [lopsided, even], now)).toMatchObject({
      agentId: 'b',
      minProficiency: 3,
      proficiencySum: 6,
    });
    expect(bestAgent(two, [lopsided, even, better], now)?.agentId).toBe('c');
  });

  it('prefers higher proficiency over longer idle time', () => {
    const idle = agent('a', { skills: { billing: 2 }, lastIdleAt: T0 - 5 * HOUR });
    const skilled = agent('b', { skills: { billing: 4 }, lastIdleAt: now - SECOND });
    expect(bestAgent(item('w1'), [idle, skilled], now)?.agentId).toBe('b');
  });

  it('breaks equal proficiency by the longest idle, then by agent id', () => {
    const recent = agent('a', { lastIdleAt: now - MINUTE });
    const longest = agent('z', { lastIdleAt: now - HOUR });
    expect(bestAgent(item('w1'), [recent, longest], now)).toMatchObject({ agentId: 'z', idleMs: HOUR });
    const never = agent('m', { lastIdleAt: null });
    expect(bestAgent(item('w1'), [recent, longest, never], now)).toMatchObject({
      agentId: 'm',
      idleMs: null,
    });
    const twinB = agent('b', { lastIdleAt: now - HOUR });
    expect(bestAgent(item('w1'), [longest, twinB], now)?.agentId).toBe('b');
    expect(bestAgent(item('w1'), [twinB, longest], now)?.agentId).toBe('b');
  });

  it('counts an idle time stamped after now as zero', () => {
    const skewed = agent('a', { lastIdleAt: now + MINUTE });
    expect(bestAgent(item('w1'), [skewed], now)?.idleMs).toBe(0);
  });

  it('ranks by idle time alone when the item requires no skill', () => {
    const free = item('w1', { requiredSkills: [] });
    const chosen = bestAgent(
      free,
      [agent('a', { lastIdleAt: now - MINUTE }), agent('b', { skills: {} })],
      now,
    );
    expect(chosen).toEqual({
      agentId: 'b',
      minProficiency: 0,
      proficiencySum: 0,
      idleMs: HOUR + 10 * MINUTE,
    });
  });
});

describe('push: decline and timeout', () => {
  const agents = [
    agent('a', { skills: { billing: 5 } }),
    agent('b', { skills: { billing: 4 } }),
    agent('c', { skills: { billing: 3 } }),
  ];

  it('moves to the next agent after a decline, then after a timeout, then to nobody', () => {
    const w = item('w1');
    expect(bestAgent(w, agents, now)?.agentId).toBe('a');
    const declined = new Set(['a']);
    expect(ineligibility(w, agents[0] as RoutingAgent, declined)).toEqual({ reason: 'declined' });
    expect(bestAgent(w, agents, now, declined)?.agentId).toBe('b');

    const offer = { itemId: 'w1', agentId: 'b', offeredAt: now };
    expect(offerExpired(offer, now + 30 * SECOND - 1, 30)).toBe(false);
    expect(offerExpired(offer, now + 30 * SECOND, 30)).toBe(true);
    declined.add('b');
    expect(bestAgent(w, agents, now + 30 * SECOND, declined)?.agentId).toBe('c');
    declined.add('c');
    expect(bestAgent(w, agents, now + 30 * SECOND, declined)).toBeNull();
  });

  it('expires an offer at exactly N seconds, not before', () => {
    const offer = { itemId: 'w1', agentId: 'a', offeredAt: now };
    expect(offerDeadline(offer, 20)).toBe(now + 20 * SECOND);
    expect(offerExpired(offer, now, 20)).toBe(false);
    expect(offerExpired(offer, now + 19_999, 20)).toBe(false);
    expect(offerExpired(offer, now + 20_000, 20)).toBe(true);
    expect(offerExpired(offer, now + 20_001, 20)).toBe(true);
  });

  it('excludes declined agents per item within a pass', () => {
    const declinedByItem = new Map([['w1', new Set(['a'])]]);
    const result = nextAssignments([item('w1')], agents, now, declinedByItem);
    expect(result.map((r) => r.agentId)).toEqual(['b']);
  });

  it('lets an item declined by everyone wait without blocking the next item of the same kind', () => {
    const declinedByItem = new Map([['w1', new Set(['a'])]]);
    const items = [item('w1', { priority: 9 }), item('w2', { priority: 1 })];
    const result = nextAssignments(items, [agent('a')], now, declinedByItem);
    expect(result.map((r) => [r.itemId, r.agentId])).toEqual([['w2', 'a']]);
  });
});

describe('push: nextAssignments', () => {
  it('gives the most urgent items first: priority, then due date, then creation', () => {
    const items = [
      item('low', { priority: 1 }),
      item('late-due', { priority: 5, dueAt: T0 + 9 * HOUR }),
      item('early-due', { priority: 5, dueAt: T0 + 2 * HOUR }),
      item('high', { priority: 9 }),
      item('early-due-newer', { priority: 5, dueAt: T0 + 2 * HOUR, createdAt: T0 + MINUTE }),
    ];
    const result = nextAssignments(items, [agent('a', { capacity: 3 })], now);
    expect(result.map((r) => r.itemId)).toEqual(['high', 'early-due', 'early-due-newer']);
  });

  it('respects capacity across the pass: capacity 2 gets two items, a full agent none', () => {
    const items = ['w1', 'w2', 'w3', 'w4'].map((id) => item(id));
    const result = nextAssignments(
      items,
      [agent('a', { capacity: 2 }), agent('full', { skills: { billing: 5 }, capacity: 2, load: 2 })],
      now,
    );
    expect(result.map((r) => [r.itemId, r.agentId])).toEqual([
      ['w1', 'a'],
      ['w2', 'a'],
    ]);
  });

  it('counts the load already held: capacity 3 with 1 held takes two more', () => {
    const items = ['w1', 'w2', 'w3'].map((id) => item(id));
    expect(nextAssignments(items, [agent('a', { capacity: 3, load: 1 })], now)).toHaveLength(2);
  });

  it('shares work between equally qualified agents: the one just assigned is no longer the longest idle', () => {
    const items = ['w1', 'w2', 'w3', 'w4'].map((id) => item(id));
    const agents = [
      agent('a', { capacity: 2, lastIdleAt: now - 2 * HOUR }),
      agent('b', { capacity: 2, lastIdleAt: now - HOUR }),
    ];
    const result = nextAssignments(items, agents, now);
    expect(result.map((r) => r.agentId)).toEqual(['a', 'b', 'a', 'b']);
    expect(agents[0]).toMatchObject({ load: 0, lastIdleAt: now - 2 * HOUR }); // inputs untouched
  });

  it('still sends each item to its best agent: proficiency before spreading', () => {
    const items = ['w1', 'w2'].map((id) => item(id));
    const agents = [
      agent('expert', { skills: { billing: 5 }, capacity: 2 }),
      agent('novice', { capacity: 2 }),
    ];
    expect(nextAssignments(items, agents, now).map((r) => r.agentId)).toEqual(['expert', 'expert']);
  });

  it('lets a less urgent item through when the urgent one has no qualified agent', () => {
    const items = [
      item('urgent-nl', { priority: 9, language: 'nl' }),
      item('urgent-tax', { priority: 8, requiredSkills: [{ skill: 'tax' }] }),
      item('other-tax', { priority: 7, requiredSkills: [{ skill: 'tax' }] }),
      item('plain', { priority: 1 }),
    ];
    const result = nextAssignments(items, [agent('a')], now);
    expect(result.map((r) => r.itemId)).toEqual(['plain']);
  });

  it('assigns nothing when no agent is available', () => {
    const agents = [agent('a', { presence: 'offline' }), agent('b', { presence: 'busy' })];
    expect(nextAssignments([item('w1')], agents, now)).toEqual([]);
  });

  it('routes a group-targeted item only to that group and the rest elsewhere', () => {
    const items = [item('esc', { priority: 9, agentGroup: 'tier-2' }), item('w2', { priority: 1 })];
    const agents = [agent('a', { skills: { billing: 5 } }), agent('t2', { groups: ['tier-2'] })];
    expect(nextAssignments(items, agents, now).map((r) => [r.itemId, r.agentId])).toEqual([
      ['esc', 't2'],
      ['w2', 'a'],
    ]);
  });

  it('makes the same assignments as the plain rule, one bestAgent call per item over every agent', () => {
    let state = 11; // xorshift32: a fixed, seeded scenario
    const next = (n: number) => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) % n;
    };
    const skills = ['billing', 'refunds', 'tax', 'claims', 'kyc'];
    const agents = Array.from({ length: 40 }, (_, i) =>
      agent(`a${String(i).padStart(2, '0')}`, {
        presence: next(5) === 0 ? 'away' : 'available',
        skills: Object.fromEntries(skills.filter(() => next(2) === 0).map((s) => [s, 1 + next(5)])),
        languages: next(2) === 0 ? ['fr'] : ['fr', 'nl'],
        groups: next(6) === 0 ? ['tier-2'] : [],
        capacity: 1 + next(3),
        load: next(2),
        lastIdleAt: now - next(50) * MINUTE,
      }),
    );
    const items = Array.from({ length: 300 }, (_, i) =>
      item(`w${i}`, {
        priority: next(10),
        dueAt: T0 + next(20) * HOUR,
        requiredSkills: skills
          .filter(() => next(3) === 0)
          .map((s) => ({ skill: s, minProficiency: 1 + next(3) })),
        language: next(4) === 0 ? 'nl' : null,
        agentGroup: next(15) === 0 ? 'tier-2' : null,
      }),
    );
    const declinedByItem = new Map(
      items.filter(() => next(10) === 0).map((i) => [i.id, new Set(['a01', 'a02'])]),
    );

    const working = agents.map((a) => ({ ...a }));
    const expected = [];
    for (const w of [...items].sort(compareByUrgency)) {
      const choice = bestAgent(w, working, now, declinedByItem.get(w.id));
      if (choice === null) continue;
      expected.push({ itemId: w.id, ...choice });
      const chosen = working.find((a) => a.id === choice.agentId) as RoutingAgent;
      chosen.load += 1;
      chosen.lastIdleAt = now;
    }
    expect(expected.length).toBeGreaterThan(20);
    expect(nextAssignments(items, agents, now, declinedByItem)).toEqual(expected);
  });

  it('does not depend on input order', () => {
    const items = ['w1', 'w2', 'w3', 'w4', 'w5'].map((id, i) => item(id, { priority: i % 2 }));
    const agents = [agent('a', { capacity: 2 }), agent('b', { capacity: 2 }), agent('c')];
    const forward = nextAssignments(items, agents, now);
    const backward = nextAssignments([...items].reverse(), [...agents].reverse(), now);
    expect(backward).toEqual(forward);
    expect(forward).toHaveLength(5);
  });
});

describe('pull: workbin order', () => {
  it('orders by priority, then due date (undated last), then creation, then id', () => {
    const base = { createdAt: T0 };
    const items = [
      { id: 'undated', priority: 5, dueAt: null, ...base },
      { id: 'due-later', priority: 5, dueAt: T0 + 2 * HOUR, ...base },
      { id: 'low', priority: 1, dueAt: T0 + MINUTE, ...base },
      { id: 'due-soon-b', priority: 5, dueAt: T0 + HOUR, ...base },
      { id: 'due-soon-a', priority: 5, dueAt: T0 + HOUR, ...base },
      { id: 'due-soon-old', priority: 5, dueAt: T0 + HOUR, createdAt: T0 - HOUR },
      { id: 'top', priority: 8, dueAt: null, ...base },
    ];
    const ordered = orderWorkbin(items).map((i) => i.id);
    expect(ordered).toEqual([
      'top',
      'due-soon-old',
      'due-soon-a',
      'due-soon-b',
      'due-later',
      'undated',
      'low',
    ]);
    expect(items[0]?.id).toBe('undated'); // a new array
    expect(orderWorkbin([...items].reverse()).map((i) => i.id)).toEqual(ordered);
    expect(compareByUrgency(items[4] as (typeof items)[number], items[4] as (typeof items)[number])).toBe(0);
  });
});

describe('no qualified agent free: queue rules', () => {
  const rules: NoAgentRules = noAgentRulesSchema.parse({
    raisePriority: { afterSeconds: 300, by: 5, max: 20 },
    moveToQueue: { afterSeconds: 900, queueId: 'q-overflow' },
    alertSupervisor: { afterSeconds: 600 },
  });
  const since = T0;
  const waiting = (applied: NoAgentActionKind[] = [], basePriority = 10) => ({
    basePriority,
    waitingSince: since,
    applied,
  });

  it('fires each rule from exactly its time on, not a millisecond before', () => {
    expect(noAgentActionsDue(waiting(), rules, since + 300 * SECOND - 1)).toEqual([]);
    expect(noAgentActionsDue(waiting(), rules, since + 300 * SECOND)).toEqual([
      { kind: 'raise-priority', at: since + 300 * SECOND, from: 10, to: 15 },
    ]);
    expect(noAgentActionsDue(waiting(['raise-priority']), rules, since + 600 * SECOND - 1)).toEqual([]);
    expect(noAgentActionsDue(waiting(['raise-priority']), rules, since + 600 * SECOND)).toEqual([
      { kind: 'alert-supervisor', at: since + 600 * SECOND, supervisorId: null },
    ]);
    expect(
      noAgentActionsDue(waiting(['raise-priority', 'alert-supervisor']), rules, since + 900 * SECOND),
    ).toEqual([{ kind: 'move-queue', at: since + 900 * SECOND, queueId: 'q-overflow' }]);
  });

  it('never returns an applied action again', () => {
    const applied: NoAgentActionKind[] = [];
    const seen: string[] = [];
    for (let t = since; t <= since + HOUR; t += 30 * SECOND) {
      for (const action of noAgentActionsDue(waiting(applied), rules, t)) {
        seen.push(action.kind);
        applied.push(action.kind);
      }
    }
    expect(seen).toEqual(['raise-priority', 'alert-supervisor', 'move-queue']);
    expect(nextNoAgentCheck(waiting(applied), rules)).toBeNull();
  });

  it('catches up in time order when checked late, stopping at the move', () => {
    expect(noAgentActionsDue(waiting(), rules, since + 2 * HOUR).map((a) => a.kind)).toEqual([
      'raise-priority',
      'alert-supervisor',
      'move-queue',
    ]);
    const alertAfterMove = noAgentRulesSchema.parse({
      moveToQueue: { afterSeconds: 60, queueId: 'q2' },
      alertSupervisor: { afterSeconds: 120, supervisorId: 'sup-1' },
    });
    expect(noAgentActionsDue(waiting(), alertAfterMove, since + HOUR).map((a) => a.kind)).toEqual([
      'move-queue',
    ]);
    const sameTime = noAgentRulesSchema.parse({
      moveToQueue: { afterSeconds: 60, queueId: 'q2' },
      alertSupervisor: { afterSeconds: 60, supervisorId: 'sup-1' },
    });
    expect(noAgentActionsDue(waiting(), sameTime, since + 60 * SECOND).map((a) => a.kind)).toEqual([
      'alert-supervisor',
      'move-queue',
    ]);
  });

  it('bounds the raise and never lowers a priority already above the bound', () => {
    expect(noAgentActionsDue(waiting([], 18), rules, since + 300 * SECOND)[0]).toMatchObject({
      from: 18,
      to: 20,
    });
    expect(noAgentActionsDue(waiting([], 25), rules, since + 300 * SECOND)[0]).toMatchObject({
      from: 25,
      to: 25,
    });
  });

  it('tells the scheduler when to look next', () => {
    expect(nextNoAgentCheck(waiting(), rules)).toBe(since + 300 * SECOND);
    expect(nextNoAgentCheck(waiting(['raise-priority']), rules)).toBe(since + 600 * SECOND);
    expect(nextNoAgentCheck(waiting(), noAgentRulesSchema.parse({}))).toBeNull();
  });

  it('refuses malformed rules with the field named', () => {
    const result = noAgentRulesSchema.safeParse({ raisePriority: { afterSeconds: -1, by: 5, max: 20 } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['raisePriority', 'afterSeconds']);
  });
});

describe('SLA escalation', () => {
  const policy: SlaPolicy = slaPolicySchema.parse({
    thresholdPercent: 80,
    escalation: { kind: 'supervisor-workbin', workbinId: 'wb-supervisor' },
  });
  const sla = 1000 * SECOND;
  const tracked = (over: Partial<SlaTrackedItem> = {}): SlaTrackedItem => ({
    createdAt: T0,
    dueAt: T0 + sla,
    finished: false,
    escalatedAt: null,
    ...over,
  });

  it('escalates at exactly 80 % of the SLA, not at 79.9 %', () => {
    expect(slaEscalationAt(tracked(), policy)).toBe(T0 + 800 * SECOND);
    expect(slaEscalationDue(tracked(), policy, T0 + 799 * SECOND)).toBeNull(); // 79.9 %
    expect(slaEscalationDue(tracked(), policy, T0 + 800 * SECOND - 1)).toBeNull();
    expect(slaEscalationDue(tracked(), policy, T0 + 800 * SECOND)).toEqual({
      at: T0 + 800 * SECOND,
      thresholdPercent: 80,
      escalation: { kind: 'supervisor-workbin', workbinId: 'wb-supervisor' },
    });
    expect(slaEscalationDue(tracked(), policy, T0 + 5 * sla)).not.toBeNull();
  });

  it('escalates once, and never a finished item or one without SLA', () => {
    const after = T0 + 900 * SECOND;
    expect(slaEscalationDue(tracked({ escalatedAt: T0 + 800 * SECOND }), policy, after)).toBeNull();
    expect(slaEscalationDue(tracked({ finished: true }), policy, after)).toBeNull();
    expect(slaEscalationDue(tracked({ dueAt: null }), policy, after)).toBeNull();
  });

  it('takes the queue policy before the work type policy', () => {
    const group: SlaPolicy = {
      thresholdPercent: 50,
      escalation: { kind: 'reassign-group', groupId: 'tier-2' },
    };
    const policies = { byQueue: new Map([['q-vip', group]]), byType: new Map([['claim', policy]]) };
    expect(resolveSlaPolicy(policies, 'q-vip', 'claim')).toBe(group);
    expect(resolveSlaPolicy(policies, 'q-other', 'claim')).toBe(policy);
    expect(resolveSlaPolicy(policies, 'q-other', 'other')).toBeNull();
    expect(slaEscalationDue(tracked(), group, T0 + 500 * SECOND)?.escalation).toEqual({
      kind: 'reassign-group',
      groupId: 'tier-2',
    });
  });

  it('refuses a threshold outside (0, 100]', () => {
    const escalation = { kind: 'reassign-group', groupId: 'g' };
    expect(slaPolicySchema.safeParse({ thresholdPercent: 0, escalation }).success).toBe(false);
    expect(slaPolicySchema.safeParse({ thresholdPercent: 101, escalation }).success).toBe(false);
    expect(slaPolicySchema.safeParse({ thresholdPercent: 100, escalation }).success).toBe(true);
  });
});

describe('re-prioritization', () => {
  const params = reprioritizationSchema.parse({});
  const open = (over: Partial<PrioritizedItem> = {}): PrioritizedItem => ({
    id: 'w1',
    basePriority: 20,
    priority: 20,
    createdAt: T0,
    dueAt: T0 + 10 * HOUR,
    ...over,
  });

  it('follows the documented formula', () => {
    expect(params).toEqual(DEFAULT_REPRIORITIZATION);
    expect(priorityAt(open(), params, T0)).toBe(20);
    expect(urgency(open(), T0 + 5 * HOUR)).toBe(0.5);
    expect(priorityAt(open(), params, T0 + 5 * HOUR)).toBe(45); // 20 + ⌊50 × 0.5⌋
    expect(priorityAt(open(), params, T0 + 8 * HOUR)).toBe(60);
    expect(priorityAt(open(), params, T0 + 10 * HOUR - 1)).toBe(69);
    expect(priorityAt(open(), params, T0 + 10 * HOUR)).toBe(100); // overdue: the top
    expect(priorityAt(open({ dueAt: null }), params, T0 + 100 * HOUR)).toBe(20);
    expect(priorityAt(open(), params, T0 - HOUR)).toBe(20);
  });

  it('is monotonic in time and capped', () => {
    for (const basePriority of [0, 20, 70, 99, 150]) {
      let previous = Number.NEGATIVE_INFINITY;
      for (let t = T0 - HOUR; t <= T0 + 12 * HOUR; t += 7 * MINUTE + 13 * SECOND) {
        const p = priorityAt(open({ basePriority }), params, t);
        expect(p).toBeGreaterThanOrEqual(previous);
        expect(p).toBeLessThanOrEqual(Math.max(basePriority, params.max));
        expect(p).toBeGreaterThanOrEqual(basePriority);
        previous = p;
      }
    }
    expect(priorityAt(open({ basePriority: 70 }), params, T0 + 9 * HOUR)).toBe(100); // 70 + 45 capped
  });

  it('puts overdue items above every not-yet-due item, most overdue first', () => {
    const t = T0 + 12 * HOUR;
    const items = [
      open({ id: 'urgent-not-due', basePriority: 90, dueAt: T0 + 13 * HOUR }),
      open({ id: 'overdue-recent', basePriority: 0, dueAt: T0 + 11 * HOUR }),
      open({ id: 'overdue-old', basePriority: 0, dueAt: T0 + 2 * HOUR }),
    ];
    const ranked = items.map((i) => ({
      id: i.id,
      priority: priorityAt(i, params, t),
      dueAt: i.dueAt,
      createdAt: i.createdAt,
    }));
    expect(orderWorkbin(ranked).map((i) => i.id)).toEqual([
      'overdue-old',
      'overdue-recent',
      'urgent-not-due',
    ]);
  });

  it('returns only the priorities that change, for every open item (workbins included)', () => {
    const items = [
      open({ id: 'unchanged', dueAt: null }),
      open({ id: 'halfway', dueAt: T0 + 2 * HOUR }),
      open({ id: 'overdue', dueAt: T0 + 30 * MINUTE, priority: 45 }),
    ];
    expect(reprioritize(items, params, T0 + HOUR)).toEqual([
      { id: 'halfway', from: 20, to: 45 },
      { id: 'overdue', from: 45, to: 100 },
    ]);
    const applied = items.map((i) => ({ ...i, priority: priorityAt(i, params, T0 + HOUR) }));
    expect(reprioritize(applied, params, T0 + HOUR)).toEqual([]);
  });
});
