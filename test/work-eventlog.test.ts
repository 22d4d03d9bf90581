/**
 * Work items in the event log and the journey: a work item for an existing case walks its lifecycle through
 * the API; the feeder puts its events in the case (MediaType workitem, SourceSystem caseflow:work), once;
 * the process map shows the back-office activities; divisions still decide who sees what; a regroup keeps
 * them; the customer's journey shows the item.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../src/access/index.ts';
import { parseConfig } from '../src/config/index.ts';
import type { EventLogRow } from '../src/eventlog/index.ts';
import type { Journey } from '../src/journey/index.ts';
import { buildApp } from '../src/server/index.ts';
import { type OperationalStore, openOperationalStore, type Store } from '../src/store/index.ts';
import { syncWorkEvents } from '../src/work/eventlog.ts';
import type { WorkItem } from '../src/work/index.ts';
import { scenarioStore, tempDir } from './support.ts';

const principal = (userId: string, divisions: readonly string[] | 'all'): Principal => ({
  kind: 'token',
  userId,
  username: userId,
  displayName: userId,
  roles: [],
  permissions: ['*'],
  divisions,
});
const ADMIN = principal('u-admin', 'all');
const BACKOFFICE = principal('u-back', ['backoffice']);
const SOUTH = principal('u-south', ['south']);

const CONFIG = { divisions: { default: 'north' } };
let clock = Date.parse('2026-03-02T09:00:00.000Z');
let store: Store;
let operational: OperationalStore;
let app: FastifyInstance;
let actingAs: Principal = ADMIN;
let serviceRequest: string;
let customerKey: string;
let item: WorkItem;
let standalone: WorkItem;
/** A viewer of the case's front-office division (its conversations'). */
let front: Principal;

async function call(method: 'GET' | 'POST', url: string, payload?: object, as: Principal = ADMIN) {
  actingAs = as;
  const res = await app.inject({ method, url, ...(payload ? { payload } : {}) });
  return { status: res.statusCode, body: res.body ? res.json() : undefined };
}

async function walk(id: string, actions: Record<string, unknown>[]): Promise<void> {
  for (const body of actions) {
    clock += 60_000;
    const res = await call('POST', `/api/v1/work/items/${id}/transitions`, body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }
}

const workRows = async (caseId: string): Promise<EventLogRow[]> =>
  (await store.readEventLog()).filter(
    (r) => r.ServiceRequest === caseId && r.SourceSystem === 'caseflow:work',
  );

beforeAll(async () => {
  store = await scenarioStore(CONFIG);
  operational = await openOperationalStore({ dataDir: tempDir('caseflow-work-eventlog-') });
  app = await buildApp({
    store,
    config: parseConfig({ ...CONFIG, access: { enabled: true } }),
    operational,
    webRoot: null,
    now: () => clock,
    authenticator: { authenticate: async () => actingAs },
  });
  await app.ready();
  const found = await store.db.one<{ service_request: string; key: string }>(`
    SELECT m.service_request, min(i.key) AS key FROM case_map m JOIN customer_identifiers i USING (conversation_id)
    WHERE i.kind = 'phone' GROUP BY m.service_request ORDER BY m.service_request LIMIT 1`);
  if (!found) throw new Error('the scenario fixtures have no case with a phone number');
  serviceRequest = found.service_request;
  customerKey = found.key;
  const division = await store.db.one<{ division_id: string }>(
    'SELECT min(division_id) AS division_id FROM case_divisions WHERE service_request = $id',
    { id: serviceRequest },
  );
  if (!division?.division_id) throw new Error(`case ${serviceRequest} has no division`);
  front = principal('u-front', [division.division_id]);
  for (const [kind, body] of [
    ['queues', { id: 'claims', name: 'Claims back office', routingMethod: 'pull', divisionId: 'backoffice' }],
    [
      'types',
      {
        id: 'claim',
        name: 'Claim check',
        defaultQueueId: 'claims',
        slaSeconds: 3600,
        divisionId: 'backoffice',
      },
    ],
    ['agents', { id: 'a1', name: 'Ana', capacity: { workitem: 5 }, divisionId: 'backoffice' }],
  ] as const) {
    const res = await call('POST', `/api/v1/work/${kind}`, body);
    expect(res.status, `${kind}: ${JSON.stringify(res.body)}`).toBe(201);
  }
  const created = await call('POST', '/api/v1/work/items', {
    typeId: 'claim',
    title: 'Check the claim',
    customer: customerKey,
    serviceRequest,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  item = created.body;
  await walk(item.id, [
    { action: 'assign', agentId: 'a1' },
    { action: 'start' },
    { action: 'pause' },
    { action: 'resume' },
    { action: 'complete' },
  ]);
  const other = await call('POST', '/api/v1/work/items', { typeId: 'claim', title: 'No case' });
  expect(other.status).toBe(201);
  standalone = other.body;
  await walk(standalone.id, [{ action: 'cancel' }]);
}, 60_000);

afterAll(async () => {
  await app?.close();
  await operational?.close();
  store?.close();
});

describe('work items in the event log', () => {
  it('puts every transition in the item’s case, in order, once', async () => {
    expect(await workRows(serviceRequest)).toEqual([]);
    const first = await syncWorkEvents(store, operational.db);
    expect(first).toMatchObject({ written: first.read, cases: 2 });
    const rows = await workRows(serviceRequest);
    expect(rows.map((r) => r.ActivityName)).toEqual([
      'Work Item Created',
      'Work Item Routed',
      'Work Item Assigned',
      'Work Item Started',
      'Work Item Paused',
      'Work Item Resumed',
      'Work Item Completed',
    ]);
    for (const r of rows) {
      expect(r).toMatchObject({ MediaType: 'workitem', SourceSystem: 'caseflow:work', ConversationId: null });
    }
    const started = rows.find((r) => r.ActivityName === 'Work Item Started');
    expect(started).toMatchObject({
      AgentId: 'a1',
      AgentName: 'Ana',
      QueueName: 'Claims back office',
      Duration: 60,
    });
    const frontOffice = (await store.readEventLog()).find(
      (r) => r.ServiceRequest === serviceRequest && r.SourceSystem !== 'caseflow:work',
    );
    expect(rows[0]?.ServiceRequestType).toBe(frontOffice?.ServiceRequestType);
    expect(rows.at(-1)?.Duration).toBe(0);

    // The item that names no case is a case of its own, with the work type as its request type.
    const own = await workRows(`WI-${standalone.id}`);
    expect(own.map((r) => r.ActivityName)).toEqual([
      'Work Item Created',
      'Work Item Routed',
      'Work Item Cancelled',
    ]);
    expect(own[0]).toMatchObject({ ServiceRequestType: 'Claim check', SlaTargetResolutionTime: 3600 });

    const before = await store.countEvents();
    expect(await syncWorkEvents(store, operational.db)).toEqual({ read: 0, written: 0, cases: 0 });
    expect(await store.countEvents()).toBe(before);
  });

  it('shows the back-office activities in the process map, to the divisions that may see them', async () => {
    const url = `/api/v1/process-map?activity=${encodeURIComponent('Work Item Completed')}`;
    const map = await call('GET', url);
    expect(map.status).toBe(200);
    const names = map.body.activities.map((a: { id: string }) => a.id);
    expect(names).toEqual(
      expect.arrayContaining(['Work Item Created', 'Work Item Started', 'Work Item Completed']),
    );
    const fr = await call('GET', `${url}&lang=fr`);
    expect(fr.body.activities.map((a: { name: string }) => a.name)).toContain('Élément de Travail Terminé');

    // The front office sees the case through its conversations; back office through its work item; south neither.
    expect((await call('GET', url, undefined, front)).body.activities.length).toBeGreaterThan(0);
    expect((await call('GET', url, undefined, BACKOFFICE)).body.activities.length).toBeGreaterThan(0);
    expect((await call('GET', url, undefined, SOUTH)).body.activities).toEqual([]);
    const cancelled = `/api/v1/process-map?activity=${encodeURIComponent('Work Item Cancelled')}`;
    expect((await call('GET', cancelled, undefined, BACKOFFICE)).body.activities.length).toBeGreaterThan(0);
    expect((await call('GET', cancelled, undefined, front)).body.activities).toEqual([]);
  });

  it('keeps the work events through a regroup', async () => {
    const before = (await workRows(serviceRequest)).length;
    await store.regroup(parseConfig(CONFIG));
    expect((await workRows(serviceRequest)).length).toBe(before);
    expect(await workRows(`WI-${standalone.id}`)).toHaveLength(3);
    const divisions = await store.db.all<{ division_id: string }>(
      'SELECT division_id FROM case_divisions WHERE service_request = $id ORDER BY 1',
      { id: serviceRequest },
    );
    expect(divisions.map((d) => d.division_id)).toContain('backoffice');
  });

  it('shows the work item in the customer’s journey, ended with its date, to its division', async () => {
    const journeyUrl = `/api/v1/customers/${encodeURIComponent(customerKey)}/journey`;
    const journey = (await call('GET', journeyUrl)).body as Journey;
    const card = journey.items.find((i) => i.kind === 'workItem');
    expect(card).toMatchObject({
      id: `workitem:${item.id}`,
      channel: 'workitem',
      serviceRequest,
      title: 'Check the claim',
      agent: { id: 'a1', name: 'Ana' },
      status: { state: 'ended' },
      endedAt: new Date(clock - 60_000).toISOString(),
    });
    const frontOffice = (await call('GET', journeyUrl, undefined, front)).body as Journey;
    expect(frontOffice.items.length).toBeGreaterThan(0);
    expect(frontOffice.items.some((i) => i.kind === 'workItem')).toBe(false);
  });

  it('shows an open work item as live', async () => {
    clock += 60_000;
    const open = await call('POST', '/api/v1/work/items', {
      typeId: 'claim',
      title: 'Still open',
      customer: customerKey,
    });
    expect(open.status).toBe(201);
    const journey = (await call('GET', `/api/v1/customers/${encodeURIComponent(customerKey)}/journey`))
      .body as Journey;
    expect(journey.items.find((i) => i.id === `workitem:${open.body.id}`)?.status.state).toBe('live');
  });
});
