/**
 * Concurrent work on one PostgreSQL: 50 parallel claims of one item give exactly one assignment, an agent
 * never exceeds their capacity under concurrent claims, two store connections ("two server processes")
 * racing on one server do the same, and the event watermark never skips an event that commits late.
 * PGlite always; a PostgreSQL server when CASEFLOW_TEST_DATABASE_URL is set (.ci/run starts one; so does
 * `source .ci/postgres.sh && caseflow_start_postgres`). Each server test works in a schema of its own.
 */
import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { type OperationalStore, openOperationalStore } from '../src/store/index.ts';
import {
  agentInputSchema,
  createAgent,
  createQueue,
  createWorkType,
  eventsAfter,
  queueInputSchema,
  systemActor,
  TransitionRefusedError,
  WorkConflictError,
  WorkService,
  workTypeInputSchema,
} from '../src/work/index.ts';
import { freshOperationalDatabase, operationalBackends, SERVER_URL } from './support.ts';

const backends = operationalBackends('work concurrency');

const ADMIN = systemActor('test');
const AGENTS = 50;

/** A queue, a work type and `agents` agents (capacity `capacity` each) in a fresh store. */
async function setUp(store: OperationalStore, agents: number, capacity = 1): Promise<WorkService> {
  const work = new WorkService({ db: store.db, defaultDivision: 'home' });
  await createQueue(
    work.ctx,
    ADMIN,
    queueInputSchema.parse({ id: 'q', name: 'Queue', routingMethod: 'pull' }),
  );
  await createWorkType(
    work.ctx,
    ADMIN,
    workTypeInputSchema.parse({ id: 't', name: 'Type', defaultQueueId: 'q', slaSeconds: 3600 }),
  );
  for (let i = 0; i < agents; i++)
    await createAgent(
      work.ctx,
      ADMIN,
      agentInputSchema.parse({
        id: `agent-${i}`,
        name: `Agent ${i}`,
        capacity: { workitem: capacity },
        queues: ['q'],
      }),
    );
  return work;
}

const newItem = async (work: WorkService, title: string) =>
  (await work.createItem({ typeId: 't', title, attributes: {} }, {}, ADMIN)).item;

/** Claims `itemId` once per agent, all at once, through the given services in turn. */
async function raceClaims(services: WorkService[], itemId: string, agents: number) {
  const claims = Array.from({ length: agents }, (_, i) =>
    (services[i % services.length] as WorkService).transition(
      itemId,
      { action: 'claim', agentId: `agent-${i}` },
      systemActor(`agent-${i}`),
    ),
  );
  return Promise.allSettled(claims);
}

async function expectOneAssignment(
  work: WorkService,
  itemId: string,
  outcomes: PromiseSettledResult<unknown>[],
) {
  const won = outcomes.filter((o) => o.status === 'fulfilled');
  const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
  expect(won).toHaveLength(1);
  expect(lost).toHaveLength(outcomes.length - 1);
  for (const o of lost) {
    expect(o.reason).toBeInstanceOf(TransitionRefusedError);
    expect((o.reason as TransitionRefusedError).status).toBe('assigned');
  }
  const item = await work.getItem(itemId, ADMIN);
  const winner = (won[0] as PromiseFulfilledResult<{ item: { assigneeId: string } }>).value.item.assigneeId;
  expect(item).toMatchObject({ status: 'assigned', assigneeId: winner, version: 2 });
  const assigned = (await work.itemEvents(itemId, ADMIN)).filter((e) => e.name === 'Work Item Assigned');
  expect(assigned).toHaveLength(1);
  expect(assigned[0]?.assigneeId).toBe(winner);
}

if (!SERVER_URL) describe.skip('postgres (CASEFLOW_TEST_DATABASE_URL unset)', () => it('runs', () => {}));

describe.each(backends)('work items under concurrency on %s', (kind) => {
  it(`gives one item to exactly one of ${AGENTS} parallel claims`, async () => {
    const fresh = await freshOperationalDatabase(kind);
    const store = await openOperationalStore(fresh.options);
    try {
      const work = await setUp(store, AGENTS);
      for (let round = 0; round < 3; round++) {
        const item = await newItem(work, `Contended ${round}`);
        await expectOneAssignment(work, item.id, await raceClaims([work], item.id, AGENTS));
        // Free the winners for the next round.
        await work.transition(item.id, { action: 'cancel' }, ADMIN);
      }
    } finally {
      await store.close();
      await fresh.drop();
    }
  });

  it('never lets parallel claims of one agent exceed their capacity', async () => {
    const fresh = await freshOperationalDatabase(kind);
    const store = await openOperationalStore(fresh.options);
    try {
      const work = await setUp(store, 1, 3);
      const items = [];
      for (let i = 0; i < 20; i++) items.push(await newItem(work, `Item ${i}`));
      const outcomes = await Promise.allSettled(
        items.map((item) => work.transition(item.id, { action: 'claim', agentId: 'agent-0' }, ADMIN)),
      );
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(3);
      for (const o of outcomes)
        if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(WorkConflictError);
      const held = await work.listItems(
        { assigneeId: 'agent-0', order: 'created', limit: 100, offset: 0 },
        ADMIN,
      );
      expect(held.total).toBe(3);
    } finally {
      await store.close();
      await fresh.drop();
    }
  });

  it('hands out events in commit order behind a watermark', async () => {
    const fresh = await freshOperationalDatabase(kind);
    const store = await openOperationalStore(fresh.options);
    try {
      const work = await setUp(store, 1);
      const first = await newItem(work, 'First');
      const second = await newItem(work, 'Second');
      await work.transition(first.id, { action: 'claim', agentId: 'agent-0' }, ADMIN);
      const page1 = await eventsAfter(store.db, null, 3);
      expect(page1.events.map((e) => [e.itemId, e.name])).toEqual([
        [first.id, 'Work Item Created'],
        [first.id, 'Work Item Routed'],
        [second.id, 'Work Item Created'],
      ]);
      const page2 = await eventsAfter(store.db, page1.cursor, 100);
      expect(page2.events.map((e) => [e.itemId, e.name])).toEqual([
        [second.id, 'Work Item Routed'],
        [first.id, 'Work Item Assigned'],
      ]);
      const page3 = await eventsAfter(store.db, page2.cursor, 100);
      expect(page3).toEqual({ events: [], cursor: page2.cursor });
    } finally {
      await store.close();
      await fresh.drop();
    }
  });
});

describe.skipIf(!SERVER_URL)('two server processes on one PostgreSQL (CASEFLOW_TEST_DATABASE_URL)', () => {
  it(`give one item to exactly one of ${AGENTS} claims made through both`, async () => {
    const fresh = await freshOperationalDatabase('postgres');
    const one = await openOperationalStore(fresh.options);
    const two = await openOperationalStore(fresh.options);
    try {
      const workOne = await setUp(one, AGENTS);
      const workTwo = new WorkService({ db: two.db, defaultDivision: 'home' });
      for (let round = 0; round < 3; round++) {
        const item = await newItem(round % 2 === 0 ? workOne : workTwo, `Across ${round}`);
        await expectOneAssignment(workTwo, item.id, await raceClaims([workOne, workTwo], item.id, AGENTS));
        await workOne.transition(item.id, { action: 'cancel' }, ADMIN);
      }
    } finally {
      await one.close();
      await two.close();
      await fresh.drop();
    }
  });

  it('keeps a watermark reader from passing an event whose transaction commits late', async () => {
    const fresh = await freshOperationalDatabase('postgres');
    const store = await openOperationalStore(fresh.options);
    const late = new pg.Client({ connectionString: fresh.options.databaseUrl });
    await late.connect();
    try {
      const work = await setUp(store, 1);
      const item = await newItem(work, 'Watermark');
      const start = await eventsAfter(store.db, null, 100);
      expect(start.events).toHaveLength(2);
      const insert = (seq: number) =>
        `insert into work_item_events (item_id, seq, name, action, status, at, actor)
         values ('${item.id}', ${seq}, 'Work Item Updated', 'update', 'queued', now(), 'test')`;
      // A transaction writes an event and stays open; a later one writes and commits.
      await late.query('begin');
      await late.query(insert(10));
      await sql.raw(insert(11)).execute(store.db);
      const meanwhile = await eventsAfter(store.db, start.cursor, 100);
      expect(meanwhile).toEqual({ events: [], cursor: start.cursor });
      await late.query('commit');
      const after = await eventsAfter(store.db, start.cursor, 100);
      expect(after.events.map((e) => e.seq)).toEqual([10, 11]);
    } finally {
      await late.end();
      await store.close();
      await fresh.drop();
    }
  });
});
