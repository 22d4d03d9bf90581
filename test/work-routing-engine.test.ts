/**
 * Push routing, offers and the timed rules on the work store (PGlite), with an injected clock: hand-built
 * scenarios through WorkService, RoutingEngine and WorkScheduler.tick(now); incremental routing (the engine
 * following the changes: engine.settled(), no pass) with the same decisions, and its roster kept honest.
 */
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type OperationalStore, openOperationalStore } from '../src/store/index.ts';
import { RoutingEngine } from '../src/work/engine.ts';
import {
  createAgent,
  createQueue,
  createWorkbin,
  createWorkType,
  setPresence,
  systemActor,
  type WorkItem,
  WorkService,
} from '../src/work/index.ts';
import { WorkScheduler } from '../src/work/scheduler.ts';
import { tempDir } from './support.ts';

const ADMIN = systemActor('u-admin');
const START = Date.parse('2026-03-02T09:00:00.000Z');
const OFFER_SECONDS = 30;

let dir: string;
let operational: OperationalStore;
let clock: number;
let work: WorkService;
let engine: RoutingEngine;
let scheduler: WorkScheduler;

beforeEach(async () => {
  dir = tempDir('caseflow-routing-');
  operational = await openOperationalStore({ dataDir: dir });
  clock = START;
  work = new WorkService({ db: operational.db, defaultDivision: 'home', now: () => new Date(clock) });
  engine = new RoutingEngine(work, { offerTimeoutSeconds: OFFER_SECONDS });
  scheduler = new WorkScheduler(work, engine, {
    schedulerSeconds: 1,
    reprioritizeSeconds: 60,
    now: () => clock,
  });
}, 60_000);

afterEach(async () => {
  await scheduler.stop();
  await operational.close();
  rmSync(dir, { recursive: true, force: true });
});

const ctx = () => work.ctx;

async function queue(id: string, fields: Record<string, unknown> = {}) {
  await createQueue(ctx(), ADMIN, {
    id,
    name: id,
    divisionId: undefined,
    routingMethod: 'push',
    escalation: { noAgent: { raisePriority: null, moveToQueue: null, alertSupervisor: null }, sla: null },
    ...fields,
  } as Parameters<typeof createQueue>[2]);
}

async function type(id: string, fields: Record<string, unknown> = {}) {
  await createWorkType(ctx(), ADMIN, {
    id,
    name: id,
    description: null,
    divisionId: undefined,
    defaultQueueId: 'q',
    defaultWorkbinId: null,
    priority: 10,
    slaSeconds: null,
    requiredSkills: [],
    attributeSchema: {},
    waitingStatuses: [],
    slaEscalation: null,
    callback: null,
    ...fields,
  } as Parameters<typeof createWorkType>[2]);
}

async function agent(
  id: string,
  skills: Record<string, number>,
  options: { capacity?: number; queues?: string[]; teams?: string[]; available?: boolean } = {},
) {
  await createAgent(ctx(), ADMIN, {
    id,
    name: id,
    userId: null,
    externalAgentId: null,
    divisionId: undefined,
    skills,
    languages: [],
    capacity: { workitem: options.capacity ?? 1 },
    queues: options.queues ?? ['q'],
    teams: options.teams ?? [],
  } as Parameters<typeof createAgent>[2]);
  if (options.available ?? true) await setPresence(ctx(), ADMIN, id, 'available');
}

async function create(title: string, fields: Record<string, unknown> = {}): Promise<WorkItem> {
  const { item } = await work.createItem({ typeId: 't', title, attributes: {}, ...fields }, {}, ADMIN);
  return item;
}

const get = (id: string) => work.getItem(id, ADMIN);
const events = (id: string) => work.itemEvents(id, ADMIN);
const advance = (seconds: number) => {
  clock += seconds * 1000;
};

describe('push routing', () => {
  it('pushes a new item to the best agent: all skills, then proficiency, then longest idle', async () => {
    await queue('q');
    await type('t', { requiredSkills: [{ skill: 'addresses', minProficiency: 2 }] });
    await agent('novice', { addresses: 1 });
    advance(1);
    await agent('recent', { addresses: 4 });
    advance(1);
    await agent('expert-late', { addresses: 4 });
    await agent('unskilled', { billing: 5 });
    const unfollow = engine.follow();
    const item = await create('Move');
    await engine.route();
    unfollow();
    const routed = await get(item.id);
    // recent and expert-late are equally skilled: recent has been idle longer.
    expect(routed).toMatchObject({ status: 'assigned', assigneeId: 'recent' });
    const offer = (await events(item.id)).at(-1);
    expect(offer).toMatchObject({
      name: 'Work Item Assigned',
      actor: 'caseflow:routing',
      details: {
        agentId: 'recent',
        offer: true,
        expiresAt: new Date(clock + OFFER_SECONDS * 1000).toISOString(),
      },
    });
  });

  it('respects capacity: an agent with two free slots gets two items, the rest wait', async () => {
    await queue('q');
    await type('t');
    await agent('a', {}, { capacity: 2 });
    const items = [await create('1'), await create('2'), await create('3')];
    await engine.route();
    const states = await Promise.all(items.map((i) => get(i.id)));
    expect(states.map((s) => s.status).sort()).toEqual(['assigned', 'assigned', 'queued']);
    expect(states.filter((s) => s.assigneeId === 'a')).toHaveLength(2);
  });

  it('offers a declined item to the next agent and never again to the one who declined', async () => {
    await queue('q');
    await type('t', { requiredSkills: [{ skill: 's' }] });
    await agent('best', { s: 5 });
    await agent('second', { s: 3 });
    const item = await create('x');
    await engine.route();
    expect((await get(item.id)).assigneeId).toBe('best');
    await work.transition(item.id, { action: 'decline', reason: 'busy' }, systemActor('u-best'));
    await engine.route();
    expect(await get(item.id)).toMatchObject({ status: 'assigned', assigneeId: 'second' });
    await work.transition(item.id, { action: 'decline' }, systemActor('u-second'));
    await engine.route();
    // Both declined: the item waits for someone else.
    expect(await get(item.id)).toMatchObject({ status: 'queued', assigneeId: null });
  });

  it('declines an unanswered offer at exactly N seconds and offers it to the next agent', async () => {
    await queue('q');
    await type('t', { requiredSkills: [{ skill: 's' }] });
    await agent('best', { s: 5 });
    await agent('second', { s: 3 });
    const item = await create('x');
    await engine.route();
    advance(OFFER_SECONDS - 0.001);
    expect((await scheduler.tick()).expiredOffers).toBe(0);
    expect((await get(item.id)).assigneeId).toBe('best');
    advance(0.001);
    expect((await scheduler.tick()).expiredOffers).toBe(1);
    expect(await get(item.id)).toMatchObject({ status: 'assigned', assigneeId: 'second' });
    const names = (await events(item.id)).map((e) => [e.name, e.assigneeId, e.details.reason ?? null]);
    expect(names.slice(-2)).toEqual([
      ['Work Item Declined', null, 'timeout'],
      ['Work Item Assigned', 'second', null],
    ]);
  });

  it('an accepted offer does not lapse', async () => {
    await queue('q');
    await type('t');
    await agent('a', {});
    const item = await create('x');
    await engine.route();
    await work.transition(item.id, { action: 'start' }, systemActor('u-a'));
    advance(OFFER_SECONDS * 2);
    expect((await scheduler.tick()).expiredOffers).toBe(0);
    expect(await get(item.id)).toMatchObject({ status: 'in-progress', assigneeId: 'a' });
  });

  it('an agent becoming available picks up the oldest of the highest-priority waiting items', async () => {
    await queue('q');
    await type('t');
    await agent('a', {}, { available: false });
    const low = await create('low', { priority: 1 });
    advance(1);
    const oldHigh = await create('old high', { priority: 50 });
    advance(1);
    await create('new high', { priority: 50 });
    await engine.route();
    expect((await get(low.id)).status).toBe('queued');
    await setPresence(ctx(), ADMIN, 'a', 'available');
    await engine.route();
    expect(await get(oldHigh.id)).toMatchObject({ status: 'assigned', assigneeId: 'a' });
  });
});

describe('no qualified agent free', () => {
  it('raises priority, alerts a supervisor and moves queue at their times, each once', async () => {
    await queue('other');
    await queue('q', {
      escalation: {
        noAgent: {
          raisePriority: { afterSeconds: 60, by: 5, max: 100 },
          alertSupervisor: { afterSeconds: 120, supervisorId: 'u-sup' },
          moveToQueue: { afterSeconds: 300, queueId: 'other' },
        },
        sla: null,
      },
    });
    await type('t');
    const item = await create('x');
    const escalations = async () => (await events(item.id)).filter((e) => e.name === 'Work Item Escalated');
    advance(59.999);
    await scheduler.tick();
    expect(await get(item.id)).toMatchObject({ priority: 10, basePriority: 10 });
    advance(0.001);
    await scheduler.tick();
    await scheduler.tick();
    expect(await get(item.id)).toMatchObject({ priority: 15, basePriority: 15 });
    expect((await escalations()).map((e) => e.details.rule)).toEqual(['raise-priority']);
    advance(60);
    await scheduler.tick();
    await scheduler.tick();
    expect((await escalations()).map((e) => [e.details.rule, e.details.supervisorId ?? null])).toEqual([
      ['raise-priority', null],
      ['alert-supervisor', 'u-sup'],
    ]);
    advance(180);
    await scheduler.tick();
    await scheduler.tick();
    expect(await get(item.id)).toMatchObject({ status: 'queued', queueId: 'other', priority: 15 });
    const moves = (await events(item.id)).filter((e) => e.action === 'move');
    expect(moves).toHaveLength(1);
    expect(await escalations()).toHaveLength(2);
  });
});

describe('SLA escalation', () => {
  it('escalates to the supervisor’s workbin at exactly 80 % of the SLA, once', async () => {
    await queue('q');
    await createWorkbin(ctx(), ADMIN, {
      id: 'sup-bin',
      name: 'Supervisor',
      divisionId: undefined,
      ownerKind: 'supervisor',
      ownerId: 'u-sup',
    } as Parameters<typeof createWorkbin>[2]);
    await type('t', {
      slaSeconds: 1000,
      slaEscalation: {
        thresholdPercent: 80,
        escalation: { kind: 'supervisor-workbin', workbinId: 'sup-bin' },
      },
    });
    const item = await create('x');
    advance(799.999);
    expect((await scheduler.tick()).slaEscalations).toBe(0);
    advance(0.001);
    expect((await scheduler.tick()).slaEscalations).toBe(1);
    advance(100);
    expect((await scheduler.tick()).slaEscalations).toBe(0);
    expect(await get(item.id)).toMatchObject({ status: 'queued', workbinId: 'sup-bin' });
    const escalated = (await events(item.id)).filter((e) => e.name === 'Work Item Escalated');
    expect(escalated).toHaveLength(1);
    expect(escalated[0]).toMatchObject({
      actor: 'caseflow:sla',
      details: { reason: '80 % of the SLA elapsed' },
    });
  });
});

describe('re-prioritization', () => {
  it('reorders a workbin as due dates near, without an event per item', async () => {
    await queue('q');
    await createWorkbin(ctx(), ADMIN, {
      id: 'bin',
      name: 'Bin',
      divisionId: undefined,
      ownerKind: 'team',
      ownerId: 'team-1',
    } as Parameters<typeof createWorkbin>[2]);
    await type('t', { defaultQueueId: null, defaultWorkbinId: 'bin' });
    const relaxed = await create('relaxed', {
      priority: 20,
      dueAt: new Date(START + 100_000_000).toISOString(),
    });
    const urgent = await create('urgent', { priority: 10, dueAt: new Date(START + 1_000_000).toISOString() });
    const order = async () =>
      (await work.listItems({ workbinId: 'bin', order: 'priority', limit: 10, offset: 0 }, ADMIN)).items.map(
        (i) => i.title,
      );
    expect(await order()).toEqual(['relaxed', 'urgent']);
    const before = (await events(urgent.id)).length;
    advance(900); // 90 % of urgent's SLA: 10 + ⌊50 × 0.9⌋ = 55; relaxed: 20 + ⌊50 × 0.009⌋ = 20.
    expect((await scheduler.tick()).reprioritized).toBe(1);
    expect(await order()).toEqual(['urgent', 'relaxed']);
    expect(await get(urgent.id)).toMatchObject({ priority: 55, basePriority: 10 });
    expect(await get(relaxed.id)).toMatchObject({ priority: 20 });
    expect((await events(urgent.id)).length).toBe(before);
  });
});

describe('the API: live stream and overview', () => {
  it('streams the offer to the agent’s user and counts queues and loads in the overview', async () => {
    const { buildApp } = await import('../src/server/index.ts');
    const { parseConfig } = await import('../src/config/index.ts');
    const { openStore } = await import('../src/store/index.ts');
    const store = await openStore(dir);
    const app = await buildApp({
      store,
      config: parseConfig({}),
      operational,
      webRoot: null,
      now: () => clock,
    });
    try {
      await queue('q');
      await type('t');
      await createAgent(ctx(), ADMIN, {
        id: 'me',
        name: 'Me',
        userId: 'local',
        externalAgentId: null,
        divisionId: undefined,
        skills: {},
        languages: [],
        capacity: { workitem: 1 },
        queues: ['q'],
        teams: [],
      } as Parameters<typeof createAgent>[2]);
      const address = await app.listen({ port: 0, host: '127.0.0.1' });
      const me = await (await fetch(`${address}/api/v1/work/me`)).json();
      expect(me.agent).toMatchObject({ id: 'me', userId: 'local' });
      const response = await fetch(`${address}/api/v1/work/me/stream`);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      let text = '';
      const next = async (event: string) => {
        while (!text.includes(`event: ${event}\n`)) {
          const { value, done } = await reader.read();
          if (done) throw new Error(`stream ended before event ${event}: ${text}`);
          text += new TextDecoder().decode(value);
        }
      };
      while (!text.includes(': connected')) text += new TextDecoder().decode((await reader.read()).value);
      const created = await fetch(`${address}/api/v1/work/items`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ typeId: 't', title: 'x', queueId: 'q' }),
      });
      expect(created.status).toBe(201);
      const item = (await created.json()) as WorkItem;
      const presence = await fetch(`${address}/api/v1/work/agents/me/presence`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ presence: 'available' }),
      });
      expect(presence.status).toBe(200);
      await next('offer');
      const offer = JSON.parse((text.split('event: offer\ndata: ')[1] ?? '').split('\n')[0] ?? '{}');
      expect(offer).toEqual({
        itemId: item.id,
        offeredAt: new Date(clock).toISOString(),
        expiresAt: new Date(clock + 30_000).toISOString(),
      });
      await reader.cancel();
      await create('waiting');
      const overview = await (await fetch(`${address}/api/v1/work/overview`)).json();
      expect(overview.queues).toEqual([
        expect.objectContaining({
          id: 'q',
          routing: 'push',
          depth: 1,
          oldestQueuedAt: new Date(clock).toISOString(),
        }),
      ]);
      expect(overview.agents).toEqual([expect.objectContaining({ id: 'me', load: 1, capacity: 1 })]);
    } finally {
      await app.close();
      store.close();
    }
  });
});

/** Incremental routing: the engine follows the changes; tests wait for engine.settled(), not a pass. */
function followingEngine(): void {
  let unfollow = () => {};
  beforeEach(async () => {
    await queue('q');
    await queue('other');
    await type('t', { requiredSkills: [{ skill: 'addresses', minProficiency: 2 }] });
    unfollow = engine.follow();
  });
  afterEach(async () => {
    unfollow();
    await engine.settled();
  });
}

describe('incremental push routing', () => {
  followingEngine();

  it('offers an arriving item to the best agent serving its queue, by queue or team', async () => {
    await agent('novice', { addresses: 1 });
    await agent('elsewhere', { addresses: 5 }, { queues: ['other'] });
    clock += 1000;
    await agent('by-team', { addresses: 4 }, { queues: [], teams: ['q'] });
    await agent('member', { addresses: 3 });
    const item = await create('Move');
    await engine.settled();
    expect((await get(item.id)).assigneeId).toBe('by-team');
    const second = await create('Move again');
    await engine.settled();
    expect((await get(second.id)).assigneeId).toBe('member');
    const third = await create('No one left');
    await engine.settled();
    expect((await get(third.id)).status).toBe('queued');
  });

  it('gives an agent freeing capacity the most urgent waiting item they qualify for', async () => {
    await agent('ann', { addresses: 2 });
    const first = await create('First');
    await engine.settled();
    expect((await get(first.id)).assigneeId).toBe('ann');
    clock += 1000;
    const old = await create('Old, low priority', { priority: 5 });
    clock += 1000;
    const beyond = await create('Too hard', {
      priority: 90,
      requiredSkills: [{ skill: 'addresses', minProficiency: 4 }],
    });
    clock += 1000;
    const urgentLate = await create('Urgent, later', { priority: 50 });
    clock += 1000;
    const urgentSoon = await create('Urgent, due sooner', {
      priority: 50,
      dueAt: '2026-03-02T10:00:00.000Z',
    });
    await engine.settled();
    for (const id of [old.id, beyond.id, urgentLate.id, urgentSoon.id])
      expect((await get(id)).status).toBe('queued');
    const started = await work.transition(first.id, { action: 'start' }, ADMIN);
    await work.transition(first.id, { action: 'complete', expectedVersion: started.item.version }, ADMIN);
    await engine.settled();
    expect((await get(urgentSoon.id)).assigneeId).toBe('ann');
    expect((await get(beyond.id)).status).toBe('queued');
    expect((await get(urgentLate.id)).status).toBe('queued');
  });

  it('routes for an agent becoming available, and never offers back an item they declined', async () => {
    await agent('bob', { addresses: 3 }, { available: false });
    const item = await create('Waiting');
    await engine.settled();
    expect((await get(item.id)).status).toBe('queued');
    await setPresence(work.ctx, ADMIN, 'bob', 'available');
    engine.agentChanged('bob');
    await engine.settled();
    const offered = await get(item.id);
    expect(offered.assigneeId).toBe('bob');
    await work.transition(item.id, { action: 'decline', expectedVersion: offered.version }, ADMIN);
    await engine.settled();
    expect((await get(item.id)).status).toBe('queued');
  });

  it('after a full pass finds every agent busy, arrivals wait until an agent frees a slot', async () => {
    await agent('cat', { addresses: 3 });
    const first = await create('First');
    await engine.route();
    expect((await get(first.id)).assigneeId).toBe('cat');
    clock += 1000;
    const waiting = await create('Second');
    await engine.settled();
    expect((await get(waiting.id)).status).toBe('queued');
    // An agent added without a presence event is not known to the engine until the next full pass.
    await agent('dan', { addresses: 3 }, { available: false });
    await setPresence(work.ctx, ADMIN, 'dan', 'available');
    clock += 1000;
    const third = await create('Third');
    await engine.settled();
    expect((await get(third.id)).status).toBe('queued');
    await engine.route();
    expect((await get(waiting.id)).assigneeId).toBe('dan');
    await work.transition(
      first.id,
      { action: 'cancel', expectedVersion: (await get(first.id)).version },
      ADMIN,
    );
    await engine.settled();
    expect((await get(third.id)).assigneeId).toBe('cat');
  });
});

describe('the roster of the routing engine', () => {
  followingEngine();

  it('a no-agent rule applied to a declined item does not offer it back to who declined it', async () => {
    await agent('ida', { addresses: 3 });
    const item = await create('Declined');
    await engine.settled();
    const offered = await get(item.id);
    expect(offered.assigneeId).toBe('ida');
    await work.transition(item.id, { action: 'decline', expectedVersion: offered.version }, ADMIN);
    await engine.settled();
    const raised = await work.applyNoAgentRule(
      item.id,
      'q',
      { kind: 'raise-priority', from: 10, to: 20 },
      ADMIN,
    );
    expect(raised).toBe(true);
    await engine.settled();
    const after = await get(item.id);
    expect(after.status).toBe('queued');
    expect(after.priority).toBe(20);
  });

  it('never offers to an agent who left, even when the engine has not heard of it yet', async () => {
    await agent('eve', { addresses: 3 });
    const first = await create('First');
    await engine.settled();
    expect((await get(first.id)).assigneeId).toBe('eve');
    await work.transition(
      first.id,
      { action: 'decline', expectedVersion: (await get(first.id)).version },
      ADMIN,
    );
    await engine.settled();
    // Eve goes away on another server: this engine still counts her as available with room.
    await setPresence(work.ctx, ADMIN, 'eve', 'away');
    const second = await create('Second');
    await engine.settled();
    expect((await get(second.id)).status).toBe('queued');
    expect((await work.itemEvents(second.id, ADMIN)).map((e) => e.action)).toEqual(['create', 'queue']);
    await setPresence(work.ctx, ADMIN, 'eve', 'available');
    engine.agentChanged('eve');
    await engine.settled();
    expect((await get(second.id)).assigneeId).toBe('eve');
  });

  it('two servers on one store: an offer decided on a stale roster is refused and the next best agent gets the item', async () => {
    const other = new WorkService({
      db: operational.db,
      defaultDivision: 'home',
      now: () => new Date(clock),
    });
    const otherEngine = new RoutingEngine(other, { offerTimeoutSeconds: 30 });
    const stopOther = otherEngine.follow();
    try {
      await agent('gil', { addresses: 3 });
      await agent('hal', { addresses: 2 });
      await engine.route();
      await otherEngine.route();
      // The other server's supervisor gives Gil work by hand: this engine does not hear of it.
      await queue('desk', { routingMethod: 'pull' });
      const { item: manual } = await other.createItem(
        { typeId: 't', title: 'By hand', queueId: 'desk', attributes: {} },
        {},
        ADMIN,
      );
      await other.transition(manual.id, { action: 'assign', agentId: 'gil' }, ADMIN);
      await otherEngine.settled();
      // Here Gil still looks free and best: the offer is refused (capacity), Gil is read again and the
      // next best agent gets the item.
      const item = await create('Arrives here');
      await engine.settled();
      expect((await get(item.id)).assigneeId).toBe('hal');
      const events = await work.itemEvents(item.id, ADMIN);
      expect(events.map((e) => e.action)).toEqual(['create', 'queue', 'assign']);
      // Gil's load is now known here: a new arrival waits instead of being offered to him.
      const next = await create('Nobody free');
      await engine.settled();
      expect((await get(next.id)).status).toBe('queued');
      await engine.route();
      expect((await get(next.id)).status).toBe('queued');
    } finally {
      stopOther();
      await otherEngine.settled();
    }
  });
});
