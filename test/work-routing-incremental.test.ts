/**
 * Incremental push routing (src/work/engine.ts): items arriving and agents freeing capacity are routed by
 * the engine's own steps, without a full pass (engine.settled(), never engine.route()), with the same
 * decisions as the full pass; the full pass remains the backstop.
 */
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type OperationalStore, openOperationalStore } from '../src/store/index.ts';
import { RoutingEngine } from '../src/work/engine.ts';
import {
  createAgent,
  createQueue,
  createWorkType,
  setPresence,
  systemActor,
  type WorkItem,
  WorkService,
} from '../src/work/index.ts';
import { tempDir } from './support.ts';

const ADMIN = systemActor('u-admin');
const START = Date.parse('2026-03-02T09:00:00.000Z');

let dir: string;
let operational: OperationalStore;
let clock: number;
let work: WorkService;
let engine: RoutingEngine;
let unfollow: () => void;

beforeEach(async () => {
  dir = tempDir('caseflow-incremental-');
  operational = await openOperationalStore({ dataDir: dir });
  clock = START;
  work = new WorkService({ db: operational.db, defaultDivision: 'home', now: () => new Date(clock) });
  engine = new RoutingEngine(work, { offerTimeoutSeconds: 30 });
  unfollow = engine.follow();
  for (const id of ['q', 'other']) {
    await createQueue(work.ctx, ADMIN, {
      id,
      name: id,
      divisionId: undefined,
      routingMethod: 'push',
      escalation: { noAgent: { raisePriority: null, moveToQueue: null, alertSupervisor: null }, sla: null },
    } as Parameters<typeof createQueue>[2]);
  }
  await createWorkType(work.ctx, ADMIN, {
    id: 't',
    name: 't',
    description: null,
    divisionId: undefined,
    defaultQueueId: 'q',
    defaultWorkbinId: null,
    priority: 10,
    slaSeconds: null,
    requiredSkills: [{ skill: 'addresses', minProficiency: 2 }],
    attributeSchema: {},
    waitingStatuses: [],
    slaEscalation: null,
    callback: null,
  } as Parameters<typeof createWorkType>[2]);
}, 60_000);

afterEach(async () => {
  unfollow();
  await engine.settled();
  await operational.close();
  rmSync(dir, { recursive: true, force: true });
});

async function agent(
  id: string,
  skills: Record<string, number>,
  options: { capacity?: number; queues?: string[]; teams?: string[]; available?: boolean } = {},
) {
  await createAgent(work.ctx, ADMIN, {
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
  if (options.available ?? true) await setPresence(work.ctx, ADMIN, id, 'available');
}

async function create(title: string, fields: Record<string, unknown> = {}): Promise<WorkItem> {
  const { item } = await work.createItem({ typeId: 't', title, attributes: {}, ...fields }, {}, ADMIN);
  return item;
}

const get = (id: string) => work.getItem(id, ADMIN);

describe('incremental push routing', () => {
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
      await createQueue(work.ctx, ADMIN, {
        id: 'desk',
        name: 'desk',
        divisionId: undefined,
        routingMethod: 'pull',
        escalation: { noAgent: { raisePriority: null, moveToQueue: null, alertSupervisor: null }, sla: null },
      } as Parameters<typeof createQueue>[2]);
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
