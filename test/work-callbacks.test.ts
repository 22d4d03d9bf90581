/**
 * Calls back to source systems (src/work/callback-dispatcher.ts): a 127.0.0.1 receiver that fails first
 * (delivered on the 3rd attempt, three rows in the delivery log), one that never succeeds (dead after
 * maxAttempts, replayed once fixed), the HMAC signature, a timeout counted as a failure, the list and
 * replay routes, and the server delivering on its own after a change through the API. Backoff waits pass
 * by moving an injected clock. PGlite always; a PostgreSQL server when CASEFLOW_TEST_DATABASE_URL is set
 * (.ci/run starts one; so does `source .ci/postgres.sh && caseflow_start_postgres`).
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CaseflowConfig, parseConfig } from '../src/config/index.ts';
import { buildApp } from '../src/server/app.ts';
import { type OperationalStore, openOperationalStore, openStore, type Store } from '../src/store/index.ts';
import {
  CallbackDispatcher,
  type CallbackSettings,
  EVENT_HEADER,
  SIGNATURE_HEADER,
} from '../src/work/callback-dispatcher.ts';
import { getCallback } from '../src/work/callback-log.ts';
import {
  agentInputSchema,
  createAgent,
  createQueue,
  createWorkType,
  queueInputSchema,
  replaceWorkType,
  systemActor,
  WorkService,
  workTypeFieldsSchema,
  workTypeInputSchema,
} from '../src/work/index.ts';
import { type FreshDatabase, freshOperationalDatabase, operationalBackends } from './support.ts';

const backends = operationalBackends('work callbacks');

/** A receiver on 127.0.0.1: answers each request with the next planned status (then the last one). */
interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}
class Receiver {
  readonly received: Received[] = [];
  /** Status codes to answer in turn; 'hang' never answers (until the server closes). */
  plan: (number | 'hang')[] = [200];
  #server: Server;
  #waiters: (() => void)[] = [];
  url = '';

  constructor() {
    this.#server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        this.received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        for (const wake of this.#waiters.splice(0)) wake();
        const status = this.plan.length > 1 ? this.plan.shift() : this.plan[0];
        if (status === 'hang' || status === undefined) return;
        response.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'boom');
      });
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/callbacks`;
  }

  /** Resolves once `count` requests have arrived. */
  async waitFor(count: number): Promise<void> {
    while (this.received.length < count) await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

const SECRET = 'callback-secret-Ω';
const env = { CRM_CALLBACK_SECRET: SECRET } as NodeJS.ProcessEnv;
const ADMIN = systemActor('test');
const sign = (body: string, secret = SECRET) =>
  `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;

describe.each(backends)('work callbacks on %s', (kind) => {
  let fresh: FreshDatabase;
  let op: OperationalStore;
  let store: Store;
  let storeDir: string;
  let receiver: Receiver;
  let work: WorkService;
  let clock: number;
  const now = () => new Date(clock);
  const settings: CallbackSettings = {
    timeoutMs: 5_000,
    retry: { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 10_000 },
    pollIntervalSeconds: 5,
  };
  const dispatcher = (more: Partial<CallbackSettings> = {}, secrets = env) =>
    new CallbackDispatcher({
      db: op.db,
      settings: { ...settings, ...more },
      env: secrets,
      now,
      random: () => 0,
    });

  beforeAll(async () => {
    storeDir = mkdtempSync(path.join(tmpdir(), 'caseflow-cb-store-'));
    store = await openStore(storeDir);
  });
  afterAll(async () => {
    store?.close();
    rmSync(storeDir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    fresh = await freshOperationalDatabase(kind);
    op = await openOperationalStore(fresh.options);
    receiver = new Receiver();
    await receiver.start();
    clock = Date.parse('2024-06-01T10:00:00.000Z');
    work = new WorkService({ db: op.db, defaultDivision: 'home', now });
    await createQueue(
      work.ctx,
      ADMIN,
      queueInputSchema.parse({ id: 'q', name: 'Back office', routingMethod: 'pull' }),
    );
    await createWorkType(
      work.ctx,
      ADMIN,
      workTypeInputSchema.parse({
        id: 'address-change',
        name: 'Address change',
        defaultQueueId: 'q',
        attributeSchema: { street: { type: 'string' }, amount: { type: 'number' } },
        callback: {
          url: receiver.url,
          secretEnv: 'CRM_CALLBACK_SECRET',
          transitions: ['complete', 'cancel'],
        },
      }),
    );
    await createAgent(work.ctx, ADMIN, agentInputSchema.parse({ id: 'a1', name: 'Agent 1', queues: ['q'] }));
  });

  afterEach(async () => {
    await receiver.close();
    await op.close();
    await fresh.drop();
  });

  /** An item claimed, started, its attributes changed, completed: one callback message. */
  async function completedItem(): Promise<string> {
    const { item } = await work.createItem(
      { typeId: 'address-change', title: 'Move', attributes: { street: 'rue A', amount: 1 } },
      {},
      ADMIN,
    );
    await work.transition(item.id, { action: 'claim', agentId: 'a1' }, ADMIN);
    await work.transition(item.id, { action: 'start' }, ADMIN);
    await work.updateItem(item.id, { attributes: { street: 'rue B', amount: 42 } }, ADMIN);
    await work.transition(item.id, { action: 'complete' }, ADMIN);
    return item.id;
  }

  it('retries a receiver that fails first and delivers on the 3rd attempt, each attempt logged and signed', async () => {
    receiver.plan = [500, 500, 200];
    const itemId = await completedItem();
    const d = dispatcher();

    const first = await d.deliverDue();
    expect(first).toMatchObject([
      { status: 'retry', attempt: 1, responseCode: 500, error: 'HTTP 500: boom' },
    ]);
    expect(await d.deliverDue()).toEqual([]); // waiting for its backoff
    clock += 499;
    expect(await d.deliverDue()).toEqual([]);
    clock += 1; // base 1 s, equal jitter with random 0: half of it
    expect(await d.deliverDue()).toMatchObject([{ status: 'retry', attempt: 2 }]);
    clock += 1_000; // 2 s ceiling, half of it
    expect(await d.deliverDue()).toMatchObject([{ status: 'delivered', attempt: 3, responseCode: 200 }]);
    expect(await d.deliverDue()).toEqual([]);

    const messageId = first[0]?.messageId ?? 0;
    const { callback, deliveries } = await getCallback(op.db, messageId, ADMIN);
    expect(callback).toMatchObject({ status: 'delivered', attempts: 3, itemId, action: 'complete' });
    expect(deliveries.map((r) => [r.attempt, r.status, r.responseCode])).toEqual([
      [1, 'error', 500],
      [2, 'error', 500],
      [3, 'ok', 200],
    ]);
    expect(deliveries.map((r) => r.startedAt)).toEqual([
      '2024-06-01T10:00:00.000Z',
      '2024-06-01T10:00:00.500Z',
      '2024-06-01T10:00:01.500Z',
    ]);

    expect(receiver.received).toHaveLength(3);
    const eventIds = new Set(receiver.received.map((r) => r.headers['x-caseflow-event-id']));
    expect([...eventIds]).toEqual([callback.eventId]);
    expect(callback.eventId).toMatch(new RegExp(`^${itemId}:\\d+$`));
    for (const { headers, body } of receiver.received) {
      expect(headers[EVENT_HEADER.toLowerCase()]).toBe('complete');
      expect(headers['content-type']).toBe('application/json');
      expect(headers[SIGNATURE_HEADER.toLowerCase()]).toBe(sign(body));
      expect(headers[SIGNATURE_HEADER.toLowerCase()]).not.toBe(sign(body, 'another secret'));
    }
    const body = JSON.parse(receiver.received[0]?.body ?? '{}');
    expect(body).toMatchObject({
      eventId: callback.eventId,
      action: 'complete',
      event: 'Work Item Completed',
      item: { id: itemId, status: 'completed', attributes: { street: 'rue B', amount: 42 } },
    });
  });

  it('gives up after maxAttempts (dead) and a replay delivers once the receiver is fixed', async () => {
    receiver.plan = [503];
    await completedItem();
    const d = dispatcher();
    const outcomes: string[] = [];
    for (let i = 0; i < 3; i++) {
      const [result] = await d.deliverDue();
      outcomes.push(result?.status ?? 'none');
      clock += 60_000;
    }
    expect(outcomes).toEqual(['retry', 'retry', 'dead']);
    expect(await d.deliverDue()).toEqual([]);

    const app = await buildApp({
      store,
      config: parseConfig({}),
      operational: op,
      webRoot: null,
      env: {},
      now: () => clock,
    });
    try {
      const dead = await app.inject({ method: 'GET', url: '/api/v1/work/callbacks?status=dead' });
      expect(dead.statusCode).toBe(200);
      const [message] = dead.json<{ callbacks: { id: number; attempts: number; lastError: string }[] }>()
        .callbacks;
      expect(message).toMatchObject({ attempts: 3, lastError: 'HTTP 503: boom' });
      const id = message?.id ?? 0;
      expect(
        (await app.inject({ method: 'GET', url: '/api/v1/work/callbacks?status=pending' })).json(),
      ).toEqual({ callbacks: [] });

      receiver.plan = [200];
      const replay = await app.inject({ method: 'POST', url: `/api/v1/work/callbacks/${id}/replay` });
      expect(replay.statusCode).toBe(200);
      expect(replay.json()).toMatchObject({ id, status: 'pending', attempts: 0 });
      // Pending: not replayed again.
      const again = await app.inject({ method: 'POST', url: `/api/v1/work/callbacks/${id}/replay` });
      expect(again.statusCode).toBe(409);
      expect(again.json<{ message: string }>().message).toContain('only a dead or delivered callback');

      expect(await d.deliverDue()).toMatchObject([{ messageId: id, status: 'delivered', attempt: 1 }]);
      const detail = await app.inject({ method: 'GET', url: `/api/v1/work/callbacks/${id}` });
      expect(detail.json<{ deliveries: { status: string }[] }>().deliveries.map((r) => r.status)).toEqual([
        'error',
        'error',
        'error',
        'ok',
      ]);
      // A delivered callback may be sent again too (same event id).
      expect(
        (await app.inject({ method: 'POST', url: `/api/v1/work/callbacks/${id}/replay` })).statusCode,
      ).toBe(200);
      expect(await d.deliverDue()).toMatchObject([{ status: 'delivered' }]);
      const ids = receiver.received.map((r) => r.headers['x-caseflow-event-id']);
      expect(new Set(ids).size).toBe(1);
      expect(ids).toHaveLength(5);

      expect(
        (await app.inject({ method: 'POST', url: '/api/v1/work/callbacks/999999/replay' })).statusCode,
      ).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('counts a timeout as a failure, and a missing secret or URL too', async () => {
    receiver.plan = ['hang'];
    await completedItem();
    const [timedOut] = await dispatcher({ timeoutMs: 100 }).deliverDue();
    expect(timedOut).toMatchObject({ status: 'retry', responseCode: null, error: 'timed out after 100 ms' });
    const { deliveries } = await getCallback(op.db, timedOut?.messageId ?? 0, ADMIN);
    expect(deliveries).toMatchObject([{ attempt: 1, status: 'error', error: 'timed out after 100 ms' }]);

    clock += 60_000;
    const [noSecret] = await dispatcher({}, {}).deliverDue();
    expect(noSecret?.error).toBe(
      "the signature secret's environment variable CRM_CALLBACK_SECRET (work type address-change) is not set",
    );
    expect(receiver.received).toHaveLength(1); // nothing sent unsigned

    clock += 60_000;
    await replaceWorkType(
      work.ctx,
      ADMIN,
      'address-change',
      workTypeFieldsSchema.parse({ name: 'Address change', defaultQueueId: 'q', callback: null }),
    );
    const [noUrl] = await dispatcher().deliverDue();
    expect(noUrl).toMatchObject({
      status: 'dead',
      error: 'the work type address-change has no callback URL (any more)',
    });
  });

  it('the server delivers by itself after a change through the API', async () => {
    const config: CaseflowConfig = parseConfig({});
    const app = await buildApp({
      store,
      config,
      operational: op,
      webRoot: null,
      env,
      schedule: true,
    });
    try {
      await app.ready();
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/work/items',
        payload: { typeId: 'address-change', title: 'Move', attributes: { street: 'rue C' } },
      });
      expect(created.statusCode).toBe(201);
      const itemId = created.json<{ id: string }>().id;
      const cancelled = await app.inject({
        method: 'POST',
        url: `/api/v1/work/items/${itemId}/transitions`,
        payload: { action: 'cancel', reason: 'duplicate' },
      });
      expect(cancelled.statusCode).toBe(200);
      await receiver.waitFor(1);
      expect(receiver.received[0]?.headers[EVENT_HEADER.toLowerCase()]).toBe('cancel');
      expect(JSON.parse(receiver.received[0]?.body ?? '{}')).toMatchObject({
        item: { id: itemId, status: 'cancelled' },
      });
    } finally {
      await app.close();
    }
  });
});
