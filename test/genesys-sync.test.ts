/**
 * The Genesys Cloud API connector end to end against the fake API (test/fake-genesys.ts): historical and
 * incremental runs, retried faults, bounded retries then resume, a killed CLI process, secrets, dry run.
 *
 * Event logs are compared with `SELECT * EXCLUDE (LastDataUpdate)`: LastDataUpdate is the extraction time
 * (the run's start, or the file import's `now`) and legitimately differs between two ways of loading the
 * same records; every other column must be equal row for row.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/index.ts';
import { buildDirectory, queuesFile, usersFile, wrapUpCodesFile } from '../src/demo/directory.ts';
import { demoConversations, type GenesysConversationRecord } from '../src/demo/index.ts';
import type { RetryNotice } from '../src/sources/genesys/client.ts';
import { importGenesys, SyncError, type SyncSummary, syncGenesys } from '../src/sources/genesys/index.ts';
import { openStore, type Store } from '../src/store/index.ts';
import { type Entity, FakeGenesys, type FakeGenesysOptions } from './fake-genesys.ts';
import { tempDir } from './support.ts';

const BIN = path.resolve(import.meta.dirname, '../bin/caseflow.js');
const CLIENT_ID = 'cf-test-client-Quokka-5521';
const SECRET = 'Zx9-vq!Sekr3t-Capybara-7781-do-not-leak';
const ENV = { CASEFLOW_GENESYS_CLIENT_ID: CLIENT_ID, CASEFLOW_GENESYS_CLIENT_SECRET: SECRET };

const API = '/api/v2/analytics/conversations/details';
const JOBS = `${API}/jobs`;
const QUERY = `${API}/query`;
const RESULTS = /^\/api\/v2\/analytics\/conversations\/details\/jobs\/[^/]+\/results$/;
const DIRECTORY_PATHS = [
  '/api/v2/users',
  '/api/v2/routing/queues',
  '/api/v2/routing/wrapupcodes',
  '/api/v2/authorization/divisions',
];

const SEED = 7;
/** The historical data set: 300 conversations started 2026-10-31 → 2026-11-20 (jobs up to the 15th). */
const FROM = '2026-10-31T00:00:00.000Z';
const TO = '2026-11-20T00:00:00.000Z';
const AVAILABLE = '2026-11-15T00:00:00.000Z';
const conversations = (): GenesysConversationRecord[] => [
  ...demoConversations({ conversations: 300, days: 20, seed: SEED, end: '2026-11-20' }),
];

const demoDirectory = buildDirectory(SEED);
const entities = (file: object): Entity[] => (file as { entities: Entity[] }).entities;
const DIRECTORY = {
  users: entities(usersFile(demoDirectory)),
  queues: entities(queuesFile(demoDirectory)),
  wrapupcodes: entities(wrapUpCodesFile(demoDirectory)),
  divisions: [demoDirectory.divisions.main, demoDirectory.divisions.expertise].map((d): Entity => ({ ...d })),
};

/** sources.genesys for the fake: small pages (several per interval), short polls and retry delays. */
const sourceConfig = (url: string, extra: Record<string, unknown> = {}) => ({
  region: 'mypurecloud.ie',
  baseUrl: url,
  jobPollSeconds: 0.05,
  jobPageSize: 50,
  queryPageSize: 10,
  directoryPageSize: 10,
  retry: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20 },
  ...extra,
});
const configFor = (url: string, extra: Record<string, unknown> = {}) =>
  parseConfig({ sources: { genesys: sourceConfig(url, extra) } });

// ---------------------------------------------------------------------------------------------------------
// Clean-up of what each test starts

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The fake serving the historical data set and the demo directory. */
const fakeOptions = (): FakeGenesysOptions => ({
  clientId: CLIENT_ID,
  clientSecret: SECRET,
  conversations: conversations(),
  dataAvailabilityDate: AVAILABLE,
  jobPendingPolls: 1,
  directory: DIRECTORY,
});

async function startFake(options: Partial<FakeGenesysOptions> = {}): Promise<FakeGenesys> {
  const fake = await FakeGenesys.start({ ...fakeOptions(), ...options });
  cleanups.push(() => fake.close());
  return fake;
}

function dataDir(): string {
  const dir = tempDir('caseflow-sync-');
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function newStore(dir = dataDir()): Promise<Store> {
  const store = await openStore(dir);
  cleanups.push(() => store.close());
  return store;
}

/** Opens a store, reads from it, closes it (a child process may need the data directory next). */
async function withStore<T>(dir: string, read: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(dir);
  try {
    return await read(store);
  } finally {
    store.close();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Reading stores and requests

type Row = Record<string, unknown>;

/** The event log without LastDataUpdate (the extraction time), in a total order. */
const eventLog = (store: Store): Promise<Row[]> =>
  store.db.all(
    'SELECT * EXCLUDE (LastDataUpdate) FROM events ORDER BY ServiceRequest, EventTime, seq, ActivityName, ConversationId',
  );

const metaOf = async (store: Store): Promise<Record<string, string>> =>
  Object.fromEntries(
    (await store.db.all<{ key: string; value: string }>('SELECT key, value FROM meta ORDER BY key')).map(
      (r) => [r.key, r.value],
    ),
  );

const rawCount = async (store: Store): Promise<number> =>
  Number((await store.db.all<{ n: number }>('SELECT count(*)::INTEGER AS n FROM raw_conversations'))[0]?.n);

const duplicateConversations = (store: Store): Promise<Row[]> =>
  store.db.all(
    'SELECT conversation_id, count(*)::INTEGER AS n FROM raw_conversations GROUP BY conversation_id HAVING count(*) > 1',
  );

interface Seen {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

const intervalOf = (r: Seen): string => (r.body as { interval: string }).interval;
const pageOf = (r: Seen): number => (r.body as { paging: { pageNumber: number } }).paging.pageNumber;
const isJobCreation = (r: Seen) => r.method === 'POST' && r.path === JOBS;
const isQuery = (r: Seen) => r.method === 'POST' && r.path === QUERY;
const isResults = (r: Seen) => r.method === 'GET' && RESULTS.test(r.path);
const isDirectory = (r: Seen) => r.method === 'GET' && DIRECTORY_PATHS.includes(r.path);
/** What a conversation page request asks for: the query's interval and page, or the job and cursor. */
const pageKey = (r: Seen): string =>
  isQuery(r) ? `query ${intervalOf(r)} #${pageOf(r)}` : `results ${r.path} ${r.query.cursor ?? 'first'}`;

/** The event log of one uninterrupted run over the historical data set (computed once). */
let cleanLogCache: Promise<Row[]> | undefined;
function cleanLog(): Promise<Row[]> {
  cleanLogCache ??= (async () => {
    const fake = await FakeGenesys.start(fakeOptions());
    const dir = tempDir('caseflow-sync-clean-');
    const store = await openStore(dir);
    try {
      await syncGenesys(store, configFor(fake.url), { from: new Date(FROM), to: new Date(TO), env: ENV });
      return await eventLog(store);
    } finally {
      store.close();
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    }
  })();
  return cleanLogCache;
}

// ---------------------------------------------------------------------------------------------------------
// The CLI as a child process (asynchronous: the fake runs in this process's event loop)

interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface Cli {
  child: ChildProcess;
  done: Promise<CliRun>;
}

/** The environment without any CASEFLOW_ variable of the caller's, plus `env`. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CASEFLOW_')) out[k] = v;
  return { ...out, ...env };
}

function cli(args: string[], env: Record<string, string> = ENV): Cli {
  const child = spawn(process.execPath, [BIN, ...args], { env: childEnv(env), stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
  });
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
  });
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, done };
}

function writeConfig(dir: string, config: unknown): string {
  const file = path.join(dir, 'caseflow.config.json');
  writeFileSync(file, JSON.stringify(config));
  return file;
}

/** A copy of an ended conversation as it was at `t`: still active, later segments and metrics not there yet. */
function activeAt(record: GenesysConversationRecord, t: number): GenesysConversationRecord {
  const copy = structuredClone(record) as unknown as Record<string, unknown> & {
    participants: {
      sessions: {
        segments: { segmentStart: string; segmentEnd?: string; [k: string]: unknown }[];
        metrics?: { emitDate?: string }[];
      }[];
    }[];
  };
  delete copy.conversationEnd;
  const before = (iso: string | undefined) => iso === undefined || Date.parse(iso) <= t;
  copy.participants = copy.participants
    .map((p) => ({
      ...p,
      sessions: p.sessions
        .map((s) => ({
          ...s,
          segments: s.segments
            .filter((g) => Date.parse(g.segmentStart) <= t)
            .map((g) => {
              if (before(g.segmentEnd)) return g;
              const { segmentEnd: _end, disconnectType: _d, wrapUpCode: _w, ...open } = g;
              return open;
            }),
          ...(s.metrics ? { metrics: s.metrics.filter((m) => before(m.emitDate)) } : {}),
        }))
        .filter((s) => s.segments.length > 0),
    }))
    .filter((p) => p.sessions.length > 0);
  return copy as unknown as GenesysConversationRecord;
}

const HOUR = 3_600_000;

// ---------------------------------------------------------------------------------------------------------

describe('caseflow sync genesys', () => {
  it('reads history by details jobs and the recent part by queries, like a file import of the same records', async () => {
    const fake = await startFake();
    const store = await newStore();
    const summary = await syncGenesys(store, configFor(fake.url), {
      from: new Date(FROM),
      to: new Date(TO),
      env: ENV,
    });

    const seen = fake.requests.filter((r) => r.status === 200 || r.status === 202);
    const jobs = seen.filter(isJobCreation);
    const queries = seen.filter(isQuery);
    const results = seen.filter(isResults);
    // Jobs up to the data availability date (7-day intervals), queries after it (24-hour intervals).
    expect(jobs.map(intervalOf)).toEqual([
      '2026-10-31T00:00:00.000Z/2026-11-07T00:00:00.000Z',
      '2026-11-07T00:00:00.000Z/2026-11-14T00:00:00.000Z',
      '2026-11-14T00:00:00.000Z/2026-11-15T00:00:00.000Z',
    ]);
    expect([...new Set(queries.map(intervalOf))]).toEqual([
      '2026-11-15T00:00:00.000Z/2026-11-16T00:00:00.000Z',
      '2026-11-16T00:00:00.000Z/2026-11-17T00:00:00.000Z',
      '2026-11-17T00:00:00.000Z/2026-11-18T00:00:00.000Z',
      '2026-11-18T00:00:00.000Z/2026-11-19T00:00:00.000Z',
      '2026-11-19T00:00:00.000Z/2026-11-20T00:00:00.000Z',
    ]);
    // Several pages each: results pages followed by cursor, query pages by number.
    expect(results.length).toBeGreaterThan(jobs.length);
    expect(results.some((r) => r.query.cursor !== undefined)).toBe(true);
    expect(queries.length).toBeGreaterThan(5);
    expect(queries.some((r) => pageOf(r) > 1)).toBe(true);
    // All four directory lists, paged.
    for (const list of DIRECTORY_PATHS) expect(seen.some((r) => r.path === list)).toBe(true);
    expect(seen.filter((r) => r.path === '/api/v2/users').length).toBe(
      Math.ceil(DIRECTORY.users.length / 10),
    );
    expect(fake.requests.every((r) => r.status < 400)).toBe(true);

    expect(summary).toMatchObject({
      organization: { id: 'org-fake-1', name: 'Fake Org' },
      from: FROM,
      to: TO,
      resumed: false,
      dryRun: false,
      intervals: { jobs: 3, queries: 5 },
      pages: results.length + queries.length,
      directory: {
        users: DIRECTORY.users.length,
        queues: DIRECTORY.queues.length,
        wrapUpCodes: DIRECTORY.wrapupcodes.length,
        divisions: 2,
      },
      conversations: 300,
      added: 300,
      updated: 0,
      unchanged: 0,
      olderVersions: 0,
      rejected: 0,
      watermark: TO,
      retries: 0,
    });
    const meta = await metaOf(store);
    expect(meta['genesys:run'] ?? '').toBe('');
    expect(meta['genesys:watermark:org-fake-1']).toBe(TO);
    expect(JSON.parse(meta['genesys:last-run'] ?? '{}')).toMatchObject({ status: 'succeeded', added: 300 });

    // The same records and directory imported from files.
    const files = dataDir();
    const write = (name: string, value: unknown) => {
      const file = path.join(files, name);
      writeFileSync(file, JSON.stringify(value));
      return file;
    };
    const records = conversations();
    const imported = await newStore();
    const fromFiles = await importGenesys(
      imported,
      [write('conversations.json', { conversations: records, totalHits: records.length })],
      {
        config: configFor(fake.url),
        users: write('users.json', usersFile(demoDirectory)),
        queues: write('queues.json', queuesFile(demoDirectory)),
        wrapUpCodes: write('wrapupcodes.json', wrapUpCodesFile(demoDirectory)),
      },
    );
    expect(fromFiles).toMatchObject({
      added: 300,
      rejected: 0,
      events: summary.events,
      cases: summary.cases,
    });

    const synced = await eventLog(store);
    expect(synced.length).toBe(summary.events);
    expect(synced.length).toBeGreaterThan(1000);
    expect(synced).toEqual(await eventLog(imported));
    expect(synced).toEqual(await cleanLog());
  });

  it('continues from the watermark minus the look-back, updating what changed and adding what is new', async () => {
    const T1 = Date.parse('2026-11-20T00:00:00Z');
    const T2 = Date.parse('2026-11-25T00:00:00Z');
    const lookBack = 24 * HOUR;
    const all = [...demoConversations({ conversations: 300, days: 20, seed: SEED, end: '2026-11-25' })];
    const startOf = (c: GenesysConversationRecord) => Date.parse(c.conversationStart);
    // One conversation of the look-back window was still active at T1: run 1 reads that version.
    const changed = all.find(
      (c) =>
        startOf(c) >= T1 - lookBack / 2 &&
        startOf(c) < T1 &&
        c.conversationEnd !== undefined &&
        Date.parse(c.conversationEnd) - startOf(c) > HOUR,
    );
    if (!changed) throw new Error('the demo data has no long conversation in the look-back window');
    const active = activeAt(changed, startOf(changed) + HOUR / 2);
    expect(active.conversationEnd).toBeUndefined();
    const initial = all
      .filter((c) => startOf(c) < T1)
      .map((c) => (c.conversationId === changed.conversationId ? active : c));
    const later = all.filter((c) => startOf(c) >= T1 && startOf(c) < T2);
    const window = initial.filter((c) => startOf(c) >= T1 - lookBack);
    expect(later.length).toBeGreaterThan(10);
    expect(window.length).toBeGreaterThan(5);

    const fake = await startFake({ conversations: initial, dataAvailabilityDate: '2026-11-15T00:00:00Z' });
    const config = configFor(fake.url);
    const store = await newStore();
    const run1 = await syncGenesys(store, config, {
      from: new Date('2026-11-05T00:00:00Z'),
      to: new Date(T1),
      env: ENV,
    });
    expect(run1).toMatchObject({ added: initial.length, watermark: new Date(T1).toISOString() });
    const activeStored = await store.db.all<{ complete: boolean }>(
      'SELECT complete FROM raw_conversations WHERE conversation_id = $id',
      { id: changed.conversationId },
    );
    expect(activeStored).toEqual([{ complete: false }]);

    // Later: new conversations, the active one has ended, and jobs now reach further.
    for (const c of later) fake.upsertConversation(c);
    fake.upsertConversation(changed);
    fake.setDataAvailability('2026-11-22T00:00:00Z');
    const before = fake.requests.length;
    // The data set ends on the 25th: the run's clock says it is then.
    const run2 = await syncGenesys(store, config, { to: new Date(T2), env: ENV, now: () => T2 });

    const asked = fake.requests.slice(before);
    const since = new Date(T1 - lookBack).toISOString();
    expect(asked.filter(isJobCreation).map(intervalOf)).toEqual([`${since}/2026-11-22T00:00:00.000Z`]);
    const queried = [...new Set(asked.filter(isQuery).map(intervalOf))];
    expect(queried).toEqual([
      '2026-11-22T00:00:00.000Z/2026-11-23T00:00:00.000Z',
      '2026-11-23T00:00:00.000Z/2026-11-24T00:00:00.000Z',
      '2026-11-24T00:00:00.000Z/2026-11-25T00:00:00.000Z',
    ]);
    const starts = [...asked.filter(isJobCreation), ...asked.filter(isQuery)].map((r) =>
      Date.parse(intervalOf(r).split('/')[0] ?? ''),
    );
    expect(Math.min(...starts)).toBe(T1 - lookBack);
    expect(run2).toMatchObject({
      from: since,
      to: new Date(T2).toISOString(),
      resumed: false,
      intervals: { jobs: 1, queries: 3 },
      conversations: later.length + window.length,
      added: later.length,
      updated: 1,
      unchanged: window.length - 1,
      olderVersions: 0,
      rejected: 0,
      watermark: new Date(T2).toISOString(),
    });
    expect(await rawCount(store)).toBe(initial.length + later.length);

    // The same as one fresh run over the whole range with the final data.
    const fresh = await newStore();
    await syncGenesys(fresh, config, {
      from: new Date('2026-11-05T00:00:00Z'),
      to: new Date(T2),
      env: ENV,
      now: () => T2,
    });
    const incremental = await eventLog(store);
    expect(incremental.length).toBeGreaterThan(1000);
    expect(incremental).toEqual(await eventLog(fresh));
  });

  it('recovers from 429 (Retry-After), 5xx, a reset connection, a timeout and an expired token', async () => {
    const fake = await startFake();
    fake.inject({ method: 'POST', path: QUERY }, { status: 429, retryAfter: 1 });
    fake.inject({ method: 'GET', path: RESULTS }, { status: 503 }, { status: 503 });
    fake.inject({ method: 'GET', path: '/api/v2/routing/queues' }, { reset: true });
    fake.inject({ method: 'GET', path: '/api/v2/routing/wrapupcodes' }, { delayMs: 2000 });
    let queries = 0;
    let expiredAt = -1;
    fake.onRequest = (r) => {
      if (isQuery(r) && ++queries === 4) {
        fake.expireTokens();
        expiredAt = fake.requests.length;
      }
    };
    const sleeps: number[] = [];
    const notices: RetryNotice[] = [];
    const store = await newStore();
    const summary = await syncGenesys(store, configFor(fake.url, { requestTimeoutSeconds: 0.5 }), {
      from: new Date(FROM),
      to: new Date(TO),
      env: ENV,
      onRetry: (n) => notices.push(n),
      sleep: (ms) => {
        sleeps.push(ms);
        return new Promise((resolve) => setTimeout(resolve, Math.min(ms, 20)));
      },
    });

    // One retry per injected fault (at least: a loaded machine may time out another request too).
    expect(summary.retries).toBeGreaterThanOrEqual(5);
    expect(summary.retries).toBe(notices.length);
    const retried = (path: string | RegExp, reason: RegExp) =>
      notices.filter(
        (n) => (typeof path === 'string' ? n.path === path : path.test(n.path)) && reason.test(n.reason),
      );
    expect(retried(QUERY, /^HTTP 429/)).toHaveLength(1);
    expect(retried(RESULTS, /^HTTP 503/)).toHaveLength(2);
    expect(retried('/api/v2/routing/queues', /^network error/)).toHaveLength(1);
    expect(retried('/api/v2/routing/wrapupcodes', /timeout/)).toHaveLength(1);
    const rateLimited = notices.find((n) => n.reason.startsWith('HTTP 429'));
    expect(rateLimited).toMatchObject({ path: QUERY, delayMs: 1000 });
    expect(sleeps).toContain(1000);
    // Backoffs (all but the Retry-After wait) stay within retry.maxDelayMs.
    for (const n of notices.filter((n) => !n.reason.startsWith('HTTP 429'))) {
      expect(n.delayMs).toBeLessThanOrEqual(20);
    }

    // The expired token was refused once and a new one fetched right after.
    expect(expiredAt).toBeGreaterThan(0);
    // (The request delayed past its timeout is recorded when the fake answers it, maybe in between.)
    const after = fake.requests.slice(expiredAt).filter((r) => !isDirectory(r));
    expect(after[0]).toMatchObject({ path: QUERY, status: 401 });
    expect(after[1]).toMatchObject({ method: 'POST', path: '/oauth/token', status: 200 });
    expect(after[2]).toMatchObject({ path: QUERY, status: 200 });
    expect(fake.tokensIssued()).toBe(2);

    expect(summary).toMatchObject({ added: 300, rejected: 0, intervals: { jobs: 3, queries: 5 } });
    expect(await eventLog(store)).toEqual(await cleanLog());
  });

  it('fails after the bounded attempts, naming the request and interval, and the next run resumes', async () => {
    const fake = await startFake();
    const failing = '2026-11-17T00:00:00.000Z/2026-11-18T00:00:00.000Z';
    let injected = false;
    fake.onRequest = (r) => {
      if (!injected && isQuery(r) && intervalOf(r) === failing && pageOf(r) === 2) {
        injected = true;
        fake.inject({ method: 'POST', path: QUERY }, ...Array.from({ length: 4 }, () => ({ status: 503 })));
      }
    };
    const config = configFor(fake.url, { retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 } });
    const store = await newStore();
    const range = { from: new Date(FROM), to: new Date(TO), env: ENV };
    const error = await syncGenesys(store, config, range).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SyncError);
    const message = (error as Error).message;
    expect(message).toContain(`POST ${QUERY}`);
    expect(message).toContain('after 3 attempts');
    expect(message).toContain('HTTP 503');
    expect(message).toContain(failing);
    expect(message).toContain('interval 6 of 8');
    expect(message).toContain('page 2');
    expect(message).toMatch(/resume/);
    expect(fake.requests.filter((r) => isQuery(r) && r.status === 503)).toHaveLength(3);
    const failed = await metaOf(store);
    expect(failed['genesys:run']).toBeTruthy();
    expect(failed['genesys:watermark:org-fake-1']).toBeUndefined();
    expect(JSON.parse(failed['genesys:last-run'] ?? '{}')).toMatchObject({ status: 'failed' });
    // The 4th injected 503 is left: take it away so that the second run meets no fault.
    fake.onRequest = undefined;
    await fetch(`${fake.url}${QUERY}`, { method: 'POST' });

    const before = fake.requests.length;
    const summary = await syncGenesys(store, config, { env: ENV });
    const asked = fake.requests.slice(before);
    expect(summary).toMatchObject({ resumed: true, from: FROM, to: TO, added: 300, conversations: 300 });
    expect(summary.watermark).toBe(TO);
    // Nothing before the failed page is asked again: no job, no directory, no earlier query interval.
    expect(asked.some(isJobCreation)).toBe(false);
    expect(asked.some(isResults)).toBe(false);
    expect(asked.some(isDirectory)).toBe(false);
    const queried = asked.filter(isQuery);
    expect(pageKey(queried[0] as Seen)).toBe(`query ${failing} #2`);
    expect(queried.every((r) => intervalOf(r) >= failing)).toBe(true);
    expect((await metaOf(store))['genesys:run'] ?? '').toBe('');
    expect(await eventLog(store)).toEqual(await cleanLog());
  });

  it('finishes the same after the CLI process is killed twice mid-run', async () => {
    const fake = await startFake();
    const dir = dataDir();
    const configFile = writeConfig(dataDir(), { sources: { genesys: sourceConfig(fake.url) } });
    const args = ['-d', dir, '-c', configFile, 'sync', 'genesys', '--from', FROM, '--to', TO, '--json'];
    const attempts: Seen[][] = [[], [], []];
    /** The request at which attempt n is killed. */
    const killed: (Seen | undefined)[] = [];
    let attempt = 0;
    let current: Cli | undefined;
    const killAt = [
      (r: Seen, seen: Seen[]) => isResults(r) && seen.filter(isResults).length === 2,
      (r: Seen, seen: Seen[]) => isQuery(r) && seen.filter(isQuery).length === 3,
    ];
    fake.onRequest = async (r) => {
      const seen = attempts[attempt] ?? [];
      seen.push(r);
      const kill = killAt[attempt];
      if (current && kill?.(r, seen) && !killed[attempt]) {
        killed[attempt] = r;
        current.child.kill('SIGKILL');
        await current.done;
        throw new Error('killed'); // the fake drops the connection
      }
    };

    for (attempt = 0; attempt < 3; attempt++) {
      current = cli(args);
      const run = await current.done;
      if (attempt < 2) {
        expect(run.signal).toBe('SIGKILL');
        expect(killed[attempt]).toBeDefined();
        const meta = await withStore(dir, metaOf);
        expect(meta['genesys:run']).toBeTruthy();
        expect(meta.regroup_deferred).toBeTruthy();
      } else {
        expect(run.stderr).not.toContain('Error');
        expect(run.code).toBe(0);
        const summary = JSON.parse(run.stdout) as SyncSummary;
        expect(summary).toMatchObject({ resumed: true, added: 300, conversations: 300, watermark: TO });
      }
    }
    const [first = [], second = [], third = []] = attempts;

    // Attempt 2 continued the first job after its first results page, with the same job.
    const killed1 = killed[0] as Seen;
    expect(killed1.query.cursor).toBeDefined();
    expect(second.some(isDirectory)).toBe(false);
    const firstJob = first.find(isJobCreation) as Seen;
    expect(second.filter(isJobCreation).map(intervalOf)).not.toContain(intervalOf(firstJob));
    const secondPages = second.filter((r) => isResults(r) || isQuery(r));
    expect(pageKey(secondPages[0] as Seen)).toBe(pageKey(killed1));
    // Attempt 3: every job interval was done; it continued at the query page attempt 2 was killed at.
    const killed2 = killed[1] as Seen;
    expect(third.some(isDirectory)).toBe(false);
    expect(third.some(isJobCreation)).toBe(false);
    expect(third.some(isResults)).toBe(false);
    const thirdPages = third.filter(isQuery);
    expect(pageKey(thirdPages[0] as Seen)).toBe(pageKey(killed2));
    // No page answered in an earlier attempt (before its kill) was asked for again.
    const answered = (attempt: Seen[]) =>
      attempt.filter((r) => (isResults(r) || isQuery(r)) && r !== killed1 && r !== killed2).map(pageKey);
    const again = (pages: Seen[], earlier: string[]) => pages.map(pageKey).filter((k) => earlier.includes(k));
    expect(again(secondPages, answered(first))).toEqual([]);
    expect(again(thirdPages, [...answered(first), ...answered(second)])).toEqual([]);

    await withStore(dir, async (store) => {
      expect(await duplicateConversations(store)).toEqual([]);
      expect(await rawCount(store)).toBe(300);
      const meta = await metaOf(store);
      expect(meta['genesys:run'] ?? '').toBe('');
      expect(meta.regroup_deferred ?? '').toBe('');
      expect(await eventLog(store)).toEqual(await cleanLog());
    });
  });

  it('never writes or prints the client secret', async () => {
    const bad = {
      ...structuredClone(conversations()[0]),
      conversationId: 'bad-record',
      participants: 'none',
    };
    const fake = await startFake({ conversations: [...conversations(), bad as object] });
    fake.inject({ method: 'POST', path: '/oauth/token' }, { status: 503 });
    fake.inject({ method: 'GET', path: '/api/v2/organizations/me' }, { status: 429, retryAfter: 0 });
    fake.inject({ method: 'GET', path: '/api/v2/users' }, { reset: true });
    fake.inject({ method: 'GET', path: RESULTS }, { status: 502 });
    const dir = dataDir();
    const configFile = writeConfig(dataDir(), { sources: { genesys: sourceConfig(fake.url) } });
    const args = ['-d', dir, '-c', configFile, 'sync', 'genesys', '--from', FROM, '--to', TO];

    const ok = await cli([...args, '--json']).done;
    expect(ok.code).toBe(0);
    const summary = JSON.parse(ok.stdout) as SyncSummary;
    expect(summary).toMatchObject({ added: 300, rejected: 1, retries: 4 });
    expect(summary.quarantineFile).toBeTruthy();
    expect(ok.stderr).toContain('retrying');
    const text = await cli(args).done; // the text summary (nothing new) as well
    expect(text.code).toBe(0);

    const wrongSecret = `${SECRET}-wrong`;
    const refused = await cli(args, { ...ENV, CASEFLOW_GENESYS_CLIENT_SECRET: wrongSecret }).done;
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('CASEFLOW_GENESYS_CLIENT_SECRET');
    expect(refused.stderr).toMatch(/401/);
    expect(refused.stderr).not.toContain(wrongSecret);

    const files: string[] = [];
    const walk = (d: string) => {
      for (const name of readdirSync(d)) {
        const file = path.join(d, name);
        if (statSync(file).isDirectory()) walk(file);
        else files.push(file);
      }
    };
    walk(dir);
    expect(files.some((f) => f.endsWith('caseflow.duckdb'))).toBe(true);
    expect(files.some((f) => f.includes(`${path.sep}quarantine${path.sep}`))).toBe(true);
    const texts = [
      ...[ok, text, refused].flatMap((r) => [r.stdout, r.stderr]),
      ...files.map((f) => readFileSync(f).toString('latin1')),
    ];
    for (const secret of [SECRET, wrongSecret]) {
      const pair = `${CLIENT_ID}:${secret}`;
      const needles = [
        secret,
        pair,
        Buffer.from(pair).toString('base64'),
        Buffer.from(secret).toString('base64'),
      ];
      for (const t of texts) for (const needle of needles) expect(t.includes(needle)).toBe(false);
    }
  });

  it('dry run reads and reports without writing; configuration errors exit with code 2', async () => {
    const T1 = '2026-11-18T00:00:00.000Z';
    const fake = await startFake();
    const config = configFor(fake.url);
    const dir = dataDir();
    const store = await openStore(dir);
    let stored = true;
    cleanups.push(() => stored && store.close());
    const emptyMeta = await metaOf(store);
    const dry = await syncGenesys(store, config, {
      from: new Date(FROM),
      to: new Date(TO),
      dryRun: true,
      env: ENV,
    });
    expect(dry).toMatchObject({ dryRun: true, added: 300, conversations: 300, watermark: null, events: 0 });
    expect(await store.counts()).toEqual({ conversations: 0, cases: 0, events: 0 });
    expect(await metaOf(store)).toEqual(emptyMeta);
    expect(await store.db.all('SELECT * FROM directory')).toEqual([]);

    // After a real run up to T1, a dry run to TO reports the conversations started since as new.
    const real = await syncGenesys(store, config, { from: new Date(FROM), to: new Date(T1), env: ENV });
    const newer = conversations().filter((c) => c.conversationStart >= T1).length;
    expect(real.added).toBe(300 - newer);
    const meta = await metaOf(store);
    const counts = await store.counts();
    const log = await eventLog(store);
    store.close(); // the CLI needs the data directory
    stored = false;

    const configFile = writeConfig(dataDir(), { sources: { genesys: sourceConfig(fake.url) } });
    const cliDry = await cli(['-d', dir, '-c', configFile, 'sync', 'genesys', '--to', TO, '--dry-run']).done;
    expect(cliDry.code).toBe(0);
    expect(cliDry.stdout).toContain('Dry run, nothing written');
    expect(cliDry.stdout).toContain(`${newer} would be new`);
    await withStore(dir, async (after) => {
      expect(await metaOf(after)).toEqual(meta);
      expect(meta['genesys:watermark:org-fake-1']).toBe(T1);
      expect(meta['genesys:run'] ?? '').toBe('');
      expect(await after.counts()).toEqual(counts);
      expect(await eventLog(after)).toEqual(log);
    });

    // Configuration errors: a missing secret, no sources.genesys.
    const noSource = writeConfig(dataDir(), {});
    const [missing, unconfigured] = await Promise.all([
      cli(['-d', dataDir(), '-c', configFile, 'sync', 'genesys'], {
        CASEFLOW_GENESYS_CLIENT_ID: CLIENT_ID,
      }).done,
      cli(['-d', dataDir(), '-c', noSource, 'sync', 'genesys']).done,
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('CASEFLOW_GENESYS_CLIENT_SECRET');
    expect(missing.stderr).not.toContain('CASEFLOW_GENESYS_CLIENT_ID');
    expect(unconfigured.code).toBe(2);
    expect(unconfigured.stderr).toMatch(/sources.*genesys/);
  });
  it('resumes with the settings it started with, and re-creates a job Genesys expired', async () => {
    const fake = await startFake();
    const failing = '2026-11-17T00:00:00.000Z/2026-11-18T00:00:00.000Z';
    let expired = false;
    let injected = false;
    fake.onRequest = (r) => {
      // Genesys forgets the first job while its results are read: the run asks again.
      if (!expired && isResults(r) && r.query.cursor !== undefined) {
        expired = true;
        fake.expireJobs();
      }
      if (!injected && isQuery(r) && intervalOf(r) === failing && pageOf(r) === 2) {
        injected = true;
        fake.inject({ method: 'POST', path: QUERY }, { status: 503 });
      }
    };
    const store = await newStore();
    const first = configFor(fake.url, { retry: { maxAttempts: 1, baseDelayMs: 5, maxDelayMs: 20 } });
    await expect(
      syncGenesys(store, first, { from: new Date(FROM), to: new Date(TO), env: ENV }),
    ).rejects.toThrow(/page 2/);
    expect(fake.requests.filter(isJobCreation).length).toBeGreaterThan(3);
    // Resumed with other page sizes in the configuration: page 2 still means records 11–20.
    const before = fake.requests.length;
    const summary = await syncGenesys(store, configFor(fake.url, { queryPageSize: 100 }), { env: ENV });
    const asked = fake.requests.slice(before).filter(isQuery);
    expect(asked[0]?.body).toMatchObject({ paging: { pageNumber: 2, pageSize: 10 } });
    expect(summary.watermark).toBe(TO);
    expect(await rawCount(store)).toBe(300);
    expect(await eventLog(store)).toEqual(await cleanLog());
  });

  it('refuses a --to in the future, and --restart drops an interrupted run', async () => {
    const fake = await startFake();
    const store = await newStore();
    const config = configFor(fake.url, { retry: { maxAttempts: 1, baseDelayMs: 5, maxDelayMs: 20 } });
    await expect(
      syncGenesys(store, config, { to: new Date(Date.now() + 3_600_000), env: ENV }),
    ).rejects.toThrow(/in the future/);
    fake.inject({ method: 'POST', path: QUERY }, { status: 503 });
    await expect(
      syncGenesys(store, config, { from: new Date(FROM), to: new Date(TO), env: ENV }),
    ).rejects.toThrow(SyncError);
    const other = { from: new Date('2026-11-18T00:00:00Z'), to: new Date(TO), env: ENV };
    await expect(syncGenesys(store, config, other)).rejects.toThrow(/--restart/);
    const summary = await syncGenesys(store, config, { ...other, restart: true });
    expect(summary).toMatchObject({ resumed: false, from: '2026-11-18T00:00:00.000Z' });
    expect((await metaOf(store))['genesys:run'] ?? '').toBe('');
  });
});
