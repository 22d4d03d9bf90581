import { execFile } from 'node:child_process';
import { createHmac, generateKeyPairSync, verify } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FULL_SCOPE } from '../src/access/index.ts';
import { workflowsText } from '../src/cli/workflows.ts';
import { type CaseflowConfig, parseConfig } from '../src/config/index.ts';
import { writeExport } from '../src/reports/exports.ts';
import { buildApp } from '../src/server/index.ts';
import { importConversations, importMessages } from '../src/sources/conversations/index.ts';
import { importGenesys } from '../src/sources/genesys/index.ts';
import {
  claimDue,
  type OperationalStore,
  openOperationalStore,
  openStore,
  type Store,
} from '../src/store/index.ts';
import {
  backoffMs,
  type Condition,
  conditionHolds,
  createWorkflow,
  getRun,
  JWT_BEARER_GRANT,
  listRuns,
  parseWorkflowInput,
  RUN_TOPIC,
  renderJson,
  SHEETS_SCOPE,
  sheetCell,
  versionOf,
  type WorkflowInput,
  WorkflowService,
} from '../src/workflows/index.ts';
import { scenarioStore, tempDir } from './support.ts';

/**
 * Workflows end to end against local receivers (node:http on 127.0.0.1): trigger scan, conditions,
 * templates, the three steps, retries, dead letters, re-runs, a crashed worker. One PGlite and one DuckDB
 * store for the file; each test starts from empty workflow tables and support conversations. Clocks are
 * injected: a retry becomes due by moving the clock, never by waiting.
 */

const SERVER_URL = process.env.CASEFLOW_TEST_DATABASE_URL || undefined;

const dataDir = tempDir('caseflow-wf-');
let op: OperationalStore;
let store: Store;
let clock = Date.parse('2024-06-01T10:00:00.000Z');
const now = () => new Date(clock);
const advance = (ms: number) => {
  clock += ms;
};

const SECRET = 'webhook-secret-Ω';
const env = { WEBHOOK_SECRET: SECRET } as NodeJS.ProcessEnv;

beforeAll(async () => {
  op = await openOperationalStore({ dataDir });
  store = await openStore(dataDir);
});

afterAll(async () => {
  await op?.close();
  store?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(async () => {
  await op.db.deleteFrom('workflows').execute();
  await op.db.deleteFrom('outbox').where('topic', '=', RUN_TOPIC).execute();
  await op.db.deleteFrom('workflow_scan_cursors').execute();
  await op.db.deleteFrom('workflow_conversation_versions').execute();
  await store.db.run('DELETE FROM support_conversations');
  await store.db.run('DELETE FROM support_messages');
});

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Answer = { status: number; body?: string } | 'hang';

interface Receiver {
  url: string;
  requests: Received[];
  answer: (request: Received, n: number) => Answer;
  close: () => Promise<void>;
}

const receivers: Receiver[] = [];

async function receiver(answer: Receiver['answer']): Promise<Receiver> {
  const requests: Received[] = [];
  const r: Receiver = { url: '', requests, answer, close: async () => {} };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(received);
      const a = r.answer(received, requests.length);
      if (a === 'hang') return;
      res.writeHead(a.status, { 'Content-Type': 'application/json' });
      res.end(a.body ?? '{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  r.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  receivers.push(r);
  return r;
}

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
});

interface ConversationRow {
  conversation_id: string;
  opened_at: string;
  resolved_at?: string;
  channel?: string;
  contact_id?: string;
  assignee?: string;
  team?: string;
  category?: string;
  summary?: string;
  inbound_count?: number;
  outbound_count?: number;
  first_response_at?: string;
  queue_name?: string;
  wrap_up_code?: string;
  assignee_name?: string;
  resolver?: string;
  resolver_name?: string;
  csat?: number;
  handle_time?: number;
  transfers?: number;
  service_request?: string;
  opened_by?: string;
}

/** Imports conversations (JSON) stamped with the test clock. */
async function importRows(rows: ConversationRow[]): Promise<void> {
  const file = path.join(dataDir, `conversations-${clock}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(rows));
  await importConversations(store, file, { now: now() });
}

const conversation = (id: string, extra: Partial<ConversationRow> = {}): ConversationRow => ({
  conversation_id: id,
  opened_at: '2024-06-01T08:00:00Z',
  resolved_at: '2024-06-01T09:30:00Z',
  channel: 'chat',
  contact_id: `contact-${id}`,
  assignee: 'agent-1',
  team: 'Tier 1',
  category: 'Billing',
  summary: 'Refund issued',
  inbound_count: 4,
  outbound_count: 3,
  first_response_at: '2024-06-01T08:05:00Z',
  queue_name: 'Support',
  wrap_up_code: 'Resolved',
  ...extra,
});

function config(workflows: Record<string, unknown> = {}): CaseflowConfig {
  return parseConfig({
    workflows: { retry: { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 10_000 }, ...workflows },
  });
}

function service(cfg: CaseflowConfig = config(), extra: { leaseMs?: number; env?: NodeJS.ProcessEnv } = {}) {
  return new WorkflowService({
    store,
    db: op.db,
    config: cfg,
    env: extra.env ?? env,
    now,
    random: () => 0.5,
    ...(extra.leaseMs === undefined ? {} : { leaseMs: extra.leaseMs }),
  });
}

const httpWorkflow = (url: string, extra: Partial<WorkflowInput> = {}, step: Record<string, unknown> = {}) =>
  parseWorkflowInput({
    name: 'To the webhook',
    steps: [
      {
        type: 'http',
        url: `${url}/hook/{{conversationId}}`,
        body: '{"id": "{{conversationId}}", "summary": "{{summary}}", "inbound": {{inboundCount}}, "csat": {{csat}}, "event": "{{eventId}}"}',
        signature: { secretEnv: 'WEBHOOK_SECRET' },
        ...step,
      },
    ],
    ...extra,
  });

/** A first scan on an empty store places the cursor; conversations imported after it are new. */
async function startWith(rows: ConversationRow[], s: WorkflowService): Promise<void> {
  await s.scan();
  advance(1000);
  await importRows(rows);
}

const runsOf = (workflowId: number) => listRuns(op.db, workflowId);

// ---------------------------------------------------------------------------------------------
// Delivery
// ---------------------------------------------------------------------------------------------

describe('workflow delivery', () => {
  it('retries a receiver that fails twice: delivered on the 3rd attempt, 3 log entries, signed bodies', async () => {
    const hook = await receiver((req, n) => {
      const expected = `sha256=${createHmac('sha256', SECRET).update(req.body).digest('hex')}`;
      if (req.headers['x-caseflow-signature'] !== expected) return { status: 401, body: 'bad signature' };
      return n <= 2 ? { status: 503, body: 'busy' } : { status: 200 };
    });
    const s = service();
    const workflow = await createWorkflow(op.db, httpWorkflow(hook.url));
    await startWith([conversation('c1', { summary: 'He said "hi"\nthen \\ left', inbound_count: 4 })], s);

    const scan = await s.scan();
    expect(scan?.runs).toBe(1);
    expect((await s.dispatchDue()).map((r) => r.status)).toEqual(['retry']);
    expect(await s.dispatchDue()).toEqual([]); // not due yet
    advance(10_000);
    expect((await s.dispatchDue()).map((r) => r.status)).toEqual(['retry']);
    advance(10_000);
    expect((await s.dispatchDue()).map((r) => r.status)).toEqual(['delivered']);

    const [run] = await runsOf(workflow.id);
    expect(run?.status).toBe('delivered');
    expect(run?.attempts).toBe(3);
    expect(run?.deliveries.map((d) => [d.attempt, d.status, d.responseCode])).toEqual([
      [1, 'error', 503],
      [2, 'error', 503],
      [3, 'ok', 200],
    ]);
    expect(run?.deliveries[0]?.error).toBe('HTTP 503: busy');
    // Every request was signed (the receiver answered 503/200, never 401) and carried the same event id.
    expect(hook.requests).toHaveLength(3);
    const ids = new Set(hook.requests.map((r) => r.headers['x-caseflow-event-id']));
    expect([...ids]).toEqual([run?.key]);
    expect(run?.key).toBe(`${workflow.id}:c1:${run?.version}`);
    expect(hook.requests[0]?.url).toBe('/hook/c1');
    expect(JSON.parse(hook.requests[0]?.body ?? '')).toEqual({
      id: 'c1',
      summary: 'He said "hi"\nthen \\ left',
      inbound: 4,
      csat: null,
      event: run?.key,
    });
  });

  it('logs a timeout and retries it', async () => {
    const hook = await receiver((_req, n) => (n === 1 ? 'hang' : { status: 204 }));
    const s = service();
    const workflow = await createWorkflow(op.db, httpWorkflow(hook.url, {}, { timeoutMs: 200 }));
    await startWith([conversation('c1')], s);
    await s.scan();

    expect((await s.dispatchDue()).map((r) => r.status)).toEqual(['retry']);
    let [run] = await runsOf(workflow.id);
    expect(run?.status).toBe('pending');
    expect(run?.deliveries.map((d) => [d.status, d.responseCode, d.error])).toEqual([
      ['error', null, 'timed out after 200 ms'],
    ]);
    expect(run?.lastError).toBe('step 1 (http): timed out after 200 ms');
    expect(Date.parse(run?.nextAttemptAt ?? '')).toBeGreaterThan(clock);

    advance(10_000);
    expect((await s.dispatchDue()).map((r) => r.status)).toEqual(['delivered']);
    [run] = await runsOf(workflow.id);
    expect(run?.deliveries.map((d) => [d.status, d.responseCode])).toEqual([
      ['error', null],
      ['ok', 204],
    ]);
  });

  it('dead-letters after maxAttempts; a manual re-run after the receiver is fixed delivers it', async () => {
    let fixed = false;
    const hook = await receiver(() => (fixed ? { status: 200 } : { status: 500, body: 'boom' }));
    const s = service();
    const workflow = await createWorkflow(op.db, httpWorkflow(hook.url));
    await startWith([conversation('c1')], s);
    await s.scan();

    const statuses: string[] = [];
    for (let i = 0; i < 3; i++) {
      statuses.push(...(await s.dispatchDue()).map((r) => r.status));
      advance(10_000);
    }
    expect(statuses).toEqual(['retry', 'retry', 'dead']);
    const [dead] = await listRuns(op.db, workflow.id, { status: 'dead' });
    expect(dead?.attempts).toBe(3);
    expect(dead?.nextAttemptAt).toBeNull();
    expect(dead?.lastError).toBe('step 1 (http): HTTP 500: boom');
    expect(await s.dispatchDue()).toEqual([]); // dead stays dead

    fixed = true;
    const requeued = await s.rerun(dead?.id ?? 0);
    expect(requeued.status).toBe('pending');
    expect((await s.dispatchDue()).map((r) => r.status)).toEqual(['delivered']);
    const run = await getRun(op.db, dead?.id ?? 0);
    expect(run?.status).toBe('delivered');
    expect(run?.deliveries.map((d) => [d.attempt, d.responseCode])).toEqual([
      [1, 500],
      [2, 500],
      [3, 500],
      [4, 200],
    ]);
    expect(await listRuns(op.db, workflow.id, { status: 'dead' })).toEqual([]);

    // A delivered run re-run is sent again from its first step.
    await s.rerun(dead?.id ?? 0);
    expect((await s.dispatchDue()).map((r) => r.status)).toEqual(['delivered']);
    expect(hook.requests).toHaveLength(5);
  });

  it('does not repeat a step that succeeded in an earlier attempt of the run', async () => {
    const first = await receiver(() => ({ status: 200 }));
    const second = await receiver((_req, n) => (n === 1 ? { status: 502 } : { status: 200 }));
    const s = service();
    const workflow = await createWorkflow(
      op.db,
      parseWorkflowInput({
        name: 'Two hooks',
        steps: [
          { type: 'http', url: `${first.url}/a` },
          { type: 'http', method: 'PUT', url: `${second.url}/b`, headers: { 'X-Channel': '{{channel}}' } },
        ],
      }),
    );
    await startWith([conversation('c1')], s);
    await s.scan();
    expect((await s.dispatchDue()).map((r) => r.status)).toEqual(['retry']);
    advance(10_000);
    expect((await s.dispatchDue()).map((r) => r.status)).toEqual(['delivered']);

    expect(first.requests).toHaveLength(1);
    expect(second.requests).toHaveLength(2);
    expect(second.requests[0]?.method).toBe('PUT');
    expect(second.requests[0]?.headers['x-channel']).toBe('chat');
    // Without a body template: every variable as one JSON object.
    expect(JSON.parse(first.requests[0]?.body ?? '')).toMatchObject({
      conversationId: 'c1',
      channel: 'chat',
      team: 'Tier 1',
      inboundCount: 4,
      firstResponseSeconds: 300,
      resolutionSeconds: 5400,
      workflowId: workflow.id,
    });
    const [run] = await runsOf(workflow.id);
    expect(run?.deliveries.map((d) => [d.stepIndex, d.attempt, d.status])).toEqual([
      [0, 1, 'ok'],
      [1, 1, 'error'],
      [1, 2, 'ok'],
    ]);
    expect(run?.completedSteps).toEqual([0, 1]);
  });

  it('delivers a run whose worker died after claiming it, once the lease ends', async () => {
    const hook = await receiver(() => ({ status: 200 }));
    const s = service(config(), { leaseMs: 60_000 });
    const workflow = await createWorkflow(op.db, httpWorkflow(hook.url));
    await startWith([conversation('c1')], s);
    await s.scan();

    // A worker claims the run, then dies before marking it.
    const claimed = await claimDue(op.db, RUN_TOPIC, 10, now(), { leaseMs: 60_000 });
    expect(claimed).toHaveLength(1);
    expect(await s.dispatchDue()).toEqual([]);
    expect(hook.requests).toHaveLength(0);
    advance(60_001);
    expect((await s.dispatchDue()).map((r) => r.status)).toEqual(['delivered']);
    expect(hook.requests).toHaveLength(1);
    const [run] = await runsOf(workflow.id);
    expect(run?.status).toBe('delivered');
  });

  it('computes exponential backoff with jitter, capped', () => {
    const retry = { maxAttempts: 8, baseDelayMs: 1000, maxDelayMs: 5000 };
    expect([1, 2, 3, 4, 5].map((a) => backoffMs(a, retry, () => 0))).toEqual([500, 1000, 2000, 2500, 2500]);
    expect([1, 2, 3].map((a) => backoffMs(a, retry, () => 0.999_999))).toEqual([1000, 2000, 4000]);
  });
});

// ---------------------------------------------------------------------------------------------
// Trigger scan and conditions
// ---------------------------------------------------------------------------------------------

describe('trigger scan', () => {
  it('runs once per conversation version: the same version twice → one run, a new version → a second', async () => {
    const s = service();
    const workflow = await createWorkflow(op.db, httpWorkflow('http://127.0.0.1:9'));
    await startWith([conversation('c1'), conversation('open', { resolved_at: undefined })], s);

    expect((await s.scan())?.runs).toBe(1);
    const second = await s.scan();
    expect(second).toMatchObject({ unchanged: true, runs: 0 });

    // The same rows imported again: unchanged, nothing new.
    advance(1000);
    await importRows([conversation('c1'), conversation('open', { resolved_at: undefined })]);
    expect((await s.scan())?.runs).toBe(0);
    // The open conversation closes, c1 changes: one run each.
    advance(1000);
    await importRows([conversation('c1', { category: 'Refunds' }), conversation('open')]);
    expect((await s.scan())?.runs).toBe(2);
    // And c1 goes back to a version already run: not again.
    advance(1000);
    await importRows([conversation('c1')]);
    expect((await s.scan())?.runs).toBe(0);

    const runs = await runsOf(workflow.id);
    expect(runs.map((r) => r.conversationId).sort()).toEqual(['c1', 'c1', 'open']);
    const c1 = runs.filter((r) => r.conversationId === 'c1');
    expect(new Set(c1.map((r) => r.version)).size).toBe(2);
    expect(c1.map((r) => r.variables.category).sort()).toEqual(['Billing', 'Refunds']);
    const messages = await op.db.selectFrom('outbox').select('key').where('topic', '=', RUN_TOPIC).execute();
    expect(messages.map((m) => m.key).sort()).toEqual(runs.map((r) => r.key).sort());
  });

  it('does not run for the history found at the first scan, nor for disabled workflows', async () => {
    await importRows([conversation('old')]);
    const s = service();
    await createWorkflow(op.db, httpWorkflow('http://127.0.0.1:9'));
    const disabled = await createWorkflow(op.db, httpWorkflow('http://127.0.0.1:9', { enabled: false }));
    expect(await s.scan()).toMatchObject({ initialized: true, runs: 0 });
    advance(1000);
    await importRows([conversation('new')]);
    const scan = await s.scan();
    expect(scan?.runs).toBe(1);
    expect(await runsOf(disabled.id)).toEqual([]);
  });

  it('enqueues only the conversations whose conditions hold', async () => {
    const s = service();
    const workflow = await createWorkflow(
      op.db,
      httpWorkflow('http://127.0.0.1:9', {
        conditions: [
          { field: 'channel', op: 'in', value: ['chat', 'email'] },
          { field: 'category', op: 'contains', value: 'bill' },
          { field: 'inboundCount', op: 'neq', value: 0 },
          { field: 'wrapUpCode', op: 'exists' },
        ],
      }),
    );
    await startWith(
      [
        conversation('match'),
        conversation('voice', { channel: 'voice' }),
        conversation('other-category', { category: 'Delivery' }),
        conversation('silent', { inbound_count: 0 }),
        conversation('no-wrap-up', { wrap_up_code: undefined }),
      ],
      s,
    );
    expect((await s.scan())?.runs).toBe(1);
    expect((await runsOf(workflow.id)).map((r) => r.conversationId)).toEqual(['match']);
  });

  it('evaluates each operator', () => {
    const vars = { channel: 'chat', inboundCount: 3, summary: 'Refund ISSUED', team: null };
    const holds = (c: Condition) => conditionHolds(c, vars);
    expect(holds({ field: 'channel', op: 'eq', value: 'chat' })).toBe(true);
    expect(holds({ field: 'channel', op: 'eq', value: 'Chat' })).toBe(false);
    expect(holds({ field: 'inboundCount', op: 'eq', value: '3' })).toBe(true);
    expect(holds({ field: 'inboundCount', op: 'eq', value: 3 })).toBe(true);
    expect(holds({ field: 'team', op: 'eq', value: null })).toBe(true);
    expect(holds({ field: 'team', op: 'neq', value: 'Tier 1' })).toBe(true);
    expect(holds({ field: 'channel', op: 'neq', value: 'chat' })).toBe(false);
    expect(holds({ field: 'channel', op: 'in', value: ['voice', 'chat'] })).toBe(true);
    expect(holds({ field: 'inboundCount', op: 'in', value: [1, 2] })).toBe(false);
    expect(holds({ field: 'summary', op: 'contains', value: 'issued' })).toBe(true);
    expect(holds({ field: 'team', op: 'contains', value: 'x' })).toBe(false);
    expect(holds({ field: 'team', op: 'exists' })).toBe(false);
    expect(holds({ field: 'team', op: 'exists', value: false })).toBe(true);
    expect(holds({ field: 'channel', op: 'exists' })).toBe(true);
  });

  it('reads Genesys-derived conversations, versioned by their trigger variables', async () => {
    const genesys = await scenarioStore();
    try {
      const s = new WorkflowService({ store: genesys, db: op.db, config: config(), env, now });
      const workflow = await createWorkflow(op.db, httpWorkflow('http://127.0.0.1:9'));
      // As if the first scan had found the store empty: everything closed in it is new.
      await op.db
        .insertInto('workflow_scan_cursors')
        .values({
          trigger: 'conversation.closed',
          data_stamp: null,
          scheme: null,
          scanned_at: now().toISOString(),
        })
        .execute();
      const scan = await s.scan();
      const closed = await genesys.db.all<{ id: string }>(
        `SELECT conversation_id AS id FROM support_conversations WHERE resolved_at IS NOT NULL`,
      );
      expect(closed.length).toBeGreaterThan(0);
      expect(scan?.runs).toBe(closed.length);
      const runs = await listRuns(op.db, workflow.id, { limit: 1000 });
      expect(runs.map((r) => r.conversationId).sort()).toEqual(closed.map((c) => c.id).sort());
      for (const run of runs) {
        const { eventId, workflowId, workflowName, ...variables } = run.variables;
        expect(eventId).toBe(run.key);
        expect(run.version).toBe(versionOf(variables));
      }
      const variables = runs[0]?.variables ?? {};
      expect(variables.origin).toBe('genesys');
      expect(typeof variables.openedAt).toBe('string');
      expect(typeof variables.resolvedAt).toBe('string');
      expect((await s.scan())?.runs).toBe(0);
    } finally {
      genesys.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Versions: what makes a workflow run again
// ---------------------------------------------------------------------------------------------

interface MessageInput {
  message_id: string;
  conversation_id: string;
  contact_id: string;
  sent_at: string;
  sender_type: string;
  sender_id?: string;
  content?: string;
  channel?: string;
  status?: string;
  failure_reason?: string;
}

/** Imports messages (JSON) stamped with the test clock. */
async function importMessageRows(rows: MessageInput[]): Promise<void> {
  const file = path.join(dataDir, `messages-${clock}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(rows));
  await importMessages(store, file, { now: now() });
}

const runsOldestFirst = async (workflowId: number) => (await runsOf(workflowId)).reverse();

describe('conversation versions', () => {
  it('an imported conversation runs again exactly when a variable changes, whatever table it comes from', async () => {
    const s = service();
    const all = await createWorkflow(op.db, httpWorkflow('http://127.0.0.1:9'));
    const rated = await createWorkflow(
      op.db,
      httpWorkflow('http://127.0.0.1:9', { name: 'Rated', conditions: [{ field: 'csat', op: 'exists' }] }),
    );
    const closed = conversation('c1', { inbound_count: undefined, outbound_count: undefined });
    await startWith([closed], s);

    // Imported closed, scanned: one run (the rated workflow's condition does not hold).
    expect(await s.scan()).toMatchObject({ conversations: 1, runs: 1 });
    // The same state scanned again, and the same row imported again later: nothing.
    expect(await s.scan()).toMatchObject({ unchanged: true, runs: 0 });
    advance(1000);
    await importRows([closed]);
    expect(await s.scan()).toMatchObject({ conversations: 0, runs: 0 });

    // Its messages, imported later (support_messages only; the conversation's row does not move): the
    // counts and the first response change, one more run.
    advance(1000);
    await importMessageRows([
      {
        message_id: 'm1',
        conversation_id: 'c1',
        contact_id: 'contact-c1',
        sent_at: '2024-06-01T08:01:00Z',
        sender_type: 'contact',
      },
      {
        message_id: 'm2',
        conversation_id: 'c1',
        contact_id: 'contact-c1',
        sent_at: '2024-06-01T08:02:00Z',
        sender_type: 'contact',
      },
      {
        message_id: 'm3',
        conversation_id: 'c1',
        contact_id: 'contact-c1',
        sent_at: '2024-06-01T08:07:00Z',
        sender_type: 'agent',
        sender_id: 'agent-1',
      },
    ]);
    expect(await s.scan()).toMatchObject({ conversations: 1, runs: 1 });
    expect(await s.scan()).toMatchObject({ unchanged: true, runs: 0 });

    // A CSAT from a file that gives only it (the columns it lacks keep their values): one more run, the
    // rated workflow's first.
    advance(1000);
    const csat = path.join(dataDir, `csat-${clock}.csv`);
    writeFileSync(csat, 'Conversation ID,Opened At,CSAT\nc1,2024-06-01T08:00:00Z,5\n');
    expect(await importConversations(store, csat, { now: now() })).toMatchObject({ updated: 1 });
    expect(await s.scan()).toMatchObject({ conversations: 1, runs: 2 });
    expect(await s.scan()).toMatchObject({ unchanged: true, runs: 0 });

    const runs = await runsOldestFirst(all.id);
    expect(
      runs.map((r) => [
        r.variables.inboundCount,
        r.variables.messageCount,
        r.variables.firstResponseSeconds,
        r.variables.csat,
        r.variables.channel,
      ]),
    ).toEqual([
      [null, 0, 300, null, 'chat'],
      [2, 3, 360, null, 'chat'],
      [2, 3, 360, 5, 'chat'],
    ]);
    expect(new Set(runs.map((r) => r.version)).size).toBe(3);
    expect((await runsOf(rated.id)).map((r) => [r.conversationId, r.variables.csat])).toEqual([['c1', 5]]);
  });

  it('a Genesys conversation: a survey from a separate file runs again, a raw record that changes no variable does not', async () => {
    const genesys = await scenarioStore();
    const eventlog = parseConfig({});
    try {
      const s = new WorkflowService({ store: genesys, db: op.db, config: config(), env, now });
      const all = await createWorkflow(op.db, httpWorkflow('http://127.0.0.1:9'));
      const rated = await createWorkflow(
        op.db,
        httpWorkflow('http://127.0.0.1:9', { name: 'Rated', conditions: [{ field: 'csat', op: 'exists' }] }),
      );
      // History: the first scan records what is there and runs nothing.
      expect(await s.scan()).toMatchObject({ initialized: true, runs: 0 });
      expect(await s.scan()).toMatchObject({ unchanged: true, runs: 0 });
      const target = await genesys.db.one<{ id: string; resolved: string }>(
        `SELECT conversation_id AS id, strftime(resolved_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS resolved
         FROM support_conversations WHERE origin = 'genesys' AND resolved_at IS NOT NULL AND csat IS NULL
         ORDER BY conversation_id LIMIT 1`,
      );
      const id = target?.id ?? '';
      expect(id).not.toBe('');

      // A survey file imported later (a regroup; the conversation's last_data_update does not move).
      const surveys = path.join(dataDir, `surveys-${clock}.ndjson`);
      writeFileSync(
        surveys,
        `${JSON.stringify({ conversationId: id, sentDate: target?.resolved, score: 5 })}\n`,
      );
      advance(1000);
      await importGenesys(genesys, [], { config: eventlog, surveys, now: now() });
      expect(await s.scan()).toMatchObject({ unchanged: false, conversations: 1, runs: 2 });
      expect((await runsOf(all.id)).map((r) => r.conversationId)).toEqual([id]);
      expect((await runsOf(rated.id)).map((r) => [r.conversationId, r.variables.csat])).toEqual([[id, 5]]);
      expect(await s.scan()).toMatchObject({ unchanged: true, runs: 0 });

      // Its raw record changes (one more division) and is imported again: its row is rewritten with a new
      // last_data_update, but no variable changes: the same version, no run.
      const stamp = `strftime(last_data_update, '%Y-%m-%dT%H:%M:%S.%gZ')`;
      const before = await genesys.db.one<{ record: string; updated: string }>(
        `SELECT r.record, ${stamp.replace('last_data_update', 's.last_data_update')} AS updated
         FROM raw_conversations r JOIN support_conversations s USING (conversation_id)
         WHERE conversation_id = $id`,
        { id },
      );
      const record = JSON.parse(before?.record ?? '{}') as { divisionIds?: string[] };
      record.divisionIds = [...(record.divisionIds ?? []), 'another-division'];
      const file = path.join(dataDir, `record-${clock}.json`);
      writeFileSync(file, JSON.stringify({ conversations: [record] }));
      advance(60_000);
      expect(await importGenesys(genesys, [file], { config: eventlog, now: now() })).toMatchObject({
        updated: 1,
      });
      const after = await genesys.db.one<{ updated: string }>(
        `SELECT ${stamp} AS updated FROM support_conversations WHERE conversation_id = $id`,
        { id },
      );
      expect(after?.updated).not.toBe(before?.updated);
      expect(await s.scan()).toMatchObject({ unchanged: false, conversations: 0, runs: 0 });
      expect(await runsOf(all.id)).toHaveLength(1);
    } finally {
      genesys.close();
    }
  });

  it('a change of support.teams re-baselines the conversations already seen, without running them', async () => {
    const s = service();
    const workflow = await createWorkflow(op.db, httpWorkflow('http://127.0.0.1:9'));
    await startWith([conversation('c1')], s);
    expect(await s.scan()).toMatchObject({ runs: 1 });
    advance(1000);
    await importRows([conversation('c2')]);
    // The server restarts with teams configured: c1's team changes (seen: re-baselined), c2 is new.
    const withTeams = new WorkflowService({
      store,
      db: op.db,
      config: parseConfig({ support: { teams: { Escalations: ['agent-1'] } } }),
      env,
      now,
    });
    expect(await withTeams.scan()).toMatchObject({ rebaselined: true, conversations: 2, runs: 1 });
    const runs = await runsOldestFirst(workflow.id);
    expect(runs.map((r) => [r.conversationId, r.variables.team])).toEqual([
      ['c1', 'Tier 1'],
      ['c2', 'Escalations'],
    ]);
    expect(await withTeams.scan()).toMatchObject({ unchanged: true, runs: 0 });
  });
});

describe('export and import round trip', () => {
  it('an export read back changes no row and makes no new version', async () => {
    const s = service();
    const workflow = await createWorkflow(op.db, httpWorkflow('http://127.0.0.1:9'));
    await startWith(
      [
        {
          ...conversation('c1', { category: '+promo', summary: '=SUM(A1) and "quotes", commas' }),
          assignee_name: 'Ada Agent',
          resolver: 'agent-2',
          resolver_name: 'Bob Agent',
          csat: 4,
          handle_time: 420,
          transfers: 1,
          service_request: 'SR-1',
          opened_by: 'contact',
        },
        // Its stored figures are those of its messages.
        conversation('c2', {
          inbound_count: 1,
          outbound_count: 1,
          first_response_at: '2024-06-01T08:10:00Z',
        }),
        // Its stored figures are not: the export writes its messages' figures.
        conversation('c3', { inbound_count: 9, outbound_count: 9 }),
      ],
      s,
    );
    await importMessageRows([
      {
        message_id: 'm1',
        conversation_id: 'c2',
        contact_id: 'contact-c2',
        sent_at: '2024-06-01T08:02:00Z',
        sender_type: 'contact',
        sender_id: 'contact-c2',
        content: '-5 euros, please',
        channel: 'chat',
      },
      {
        message_id: 'm2',
        conversation_id: 'c2',
        contact_id: 'contact-c2',
        sent_at: '2024-06-01T08:10:00Z',
        sender_type: 'agent',
        sender_id: 'agent-1',
        content: '@customer done',
        channel: 'chat',
        status: 'read',
      },
      {
        message_id: 'm3',
        conversation_id: 'c3',
        contact_id: 'contact-c3',
        sent_at: '2024-06-01T08:01:00Z',
        sender_type: 'contact',
        content: '+1',
      },
      {
        message_id: 'm4',
        conversation_id: 'c3',
        contact_id: 'contact-c3',
        sent_at: '2024-06-01T08:20:00Z',
        sender_type: 'agent',
        content: 'ok',
      },
      {
        message_id: 'm5',
        conversation_id: 'c3',
        contact_id: 'contact-c3',
        sent_at: '2024-06-01T08:30:00Z',
        sender_type: 'api',
        content: '=HYPERLINK("x")',
        status: 'failed',
        failure_reason: 'blocked',
      },
    ]);
    expect(await s.scan()).toMatchObject({ conversations: 3, runs: 3 });

    const conversations = () =>
      store.db.all(
        'SELECT * EXCLUDE (last_data_update), last_data_update::VARCHAR AS at FROM support_conversations ORDER BY conversation_id',
      );
    const messages = () =>
      store.db.all(
        'SELECT * EXCLUDE (last_data_update), last_data_update::VARCHAR AS at FROM support_messages ORDER BY message_id',
      );
    const versions = () =>
      op.db.selectFrom('workflow_conversation_versions').selectAll().orderBy('conversation_id').execute();
    const [conversationsBefore, messagesBefore, versionsBefore] = [
      await conversations(),
      await messages(),
      await versions(),
    ];

    const out = tempDir('caseflow-wf-export-');
    const range = {
      lang: 'en' as const,
      from: Date.parse('2024-06-01T00:00:00Z'),
      to: Date.parse('2024-06-02T00:00:00Z'),
    };
    const conversationsFile = path.join(out, 'conversations.csv');
    const messagesFile = path.join(out, 'messages.csv');
    await writeExport(store, { kind: 'conversations', scope: FULL_SCOPE, ...range }, conversationsFile);
    await writeExport(store, { kind: 'messages', scope: FULL_SCOPE, ...range }, messagesFile);
    // The exports neutralized the formulas; reading them back restores the text.
    expect(readFileSync(conversationsFile, 'utf8')).toContain(`"'=SUM(A1) and ""quotes"", commas"`);
    expect(readFileSync(conversationsFile, 'utf8')).toContain("'+promo");
    expect(readFileSync(messagesFile, 'utf8')).toContain("'-5 euros");

    advance(60_000);
    expect(await importConversations(store, conversationsFile, { now: now() })).toMatchObject({
      rows: 3,
      added: 0,
      updated: 1,
      unchanged: 2,
      rejected: 0,
    });
    expect(await importMessages(store, messagesFile, { now: now() })).toMatchObject({
      rows: 5,
      added: 0,
      updated: 0,
      unchanged: 5,
      rejected: 0,
    });
    const conversationsAfter = await conversations();
    expect(conversationsAfter.slice(0, 2)).toEqual(conversationsBefore.slice(0, 2));
    expect(await messages()).toEqual(messagesBefore);
    // c3: the export wrote the figures of its messages, which the import stores as the source's; nothing
    // else changed, and the variables read the messages' figures either way.
    const changed = Object.keys(conversationsAfter[2] ?? {}).filter(
      (k) => JSON.stringify(conversationsAfter[2]?.[k]) !== JSON.stringify(conversationsBefore[2]?.[k]),
    );
    expect(changed.sort()).toEqual([
      'at',
      'first_response_at',
      'inbound_count',
      'outbound_count',
      'record_hash',
    ]);

    expect(await s.scan()).toMatchObject({ unchanged: false, conversations: 0, runs: 0 });
    expect(await versions()).toEqual(versionsBefore);
    expect(await runsOf(workflow.id)).toHaveLength(3);
    rmSync(out, { recursive: true, force: true });
  });
});

// ---------------------------------------------------------------------------------------------
// Validation and templates
// ---------------------------------------------------------------------------------------------

describe('workflow validation', () => {
  const step = (s: Record<string, unknown>) => ({ name: 'w', steps: [s] });

  it('names the step and field of each problem', () => {
    const bad = (input: unknown) => {
      try {
        parseWorkflowInput(input);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('expected a validation error');
    };
    expect(bad(step({ type: 'http', url: 'https://x.test/{{conversationID}}' }))).toMatch(
      /^steps\/0\/url: unknown variable \{\{conversationID\}\}: did you mean \{\{conversationId\}\}\?/,
    );
    expect(bad(step({ type: 'http', url: 'https://x.test', body: '{"a": "{{nope}}"}' }))).toMatch(
      /steps\/0\/body: unknown variable \{\{nope\}\}/,
    );
    expect(bad(step({ type: 'http', url: 'https://x.test', body: '{"a": {{conversationId}} ' }))).toMatch(
      /steps\/0\/body: not JSON once the variables are filled in/,
    );
    expect(bad(step({ type: 'http', url: 'ftp://x.test' }))).toMatch(/steps\/0\/url: must start with http/);
    expect(bad(step({ type: 'http', url: 'https://x.test', headers: { 'X-A': '{{ bad name }}' } }))).toMatch(
      /steps\/0\/headers\/X-A: "\{\{ bad name \}\}" is not a placeholder/,
    );
    expect(
      bad({
        name: 'w',
        steps: [
          { type: 'http', url: 'https://x.test' },
          {
            type: 'sheets',
            spreadsheetId: 'abc',
            range: 'Sheet1!A1',
            values: ['{{conversationId}}', '{{x}}'],
          },
        ],
      }),
    ).toMatch(/steps\/1\/values\/1: unknown variable \{\{x\}\}/);
    expect(
      bad(
        step({
          type: 'warehouse',
          connectionUrlEnv: 'WH',
          table: 'a.b.c',
          columns: { id: '{{conversationId}}' },
        }),
      ),
    ).toMatch(/steps\/0\/table: not a table name/);
    expect(
      bad(step({ type: 'warehouse', connectionUrlEnv: 'WH', table: 't', columns: { 'id; drop': '1' } })),
    ).toMatch(/steps\/0\/columns\/id; drop: not a column name/);
    expect(
      bad(
        step({
          type: 'warehouse',
          connectionUrlEnv: 'WH',
          table: 't',
          columns: { id: '1' },
          keyColumns: ['k'],
        }),
      ),
    ).toMatch(/steps\/0\/keyColumns\/0: "k" is not one of the columns/);
    expect(
      bad({
        name: 'w',
        conditions: [{ field: 'colour', op: 'eq', value: 'x' }],
        steps: [{ type: 'http', url: 'https://x.test' }],
      }),
    ).toMatch(/conditions\/0\/field: unknown variable "colour"/);
    expect(
      bad({
        name: 'w',
        conditions: [{ field: 'channel', op: 'in', value: 'chat' }],
        steps: [{ type: 'http', url: 'https://x.test' }],
      }),
    ).toMatch(/conditions\/0\/value: in needs a non-empty list/);
    expect(bad({ name: 'w', steps: [] })).toMatch(/^steps: /);
    expect(
      bad(step({ type: 'http', url: 'https://x.test', signature: { secretEnv: 'not a name' } })),
    ).toMatch(/steps\/0\/signature\/secretEnv: not an environment variable name/);
  });

  it('renders JSON templates with values escaped inside strings and as literals outside', () => {
    const vars = { a: 'x"y\\z\n', n: 2.5, none: null };
    expect(
      renderJson(
        '{"s": "<{{a}}>", "v": {{a}}, "n": {{n}}, "m": "{{n}}", "z": {{none}}, "e": "{{ none }}"}',
        vars,
      ),
    ).toBe('{"s": "<x\\"y\\\\z\\n>", "v": "x\\"y\\\\z\\n", "n": 2.5, "m": "2.5", "z": null, "e": ""}');
    expect(JSON.parse(renderJson('{"k": "a \\" {{a}}"}', vars))).toEqual({ k: 'a " x"y\\z\n' });
  });

  it('neutralizes spreadsheet formulas and keeps numbers', () => {
    expect(['=1+1', '+33 1', '-x', '@SUM(A1)', 'plain', '\tx'].map(sheetCell)).toEqual([
      "'=1+1",
      "'+33 1",
      "'-x",
      "'@SUM(A1)",
      'plain',
      "'\tx",
    ]);
    expect([sheetCell(-3), sheetCell(null)]).toEqual([-3, '']);
  });
});

// ---------------------------------------------------------------------------------------------
// Google Sheets
// ---------------------------------------------------------------------------------------------

describe('append a spreadsheet row', () => {
  it('gets a token with a signed JWT assertion and appends the row', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const tokenRequests: {
      grant: string | null;
      header: Record<string, unknown>;
      claims: Record<string, unknown>;
      valid: boolean;
    }[] = [];
    const google = await receiver((req) => {
      if (req.url === '/token') {
        const form = new URLSearchParams(req.body);
        const [h = '', c = '', sig = ''] = (form.get('assertion') ?? '').split('.');
        const valid = verify(
          'RSA-SHA256',
          Buffer.from(`${h}.${c}`),
          publicKey,
          Buffer.from(sig, 'base64url'),
        );
        tokenRequests.push({
          grant: form.get('grant_type'),
          header: JSON.parse(Buffer.from(h, 'base64url').toString()),
          claims: JSON.parse(Buffer.from(c, 'base64url').toString()),
          valid,
        });
        return valid
          ? {
              status: 200,
              body: JSON.stringify({ access_token: 'tok-1', expires_in: 3600, token_type: 'Bearer' }),
            }
          : { status: 400 };
      }
      if (req.headers.authorization !== 'Bearer tok-1') return { status: 401 };
      return { status: 200, body: JSON.stringify({ updates: { updatedRange: 'Sheet1!A7:D7' } }) };
    });
    const keyFile = path.join(dataDir, 'service-account.json');
    writeFileSync(
      keyFile,
      JSON.stringify({
        type: 'service_account',
        client_email: 'caseflow@test.iam.gserviceaccount.com',
        private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
        private_key_id: 'key-1',
        token_uri: `${google.url}/token`,
      }),
    );
    const s = service(config({ googleServiceAccountFile: keyFile, sheetsBaseUrl: google.url }));
    const workflow = await createWorkflow(
      op.db,
      parseWorkflowInput({
        name: 'To the sheet',
        steps: [
          {
            type: 'sheets',
            spreadsheetId: 'sheet-123',
            range: 'Conversations!A1',
            values: ['{{conversationId}}', '{{inboundCount}}', '{{summary}}', 'team {{team}}', '{{csat}}'],
          },
        ],
      }),
    );
    await startWith([conversation('c1', { summary: '=HYPERLINK("http://evil")' }), conversation('c2')], s);
    await s.scan();
    expect((await s.dispatchDue()).map((r) => r.status)).toEqual(['delivered', 'delivered']);

    expect(tokenRequests).toHaveLength(1); // cached for the second run
    const [token] = tokenRequests;
    expect(token?.valid).toBe(true);
    expect(token?.grant).toBe(JWT_BEARER_GRANT);
    expect(token?.header).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'key-1' });
    expect(token?.claims).toMatchObject({
      iss: 'caseflow@test.iam.gserviceaccount.com',
      scope: SHEETS_SCOPE,
      aud: `${google.url}/token`,
      iat: Math.floor(clock / 1000),
      exp: Math.floor(clock / 1000) + 3600,
    });
    const appends = google.requests.filter((r) => r.url !== '/token');
    expect(appends.map((r) => [r.method, r.url])).toEqual([
      ['POST', '/v4/spreadsheets/sheet-123/values/Conversations!A1:append?valueInputOption=RAW'],
      ['POST', '/v4/spreadsheets/sheet-123/values/Conversations!A1:append?valueInputOption=RAW'],
    ]);
    expect(JSON.parse(appends[0]?.body ?? '')).toEqual({
      values: [['c1', 4, '\'=HYPERLINK("http://evil")', 'team Tier 1', '']],
    });
    const [run] = await listRuns(op.db, workflow.id, { limit: 1 });
    expect(run?.deliveries[0]?.responseCode).toBe(200);
  });

  it('fails the step with a readable error when no service account is configured', async () => {
    const s = service();
    await createWorkflow(
      op.db,
      parseWorkflowInput({
        name: 'No account',
        steps: [{ type: 'sheets', spreadsheetId: 'x', range: 'A1', values: ['{{conversationId}}'] }],
      }),
    );
    await startWith([conversation('c1')], s);
    await s.scan();
    const [result] = await s.dispatchDue();
    expect(result?.error).toMatch(/workflows\.googleServiceAccountFile is not configured/);
  });
});

// ---------------------------------------------------------------------------------------------
// Warehouse (a PostgreSQL server)
// ---------------------------------------------------------------------------------------------

describe.skipIf(!SERVER_URL)('insert into a warehouse table (CASEFLOW_TEST_DATABASE_URL)', () => {
  const schema = `caseflow_wh_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const sql = async (text: string) => {
    const client = new pg.Client({ connectionString: SERVER_URL });
    await client.connect();
    try {
      return await client.query(text);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    await sql(`create schema ${schema}`);
    await sql(`create table ${schema}.closed (
      conversation_id text primary key, resolved_at timestamptz, inbound integer, summary text, channel text)`);
  });
  afterAll(async () => {
    await sql(`drop schema if exists ${schema} cascade`);
  });

  it('inserts one row per conversation, once, with parameters', async () => {
    const s = service(config(), { env: { ...env, WAREHOUSE_URL: SERVER_URL } });
    const workflow = await createWorkflow(
      op.db,
      parseWorkflowInput({
        name: 'To the warehouse',
        steps: [
          {
            type: 'warehouse',
            connectionUrlEnv: 'WAREHOUSE_URL',
            table: `${schema}.closed`,
            columns: {
              conversation_id: '{{conversationId}}',
              resolved_at: '{{resolvedAt}}',
              inbound: '{{inboundCount}}',
              summary: '{{summary}}',
              channel: 'via {{channel}}',
            },
            keyColumns: ['conversation_id'],
          },
        ],
      }),
    );
    await startWith([conversation('c1', { summary: "O'Brien'); drop table x; --" })], s);
    await s.scan();
    expect((await s.dispatchDue()).map((r) => r.status)).toEqual(['delivered']);
    const [run] = await runsOf(workflow.id);
    await s.rerun(run?.id ?? 0); // delivered again: the key makes it a no-op
    expect((await s.dispatchDue()).map((r) => r.status)).toEqual(['delivered']);

    const rows = await sql(
      `select conversation_id, resolved_at, inbound, summary, channel from ${schema}.closed`,
    );
    expect(rows.rows).toEqual([
      {
        conversation_id: 'c1',
        resolved_at: new Date('2024-06-01T09:30:00Z'),
        inbound: 4,
        summary: "O'Brien'); drop table x; --",
        channel: 'via chat',
      },
    ]);
    const test = await s.test(workflow.id);
    expect(test.steps[0]).toMatchObject({ ok: true, detail: 'no row inserted (the key is already there)' });
  });

  it('reports a failed insert without the password', async () => {
    const url = new URL(SERVER_URL ?? '');
    url.password = 'pa55word-secret';
    url.username = 'nobody';
    const s = service(config(), { env: { ...env, WAREHOUSE_URL: url.toString() } });
    await createWorkflow(
      op.db,
      parseWorkflowInput({
        name: 'Wrong user',
        steps: [
          {
            type: 'warehouse',
            connectionUrlEnv: 'WAREHOUSE_URL',
            table: `${schema}.closed`,
            columns: { conversation_id: '{{conversationId}}' },
          },
        ],
      }),
    );
    await startWith([conversation('c1')], s);
    await s.scan();
    const [result] = await s.dispatchDue();
    expect(result?.status).toBe('retry');
    expect(result?.error).not.toContain('pa55word-secret');
  });
});

// ---------------------------------------------------------------------------------------------
// API and CLI
// ---------------------------------------------------------------------------------------------

describe('workflows API', () => {
  it('creates, validates, lists, tests, shows runs, re-runs and deletes', async () => {
    const hook = await receiver(() => ({ status: 202, body: '{"queued":true}' }));
    const cfg = config();
    const app = await buildApp({ store, config: cfg, operational: op, webRoot: null, env });
    try {
      const input = {
        name: 'Webhook',
        conditions: [{ field: 'channel', op: 'eq', value: 'chat' }],
        steps: [
          {
            type: 'http',
            url: `${hook.url}/in`,
            body: '{"id": "{{conversationId}}"}',
            signature: { secretEnv: 'WEBHOOK_SECRET' },
          },
        ],
      };
      const bad = await app.inject({
        method: 'POST',
        url: '/api/v1/workflows',
        payload: { ...input, steps: [{ ...input.steps[0], body: '{"id": "{{conversation}}"}' }] },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().message).toMatch(/steps\/0\/body: unknown variable \{\{conversation\}\}/);

      const created = await app.inject({ method: 'POST', url: '/api/v1/workflows', payload: input });
      expect(created.statusCode).toBe(201);
      const workflow = created.json();
      expect(workflow).toMatchObject({ name: 'Webhook', enabled: true, trigger: 'conversation.closed' });
      expect(workflow.steps[0]).toMatchObject({ method: 'POST', timeoutMs: 10_000, headers: {} });

      const list = await app.inject({ method: 'GET', url: '/api/v1/workflows' });
      expect(list.json().items.map((w: { id: number }) => w.id)).toEqual([workflow.id]);
      expect((await app.inject({ method: 'GET', url: `/api/v1/workflows/${workflow.id}` })).json().name).toBe(
        'Webhook',
      );
      expect((await app.inject({ method: 'GET', url: '/api/v1/workflows/999999' })).statusCode).toBe(404);

      const variables = await app.inject({ method: 'GET', url: '/api/v1/workflows/variables' });
      expect(variables.json().variables.map((v: { name: string }) => v.name)).toContain(
        'firstResponseSeconds',
      );

      // "Send a sample": nothing to test with yet, then the latest closed conversation, or a given one.
      expect(
        (await app.inject({ method: 'POST', url: `/api/v1/workflows/${workflow.id}/test` })).statusCode,
      ).toBe(404);
      await importRows([
        conversation('early', { resolved_at: '2024-06-01T09:00:00Z' }),
        conversation('late', { resolved_at: '2024-06-01T11:00:00Z', channel: 'voice' }),
      ]);
      const test = await app.inject({
        method: 'POST',
        url: `/api/v1/workflows/${workflow.id}/test`,
        payload: {},
      });
      expect(test.statusCode).toBe(200);
      expect(test.json()).toMatchObject({
        conversationId: 'late',
        conditionsMatch: false,
        ok: true,
        steps: [
          { index: 0, type: 'http', ok: true, responseCode: 202, detail: '{"queued":true}', skipped: false },
        ],
      });
      const given = await app.inject({
        method: 'POST',
        url: `/api/v1/workflows/${workflow.id}/test`,
        payload: { conversationId: 'early' },
      });
      expect(given.json()).toMatchObject({ conversationId: 'early', conditionsMatch: true });
      expect(hook.requests.map((r) => JSON.parse(r.body).id)).toEqual(['late', 'early']);
      expect(hook.requests[0]?.headers['x-caseflow-signature']).toBe(
        `sha256=${createHmac('sha256', SECRET)
          .update(hook.requests[0]?.body ?? '')
          .digest('hex')}`,
      );
      expect(await op.db.selectFrom('workflow_runs').selectAll().execute()).toEqual([]); // a test enqueues nothing

      // A run, then its listing and a re-run.
      const s = service();
      await op.db
        .insertInto('workflow_scan_cursors')
        .values({
          trigger: 'conversation.closed',
          data_stamp: null,
          scheme: null,
          scanned_at: now().toISOString(),
        })
        .execute();
      expect((await s.scan())?.runs).toBe(1); // 'early' is chat
      await s.dispatchDue();
      const runs = await app.inject({
        method: 'GET',
        url: `/api/v1/workflows/${workflow.id}/runs?status=delivered`,
      });
      const [run] = runs.json().items;
      expect(run).toMatchObject({ conversationId: 'early', status: 'delivered', attempts: 1 });
      expect(run.deliveries).toMatchObject([{ stepIndex: 0, attempt: 1, status: 'ok', responseCode: 202 }]);
      expect(
        (await app.inject({ method: 'GET', url: `/api/v1/workflows/${workflow.id}/runs?status=dead` })).json()
          .items,
      ).toEqual([]);
      expect(
        (await app.inject({ method: 'GET', url: `/api/v1/workflows/${workflow.id}/runs?status=nope` }))
          .statusCode,
      ).toBe(400);

      const rerun = await app.inject({ method: 'POST', url: `/api/v1/workflows/runs/${run.id}/rerun` });
      expect(rerun.statusCode).toBe(202);
      expect(rerun.json()).toMatchObject({ id: run.id, status: 'pending', completedSteps: [] });
      expect(
        (await app.inject({ method: 'POST', url: '/api/v1/workflows/runs/999999/rerun' })).statusCode,
      ).toBe(404);

      const updated = await app.inject({
        method: 'PUT',
        url: `/api/v1/workflows/${workflow.id}`,
        payload: { ...input, enabled: false },
      });
      expect(updated.json()).toMatchObject({ id: workflow.id, enabled: false });
      expect(
        (
          await app.inject({
            method: 'PUT',
            url: `/api/v1/workflows/${workflow.id}`,
            payload: { name: 'x', steps: [] },
          })
        ).statusCode,
      ).toBe(400);

      const openapi = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
      expect(Object.keys(openapi.paths)).toContain('/api/v1/workflows/{id}/runs');

      expect(
        (await app.inject({ method: 'DELETE', url: `/api/v1/workflows/${workflow.id}` })).statusCode,
      ).toBe(204);
      expect(
        (await app.inject({ method: 'DELETE', url: `/api/v1/workflows/${workflow.id}` })).statusCode,
      ).toBe(404);
      expect(await op.db.selectFrom('workflow_runs').selectAll().execute()).toEqual([]);
      expect(await op.db.selectFrom('outbox').selectAll().where('topic', '=', RUN_TOPIC).execute()).toEqual(
        [],
      );
    } finally {
      await app.close();
    }
  });

  it('is not served without the operational store', async () => {
    const app = await buildApp({ store, config: config(), webRoot: null });
    try {
      expect((await app.inject({ method: 'GET', url: '/api/v1/workflows' })).statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });
});

describe('caseflow workflows (CLI)', () => {
  it('lists workflows and dead runs, and re-runs one', async () => {
    const hook = await receiver(() => ({ status: 500 }));
    const s = service(config({ retry: { maxAttempts: 1 } }));
    const workflow = await createWorkflow(op.db, httpWorkflow(hook.url));
    await startWith([conversation('c1')], s);
    await s.scan();
    expect((await s.dispatchDue()).map((r) => r.status)).toEqual(['dead']);
    const [dead] = await runsOf(workflow.id);
    // The CLI opens the PGlite data directory itself: this process lets go of it first.
    await op.close();
    const bin = path.resolve(import.meta.dirname, '../bin/caseflow.js');
    const caseflow = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          [bin, '--data-dir', dataDir, 'workflows', ...args],
          (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        );
      });
    const runs = await caseflow(['runs', String(workflow.id), '--status', 'dead']);
    expect(runs.code).toBe(0);
    expect(runs.stdout).toMatch(new RegExp(`^${dead?.id}\\s+c1\\s+dead\\s+1\\s`, 'm'));
    const rerun = await caseflow(['rerun', String(dead?.id), '--json']);
    expect(rerun.code).toBe(0);
    expect(JSON.parse(rerun.stdout)).toMatchObject({ id: dead?.id, status: 'pending', key: dead?.key });
    expect(workflowsText([workflow])).toMatch(
      new RegExp(`^${workflow.id}\\s+To the webhook\\s+yes\\s+0\\s+http$`, 'm'),
    );
  });
});
