/**
 * The signed-in agent's views: the blending list (work items and the agent's recent interactions, matched
 * by the agent's externalAgentId, within the viewer's divisions) and the live stream, which ends once its
 * credentials no longer give work:item:view.
 */
import { rmSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../src/access/index.ts';
import { parseConfig } from '../src/config/index.ts';
import { buildApp } from '../src/server/index.ts';
import { type OperationalStore, openOperationalStore, openStore, type Store } from '../src/store/index.ts';
import { tempDir } from './support.ts';

const NOW = Date.parse('2026-03-10T12:00:00.000Z');
const principal = (
  userId: string,
  permissions: string[],
  divisions: readonly string[] | 'all',
): Principal => ({
  kind: 'token',
  userId,
  username: userId,
  displayName: userId,
  roles: [],
  permissions,
  divisions,
});
const ADMIN = principal('u-admin', ['*'], 'all');
const AGENT = principal('u-agent', ['work:item:view', 'work:item:edit'], ['north']);

let dir: string;
let store: Store;
let operational: OperationalStore;
let app: FastifyInstance;
let actingAs: Principal | null = ADMIN;

async function call(method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, as: Principal = ADMIN) {
  actingAs = as;
  const res = await app.inject({
    method,
    url,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
  return { status: res.statusCode, body: res.body ? res.json() : undefined };
}

beforeAll(async () => {
  dir = tempDir('caseflow-work-me-');
  store = await openStore(dir);
  operational = await openOperationalStore({ dataDir: dir });
  // Three conversations of the agent's platform id (one too old, one in another division) and another agent's.
  await store.db.run(`
    INSERT INTO support_conversations (conversation_id, origin, channel, opened_at, contact_id, assignee_id,
      service_request)
    VALUES ('c-recent', 'import', 'voice', '2026-03-09 10:00:00', '+33 6 12 34 56 78', 'gen-ana', 'SR-1'),
      ('c-older', 'import', 'email', '2026-03-05 08:00:00', 'ana.client@example.fr', 'gen-ana', NULL),
      ('c-too-old', 'import', 'chat', '2026-03-01 08:00:00', NULL, 'gen-ana', NULL),
      ('c-south', 'import', 'voice', '2026-03-09 11:00:00', NULL, 'gen-ana', NULL),
      ('c-other', 'import', 'voice', '2026-03-09 12:00:00', NULL, 'gen-bo', NULL)`);
  await store.db.run(`
    INSERT INTO conversation_divisions VALUES ('c-recent', 'north'), ('c-older', 'north'),
      ('c-too-old', 'north'), ('c-south', 'south'), ('c-other', 'north')`);
  app = await buildApp({
    store,
    config: parseConfig({ access: { enabled: true }, divisions: { default: 'north' } }),
    operational,
    webRoot: null,
    now: () => NOW,
    authenticator: { authenticate: async () => actingAs },
    workStreamHeartbeatMs: 50,
  });
  await app.ready();
  for (const [kind, body] of [
    ['queues', { id: 'q', name: 'Back office', routingMethod: 'pull' }],
    ['types', { id: 't', name: 'Address change', defaultQueueId: 'q' }],
    ['agents', { id: 'ana', name: 'Ana', userId: 'u-agent', externalAgentId: 'gen-ana' }],
  ] as const) {
    const res = await call('POST', `/api/v1/work/${kind}`, body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
}, 60_000);

afterAll(async () => {
  await app?.close();
  store?.close();
  await operational?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the blending list', () => {
  it('shows the agent’s open items and recent interactions in their divisions, newest first', async () => {
    const created = await call('POST', '/api/v1/work/items', { typeId: 't', title: 'Move' }, AGENT);
    expect(created.status).toBe(201);
    const claimed = await call(
      'POST',
      `/api/v1/work/items/${created.body.id}/transitions`,
      { action: 'claim' },
      AGENT,
    );
    expect(claimed.status, JSON.stringify(claimed.body)).toBe(200);
    const res = await call('GET', '/api/v1/work/me/list', undefined, AGENT);
    expect(res.status).toBe(200);
    const customer = await call('GET', '/api/v1/customers?conversationId=c-recent');
    expect(customer.status).toBe(200);
    const customerId = customer.body.items[0]?.id ?? null;
    expect(customerId).not.toBeNull();
    expect(res.body.items).toEqual([
      { kind: 'workItem', item: expect.objectContaining({ id: created.body.id, assigneeId: 'ana' }) },
      {
        kind: 'interaction',
        conversationId: 'c-recent',
        channel: 'voice',
        startedAt: '2026-03-09T10:00:00.000Z',
        customerId,
        serviceRequest: 'SR-1',
      },
      expect.objectContaining({ kind: 'interaction', conversationId: 'c-older', serviceRequest: null }),
    ]);
  });

  it('shows the interactions of every division to a viewer of all of them', async () => {
    const agent = await call('GET', '/api/v1/work/agents/ana');
    expect(agent.body.externalAgentId).toBe('gen-ana');
    const res = await call('GET', '/api/v1/work/me/list', undefined, { ...AGENT, divisions: 'all' });
    const ids = res.body.items.filter((e: { kind: string }) => e.kind === 'interaction');
    expect(ids.map((e: { conversationId: string }) => e.conversationId)).toEqual([
      'c-south',
      'c-recent',
      'c-older',
    ]);
  });
});

describe('the agent stream', () => {
  for (const [what, after] of [
    ['the user signed out (no credentials)', null],
    ['the user lost work:item:view', { ...AGENT, permissions: ['journey:event:view'] }],
    ['the user’s divisions changed', { ...AGENT, divisions: ['north', 'south'] }],
  ] as const) {
    it(`ends at the next heartbeat once ${what}`, async () => {
      actingAs = AGENT;
      const address = await app.listen({ port: 0, host: '127.0.0.1' }).catch(() => listening());
      const response = await fetch(`${address}/api/v1/work/me/stream`);
      expect(response.status).toBe(200);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      let text = '';
      // Still valid: the stream goes on past several checks.
      while (text.split(': heartbeat').length <= 3) {
        const { done, value } = await reader.read();
        expect(done).toBe(false);
        text += new TextDecoder().decode(value);
      }
      actingAs = after;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      expect(text).toContain(': connected');
    });
  }
});

function listening(): string {
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('not listening');
  return `http://127.0.0.1:${address.port}`;
}
