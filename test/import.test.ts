/**
 * Import behaviour around the derivation contract (docs/derivation.md): quarantine of bad records,
 * warnings for unknown purposes / segment types, idempotent re-import, newer versions of an active
 * conversation, stable case ids, and configuration. Expected values are worked out by hand from the
 * contract and the fixtures in test/fixtures/genesys/.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/index.ts';
import { importGenesys, KNOWN_PURPOSES, KNOWN_SEGMENT_TYPES } from '../src/sources/genesys/index.ts';
import { openStore, type Store } from '../src/store/index.ts';
import { type Ev, ev, iso } from './support.ts';

const FIX = fileURLToPath(new URL('./fixtures/genesys/', import.meta.url));
const NOW = new Date('2024-04-02T06:00:00.000Z');
const LATER = new Date('2024-04-03T06:00:00.000Z');

const CONV = {
  a: '3e7b9d21-4c6a-4f85-b0d3-9a1e2c4f6a01',
  k: '3e7b9d21-4c6a-4f85-b0d3-9a1e2c4f7e11',
  bad1: '5a2c4e6f-8b0d-4f1a-a3c5-e7f9b1d3f501',
  bad3: '5a2c4e6f-8b0d-4f1a-a3c5-e7f9b1d3f503',
  bad4: '5a2c4e6f-8b0d-4f1a-a3c5-e7f9b1d3f504',
  bad5: '5a2c4e6f-8b0d-4f1a-a3c5-e7f9b1d3f505',
  bad6: '5a2c4e6f-8b0d-4f1a-a3c5-e7f9b1d3f506',
  page1: '5a2c4e6f-8b0d-4f1a-a3c5-e7f9b1d3f511',
  page2: '5a2c4e6f-8b0d-4f1a-a3c5-e7f9b1d3f512',
};

const SCENARIOS = [
  'a-inbound-voice.json',
  'b-transfer-queue-to-queue.json',
  'c-blind-transfer-to-agent.json',
  'd-consult-transfer.json',
  'e-abandon-in-queue.json',
  'f-outbound-agent-call.json',
  'g-chat.json',
  'h-email.json',
  'i-callback.json',
  'j-missing-wrapup-code.json',
  'k-active.json',
  'k-active-updated.json',
  'l-repeat-within-window.json',
  'm-repeat-outside-window.json',
  'n-explicit-service-request-id.json',
  'o-transfer-without-disconnect-type.json',
];

// ---------------------------------------------------------------------------------------------

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function freshStore(): Promise<{ store: Store; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'caseflow-import-'));
  const store = await openStore(dir);
  cleanups.push(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { store, dir };
}

function run(
  store: Store,
  files: string[],
  config: Record<string, unknown> = {},
  options: { now?: Date; surveys?: boolean } = {},
) {
  return importGenesys(
    store,
    files.map((f) => join(FIX, f)),
    {
      config: parseConfig(config),
      users: join(FIX, 'users.json'),
      queues: join(FIX, 'queues.json'),
      wrapUpCodes: join(FIX, 'wrapupcodes.json'),
      ...(options.surveys ? { surveys: join(FIX, 'surveys.ndjson') } : {}),
      now: options.now ?? NOW,
    },
  );
}

interface QuarantineEntry {
  file?: string;
  line?: number;
  index?: number;
  conversationId?: string;
  reason?: string;
}

function readQuarantine(dir: string): QuarantineEntry[] {
  const qdir = join(dir, 'quarantine');
  if (!existsSync(qdir)) return [];
  return readdirSync(qdir)
    .filter((f) => f.endsWith('.ndjson'))
    .flatMap((f) =>
      readFileSync(join(qdir, f), 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as QuarantineEntry),
    );
}

const T = (hms: string): string => `2024-03-04T${hms}.000Z`;

// ---------------------------------------------------------------------------------------------

describe('quarantine', () => {
  it('rejects a non-JSON line, a schema failure and a segment ending before it starts; valid lines land', async () => {
    const { store, dir } = await freshStore();
    const result = await run(store, ['bad/records.ndjson']);
    // lines 1, 5, 6 are accepted; 5 (purpose "dialer") and 6 (segment type "parked") are warnings
    expect(result).toMatchObject({
      files: 1,
      conversations: 3,
      rejected: 3,
      warnings: 2,
      cases: 3,
      events: 23,
    });

    const entries = readQuarantine(dir).sort((x, y) => (x.line ?? 0) - (y.line ?? 0));
    expect(entries.map((e) => e.line)).toEqual([2, 3, 4]);
    for (const e of entries) {
      expect(e.file).toMatch(/records\.ndjson$/);
      expect(typeof e.reason).toBe('string');
      expect((e.reason ?? '').length).toBeGreaterThan(0);
    }
    expect(entries[1]?.conversationId).toBe(CONV.bad3);
    expect(entries[2]?.conversationId).toBe(CONV.bad4);

    const rows = await store.readEventLog();
    expect(new Set(rows.map((r) => r.ConversationId))).toEqual(new Set([CONV.bad1, CONV.bad5, CONV.bad6]));
    expect(rows).toHaveLength(23);
  });

  it('derives the accepted records while ignoring the unknown purpose and the unknown segment type', async () => {
    // guard: the fixture values must really be unknown to the derivation
    expect(KNOWN_PURPOSES.has('dialer')).toBe(false);
    expect(KNOWN_SEGMENT_TYPES.has('parked')).toBe(false);

    const { store } = await freshStore();
    await run(store, ['bad/records.ndjson']);
    const rows = await store.readEventLog();
    const of = (id: string) => rows.filter((r) => r.ConversationId === id).map(ev);
    const D = 'David Petit';
    const B = 'Bruno Leroy';
    expect(of(CONV.bad5)).toEqual<Ev[]>([
      ['Interaction Started', T('13:00:00'), T('13:00:00'), null, null, null],
      ['Interaction Offered to Agent', T('13:00:05'), T('13:00:06'), D, 'Sales', null],
      ['Agent Accepted Interaction', T('13:00:06'), T('13:04:00'), D, 'Sales', null],
      ['After-Call Work Started', T('13:04:00'), T('13:04:20'), D, 'Sales', null],
      ['Interaction Disconnected', T('13:04:20'), T('13:04:20'), null, null, null],
      ['After-Call Work Completed', T('13:04:20'), T('13:04:20'), D, 'Sales', null],
      ['Wrap-Up Code Assigned', T('13:04:20'), T('13:04:20'), D, 'Sales', 'Resolved'],
    ]);
    expect(of(CONV.bad6)).toEqual<Ev[]>([
      ['Interaction Started', T('14:00:00'), T('14:00:00'), null, null, null],
      ['Conversation Routed to Queue', T('14:00:10'), T('14:00:30'), null, 'Billing', null],
      ['Interaction Offered to Agent', T('14:00:30'), T('14:00:34'), B, 'Billing', null],
      // the connected period runs to the end of the last interact; the "parked" segment adds nothing
      ['Agent Accepted Interaction', T('14:00:34'), T('14:06:00'), B, 'Billing', null],
      ['After-Call Work Started', T('14:06:00'), T('14:06:30'), B, 'Billing', null],
      ['Interaction Disconnected', T('14:06:30'), T('14:06:30'), null, null, null],
      ['After-Call Work Completed', T('14:06:30'), T('14:06:30'), B, 'Billing', null],
      ['Wrap-Up Code Assigned', T('14:06:30'), T('14:06:30'), B, 'Billing', 'Resolved'],
    ]);
  });

  it('records the index of a bad record inside a JSON details document', async () => {
    const { store, dir } = await freshStore();
    const result = await run(store, ['bad/details-page.json']);
    expect(result).toMatchObject({ files: 1, conversations: 1, rejected: 1, cases: 1 });
    const entries = readQuarantine(dir);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ index: 1, conversationId: CONV.page2 });
    expect(entries[0]?.file).toMatch(/details-page\.json$/);
    expect((entries[0]?.reason ?? '').length).toBeGreaterThan(0);
    const rows = await store.readEventLog();
    expect(new Set(rows.map((r) => r.ConversationId))).toEqual(new Set([CONV.page1]));
  });

  it('writes no quarantine entry for clean files', async () => {
    const { store, dir } = await freshStore();
    const result = await run(store, SCENARIOS);
    expect(result).toMatchObject({ rejected: 0, warnings: 0 });
    expect(readQuarantine(dir)).toEqual([]);
  });
});

describe('re-import', () => {
  it('importing the same files twice gives an identical event log and cases', async () => {
    const { store } = await freshStore();
    await run(store, SCENARIOS, {}, { surveys: true });
    const first = await store.readEventLog();
    const firstCases = await store.readCases();
    await run(store, SCENARIOS, {}, { surveys: true });
    expect(await store.readEventLog()).toEqual(first);
    expect(await store.readCases()).toEqual(firstCases);
    expect(first.length).toBeGreaterThan(150);
  });

  it('the ended version of an active conversation replaces its events; the old version does not come back', async () => {
    const { store } = await freshStore();
    await run(store, ['k-active.json']);
    const active = await store.readEventLog();
    expect(active.map((r) => r.ActivityName)).toEqual([
      'Interaction Started',
      'Conversation Routed to Queue',
      'Interaction Offered to Agent',
      'Agent Accepted Interaction',
      'Interaction Put on Hold',
    ]);
    expect(new Set(active.map((r) => r.ServiceRequest))).toEqual(new Set(['SR-20240321-00001']));

    await run(store, ['k-active-updated.json'], {}, { now: LATER });
    const ended = await store.readEventLog();
    expect(ended.map((r) => r.ActivityName)).toEqual([
      'Interaction Started',
      'Conversation Routed to Queue',
      'Interaction Offered to Agent',
      'Agent Accepted Interaction',
      'Interaction Put on Hold',
      'Hold Removed from Interaction',
      'After-Call Work Started',
      'Interaction Disconnected',
      'After-Call Work Completed',
      'Wrap-Up Code Assigned',
    ]);
    expect(new Set(ended.map((r) => r.ServiceRequest))).toEqual(new Set(['SR-20240321-00001']));
    expect(new Set(ended.map((r) => r.ConversationId))).toEqual(new Set([CONV.k]));

    await run(store, ['k-active.json'], {}, { now: new Date('2024-04-04T06:00:00.000Z') });
    const afterOld = await store.readEventLog();
    expect(afterOld.map(ev)).toEqual(ended.map(ev));
    expect(afterOld.map((r) => r.ServiceRequest)).toEqual(ended.map((r) => r.ServiceRequest));
  });

  it('the older version listed after the newer one in the same import is ignored too', async () => {
    const { store } = await freshStore();
    await run(store, ['k-active-updated.json', 'k-active.json']);
    const rows = await store.readEventLog();
    expect(rows).toHaveLength(10);
    expect(rows.filter((r) => r.ActivityName === 'Interaction Disconnected')).toHaveLength(1);
  });
});

describe('case ids', () => {
  it('numbers cases per day of first contact in order of first contact', async () => {
    const { store } = await freshStore();
    await run(store, ['a-inbound-voice.json', 'bad/records.ndjson']);
    const rows = await store.readEventLog();
    const idOf = (conversationId: string) =>
      rows.find((r) => r.ConversationId === conversationId)?.ServiceRequest;
    expect([CONV.a, CONV.bad1, CONV.bad5, CONV.bad6].map(idOf)).toEqual([
      'SR-20240304-00001', // 09:00
      'SR-20240304-00002', // 11:30
      'SR-20240304-00003', // 13:00
      'SR-20240304-00004', // 14:00
    ]);
  });

  it('keeps ids once given when earlier contacts of the same day arrive later', async () => {
    const { store } = await freshStore();
    await run(store, ['bad/records.ndjson']);
    await run(store, ['a-inbound-voice.json'], {}, { now: LATER });
    const rows = await store.readEventLog();
    const idOf = (conversationId: string) =>
      rows.find((r) => r.ConversationId === conversationId)?.ServiceRequest;
    expect([CONV.bad1, CONV.bad5, CONV.bad6, CONV.a].map(idOf)).toEqual([
      'SR-20240304-00001',
      'SR-20240304-00002',
      'SR-20240304-00003',
      'SR-20240304-00004',
    ]);
  });
});

describe('configuration', () => {
  it('refuses an unknown eventlog key, naming it', () => {
    expect(() => parseConfig({ eventlog: { bogus: 1 } })).toThrow(/bogus/);
  });

  it('refuses an unknown top-level key, naming it', () => {
    expect(() => parseConfig({ sourceSytem: 'GenesysCloudCX_EU1' })).toThrow(/sourceSytem/);
  });

  it('fills the documented defaults', () => {
    const config = parseConfig({});
    expect(config.sourceSystem).toBe('GenesysCloudCX');
    expect(config.eventlog).toMatchObject({
      serviceRequestIdAttribute: 'serviceRequestId',
      serviceRequestTypeAttribute: 'serviceRequestType',
      reopenWindowDays: 7,
      defaultSlaTarget: 86400,
    });
  });

  it('stamps SourceSystem and LastDataUpdate on every row', async () => {
    const { store } = await freshStore();
    await run(store, ['a-inbound-voice.json'], { sourceSystem: 'GenesysCloudCX_EU1' });
    const rows = await store.readEventLog();
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.SourceSystem).toBe('GenesysCloudCX_EU1');
      expect(iso(r.LastDataUpdate)).toBe(NOW.toISOString());
    }
  });

  it('reads the request-type and case-id attributes under the configured names', async () => {
    const { store } = await freshStore();
    // with the attribute names changed, the fixture's serviceRequestType/serviceRequestId are not read:
    // the two (n) conversations have different customers, so they become two cases without a type
    await run(store, ['n-explicit-service-request-id.json'], {
      eventlog: { serviceRequestIdAttribute: 'crmCaseId', serviceRequestTypeAttribute: 'crmCategory' },
    });
    const cases = await store.readCases();
    expect(cases.map((c) => c.ServiceRequest).sort()).toEqual(['SR-20240322-00001', 'SR-20240325-00001']);
    for (const c of cases) expect(c.ServiceRequestType ?? '').toBe('');
  });
});
