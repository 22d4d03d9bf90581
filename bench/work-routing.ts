/**
 * Work routing decisions, in memory (no store): bestAgent latency over 1k agents, and the latency of one
 * nextAssignments pass over 10k open items × 1k agents (as generated: the free slots run out first; and
 * saturating: room for every item). Data are generated from a fixed seed.
 * Prints JSON. Usage: node --import tsx bench/work-routing.ts [-- --agents 1000 --items 10000 --runs 30]
 */
import {
  bestAgent,
  nextAssignments,
  type Presence,
  type RoutingAgent,
  type RoutingItem,
} from '../src/work/routing/index.ts';
import { percentile, random } from './stats.ts';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const agentCount = arg('agents', 1000);
const itemCount = arg('items', 10_000);
const runs = arg('runs', 30);
const calls = arg('calls', 10_000);

const rnd = random(7);
const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
const int = (min: number, max: number) => min + Math.floor(rnd() * (max - min + 1));

const SKILLS = Array.from({ length: 20 }, (_, i) => `skill-${i}`);
const LANGUAGES = ['fr', 'en', 'nl', 'de'];
const PRESENCES: Presence[] = ['available', 'available', 'available', 'available', 'busy', 'away', 'offline'];
const now = Date.parse('2026-03-02T12:00:00Z');

const agents: RoutingAgent[] = Array.from({ length: agentCount }, (_, i) => {
  const skills: Record<string, number> = {};
  for (let k = int(3, 8); k > 0; k--) skills[pick(SKILLS)] = int(1, 5);
  const capacity = int(1, 3);
  return {
    id: `agent-${String(i).padStart(4, '0')}`,
    presence: pick(PRESENCES),
    skills,
    languages: rnd() < 0.5 ? [pick(LANGUAGES)] : [pick(LANGUAGES), pick(LANGUAGES)],
    groups: rnd() < 0.1 ? ['tier-2'] : [],
    capacity,
    load: int(0, capacity),
    lastIdleAt: now - int(0, 3_600_000),
  };
});

const items: RoutingItem[] = Array.from({ length: itemCount }, (_, i) => {
  const createdAt = now - int(0, 86_400_000);
  return {
    id: `item-${String(i).padStart(5, '0')}`,
    priority: int(0, 100),
    dueAt: rnd() < 0.9 ? createdAt + int(3_600_000, 3 * 86_400_000) : null,
    createdAt,
    requiredSkills: Array.from({ length: int(1, 2) }, () => ({
      skill: pick(SKILLS),
      minProficiency: int(1, 3),
    })),
    language: rnd() < 0.3 ? pick(LANGUAGES) : null,
    agentGroup: rnd() < 0.05 ? 'tier-2' : null,
  };
});

const round = (ms: number) => Math.round(ms * 1000) / 1000;
function measure(times: number, body: (i: number) => unknown): { p50Ms: number; p99Ms: number; n: number } {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = process.hrtime.bigint();
    body(i);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return {
    p50Ms: round(percentile(samples, 0.5)),
    p99Ms: round(percentile(samples, 0.99)),
    n: samples.length,
  };
}

// Warm-up so that the figures measure optimized code, not the JIT.
for (let i = 0; i < 2000; i++) bestAgent(items[i % items.length] as RoutingItem, agents, now);
nextAssignments(items, agents, now);

let found = 0;
const best = measure(calls, (i) => {
  if (bestAgent(items[i % items.length] as RoutingItem, agents, now) !== null) found++;
});
let assigned = 0;
const pass = measure(runs, () => {
  assigned = nextAssignments(items, agents, now).length;
});

// Upper bound of one pass: every agent available with room for ten items, so that all 10k items are
// assigned in the pass (10k decisions instead of the few hundred the free slots above allow).
const roomy = agents.map((a) => ({ ...a, presence: 'available' as const, capacity: 10, load: 0 }));
let saturated = 0;
const saturating = measure(Math.max(3, Math.round(runs / 6)), () => {
  saturated = nextAssignments(items, roomy, now).length;
});

const available = agents.filter((a) => a.presence === 'available');
console.log(
  JSON.stringify(
    {
      bench: 'work-routing',
      agents: agentCount,
      availableAgents: available.length,
      freeSlots: available.reduce((sum, a) => sum + a.capacity - a.load, 0),
      bestAgent: { ...best, itemsWithAnAgent: found },
      nextAssignments: { items: itemCount, ...pass, assignmentsPerPass: assigned },
      nextAssignmentsSaturating: { items: itemCount, ...saturating, assignmentsPerPass: saturated },
    },
    null,
    2,
  ),
);
