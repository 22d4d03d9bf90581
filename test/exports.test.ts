/**
 * Data exports (README "Data exports"): the columns and their order for each kind, spreadsheet-safe cells,
 * range boundaries, the background run through the API (PGlite, and a PostgreSQL server when
 * CASEFLOW_TEST_DATABASE_URL is set), expiry with an injected clock, crash recovery, and the CLI.
 * Every expected value is worked out by hand from the rows written below.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FULL_SCOPE } from '../src/access/index.ts';
import { parseConfig } from '../src/config/index.ts';
import { ATTRIBUTES } from '../src/eventlog/index.ts';
import { createExport, MAX_EXPORT_ATTEMPTS } from '../src/reports/export-history.ts';
import {
  checkRange,
  type ExportRequest,
  exportFileName,
  exportHeaders,
  parseInstant,
  writeExport,
} from '../src/reports/exports.ts';
import type { AppOptions } from '../src/server/app.ts';
import { buildApp } from '../src/server/index.ts';
import { importConversations } from '../src/sources/conversations/index.ts';
import { type OperationalStore, openOperationalStore, openStore, type Store } from '../src/store/index.ts';
import { type FreshDatabase, freshOperationalDatabase, operationalBackends, tempDir } from './support.ts';

const BIN = path.resolve(import.meta.dirname, '../bin/caseflow.js');

// ---------------------------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------------------------

type Value = string | number | boolean | null;

/** Inserts rows into a DuckDB table; times are written as ISO-8601 UTC (…Z). */
async function insert(store: Store, table: string, rows: readonly Record<string, Value>[]): Promise<void> {
  for (const row of rows) {
    const columns = Object.keys(row);
    const values = columns.map((c) => {
      const v = row[c] ?? null;
      return typeof v === 'string' && /^\d{4}-\d\d-\d\dT.*Z$/.test(v) ? v.replace('T', ' ').slice(0, -1) : v;
    });
    await store.db.run(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
      values,
    );
  }
}

const conversation = (id: string, fields: Record<string, Value>): Record<string, Value> => ({
  conversation_id: id,
  origin: 'import',
  source_system: 'test',
  ...fields,
});

/** Range of the tests: 2024-05-06 (inclusive) to 2024-05-08 (exclusive), UTC. */
const FROM = '2024-05-06';
const TO = '2024-05-08';

const CONVERSATIONS = [
  conversation('c1', {
    opened_at: '2024-05-06T09:00:00Z',
    resolved_at: '2024-05-06T10:00:00Z',
    contact_id: 'K1',
    assignee_id: 'a1',
    assignee_name: 'Alice',
    resolver_id: 'a1',
    resolver_name: 'Alice',
    first_response_at: '2024-05-06T09:05:00Z',
    inbound_count: 4,
    outbound_count: 3,
    category: 'Billing',
    summary: '=HYPERLINK("http://evil.example","click")',
  }),
  // Resolved exactly at `from`: in.
  conversation('c2', {
    opened_at: '2024-05-05T23:00:00Z',
    resolved_at: '2024-05-06T00:00:00Z',
    contact_id: 'K2',
    assignee_id: 'a2',
    resolver_id: 'a2',
  }),
  // Resolved exactly at `to`: out.
  conversation('c3', { opened_at: '2024-05-07T20:00:00Z', resolved_at: '2024-05-08T00:00:00Z' }),
  // Not resolved: out.
  conversation('c4', { opened_at: '2024-05-06T08:00:00Z' }),
  // With messages: counts and first response come from them (not from the stored 99 / 99).
  conversation('c5', {
    opened_at: '2024-05-06T11:59:00Z',
    resolved_at: '2024-05-06T13:00:00Z',
    contact_id: '-5',
    assignee_id: '@admin',
    resolver_id: '+resolver',
    inbound_count: 99,
    outbound_count: 99,
    category: '+cmd',
    summary: 'line one\nline "two", with comma',
  }),
  // The last millisecond before `to`: in.
  conversation('c6', {
    opened_at: '2024-05-07T23:00:00Z',
    resolved_at: '2024-05-07T23:59:59.999Z',
    contact_id: 'K1',
    category: '\tTab',
  }),
];

const message = (id: string, fields: Record<string, Value>): Record<string, Value> => ({
  message_id: id,
  source_system: 'test',
  status: 'delivered',
  ...fields,
});

const MESSAGES = [
  message('m1', {
    conversation_id: 'c5',
    sent_at: '2024-05-06T12:00:00Z',
    direction: 'inbound',
    sender_id: '-5',
    sender_type: 'contact',
    contact_id: '-5',
    message_type: 'text',
    content: 'Hello, "world"',
  }),
  message('m2', {
    conversation_id: 'c5',
    sent_at: '2024-05-06T12:01:00Z',
    direction: 'outbound',
    sender_id: 'wf-1',
    sender_type: 'workflow',
    source: 'workflow',
    contact_id: '-5',
    message_type: 'text',
    content: '@here we got it',
  }),
  message('m3', {
    conversation_id: 'c5',
    sent_at: '2024-05-06T12:03:00Z',
    direction: 'outbound',
    sender_id: 'a2',
    sender_type: 'agent',
    source: 'agent',
    contact_id: '-5',
    message_type: 'text',
    content: '-1 refund?\r\nsee you',
  }),
  message('m4', {
    sent_at: '2024-05-07T08:00:00Z',
    direction: 'outbound',
    sender_id: 'bc-1',
    sender_type: 'broadcast',
    source: 'broadcast',
    contact_id: 'K9',
    message_type: 'template',
    content: '\t=SUM(A1:A9)',
    status: 'failed',
    failure_reason: '=1+2 "quota"',
  }),
  // At `to`: out; just before `from`: out.
  message('m5', {
    sent_at: '2024-05-08T00:00:00Z',
    direction: 'inbound',
    sender_type: 'contact',
    contact_id: 'K1',
    status: 'failed',
    failure_reason: 'late',
  }),
  message('m6', {
    sent_at: '2024-05-05T23:59:59.999Z',
    direction: 'inbound',
    sender_type: 'contact',
    contact_id: 'K1',
    status: 'failed',
    failure_reason: 'early',
  }),
];

const EVENT_BASE = {
  SourceSystem: 'test',
  LastDataUpdate: '2024-05-10T00:00:00Z',
  MediaType: 'chat',
  IsReopened: false,
  IsFirstContactResolution: true,
} as const;

const EVENTS: Record<string, Value>[] = [
  {
    ...EVENT_BASE,
    ServiceRequest: 'SR-20240506-00001',
    ConversationId: 'c1',
    ActivityName: 'Interaction Started',
    EventTime: '2024-05-06T00:00:00Z',
    EventEndTime: '2024-05-06T00:00:00Z',
    Duration: 0,
    AgentName: '@bob',
    activity_order: 0,
    seq: 0,
  },
  {
    ...EVENT_BASE,
    ServiceRequest: 'SR-20240506-00001',
    ConversationId: 'c1',
    ActivityName: 'Interaction Disconnected',
    EventTime: '2024-05-06T00:10:00Z',
    EventEndTime: '2024-05-06T00:10:30.500Z',
    Duration: 30.5,
    WrapUpCode: '-Resolved',
    ServiceRequestType: 'Billing',
    CustomerSatisfactionScore: 4,
    SlaTargetResolutionTime: 3600,
    ServiceResolutionTime: 600,
    IsSlaCompliant: true,
    activity_order: 7,
    seq: 1,
  },
  {
    ...EVENT_BASE,
    ServiceRequest: 'SR-20240508-00001',
    ConversationId: 'c3',
    ActivityName: 'Interaction Started',
    EventTime: '2024-05-08T00:00:00Z',
    EventEndTime: '2024-05-08T00:00:00Z',
    Duration: 0,
    activity_order: 0,
    seq: 0,
  },
];

async function sampleStore(): Promise<Store> {
  const store = await openStore(tempDir('caseflow-exports-'));
  await insert(store, 'support_conversations', CONVERSATIONS);
  await insert(store, 'support_messages', MESSAGES);
  await insert(store, 'events', EVENTS);
  return store;
}

// ---------------------------------------------------------------------------------------------
// CSV reading (RFC 4180), to prove every file parses back
// ---------------------------------------------------------------------------------------------

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 1;
    } else cell += c;
  }
  if (cell !== '' || row.length) throw new Error('the CSV does not end with CRLF');
  return rows;
}

const range = { from: Date.parse(`${FROM}T00:00:00Z`), to: Date.parse(`${TO}T00:00:00Z`) };

async function exportRows(
  store: Store,
  request: Partial<ExportRequest> & Pick<ExportRequest, 'kind'>,
): Promise<{ text: string; rows: string[][]; result: { rows: number; bytes: number } }> {
  const file = path.join(tempDir('caseflow-exports-out-'), 'out.csv');
  const result = await writeExport(store, { lang: 'en', scope: FULL_SCOPE, ...range, ...request }, file, {});
  const text = readFileSync(file, 'utf8');
  return { text, rows: parseCsv(text), result };
}

// ---------------------------------------------------------------------------------------------
// Contents
// ---------------------------------------------------------------------------------------------

describe('export contents', () => {
  let store: Store;
  beforeAll(async () => {
    store = await sampleStore();
  });
  afterAll(() => store.close());

  it('conversations: resolved in [from, to), the 13 columns in order, definitions applied', async () => {
    const { rows, result, text } = await exportRows(store, { kind: 'conversations' });
    expect(rows[0]).toEqual([
      'Conversation ID',
      'Opened At',
      'Resolved At',
      'Contact ID',
      'Assignee',
      'Outbound Count',
      'Inbound Count',
      'First Response At',
      'Resolver',
      'First Response Time',
      'Resolution Time',
      'Category',
      'Summary',
    ]);
    expect(rows.slice(1)).toEqual([
      // prettier-ignore
      [
        'c2',
        '2024-05-05T23:00:00.000Z',
        '2024-05-06T00:00:00.000Z',
        'K2',
        'a2',
        '',
        '',
        '',
        'a2',
        '',
        '3600',
        '',
        '',
      ],
      [
        'c1',
        '2024-05-06T09:00:00.000Z',
        '2024-05-06T10:00:00.000Z',
        'K1',
        'Alice',
        '3',
        '4',
        '2024-05-06T09:05:00.000Z',
        'Alice',
        '300',
        '3600',
        'Billing',
        `'=HYPERLINK("http://evil.example","click")`,
      ],
      [
        'c5',
        '2024-05-06T11:59:00.000Z',
        '2024-05-06T13:00:00.000Z',
        "'-5",
        "'@admin",
        // Two outbound messages (workflow, agent), one inbound; first response: the agent's, 3 min after
        // the first inbound message.
        '2',
        '1',
        '2024-05-06T12:03:00.000Z',
        "'+resolver",
        '180',
        '3660',
        "'+cmd",
        'line one\nline "two", with comma',
      ],
      [
        'c6',
        '2024-05-07T23:00:00.000Z',
        '2024-05-07T23:59:59.999Z',
        'K1',
        '',
        '',
        '',
        '',
        '',
        '',
        '3599.999',
        "'\tTab",
        '',
      ],
    ]);
    expect(result.rows).toBe(4);
    expect(result.bytes).toBe(Buffer.byteLength(text));
  });

  it('conversations in French: French headers, same values', async () => {
    const en = await exportRows(store, { kind: 'conversations' });
    const fr = await exportRows(store, { kind: 'conversations', lang: 'fr' });
    expect(fr.rows[0]).toEqual([
      'ID de conversation',
      'Ouverte le',
      'Résolue le',
      'ID de contact',
      'Cessionnaire',
      'Messages sortants',
      'Messages entrants',
      'Première réponse le',
      'Résolveur',
      'Temps de première réponse',
      'Temps de résolution',
      'Catégorie',
      'Résumé',
    ]);
    expect(fr.rows.slice(1)).toEqual(en.rows.slice(1));
  });

  it('messages: sent in [from, to), the 8 columns in order, whatever the status', async () => {
    const { rows } = await exportRows(store, { kind: 'messages' });
    expect(rows[0]).toEqual([
      'Date Time',
      'Sender ID',
      'Sender Type',
      'Contact ID',
      'Message ID',
      'Contact Type',
      'Message Type',
      'Content',
    ]);
    expect(rows.slice(1)).toEqual([
      ['2024-05-06T12:00:00.000Z', "'-5", 'contact', "'-5", 'm1', 'new', 'text', 'Hello, "world"'],
      ['2024-05-06T12:01:00.000Z', 'wf-1', 'workflow', "'-5", 'm2', 'new', 'text', "'@here we got it"],
      ['2024-05-06T12:03:00.000Z', 'a2', 'agent', "'-5", 'm3', 'new', 'text', "'-1 refund?\r\nsee you"],
      // No conversation of K9: a new contact.
      ['2024-05-07T08:00:00.000Z', 'bc-1', 'broadcast', 'K9', 'm4', 'new', 'template', "'\t=SUM(A1:A9)"],
    ]);
    const fr = await exportRows(store, { kind: 'messages', lang: 'fr' });
    expect(fr.rows[0]).toEqual([
      'Date et heure',
      "ID de l'expéditeur",
      "Type d'expéditeur",
      'ID de contact',
      'ID du message',
      'Type de contact',
      'Type de message',
      'Contenu',
    ]);
  });

  it('failed messages: status failed only, the message columns and the failure reason', async () => {
    const { rows } = await exportRows(store, { kind: 'failed-messages' });
    expect(rows[0]).toEqual([...exportHeaders('messages', 'en'), 'Failure Reason']);
    expect(rows.slice(1)).toEqual([
      [
        '2024-05-07T08:00:00.000Z',
        'bc-1',
        'broadcast',
        'K9',
        'm4',
        'new',
        'template',
        "'\t=SUM(A1:A9)",
        `'=1+2 "quota"`,
      ],
    ]);
    expect((await exportRows(store, { kind: 'failed-messages', lang: 'fr' })).rows[0]?.at(-1)).toBe(
      "Raison de l'échec",
    );
  });

  it('event log: the 20 attributes, EventTime in [from, to), French activity names with lang=fr', async () => {
    const { rows } = await exportRows(store, { kind: 'eventlog' });
    expect(rows[0]).toEqual([...ATTRIBUTES]);
    expect(rows.slice(1)).toEqual([
      [
        'SR-20240506-00001',
        'c1',
        'Interaction Started',
        '2024-05-06T00:00:00.000Z',
        '2024-05-06T00:00:00.000Z',
        '0',
        'test',
        '2024-05-10T00:00:00.000Z',
        'chat',
        '',
        "'@bob",
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        'false',
        'true',
      ],
      [
        'SR-20240506-00001',
        'c1',
        'Interaction Disconnected',
        '2024-05-06T00:10:00.000Z',
        '2024-05-06T00:10:30.500Z',
        '30.5',
        'test',
        '2024-05-10T00:00:00.000Z',
        'chat',
        '',
        '',
        '',
        "'-Resolved",
        'Billing',
        '4',
        '3600',
        '600',
        'true',
        'false',
        'true',
      ],
    ]);
    const fr = await exportRows(store, { kind: 'eventlog', lang: 'fr' });
    expect(fr.rows[0]).toEqual([...ATTRIBUTES]);
    expect(fr.rows.slice(1).map((r) => r[2])).toEqual(['Interaction Commencée', 'Interaction Déconnectée']);
  });

  it('neutralizes every formula start in the raw file, and the file still parses', async () => {
    const { text, rows } = await exportRows(store, { kind: 'failed-messages' });
    expect(text).toContain(`"'=1+2 ""quota"""`);
    expect(text).toContain(`'\t=SUM(A1:A9)`);
    const { text: conv } = await exportRows(store, { kind: 'conversations' });
    expect(conv).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(conv).toContain(`"line one\nline ""two"", with comma"`);
    // No cell of any export starts with a formula character.
    for (const kind of ['conversations', 'messages', 'failed-messages', 'eventlog'] as const) {
      const parsed = (await exportRows(store, { kind })).rows;
      for (const cell of parsed.flat()) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    }
    expect(rows).toHaveLength(2);
  });

  it('range bounds: dates are UTC midnights, offsets are honoured, to is exclusive', async () => {
    expect(parseInstant('2024-05-06')).toBe(Date.parse('2024-05-06T00:00:00Z'));
    expect(parseInstant('2024-05-06T02:00:00+02:00')).toBe(Date.parse('2024-05-06T00:00:00Z'));
    expect(parseInstant('2024-05-06T10:00')).toBe(Date.parse('2024-05-06T10:00:00Z'));
    expect(parseInstant('2024-05-06 10:00:00.250Z')).toBe(Date.parse('2024-05-06T10:00:00.250Z'));
    expect(parseInstant('yesterday')).toBeNull();
    expect(parseInstant('2024-13-01')).toBeNull();
    // From 02:00 Paris (= midnight UTC) to 00:00:00.001 UTC: c2 (resolved at midnight) only.
    const window = checkRange('2024-05-06T02:00:00+02:00', '2024-05-06T00:00:00.001Z');
    if ('field' in window) throw new Error(window.message);
    const { rows } = await exportRows(store, { kind: 'conversations', ...window });
    expect(rows.slice(1).map((r) => r[0])).toEqual(['c2']);
    // One millisecond later on both ends: nothing.
    const { rows: none } = await exportRows(store, {
      kind: 'conversations',
      from: window.from + 1,
      to: window.to + 1,
    });
    expect(none).toHaveLength(1);
    expect(checkRange('2024-05-08', '2024-05-08')).toEqual({ field: 'to', message: 'must be after from' });
    expect(checkRange('2024-01-01', '2025-01-01')).toEqual({
      from: Date.parse('2024-01-01T00:00:00Z'),
      to: Date.parse('2025-01-01T00:00:00Z'),
    });
    expect(checkRange('2024-01-01', '2025-01-01T00:00:00.001Z')).toMatchObject({ field: 'to' });
    expect(checkRange('soon', '2025-01-01')).toMatchObject({ field: 'from' });
  });

  it('the English conversation export reads back with caseflow import conversations', async () => {
    const file = path.join(tempDir('caseflow-exports-out-'), 'conversations.csv');
    await writeExport(store, { kind: 'conversations', lang: 'en', scope: FULL_SCOPE, ...range }, file);
    const other = await openStore(tempDir('caseflow-exports-'));
    try {
      const summary = await importConversations(other, file);
      expect(summary).toMatchObject({ rows: 4, rejected: 0, ignoredColumns: [] });
      const back = await other.db.all<{ conversation_id: string; resolution: number }>(
        `SELECT conversation_id, resolution_seconds::DOUBLE AS resolution FROM support_conversation_facts
         ORDER BY conversation_id`,
      );
      expect(back).toEqual([
        { conversation_id: 'c1', resolution: 3600 },
        { conversation_id: 'c2', resolution: 3600 },
        { conversation_id: 'c5', resolution: 3660 },
        { conversation_id: 'c6', resolution: 3599.999 },
      ]);
    } finally {
      other.close();
    }
  });

  it('streams in chunks with progress, and leaves no file when aborted', async () => {
    const big = await openStore(tempDir('caseflow-exports-'));
    try {
      await big.db.run(`
        INSERT INTO support_messages (message_id, sent_at, direction, sender_type, contact_id, content, status)
        SELECT 'm' || lpad(i::VARCHAR, 5, '0'), TIMESTAMP '2024-05-06 00:00:00' + i * INTERVAL 1 SECOND,
          'inbound', 'contact', 'k' || (i % 7), 'text ' || i, 'sent'
        FROM range(5000) t(i)`);
      const seen: [number, number][] = [];
      const file = path.join(tempDir('caseflow-exports-out-'), 'big.csv');
      const result = await writeExport(
        big,
        { kind: 'messages', lang: 'en', scope: FULL_SCOPE, ...range },
        file,
        {
          onProgress: (rows, total) => {
            seen.push([rows, total]);
          },
        },
      );
      expect(result.rows).toBe(5000);
      expect(seen.length).toBeGreaterThan(2);
      expect(seen.every(([rows, total]) => total === 5000 && rows <= total)).toBe(true);
      expect(seen.at(-1)).toEqual([5000, 5000]);
      const lines = parseCsv(readFileSync(file, 'utf8'));
      expect(lines).toHaveLength(5001);
      expect(lines[5000]?.[4]).toBe('m04999');

      const aborted = path.join(path.dirname(file), 'aborted.csv');
      const controller = new AbortController();
      await expect(
        writeExport(big, { kind: 'messages', lang: 'en', scope: FULL_SCOPE, ...range }, aborted, {
          signal: controller.signal,
          onProgress: () => controller.abort(new Error('stop')),
        }),
      ).rejects.toThrow('stop');
      expect(readdirSync(path.dirname(file)).sort()).toEqual(['big.csv']);
    } finally {
      big.close();
    }
  });

  it('names the downloaded file after the kind and the range', () => {
    expect(exportFileName('conversations', '2024-05-06T00:00:00.000Z', '2024-05-08T00:00:00.000Z')).toBe(
      'caseflow-conversations-2024-05-06-2024-05-08.csv',
    );
    expect(exportFileName('failed-messages', '2024-05-06T08:30:00.000Z', '2024-05-06T09:00:00.250Z')).toBe(
      'caseflow-failed-messages-2024-05-06T083000Z-2024-05-06T090000.250Z.csv',
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Background exports through the API
// ---------------------------------------------------------------------------------------------

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

interface ExportView {
  id: number;
  kind: string;
  from: string;
  to: string;
  status: string;
  progress: number;
  rows: number | null;
  bytes: number | null;
  createdAt: string;
  finishedAt: string | null;
  expiresAt: string | null;
  error: string | null;
  downloadUrl: string | null;
}

const backends = operationalBackends('exports', { serverOptional: true });
/** One operational store per backend for the whole file (a new PGlite takes seconds to open). */
describe.each(backends)('background exports on %s', (kind) => {
  let fresh: FreshDatabase;
  let operational: OperationalStore;
  const open: { app: FastifyInstance; store: Store }[] = [];

  beforeAll(async () => {
    fresh = await freshOperationalDatabase(kind);
    operational = await openOperationalStore(fresh.options);
  });
  afterAll(async () => {
    for (const o of open.splice(0)) {
      await o.app.close();
      o.store.close();
    }
    await operational.close();
    await fresh.drop();
  });

  /** A server on a DuckDB store (its data directory's exports are kept), the history as it is. */
  async function serverOn(store: Store, exports: AppOptions['exports'] = {}) {
    const app = await buildApp({ store, config: parseConfig({}), operational, webRoot: null, exports });
    const entry = { app, store };
    open.push(entry);
    await app.ready();
    const get = async (url: string) => app.inject({ method: 'GET', url });
    const view = async (id: number) => (await get(`/api/v1/exports/${id}`)).json() as ExportView;
    const finished = (id: number) =>
      until(`export ${id}`, async () => {
        const v = await view(id);
        return v.status === 'succeeded' || v.status === 'failed' ? v : undefined;
      });
    const close = async () => {
      open.splice(open.indexOf(entry), 1);
      await app.close();
      store.close();
    };
    return { app, store, get, view, finished, close };
  }

  /** A server on a fresh DuckDB store with the sample rows and an empty export history. */
  async function server(exports: AppOptions['exports'] = {}) {
    await operational.db.deleteFrom('exports').execute();
    return serverOn(await sampleStore(), exports);
  }

  it('runs a requested export in the background: 202, progress to succeeded, history, download', async () => {
    const s = await server();
    try {
      const post = await s.app.inject({
        method: 'POST',
        url: '/api/v1/exports',
        payload: { kind: 'conversations', from: FROM, to: TO },
      });
      expect(post.statusCode, post.body).toBe(202);
      const { id, status } = post.json() as { id: number; status: string };
      expect(status).toBe('queued');
      expect(post.headers.location).toBe(`/api/v1/exports/${id}`);

      const done = await s.finished(id);
      expect(done).toMatchObject({
        id,
        kind: 'conversations',
        from: '2024-05-06T00:00:00.000Z',
        to: '2024-05-08T00:00:00.000Z',
        status: 'succeeded',
        progress: 1,
        rows: 4,
        error: null,
        downloadUrl: `/api/v1/exports/${id}/download`,
      });
      expect(Date.parse(done.expiresAt ?? '') - Date.parse(done.finishedAt ?? '')).toBe(7 * 86_400_000);

      const download = await s.get(done.downloadUrl ?? '');
      expect(download.statusCode).toBe(200);
      expect(download.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(download.headers['content-disposition']).toBe(
        'attachment; filename="caseflow-conversations-2024-05-06-2024-05-08.csv"',
      );
      const expected = await exportRows(s.store, { kind: 'conversations' });
      expect(download.body).toBe(expected.text);
      expect(done.bytes).toBe(Buffer.byteLength(expected.text));
      expect(existsSync(path.join(s.store.db.dataDir, 'exports', `${id}.csv`))).toBe(true);

      // A second one, French failed messages: newest first in the history.
      const second = await s.app.inject({
        method: 'POST',
        url: '/api/v1/exports',
        payload: {
          kind: 'failed-messages',
          from: '2024-05-06T00:00:00Z',
          to: '2024-05-08T00:00:00Z',
          lang: 'fr',
        },
      });
      const secondId = (second.json() as { id: number }).id;
      await s.finished(secondId);
      const history = (await s.get('/api/v1/exports')).json() as { items: ExportView[] };
      expect(history.items.map((i) => [i.id, i.kind, i.status, i.rows])).toEqual([
        [secondId, 'failed-messages', 'succeeded', 1],
        [id, 'conversations', 'succeeded', 4],
      ]);
      const fr = await s.get(`/api/v1/exports/${secondId}/download`);
      expect(parseCsv(fr.body)[0]?.at(-1)).toBe("Raison de l'échec");
    } finally {
      await s.close();
    }
  });

  it('validates the request: 400 naming the field', async () => {
    const s = await server();
    try {
      const post = (payload: Record<string, unknown>) =>
        s.app.inject({ method: 'POST', url: '/api/v1/exports', payload });
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ kind: 'conversations', from: '2024-05-08', to: '2024-05-08' }, /\bto\b.*must be after from/],
        [{ kind: 'conversations', from: '2024-05-08', to: '2024-05-01' }, /\bto\b.*must be after from/],
        [{ kind: 'messages', from: '2024-01-01', to: '2025-01-02' }, /\bto\b.*one year/],
        [
          { kind: 'messages', from: 'soon', to: '2025-01-02' },
          /^body: from: not an ISO-8601 date or date-time$/,
        ],
        [{ kind: 'messages', from: '2024-01-01' }, /\bto\b/],
        [{ kind: 'tickets', from: '2024-01-01', to: '2024-02-01' }, /\bkind\b/],
        [{ kind: 'messages', from: '2024-01-01', to: '2024-02-01', lang: 'de' }, /\blang\b/],
      ];
      for (const [payload, message] of cases) {
        const response = await post(payload);
        expect(response.statusCode, JSON.stringify(payload)).toBe(400);
        expect((response.json() as { message: string }).message).toMatch(message);
      }
      expect((await s.get('/api/v1/exports')).json()).toEqual({ items: [] });
      // A whole calendar year is allowed.
      expect((await post({ kind: 'messages', from: '2024-01-01', to: '2025-01-01' })).statusCode).toBe(202);
    } finally {
      await s.close();
    }
  });

  it('answers 404 for an unknown export, 409 until it has succeeded', async () => {
    const s = await server();
    try {
      expect((await s.get('/api/v1/exports/999999')).statusCode).toBe(404);
      expect((await s.get('/api/v1/exports/abc')).statusCode).toBe(404);
      expect((await s.get('/api/v1/exports/999999/download')).statusCode).toBe(404);
      // An export another worker is running: its file is not there yet.
      const running = await operational.db
        .insertInto('exports')
        .values({
          kind: 'messages',
          range_from: '2024-05-06T00:00:00Z',
          range_to: '2024-05-07T00:00:00Z',
          status: 'running',
          attempts: 1,
          started_at: '2024-05-06T00:00:00Z',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const download = await s.get(`/api/v1/exports/${running.id}/download`);
      expect(download.statusCode).toBe(409);
      expect((download.json() as { message: string }).message).toMatch(/running/);
      expect((await s.view(running.id)).downloadUrl).toBeNull();
    } finally {
      await s.close();
    }
  });

  it('expires: the clean-up deletes the file after 7 days, download answers 410, the history says expired', async () => {
    let now = Date.parse('2024-06-01T12:00:00Z');
    const s = await server({ now: () => new Date(now), cleanupEveryMs: 40 });
    try {
      const post = await s.app.inject({
        method: 'POST',
        url: '/api/v1/exports',
        payload: { kind: 'messages', from: FROM, to: TO },
      });
      const { id } = post.json() as { id: number };
      const done = await s.finished(id);
      expect(done).toMatchObject({
        status: 'succeeded',
        rows: 4,
        createdAt: '2024-06-01T12:00:00.000Z',
        finishedAt: '2024-06-01T12:00:00.000Z',
        expiresAt: '2024-06-08T12:00:00.000Z',
      });
      const file = path.join(s.store.db.dataDir, 'exports', `${id}.csv`);
      expect(existsSync(file)).toBe(true);

      // A minute before: still there, after a few clean-ups.
      now = Date.parse('2024-06-08T11:59:00Z');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(existsSync(file)).toBe(true);
      expect((await s.get(`/api/v1/exports/${id}/download`)).statusCode).toBe(200);

      now = Date.parse('2024-06-08T12:00:00Z');
      const expired = await until('the clean-up', async () => {
        const v = await s.view(id);
        return v.status === 'expired' && !existsSync(file) ? v : undefined;
      });
      expect(expired).toMatchObject({ status: 'expired', downloadUrl: null, rows: 4 });
      const gone = await s.get(`/api/v1/exports/${id}/download`);
      expect(gone.statusCode).toBe(410);
      expect((gone.json() as { message: string }).message).toMatch(/expired/);
      const history = (await s.get('/api/v1/exports')).json() as { items: ExportView[] };
      expect(history.items.map((i) => [i.id, i.status])).toEqual([[id, 'expired']]);
      const row = await operational.db
        .selectFrom('exports')
        .select('status')
        .where('id', '=', id)
        .executeTakeFirst();
      expect(row?.status).toBe('expired');
    } finally {
      await s.close();
    }
  });

  it('after a crash, exports left running are run again at start (and a half file is never served)', async () => {
    await operational.db.deleteFrom('exports').execute();
    const base = {
      range_from: '2024-05-06T00:00:00Z',
      range_to: '2024-05-08T00:00:00Z',
      status: 'running' as const,
      started_at: '2024-05-06T00:00:00Z',
      progress: 0.4,
    };
    const interrupted = await operational.db
      .insertInto('exports')
      .values({ ...base, kind: 'eventlog', attempts: 1 })
      .returning('id')
      .executeTakeFirstOrThrow();
    const crashLoop = await operational.db
      .insertInto('exports')
      .values({ ...base, kind: 'messages', attempts: MAX_EXPORT_ATTEMPTS })
      .returning('id')
      .executeTakeFirstOrThrow();
    // What the crashed process left: a half-written temporary file, and an old file of no export.
    const store = await sampleStore();
    const dir = path.join(store.db.dataDir, 'exports');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `${interrupted.id}.csv.part`), 'ServiceRequest,Conv');
    writeFileSync(path.join(dir, '424242.csv'), 'orphan');
    store.close();

    const s = await serverOn(await openStore(store.db.dataDir));
    try {
      const done = await s.finished(interrupted.id);
      expect(done).toMatchObject({ status: 'succeeded', rows: 2, error: null });
      const download = await s.get(`/api/v1/exports/${interrupted.id}/download`);
      expect(download.body).toBe((await exportRows(s.store, { kind: 'eventlog' })).text);
      expect(await s.view(crashLoop.id)).toMatchObject({
        status: 'failed',
        error: `interrupted ${MAX_EXPORT_ATTEMPTS} times (the process stopped during the export)`,
        downloadUrl: null,
      });
      expect(readdirSync(dir)).toEqual([`${interrupted.id}.csv`]);
      const attempts = await operational.db
        .selectFrom('exports')
        .select('attempts')
        .where('id', '=', interrupted.id)
        .executeTakeFirst();
      expect(attempts?.attempts).toBe(2);
    } finally {
      await s.close();
    }
  });

  it('a server that stops mid-export queues it again and removes the temporary file; the next start runs it', async () => {
    await operational.db.deleteFrom('exports').execute();
    const store = await openStore(tempDir('caseflow-exports-'));
    await store.db.run(`
      INSERT INTO support_messages (message_id, sent_at, direction, sender_type, contact_id, content, status)
      SELECT 'm' || lpad(i::VARCHAR, 7, '0'), TIMESTAMP '2024-05-06 00:00:00' + i * INTERVAL 100 MILLISECOND,
        'inbound', 'contact', 'k' || (i % 97), 'a message of some length, number ' || i, 'sent'
      FROM range(600000) t(i)`);
    const dataDir = store.db.dataDir;
    const first = await serverOn(store, { progressEveryMs: 0 });
    const post = await first.app.inject({
      method: 'POST',
      url: '/api/v1/exports',
      payload: { kind: 'messages', from: FROM, to: TO },
    });
    const { id } = post.json() as { id: number };
    const seen = await until('progress', async () => {
      const v = await first.view(id);
      return v.status === 'running' && v.progress > 0 ? v : undefined;
    });
    expect(seen.progress).toBeLessThan(1);
    expect(seen.downloadUrl).toBeNull();
    expect((await first.get(`/api/v1/exports/${id}/download`)).statusCode).toBe(409);
    await first.close();
    const row = await operational.db
      .selectFrom('exports')
      .select(['status', 'attempts', 'progress', 'started_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    expect(row).toEqual({ status: 'queued', attempts: 0, progress: 0, started_at: null });
    expect(readdirSync(path.join(dataDir, 'exports'))).toEqual([]);

    const second = await serverOn(await openStore(dataDir));
    try {
      const done = await second.finished(id);
      expect(done).toMatchObject({ status: 'succeeded', rows: 600000, progress: 1 });
      expect(readdirSync(path.join(dataDir, 'exports'))).toEqual([`${id}.csv`]);
    } finally {
      await second.close();
    }
  });

  it('documents the routes in OpenAPI', async () => {
    const s = await server();
    try {
      const doc = (await s.get('/api/openapi.json')).json() as { paths: Record<string, unknown> };
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining(['/api/v1/exports', '/api/v1/exports/{id}', '/api/v1/exports/{id}/download']),
      );
    } finally {
      await s.close();
    }
  });
});

describe('without the operational store', () => {
  it('serves no export route', async () => {
    const store = await openStore(tempDir('caseflow-exports-'));
    const app = await buildApp({ store, config: parseConfig({}), webRoot: null });
    try {
      expect((await app.inject({ method: 'GET', url: '/api/v1/exports' })).statusCode).toBe(404);
    } finally {
      await app.close();
      store.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------------------------

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function caseflow(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
    delete childEnv.DATABASE_URL;
    execFile(process.execPath, [BIN, ...args], { env: childEnv }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('caseflow export conversations|messages|failed-messages, caseflow exports', () => {
  let dataDir: string;
  let expected: Record<string, string>;
  beforeAll(async () => {
    const store = await sampleStore();
    dataDir = store.db.dataDir;
    expected = {};
    for (const kind of ['conversations', 'messages', 'failed-messages'] as const) {
      expected[kind] = (await exportRows(store, { kind, lang: 'fr' })).text;
    }
    store.close();
  });

  it('writes the same file as the background export', async () => {
    const out = tempDir('caseflow-exports-cli-');
    for (const kind of ['conversations', 'messages', 'failed-messages']) {
      const file = path.join(out, 'nested', `${kind}.csv`);
      const run = await caseflow([
        '--data-dir',
        dataDir,
        'export',
        kind,
        '--from',
        FROM,
        '--to',
        TO,
        '--out',
        file,
        '--lang',
        'fr',
        '--json',
      ]);
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({
        kind,
        from: '2024-05-06T00:00:00.000Z',
        to: '2024-05-08T00:00:00.000Z',
        out: file,
        rows: parseCsv(expected[kind] ?? '').length - 1,
      });
      expect(readFileSync(file, 'utf8')).toBe(expected[kind]);
    }
    expect(readdirSync(path.join(out, 'nested')).sort()).toEqual([
      'conversations.csv',
      'failed-messages.csv',
      'messages.csv',
    ]);
  });

  it('exits 2 on a bad range', async () => {
    const file = path.join(tempDir('caseflow-exports-cli-'), 'x.csv');
    const args = ['--data-dir', dataDir, 'export', 'messages', '--out', file];
    const backwards = await caseflow([...args, '--from', TO, '--to', FROM]);
    expect(backwards.code).toBe(2);
    expect(backwards.stderr).toMatch(/--to: must be after from/);
    const long = await caseflow([...args, '--from', '2023-01-01', '--to', '2024-05-01']);
    expect(long.code).toBe(2);
    expect(long.stderr).toMatch(/--to: .*one year/);
    expect((await caseflow([...args, '--from', 'soon', '--to', TO])).stderr).toMatch(/--from/);
    expect(existsSync(file)).toBe(false);
  });

  it('lists the history from the PGlite database, and says where to look while the server holds it', async () => {
    const dir = tempDir('caseflow-exports-cli-');
    const none = await caseflow(['--data-dir', dir, 'exports', '--json']);
    expect(none.code, none.stderr).toBe(0);
    expect(JSON.parse(none.stdout)).toEqual({ items: [] });
    expect(existsSync(path.join(dir, 'pg'))).toBe(false);

    const operational = await openOperationalStore({ dataDir: dir });
    try {
      await createExport(
        operational.db,
        {
          kind: 'messages',
          from: '2024-05-06T00:00:00.000Z',
          to: '2024-05-08T00:00:00.000Z',
          lang: 'en',
          requestedBy: 'local',
          scope: FULL_SCOPE,
        },
        new Date('2024-06-01T00:00:00Z'),
      );
      const locked = await caseflow(['--data-dir', dir, 'exports']);
      expect(locked.code).toBe(2);
      expect(locked.stderr).toMatch(/in use by process \d+.*GET \/api\/v1\/exports/);
    } finally {
      await operational.close();
    }
    const listed = await caseflow(['--data-dir', dir, 'exports', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as { items: ExportView[] }).items).toMatchObject([
      {
        kind: 'messages',
        status: 'queued',
        from: '2024-05-06T00:00:00.000Z',
        createdAt: '2024-06-01T00:00:00.000Z',
      },
    ]);
    const text = await caseflow(['--data-dir', dir, 'exports']);
    expect(text.stdout).toMatch(/^Id\s+Kind\s+From/);
    expect(text.stdout).toMatch(/messages\s+2024-05-06T00:00:00.000Z\s+2024-05-08T00:00:00.000Z\s+queued/);
  });
});
