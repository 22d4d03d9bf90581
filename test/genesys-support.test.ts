/**
 * Support data from Genesys beyond the analytics records, against the fake API (test/fake-genesys.ts):
 * - teams from Genesys groups: GET /api/v2/groups and GET /api/v2/users?expand=groups in the directory
 *   phase, or users.json with `groups` and groups.json in a file import; the team of a Genesys support
 *   conversation is its assignee's first group by name; `support.teams` still wins in the reports;
 * - messages of messaging conversations: GET /api/v2/conversations/messages/{id} (MessageConversation) for
 *   the conversations a page adds or updates, committed with the page: inbound/outbound, who sent, status;
 *   stored once; replaced when the conversation is updated; a killed or failed run resumed ends with the
 *   same rows; a 404 (data retention) is counted, not fatal; the reports count them; the same from a
 *   message-conversations file.
 *
 * The fake derives each messaging conversation's MessageConversation from its analytics record
 * (messageConversationOf): the expected rows below are worked out from those bodies.
 */

import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FULL_SCOPE } from '../src/access/index.ts';
import { parseConfig } from '../src/config/index.ts';
import { buildDirectory, queuesFile, usersFile, wrapUpCodesFile } from '../src/demo/directory.ts';
import { demoConversations, type GenesysConversationRecord } from '../src/demo/index.ts';
import {
  inboundMessages,
  leaderboard,
  outboundBySource,
  reportContext,
  reportFilterSchema,
} from '../src/reports/index.ts';
import { importGenesys, SyncError, SyncStopped, syncGenesys } from '../src/sources/genesys/index.ts';
import { iso, openStore, type Store } from '../src/store/index.ts';
import {
  type Entity,
  emailMessagesOf,
  FakeGenesys,
  type FakeGenesysOptions,
  messageConversationOf,
} from './fake-genesys.ts';
import { tempDir } from './support.ts';

const CLIENT_ID = 'cf-support-client-Okapi-3141';
const SECRET = 'Support-Sekr3t-Narwhal-2718';
const ENV = { CASEFLOW_GENESYS_CLIENT_ID: CLIENT_ID, CASEFLOW_GENESYS_CLIENT_SECRET: SECRET };

const SEED = 7;
const FROM = '2026-10-31T00:00:00.000Z';
const TO = '2026-11-20T00:00:00.000Z';
const RANGE = { from: new Date(FROM), to: new Date(TO), env: ENV };
const conversations = (): GenesysConversationRecord[] => [
  ...demoConversations({ conversations: 300, days: 20, seed: SEED, end: '2026-11-20' }),
];
const mediaOf = (c: GenesysConversationRecord): string | undefined =>
  c.participants.find((p) => p.purpose === 'customer')?.sessions[0]?.mediaType;
const MESSAGING = conversations().filter((c) => mediaOf(c) === 'message');

// ---------------------------------------------------------------------------------------------------------
// The directory: each demo team is a Genesys group; every agent is also in "Tous les conseillers" (after
// "Équipe …" in name order, accents and case ignored); one agent is also in "Astreinte" (before it); the
// supervisors belong to no group.

const demo = buildDirectory(SEED);
const entities = (file: object): Entity[] => (file as { entities: Entity[] }).entities;
const ALL_AGENTS = { id: 'group-all-agents', name: 'Tous les conseillers' };
const ON_CALL = { id: 'group-on-call', name: 'Astreinte' };
const onCallAgent = demo.agents[0];
if (!onCallAgent) throw new Error('the demo directory has no agent');
const GROUPS: Entity[] = [...demo.teams, ALL_AGENTS, ON_CALL].map((g) => ({
  id: g.id,
  name: g.name,
  type: 'official',
  state: 'active',
  selfUri: `/api/v2/groups/${g.id}`,
}));
const agentGroups = new Map<string, { id: string }[]>(
  demo.agents.map((a) => [
    a.id,
    [{ id: ALL_AGENTS.id }, { id: a.team.id }, ...(a === onCallAgent ? [{ id: ON_CALL.id }] : [])],
  ]),
);
const USERS: Entity[] = entities(usersFile(demo)).map((u) => {
  const groups = agentGroups.get(u.id);
  return groups ? { ...u, groups } : { ...u, groups: [] };
});
/** The team each agent should get from the groups. */
const expectedTeam = (agentId: string): string | null => {
  if (agentId === onCallAgent.id) return ON_CALL.name;
  return demo.agents.find((a) => a.id === agentId)?.team.name ?? null;
};
const DIRECTORY = {
  users: USERS,
  queues: entities(queuesFile(demo)),
  wrapupcodes: entities(wrapUpCodesFile(demo)),
  divisions: [demo.divisions.main, demo.divisions.expertise].map((d): Entity => ({ ...d })),
  groups: GROUPS,
};

const sourceConfig = (url: string, extra: Record<string, unknown> = {}) => ({
  region: 'mypurecloud.ie',
  baseUrl: url,
  jobPollSeconds: 0.05,
  jobPageSize: 50,
  queryPageSize: 10,
  directoryPageSize: 10,
  retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
  ...extra,
});
const configFor = (url: string, extra: Record<string, unknown> = {}, top: Record<string, unknown> = {}) =>
  parseConfig({ ...top, sources: { genesys: sourceConfig(url, extra) } });

// ---------------------------------------------------------------------------------------------------------

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startFake(options: Partial<FakeGenesysOptions> = {}): Promise<FakeGenesys> {
  const fake = await FakeGenesys.start({
    clientId: CLIENT_ID,
    clientSecret: SECRET,
    conversations: conversations(),
    dataAvailabilityDate: '2026-11-15T00:00:00.000Z',
    jobPendingPolls: 1,
    directory: DIRECTORY,
    ...options,
  });
  cleanups.push(() => fake.close());
  return fake;
}

function dataDir(): string {
  const dir = tempDir('caseflow-genesys-support-');
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function newStore(): Promise<Store> {
  const store = await openStore(dataDir());
  cleanups.push(() => store.close());
  return store;
}

type Row = Record<string, unknown>;

const MESSAGE_PATH = /^\/api\/v2\/conversations\/messages\/([^/]+)$/;
/** The conversations whose messages were asked for, in order. */
const messageRequests = (fake: FakeGenesys, since = 0): string[] =>
  fake.requests.slice(since).flatMap((r) => {
    const m = MESSAGE_PATH.exec(r.path);
    return r.method === 'GET' && m ? [m[1] ?? ''] : [];
  });

const EMAIL_PATH = /^\/api\/v2\/conversations\/emails\/([^/]+)\/messages$/;
/** The e-mail conversations whose messages were asked for, in order. */
const emailRequests = (fake: FakeGenesys, since = 0): string[] =>
  fake.requests.slice(since).flatMap((r) => {
    const m = EMAIL_PATH.exec(r.path);
    return r.method === 'GET' && m ? [m[1] ?? ''] : [];
  });

/**
 * support_messages of one channel (messaging unless told; null: all) in a total order, times as ISO text;
 * without last_data_update unless asked.
 */
const messageRows = (store: Store, withUpdate = false, channel: string | null = 'message'): Promise<Row[]> =>
  store.db.all(
    `SELECT * EXCLUDE (sent_at, last_data_update, record_hash), ${iso('sent_at')} AS sent_at
       ${withUpdate ? `, ${iso('last_data_update')} AS last_data_update` : ''}
     FROM support_messages ${channel === null ? '' : 'WHERE channel = $channel'} ORDER BY message_id`,
    channel === null ? {} : { channel },
  );

const lastDataUpdates = async (store: Store): Promise<Map<string, string>> =>
  new Map(
    (
      await store.db.all<{ id: string; t: string }>(
        `SELECT message_id AS id, ${iso('last_data_update')} AS t FROM support_messages`,
      )
    ).map((r) => [r.id, r.t]),
  );

interface Details {
  messageId: string;
  messageTime: string;
  messageStatus: string;
  media?: unknown[];
  messageMetadata?: { type?: string };
  errorInfo?: { message?: string };
}
interface Participant {
  purpose: string;
  name: string;
  user?: { id: string };
  messages: Details[];
}

const STATUS: Record<string, string> = {
  received: 'delivered',
  'delivery-success': 'delivered',
  read: 'read',
  'delivery-failed': 'failed',
  sent: 'sent',
};

/**
 * The support_messages rows the fake's MessageConversations of these records should give: every message but
 * typing events; the customer's are inbound from the contact (the conversation's contact key); an agent's
 * are outbound, sent by the agent's user id, source agent; the bot flow's (purpose workflow) are outbound
 * from a workflow, named after the flow.
 */
function expectedRows(records: readonly GenesysConversationRecord[], contacts: Map<string, string | null>) {
  const rows: Row[] = [];
  for (const record of records) {
    const body = messageConversationOf(record) as { participants: Participant[] } | undefined;
    for (const p of body?.participants ?? []) {
      const kind = p.purpose === 'customer' ? 'contact' : p.purpose === 'agent' ? 'agent' : 'workflow';
      for (const m of p.messages) {
        if (m.messageMetadata?.type === 'Event') continue;
        const contact = contacts.get(record.conversationId) ?? null;
        rows.push({
          message_id: m.messageId,
          conversation_id: record.conversationId,
          direction: kind === 'contact' ? 'inbound' : 'outbound',
          sender_id: kind === 'contact' ? contact : kind === 'agent' ? (p.user?.id ?? null) : p.name,
          sender_type: kind,
          source: kind === 'contact' ? null : kind,
          contact_id: contact,
          channel: 'message',
          message_type: m.media ? 'media' : 'text',
          content: null,
          status: STATUS[m.messageStatus] ?? null,
          failure_reason: m.messageStatus === 'delivery-failed' ? (m.errorInfo?.message ?? null) : null,
          source_system: 'GenesysCloudCX',
          origin: 'genesys',
          sent_at: m.messageTime,
        });
      }
    }
  }
  return rows.sort((a, b) => (String(a.message_id) < String(b.message_id) ? -1 : 1));
}

const contactsOf = async (store: Store): Promise<Map<string, string | null>> =>
  new Map(
    (
      await store.db.all<{ id: string; contact: string | null }>(
        'SELECT conversation_id AS id, customer_key AS contact FROM conversations',
      )
    ).map((r) => [r.id, r.contact]),
  );

/** A copy of an ended conversation as it was at `t`: active, later segments not there yet. */
function activeAt(record: GenesysConversationRecord, t: number): GenesysConversationRecord {
  const copy = structuredClone(record) as unknown as Record<string, unknown> & {
    participants: { sessions: { segments: { segmentStart: string; segmentEnd?: string }[] }[] }[];
  };
  delete copy.conversationEnd;
  copy.participants = copy.participants
    .map((p) => ({
      ...p,
      sessions: p.sessions
        .map((s) => {
          const { metrics: _metrics, ...rest } = s as typeof s & { metrics?: unknown };
          return {
            ...rest,
            segments: s.segments
              .filter((g) => Date.parse(g.segmentStart) <= t)
              .map((g) => {
                if (g.segmentEnd === undefined || Date.parse(g.segmentEnd) <= t) return g;
                const { segmentEnd: _end, ...open } = g as typeof g & { disconnectType?: string };
                delete (open as { disconnectType?: string }).disconnectType;
                return open;
              }),
          };
        })
        .filter((s) => s.segments.length > 0),
    }))
    .filter((p) => p.sessions.length > 0);
  return copy as unknown as GenesysConversationRecord;
}

/** The messages of one clean run over the data set (computed once). */
let cleanCache: Promise<{ rows: Row[]; teams: Row[] }> | undefined;
function cleanRun(): Promise<{ rows: Row[]; teams: Row[] }> {
  cleanCache ??= (async () => {
    const fake = await FakeGenesys.start({
      clientId: CLIENT_ID,
      clientSecret: SECRET,
      conversations: conversations(),
      dataAvailabilityDate: '2026-11-15T00:00:00.000Z',
      jobPendingPolls: 1,
      directory: DIRECTORY,
    });
    const dir = tempDir('caseflow-genesys-support-clean-');
    const store = await openStore(dir);
    try {
      await syncGenesys(store, configFor(fake.url), RANGE);
      return { rows: await messageRows(store), teams: await teamsOf(store) };
    } finally {
      store.close();
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    }
  })();
  return cleanCache;
}

const teamsOf = (store: Store): Promise<Row[]> =>
  store.db.all(
    `SELECT conversation_id, assignee_id, team FROM support_conversations WHERE origin = 'genesys'
     ORDER BY conversation_id`,
  );

const filter = (input: Record<string, string> = {}) => reportFilterSchema.parse(input);

// ---------------------------------------------------------------------------------------------------------

describe('the fake API', () => {
  it('serves groups, users’ groups with expand=groups only, and message conversations', async () => {
    const fake = await startFake();
    const grant = await fetch(`${fake.url}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${SECRET}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    const token = ((await grant.json()) as { access_token: string }).access_token;
    const get = async (path: string) => {
      const res = await fetch(`${fake.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const users = async (query: string) =>
      ((await get(`/api/v2/users?pageSize=500${query}`)).body.entities as Entity[]).filter(
        (u) => u.groups !== undefined,
      ).length;
    expect(await users('')).toBe(0);
    expect(await users('&expand=groups')).toBe(USERS.length);
    const groups = await get('/api/v2/groups?pageSize=2&pageNumber=1');
    expect(groups.body).toMatchObject({ pageCount: Math.ceil(GROUPS.length / 2), total: GROUPS.length });

    const [first] = MESSAGING;
    const voice = conversations().find((c) => mediaOf(c) === 'voice');
    if (!first || !voice) throw new Error('the data set lacks a messaging or a voice conversation');
    const body = (await get(`/api/v2/conversations/messages/${first.conversationId}`)).body;
    expect(body).toMatchObject({ id: first.conversationId });
    expect((body.participants as { purpose: string }[]).map((p) => p.purpose)).toContain('customer');
    expect((await get(`/api/v2/conversations/messages/${voice.conversationId}`)).status).toBe(404);
    expect((await get('/api/v2/conversations/messages/no-such-conversation')).status).toBe(404);
    fake.setMessageConversation(first.conversationId, null);
    expect((await get(`/api/v2/conversations/messages/${first.conversationId}`)).status).toBe(404);
  });
});

describe('teams from Genesys groups', () => {
  it('reads groups and users with their groups; the team is the assignee’s first group by name', async () => {
    const fake = await startFake();
    const store = await newStore();
    const config = configFor(fake.url);
    const summary = await syncGenesys(store, config, RANGE);
    expect(summary.directory).toMatchObject({ users: USERS.length, groups: GROUPS.length });

    const asked = fake.requests.filter((r) => r.status === 200);
    expect(asked.some((r) => r.path === '/api/v2/groups')).toBe(true);
    const users = asked.filter((r) => r.path === '/api/v2/users');
    expect(users.length).toBeGreaterThan(1);
    expect(users.every((r) => r.query.expand === 'groups')).toBe(true);

    const members = await store.db.all<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM directory_members WHERE kind = 'users'`,
    );
    expect(members[0]?.n).toBe(demo.agents.length * 2 + 1);

    const teams = await teamsOf(store);
    const assigned = teams.filter((t) => t.assignee_id !== null);
    expect(assigned.length).toBeGreaterThan(100);
    for (const t of teams) {
      expect(t.team).toBe(t.assignee_id === null ? null : expectedTeam(String(t.assignee_id)));
    }
    // The agent of "Astreinte" has conversations, so the order by name was put to the test.
    expect(assigned.some((t) => t.assignee_id === onCallAgent.id)).toBe(true);
    expect(new Set(assigned.map((t) => t.team))).toEqual(
      new Set([ON_CALL.name, ...demo.teams.map((t) => t.name)]),
    );

    // The reports rank the source's teams; support.teams (the configuration) wins over them.
    const board = async (top: Record<string, unknown>) =>
      (
        await leaderboard(store, reportContext(parseConfig(top), FULL_SCOPE), filter(), {
          metric: 'resolution',
          groupBy: 'team',
          limit: 100,
        })
      ).rows.map((r) => r.name);
    const fromGroups = await board({});
    expect(new Set(fromGroups)).toEqual(new Set([ON_CALL.name, ...demo.teams.map((t) => t.name)]));
    const withConfig = await board({ support: { teams: { Renfort: [onCallAgent.name] } } });
    expect(withConfig).toContain('Renfort');
    expect(withConfig).not.toContain(ON_CALL.name);
  });

  it('reads the same from users.json with groups and groups.json in a file import', async () => {
    const files = dataDir();
    const write = (name: string, value: unknown) =>
      writeFileSync(path.join(files, name), JSON.stringify(value));
    write('conversations.json', { conversations: conversations() });
    write('users.json', { entities: USERS });
    write('groups.json', { entities: GROUPS, pageCount: 1 });
    write('queues.json', queuesFile(demo));
    write('wrapupcodes.json', wrapUpCodesFile(demo));
    const store = await newStore();
    const summary = await importGenesys(store, [files], { config: parseConfig({}) });
    expect(summary).toMatchObject({ added: 300, rejected: 0 });
    expect(await teamsOf(store)).toEqual((await cleanRun()).teams);

    // A users list without `groups` (not expanded) keeps the membership; an empty list clears it.
    await store.saveDirectory(
      'users',
      USERS.map(({ groups: _groups, ...u }) => u),
    );
    await store.regroup(parseConfig({}));
    expect(await teamsOf(store)).toEqual((await cleanRun()).teams);
    await store.saveDirectory('users', [{ id: onCallAgent.id, name: onCallAgent.name, groups: [] }]);
    await store.regroup(parseConfig({}));
    const after = await teamsOf(store);
    expect(after.filter((t) => t.assignee_id === onCallAgent.id).every((t) => t.team === null)).toBe(true);
  });
});

describe('messages of Genesys messaging conversations', () => {
  it('reads each messaging conversation’s messages once: direction, sender, status; reports count them', async () => {
    const fake = await startFake();
    const store = await newStore();
    const config = configFor(fake.url);
    const summary = await syncGenesys(store, config, RANGE);

    // Asked once per messaging conversation, never for other media.
    const asked = messageRequests(fake);
    expect(asked.length).toBe(MESSAGING.length);
    expect(new Set(asked)).toEqual(new Set(MESSAGING.map((c) => c.conversationId)));
    expect(fake.requests.every((r) => r.status < 400)).toBe(true);

    const expected = expectedRows(MESSAGING, await contactsOf(store));
    expect(expected.length).toBeGreaterThan(200);
    const rows = await messageRows(store);
    expect(rows).toEqual(expected);
    expect(summary.messages).toEqual({
      conversations: MESSAGING.length,
      messages: expected.length,
      notFound: 0,
      skipped: 0,
    });
    // The data set has all kinds: inbound, agents, the bot flow, failed deliveries with their reason, media.
    const kinds = new Set(rows.map((r) => `${r.direction}/${r.sender_type}/${r.status}`));
    for (const kind of [
      'inbound/contact/delivered',
      'outbound/agent/delivered',
      'outbound/agent/read',
      'outbound/agent/failed',
      'outbound/workflow/delivered',
    ]) {
      expect(kinds).toContain(kind);
    }
    expect(rows.some((r) => r.message_type === 'media')).toBe(true);
    expect(
      rows.filter((r) => r.status === 'failed').every((r) => r.failure_reason === 'Recipient unreachable'),
    ).toBe(true);
    // Every agent message is by a user of the directory, and its conversation's contact is the message's.
    const userIds = new Set(USERS.map((u) => u.id));
    expect(rows.filter((r) => r.sender_type === 'agent').every((r) => userIds.has(String(r.sender_id)))).toBe(
      true,
    );
    const facts = await store.db.all<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM support_message_facts m JOIN support_conversations c
         ON c.conversation_id = m.conversation_id
       WHERE m.contact_id IS DISTINCT FROM c.contact_id OR m.channel <> c.channel`,
    );
    expect(facts[0]?.n).toBe(0);

    // The reports see them (and the e-mails'): inbound messages by channel, outbound by source.
    const ctx = reportContext(config, FULL_SCOPE);
    const inbound = await inboundMessages(store, ctx, filter(), 'week');
    expect([...inbound.channels].sort()).toEqual(['email', 'message']);
    const all = await messageRows(store, false, null);
    const inboundRows = all.filter((r) => r.direction === 'inbound');
    expect(inbound.rows.reduce((n, r) => n + r.count, 0)).toBe(inboundRows.length);
    const outbound = await outboundBySource(store, ctx, filter(), 'week');
    const bySource = (source: string) =>
      outbound.rows.filter((r) => r.source === source).reduce((n, r) => n + r.count, 0);
    expect(bySource('agent')).toBe(all.filter((r) => r.source === 'agent').length);
    expect(bySource('workflow')).toBe(all.filter((r) => r.source === 'workflow').length);
    // Message counts and first responses of the Genesys conversations now come from their messages.
    const counted = await store.db.all<{ inbound: number; outbound: number }>(
      `SELECT sum(inbound_count)::INTEGER AS inbound, sum(outbound_count)::INTEGER AS outbound
       FROM support_conversation_facts WHERE origin = 'genesys'`,
    );
    expect(counted[0]).toEqual({ inbound: inboundRows.length, outbound: all.length - inboundRows.length });

    // Again over the same range: nothing changed, nothing asked, nothing rewritten.
    const before = fake.requests.length;
    const updates = await lastDataUpdates(store);
    const again = await syncGenesys(store, config, { ...RANGE, now: () => Date.now() + 60_000 });
    expect(again).toMatchObject({ unchanged: 300, added: 0, updated: 0 });
    expect(again.messages).toEqual({ conversations: 0, messages: 0, notFound: 0, skipped: 0 });
    expect(messageRequests(fake, before)).toEqual([]);
    expect(await messageRows(store)).toEqual(expected);
    expect(await lastDataUpdates(store)).toEqual(updates);

    // Off: no message is read.
    const off = await startFake();
    const offStore = await newStore();
    const offSummary = await syncGenesys(offStore, configFor(off.url, { messages: false }), RANGE);
    expect(offSummary.messages.conversations).toBe(0);
    expect(messageRequests(off)).toEqual([]);
    expect(await messageRows(offStore, false, null)).toEqual([]);
    expect(emailRequests(off)).toEqual([]);
  });

  it('replaces the messages of an updated conversation, keeps the others and imported ones', async () => {
    const long = MESSAGING.find(
      (c) =>
        c.conversationEnd !== undefined &&
        Date.parse(c.conversationEnd) - Date.parse(c.conversationStart) > 20 * 60_000 &&
        c.participants.some((p) => p.purpose === 'agent'),
    );
    if (!long) throw new Error('the demo data has no long messaging conversation with an agent');
    const agentStart = Math.min(
      ...long.participants
        .filter((p) => p.purpose === 'agent')
        .flatMap((p) => p.sessions.flatMap((s) => s.segments.map((g) => Date.parse(g.segmentStart)))),
    );
    const active = activeAt(long, agentStart + 3 * 60_000);
    const initial = conversations().map((c) => (c.conversationId === long.conversationId ? active : c));
    const fake = await startFake({ conversations: initial });
    const store = await newStore();
    const config = configFor(fake.url);
    const run1 = Date.parse('2026-11-21T00:00:00Z');
    await syncGenesys(store, config, { ...RANGE, now: () => run1 });
    const first = (await messageRows(store)).filter((r) => r.conversation_id === long.conversationId);
    expect(first).toEqual(expectedRows([active], await contactsOf(store)));
    expect(first.some((r) => r.status === 'sent')).toBe(true); // the agent is still at it

    // An import brought one message of another conversation under the same id as a Genesys one: it wins.
    const other = (await messageRows(store)).find((r) => r.conversation_id !== long.conversationId);
    if (!other) throw new Error('no other message');
    await store.db.run(
      `UPDATE support_messages SET origin = 'import', content = 'imported text' WHERE message_id = $id`,
      { id: String(other.message_id) },
    );

    // The conversation ends: the next run reads it (and only it) again and replaces its messages.
    fake.upsertConversation(long);
    const before = fake.requests.length;
    const run2 = Date.parse('2026-11-22T00:00:00Z');
    const summary = await syncGenesys(store, config, { ...RANGE, now: () => run2 });
    expect(summary).toMatchObject({ updated: 1, unchanged: 299 });
    expect(messageRequests(fake, before)).toEqual([long.conversationId]);
    const rows = await messageRows(store, true);
    const replaced = rows.filter((r) => r.conversation_id === long.conversationId);
    const full = expectedRows([long], await contactsOf(store));
    expect(replaced.map(({ last_data_update: _t, ...r }) => r)).toEqual(full);
    expect(full.length).toBeGreaterThan(first.length);
    expect(full.some((r) => r.status === 'sent')).toBe(false);
    // Messages read again identical keep their time; new or changed ones carry the second run's.
    const firstIds = new Map(first.map((r) => [r.message_id, r]));
    for (const r of replaced) {
      const { last_data_update: t, ...row } = r;
      const same = JSON.stringify(firstIds.get(row.message_id)) === JSON.stringify(row);
      expect(t).toBe(new Date(same ? run1 : run2).toISOString());
    }
    // Everything else is untouched, the imported message too (no duplicate id).
    for (const r of rows.filter((x) => x.conversation_id !== long.conversationId)) {
      expect(r.last_data_update).toBe(new Date(run1).toISOString());
    }
    expect(rows.filter((r) => r.message_id === other.message_id)).toMatchObject([
      { origin: 'import', content: 'imported text' },
    ]);
    expect(new Set(rows.map((r) => r.message_id)).size).toBe(rows.length);
  });

  it('counts a conversation Genesys no longer has (404) and keeps its stored messages', async () => {
    const [gone, later] = MESSAGING;
    if (!gone || !later) throw new Error('two messaging conversations are needed');
    const fake = await startFake({ messageConversations: { [gone.conversationId]: null } });
    const store = await newStore();
    const config = configFor(fake.url);
    const summary = await syncGenesys(store, config, RANGE);
    expect(summary.messages).toMatchObject({ conversations: MESSAGING.length - 1, notFound: 1 });
    expect(summary.watermark).toBe(TO);
    const rows = await messageRows(store);
    expect(rows.some((r) => r.conversation_id === gone.conversationId)).toBe(false);
    const kept = rows.filter((r) => r.conversation_id === later.conversationId);
    expect(kept.length).toBeGreaterThan(0);

    // `later` changes but its messages are gone by now: what is stored stays.
    fake.upsertConversation({
      ...structuredClone(later),
      participants: later.participants.map((p) =>
        p.purpose === 'customer' ? { ...p, attributes: { ...p.attributes, note: 'changed' } } : p,
      ),
    });
    fake.setMessageConversation(later.conversationId, null);
    const again = await syncGenesys(store, config, RANGE);
    expect(again).toMatchObject({ updated: 1, messages: { conversations: 0, notFound: 1 } });
    expect((await messageRows(store)).filter((r) => r.conversation_id === later.conversationId)).toEqual(
      kept,
    );
  });

  it('a run that fails or is stopped while reading messages resumes to the same rows', async () => {
    // Fails: the 20th messages request keeps answering 503 (3 attempts), the run stops with it.
    const fake = await startFake();
    const store = await newStore();
    const config = configFor(fake.url);
    let n = 0;
    fake.onRequest = (r) => {
      if (MESSAGE_PATH.test(r.path) && ++n === 20) {
        fake.inject({ method: 'GET', path: r.path }, { status: 503 }, { status: 503 }, { status: 503 });
      }
    };
    const error = await syncGenesys(store, config, RANGE).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SyncError);
    expect((error as Error).message).toMatch(
      /GET \/api\/v2\/conversations\/messages\/\S+ failed after 3 attempts/,
    );
    expect((error as Error).message).toMatch(/resume/);
    // The messages committed are those of the conversations committed (in the same transactions), all.
    const committed = new Set(
      (
        await store.db.all<{ id: string }>(
          `SELECT conversation_id AS id FROM conversations WHERE media_type = 'message'`,
        )
      ).map((r) => r.id),
    );
    expect(committed.size).toBeGreaterThan(5);
    expect(committed.size).toBeLessThan(MESSAGING.length);
    expect(await messageRows(store)).toEqual(
      expectedRows(
        MESSAGING.filter((c) => committed.has(c.conversationId)),
        await contactsOf(store),
      ),
    );

    fake.onRequest = undefined;
    const resumed = await syncGenesys(store, config, { env: ENV });
    expect(resumed).toMatchObject({ resumed: true, added: 300, watermark: TO });
    expect(resumed.messages.conversations).toBe(MESSAGING.length);
    const rows = await messageRows(store);
    expect(rows).toEqual((await cleanRun()).rows);
    // One extraction: every row carries the first attempt's start.
    const times = new Set((await lastDataUpdates(store)).values());
    expect(times.size).toBe(1);

    // Stopped (a server shutting down) on the 10th messages request of another run, then resumed.
    const fake2 = await startFake();
    const store2 = await newStore();
    const stop = new AbortController();
    let m = 0;
    fake2.onRequest = (r) => {
      if (MESSAGE_PATH.test(r.path) && ++m === 10) stop.abort();
    };
    await expect(
      syncGenesys(store2, configFor(fake2.url), { ...RANGE, signal: stop.signal }),
    ).rejects.toBeInstanceOf(SyncStopped);
    fake2.onRequest = undefined;
    await syncGenesys(store2, configFor(fake2.url), { env: ENV });
    expect(await messageRows(store2)).toEqual((await cleanRun()).rows);
    expect(await teamsOf(store2)).toEqual((await cleanRun()).teams);
  });

  it('imports a message-conversations file the same way', async () => {
    const files = dataDir();
    const write = (name: string, text: string) => writeFileSync(path.join(files, name), text);
    write('conversations.json', JSON.stringify({ conversations: conversations() }));
    write('users.json', JSON.stringify({ entities: USERS }));
    write('groups.json', JSON.stringify({ entities: GROUPS }));
    const bodies = MESSAGING.map((c) => messageConversationOf(c));
    write(
      'message-conversations.ndjson',
      [...bodies.map((b) => JSON.stringify(b)), '{"participants": []}', 'not json'].join('\n'),
    );
    const store = await newStore();
    const summary = await importGenesys(store, [files], { config: parseConfig({}) });
    expect(summary.added).toBe(300);
    expect(summary.rejected).toBe(2);
    expect(summary.firstRejections.map((r) => r.reason).join('\n')).toMatch(
      /message conversation schema: id/,
    );
    const clean = (await cleanRun()).rows;
    expect(summary.messages).toEqual({ conversations: MESSAGING.length, messages: clean.length, skipped: 0 });
    expect(await messageRows(store)).toEqual(clean);

    // Imported again: identical rows stay as they are.
    const updates = await lastDataUpdates(store);
    await importGenesys(store, [files], { config: parseConfig({}), now: new Date(Date.now() + 60_000) });
    expect(await lastDataUpdates(store)).toEqual(updates);
  });
});

// ---------------------------------------------------------------------------------------------------------

const EMAILS = conversations().filter((c) => mediaOf(c) === 'email');

interface EmailEntity {
  id: string;
  from: { email: string };
  time: string;
}

/**
 * The support_messages rows the fake's e-mail listings of these records should give: a message from the
 * customer session's address is inbound from the contact (delivered); the others are outbound, sent by the
 * agent whose interact segment holds their time (sent).
 */
function expectedEmailRows(
  records: readonly GenesysConversationRecord[],
  contacts: Map<string, string | null>,
) {
  const rows: Row[] = [];
  for (const record of records) {
    const listing = emailMessagesOf(record) as { entities: EmailEntity[] } | undefined;
    const customer = record.participants.find((p) => p.purpose === 'customer');
    const session = customer?.sessions.find((s) => s.mediaType === 'email') as
      | { addressFrom?: string }
      | undefined;
    const contact = contacts.get(record.conversationId) ?? null;
    for (const m of listing?.entities ?? []) {
      const inbound = m.from.email.toLowerCase() === session?.addressFrom?.toLowerCase();
      const t = Date.parse(m.time);
      const holds = (g: { segmentType?: string; segmentStart: string; segmentEnd?: string }) =>
        g.segmentType === 'interact' &&
        Date.parse(g.segmentStart) <= t &&
        t <= Date.parse(g.segmentEnd ?? '9999-12-31T00:00:00Z');
      const agent = inbound
        ? null
        : (record.participants.find(
            (p) => p.purpose === 'agent' && p.sessions.some((s) => s.segments.some(holds)),
          )?.userId ?? null);
      rows.push({
        message_id: m.id,
        conversation_id: record.conversationId,
        direction: inbound ? 'inbound' : 'outbound',
        sender_id: inbound ? contact : agent,
        sender_type: inbound ? 'contact' : 'agent',
        source: inbound ? null : 'agent',
        contact_id: contact,
        channel: 'email',
        message_type: 'email',
        content: null,
        status: inbound ? 'delivered' : 'sent',
        failure_reason: null,
        source_system: 'GenesysCloudCX',
        origin: 'genesys',
        sent_at: m.time,
      });
    }
  }
  return rows.sort((a, b) => (String(a.message_id) < String(b.message_id) ? -1 : 1));
}

describe('messages of Genesys e-mail conversations', () => {
  it('reads each e-mail conversation’s messages: direction by the customer’s address, the agent who sent', async () => {
    expect(EMAILS.length).toBeGreaterThan(10);
    const fake = await startFake();
    const store = await newStore();
    const config = configFor(fake.url);
    const summary = await syncGenesys(store, config, RANGE);
    expect(emailRequests(fake).length).toBe(EMAILS.length);
    expect(new Set(emailRequests(fake))).toEqual(new Set(EMAILS.map((c) => c.conversationId)));

    const expected = expectedEmailRows(EMAILS, await contactsOf(store));
    const rows = await messageRows(store, false, 'email');
    expect(rows).toEqual(expected);
    expect(rows.some((r) => r.direction === 'inbound')).toBe(true);
    expect(rows.some((r) => r.direction === 'outbound' && r.sender_id !== null)).toBe(true);
    expect(summary.emails).toEqual({
      conversations: EMAILS.length,
      messages: expected.length,
      notFound: 0,
      forbidden: 0,
      skipped: 0,
    });

    // Read again unchanged (its conversation is updated): identical rows, their last_data_update kept.
    const updates = await lastDataUpdates(store);
    const [first] = EMAILS;
    if (!first) throw new Error('no e-mail conversation');
    fake.upsertConversation({
      ...structuredClone(first),
      participants: first.participants.map((p) =>
        p.purpose === 'customer' ? { ...p, attributes: { ...p.attributes, note: 'changed' } } : p,
      ),
    });
    const before = fake.requests.length;
    const again = await syncGenesys(store, config, { ...RANGE, now: () => Date.now() + 60_000 });
    expect(again).toMatchObject({ updated: 1, emails: { conversations: 1 } });
    expect(emailRequests(fake, before)).toEqual([first.conversationId]);
    expect(await messageRows(store, false, 'email')).toEqual(expected);
    expect(await lastDataUpdates(store)).toEqual(updates);

    // A dry run reads them and writes nothing.
    const dryStore = await newStore();
    const dry = await syncGenesys(dryStore, config, { ...RANGE, dryRun: true });
    expect(dry.emails.conversations).toBe(EMAILS.length);
    expect(await messageRows(dryStore, false, null)).toEqual([]);
  });

  it('counts an e-mail conversation Genesys no longer has (404) or refuses (403), and goes on', async () => {
    const [gone, refused] = EMAILS;
    if (!gone || !refused) throw new Error('two e-mail conversations are needed');
    const fake = await startFake({
      emailMessages: { [gone.conversationId]: 404, [refused.conversationId]: 403 },
    });
    const store = await newStore();
    const summary = await syncGenesys(store, configFor(fake.url), RANGE);
    expect(summary.emails).toMatchObject({ conversations: EMAILS.length - 2, notFound: 1, forbidden: 1 });
    expect(summary.watermark).toBe(TO);
    const rows = await messageRows(store, false, 'email');
    expect(rows.some((r) => r.conversation_id === gone.conversationId)).toBe(false);
    expect(rows.some((r) => r.conversation_id === refused.conversationId)).toBe(false);
    expect(rows.length).toBeGreaterThan(0);
  });
});
