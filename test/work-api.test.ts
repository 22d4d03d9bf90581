/**
 * Work automation through the REST API: definitions, idempotent and bulk creation, attribute validation,
 * the lifecycle (with its 409s), updates, lists and division scoping, callbacks queued in the outbox.
 */
import { rmSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../src/access/index.ts';
import { parseConfig } from '../src/config/index.ts';
import { buildApp } from '../src/server/index.ts';
import { type OperationalStore, openOperationalStore, openStore, type Store } from '../src/store/index.ts';
import type { WorkItem, WorkItemEvent } from '../src/work/index.ts';
import { tempDir } from './support.ts';

const principal = (
  userId: string,
  permissions: string[],
  divisions: readonly string[] | 'all' = 'all',
): Principal => ({
  kind: 'token',
  userId,
  username: userId,
  displayName: userId,
  roles: [],
  permissions,
  divisions,
});
const ADMIN = principal('u-admin', ['*']);
const AGENT_USER = principal('u-agent', ['work:item:view', 'work:item:edit']);
const VIEWER = principal('u-viewer', ['work:item:view']);
const NORTH_ONLY = principal('u-north', ['work:*'], ['north']);

const START = Date.parse('2026-03-02T09:00:00.000Z');
let clock = START;
const iso = (ms: number) => new Date(ms).toISOString();

let dir: string;
let store: Store;
let operational: OperationalStore;
let app: FastifyInstance;
let actingAs: Principal = ADMIN;

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

async function call(
  method: Method,
  url: string,
  payload?: unknown,
  options: { as?: Principal; headers?: Record<string, string> } = {},
) {
  actingAs = options.as ?? ADMIN;
  const res = await app.inject({
    method,
    url,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    headers: options.headers ?? {},
  });
  return { status: res.statusCode, body: res.body ? res.json() : undefined };
}

const ADDRESS_CHANGE = {
  id: 'address-change',
  name: 'Address change',
  defaultQueueId: 'backoffice',
  priority: 10,
  slaSeconds: 3600,
  requiredSkills: [{ skill: 'addresses', minProficiency: 2 }],
  attributeSchema: {
    accountId: { type: 'string', required: true },
    amount: { type: 'number' },
    channel: { type: 'string', enum: ['web', 'mail'] },
    effectiveOn: { type: 'date' },
    urgent: { type: 'boolean' },
  },
  waitingStatuses: ['waiting-customer', 'waiting-third-party'],
  callback: {
    url: 'https://crm.example/callbacks',
    secretEnv: 'CRM_SECRET',
    transitions: ['complete', 'update'],
  },
};

const newItem = (overrides: Record<string, unknown> = {}) => ({
  typeId: 'address-change',
  title: 'Move to 3 rue des Lilas',
  sourceSystem: 'crm',
  externalReference: 'CRM-1001',
  customer: 'phone:+33612345678',
  serviceRequest: 'SR-20260302-00001',
  attributes: { accountId: 'A-77', amount: 12.5, channel: 'web', effectiveOn: '2026-04-01' },
  ...overrides,
});

async function create(overrides: Record<string, unknown> = {}, as: Principal = ADMIN): Promise<WorkItem> {
  const res = await call('POST', '/api/v1/work/items', newItem(overrides), { as });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as WorkItem;
}

async function act(id: string, body: Record<string, unknown>, as: Principal = ADMIN) {
  return call('POST', `/api/v1/work/items/${id}/transitions`, body, { as });
}

async function events(id: string): Promise<WorkItemEvent[]> {
  return (await call('GET', `/api/v1/work/items/${id}/events`)).body.events;
}

beforeAll(async () => {
  dir = tempDir('caseflow-work-');
  store = await openStore(dir);
  operational = await openOperationalStore({ dataDir: dir });
  app = await buildApp({
    store,
    config: parseConfig({ access: { enabled: true }, divisions: { default: 'north' } }),
    operational,
    webRoot: null,
    now: () => clock,
    authenticator: { authenticate: async () => actingAs },
  });
  await app.ready();
  const definitions: [string, unknown][] = [
    ['queues', { id: 'backoffice', name: 'Back office', routingMethod: 'push' }],
    ['queues', { id: 'pull-q', name: 'Pull queue', routingMethod: 'pull' }],
    ['queues', { id: 'south-q', name: 'South queue', divisionId: 'south' }],
    ['workbins', { id: 'sup-bin', name: 'Supervisor', ownerKind: 'supervisor', ownerId: 'u-admin' }],
    ['types', ADDRESS_CHANGE],
    ['types', { id: 'south-type', name: 'South work', defaultQueueId: 'south-q', divisionId: 'south' }],
    ['types', { id: 'no-queue', name: 'Unrouted' }],
    [
      'agents',
      { id: 'a1', name: 'Ana', skills: { addresses: 4 }, capacity: { workitem: 1 }, queues: ['backoffice'] },
    ],
    ['agents', { id: 'a2', name: 'Bo', skills: { addresses: 2 }, capacity: { workitem: 5, voice: 1 } }],
    ['agents', { id: 'a3', name: 'Cy', userId: 'u-agent', capacity: { workitem: 3 } }],
  ];
  for (const [kind, body] of definitions) {
    const res = await call('POST', `/api/v1/work/${kind}`, body);
    expect(res.status, `${kind}: ${JSON.stringify(res.body)}`).toBe(201);
  }
}, 60_000);

afterAll(async () => {
  await app?.close();
  await operational?.close();
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('definitions', () => {
  it('creates, lists, replaces and deletes, refusing taken ids, unknown references and definitions in use', async () => {
    const type = await call('GET', '/api/v1/work/types/address-change');
    expect(type.status).toBe(200);
    expect(type.body).toMatchObject({
      divisionId: 'north',
      defaultQueueId: 'backoffice',
      slaSeconds: 3600,
      callback: {
        url: 'https://crm.example/callbacks',
        secretEnv: 'CRM_SECRET',
        transitions: ['complete', 'update'],
      },
    });
    expect((await call('POST', '/api/v1/work/queues', { id: 'backoffice', name: 'Again' })).status).toBe(409);

    const bad = await call('POST', '/api/v1/work/types', {
      id: 'broken',
      name: 'Broken',
      defaultQueueId: 'nowhere',
      slaEscalation: {
        thresholdPercent: 80,
        escalation: { kind: 'supervisor-workbin', workbinId: 'no-bin' },
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.problems).toEqual([
      { field: 'defaultQueueId', message: 'no queue "nowhere"' },
      { field: 'slaEscalation.escalation.workbinId', message: 'no workbin "no-bin"' },
    ]);

    const badSchema = await call('POST', '/api/v1/work/types', {
      id: 'bad-schema',
      name: 'Bad',
      attributeSchema: { size: { type: 'integer' } },
    });
    expect(badSchema.status).toBe(400);
    expect(badSchema.body.message).toContain('attributeSchema');

    const escalating = await call('POST', '/api/v1/work/queues', {
      id: 'escalating',
      name: 'Escalating',
      escalation: {
        noAgent: {
          raisePriority: { afterSeconds: 600, by: 5, max: 50 },
          moveToQueue: { afterSeconds: 1800, queueId: 'pull-q' },
          alertSupervisor: { afterSeconds: 900, supervisorId: 'u-admin' },
        },
        sla: { thresholdPercent: 80, escalation: { kind: 'supervisor-workbin', workbinId: 'sup-bin' } },
      },
    });
    expect(escalating.status, JSON.stringify(escalating.body)).toBe(201);
    expect(escalating.body.escalation.noAgent.alertSupervisor).toEqual({
      afterSeconds: 900,
      supervisorId: 'u-admin',
    });
    const dangling = await call('POST', '/api/v1/work/queues', {
      id: 'dangling',
      name: 'Dangling',
      escalation: { noAgent: { moveToQueue: { afterSeconds: 60, queueId: 'nowhere' } } },
    });
    expect(dangling.body.problems).toEqual([
      { field: 'escalation.noAgent.moveToQueue.queueId', message: 'no queue "nowhere"' },
    ]);
    const replaced = await call('PUT', '/api/v1/work/queues/escalating', {
      name: 'Renamed',
      routingMethod: 'pull',
    });
    expect(replaced.body).toMatchObject({
      name: 'Renamed',
      routingMethod: 'pull',
      escalation: { noAgent: { raisePriority: null, moveToQueue: null, alertSupervisor: null }, sla: null },
    });
    expect((await call('GET', '/api/v1/work/queues')).body.items.map((q: { id: string }) => q.id)).toEqual([
      'backoffice',
      'escalating',
      'pull-q',
      'south-q',
    ]);
    expect((await call('DELETE', '/api/v1/work/queues/escalating')).status).toBe(204);
    expect((await call('GET', '/api/v1/work/queues/escalating')).status).toBe(404);

    const inUse = await call('DELETE', '/api/v1/work/queues/backoffice');
    expect(inUse.status).toBe(409);
    expect(inUse.body.message).toBe('queue "backoffice" is still used by work types or work items');
  });

  it('lets work:item:view read definitions and only work:admin change them', async () => {
    expect((await call('GET', '/api/v1/work/agents', undefined, { as: VIEWER })).status).toBe(200);
    expect((await call('POST', '/api/v1/work/queues', { id: 'x', name: 'X' }, { as: VIEWER })).status).toBe(
      403,
    );
    expect(
      (await call('POST', '/api/v1/work/queues', { id: 'x', name: 'X' }, { as: AGENT_USER })).status,
    ).toBe(403);
    expect((await call('DELETE', '/api/v1/work/agents/a1', undefined, { as: AGENT_USER })).status).toBe(403);
  });

  it('stamps last idle time when an agent becomes available, not when they stay so', async () => {
    clock = START + 1000;
    const first = await call('PUT', '/api/v1/work/agents/a2/presence', { presence: 'available' });
    expect(first.body).toMatchObject({ presence: 'available', lastIdleAt: iso(START + 1000) });
    clock = START + 5000;
    const again = await call('PUT', '/api/v1/work/agents/a2/presence', { presence: 'available' });
    expect(again.body.lastIdleAt).toBe(iso(START + 1000));
    const busy = await call('PUT', '/api/v1/work/agents/a2/presence', { presence: 'busy' });
    expect(busy.body).toMatchObject({ presence: 'busy', lastIdleAt: iso(START + 1000) });
    clock = START;
  });
});

describe('creating work items', () => {
  it('fills the defaults from the work type and records Created then Routed', async () => {
    clock = START;
    const item = await create();
    expect(item).toMatchObject({
      typeId: 'address-change',
      status: 'queued',
      queueId: 'backoffice',
      workbinId: null,
      priority: 10,
      dueAt: iso(START + 3600 * 1000),
      requiredSkills: [{ skill: 'addresses', minProficiency: 2 }],
      basePriority: 10,
      escalatedAt: null,
      divisionId: 'north',
      version: 1,
      createdBy: 'u-admin',
      createdAt: iso(START),
      queuedAt: iso(START),
      customer: 'phone:+33612345678',
      attributes: { accountId: 'A-77', amount: 12.5, channel: 'web', effectiveOn: '2026-04-01' },
    });
    expect(item.allowedActions).toEqual(['move', 'escalate', 'assign', 'claim', 'cancel', 'update']);
    expect((await events(item.id)).map((e) => [e.seq, e.name, e.status, e.queueId])).toEqual([
      [1, 'Work Item Created', 'created', null],
      [2, 'Work Item Routed', 'queued', 'backoffice'],
    ]);
  });

  it('stores the customer as the journey’s identifier key, and finds items by any form of it', async () => {
    const spaced = await create({ customer: 'phone:+33 6 12 34 56 78' });
    expect(spaced.customer).toBe('phone:+33612345678');
    const mail = await create({ customer: 'email:Alice.Martin@Example.COM' });
    expect(mail.customer).toBe('email:alice.martin@example.com');
    const found = await call(
      'GET',
      `/api/v1/work/items?customer=${encodeURIComponent('email:ALICE.martin@example.com')}`,
    );
    expect(found.body.items.map((i: { id: string }) => i.id)).toContain(mail.id);
  });

  it('stays created when neither the request nor the type names a queue or workbin', async () => {
    const item = await create({ typeId: 'no-queue', attributes: {} });
    expect(item.status).toBe('created');
    expect(item.dueAt).toBeNull();
    const queued = await act(item.id, { action: 'queue' });
    expect(queued.status).toBe(400);
    expect(queued.body.problems[0]).toMatchObject({ field: 'queueId' });
    const routed = await act(item.id, { action: 'queue', workbinId: 'sup-bin' });
    expect(routed.body.item).toMatchObject({ status: 'queued', workbinId: 'sup-bin', queueId: null });
  });

  it('is idempotent by Idempotency-Key per source system: 201, then 200 with the same item, 409 for another request', async () => {
    const headers = { 'idempotency-key': 'crm-evt-42' };
    const first = await call('POST', '/api/v1/work/items', newItem({ title: 'Idempotent' }), { headers });
    expect(first.status).toBe(201);
    // The same request, its keys in another order.
    const reordered = Object.fromEntries(Object.entries(newItem({ title: 'Idempotent' })).reverse());
    const retry = await call('POST', '/api/v1/work/items', reordered, { headers });
    expect(retry.status).toBe(200);
    expect(retry.body.id).toBe(first.body.id);
    expect(retry.body.version).toBe(1);

    const other = await call('POST', '/api/v1/work/items', newItem({ title: 'Something else' }), { headers });
    expect(other.status).toBe(409);
    expect(other.body.message).toBe(
      `Idempotency-Key "crm-evt-42" was already used for another request (work item ${first.body.id})`,
    );
    const otherSource = await call(
      'POST',
      '/api/v1/work/items',
      newItem({ title: 'Idempotent', sourceSystem: 'erp' }),
      {
        headers,
      },
    );
    expect(otherSource.status).toBe(201);
    expect(otherSource.body.id).not.toBe(first.body.id);

    const listed = await call(
      'GET',
      '/api/v1/work/items?customer=phone:%2B33612345678&order=created&limit=500',
    );
    expect(listed.body.items.filter((i: WorkItem) => i.title === 'Idempotent')).toHaveLength(2);
  });

  it('checks the attributes against the work type’s schema, naming each field', async () => {
    const res = await call(
      'POST',
      '/api/v1/work/items',
      newItem({
        attributes: { amount: 'abc', channel: 'phone', colour: 'red', effectiveOn: '2026-02-30', urgent: 1 },
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.problems).toEqual([
      { field: 'attributes.amount', message: 'must be a number (got "abc")' },
      { field: 'attributes.channel', message: 'must be one of "web", "mail" (got "phone")' },
      {
        field: 'attributes.colour',
        message:
          'is not an attribute of this work type (known: accountId, amount, channel, effectiveOn, urgent)',
      },
      {
        field: 'attributes.effectiveOn',
        message: 'must be a date (YYYY-MM-DD) or an ISO-8601 date-time with a zone (got "2026-02-30")',
      },
      { field: 'attributes.urgent', message: 'must be true or false (got 1)' },
      { field: 'attributes.accountId', message: 'is required' },
    ]);
    expect(res.body.message).toContain('attributes.amount: must be a number');

    const dateTime = await create({
      attributes: { accountId: 'A-1', effectiveOn: '2026-04-01T10:00:00+02:00' },
    });
    expect(dateTime.attributes.effectiveOn).toBe('2026-04-01T08:00:00.000Z');

    const unknownType = await call('POST', '/api/v1/work/items', newItem({ typeId: 'nope' }));
    expect(unknownType.body.problems).toEqual([{ field: 'typeId', message: 'no work type "nope"' }]);
    const badCustomer = await call('POST', '/api/v1/work/items', newItem({ customer: '0612345678' }));
    expect(badCustomer.status).toBe(400);
    expect(badCustomer.body.message).toContain('customer');
  });

  it('creates in bulk: each item created, found again or rejected with its index and field; the rest lands', async () => {
    const res = await call('POST', '/api/v1/work/items/bulk', {
      items: [
        newItem({ title: 'Bulk A', idempotencyKey: 'bulk-a' }),
        newItem({ title: 'Bulk B', attributes: { accountId: 'A-2', amount: 'lots' } }),
        { typeId: 'address-change' },
        newItem({ title: 'Bulk A', idempotencyKey: 'bulk-a' }),
        newItem({ title: 'Bulk C', idempotencyKey: 'bulk-a' }),
        newItem({ title: 'Bulk D', priority: 99 }),
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 2, existing: 1, rejected: 3 });
    const results = res.body.results as {
      index: number;
      outcome: string;
      item?: WorkItem;
      problems?: unknown[];
    }[];
    expect(results.map((r) => [r.index, r.outcome])).toEqual([
      [0, 'created'],
      [1, 'rejected'],
      [2, 'rejected'],
      [3, 'existing'],
      [4, 'rejected'],
      [5, 'created'],
    ]);
    expect(results[3]?.item?.id).toBe(results[0]?.item?.id);
    expect(results[1]?.problems).toEqual([
      { field: 'attributes.amount', message: 'must be a number (got "lots")' },
    ]);
    expect(results[2]?.problems).toEqual([
      { field: 'title', message: expect.stringContaining('expected string') },
    ]);
    expect(results[4]?.problems?.[0]).toMatchObject({ field: 'idempotencyKey' });
    const landed = await call('GET', `/api/v1/work/items/${results[5]?.item?.id}`);
    expect(landed.body).toMatchObject({ title: 'Bulk D', priority: 99, status: 'queued' });
  });

  it('lands a bulk larger than one statement, each item with its events; a retry finds them all', async () => {
    const items = Array.from({ length: 650 }, (_, i) =>
      newItem({ title: `Many ${i}`, idempotencyKey: `many-${i}` }),
    );
    const first = await call('POST', '/api/v1/work/items/bulk', { items });
    expect(first.body).toMatchObject({ created: 650, existing: 0, rejected: 0 });
    const results = first.body.results as { index: number; item: WorkItem }[];
    expect(results.map((r) => r.index)).toEqual(items.map((_, i) => i));
    expect(results.map((r) => r.item.title)).toEqual(items.map((_, i) => `Many ${i}`));
    const events = await call('GET', `/api/v1/work/items/${results[649]?.item.id}/events`);
    expect(events.body.events.map((e: { seq: number; action: string }) => [e.seq, e.action])).toEqual([
      [1, 'create'],
      [2, 'queue'],
    ]);
    const retry = await call('POST', '/api/v1/work/items/bulk', { items });
    expect(retry.body).toMatchObject({ created: 0, existing: 650, rejected: 0 });
    expect((retry.body.results as { item: WorkItem }[]).map((r) => r.item.id)).toEqual(
      results.map((r) => r.item.id),
    );
  });
});

describe('the lifecycle through the API', () => {
  it('goes from queued to completed, each action an event, the callback queued in the outbox', async () => {
    clock = START + 60_000;
    const item = await create({ title: 'Lifecycle' });
    const steps: [Record<string, unknown>, string][] = [
      [{ action: 'assign', agentId: 'a2' }, 'assigned'],
      [{ action: 'start' }, 'in-progress'],
      [{ action: 'pause', reason: 'lunch' }, 'paused'],
      [{ action: 'resume' }, 'in-progress'],
      [{ action: 'wait', waitingStatus: 'waiting-customer' }, 'waiting'],
      [{ action: 'resume' }, 'in-progress'],
      [{ action: 'complete' }, 'completed'],
    ];
    let version = item.version;
    const assignedAt = clock + 1000;
    for (const [body, status] of steps) {
      clock += 1000;
      const res = await act(item.id, { ...body, expectedVersion: version });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.item.status).toBe(status);
      expect(res.body.item.version).toBe(version + 1);
      version = res.body.item.version;
    }
    const done = (await call('GET', `/api/v1/work/items/${item.id}`)).body as WorkItem;
    expect(done).toMatchObject({
      status: 'completed',
      assigneeId: 'a2',
      endedAt: iso(clock),
      allowedActions: [],
    });
    const history = await events(item.id);
    expect(history.map((e) => e.name)).toEqual([
      'Work Item Created',
      'Work Item Routed',
      'Work Item Assigned',
      'Work Item Started',
      'Work Item Paused',
      'Work Item Resumed',
      'Work Item Waiting',
      'Work Item Resumed',
      'Work Item Completed',
    ]);
    expect(history.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(history[4]?.details).toEqual({ reason: 'lunch' });
    expect(history[6]).toMatchObject({ status: 'waiting', details: { waitingStatus: 'waiting-customer' } });
    expect(history[8]).toMatchObject({ assigneeId: 'a2', actor: 'u-admin', at: iso(clock) });

    // The agent's idle time restarted when the item was assigned to them.
    const agent = (await call('GET', '/api/v1/work/agents/a2')).body;
    expect(agent.lastIdleAt).toBe(iso(assignedAt));

    const callbacks = await operational.db
      .selectFrom('outbox')
      .selectAll()
      .where('topic', '=', 'work.callback')
      .where('key', 'like', `${item.id}:%`)
      .execute();
    expect(callbacks.map((m) => m.key)).toEqual([`${item.id}:9`]);
    expect(callbacks[0]?.payload).toMatchObject({
      itemId: item.id,
      action: 'complete',
      event: 'Work Item Completed',
      item: { status: 'completed', attributes: { accountId: 'A-77' }, externalReference: 'CRM-1001' },
    });
  });

  it('refuses an action the status does not allow with 409 and the allowed actions', async () => {
    const item = await create({ title: 'Refusals' });
    const pause = await act(item.id, { action: 'pause' });
    expect(pause.status).toBe(409);
    expect(pause.body).toMatchObject({
      status: 'queued',
      action: 'pause',
      allowedActions: ['move', 'escalate', 'assign', 'claim', 'cancel', 'update'],
      message:
        'cannot pause a work item that is queued; allowed: move, escalate, assign, claim, cancel, update',
    });
    expect((await act(item.id, { action: 'cancel', reason: 'duplicate' })).status).toBe(200);
    const start = await act(item.id, { action: 'start' });
    expect(start.status).toBe(409);
    expect(start.body.allowedActions).toEqual([]);
    // Nothing was written by the refusals.
    expect((await events(item.id)).map((e) => e.name)).toEqual([
      'Work Item Created',
      'Work Item Routed',
      'Work Item Cancelled',
    ]);
  });

  it('answers a stale expectedVersion with 409 and the current version', async () => {
    const item = await create({ title: 'Versions' });
    expect((await act(item.id, { action: 'assign', agentId: 'a2', expectedVersion: 1 })).status).toBe(200);
    const stale = await act(item.id, { action: 'start', expectedVersion: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ version: 2 });
    expect(stale.body.message).toContain('is at version 2, not 1');
  });

  it('checks the parameters of each action', async () => {
    const item = await create({ title: 'Parameters' });
    const noAgent = await act(item.id, { action: 'assign' });
    expect(noAgent.body.problems).toEqual([{ field: 'agentId', message: 'assign needs the agent' }]);
    const unknownAgent = await act(item.id, { action: 'assign', agentId: 'ghost' });
    expect(unknownAgent.body.problems).toEqual([{ field: 'agentId', message: 'no agent "ghost"' }]);
    const extra = await act(item.id, { action: 'start', agentId: 'a2' });
    expect(extra.body.problems).toEqual([{ field: 'agentId', message: 'is not a parameter of start' }]);
    await act(item.id, { action: 'assign', agentId: 'a2' });
    await act(item.id, { action: 'start' });
    const undeclared = await act(item.id, { action: 'wait', waitingStatus: 'waiting-godot' });
    expect(undeclared.status).toBe(400);
    expect(undeclared.body.problems).toEqual([
      {
        field: 'waitingStatus',
        message: 'must be one of waiting-customer, waiting-third-party (work type "address-change")',
      },
    ]);
  });

  it('keeps an agent within their workitem capacity', async () => {
    clock = START + 90_000;
    const first = await create({ title: 'Capacity 1' });
    const second = await create({ title: 'Capacity 2' });
    expect((await act(first.id, { action: 'assign', agentId: 'a1' })).status).toBe(200);
    const over = await act(second.id, { action: 'assign', agentId: 'a1' });
    expect(over.status).toBe(409);
    expect(over.body.message).toBe('agent "a1" is at capacity: 1 active work item(s) of 1 allowed');
    // Declining frees the agent; the item has been waiting in its queue since it was first queued.
    clock += 5000;
    expect((await act(first.id, { action: 'decline', reason: 'not mine' })).body.item).toMatchObject({
      status: 'queued',
      assigneeId: null,
      queuedAt: iso(START + 90_000),
    });
    expect((await act(second.id, { action: 'assign', agentId: 'a1' })).status).toBe(200);
    // Waiting for the customer frees the slot; coming back must fit in it again.
    await act(second.id, { action: 'start' });
    await act(second.id, { action: 'wait', waitingStatus: 'waiting-customer' });
    const third = await create({ title: 'Capacity 3' });
    expect((await act(third.id, { action: 'assign', agentId: 'a1' })).status).toBe(200);
    const back = await act(second.id, { action: 'resume' });
    expect(back.status).toBe(409);
    expect(back.body.message).toContain('agent "a1" is at capacity: 1 active work item(s) of 1 allowed');
    await act(third.id, { action: 'decline' });
    expect((await act(second.id, { action: 'resume' })).body.item).toMatchObject({ status: 'in-progress' });
  });

  it('lets an agent claim for themselves, and a supervisor move and escalate', async () => {
    const item = await create({ title: 'Pull me', queueId: 'pull-q' });
    const claimed = await act(item.id, { action: 'claim' }, AGENT_USER);
    expect(claimed.status).toBe(200);
    expect(claimed.body.item).toMatchObject({ status: 'assigned', assigneeId: 'a3' });
    expect(claimed.body.event).toMatchObject({
      name: 'Work Item Assigned',
      action: 'claim',
      actor: 'u-agent',
    });
    const again = await act(item.id, { action: 'claim', agentId: 'a2' });
    expect(again.status).toBe(409);

    const nobody = await create({ title: 'Nobody' });
    expect((await act(nobody.id, { action: 'claim' }, VIEWER)).status).toBe(403);
    const notAgent = await act(nobody.id, { action: 'claim' }, NORTH_ONLY);
    expect(notAgent.status).toBe(400);
    expect(notAgent.body.problems).toEqual([
      { field: 'agentId', message: 'you are not an agent: name the agent who claims' },
    ]);

    clock = START + 100_000;
    const moved = await act(item.id, { action: 'move', queueId: 'backoffice' });
    expect(moved.body.item).toMatchObject({
      status: 'queued',
      queueId: 'backoffice',
      assigneeId: null,
      queuedAt: iso(clock),
      escalatedAt: null,
    });
    expect(moved.body.event.details).toEqual({
      queueId: 'backoffice',
      workbinId: null,
      from: { queueId: 'pull-q', workbinId: null, assigneeId: 'a3' },
    });
    const escalated = await act(item.id, { action: 'escalate', workbinId: 'sup-bin', reason: 'SLA at 80 %' });
    expect(escalated.body.item).toMatchObject({
      status: 'queued',
      queueId: 'backoffice',
      workbinId: 'sup-bin',
      escalatedAt: iso(clock),
    });
    expect(escalated.body.event).toMatchObject({
      name: 'Work Item Escalated',
      details: { reason: 'SLA at 80 %' },
    });
    const missing = await act(item.id, { action: 'move', queueId: 'nowhere' });
    expect(missing.body.problems).toEqual([{ field: 'queueId', message: 'no queue "nowhere"' }]);
  });
});

describe('updating work items', () => {
  it('merges attributes and changes fields while open, as one Updated event; 409 once finished', async () => {
    clock = START + 120_000;
    const item = await create({ title: 'Update me' });
    clock += 1000;
    const res = await call('PATCH', `/api/v1/work/items/${item.id}`, {
      title: 'Updated',
      priority: 50,
      dueAt: '2026-03-03T12:00:00+01:00',
      attributes: { amount: 20, channel: null, urgent: true },
      expectedVersion: 1,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      title: 'Updated',
      priority: 50,
      basePriority: 50,
      dueAt: '2026-03-03T11:00:00.000Z',
      version: 2,
      updatedAt: iso(clock),
      attributes: { accountId: 'A-77', amount: 20, effectiveOn: '2026-04-01', urgent: true },
    });
    expect(res.body.attributes).not.toHaveProperty('channel');
    const updated = (await events(item.id)).at(-1);
    expect(updated).toMatchObject({
      name: 'Work Item Updated',
      action: 'update',
      details: {
        title: 'Updated',
        priority: 50,
        dueAt: '2026-03-03T11:00:00.000Z',
        attributes: { amount: 20, channel: null, urgent: true },
      },
    });
    const callback = await operational.db
      .selectFrom('outbox')
      .select('key')
      .where('key', '=', `${item.id}:3`)
      .executeTakeFirst();
    expect(callback).toBeDefined();

    const unchanged = await call('PATCH', `/api/v1/work/items/${item.id}`, { title: 'Updated' });
    expect(unchanged.body.version).toBe(2);

    const invalid = await call('PATCH', `/api/v1/work/items/${item.id}`, { attributes: { accountId: null } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.problems).toEqual([{ field: 'attributes.accountId', message: 'is required' }]);

    await act(item.id, { action: 'cancel' });
    const finished = await call('PATCH', `/api/v1/work/items/${item.id}`, { title: 'Too late' });
    expect(finished.status).toBe(409);
    expect(finished.body).toMatchObject({ status: 'cancelled', action: 'update', allowedActions: [] });
  });
});

describe('listing work items', () => {
  it('filters, orders by priority then due date, pages, and keeps to the viewer’s divisions', async () => {
    const south = await create({
      typeId: 'south-type',
      title: 'South item',
      attributes: {},
      serviceRequest: 'SR-S',
    });
    clock = START + 200_000;
    const low = await create({ title: 'List low', priority: 1, serviceRequest: 'SR-LIST' });
    const highLate = await create({
      title: 'List high late',
      priority: 90,
      serviceRequest: 'SR-LIST',
      dueAt: '2026-03-05T00:00:00Z',
    });
    const highSoon = await create({
      title: 'List high soon',
      priority: 90,
      serviceRequest: 'SR-LIST',
      dueAt: '2026-03-04T00:00:00Z',
    });
    const page = await call(
      'GET',
      '/api/v1/work/items?serviceRequest=SR-LIST&status=queued,assigned&limit=2',
    );
    expect(page.body.total).toBe(3);
    expect(page.body.items.map((i: WorkItem) => i.id)).toEqual([highSoon.id, highLate.id]);
    const next = await call('GET', '/api/v1/work/items?serviceRequest=SR-LIST&limit=2&offset=2');
    expect(next.body.items.map((i: WorkItem) => i.id)).toEqual([low.id]);

    await act(low.id, { action: 'assign', agentId: 'a2' });
    const byAgent = await call('GET', '/api/v1/work/items?assigneeId=a2&status=assigned');
    expect(byAgent.body.items.map((i: WorkItem) => i.id)).toContain(low.id);
    const byType = await call('GET', '/api/v1/work/items?typeId=south-type');
    expect(byType.body.items.map((i: WorkItem) => i.id)).toEqual([south.id]);
    const badStatus = await call('GET', '/api/v1/work/items?status=queued,lost');
    expect(badStatus.status).toBe(400);

    // A viewer of the north division only.
    const northList = await call('GET', '/api/v1/work/items?limit=500', undefined, { as: NORTH_ONLY });
    const divisions = new Set(northList.body.items.map((i: WorkItem) => i.divisionId));
    expect([...divisions]).toEqual(['north']);
    expect(northList.body.total).toBe((await call('GET', '/api/v1/work/items?limit=500')).body.total - 1);
    expect((await call('GET', `/api/v1/work/items/${south.id}`, undefined, { as: NORTH_ONLY })).status).toBe(
      404,
    );
    expect((await act(south.id, { action: 'cancel' }, NORTH_ONLY)).status).toBe(404);
    expect((await call('GET', '/api/v1/work/queues/south-q', undefined, { as: NORTH_ONLY })).status).toBe(
      404,
    );
    const southType = await call(
      'POST',
      '/api/v1/work/items',
      newItem({ typeId: 'south-type', attributes: {} }),
      {
        as: NORTH_ONLY,
      },
    );
    expect(southType.body.problems).toEqual([{ field: 'typeId', message: 'no work type "south-type"' }]);
    const intoSouth = await call('POST', '/api/v1/work/items', newItem({ divisionId: 'south' }), {
      as: NORTH_ONLY,
    });
    expect(intoSouth.body.problems).toEqual([
      { field: 'divisionId', message: 'division "south" is not one of yours' },
    ]);
    const nowhere = principal('u-none', ['work:*'], []);
    expect((await call('GET', '/api/v1/work/items', undefined, { as: nowhere })).body).toMatchObject({
      items: [],
      total: 0,
    });
  });
});

describe('API description', () => {
  it('documents the lifecycle and the work routes in OpenAPI', async () => {
    const lifecycle = await call('GET', '/api/v1/work/lifecycle', undefined, { as: VIEWER });
    expect(lifecycle.body.transitions).toContainEqual({
      action: 'start',
      from: ['assigned'],
      to: 'in-progress',
      event: 'Work Item Started',
    });
    const doc = (await call('GET', '/api/openapi.json')).body;
    for (const path of [
      '/api/v1/work/items',
      '/api/v1/work/items/bulk',
      '/api/v1/work/items/{id}/transitions',
      '/api/v1/work/types/{id}',
      '/api/v1/work/agents/{id}/presence',
    ])
      expect(Object.keys(doc.paths)).toContain(path);
  });
});
