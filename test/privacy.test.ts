import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit, type Principal } from '../src/access/index.ts';
import { type CaseflowConfig, parseConfig } from '../src/config/index.ts';
import { type DemoFiles, demoConfig, demoConversations, generateDemo } from '../src/demo/index.ts';
import { customerKey, normalizeAddress } from '../src/eventlog/index.ts';
import {
  AUDIT_TARGET_SECRET,
  type ErasureReport,
  type ErasureRequest,
  eraseCustomer,
  isPseudonym,
  journeyKeysOf,
  lookupIdentifier,
  PrivacyError,
  Pseudonymizer,
  pseudonymize,
  pseudonymizeGenesysRecord,
  pseudonymizerFor,
  pseudonymOf,
  storedIdentity,
  storedPrivacyMode,
} from '../src/privacy/index.ts';
import { buildApp } from '../src/server/app.ts';
import { importMessages } from '../src/sources/conversations/index.ts';
import { importGenesys, syncGenesys } from '../src/sources/genesys/index.ts';
import {
  enqueue,
  type OperationalStore,
  openOperationalStore,
  openStore,
  type Store,
} from '../src/store/index.ts';
import { createWorkType, systemActor, WorkService, workTypeInputSchema } from '../src/work/index.ts';
import { FakeGenesys } from './fake-genesys.ts';
import { scenarioStore, tempDir } from './support.ts';

const KEY = 'test-key-0123456789-abcdefghijklmnopqrstuvwxyz';
const ENV = { CASEFLOW_PSEUDONYMIZE_KEY: KEY };
const BIN = path.resolve(import.meta.dirname, '../bin/caseflow.js');
const DEMO = { conversations: 300, days: 10, seed: 7, end: '2026-11-01' };

const configWith = (pseudonymize: boolean): CaseflowConfig =>
  parseConfig({ ...demoConfig(DEMO.seed), privacy: { pseudonymize } });

async function importDemo(store: Store, files: DemoFiles, config: CaseflowConfig, env: NodeJS.ProcessEnv) {
  await importGenesys(store, files.conversations, {
    config,
    users: files.users,
    queues: files.queues,
    wrapUpCodes: files.wrapUpCodes,
    surveys: files.surveys,
    now: new Date('2026-11-01T06:00:00Z'),
    env,
  });
  await importMessages(store, files.messages, { source: 'demo', privacy: config.privacy, env });
}

interface DemoCustomers {
  /** Phone numbers as digits (no +). */
  phones: Set<string>;
  emails: Set<string>;
}

/** The customers' phone numbers and e-mail addresses in the demo records (their customer-side addresses). */
function demoCustomers(files: DemoFiles): DemoCustomers {
  const out: DemoCustomers = { phones: new Set(), emails: new Set() };
  for (const file of files.conversations) {
    const text = readFileSync(file, 'utf8');
    const records = file.endsWith('.ndjson')
      ? text
          .split('\n')
          .filter((l) => l.trim())
          .map((l) => JSON.parse(l))
      : JSON.parse(text).conversations;
    for (const r of records) {
      for (const p of r.participants) {
        if (p.purpose !== 'customer' && p.purpose !== 'external') continue;
        for (const s of p.sessions) {
          const outbound = (s.direction ?? r.originatingDirection) === 'outbound';
          for (const a of outbound ? [s.dnis, s.addressTo] : [s.ani, s.addressFrom]) {
            if (typeof a !== 'string') continue;
            if (a.startsWith('tel:')) out.phones.add(a.replace(/\D/g, ''));
            else if (a.includes('@')) out.emails.add(a.toLowerCase());
          }
        }
      }
    }
  }
  return out;
}

/** Every VARCHAR cell of every table of the analytics store, as one text. */
async function storeText(store: Store): Promise<string> {
  const columns = await store.db.all<{ table_name: string; column_name: string }>(`
    SELECT c.table_name, c.column_name FROM duckdb_columns() c
    JOIN duckdb_tables() t USING (database_name, schema_name, table_name)
    WHERE c.data_type = 'VARCHAR' AND NOT t.temporary AND t.database_name = current_database()`);
  const parts: string[] = [];
  for (const { table_name, column_name } of columns) {
    const rows = await store.db.all<{ v: string }>(
      `SELECT "${column_name}" AS v FROM "${table_name}" WHERE "${column_name}" IS NOT NULL`,
    );
    for (const r of rows) parts.push(r.v);
  }
  return parts.join('\n');
}

/** The demo customers' phone numbers and e-mails found in a text. */
function clearIdentifiersIn(text: string, customers: DemoCustomers): { phones: string[]; emails: string[] } {
  const phones = new Set(
    [...text.matchAll(/\+?\d[\d\s().-]{6,}\d/g)]
      .map((m) => m[0].replace(/\D/g, ''))
      .filter((d) => customers.phones.has(d)),
  );
  const emails = new Set(
    [...text.matchAll(/[\w.%+-]+@[\w.-]+/g)]
      .map((m) => m[0].toLowerCase())
      .filter((e) => customers.emails.has(e)),
  );
  return { phones: [...phones], emails: [...emails] };
}

/** Cases as sets of conversations, order-free. */
async function partition(store: Store): Promise<string[]> {
  const cases = await store.readCases();
  return cases.map((c) => [...c.conversations].sort().join(',')).sort();
}

async function count(store: Store, sql: string, params?: Record<string, string>): Promise<number> {
  const row = await store.db.one<{ n: number }>(sql, params);
  return Number(row?.n ?? 0);
}

function caseflow(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

interface ParticipantShape {
  participantName?: string;
  externalContactId?: string;
  attributes?: Record<string, string>;
  sessions: { ani?: string; callbackNumbers?: string[]; callbackUserName?: string }[];
}

describe('pseudonyms', () => {
  it('are keyed hashes of the normalized identifier that read as their kind', () => {
    const phone = pseudonymize('phone', 'tel:+33 6 12 34 56 78', KEY);
    expect(phone).toMatch(/^pseud-phone-[a-z2-7]{16}$/);
    expect(pseudonymize('phone', '+33612345678', KEY)).toBe(phone);
    expect(pseudonymize('address', 'sip:+33612345678@edge.example.com', KEY)).toBe(phone);
    expect(pseudonymize('phone', '+33612345679', KEY)).not.toBe(phone);
    expect(pseudonymize('phone', '+33612345678', `${KEY}-other`)).not.toBe(phone);
    const email = pseudonymize('email', 'Anna.Martin@Example.FR', KEY);
    expect(email).toMatch(/^pseud-email-[a-z2-7]{16}$/);
    expect(pseudonymize('email', 'mailto:anna.martin@example.fr', KEY)).toBe(email);
    expect(pseudonymize('messaging', '5eebbd70-840a-4f60-9631-6ad821e18f9c', KEY)).toMatch(
      /^pseud-messaging-/,
    );
    // The same string as an external contact id is another identifier.
    expect(pseudonymize('contact', '5eebbd70-840a-4f60-9631-6ad821e18f9c', KEY)).toMatch(/^pseud-contact-/);
    expect(pseudonymize('contact', '5eebbd70-840a-4f60-9631-6ad821e18f9c', KEY)).not.toBe(
      pseudonymize('messaging', '5eebbd70-840a-4f60-9631-6ad821e18f9c', KEY),
    );
    // A pseudonym survives normalization and pseudonymization unchanged, and groups as itself.
    expect(normalizeAddress(phone)).toBe(phone);
    expect(pseudonymize('address', phone, KEY)).toBe(phone);
    expect(isPseudonym(phone)).toBe(true);
    expect(customerKey(null, phone)).toBe(`address:${phone}`);
    // Two spellings of one number group as one customer.
    expect(customerKey(null, pseudonymize('phone', 'tel:+33 (6) 12-34-56-78', KEY))).toBe(
      customerKey(null, pseudonymize('address', 'sip:+33612345678@edge', KEY)),
    );
  });

  it('need a key of at least 32 characters when pseudonymization is on', () => {
    const on = parseConfig({ privacy: { pseudonymize: true } });
    expect(() => pseudonymizerFor(on, {})).toThrow(/CASEFLOW_PSEUDONYMIZE_KEY is not set/);
    expect(() => pseudonymizerFor(on, { CASEFLOW_PSEUDONYMIZE_KEY: 'x'.repeat(31) })).toThrow(/at least 32/);
    expect(() => pseudonymizerFor(on, {})).toThrow(PrivacyError);
    expect(pseudonymizerFor(on, ENV)).toBeInstanceOf(Pseudonymizer);
    expect(pseudonymizerFor(parseConfig({}), {})).toBeNull();
  });

  it("rewrite the customer's identifiers everywhere in a Genesys record, not the organization's", () => {
    const record = {
      conversationId: 'c1',
      conversationStart: '2026-10-01T08:00:00.000Z',
      originatingDirection: 'inbound',
      participants: [
        {
          purpose: 'customer',
          participantName: 'Hugo Richard',
          externalContactId: 'ext-42',
          attributes: { callerNumber: '+33612345678' },
          sessions: [
            {
              mediaType: 'callback',
              direction: 'inbound',
              ani: 'tel:+33 6 12 34 56 78',
              dnis: 'tel:+33180206000',
              callbackNumbers: ['tel:+33612345678'],
              callbackUserName: 'Hugo Richard',
              segments: [],
            },
          ],
        },
        {
          purpose: 'agent',
          participantName: 'Léa Masson',
          userId: 'u1',
          sessions: [
            { mediaType: 'callback', ani: 'sip:+33612345678@edge', dnis: 'tel:+33180206000', segments: [] },
          ],
        },
      ],
    };
    const p = new Pseudonymizer(KEY);
    const out = pseudonymizeGenesysRecord(record, p);
    const text = JSON.stringify(out);
    expect(text).not.toMatch(/612345678|Hugo|ext-42/);
    expect(text).toContain('tel:+33180206000');
    expect(text).toContain('Léa Masson');
    const phone = p.address('+33612345678');
    const participants = (out as { participants: ParticipantShape[] }).participants;
    const customer = participants[0];
    expect(customer?.sessions[0]?.ani).toBe(phone);
    expect(customer?.sessions[0]?.callbackNumbers).toEqual([phone]);
    expect(customer?.sessions[0]?.callbackUserName).toBe(p.name('Hugo Richard'));
    expect(customer?.attributes).toEqual({ callerNumber: phone });
    expect(customer?.externalContactId).toBe(p.contact('ext-42'));
    expect(customer?.participantName).toBe(p.name('hugo  richard'));
    expect(participants[1]?.sessions[0]?.ani).toBe(phone);
    // The input is not changed.
    expect(record.participants[0]?.sessions[0]?.ani).toBe('tel:+33 6 12 34 56 78');
  });
});

describe('privacy on the demo data', () => {
  const demoDir = tempDir('caseflow-privacy-demo-');
  const clearDir = tempDir('caseflow-privacy-clear-');
  const pseudDir = tempDir('caseflow-privacy-pseud-');
  const clearConfig = configWith(false);
  const pseudConfig = configWith(true);
  let files: DemoFiles;
  let customers: DemoCustomers;
  let clear: Store;
  let pseud: Store;
  let operational: OperationalStore;
  let app: FastifyInstance;

  const dpo: Principal = {
    kind: 'session',
    userId: 'u-dpo',
    username: 'dpo',
    displayName: 'Data protection officer',
    roles: ['privacy'],
    permissions: ['admin:privacy:erase'],
    divisions: 'all',
  };
  const analyst: Principal = { ...dpo, userId: 'u-an', username: 'analyst', permissions: ['analytics:*'] };
  let actingAs: Principal = dpo;

  beforeAll(async () => {
    files = await generateDemo(demoDir, DEMO);
    customers = demoCustomers(files);
    clear = await openStore(clearDir);
    pseud = await openStore(pseudDir);
    await importDemo(clear, files, clearConfig, {});
    await importDemo(pseud, files, pseudConfig, ENV);
    operational = await openOperationalStore({ dataDir: pseudDir });
    app = await buildApp({
      store: pseud,
      config: { ...pseudConfig, access: { ...pseudConfig.access, enabled: true } },
      operational,
      webRoot: null,
      env: ENV,
      authenticator: { authenticate: async () => actingAs },
    });
    await app.ready();
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    await operational?.close();
    pseud?.close();
    clear?.close();
  });

  it('stores no clear phone number or e-mail of the demo anywhere in the analytics store', async () => {
    expect(customers.phones.size).toBeGreaterThan(20);
    expect(customers.emails.size).toBeGreaterThan(20);
    // The scan finds them in the clear import…
    const inClear = clearIdentifiersIn(await storeText(clear), customers);
    expect(inClear.phones.length).toBeGreaterThan(20);
    expect(inClear.emails.length).toBeGreaterThan(20);
    // …and none in the pseudonymized one.
    expect(clearIdentifiersIn(await storeText(pseud), customers)).toEqual({ phones: [], emails: [] });
    expect(
      await count(pseud, `SELECT count(*) AS n FROM raw_conversations WHERE record LIKE '%pseud-phone-%'`),
    ).toBeGreaterThan(0);
    expect(await storedPrivacyMode(pseud)).toEqual({
      pseudonymize: true,
      keyId: new Pseudonymizer(KEY).keyId,
    });
    expect(await storedPrivacyMode(clear)).toEqual({ pseudonymize: false, keyId: null });
  });

  it('groups the conversations into the same cases as the clear import', async () => {
    const [a, b] = [await partition(clear), await partition(pseud)];
    expect(b.length).toBe(a.length);
    expect(b).toEqual(a);
    const customersOf = (s: Store) => count(s, 'SELECT count(DISTINCT customer_key) AS n FROM conversations');
    expect(await customersOf(pseud)).toBe(await customersOf(clear));
    // Imported messages still meet their conversations' customers.
    const linked = (s: Store) =>
      count(
        s,
        'SELECT count(*) AS n FROM support_messages WHERE contact_id IN (SELECT customer_key FROM conversations)',
      );
    expect(await linked(pseud)).toBe(await linked(clear));
    expect(await linked(pseud)).toBeGreaterThan(0);
  });

  it('finds the pseudonym of a clear identifier typed by a user', async () => {
    const row = await clear.db.one<{ key: string; n: number }>(`
      SELECT customer_key AS key, count(*)::INTEGER AS n FROM conversations WHERE customer_key LIKE 'address:+%'
      GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1`);
    const phone = (row?.key ?? '').slice('address:'.length);
    expect(phone).toMatch(/^\+\d{10,}$/);
    const typed = `tel:${phone.slice(0, 3)} ${phone.slice(3, 4)} ${phone
      .slice(4)
      .replace(/(\d\d)/g, '$1 ')
      .trim()}`;
    const pseudonym = pseudonymOf(typed, pseudConfig, ENV);
    expect(pseudonym).toMatch(/^pseud-phone-/);
    const found = await count(pseud, 'SELECT count(*) AS n FROM conversations WHERE customer_key = $key', {
      key: `address:${pseudonym}`,
    });
    expect(found).toBe(row?.n);
    const { customerKeys } = lookupIdentifier(typed, pseudConfig, ENV);
    expect(customerKeys).toContain(`address:${pseudonym}`);
    expect(pseudonymOf(`phone:${phone}`, pseudConfig, ENV)).toBe(`phone:${pseudonym}`);
    expect(pseudonymOf(typed, clearConfig, ENV)).toBe(typed);
  });

  it('refuses an import in another mode or with another key, before writing anything', async () => {
    const before = await pseud.counts();
    const messagesBefore = await count(pseud, 'SELECT count(*) AS n FROM support_messages');
    await expect(importDemo(pseud, files, clearConfig, {})).rejects.toThrow(
      /holds pseudonymized customer data/,
    );
    await expect(
      importDemo(pseud, files, pseudConfig, { CASEFLOW_PSEUDONYMIZE_KEY: `${KEY}-2` }),
    ).rejects.toThrow(/not the key/);
    await expect(importMessages(pseud, files.messages, { source: 'demo' })).rejects.toThrow(PrivacyError);
    await expect(importDemo(clear, files, pseudConfig, ENV)).rejects.toThrow(
      /imported with clear identifiers/,
    );
    expect(await pseud.counts()).toEqual(before);
    expect(await count(pseud, 'SELECT count(*) AS n FROM support_messages')).toBe(messagesBefore);
    // Without the key, nothing at all is imported (not even the directories).
    const empty = await openStore(tempDir());
    try {
      await expect(importDemo(empty, files, pseudConfig, {})).rejects.toThrow(/CASEFLOW_PSEUDONYMIZE_KEY/);
      expect(await count(empty, 'SELECT count(*) AS n FROM directory')).toBe(0);
      expect(await empty.getMeta('privacy_mode')).toBeUndefined();
    } finally {
      empty.close();
    }
  });

  it('erases one customer everywhere through DELETE /api/v1/customers/:id, audited, idempotent', async () => {
    // A customer with conversations and imported messages, erased by a clear e-mail typed by a user.
    const chosen = await clear.db.one<{ key: string }>(`
      SELECT c.customer_key AS key FROM conversations c JOIN support_messages m ON m.contact_id = c.customer_key
      WHERE c.customer_key LIKE 'address:%@%'
      GROUP BY 1 ORDER BY count(DISTINCT c.conversation_id) DESC, count(*) DESC, 1 LIMIT 1`);
    const email = (chosen?.key ?? '').slice('address:'.length);
    expect(email).toContain('@');
    const typed = email.toUpperCase();
    const pseudonym = pseudonymOf(email, pseudConfig, ENV);
    const key = `address:${pseudonym}`;
    const conversationIds = (
      await pseud.db.all<{ id: string }>(
        `SELECT conversation_id AS id FROM conversations WHERE customer_key = $key
         UNION SELECT conversation_id FROM customer_identifiers WHERE key = 'email:' || $pseudonym`,
        { key, pseudonym },
      )
    ).map((r) => r.id);
    expect(conversationIds.length).toBeGreaterThan(0);
    const messages = await count(
      pseud,
      'SELECT count(*) AS n FROM support_messages WHERE contact_id = $key',
      { key },
    );
    expect(messages).toBeGreaterThan(0);
    const first = await pseud.db.one<{ t: string }>(
      `SELECT strftime(min(start_time), '%Y-%m-%dT%H:%M:%S.%gZ') AS t FROM conversations WHERE customer_key = $key`,
      { key },
    );

    // Operational data of the customer, and of another one.
    const db = operational.db;
    const workflow = await db
      .insertInto('workflows')
      .values({ name: 'warehouse', steps: JSON.stringify([{ type: 'http', url: 'http://127.0.0.1:9/x' }]) })
      .returning('id')
      .executeTakeFirstOrThrow();
    const runFor = async (conversationId: string, contactId: string) => {
      const message = await enqueue(db, {
        topic: 'workflow.run',
        key: `${workflow.id}:${conversationId}:v1`,
        payload: {},
      });
      const run = await db
        .insertInto('workflow_runs')
        .values({
          workflow_id: workflow.id,
          conversation_id: conversationId,
          version: 'v1',
          variables: JSON.stringify({ conversationId, contactId }),
          outbox_id: message.id,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('workflow_deliveries')
        .values({
          run_id: run.id,
          step_index: 0,
          attempt: 1,
          started_at: new Date().toISOString(),
          duration_ms: 5,
          status: 'error',
          response_code: 500,
          error: 'x',
        })
        .execute();
      await db
        .insertInto('workflow_conversation_versions')
        .values({ conversation_id: conversationId, version: 'v1', probe: 'p' })
        .execute();
    };
    const other = await pseud.db.one<{ id: string; key: string }>(
      'SELECT conversation_id AS id, customer_key AS key FROM conversations WHERE customer_key <> $key ORDER BY 1 LIMIT 1',
      { key },
    );
    await runFor(conversationIds[0] ?? '', key);
    await runFor(other?.id ?? '', other?.key ?? '');
    const journeyKey = journeyKeysOf(storedIdentity(email, new Pseudonymizer(KEY)))[1] ?? '';
    expect(journeyKey).toBe(`email:${pseudonym}`);
    for (const [id, keys] of [
      ['web-1', [journeyKey]],
      ['web-2', ['email:pseud-email-aaaaaaaaaaaaaaaa']],
    ] as const) {
      await db
        .insertInto('journey_events')
        .values({
          id,
          type: 'web.visit',
          occurred_at: first?.t ?? '',
          customer_keys: JSON.stringify(keys),
          division_id: 'home',
        })
        .execute();
      await db
        .insertInto('journey_event_keys')
        .values(keys.map((k) => ({ key: k, event_id: id })))
        .execute();
    }
    // Two exports already produced: one whose range holds the customer's first conversation, one before the data.
    mkdirSync(path.join(pseudDir, 'exports'), { recursive: true });
    const exportIds: number[] = [];
    for (const [from, to] of [
      [first?.t ?? '', new Date(Date.parse(first?.t ?? '') + 3_600_000).toISOString()],
      ['2020-01-01T00:00:00.000Z', '2020-02-01T00:00:00.000Z'],
    ]) {
      const row = await db
        .insertInto('exports')
        .values({
          kind: 'conversations',
          range_from: from ?? '',
          range_to: to ?? '',
          status: 'succeeded',
          file_name: 'pending.csv',
          finished_at: new Date().toISOString(),
          expires_at: '2099-01-01T00:00:00.000Z',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .updateTable('exports')
        .set({ file_name: `${row.id}.csv` })
        .where('id', '=', row.id)
        .execute();
      writeFileSync(path.join(pseudDir, 'exports', `${row.id}.csv`), 'conversation id\n');
      exportIds.push(row.id);
    }

    // A quarantine file with a rejected record of the customer's conversation and one of another.
    const quarantineFile = path.join(pseudDir, 'quarantine', '2026-11-01T06-00-00-000Z-genesys.ndjson');
    mkdirSync(path.dirname(quarantineFile), { recursive: true });
    const otherLine = JSON.stringify({ reason: 'schema', conversationId: other?.id });
    writeFileSync(
      quarantineFile,
      `${JSON.stringify({ reason: 'schema', conversationId: conversationIds[0] })}\n${otherLine}\n`,
    );

    const before = {
      raw: await count(pseud, 'SELECT count(*) AS n FROM raw_conversations'),
      messages: await count(pseud, 'SELECT count(*) AS n FROM support_messages'),
      partition: await partition(pseud),
    };

    // Without the permission: refused, nothing erased.
    actingAs = analyst;
    const refused = await app.inject({
      method: 'DELETE',
      url: `/api/v1/customers/${encodeURIComponent(typed)}`,
    });
    expect(refused.statusCode).toBe(403);
    expect(await count(pseud, 'SELECT count(*) AS n FROM raw_conversations')).toBe(before.raw);

    actingAs = dpo;
    const response = await app.inject({
      method: 'DELETE',
      url: `/api/v1/customers/${encodeURIComponent(typed)}`,
    });
    expect(response.statusCode).toBe(200);
    const report = response.json<ErasureReport>();
    expect(report.target).toBe(pseudonym);
    expect(report.conversations).toBe(conversationIds.length);
    expect(report.analytics.raw_conversations).toBe(conversationIds.length);
    expect(report.analytics.support_messages).toBe(messages);
    expect(report.operational).toMatchObject({
      journey_events: 1,
      workflow_runs: 1,
      workflow_deliveries: 1,
      outbox: 1,
      workflow_conversation_versions: 1,
    });
    expect(report.exports).toEqual({ files: 1, ids: [exportIds[0]] });
    expect(report.quarantine).toEqual({ records: 1, files: 1 });
    expect(readFileSync(quarantineFile, 'utf8')).toBe(`${otherLine}\n`);

    // Nothing of the customer is left in any table: neither its identifiers nor its conversations.
    const text = await storeText(pseud);
    expect(text).not.toContain(pseudonym);
    for (const id of conversationIds) expect(text).not.toContain(id);
    // Other customers are untouched.
    expect(await count(pseud, 'SELECT count(*) AS n FROM raw_conversations')).toBe(
      before.raw - conversationIds.length,
    );
    expect(await count(pseud, 'SELECT count(*) AS n FROM support_messages')).toBe(before.messages - messages);
    const erased = new Set(conversationIds);
    const othersBefore = before.partition.filter((c) => !c.split(',').some((id) => erased.has(id)));
    expect(await partition(pseud)).toEqual(othersBefore);
    expect(await db.selectFrom('workflow_runs').select('conversation_id').execute()).toEqual([
      { conversation_id: other?.id },
    ]);
    expect(await db.selectFrom('journey_events').select('id').execute()).toEqual([{ id: 'web-2' }]);
    expect(existsSync(path.join(pseudDir, 'exports', `${exportIds[0]}.csv`))).toBe(false);
    expect(existsSync(path.join(pseudDir, 'exports', `${exportIds[1]}.csv`))).toBe(true);
    const statuses = await db.selectFrom('exports').select(['id', 'status']).orderBy('id').execute();
    expect(statuses).toEqual([
      { id: exportIds[0], status: 'expired' },
      { id: exportIds[1], status: 'succeeded' },
    ]);

    // Audited, without the clear identifier.
    const audit = await listAudit(db, { page: 1, pageSize: 10, action: 'privacy.erase' });
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]).toMatchObject({ actor: 'dpo', action: 'privacy.erase', target: pseudonym });
    expect(audit.items[0]?.details).toMatchObject({
      total: report.total,
      conversations: conversationIds.length,
    });
    expect(JSON.stringify(audit.items[0]).toLowerCase()).not.toContain(email);

    // Again: nothing left to erase.
    const again = await app.inject({
      method: 'DELETE',
      url: `/api/v1/customers/${encodeURIComponent(`email:${email}`)}`,
    });
    expect(again.statusCode).toBe(200);
    const second = again.json<ErasureReport>();
    expect(second.total).toBe(0);
    expect(second.conversations).toBe(0);
    expect(Object.values(second.analytics).every((n) => n === 0)).toBe(true);
    expect(Object.values(second.operational).every((n) => n === 0)).toBe(true);
    expect(second.exports.files).toBe(0);
    expect(second.quarantine.records).toBe(0);
    expect((await listAudit(db, { page: 1, pageSize: 10, action: 'privacy.erase' })).total).toBe(2);
  }, 60_000);

  it('erases with `caseflow customers erase` (clear data: the audit names a keyed hash)', async () => {
    const row = await clear.db.one<{ key: string; n: number }>(`
      SELECT customer_key AS key, count(*)::INTEGER AS n FROM conversations WHERE customer_key LIKE 'address:+%'
      GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1`);
    const phone = (row?.key ?? '').slice('address:'.length);
    const rawBefore = await count(clear, 'SELECT count(*) AS n FROM raw_conversations');
    clear.close();
    writeFileSync(path.join(clearDir, 'caseflow.config.json'), JSON.stringify(demoConfig(DEMO.seed)));
    const { CASEFLOW_PSEUDONYMIZE_KEY: _, ...env } = process.env;
    const args = ['--data-dir', clearDir, 'customers', 'erase', phone];
    const unconfirmed = await caseflow(args, env);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toMatch(/--yes/);
    const run = await caseflow([...args, '--yes', '--json'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as ErasureReport;
    expect(report.conversations).toBe(row?.n);
    expect(report.target).toMatch(/^hmac:[0-9a-f]{32}$/);
    const text = await caseflow([...args, '--yes'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/nothing erased/);

    clear = await openStore(clearDir);
    expect(await count(clear, 'SELECT count(*) AS n FROM raw_conversations')).toBe(rawBefore - (row?.n ?? 0));
    expect(
      clearIdentifiersIn(await storeText(clear), { phones: new Set([phone.slice(1)]), emails: new Set() }),
    ).toEqual({
      phones: [],
      emails: [],
    });
    const op = await openOperationalStore({ dataDir: clearDir });
    try {
      const audit = await listAudit(op.db, { page: 1, pageSize: 10, action: 'privacy.erase' });
      expect(audit.items.map((i) => i.target)).toEqual([report.target, report.target]);
      expect(audit.items[0]?.actor).toMatch(/^cli:/);
      expect(JSON.stringify(audit.items)).not.toContain(phone.slice(1));
    } finally {
      await op.close();
    }
  }, 60_000);
});

describe('privacy on a Genesys API sync', () => {
  it('pseudonymizes the synced records and messages; message directions and cases are those of a clear sync', async () => {
    const records = [...demoConversations({ conversations: 150, days: 10, seed: 11, end: '2026-11-01' })];
    const credentials = { clientId: 'privacy-client-0001', clientSecret: 'privacy-Secret-0001' };
    const fake = await FakeGenesys.start({ ...credentials, conversations: records, jobPendingPolls: 1 });
    const stores: Store[] = [];
    try {
      const sync = async (pseudonymize: boolean) => {
        const store = await openStore(tempDir());
        stores.push(store);
        const config = parseConfig({
          privacy: { pseudonymize },
          sources: {
            genesys: {
              region: 'mypurecloud.ie',
              baseUrl: fake.url,
              jobPollSeconds: 0.05,
              retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 20 },
            },
          },
        });
        await syncGenesys(store, config, {
          from: new Date('2026-10-20T00:00:00Z'),
          to: new Date('2026-11-01T00:00:00Z'),
          env: {
            CASEFLOW_GENESYS_CLIENT_ID: credentials.clientId,
            CASEFLOW_GENESYS_CLIENT_SECRET: credentials.clientSecret,
            ...(pseudonymize ? ENV : {}),
          },
        });
        return store;
      };
      const clearStore = await sync(false);
      const pseudStore = await sync(true);
      const messages = (store: Store) =>
        store.db.all<{ id: string; direction: string; sender: string; linked: boolean }>(`
          SELECT message_id AS id, direction, sender_type AS sender,
            contact_id IN (SELECT customer_key FROM conversations) AS linked
          FROM support_messages ORDER BY message_id`);
      const clearMessages = await messages(clearStore);
      expect(clearMessages.filter((m) => m.direction === 'inbound').length).toBeGreaterThan(10);
      expect(await messages(pseudStore)).toEqual(clearMessages);
      expect(await partition(pseudStore)).toEqual(await partition(clearStore));

      const phones = new Set<string>();
      const emails = new Set<string>();
      for (const r of records)
        for (const p of r.participants)
          for (const s of p.purpose === 'customer' || p.purpose === 'external' ? p.sessions : []) {
            for (const a of [s.ani, s.dnis, s.addressFrom]) {
              if (typeof a === 'string' && a.startsWith('tel:') && a !== 'tel:+33180206000')
                phones.add(a.replace(/\D/g, ''));
              if (typeof a === 'string' && a.includes('@') && !a.endsWith('caseflow-demo.fr'))
                emails.add(a.toLowerCase());
            }
          }
      const customers = { phones, emails };
      expect(clearIdentifiersIn(await storeText(clearStore), customers).emails.length).toBeGreaterThan(5);
      expect(clearIdentifiersIn(await storeText(pseudStore), customers)).toEqual({ phones: [], emails: [] });
    } finally {
      for (const store of stores) store.close();
      await fake.close();
    }
  }, 120_000);
});

describe('erasure: identifiers in any format, a retry after a failure, a keyed audit target', () => {
  const config = parseConfig({});
  let store: Store;
  let operational: OperationalStore;
  let app: FastifyInstance;

  beforeAll(async () => {
    store = await scenarioStore();
    operational = await openOperationalStore({ dataDir: store.dataDir });
    app = await buildApp({ store, config, operational, webRoot: null, env: {} });
    await app.ready();
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await operational?.close();
    store?.close();
  });

  const erase = (identifiers: string[], more: Partial<ErasureRequest> = {}) =>
    eraseCustomer({
      store,
      operational: operational.db,
      config,
      env: {},
      identifiers,
      actor: 'dpo',
      ...more,
    });

  const audited = async () =>
    (await listAudit(operational.db, { page: 1, pageSize: 100, action: 'privacy.erase' })).items;

  const conversationsOf = async (key: string, identifierKey: string) =>
    (
      await store.db.all<{ id: string }>(
        `SELECT conversation_id AS id FROM conversations WHERE customer_key = $key
         UNION SELECT conversation_id FROM customer_identifiers WHERE key = $identifierKey ORDER BY 1`,
        { key, identifierKey },
      )
    ).map((r) => r.id);

  it('erases the rejected journey events whose customer fields hold its identifiers in another format', async () => {
    const event = (id: string, customer: Record<string, string>) => ({
      id,
      type: 'web.visit',
      occurredAt: 'yesterday',
      customer,
    });
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/journey/events',
      payload: {
        events: [
          event('r-phone', { phone: 'tel:+33 6 00 11 22 33' }),
          event('r-email', { email: 'Alice.Martin@Example.com' }),
          // A longer number holding the customer's, and another customer: kept.
          event('r-longer', { phone: '+336001122334' }),
          event('r-other', { email: 'bob@example.com', externalContactId: 'CRM-7' }),
        ],
      },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json<{ rejected: unknown[] }>().rejected.length).toBeGreaterThanOrEqual(4);

    // Rejected before customer_keys existed (migration 0010): its keys are read from its payload.
    await operational.db
      .insertInto('journey_events_rejected')
      .values({
        batch_index: 0,
        event_id: 'r-legacy',
        problems: '[]',
        payload: JSON.stringify({ id: 'r-legacy', customer: { phone: '+33 (6) 00-11-22-33' } }),
      })
      .execute();

    const report = await erase(['phone:+33600112233', 'alice.martin@example.com']);
    expect(report.operational.journey_events_rejected).toBe(3);
    const left = await operational.db
      .selectFrom('journey_events_rejected')
      .select('event_id')
      .orderBy('event_id')
      .execute();
    expect(left).toEqual([{ event_id: 'r-longer' }, { event_id: 'r-other' }]);
  });

  it('removes the quarantined records of the customer by their normalized identifiers, and only those', async () => {
    const file = path.join(store.dataDir, 'quarantine', '2026-11-02T06-00-00-000Z-genesys.ndjson');
    mkdirSync(path.dirname(file), { recursive: true });
    const customer = (conversationId: string, ani: string) => ({
      conversationId,
      participants: [{ purpose: 'customer', sessions: [{ mediaType: 'voice', ani }] }],
    });
    const erased = [
      // A Genesys record: the customer participant's address, written otherwise.
      {
        file: 'a.json',
        index: 0,
        conversationId: 'q-1',
        reason: 'schema: x',
        record: customer('q-1', 'tel:+33 6 00 11 22 33'),
      },
      // A copy of the address in an attribute of the record.
      {
        file: 'a.json',
        index: 1,
        reason: 'schema: y',
        record: { conversationId: 'q-2', attributes: { callerNumber: '+33 6-00-11-22-33' } },
      },
      // An imported support row.
      {
        file: 'm.csv',
        line: 3,
        messageId: 'm-1',
        reason: 'sent_at: not a time',
        record: { message_id: 'm-1', contact_id: 'Alice.Martin@Example.com', sent_at: 'yesterday' },
      },
      // The text of a line that was not JSON.
      { file: 'b.ndjson', line: 4, reason: 'not JSON', record: '{"ani": "tel:+33 (6) 00-11-22-33", ' },
    ].map((r) => JSON.stringify(r));
    const kept = [
      // The customer's number inside a longer one, its e-mail inside a longer address.
      JSON.stringify({
        file: 'a.json',
        index: 2,
        reason: 'schema: z',
        record: customer('q-3', 'tel:+336001122334'),
      }),
      JSON.stringify({
        file: 'b.ndjson',
        line: 5,
        reason: 'not JSON',
        record: 'from xalice.martin@example.com.au',
      }),
      JSON.stringify({
        file: 'm.csv',
        line: 4,
        reason: 'sent_at: not a time',
        record: { contact_id: 'bob@example.com', content: 'ticket 33600112233' },
      }),
      '2026-10-01;+336001122334;late',
    ];
    const notJson = '2026-10-01;+33 6 00 11 22 33;late';
    writeFileSync(
      file,
      `${[erased[0], kept[0], erased[1], kept[1], erased[2], notJson, kept[2], erased[3], kept[3]].join('\n')}\n`,
    );

    const report = await erase(['phone:+33600112233', 'alice.martin@example.com']);
    expect(report.quarantine).toEqual({ records: 5, files: 1 });
    expect(readFileSync(file, 'utf8')).toBe(`${kept.join('\n')}\n`);
  });

  it('completes an erasure that failed midway when it is run again, and audits it', async () => {
    // The first run fails once the operational data is deleted (before the exports), for another customer
    // once the analytics rows are deleted (before the regroup).
    const runs = [
      {
        failAt: 'exports',
        identifier: '+33 6 12 34 56 78',
        key: 'address:+33612345678',
        identifierKey: 'phone:+33612345678',
      },
      {
        failAt: 'regroup',
        identifier: 'Marc.Durand@example.com',
        key: 'address:marc.durand@example.com',
        identifierKey: 'email:marc.durand@example.com',
      },
    ] as const;
    for (const { failAt, identifier, key, identifierKey } of runs) {
      const ids = await conversationsOf(key, identifierKey);
      expect(ids.length).toBeGreaterThan(0);
      const first = await store.db.one<{ t: string }>(
        `SELECT strftime(min(start_time), '%Y-%m-%dT%H:%M:%S.%gZ') AS t FROM conversations WHERE customer_key = $key`,
        { key },
      );
      const row = await operational.db
        .insertInto('exports')
        .values({
          kind: 'conversations',
          range_from: first?.t ?? '',
          range_to: new Date(Date.parse(first?.t ?? '') + 60_000).toISOString(),
          status: 'succeeded',
          file_name: `retry-${failAt}.csv`,
          finished_at: new Date().toISOString(),
          expires_at: '2099-01-01T00:00:00.000Z',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const exportFile = path.join(store.dataDir, 'exports', `retry-${failAt}.csv`);
      mkdirSync(path.dirname(exportFile), { recursive: true });
      writeFileSync(exportFile, 'conversation id\n');
      const quarantineFile = path.join(store.dataDir, 'quarantine', `retry-${failAt}.ndjson`);
      mkdirSync(path.dirname(quarantineFile), { recursive: true });
      writeFileSync(quarantineFile, `${JSON.stringify({ reason: 'schema', conversationId: ids[0] })}\n`);
      // A rejected journey event about one of its conversations, naming the customer otherwise.
      await operational.db
        .insertInto('journey_events_rejected')
        .values({
          batch_index: 0,
          event_id: `r-${failAt}`,
          problems: '[]',
          payload: JSON.stringify({ conversationId: ids[0], customer: { messagingAddress: 'visitor-1' } }),
          customer_keys: JSON.stringify(['messaging:visitor-1']),
        })
        .execute();
      const auditsBefore = (await audited()).length;
      const rawBefore = await count(store, 'SELECT count(*) AS n FROM raw_conversations');

      const steps: string[] = [];
      await expect(
        erase([identifier], {
          beforeStep: (step) => {
            steps.push(step);
            if (step === failAt) throw new Error(`disk full before ${step}`);
          },
        }),
      ).rejects.toThrow(
        `the erasure stopped at its ${failAt} step (disk full before ${failAt}): some of the customer's data may still be stored and the erasure is not audited yet; erase the customer again to complete it`,
      );
      expect(steps.at(-1)).toBe(failAt);
      expect(await audited()).toHaveLength(auditsBefore);
      if (failAt === 'exports') {
        // The conversations, by which everything else is found, are still there.
        expect(await conversationsOf(key, identifierKey)).toEqual(ids);
        expect(existsSync(exportFile)).toBe(true);
      }

      const report = await erase([identifier]);
      expect(existsSync(exportFile)).toBe(false);
      expect(readFileSync(quarantineFile, 'utf8')).toBe('');
      expect(
        await operational.db
          .selectFrom('journey_events_rejected')
          .select('id')
          .where('event_id', '=', `r-${failAt}`)
          .execute(),
      ).toEqual([]);
      expect(
        (
          await operational.db
            .selectFrom('exports')
            .select('status')
            .where('id', '=', row.id)
            .executeTakeFirstOrThrow()
        ).status,
      ).toBe('expired');
      expect(await count(store, 'SELECT count(*) AS n FROM raw_conversations')).toBe(rawBefore - ids.length);
      expect(await conversationsOf(key, identifierKey)).toEqual([]);
      // Regrouped: no case holds the erased conversations.
      const cases = (await partition(store)).join(',');
      for (const id of ids) expect(cases).not.toContain(id);
      expect(await store.regroupPending()).toBe(false);
      if (failAt === 'exports') expect(report.conversations).toBe(ids.length);
      const audits = await audited();
      expect(audits).toHaveLength(auditsBefore + 1);
      expect(audits[0]?.target).toBe(report.target);
    }
  }, 60_000);

  it('names the customer in the audit log by a keyed hash under a secret of the installation', async () => {
    const first = await erase(['+33 7 00 00 00 01']);
    const second = await erase(['phone:+33700000001', 'tel:+33700000001']);
    expect(first.target).toMatch(/^hmac:[0-9a-f]{32}$/);
    expect(second.target).toBe(first.target);
    expect(first.target).not.toContain(
      createHash('sha256').update('+33700000001').digest('hex').slice(0, 32),
    );
    const other = await erase(['+33 7 00 00 00 02']);
    expect(other.target).not.toBe(first.target);
    const secret = await operational.db
      .selectFrom('installation_secrets')
      .select('value')
      .where('name', '=', AUDIT_TARGET_SECRET)
      .executeTakeFirstOrThrow();
    expect(secret.value.length).toBeGreaterThanOrEqual(32);
    // Another installation names the same customer otherwise.
    const elsewhere = await openOperationalStore({ dataDir: tempDir() });
    try {
      const report = await erase(['+33 7 00 00 00 01'], { operational: elsewhere.db });
      expect(report.target).toMatch(/^hmac:/);
      expect(report.target).not.toBe(first.target);
    } finally {
      await elsewhere.close();
    }
  });

  it("deletes the customer's work items (with their events, callbacks and delivery log), and only those", async () => {
    const work = new WorkService({ db: operational.db, defaultDivision: 'home' });
    const admin = systemActor('test');
    await createWorkType(
      work.ctx,
      admin,
      workTypeInputSchema.parse({
        id: 'erasure-check',
        name: 'Erasure check',
        callback: { url: 'http://127.0.0.1:9/cb', transitions: ['cancel'] },
      }),
    );
    const item = async (customer: string) =>
      (
        await work.createItem(
          { typeId: 'erasure-check', title: 'Check', customer, attributes: {} },
          {},
          admin,
        )
      ).item.id;
    const normalized = await item('phone:+33655443322');
    const asGiven = await item('phone:+33 6 55 44 33 22');
    const another = await item('phone:+33655443399');
    await work.transition(normalized, { action: 'cancel' }, admin);
    await work.transition(another, { action: 'cancel' }, admin);
    const message = await operational.db
      .selectFrom('outbox')
      .select('id')
      .where('key', 'like', `${normalized}:%`)
      .executeTakeFirstOrThrow();
    await operational.db
      .insertInto('work_callback_deliveries')
      .values({
        message_id: message.id,
        attempt: 1,
        started_at: new Date().toISOString(),
        duration_ms: 3,
        status: 'error',
        response_code: null,
        error: 'refused',
      })
      .execute();

    const report = await erase(['+33 6 55 44 33 22']);
    expect(report.operational).toMatchObject({
      work_items: 2,
      work_item_events: 3, // created ×2, cancelled
      work_callback_deliveries: 1,
      outbox: 1,
    });
    const left = await operational.db.selectFrom('work_items').select('id').execute();
    expect(left.map((r) => r.id)).toEqual([another]);
    expect(
      await operational.db
        .selectFrom('work_item_events')
        .select('item_id')
        .where('item_id', '=', asGiven)
        .execute(),
    ).toEqual([]);
    const callbacks = await operational.db
      .selectFrom('outbox')
      .select('key')
      .where('topic', '=', 'work.callback')
      .execute();
    expect(callbacks.map((r) => r.key.split(':')[0])).toEqual([another]);
  });
});
