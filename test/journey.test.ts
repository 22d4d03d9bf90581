import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../src/access/index.ts';
import { type CaseflowConfig, parseConfig } from '../src/config/index.ts';
import { demoConfig, generateDemo } from '../src/demo/index.ts';
import {
  type Clock,
  contactIdIdentifier,
  conversationIdentifiers,
  IdentityIndex,
  type Interaction,
  isCustomerId,
  type Journey,
  opaqueCustomerId,
} from '../src/journey/index.ts';
import { buildApp } from '../src/server/index.ts';
import { importMessages } from '../src/sources/conversations/index.ts';
import { importGenesys } from '../src/sources/genesys/index.ts';
import { type OperationalStore, openOperationalStore, openStore, type Store } from '../src/store/index.ts';
import { tempDir } from './support.ts';

/**
 * Customer journeys: identity merging (mergeOn), the journey API over the demo data (order, last queue and
 * agent, masking, divisions), journey events (idempotency, rejections, quarantine) and the live stream. The
 * journey's clock is a manual one: statuses change by moving it, never by waiting.
 */

/** A clock whose time moves only when told; timers fire in time order as it passes them. */
class ManualClock implements Clock {
  private timers: { time: number; seq: number; callback: () => void }[] = [];
  private seq = 0;
  private idle: (() => void)[] = [];

  constructor(public time: number) {}

  now(): number {
    return this.time;
  }

  at(time: number, callback: () => void): () => void {
    const timer = { time, seq: this.seq++, callback };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
      if (this.timers.length === 0) for (const resolve of this.idle.splice(0)) resolve();
    };
  }

  advanceTo(time: number): void {
    for (;;) {
      const due = this.timers
        .filter((t) => t.time <= time)
        .sort((a, b) => a.time - b.time || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = Math.max(this.time, due.time);
      due.callback();
    }
    this.time = time;
  }

  get pending(): number {
    return this.timers.length;
  }

  /** Resolves once no timer is pending. */
  whenIdle(): Promise<void> {
    return this.timers.length === 0 ? Promise.resolve() : new Promise((resolve) => this.idle.push(resolve));
  }
}

const principal = (
  permissions: string[],
  divisions: readonly string[] | 'all' = 'all',
  userId = 'u-test',
): Principal => ({
  kind: 'token',
  userId,
  username: 'test',
  displayName: 'Test',
  roles: [],
  permissions,
  divisions,
});
const EVERYTHING = principal(['*']);

const END = '2026-11-01';
const NOW = Date.parse('2026-11-01T00:10:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

let store: Store;
let operational: OperationalStore;
let config: CaseflowConfig;
let app: FastifyInstance;
const clock = new ManualClock(NOW);
let actingAs: Principal = EVERYTHING;

beforeAll(async () => {
  const dir = tempDir('caseflow-journey-');
  const files = await generateDemo(path.join(dir, 'demo'), {
    conversations: 400,
    days: 6,
    seed: 5,
    end: END,
  });
  config = parseConfig({ ...demoConfig(5), access: { enabled: true } });
  store = await openStore(path.join(dir, 'data'));
  await importGenesys(store, files.conversations, {
    config,
    users: files.users,
    queues: files.queues,
    wrapUpCodes: files.wrapUpCodes,
    surveys: files.surveys,
  });
  await importMessages(store, files.messages, { source: 'demo', privacy: config.privacy });
  operational = await openOperationalStore({ dataDir: path.join(dir, 'data') });
  app = await buildApp({
    store,
    config,
    operational,
    journeyClock: clock,
    authenticator: { authenticate: async () => actingAs },
  });
  await app.ready();
}, 120_000);

afterAll(async () => {
  await app?.close();
  await operational?.close();
  store?.close();
});

const as = async <T>(who: Principal, work: () => Promise<T>): Promise<T> => {
  actingAs = who;
  try {
    return await work();
  } finally {
    actingAs = EVERYTHING;
  }
};
const get = (url: string) => app.inject({ method: 'GET', url });
const post = (url: string, payload: unknown) =>
  app.inject({ method: 'POST', url, payload: payload as object });
const journeyOf = async (key: string): Promise<Journey> => {
  const response = await get(`/api/v1/customers/${encodeURIComponent(key)}/journey`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as Journey;
};

// ---------------------------------------------------------------------------------------------
// Identity
// ---------------------------------------------------------------------------------------------

describe('customer identity', () => {
  /** Customer ids in these tests: the root key, readable. */
  const named = (rootKey: string) => `cus(${rootKey})`;

  it('merges identifiers seen together (connected components); any key resolves to the customer', () => {
    const index = new IdentityIndex(['phone', 'email', 'messaging'], named);
    index.addInteraction(['contact:X', 'phone:+33611111111'], 'c1');
    index.addInteraction(['email:a@b.fr', 'phone:+33611111111'], 'c2');
    index.addInteraction(['email:a@b.fr', 'messaging:guest-1'], 'c3');
    index.addInteraction(['phone:+33622222222'], 'c4');
    for (const key of ['contact:X', 'phone:+33611111111', 'email:a@b.fr', 'messaging:guest-1'])
      expect(index.customerOf(key), key).toBe(named('contact:X'));
    expect(index.keysOf('messaging:guest-1')).toEqual([
      'contact:X',
      'email:a@b.fr',
      'messaging:guest-1',
      'phone:+33611111111',
    ]);
    expect(index.conversationsOf('contact:X')).toEqual(['c1', 'c2', 'c3']);
    expect(index.customerOf('phone:+33622222222')).toBe(named('phone:+33622222222'));
    expect(index.conversationsOf('phone:+33622222222')).toEqual(['c4']);
    expect(index.customerOf('phone:+33600000000')).toBeNull();
  });

  it('without an external contact id, the root key is the smallest key; it moves to a contact id when one joins', () => {
    const index = new IdentityIndex(['phone', 'email', 'messaging'], named);
    index.addInteraction(['phone:+33611111111', 'messaging:guest-1']);
    expect(index.customerOf('messaging:guest-1')).toBe(named('messaging:guest-1'));
    index.addInteraction(['messaging:guest-1', 'contact:Z']);
    expect(index.customerOf('phone:+33611111111')).toBe(named('contact:Z'));
  });

  it('identifiers of one conversation from several sources are seen together', () => {
    const index = new IdentityIndex(['phone', 'email', 'messaging'], named);
    index.addInteraction(['contact:X'], 'c1');
    index.addInteraction(['messaging:guest-9'], 'c1');
    expect(index.customerOf('messaging:guest-9')).toBe(named('contact:X'));
  });

  it('mergeOn: identifiers of kinds not listed do not join customers; the external contact id always does', () => {
    const index = new IdentityIndex([], named);
    index.addInteraction(['contact:X', 'phone:+33611111111'], 'c1');
    index.addInteraction(['contact:Y', 'phone:+33611111111'], 'c2');
    index.addInteraction(['phone:+33611111111'], 'c3');
    index.addInteraction(['contact:X', 'contact:X2'], 'c4');
    expect(index.customerOf('contact:X')).toBe(named('contact:X'));
    expect(index.customerOf('contact:Y')).toBe(named('contact:Y'));
    expect(index.customerOf('contact:X2')).toBe(named('contact:X'));
    // The shared phone is an identity of its own: the calls made from it without a contact id.
    expect(index.customerOf('phone:+33611111111')).toBe(named('phone:+33611111111'));
    expect(index.conversationsOf('contact:X')).toEqual(['c1', 'c4']);
    expect(index.conversationsOf('contact:Y')).toEqual(['c2']);
    expect(index.conversationsOf('phone:+33611111111')).toEqual(['c3']);

    const emailOnly = new IdentityIndex(['email'], named);
    emailOnly.addInteraction(['phone:+33611111111', 'email:a@b.fr'], 'c5');
    emailOnly.addInteraction(['email:a@b.fr', 'contact:W'], 'c6');
    expect(emailOnly.customerOf('email:a@b.fr')).toBe(named('contact:W'));
    expect(emailOnly.customerOf('phone:+33611111111')).toBe(named('phone:+33611111111'));
    // c5's primary key is its linking e-mail address: the conversation is contact W's.
    expect(emailOnly.conversationsOf('contact:W')).toEqual(['c5', 'c6']);
  });

  it('the customer id and any key of the customer resolve to it; a merge keeps one id, the other names no one', () => {
    const index = new IdentityIndex(['phone', 'messaging'], named);
    index.addInteraction(['phone:+33611111111'], 'c1');
    index.addInteraction(['contact:Q'], 'c2');
    expect(index.customerOf(named('phone:+33611111111'))).toBe(named('phone:+33611111111'));
    expect(index.keysOf(named('contact:Q'))).toEqual(['contact:Q']);
    index.addInteraction(['contact:Q', 'phone:+33611111111'], 'c3');
    expect(index.customerOf(named('contact:Q'))).toBe(named('contact:Q'));
    expect(index.customerOf(named('phone:+33611111111'))).toBeNull();
    expect(index.conversationsOf(named('contact:Q'))).toEqual(['c1', 'c2', 'c3']);
    expect(index.keysOfConversation('c3')).toEqual(['contact:Q', 'phone:+33611111111']);
    // Journey events' keys link as well, but are not the conversation's synced keys.
    index.addInteraction(['messaging:guest-q'], 'c1', false);
    expect(index.customerOf('messaging:guest-q')).toBe(named('contact:Q'));
    expect(index.syncedKeysOfConversation('c1')).toEqual(['phone:+33611111111']);
    expect(index.customerOf('nobody')).toBeNull();
  });

  it('opaque customer ids: a keyed hash of the root key, stable under one secret, revealing no identifier', () => {
    const a = opaqueCustomerId('secret-a'.repeat(6));
    const b = opaqueCustomerId('secret-b'.repeat(6));
    const id = a('contact:ext-SECRET-42');
    expect(id).toMatch(/^cus-[0-9a-f]{24}$/);
    expect(isCustomerId(id)).toBe(true);
    expect(isCustomerId('contact:ext-SECRET-42')).toBe(false);
    expect(a('contact:ext-SECRET-42')).toBe(id);
    expect(b('contact:ext-SECRET-42')).not.toBe(id);
    expect(a('contact:ext-SECRET-43')).not.toBe(id);
    expect(id.toLowerCase()).not.toContain('secret');
  });

  it('reads the customer identifiers of a Genesys record as the customer key does', () => {
    const session = (fields: Record<string, string>) => ({
      direction: null,
      ani: null,
      dnis: null,
      addressFrom: null,
      addressTo: null,
      addressOther: null,
      ...fields,
    });
    expect(
      conversationIdentifiers('inbound', [
        {
          purpose: 'customer',
          externalContactId: ' ext-1 ',
          sessions: [
            session({ direction: 'inbound', ani: 'tel:+33 6 12 34 56 78', dnis: 'tel:+33100000000' }),
          ],
        },
        { purpose: 'agent', externalContactId: null, sessions: [session({ ani: 'tel:+33699999999' })] },
      ]).map((i) => i.key),
    ).toEqual(['contact:ext-1', 'phone:+33612345678']);
    expect(
      conversationIdentifiers('outbound', [
        {
          purpose: 'external',
          externalContactId: null,
          sessions: [
            session({ direction: 'outbound', ani: 'tel:+33100000000', dnis: 'sip:+33612345678@edge' }),
          ],
        },
      ]).map((i) => i.key),
    ).toEqual(['phone:+33612345678']);
    expect(
      conversationIdentifiers('inbound', [
        {
          purpose: 'customer',
          externalContactId: null,
          sessions: [
            session({ addressFrom: 'Ines.Vincent@Outlook.com', addressTo: 'support@org.fr' }),
            session({ addressFrom: '4f8317c3-guest', addressTo: 'deployment-1' }),
          ],
        },
      ]).map((i) => i.key),
    ).toEqual(['email:ines.vincent@outlook.com', 'messaging:4f8317c3-guest']);
  });

  it('reads support contact ids: customer keys, addresses, or the source’s own contact ids', () => {
    expect(contactIdIdentifier('contact:K1')?.key).toBe('contact:K1');
    expect(contactIdIdentifier('address:+33612345678')?.key).toBe('phone:+33612345678');
    expect(contactIdIdentifier('address:guest-7')?.key).toBe('messaging:guest-7');
    expect(contactIdIdentifier('a@B.fr')?.key).toBe('email:a@b.fr');
    expect(contactIdIdentifier('respond-contact-K')?.key).toBe('contact:respond-contact-K');
    expect(contactIdIdentifier('  ')).toBeNull();
  });

  it('mergeOn in the configuration: a phone number shared by two contacts joins them only when listed', async () => {
    const strict = await buildApp({
      store,
      config: parseConfig({ journey: { mergeOn: ['email'] } }),
      operational,
      journeyClock: clock,
    });
    const event = (id: string, customer: Record<string, string>) => ({
      id,
      type: 'web.pageView',
      occurredAt: iso(NOW - 60_000),
      customer,
      url: `https://example.fr/${id}`,
    });
    const shared = { phone: '+33 7 00 00 00 01' };
    const sent = await post('/api/v1/journey/events', {
      events: [
        event('merge-1', { externalContactId: 'merge-A', ...shared }),
        event('merge-2', { externalContactId: 'merge-B', ...shared }),
      ],
    });
    expect(sent.json()).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    // Default configuration (phones link): one customer.
    const merged = (await journeyOf('contact:merge-A')).customer.id;
    expect(merged).toMatch(/^cus-[0-9a-f]{24}$/);
    expect((await journeyOf('contact:merge-B')).customer.id).toBe(merged);
    // mergeOn ['email']: two customers.
    const a = await strict.inject({
      url: `/api/v1/customers/${encodeURIComponent('contact:merge-A')}/journey`,
    });
    const b = await strict.inject({
      url: `/api/v1/customers/${encodeURIComponent('contact:merge-B')}/journey`,
    });
    // The merged customer's root key is merge-A's: A keeps the id, B gets one of its own.
    expect(a.json().customer.id).toBe(merged);
    expect(b.json().customer.id).not.toBe(merged);
    expect(isCustomerId(b.json().customer.id)).toBe(true);
    expect(a.json().items.map((i: Interaction) => i.id)).toEqual(['event:merge-1']);
    expect(b.json().items.map((i: Interaction) => i.id)).toEqual(['event:merge-2']);
    await strict.close();
  });
});

// ---------------------------------------------------------------------------------------------
// Journey API on the demo data
// ---------------------------------------------------------------------------------------------

/** A customer of the demo with conversations in two divisions, and those conversations. */
async function customerInTwoDivisions(): Promise<{
  key: string;
  conversations: { id: string; division: string }[];
}> {
  const row = await store.db.one<{ key: string }>(`
    SELECT i.key FROM customer_identifiers i JOIN conversation_divisions d USING (conversation_id)
    WHERE i.kind = 'externalContactId'
    GROUP BY i.key HAVING count(DISTINCT d.division_id) > 1
    ORDER BY count(DISTINCT i.conversation_id) DESC, i.key LIMIT 1`);
  if (!row) throw new Error('the demo data has no customer in two divisions');
  const conversations = await store.db.all<{ id: string; division: string }>(
    `SELECT i.conversation_id AS id, d.division_id AS division
     FROM customer_identifiers i JOIN conversation_divisions d USING (conversation_id)
     WHERE i.key = $key ORDER BY 1`,
    { key: row.key },
  );
  return { key: row.key, conversations };
}

describe('journey API (demo data)', () => {
  it('lists the customer’s interactions newest first, with identifiers and every conversation of theirs', async () => {
    const { key } = await customerInTwoDivisions();
    const journey = await journeyOf(key);
    const customerId = journey.customer.id;
    expect(isCustomerId(customerId)).toBe(true);
    expect(await journeyOf(customerId)).toEqual(journey);
    expect(journey.asOf).toBe(iso(NOW));
    const expected = await store.db.all<{ id: string; start: string }>(
      `SELECT DISTINCT c.conversation_id AS id, strftime(c.start_time, '%Y-%m-%dT%H:%M:%S.%gZ') AS start
       FROM conversations c JOIN customer_identifiers i USING (conversation_id)
       WHERE i.key IN (SELECT key FROM customer_identifiers WHERE conversation_id IN
         (SELECT conversation_id FROM customer_identifiers WHERE key = $key))
       ORDER BY start DESC, id`,
      { key },
    );
    expect(expected.length).toBeGreaterThan(2);
    expect(journey.items.map((i) => i.id)).toEqual(expected.map((e) => e.id));
    expect(journey.items.map((i) => i.startedAt)).toEqual(expected.map((e) => e.start));
    const identifiers = journey.customer.identifiers ?? [];
    expect(identifiers.map((i) => i.key)).toContain(key);
    const contact = identifiers.find((i) => i.key === key);
    expect(contact).toMatchObject({
      kind: 'externalContactId',
      interactions: expected.length,
      firstSeen: expected.at(-1)?.start,
      lastSeen: expected[0]?.start,
    });
    // Any identifier opens the same customer.
    for (const i of identifiers) {
      const other = await get(`/api/v1/customers/${encodeURIComponent(i.key)}`);
      expect(other.json()).toMatchObject({ id: customerId });
    }
    // The case view's way in: the customer of a conversation.
    const byConversation = await get(`/api/v1/customers?conversationId=${expected[0]?.id}`);
    expect(byConversation.json().items.map((c: { id: string }) => c.id)).toEqual([customerId]);
  });

  it('shows the last queue and the last agent after a transfer, and the whole path', async () => {
    const transferred = await store.db.one<{ id: string }>(`
      SELECT ConversationId AS id FROM events
      WHERE ConversationId IN (SELECT conversation_id FROM customer_identifiers)
      GROUP BY ConversationId
      HAVING count(DISTINCT QueueName) FILTER (WHERE ActivityName = 'Conversation Routed to Queue') > 1
        AND count(DISTINCT AgentId) FILTER (WHERE ActivityName = 'Agent Accepted Interaction') > 1
      ORDER BY ConversationId LIMIT 1`);
    expect(transferred).toBeDefined();
    const id = transferred?.id ?? '';
    const steps = await store.db.all<{ activity: string; queue: string; agentId: string; agent: string }>(
      `SELECT ActivityName AS activity, QueueName AS queue, AgentId AS "agentId", AgentName AS agent FROM events
       WHERE ConversationId = $id AND ActivityName IN ('Conversation Routed to Queue', 'Agent Accepted Interaction')
       ORDER BY EventTime, activity_order, seq`,
      { id },
    );
    const lastRouted = steps.filter((s) => s.activity === 'Conversation Routed to Queue').at(-1);
    const lastAccepted = steps.filter((s) => s.activity === 'Agent Accepted Interaction').at(-1);
    const firstRouted = steps.find((s) => s.activity === 'Conversation Routed to Queue');
    expect(firstRouted?.queue).not.toBe(lastRouted?.queue);
    const customer = (await get(`/api/v1/customers?conversationId=${id}`)).json().items[0].id;
    const item = (await journeyOf(customer)).items.find((i) => i.id === id);
    expect(item).toMatchObject({
      kind: 'conversation',
      transferred: true,
      queue: lastRouted?.queue,
      agent: { id: lastAccepted?.agentId, name: lastAccepted?.agent },
      status: { state: 'ended', changesAt: null },
      masked: { queue: false, wrapUpCode: false },
    });
    expect(item?.path?.map((p) => [p.queue, p.agent])).toEqual(
      steps.map((s) => [s.queue, s.activity === 'Agent Accepted Interaction' ? s.agent : null]),
    );
  });

  it('masks queues, wrap-up codes, paths, details and identifiers by permission', async () => {
    const { key } = await customerInTwoDivisions();
    const full = await journeyOf(key);
    const withCode = full.items.find((i) => i.wrapUpCode !== null && i.queue !== null);
    expect(withCode).toBeDefined();

    const agent = principal([
      'journey:event:view',
      'journey:eventType:view',
      'externalContacts:session:view',
      'routing:wrapupCode:view',
    ]);
    const seenByAgent = await as(agent, () => journeyOf(key));
    const agentItem = seenByAgent.items.find((i) => i.id === withCode?.id);
    expect(agentItem).toMatchObject({ queue: null, masked: { queue: true, wrapUpCode: false } });
    expect(agentItem?.wrapUpCode).toBe(withCode?.wrapUpCode);
    expect(agentItem?.path?.length).toBe(withCode?.path?.length);
    expect(agentItem?.path?.every((p) => p.queue === null)).toBe(true);
    expect(agentItem?.agent).toEqual(withCode?.agent);

    const viewer = principal(['journey:event:view']);
    const seenByViewer = await as(viewer, () => journeyOf(key));
    const viewerItem = seenByViewer.items.find((i) => i.id === withCode?.id);
    expect(viewerItem).toMatchObject({
      queue: null,
      wrapUpCode: null,
      path: null,
      details: null,
      masked: { queue: true, wrapUpCode: true },
    });
    expect(seenByViewer.customer.identifiers).toBeNull();
    expect(seenByViewer.items.map((i) => i.id)).toEqual(full.items.map((i) => i.id));
    const search = await as(viewer, () => get(`/api/v1/customers?q=${encodeURIComponent(key)}`));
    expect(search.json().items).toEqual([
      { id: full.customer.id, identifiers: null, lastInteractionAt: full.items[0]?.startedAt },
    ]);
    expect((await as(viewer, () => get(`/api/v1/customers/${encodeURIComponent(key)}`))).statusCode).toBe(
      403,
    );
    expect(
      (await as(principal([]), () => get(`/api/v1/customers/${encodeURIComponent(key)}/journey`))).statusCode,
    ).toBe(403);
  });

  it('shows only the conversations of the viewer’s divisions; a customer with none there is unknown', async () => {
    const { key, conversations } = await customerInTwoDivisions();
    const divisions = [...new Set(conversations.map((c) => c.division))].sort();
    const [first, second] = divisions;
    expect(second).toBeDefined();
    const inFirst = conversations.filter((c) => c.division === first).map((c) => c.id);
    const seen = await as(principal(['journey:*', 'externalContacts:session:view'], [first ?? '']), () =>
      journeyOf(key),
    );
    expect(seen.items.map((i) => i.id).sort()).toEqual([...new Set(inFirst)].sort());
    expect(seen.customer.identifiers?.find((i) => i.key === key)?.interactions).toBe(new Set(inFirst).size);

    const elsewhere = principal(['journey:*', 'externalContacts:session:view'], ['no-such-division']);
    await as(elsewhere, async () => {
      expect((await get(`/api/v1/customers/${encodeURIComponent(key)}/journey`)).statusCode).toBe(404);
      expect((await get(`/api/v1/customers/${encodeURIComponent(key)}`)).statusCode).toBe(404);
      expect((await get(`/api/v1/customers?q=${encodeURIComponent(key)}`)).json()).toEqual({ items: [] });
      expect((await get(`/api/v1/customers?conversationId=${inFirst[0]}`)).json()).toEqual({ items: [] });
    });
  });

  it('customer ids reveal no identifier: not another division’s, not without externalContacts:session:view', async () => {
    const web = (id: string, division: string, customer: Record<string, string>) => ({
      id,
      type: 'web.pageView',
      occurredAt: iso(NOW - 30_000),
      customer,
      url: `https://example.fr/${id}`,
      divisionId: division,
    });
    const phone = '+33 7 11 22 33 44';
    const sent = await post('/api/v1/journey/events', {
      events: [
        web('leak-d2', 'leak-d2', { phone, email: 'hidden@d2.example', externalContactId: 'ext-SECRET-42' }),
        web('leak-d1', 'leak-d1', { phone }),
        // A conversation of d1 that a d2 event names with d2's identifiers.
        {
          id: 'leak-conv-d1',
          type: 'interaction.started',
          occurredAt: iso(NOW - 20_000),
          customer: { phone: '+33 7 11 22 33 55' },
          conversationId: 'leak-conv',
          divisionId: 'leak-d1',
        },
        {
          id: 'leak-conv-d2',
          type: 'message.inbound',
          occurredAt: iso(NOW - 10_000),
          customer: { phone: '+33 7 11 22 33 55', externalContactId: 'ext-SECRET-43' },
          conversationId: 'leak-conv',
          divisionId: 'leak-d2',
        },
      ],
    });
    expect(sent.json()).toMatchObject({ accepted: 4, rejected: [] });
    const d1 = principal(['journey:*', 'externalContacts:session:view'], ['leak-d1']);
    const d1Viewer = principal(['journey:event:view'], ['leak-d1']);
    const d2 = principal(['journey:*', 'externalContacts:session:view'], ['leak-d2']);
    const search = (q: string) => get(`/api/v1/customers?q=${encodeURIComponent(q)}`);
    const status = (url: string) => get(url).then((r) => r.statusCode);

    const found = (await as(d1, () => search(phone))).json().items;
    expect(found).toHaveLength(1);
    const id: string = found[0].id;
    expect(id).toMatch(/^cus-[0-9a-f]{24}$/);
    expect(found[0].identifiers.map((i: { key: string }) => i.key)).toEqual(['phone:+33711223344']);
    expect((await as(d1Viewer, () => search(phone))).json().items).toEqual([
      { id, identifiers: null, lastInteractionAt: iso(NOW - 30_000) },
    ]);
    // d2's identifiers name no one in d1: not searched, not opened (not even by part).
    await as(d1, async () => {
      for (const q of ['secret', 'contact:ext-SECRET-42', 'hidden@d2.example'])
        expect((await search(q)).json(), q).toEqual({ items: [] });
      for (const key of ['contact:ext-SECRET-42', 'email:hidden@d2.example']) {
        expect(await status(`/api/v1/customers/${encodeURIComponent(key)}/journey`), key).toBe(404);
        expect(await status(`/api/v1/customers/${encodeURIComponent(key)}`), key).toBe(404);
        expect(await status(`/api/v1/customers/${encodeURIComponent(key)}/journey/live`), key).toBe(404);
      }
      const journey = await journeyOf(id);
      expect(journey.customer.id).toBe(id);
      expect(journey.items.map((i) => i.id)).toEqual(['event:leak-d1']);
      expect((await journeyOf('phone:+33711223344')).customer.id).toBe(id);

      const conversation = await journeyOf('phone:+33711223355');
      expect(conversation.items.map((i) => i.id)).toEqual(['leak-conv']);
      expect(conversation.customer.identifiers?.map((i) => i.key)).toEqual(['phone:+33711223355']);
      expect(JSON.stringify(conversation)).not.toContain('SECRET');
      expect((await search('phone:+33711223355')).json().items[0].identifiers).toHaveLength(1);
    });
    // In d2, the same customer under the same id, with d2's identifiers.
    const inD2 = (await as(d2, () => search('secret-42'))).json().items;
    expect(inD2.map((c: { id: string }) => c.id)).toEqual([id]);
    expect(inD2[0].identifiers.map((i: { key: string }) => i.key)).toEqual([
      'contact:ext-SECRET-42',
      'phone:+33711223344',
      'email:hidden@d2.example',
    ]);
    expect(await as(d2, () => status('/api/v1/customers/contact%3Aext-SECRET-42'))).toBe(200);
  });

  it('a search looks at no more than 50 customers, loading 4 at a time', async () => {
    const phones = await store.db.one<{ n: number }>(
      `SELECT count(DISTINCT key)::INTEGER AS n FROM customer_identifiers WHERE kind = 'phone'`,
    );
    expect(phones?.n).toBeGreaterThan(60);
    // Every journey load with conversations reads their Genesys records once: count those reads.
    const db = store.db;
    const all = db.all;
    let loads = 0;
    let running = 0;
    let most = 0;
    db.all = (async (sql: string, params?: Record<string, unknown>) => {
      const load = sql.includes('AS has_agent');
      if (load) {
        loads += 1;
        running += 1;
        most = Math.max(most, running);
      }
      try {
        return await all.call(db, sql, params as never);
      } finally {
        if (load) running -= 1;
      }
    }) as typeof db.all;
    try {
      // A viewer who sees none of the customers: every match is looked at, up to the cap.
      const nowhere = principal(['journey:event:view'], ['no-such-division']);
      const response = await as(nowhere, () => get('/api/v1/customers?q=%2B&limit=50'));
      expect(response.json()).toEqual({ items: [] });
    } finally {
      db.all = all;
    }
    expect(loads).toBeGreaterThan(0);
    expect(loads).toBeLessThanOrEqual(50);
    expect(most).toBeLessThanOrEqual(4);
    expect((await get('/api/v1/customers?q=%2B&limit=51')).statusCode).toBe(400);
  });

  it('finds customers by phone number as typed, by part of an identifier, and answers 404 for an unknown one', async () => {
    const phone = await store.db.one<{ value: string; key: string }>(
      `SELECT value, key FROM customer_identifiers WHERE kind = 'phone' ORDER BY key LIMIT 1`,
    );
    const typed = (phone?.value ?? '').replace(/^\+33/, '+33 ').replace(/(\d\d)(?=\d)/g, '$1 ');
    const exact = await get(`/api/v1/customers?q=${encodeURIComponent(typed)}`);
    const found = exact.json().items as { id: string; identifiers: { key: string }[] }[];
    expect(found.length).toBe(1);
    expect(found[0]?.identifiers.map((i) => i.key)).toContain(phone?.key);
    const part = await get(`/api/v1/customers?q=${encodeURIComponent((phone?.value ?? '').slice(-6))}`);
    expect(part.json().items.map((c: { id: string }) => c.id)).toContain(found[0]?.id);

    expect((await get('/api/v1/customers/phone%3A%2B10000000000/journey')).statusCode).toBe(404);
    expect((await get('/api/v1/customers/nobody')).statusCode).toBe(404);
    expect((await get('/api/v1/customers/phone%3A%2B10000000000/journey/live')).statusCode).toBe(404);
    expect((await get('/api/v1/customers')).statusCode).toBe(400);
  });
});

describe('journey sources', () => {
  it('shows outbound messages of no conversation sent by no agent as agentless notifications', async () => {
    const message = await store.db.one<{ id: string; contact: string; at: string }>(`
      SELECT message_id AS id, contact_id AS contact, strftime(sent_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS at
      FROM support_messages
      WHERE coalesce(conversation_id, '') = '' AND direction = 'outbound' AND sender_type <> 'agent'
      ORDER BY message_id LIMIT 1`);
    expect(message).toBeDefined();
    const key = contactIdIdentifier(message?.contact ?? '')?.key ?? '';
    const item = (await journeyOf(key)).items.find((i) => i.id === `message:${message?.id}`);
    expect(item).toMatchObject({
      kind: 'conversation',
      direction: 'outbound',
      agentless: true,
      startedAt: message?.at,
      endedAt: message?.at,
      agent: null,
      status: { state: 'ended', changesAt: null },
    });
  });

  it('derives the identifiers of a store imported by an earlier version on first use', async () => {
    const { key } = await customerInTwoDivisions();
    const before = await journeyOf(key);
    await store.db.run('DELETE FROM customer_identifiers');
    await store.db.run("DELETE FROM meta WHERE key = 'customer_identifiers'");
    const upgraded = await buildApp({
      store,
      config,
      operational,
      journeyClock: clock,
      authenticator: { authenticate: async () => EVERYTHING },
    });
    const after = await upgraded.inject({ url: `/api/v1/customers/${encodeURIComponent(key)}/journey` });
    expect(after.json()).toEqual(before);
    expect(await store.getMeta('customer_identifiers')).toBe('1');
    await upgraded.close();
  });
});

// ---------------------------------------------------------------------------------------------
// Journey events
// ---------------------------------------------------------------------------------------------

describe('journey events', () => {
  it('are idempotent by event id: a repeated id is a duplicate and changes nothing', async () => {
    const customer = { email: 'Idem.Potent@Example.fr' };
    const batch = {
      events: [
        {
          id: 'idem-1',
          type: 'web.visit',
          occurredAt: iso(NOW - 300_000),
          customer,
          url: 'https://shop.example.fr/',
        },
        {
          id: 'idem-2',
          type: 'web.pageView',
          occurredAt: iso(NOW - 240_000),
          customer,
          url: 'https://shop.example.fr/offres',
          title: 'Nos offres',
          attributes: { referrer: 'newsletter', scrollDepth: 80, loggedIn: false },
        },
        { id: 'idem-2', type: 'web.pageView', occurredAt: iso(NOW - 200_000), customer, title: 'Autre' },
      ],
    };
    expect((await post('/api/v1/journey/events', batch)).json()).toEqual({
      accepted: 2,
      duplicates: 1,
      rejected: [],
    });
    const before = await journeyOf('email:idem.potent@example.fr');
    expect(before.items.map((i) => [i.id, i.kind, i.channel, i.title])).toEqual([
      ['event:idem-2', 'webEvent', 'pageView', 'Nos offres'],
      ['event:idem-1', 'webEvent', 'webVisit', 'https://shop.example.fr/'],
    ]);
    expect(before.items[0]?.details).toEqual({
      url: 'https://shop.example.fr/offres',
      referrer: 'newsletter',
      scrollDepth: 80,
      loggedIn: false,
    });
    const changed = {
      events: batch.events.map((e) => ({ ...e, title: 'changed', occurredAt: iso(NOW) })),
    };
    expect((await post('/api/v1/journey/events', changed)).json()).toEqual({
      accepted: 0,
      duplicates: 3,
      rejected: [],
    });
    expect(await journeyOf('email:idem.potent@example.fr')).toEqual(before);
    // One event alone, not in a batch.
    const single = await post('/api/v1/journey/events', batch.events[0]);
    expect(single.json()).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
  });

  it('rejects bad events with their index and field, stores the good ones, and lists the rejected ones', async () => {
    const good = (id: string) => ({
      id,
      type: 'web.contentOffer',
      occurredAt: iso(NOW - 1000),
      customer: { messagingAddress: 'guest-reject-test' },
      title: 'Offre fibre',
    });
    const response = await post('/api/v1/journey/events', {
      events: [
        good('rej-good-1'),
        { ...good('rej-1'), type: 'web.click' },
        { ...good('rej-2'), customer: {} },
        { ...good('rej-3'), customer: { phone: 'not a number' } },
        { ...good('rej-4'), occurredAt: iso(NOW + 5 * 60_000 + 1) },
        { ...good('rej-5'), type: 'message.inbound' },
        { ...good('rej-6'), colour: 'blue' },
        'not an event',
        { ...good('rej-7'), occurredAt: 'yesterday' },
        good('rej-good-2'),
        { ...good('rej-8'), occurredAt: iso(NOW + 5 * 60_000) },
      ],
    });
    expect(response.statusCode).toBe(200);
    const body = response.json() as {
      accepted: number;
      duplicates: number;
      rejected: { index: number; field: string; message: string }[];
    };
    expect(body.accepted).toBe(3);
    expect(body.duplicates).toBe(0);
    expect(body.rejected.map((r) => [r.index, r.field])).toEqual([
      [1, 'type'],
      [2, 'customer'],
      [3, 'customer.phone'],
      [4, 'occurredAt'],
      [5, 'conversationId'],
      [6, 'colour'],
      [7, '(event)'],
      [8, 'occurredAt'],
    ]);
    expect(body.rejected.find((r) => r.index === 4)?.message).toMatch(/more than 5 minutes in the future/);
    expect(body.rejected.find((r) => r.index === 5)?.message).toBe('required for message.inbound events');
    expect(body.rejected.find((r) => r.index === 6)?.message).toBe('unknown field');
    const journey = await journeyOf('messaging:guest-reject-test');
    expect(journey.items.map((i) => i.id).sort()).toEqual([
      'event:rej-8',
      'event:rej-good-1',
      'event:rej-good-2',
    ]);

    const listed = await get('/api/v1/journey/events/rejected?limit=8');
    const items = listed.json().items as {
      index: number;
      eventId: string | null;
      problems: { field: string }[];
      event: unknown;
    }[];
    expect(items.map((i) => [i.index, i.eventId])).toEqual([
      [8, 'rej-7'],
      [7, null],
      [6, 'rej-6'],
      [5, 'rej-5'],
      [4, 'rej-4'],
      [3, 'rej-3'],
      [2, 'rej-2'],
      [1, 'rej-1'],
    ]);
    expect(items.find((i) => i.eventId === 'rej-3')?.problems).toEqual([
      {
        field: 'customer.phone',
        message: '"not a number" is not a phone number (digits, optionally after +)',
      },
    ]);
    expect(items.find((i) => i.index === 7)?.event).toBe('not an event');
    const page2 = await get(`/api/v1/journey/events/rejected?limit=8&before=${listed.json().items[7].id}`);
    expect(page2.json().items.every((i: { id: number }) => i.id < listed.json().items[7].id)).toBe(true);
    expect(
      (await as(principal(['journey:event:view']), () => get('/api/v1/journey/events/rejected'))).statusCode,
    ).toBe(403);
  });

  it('refuses more than 1000 events in one request, and events for divisions the sender does not have', async () => {
    const events = Array.from({ length: 1001 }, (_, i) => ({
      id: `too-many-${i}`,
      type: 'web.pageView',
      occurredAt: iso(NOW),
      customer: { email: 'many@example.fr' },
    }));
    const response = await post('/api/v1/journey/events', { events });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toBe(
      'body.events: at most 1000 events per request, got 1001; nothing was stored',
    );
    expect((await get('/api/v1/customers?q=many%40example.fr')).json()).toEqual({ items: [] });

    const sender = principal(['journey:event:add'], ['sales']);
    const result = await as(sender, () =>
      post('/api/v1/journey/events', {
        events: [
          { ...events[0], id: 'div-1', divisionId: 'sales' },
          { ...events[0], id: 'div-2', divisionId: 'support' },
          { ...events[0], id: 'div-3' },
        ],
      }),
    );
    expect(result.json()).toMatchObject({
      accepted: 1,
      rejected: [
        { index: 1, field: 'divisionId' },
        { index: 2, field: '(event)' },
      ],
    });
    expect(
      (
        await as(principal(['journey:event:view'], ['sales']), () => journeyOf('email:many@example.fr'))
      ).items.map((i) => i.id),
    ).toEqual(['event:div-1']);
    expect(
      (
        await as(principal(['journey:event:view'], ['home']), () =>
          get('/api/v1/customers/email%3Amany%40example.fr/journey'),
        )
      ).statusCode,
    ).toBe(404);
  });

  it('lists rejected events to their sender and to the users of their division only, with their customer keys', async () => {
    const bad = (id: string, extra: Record<string, unknown>) => ({
      id,
      type: 'web.click',
      occurredAt: iso(NOW),
      customer: { phone: '+33 6 98 76 54 32', email: 'Quarantine@Example.fr', externalContactId: 'q-1' },
      ...extra,
    });
    const salesSender = principal(['journey:event:add'], ['q-sales'], 'u-q-sales');
    const homeSender = principal(['journey:event:add'], ['q-home'], 'u-q-home');
    const salesPeer = principal(['journey:event:add'], ['q-sales'], 'u-q-sales-2');
    const outsider = principal(['journey:event:add'], ['q-other'], 'u-q-other');
    await as(salesSender, () =>
      post('/api/v1/journey/events', {
        events: [
          bad('q-sales-1', { divisionId: 'q-sales' }),
          // Meant for a division the sender may not write to: it is only theirs.
          bad('q-sales-2', { divisionId: 'q-home', customer: { phone: 'not a number', email: 'x@y.fr' } }),
        ],
      }),
    );
    await as(homeSender, () => post('/api/v1/journey/events', bad('q-home-1', { divisionId: 'q-home' })));
    const listed = async (who: Principal) => {
      const response = await as(who, () => get('/api/v1/journey/events/rejected?limit=1000'));
      expect(response.statusCode).toBe(200);
      return (response.json().items as { eventId: string | null }[])
        .map((i) => i.eventId)
        .filter((id) => id?.startsWith('q-'))
        .sort();
    };
    expect(await listed(salesSender)).toEqual(['q-sales-1', 'q-sales-2']);
    expect(await listed(homeSender)).toEqual(['q-home-1']);
    expect(await listed(salesPeer)).toEqual(['q-sales-1']);
    expect(await listed(outsider)).toEqual([]);
    expect(await listed(EVERYTHING)).toEqual(['q-home-1', 'q-sales-1', 'q-sales-2']);
    const item = (await as(salesPeer, () => get('/api/v1/journey/events/rejected?limit=1000')))
      .json()
      .items.find((i: { eventId: string }) => i.eventId === 'q-sales-1');
    expect(item).toMatchObject({ sentBy: 'u-q-sales', divisionId: 'q-sales' });

    const rows = await operational.db
      .selectFrom('journey_events_rejected')
      .select(['event_id', 'customer_keys', 'sender_id', 'division_id'])
      .where('event_id', 'in', ['q-sales-1', 'q-sales-2'])
      .orderBy('event_id')
      .execute();
    expect(rows).toEqual([
      {
        event_id: 'q-sales-1',
        customer_keys: ['contact:q-1', 'email:quarantine@example.fr', 'phone:+33698765432'],
        sender_id: 'u-q-sales',
        division_id: 'q-sales',
      },
      {
        event_id: 'q-sales-2',
        customer_keys: ['email:x@y.fr'],
        sender_id: 'u-q-sales',
        division_id: null,
      },
    ]);
  });

  it('live activity of a synced conversation joins it (same interaction) and counts for its live status', async () => {
    const open = await store.db.one<{ id: string; key: string; start: string }>(`
      SELECT c.conversation_id AS id, min(i.key) AS "key", strftime(c.start_time, '%Y-%m-%dT%H:%M:%S.%gZ') AS start
      FROM conversations c JOIN customer_identifiers i USING (conversation_id)
      WHERE c.end_time IS NULL AND c.media_type = 'message' AND i.kind = 'messaging'
      GROUP BY c.conversation_id, c.start_time ORDER BY c.conversation_id LIMIT 1`);
    expect(open).toBeDefined();
    const { id, key } = open ?? { id: '', key: '' };
    const guest = key.slice('messaging:'.length);
    const before = (await journeyOf(key)).items.filter((i) => i.id === id);
    expect(before).toHaveLength(1);
    expect(before[0]?.status.state).toBe('inactive');
    const sent = await post('/api/v1/journey/events', {
      id: 'live-sync-1',
      type: 'message.inbound',
      occurredAt: iso(NOW - 20_000),
      customer: { messagingAddress: guest },
      conversationId: id,
    });
    expect(sent.json()).toMatchObject({ accepted: 1 });
    const after = (await journeyOf(key)).items.filter((i) => i.id === id);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({
      kind: 'conversation',
      channel: 'webMessaging',
      startedAt: open?.start,
      endedAt: null,
      lastActivityAt: iso(NOW - 20_000),
      status: { state: 'live', changesAt: iso(NOW + 25_000) },
    });
  });

  it('a conversation known only from journey events is an interaction of its own', async () => {
    const customer = { messagingAddress: 'guest-only-live', externalContactId: 'only-live-contact' };
    const sent = await post('/api/v1/journey/events', {
      events: [
        {
          id: 'only-1',
          type: 'interaction.started',
          occurredAt: iso(NOW - 120_000),
          customer,
          conversationId: 'only-live-conv',
          channel: 'whatsapp',
          direction: 'inbound',
          queue: 'Ventes',
          title: 'Question sur une commande',
        },
        {
          id: 'only-2',
          type: 'message.outbound',
          occurredAt: iso(NOW - 90_000),
          customer,
          conversationId: 'only-live-conv',
          queue: 'Ventes',
          agent: 'agent-7',
        },
        {
          id: 'only-3',
          type: 'message.inbound',
          occurredAt: iso(NOW - 50_000),
          customer,
          conversationId: 'only-live-conv',
        },
      ],
    });
    expect(sent.json()).toMatchObject({ accepted: 3 });
    const journey = await journeyOf('messaging:guest-only-live');
    expect(journey.customer.id).toBe((await journeyOf('contact:only-live-contact')).customer.id);
    expect(journey.items).toHaveLength(1);
    expect(journey.items[0]).toMatchObject({
      id: 'only-live-conv',
      kind: 'conversation',
      channel: 'whatsapp',
      direction: 'inbound',
      agentless: false,
      transferred: false,
      startedAt: iso(NOW - 120_000),
      endedAt: null,
      lastActivityAt: iso(NOW - 50_000),
      status: { state: 'idle', changesAt: iso(NOW + 10_000) },
      queue: 'Ventes',
      agent: { id: 'agent-7', name: null },
      title: 'Question sur une commande',
      path: [
        { at: iso(NOW - 120_000), queue: 'Ventes', agent: null },
        { at: iso(NOW - 90_000), queue: 'Ventes', agent: 'agent-7' },
      ],
    });
    await post('/api/v1/journey/events', {
      id: 'only-4',
      type: 'interaction.ended',
      occurredAt: iso(NOW - 10_000),
      customer,
      conversationId: 'only-live-conv',
    });
    expect((await journeyOf('contact:only-live-contact')).items[0]).toMatchObject({
      endedAt: iso(NOW - 10_000),
      durationSeconds: 110,
      status: { state: 'ended', changesAt: null },
    });
  });

  it('pseudonymizes the customer identifiers of the events it stores when privacy.pseudonymize is on', async () => {
    const private_ = await buildApp({
      store,
      config: parseConfig({ privacy: { pseudonymize: true } }),
      operational,
      journeyClock: clock,
      env: { CASEFLOW_PSEUDONYMIZE_KEY: 'k'.repeat(40) },
    });
    const response = await private_.inject({
      method: 'POST',
      url: '/api/v1/journey/events',
      payload: {
        events: [
          {
            id: 'pseudo-1',
            type: 'web.visit',
            occurredAt: iso(NOW),
            customer: { phone: '+33 6 55 44 33 22' },
          },
          { id: 'pseudo-2', type: 'nope', occurredAt: iso(NOW), customer: { email: 'clear@example.fr' } },
        ],
      },
    });
    expect(response.json()).toMatchObject({ accepted: 1, rejected: [{ index: 1, field: 'type' }] });
    const keys = await operational.db
      .selectFrom('journey_event_keys')
      .select('key')
      .where('event_id', '=', 'pseudo-1')
      .execute();
    expect(keys.map((k) => k.key)).toEqual([expect.stringMatching(/^phone:pseud-phone-[a-z2-7]{16}$/)]);
    const rejected = await operational.db
      .selectFrom('journey_events_rejected')
      .select(['payload', 'customer_keys'])
      .where('event_id', '=', 'pseudo-2')
      .executeTakeFirstOrThrow();
    expect(rejected.customer_keys).toEqual([expect.stringMatching(/^email:pseud-email-[a-z2-7]{16}$/)]);
    expect(JSON.stringify(rejected.payload)).not.toContain('clear@example.fr');
    expect(JSON.stringify(rejected.payload)).toMatch(/pseud-email-/);
    await private_.close();
  });
});

// ---------------------------------------------------------------------------------------------
// Live stream
// ---------------------------------------------------------------------------------------------

interface Frame {
  event: string;
  data: unknown;
}

/** Reads server-sent events from a response: frames in order; comment lines counted. */
function sseReader(response: Response) {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let comments = 0;
  return {
    get comments() {
      return comments;
    },
    async next(): Promise<Frame> {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.startsWith(':')) {
            comments += 1;
            continue;
          }
          const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
          const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? 'null') as unknown;
          return { event, data };
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('the stream ended');
        buffer += decoder.decode(value, { stream: true });
      }
    },
  };
}

describe('live stream', () => {
  it('pushes status changes at 45 s and 60 s on the injected clock, journey changes on new events, then cleans up', async () => {
    const customer = { messagingAddress: 'guest-live-stream' };
    const start = clock.now();
    const conversationId = 'live-stream-conv';
    await post('/api/v1/journey/events', {
      events: [
        {
          id: 'ls-1',
          type: 'interaction.started',
          occurredAt: iso(start - 10_000),
          customer,
          conversationId,
          channel: 'webMessaging',
          direction: 'inbound',
        },
        { id: 'ls-2', type: 'message.inbound', occurredAt: iso(start - 10_000), customer, conversationId },
      ],
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const controller = new AbortController();
    const response = await fetch(
      `http://127.0.0.1:${port}/api/v1/customers/${encodeURIComponent('messaging:guest-live-stream')}/journey/live`,
      { signal: controller.signal },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const sse = sseReader(response);
    const status = (state: string, changesAt: number | null) => ({
      event: 'status',
      data: { id: conversationId, status: { state, changesAt: changesAt === null ? null : iso(changesAt) } },
    });

    expect(await sse.next()).toEqual(status('live', start + 35_000));
    clock.advanceTo(start + 35_000);
    expect(await sse.next()).toEqual(status('idle', start + 50_000));
    clock.advanceTo(start + 50_000);
    expect(await sse.next()).toEqual(status('inactive', null));

    // A page view of the customer: a new interaction, and the conversation is live again.
    const sent = await post('/api/v1/journey/events', {
      id: 'ls-3',
      type: 'web.pageView',
      occurredAt: iso(start + 50_000),
      customer,
      url: 'https://shop.example.fr/aide',
    });
    expect(sent.json()).toMatchObject({ accepted: 1 });
    const frames = [await sse.next(), await sse.next(), await sse.next()];
    expect(frames[0]).toEqual({ event: 'journey', data: { changed: true } });
    expect(frames.slice(1)).toEqual(
      expect.arrayContaining([
        status('live', start + 95_000),
        { event: 'status', data: { id: 'event:ls-3', status: { state: 'ended', changesAt: null } } },
      ]),
    );
    expect(sse.comments).toBeGreaterThan(0);

    controller.abort();
    await clock.whenIdle();
    expect(clock.pending).toBe(0);
  });

  it('checks the stream’s credentials at each heartbeat: ends it once they fail or no longer give its view', async () => {
    const viewer = principal(['journey:event:view', 'externalContacts:session:view'], ['sse-d1'], 'u-sse');
    // The stream's requests act as `current`; the test's own requests (x-test-as) as an administrator.
    let current: Principal | null = viewer;
    const checked = await buildApp({
      store,
      config,
      operational,
      journeyClock: clock,
      authenticator: {
        authenticate: async (request) => (request.headers['x-test-as'] === 'admin' ? EVERYTHING : current),
      },
    });
    const sent = await checked.inject({
      method: 'POST',
      headers: { 'x-test-as': 'admin' },
      url: '/api/v1/journey/events',
      payload: {
        id: 'sse-check-1',
        type: 'web.visit',
        occurredAt: iso(clock.now()),
        customer: { messagingAddress: 'guest-sse-check' },
        divisionId: 'sse-d1',
      },
    });
    expect(sent.json()).toMatchObject({ accepted: 1 });
    await checked.listen({ port: 0, host: '127.0.0.1' });
    const { port } = checked.server.address() as AddressInfo;
    /** Opens a stream as the viewer; reads the status of each of the customer's `interactions`. */
    const open = async (interactions: number) => {
      current = viewer;
      const response = await fetch(
        `http://127.0.0.1:${port}/api/v1/customers/${encodeURIComponent('messaging:guest-sse-check')}/journey/live`,
      );
      expect(response.status).toBe(200);
      const sse = sseReader(response);
      for (let i = 0; i < interactions; i++) expect(await sse.next()).toMatchObject({ event: 'status' });
      return sse;
    };
    const heartbeat = () => clock.advanceTo(clock.now() + 15_000);

    // Same credentials, same view: the stream goes on (a new event of the customer still comes through).
    const kept = await open(1);
    heartbeat();
    await checked.inject({
      method: 'POST',
      headers: { 'x-test-as': 'admin' },
      url: '/api/v1/journey/events',
      payload: {
        id: 'sse-check-2',
        type: 'web.pageView',
        occurredAt: iso(clock.now()),
        customer: { messagingAddress: 'guest-sse-check' },
        divisionId: 'sse-d1',
      },
    });
    expect(await kept.next()).toEqual({ event: 'journey', data: { changed: true } });
    expect(kept.comments).toBeGreaterThan(0);

    const changes: [string, Principal | null][] = [
      ['signed out, disabled or revoked', null],
      ['other divisions', { ...viewer, divisions: ['sse-d2'] }],
      ['without journey:event:view', { ...viewer, permissions: ['externalContacts:session:view'] }],
      ['without externalContacts:session:view', { ...viewer, permissions: ['journey:event:view'] }],
    ];
    for (const [change, principalNow] of changes) {
      const sse = await open(2);
      current = principalNow;
      heartbeat();
      await expect(sse.next(), change).rejects.toThrow('the stream ended');
    }
    await checked.close();
    await clock.whenIdle();
    expect(clock.pending).toBe(0);
  });

  it('ends the open streams when the server closes', async () => {
    const closing = await buildApp({ store, config: parseConfig({}), operational, journeyClock: clock });
    const sent = await closing.inject({
      method: 'POST',
      url: '/api/v1/journey/events',
      payload: {
        id: 'closing-1',
        type: 'message.inbound',
        occurredAt: iso(clock.now()),
        customer: { messagingAddress: 'guest-closing' },
        conversationId: 'closing-conv',
      },
    });
    expect(sent.json()).toMatchObject({ accepted: 1 });
    await closing.listen({ port: 0, host: '127.0.0.1' });
    const { port } = closing.server.address() as AddressInfo;
    const response = await fetch(
      `http://127.0.0.1:${port}/api/v1/customers/${encodeURIComponent('messaging:guest-closing')}/journey/live`,
    );
    const sse = sseReader(response);
    expect(await sse.next()).toMatchObject({ event: 'status', data: { id: 'closing-conv' } });
    await closing.close();
    await expect(sse.next()).rejects.toThrow('the stream ended');
    await clock.whenIdle();
    expect(clock.pending).toBe(0);
  });
});
