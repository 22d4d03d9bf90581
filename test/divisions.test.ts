/**
 * Divisions and masking across the analytics side (README "Access control"), on the demo data (two
 * divisions: main, expertise — a conversation escalated to the expertise queue is in both) plus imported
 * support data mapped by the configuration (source system crm → partners, queue VIP → vip, the rest and the
 * messages of no conversation → home) and an imported dataset (running → expertise). Requests are made as
 * limited principals through buildApp's authenticator (header x-user). Every expected figure is counted
 * here with SQL over conversation_divisions and case_map, not with the code under test.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FULL_SCOPE, type Principal } from '../src/access/index.ts';
import { type CaseflowConfig, parseConfig } from '../src/config/index.ts';
import { demoConfig } from '../src/demo/config.ts';
import { buildDirectory, queuesFile } from '../src/demo/directory.ts';
import { demoConversations, generateDemo } from '../src/demo/index.ts';
import { reportContext, reportFilterSchema, resolvedConversations } from '../src/reports/index.ts';
import { buildApp } from '../src/server/index.ts';
import { importConversations, importMessages } from '../src/sources/conversations/index.ts';
import { importEventLog } from '../src/sources/eventlog/index.ts';
import { importGenesys } from '../src/sources/genesys/index.ts';
import {
  listDivisions,
  type OperationalStore,
  openOperationalStore,
  openStore,
  type Store,
} from '../src/store/index.ts';
import { insertRuns } from '../src/workflows/repository.ts';
import { tempDir } from './support.ts';

const SEED = 42;
const DEMO = { conversations: 800, days: 21, seed: SEED, end: '2026-11-01' };
const DIRECTORY = buildDirectory(SEED);
const MAIN = DIRECTORY.divisions.main.id;
const EXPERTISE = DIRECTORY.divisions.expertise.id;
const LOG = path.resolve(import.meta.dirname, 'fixtures/mining/pm4py-running-example.csv');

/** Imported support data: crm conversations (→ partners), web ones (VIP queue → vip; none → home). */
const CRM = [1, 2, 3, 4, 5].map((i) => ({
  conversation_id: `p${i}`,
  opened_at: `2026-10-2${i}T09:00:00Z`,
  resolved_at: `2026-10-2${i}T10:00:00Z`,
  contact_id: `crm-${i}`,
  channel: 'chat',
  queue_name: 'Partenaires',
  wrap_up_code: 'Résolu',
}));
const WEB = [
  { conversation_id: 'w1', opened_at: '2026-10-20T09:00:00Z', channel: 'chat', queue_name: 'VIP' },
  { conversation_id: 'w2', opened_at: '2026-10-21T09:00:00Z', channel: 'chat' },
];
const MESSAGES = [
  {
    message_id: 'pm1',
    conversation_id: 'p1',
    sent_at: '2026-10-21T09:01:00Z',
    sender_type: 'contact',
    contact_id: 'crm-1',
  },
  { message_id: 'o1', sent_at: '2026-10-22T08:00:00Z', sender_type: 'contact', contact_id: 'nobody' },
  { message_id: 'o2', sent_at: '2026-10-22T08:05:00Z', sender_type: 'contact', contact_id: 'nobody' },
];

const divisionsConfig = (crm: string) => ({
  bySourceSystem: { crm },
  byQueue: { VIP: 'vip' },
  byDataset: { running: EXPERTISE },
  names: { partners: 'Partenaires' },
});

const ANALYTICS = ['analytics:*', 'routing:wrapupCode:view', 'routing:queue:search'];
const user = (id: string, divisions: Principal['divisions'], permissions = ANALYTICS): Principal => ({
  kind: 'session',
  userId: id,
  username: id,
  displayName: id,
  roles: [],
  permissions,
  divisions,
});
const USERS: Record<string, Principal> = {
  admin: user('admin', 'all', ['*']),
  expert: user('expert', [EXPERTISE]),
  main: user('main', [MAIN]),
  partner: user('partner', ['partners']),
  home: user('home', ['home']),
  noWrap: user('noWrap', 'all', ['analytics:*', 'routing:queue:search']),
  noQueue: user('noQueue', 'all', ['analytics:*', 'routing:wrapupCode:view']),
  expertNoWrap: user('expertNoWrap', [EXPERTISE], ['analytics:*', 'routing:queue:search']),
};

let store: Store;
let operational: OperationalStore;
let config: CaseflowConfig;
let app: FastifyInstance;

beforeAll(async () => {
  const dir = tempDir('caseflow-divisions-');
  const files = await generateDemo(path.join(dir, 'demo'), DEMO);
  config = parseConfig({
    ...demoConfig(SEED),
    access: { enabled: true },
    divisions: divisionsConfig('partners'),
  });
  store = await openStore(dir);
  await importGenesys(store, files.conversations, {
    config,
    users: files.users,
    queues: files.queues,
    wrapUpCodes: files.wrapUpCodes,
    surveys: files.surveys,
  });
  await importMessages(store, files.messages, { source: 'demo' });
  const write = (name: string, rows: unknown[]) => {
    const file = path.join(dir, name);
    writeFileSync(file, JSON.stringify(rows));
    return file;
  };
  await importConversations(store, write('crm.json', CRM), { source: 'crm' });
  await importConversations(store, write('web.json', WEB), { source: 'web' });
  await importMessages(store, write('messages.json', MESSAGES), { source: 'sms' });
  await importEventLog(store, LOG, { format: 'csv', dataset: 'running' });
  // What the server does when it starts: the support imports' divisions are derived here.
  const notices = await store.prepare(config);
  expect(notices.filter((n) => /rebuild/.test(n))).toEqual([]);
  operational = await openOperationalStore({ dataDir: dir });
  app = await buildApp({
    store,
    config,
    operational,
    webRoot: null,
    authenticator: { authenticate: async (request) => USERS[String(request.headers['x-user'])] ?? null },
  });
}, 120_000);

afterAll(async () => {
  await app?.close();
  await operational?.close();
  store?.close();
});

const request = async (who: string, url: string, method: 'GET' | 'POST' = 'GET', payload?: unknown) => {
  const res = await app.inject({ method, url, headers: { 'x-user': who }, ...(payload ? { payload } : {}) });
  return { status: res.statusCode, body: res.body, json: () => res.json() };
};
const get = async (who: string, url: string) => {
  const res = await request(who, url);
  expect(res.status, `${who} ${url}: ${res.body.slice(0, 300)}`).toBe(200);
  return res.json();
};

// ---------------------------------------------------------------------------------------------
// Counted here, over conversation_divisions and case_map
// ---------------------------------------------------------------------------------------------

const list = (divisions: readonly string[]) => divisions.map((d) => `'${d}'`).join(', ');
/** Conversation ids of these divisions (every division: 'all'). */
const conversationsOf = (who: string): string => {
  const divisions = USERS[who]?.divisions ?? [];
  return divisions === 'all'
    ? 'SELECT conversation_id FROM conversation_divisions'
    : `SELECT conversation_id FROM conversation_divisions WHERE division_id IN (${list(divisions)})`;
};
const casesOf = (who: string): string =>
  `SELECT DISTINCT service_request FROM case_map WHERE conversation_id IN (${conversationsOf(who)})`;
const count = async (sql: string): Promise<number> =>
  Number((await store.db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM (${sql})`))?.n);
const column = async (sql: string): Promise<string[]> =>
  (await store.db.all<{ v: string }>(sql)).map((r) => r.v);
/** The case ids a user sees, by id. */
const visibleCases = async (who: string): Promise<string[]> =>
  column(`SELECT service_request AS v FROM (${casesOf(who)}) ORDER BY v`);

/** Rows of a CSV document (RFC 4180 quoting), header included. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) rows.push([...row, cell]);
  return rows;
}

describe('derivation', () => {
  const rowsOf = async () =>
    new Map(
      (
        await store.db.all<{ id: string; divisions: string[] }>(
          `SELECT conversation_id AS id, list(division_id ORDER BY division_id) AS divisions
           FROM conversation_divisions GROUP BY conversation_id`,
        )
      ).map((r) => [r.id, r.divisions]),
    );

  it('gives each Genesys conversation its record’s divisionIds, other rows the configuration’s mapping', async () => {
    const rows = await rowsOf();
    let both = 0;
    for (const record of demoConversations(DEMO)) {
      expect(rows.get(record.conversationId), record.conversationId).toEqual(
        [...(record.divisionIds ?? [])].sort(),
      );
      if (record.divisionIds?.includes(EXPERTISE)) both += 1;
    }
    // The demo escalates some conversations to the expertise division (they stay in main too).
    expect(both).toBeGreaterThan(0);
    for (const c of CRM) expect(rows.get(c.conversation_id)).toEqual(['partners']);
    expect(rows.get('w1')).toEqual(['vip']);
    expect(rows.get('w2')).toEqual(['home']);
    // The messages of no conversation.
    expect(rows.get('')).toEqual(['home']);
  });

  it('puts each case in every division of its conversations', async () => {
    const union = `SELECT DISTINCT m.service_request, d.division_id
      FROM case_map m JOIN conversation_divisions d USING (conversation_id)`;
    expect(await count('SELECT * FROM case_divisions')).toBeGreaterThan(0);
    expect(await count(`SELECT * FROM case_divisions EXCEPT ${union}`)).toBe(0);
    expect(await count(`${union} EXCEPT SELECT * FROM case_divisions`)).toBe(0);
    expect(await count(casesOf('expert'))).toBeGreaterThan(0);
    expect(await count(casesOf('expert'))).toBeLessThan(await count(casesOf('main')));
  });

  it('follows a change of the divisions configuration, and fills a store of an earlier version, without a rebuild', async () => {
    const before = await rowsOf();
    const changed = parseConfig({ ...config, divisions: divisionsConfig('partners-2') });
    expect((await store.prepare(changed)).filter((n) => /rebuild/.test(n))).toEqual([]);
    expect((await rowsOf()).get('p1')).toEqual(['partners-2']);
    expect((await get('partner', '/api/v1/reports/opened-heatmap')).total).toBe(0);
    // A store written before divisions existed: no record divisions, no stamp.
    await store.db.run(
      `DELETE FROM record_divisions; DELETE FROM conversation_divisions; DELETE FROM meta WHERE key = 'divisions'`,
    );
    expect((await store.prepare(config)).filter((n) => /rebuild/.test(n))).toEqual([]);
    expect(await rowsOf()).toEqual(before);
  });

  it('maps Genesys conversations without divisionIds: source system, else their queues, else the default', async () => {
    const dir = tempDir('caseflow-divisions-nodiv-');
    const records = [...demoConversations({ ...DEMO, conversations: 40 })].map(
      ({ divisionIds: _, ...r }) => r,
    );
    const file = path.join(dir, 'conversations.json');
    writeFileSync(file, JSON.stringify({ conversations: records }));
    const queues = path.join(dir, 'queues.json');
    writeFileSync(queues, JSON.stringify(queuesFile(DIRECTORY)));
    const byQueue = { 'Support N1 - Voix': 'n1', 'Escalade N2': 'n2' };
    const small = await openStore(dir);
    try {
      await importGenesys(small, [file], {
        config: parseConfig({ ...demoConfig(SEED), divisions: { byQueue } }),
        queues,
      });
      const rows = async () =>
        new Map(
          (
            await small.db.all<{ id: string; divisions: string[] }>(
              `SELECT conversation_id AS id, list(division_id ORDER BY division_id) AS divisions
               FROM conversation_divisions WHERE conversation_id <> '' GROUP BY conversation_id`,
            )
          ).map((r) => [r.id, r.divisions]),
        );
      const byQueueRows = await rows();
      const queueNames = new Map([...DIRECTORY.queues.values()].map((q) => [q.id, q.name]));
      const seen = new Set<string>();
      for (const r of records) {
        // Every queue the conversation was in: the queueId of its segments (acd and agent), by name.
        const names = r.participants.flatMap((p) =>
          p.sessions.flatMap((s) =>
            s.segments.flatMap((g) => (g.queueId ? [queueNames.get(g.queueId)] : [])),
          ),
        );
        const expected = [
          ...new Set(
            names.flatMap((n) =>
              n !== undefined && n in byQueue ? [byQueue[n as keyof typeof byQueue]] : [],
            ),
          ),
        ].sort();
        const got = byQueueRows.get(r.conversationId);
        expect(got, r.conversationId).toEqual(expected.length ? expected : ['home']);
        for (const d of got ?? []) seen.add(d);
      }
      expect([...seen].sort()).toEqual(['home', 'n1', 'n2']);
      // The source system wins over the queues.
      const bySource = parseConfig({
        ...demoConfig(SEED),
        divisions: { byQueue, bySourceSystem: { GenesysCloudCX_EU1: 'eu1' } },
      });
      await small.prepare(bySource);
      expect(new Set([...(await rows()).values()].map((d) => d.join()))).toEqual(new Set(['eu1']));
    } finally {
      small.close();
    }
  });

  it('lists the known divisions with their names and conversations', async () => {
    const divisions = await listDivisions(store.db, config.divisions);
    const byId = new Map(divisions.map((d) => [d.id, d]));
    expect(byId.get('partners')).toEqual({ id: 'partners', name: 'Partenaires', conversations: CRM.length });
    expect(byId.get('home')?.conversations).toBe(
      await count(
        `SELECT conversation_id FROM conversation_divisions WHERE division_id = 'home' AND conversation_id <> ''`,
      ),
    );
    expect(byId.get(MAIN)?.conversations).toBe(await count(conversationsOf('main')));
    expect(byId.get(EXPERTISE)?.conversations).toBe(await count(conversationsOf('expert')));
    expect([...byId.keys()].sort()).toEqual([EXPERTISE, MAIN, 'home', 'partners', 'vip'].sort());
  });
});

describe('event log, KPIs, health', () => {
  it('shows each user the events of the cases of their divisions', async () => {
    for (const who of ['expert', 'main', 'partner', 'admin']) {
      const page = await get(who, '/api/v1/eventlog?pageSize=5000');
      const events = await count(`SELECT * FROM events WHERE ServiceRequest IN (${casesOf(who)})`);
      expect(page.total, who).toBe(events);
      const visible = new Set(await visibleCases(who));
      for (const e of page.items as { ServiceRequest: string }[])
        expect(visible.has(e.ServiceRequest), who).toBe(true);
    }
    expect((await get('partner', '/api/v1/eventlog')).total).toBe(0);
    expect((await get('expert', '/api/v1/eventlog')).total).toBeLessThan(
      (await get('main', '/api/v1/eventlog')).total,
    );
  });

  it('computes the KPIs and the health counts over those cases', async () => {
    for (const who of ['expert', 'main', 'admin']) {
      const kpis = await get(who, '/api/v1/kpis');
      expect(kpis.cases, who).toBe(await count(casesOf(who)));
      expect(kpis.conversations, who).toBe(
        await count(`SELECT conversation_id FROM case_map WHERE service_request IN (${casesOf(who)})`),
      );
      const health = await get(who, '/api/v1/health');
      expect(health.cases, who).toBe(kpis.cases);
      expect(health.events, who).toBe((await get(who, '/api/v1/eventlog?pageSize=1')).total);
    }
    // Without a session: liveness only.
    const anonymous = await get('nobody', '/api/v1/health');
    expect(Object.keys(anonymous).sort()).toEqual(['status', 'timeZone', 'version']);
  });
});

describe('process mining', () => {
  it('counts the cases of the viewer’s divisions in every view', async () => {
    for (const who of ['expert', 'main', 'partner', 'admin']) {
      const cases = await count(casesOf(who));
      expect((await get(who, '/api/v1/process-map')).cases, who).toBe(cases);
      expect((await get(who, '/api/v1/cases?pageSize=1')).total, who).toBe(cases);
      expect((await get(who, '/api/v1/variants?pageSize=1')).cases, who).toBe(cases);
      expect((await get(who, '/api/v1/conformance?pageSize=1')).cases, who).toBe(cases);
      const overview = await get(who, '/api/v1/overview?from=2026-01-01&to=2026-12-01');
      expect(overview.tiles.find((t: { key: string }) => t.key === 'cases').value, who).toBe(cases);
      const datasets = await get(who, '/api/v1/datasets');
      expect(datasets.items[0], who).toMatchObject({ name: 'default', cases });
    }
  });

  it('answers 404 for a case of another division', async () => {
    const expertCase = (await visibleCases('expert'))[0];
    const mainOnly = (
      await column(`SELECT DISTINCT service_request AS v FROM case_map
        WHERE service_request NOT IN (${casesOf('expert')}) ORDER BY v LIMIT 1`)
    )[0];
    expect(expertCase && mainOnly).toBeTruthy();
    expect((await request('expert', `/api/v1/cases/${expertCase}`)).status).toBe(200);
    expect((await request('expert', `/api/v1/cases/${mainOnly}`)).status).toBe(404);
    expect((await request('main', `/api/v1/cases/${mainOnly}`)).status).toBe(200);
    expect((await request('partner', `/api/v1/cases/${expertCase}`)).status).toBe(404);
    // The list never names it either.
    const listed = (await get('expert', '/api/v1/cases?pageSize=500')).items.map((c: { id: string }) => c.id);
    expect(listed).toContain(expertCase);
    expect(listed).not.toContain(mainOnly);
  });

  it('shows an imported dataset to the users of its division only', async () => {
    const names = async (who: string) =>
      (await get(who, '/api/v1/datasets')).items.map((d: { name: string }) => d.name);
    expect(await names('expert')).toEqual(['default', 'running']);
    expect(await names('main')).toEqual(['default']);
    expect((await get('expert', '/api/v1/process-map?dataset=running')).cases).toBe(
      await count(`SELECT DISTINCT case_id FROM dataset_events WHERE dataset = 'running'`),
    );
    const refused = await request('main', '/api/v1/process-map?dataset=running');
    expect(refused.status).toBe(404);
    expect(refused.json().message).toBe('no dataset "running" (datasets: default)');
    expect((await request('main', '/api/v1/cases/1?dataset=running')).status).toBe(404);
    expect((await request('main', '/api/v1/facets?dataset=running')).status).toBe(404);
  });
});

describe('reports', () => {
  const inbound = (who: string) =>
    count(`SELECT * FROM support_message_facts
      WHERE direction = 'inbound' AND coalesce(conversation_id, '') IN (${conversationsOf(who)})`);

  it('counts the conversations and messages of the viewer’s divisions', async () => {
    for (const who of ['expert', 'main', 'partner', 'home', 'admin']) {
      const heatmap = await get(who, '/api/v1/reports/opened-heatmap');
      const opened = await count(
        `SELECT * FROM support_conversations WHERE conversation_id IN (${conversationsOf(who)})`,
      );
      expect(heatmap.total, who).toBe(opened);
      const messages = await get(who, '/api/v1/reports/inbound-messages?interval=month');
      const sum = (messages.rows as { count: number }[]).reduce((n, r) => n + r.count, 0);
      expect(sum, who).toBe(await inbound(who));
      const resolved = await get(who, '/api/v1/reports/resolved-conversations?pageSize=1');
      expect(resolved.total, who).toBe(
        await count(`SELECT * FROM support_conversations
          WHERE resolved_at IS NOT NULL AND conversation_id IN (${conversationsOf(who)})`),
      );
    }
    // By hand: the five crm conversations and their one message; the unmapped web conversation and the
    // two messages of no conversation.
    expect((await get('partner', '/api/v1/reports/opened-heatmap')).total).toBe(5);
    expect(await inbound('partner')).toBe(1);
    expect((await get('home', '/api/v1/reports/opened-heatmap')).total).toBe(1);
    expect(await inbound('home')).toBe(2);
    const all = await count('SELECT * FROM support_conversations');
    expect((await get('main', '/api/v1/reports/opened-heatmap')).total).toBe(all - CRM.length - WEB.length);
  });

  it('lists the conversations of the scope in the library too', async () => {
    const ctx = reportContext(config, { ...FULL_SCOPE, divisions: ['partners'] });
    const report = await resolvedConversations(store, ctx, reportFilterSchema.parse({}), { pageSize: 50 });
    expect(report.rows.map((r) => r.conversationId).sort()).toEqual(CRM.map((c) => c.conversation_id));
  });
});

describe('exports', () => {
  const finished = async (who: string, id: number) => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const view = await get(who, `/api/v1/exports/${id}`);
      if (view.status === 'succeeded' || view.status === 'failed') return view;
      if (Date.now() > deadline) throw new Error(`export ${id} did not finish`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  const submit = async (who: string, kind: string) => {
    const res = await request(who, '/api/v1/exports', 'POST', { kind, from: '2026-01-01', to: '2026-12-01' });
    expect(res.status, res.body).toBe(202);
    const id = res.json().id as number;
    expect((await finished(who, id)).status).toBe('succeeded');
    return id;
  };
  /** The downloaded file: header, rows. */
  const csv = async (who: string, id: number) => {
    const res = await request(who, `/api/v1/exports/${id}/download`);
    expect(res.status).toBe(200);
    const [header = [], ...rows] = parseCsv(res.body);
    return { header, rows };
  };

  it('writes only the requester’s conversations, and only they (or an export administrator) see the file', async () => {
    const id = await submit('partner', 'conversations');
    const { rows } = await csv('partner', id);
    expect(rows.map((r) => r[0]).sort()).toEqual(CRM.map((c) => c.conversation_id));
    // Another user: not listed, not found, not downloadable.
    const theirs = await get('expert', '/api/v1/exports');
    expect(theirs.items.map((e: { id: number }) => e.id)).not.toContain(id);
    expect((await request('expert', `/api/v1/exports/${id}`)).status).toBe(404);
    expect((await request('expert', `/api/v1/exports/${id}/download`)).status).toBe(404);
    // admin:export:view: every user's.
    const all = await get('admin', '/api/v1/exports');
    expect(all.items.find((e: { id: number }) => e.id === id)).toMatchObject({ requestedBy: 'partner' });
    expect((await csv('admin', id)).rows.length).toBe(CRM.length);
    const audited = await operational.db
      .selectFrom('audit_log')
      .select(['actor', 'action'])
      .where('target', '=', String(id))
      .orderBy('id')
      .execute();
    expect(audited).toEqual([
      { actor: 'partner', action: 'export.add' },
      { actor: 'partner', action: 'export.download' },
      { actor: 'admin', action: 'export.download' },
    ]);
  });

  it('writes the event log of the requester’s cases, wrap-up codes masked without the permission', async () => {
    const id = await submit('expertNoWrap', 'eventlog');
    const { header, rows } = await csv('expertNoWrap', id);
    const serviceRequest = header.indexOf('ServiceRequest');
    const wrapUp = header.indexOf('WrapUpCode');
    expect(rows.length).toBe(
      await count(`SELECT * FROM events WHERE ServiceRequest IN (${casesOf('expert')})
        AND EventTime >= TIMESTAMP '2026-01-01' AND EventTime < TIMESTAMP '2026-12-01'`),
    );
    const visible = new Set(await visibleCases('expert'));
    expect(rows.every((r) => visible.has(r[serviceRequest] ?? ''))).toBe(true);
    expect(rows.every((r) => r[wrapUp] === '')).toBe(true);
    // The same export with the permission has codes.
    const full = await submit('expert', 'eventlog');
    const codes = (await csv('expert', full)).rows.filter((r) => r[wrapUp] !== '');
    expect(codes.length).toBeGreaterThan(0);
  });
});

describe('masking', () => {
  /** The first case (by id) that has events with a queue name and a wrap-up code. */
  const caseWithCodes = async () =>
    (
      await column(`SELECT ServiceRequest AS v FROM events GROUP BY ServiceRequest
        HAVING count(WrapUpCode) > 0 AND count(QueueName) > 0 ORDER BY v LIMIT 1`)
    )[0] ?? '';

  it('hides wrap-up codes without routing:wrapupCode:view', async () => {
    const id = await caseWithCodes();
    const admin = await get('admin', `/api/v1/cases/${id}`);
    const masked = await get('noWrap', `/api/v1/cases/${id}`);
    expect(admin.events.some((e: { WrapUpCode: string | null }) => e.WrapUpCode !== null)).toBe(true);
    expect(
      masked.events.map((e: { WrapUpCode: string | null }) => e.WrapUpCode).every((c: unknown) => c === null),
    ).toBe(true);
    expect(masked.events.map((e: { QueueName: string | null }) => e.QueueName)).toEqual(
      admin.events.map((e: { QueueName: string | null }) => e.QueueName),
    );
    const page = await get('noWrap', '/api/v1/eventlog?pageSize=2000');
    expect(page.items.every((e: { WrapUpCode: unknown }) => e.WrapUpCode === null)).toBe(true);
    const full = await get('admin', '/api/v1/eventlog?pageSize=2000');
    expect(full.items.some((e: { WrapUpCode: unknown }) => e.WrapUpCode !== null)).toBe(true);
    // Activity names are not masked.
    expect(page.items.map((e: { ActivityName: string }) => e.ActivityName)).toEqual(
      full.items.map((e: { ActivityName: string }) => e.ActivityName),
    );
  });

  it('hides queue names without routing:queue:search, and refuses what would show them', async () => {
    const id = await caseWithCodes();
    const masked = await get('noQueue', `/api/v1/cases/${id}`);
    expect(masked.events.every((e: { QueueName: unknown }) => e.QueueName === null)).toBe(true);
    expect(masked.events.some((e: { WrapUpCode: unknown }) => e.WrapUpCode !== null)).toBe(true);
    const page = await get('noQueue', '/api/v1/eventlog?pageSize=2000');
    expect(page.items.every((e: { QueueName: unknown }) => e.QueueName === null)).toBe(true);
    expect((await get('admin', '/api/v1/facets')).queue.length).toBeGreaterThan(0);
    expect((await get('noQueue', '/api/v1/facets')).queue).toEqual([]);
    const breaches = (who: string) =>
      get(who, '/api/v1/bottlenecks').then((b) =>
        b.slaBreaches.filter((s: { by: string }) => s.by === 'queue'),
      );
    expect((await breaches('admin')).length).toBeGreaterThan(0);
    expect(await breaches('noQueue')).toEqual([]);
    const filtered = await request('noQueue', '/api/v1/process-map?queue=Escalade%20N2');
    expect(filtered.status).toBe(400);
    expect(filtered.json().message).toMatch(
      /queue: filtering by queue needs the permission routing:queue:search/,
    );
    const handovers = await request('noQueue', '/api/v1/handovers?kind=queue');
    expect(handovers.status).toBe(403);
    expect(handovers.json().message).toMatch(/routing:queue:search/);
    expect((await request('noQueue', '/api/v1/handovers?kind=agent')).status).toBe(200);
    expect((await get('admin', '/api/v1/handovers?kind=queue')).cells.length).toBeGreaterThan(0);
  });
});

describe('workflows', () => {
  it('lists the runs of the viewer’s conversations only, masked, and keeps workflow changes to every-division holders', async () => {
    const created = await request('admin', '/api/v1/workflows', 'POST', {
      name: 'to the CRM',
      enabled: false,
      steps: [{ type: 'http', url: 'http://127.0.0.1:9/hook', body: '{"id": "{{conversationId}}"}' }],
    });
    expect(created.status, created.body).toBe(201);
    const workflowId = created.json().id as number;
    const runs = [
      {
        workflowId,
        conversationId: 'p1',
        version: 'v1',
        variables: { conversationId: 'p1', queue: 'Partenaires', wrapUpCode: 'Résolu' },
      },
      {
        workflowId,
        conversationId: 'w2',
        version: 'v1',
        variables: { conversationId: 'w2', queue: null, wrapUpCode: null },
      },
    ];
    await operational.db.transaction().execute((trx) => insertRuns(trx, runs, new Date()));
    const WORKFLOWS = ['workflows:*', 'routing:wrapupCode:view', 'routing:queue:search'];
    USERS.wfPartner = user('wfPartner', ['partners'], WORKFLOWS);
    USERS.wfHome = user('wfHome', ['home'], WORKFLOWS);
    USERS.wfExpert = user('wfExpert', [EXPERTISE], WORKFLOWS);
    USERS.wfNoQueue = user('wfNoQueue', 'all', ['workflows:*', 'routing:wrapupCode:view']);
    const ids = async (who: string) =>
      (await get(who, `/api/v1/workflows/${workflowId}/runs`)).items
        .map((r: { conversationId: string }) => r.conversationId)
        .sort();
    expect(await ids('admin')).toEqual(['p1', 'w2']);
    expect(await ids('wfPartner')).toEqual(['p1']);
    expect(await ids('wfHome')).toEqual(['w2']);
    expect(await ids('wfExpert')).toEqual([]);
    const masked = (await get('wfNoQueue', `/api/v1/workflows/${workflowId}/runs`)).items.find(
      (r: { conversationId: string }) => r.conversationId === 'p1',
    );
    expect(masked.variables).toMatchObject({ queue: null, wrapUpCode: 'Résolu' });
    const edit = await request('wfPartner', `/api/v1/workflows/${workflowId}/test`, 'POST', {});
    expect(edit.status).toBe(403);
    expect(edit.json().message).toMatch(/needs every division/);
  });
});
