/**
 * The derivation contract (docs/derivation.md) checked on hand-written Genesys Cloud analytics
 * conversation-detail records (test/fixtures/genesys/). Every expected value below was worked out by
 * hand from the contract and the fixture, never copied from the implementation's output.
 *
 * Directory ids used by the fixtures (users.json, queues.json, wrapupcodes.json); one of each kind is
 * deliberately absent from the directories.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/index.ts';
import { activityOrder } from '../src/eventlog/activities.ts';
import type { EventLogRow } from '../src/eventlog/attributes.ts';
import { importGenesys } from '../src/sources/genesys/index.ts';
import { openStore, type Store } from '../src/store/index.ts';
import { type Ev, ev, iso } from './support.ts';

const FIX = fileURLToPath(new URL('./fixtures/genesys/', import.meta.url));
const NOW = new Date('2024-04-02T06:00:00.000Z');

const USER = {
  ALICE: 'b7e4c1a2-3f5d-4e6a-8b9c-1d2e3f4a5b61',
  BRUNO: 'b7e4c1a2-3f5d-4e6a-8b9c-1d2e3f4a5b62',
  CHLOE: 'b7e4c1a2-3f5d-4e6a-8b9c-1d2e3f4a5b63',
  DAVID: 'b7e4c1a2-3f5d-4e6a-8b9c-1d2e3f4a5b64',
  /** not in users.json */
  EVE: 'e9d8c7b6-a5f4-4e3d-9c2b-1a0f9e8d7c6b',
};
/** not in queues.json */
const UNKNOWN_QUEUE = 'f0e1d2c3-b4a5-4968-8776-655443322110';
const EMAIL_QUEUE = 'd1c2b3a4-5e6f-4a7b-8c9d-0e1f2a3b4c05';
/** not in wrapupcodes.json */
const UNKNOWN_WRAP_UP = '0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9';
const RESOLVED_CODE_ID = '7c6b5a49-3827-4165-a4b3-c2d1e0f9a801';

const CONV = {
  a: '3e7b9d21-4c6a-4f85-b0d3-9a1e2c4f6a01',
  b: '3e7b9d21-4c6a-4f85-b0d3-9a1e2c4f6b02',
  c: '3e7b9d21-4c6a-4f85-b0d3-9a1e2c4f6c03',
  d: '3e7b9d21-4c6a-4f85-b0d3-9a1e2c4f6d04',
  e: '3e7b9d21-4c6a-4f85-b0d3-9a1e2c4f6e05',
  f: '3e7b9d21-4c6a-4f85-b0d3-9a1e2c4f6f06',
  g: '3e7b9d21-4c6a-4f85-b0d3-9a1e2c4f7a07',
  h: '3e7b9d21-4c6a-4f85-b0d3-9a1e2c4f7b08',
  i: '3e7b9d21-4c6a-4f85-b0d3-9a1e2c4f7c09',
  j: '3e7b9d21-4c6a-4f85-b0d3-9a1e2c4f7d10',
  l: '3e7b9d21-4c6a-4f85-b0d3-9a1e2c4f7f12',
  m: '3e7b9d21-4c6a-4f85-b0d3-9a1e2c4f8a13',
  n1: '3e7b9d21-4c6a-4f85-b0d3-9a1e2c4f8b14',
  n2: '3e7b9d21-4c6a-4f85-b0d3-9a1e2c4f8c15',
  o: '3e7b9d21-4c6a-4f85-b0d3-9a1e2c4f8d16',
};

const FILE = {
  a: 'a-inbound-voice.json',
  b: 'b-transfer-queue-to-queue.json',
  c: 'c-blind-transfer-to-agent.json',
  d: 'd-consult-transfer.json',
  e: 'e-abandon-in-queue.json',
  f: 'f-outbound-agent-call.json',
  g: 'g-chat.json',
  h: 'h-email.json',
  i: 'i-callback.json',
  j: 'j-missing-wrapup-code.json',
  l: 'l-repeat-within-window.json',
  m: 'm-repeat-outside-window.json',
  n: 'n-explicit-service-request-id.json',
  o: 'o-transfer-without-disconnect-type.json',
};

// Activity names (domain guide §1).
const STARTED = 'Interaction Started';
const ROUTED = 'Conversation Routed to Queue';
const OFFERED = 'Interaction Offered to Agent';
const ACCEPTED = 'Agent Accepted Interaction';
const HOLD = 'Interaction Put on Hold';
const UNHOLD = 'Hold Removed from Interaction';
const TRANSFERRED = 'Interaction Transferred';
const DISCONNECTED = 'Interaction Disconnected';
const ACW = 'After-Call Work Started';
const ACW_DONE = 'After-Call Work Completed';
const WRAP_UP = 'Wrap-Up Code Assigned';
const SURVEY = 'Customer Satisfaction Survey Sent';
const REOPENED = 'Service Request Reopened';

// ---------------------------------------------------------------------------------------------

interface Loaded {
  store: Store;
  dir: string;
  result: Awaited<ReturnType<typeof importGenesys>>;
  rows: EventLogRow[];
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function load(
  files: string[],
  eventlog: Record<string, unknown> = {},
  options: { surveys?: boolean } = {},
): Promise<Loaded> {
  const dir = mkdtempSync(join(tmpdir(), 'caseflow-derivation-'));
  const store = await openStore(dir);
  cleanups.push(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const result = await importGenesys(
    store,
    files.map((f) => join(FIX, f)),
    {
      config: parseConfig({ eventlog }),
      users: join(FIX, 'users.json'),
      queues: join(FIX, 'queues.json'),
      wrapUpCodes: join(FIX, 'wrapupcodes.json'),
      ...(options.surveys ? { surveys: join(FIX, 'surveys.ndjson') } : {}),
      now: NOW,
    },
  );
  const rows = await store.readEventLog();
  return { store, dir, result, rows };
}

/** `at('2024-03-04')('09:02:16.400')` → '2024-03-04T09:02:16.400Z' */
const at =
  (day: string) =>
  (hms: string): string =>
    `${day}T${hms.includes('.') ? hms : `${hms}.000`}Z`;

function caseRows(rows: EventLogRow[], serviceRequest: string): EventLogRow[] {
  return rows.filter((r) => r.ServiceRequest === serviceRequest);
}

const CASE_ATTRIBUTES = [
  'ServiceRequestType',
  'CustomerSatisfactionScore',
  'SlaTargetResolutionTime',
  'ServiceResolutionTime',
  'IsSlaCompliant',
  'IsReopened',
  'IsFirstContactResolution',
] as const;

/** The case attributes, after checking that every row of the case repeats the same values. */
function caseOf(rows: EventLogRow[]): Pick<EventLogRow, (typeof CASE_ATTRIBUTES)[number]> {
  expect(rows.length).toBeGreaterThan(0);
  const first = rows[0] as EventLogRow;
  const pick = (r: EventLogRow) => Object.fromEntries(CASE_ATTRIBUTES.map((k) => [k, r[k]]));
  for (const r of rows) expect(pick(r)).toEqual(pick(first));
  return pick(first) as Pick<EventLogRow, (typeof CASE_ATTRIBUTES)[number]>;
}

function byActivity(rows: EventLogRow[], activity: string): EventLogRow[] {
  return rows.filter((r) => r.ActivityName === activity);
}

function only(rows: EventLogRow[], activity: string): EventLogRow {
  const found = byActivity(rows, activity);
  expect(found, activity).toHaveLength(1);
  return found[0] as EventLogRow;
}

/** Duration is EventEndTime − EventTime in seconds, milliseconds kept, on every row. */
function expectDurationsConsistent(rows: EventLogRow[]): void {
  for (const r of rows) {
    expect(r.Duration, `${r.ActivityName} ${r.EventTime}`).toBeCloseTo(
      (Date.parse(r.EventEndTime) - Date.parse(r.EventTime)) / 1000,
      3,
    );
  }
}

const blank = (value: string | null): string => value ?? '';

// ---------------------------------------------------------------------------------------------

describe('(a) plain inbound voice call: IVR, queue, alert, interact, two holds, ACW with wrap-up code', () => {
  const T = at('2024-03-04');
  const A = 'Alice Martin';
  const Q = 'Billing';

  it('derives the exact activity sequence, times, agent, queue and wrap-up code', async () => {
    const { rows, result } = await load(
      [FILE.a],
      { slaTargets: { 'Billing inquiry': 3600 } },
      { surveys: true },
    );
    expect(result).toMatchObject({ files: 1, conversations: 1, cases: 1, rejected: 0, warnings: 0 });
    expect(result.events).toBe(rows.length);
    expect(rows.map(ev)).toEqual<Ev[]>([
      [STARTED, T('09:00:00'), T('09:00:00'), null, null, null],
      [ROUTED, T('09:00:45.250'), T('09:02:10'), null, Q, null],
      [OFFERED, T('09:02:10'), T('09:02:16.400'), A, Q, null],
      [ACCEPTED, T('09:02:16.400'), T('09:12:30.500'), A, Q, null],
      [HOLD, T('09:05:00'), T('09:06:30'), A, Q, null],
      [UNHOLD, T('09:06:30'), T('09:06:30'), A, Q, null],
      [HOLD, T('09:09:00'), T('09:09:45.500'), A, Q, null],
      [UNHOLD, T('09:09:45.500'), T('09:09:45.500'), A, Q, null],
      [ACW, T('09:12:30.500'), T('09:13:40'), A, Q, null],
      // equal times (09:13:40): activity-table order Disconnected < ACW Completed < Wrap-Up Code Assigned
      [DISCONNECTED, T('09:13:40'), T('09:13:40'), null, null, null],
      [ACW_DONE, T('09:13:40'), T('09:13:40'), A, Q, null],
      [WRAP_UP, T('09:13:40'), T('09:13:40'), A, Q, 'Billing - Payment Arrangement'],
      [SURVEY, T('09:15:00'), T('09:15:00'), null, null, null],
    ]);
    expectDurationsConsistent(rows);
  });

  it('keeps milliseconds in durations and fills the event attributes', async () => {
    const { rows } = await load([FILE.a], {}, { surveys: true });
    expect(only(rows, ROUTED).Duration).toBeCloseTo(84.75, 3);
    expect(only(rows, OFFERED).Duration).toBeCloseTo(6.4, 3);
    expect(only(rows, ACCEPTED).Duration).toBeCloseTo(614.1, 3);
    expect(byActivity(rows, HOLD).map((r) => r.Duration)).toEqual([90, 45.5]);
    expect(only(rows, ACW).Duration).toBeCloseTo(69.5, 3);
    expect(only(rows, STARTED).Duration).toBe(0);
    for (const r of rows) {
      expect(r.ServiceRequest).toBe('SR-20240304-00001');
      expect(r.ConversationId).toBe(CONV.a);
      expect(r.MediaType).toBe('voice');
      expect(r.SourceSystem).toBe('GenesysCloudCX');
      expect(r.EventTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/);
      expect(r.EventEndTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/);
    }
    const agentRows = rows.filter((r) => r.AgentName !== null);
    expect(agentRows).toHaveLength(9);
    for (const r of agentRows) expect(r.AgentId).toBe(USER.ALICE);
    for (const r of rows.filter((r) => r.AgentName === null)) expect(r.AgentId).toBeNull();
  });

  it('ignores the customer-side hold segments and the ivr/acd "transfer" disconnects', async () => {
    const { rows } = await load([FILE.a]);
    expect(byActivity(rows, HOLD)).toHaveLength(2);
    expect(byActivity(rows, TRANSFERRED)).toHaveLength(0);
  });

  it('computes the case attributes (type from the IVR attribute, SLA, FCR, CSAT)', async () => {
    const { rows } = await load([FILE.a], { slaTargets: { 'Billing inquiry': 3600 } }, { surveys: true });
    expect(caseOf(rows)).toEqual({
      ServiceRequestType: 'Billing inquiry',
      CustomerSatisfactionScore: 4,
      SlaTargetResolutionTime: 3600,
      ServiceResolutionTime: 820, // 09:13:40 (resolving wrap-up) − 09:00:00 (first contact)
      IsSlaCompliant: true,
      IsReopened: false,
      IsFirstContactResolution: true,
    });
  });

  it('lists the case with its conversation', async () => {
    const { store } = await load([FILE.a]);
    const cases = await store.readCases();
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({
      ServiceRequest: 'SR-20240304-00001',
      ServiceRequestType: 'Billing inquiry',
      conversations: [CONV.a],
    });
  });
});

describe('(b) blind transfer from one queue to another', () => {
  const T = at('2024-03-05');
  const A = 'Alice Martin';
  const B = 'Bruno Leroy';
  const BILLING = 'Billing';
  const TECH = 'Technical Support';

  it('derives the sequence; only the agent transfer counts, equal times follow the activity table', async () => {
    const { rows } = await load([FILE.b], {}, { surveys: true });
    expect(rows.map(ev)).toEqual<Ev[]>([
      [STARTED, T('10:00:00'), T('10:00:00'), null, null, null],
      [ROUTED, T('10:00:20'), T('10:01:00'), null, BILLING, null],
      [OFFERED, T('10:01:00'), T('10:01:04'), A, BILLING, null],
      [ACCEPTED, T('10:01:04'), T('10:04:00'), A, BILLING, null],
      // 10:04:00: Routed (row 2 of the table) < Transferred (7) < ACW Started (9)
      [ROUTED, T('10:04:00'), T('10:05:30'), null, TECH, null],
      [TRANSFERRED, T('10:04:00'), T('10:04:00'), A, BILLING, null],
      [ACW, T('10:04:00'), T('10:04:30'), A, BILLING, null],
      [ACW_DONE, T('10:04:30'), T('10:04:30'), A, BILLING, null],
      [WRAP_UP, T('10:04:30'), T('10:04:30'), A, BILLING, 'Transferred'],
      [OFFERED, T('10:05:30'), T('10:05:40'), B, TECH, null],
      [ACCEPTED, T('10:05:40'), T('10:20:00'), B, TECH, null],
      [ACW, T('10:20:00'), T('10:21:00'), B, TECH, null],
      [DISCONNECTED, T('10:21:00'), T('10:21:00'), null, null, null],
      [ACW_DONE, T('10:21:00'), T('10:21:00'), B, TECH, null],
      [WRAP_UP, T('10:21:00'), T('10:21:00'), B, TECH, 'Technical - Issue Fixed'],
      [SURVEY, T('10:25:00'), T('10:25:00'), null, null, null],
    ]);
    expectDurationsConsistent(rows);
  });

  it('is resolved by the last wrap-up, not first-contact-resolved, and has no CSAT for an unanswered survey', async () => {
    const { rows } = await load([FILE.b], { slaTargets: { 'Technical support': 14400 } }, { surveys: true });
    expect(caseOf(rows)).toEqual({
      ServiceRequestType: 'Technical support',
      CustomerSatisfactionScore: null,
      SlaTargetResolutionTime: 14400,
      ServiceResolutionTime: 1260,
      IsSlaCompliant: true,
      IsReopened: false,
      IsFirstContactResolution: false,
    });
  });
});

describe('(c) blind transfer directly to an agent unknown to the users directory', () => {
  const T = at('2024-03-07');
  const A = 'Alice Martin';
  const SALES = 'Sales';

  it('derives the sequence; the unknown user and wrap-up code stay as ids', async () => {
    const { rows } = await load([FILE.c]);
    expect(rows.map(ev)).toEqual<Ev[]>([
      [STARTED, T('11:00:00'), T('11:00:00'), null, null, null],
      [ROUTED, T('11:00:15'), T('11:00:45'), null, SALES, null],
      [OFFERED, T('11:00:45'), T('11:00:50'), A, SALES, null],
      [ACCEPTED, T('11:00:50'), T('11:03:20'), A, SALES, null],
      // 11:03:20: Offered (3) < Transferred (7) < ACW Started (9); the direct transfer has no queue
      [OFFERED, T('11:03:20'), T('11:03:27'), USER.EVE, null, null],
      [TRANSFERRED, T('11:03:20'), T('11:03:20'), A, SALES, null],
      [ACW, T('11:03:20'), T('11:03:50'), A, SALES, null],
      [ACCEPTED, T('11:03:27'), T('11:15:00'), USER.EVE, null, null],
      [ACW_DONE, T('11:03:50'), T('11:03:50'), A, SALES, null],
      [WRAP_UP, T('11:03:50'), T('11:03:50'), A, SALES, 'Transferred'],
      [ACW, T('11:15:00'), T('11:16:00'), USER.EVE, null, null],
      [DISCONNECTED, T('11:16:00'), T('11:16:00'), null, null, null],
      [ACW_DONE, T('11:16:00'), T('11:16:00'), USER.EVE, null, null],
      [WRAP_UP, T('11:16:00'), T('11:16:00'), USER.EVE, null, UNKNOWN_WRAP_UP],
    ]);
    for (const r of rows.filter((r) => r.AgentName === USER.EVE)) expect(r.AgentId).toBe(USER.EVE);
    expectDurationsConsistent(rows);
  });

  it('takes the request type from the queue mapping (by queue name); an unknown code still resolves', async () => {
    const { rows } = await load([FILE.c], { requestTypeByQueue: { Sales: 'Sales inquiry' } });
    expect(caseOf(rows)).toEqual({
      ServiceRequestType: 'Sales inquiry',
      CustomerSatisfactionScore: null,
      SlaTargetResolutionTime: 86400,
      ServiceResolutionTime: 960,
      IsSlaCompliant: true,
      IsReopened: false,
      IsFirstContactResolution: false,
    });
  });
});

describe('(d) consult transfer: A holds the customer, consults B, leaves with consultTransfer', () => {
  const T = at('2024-03-08');
  const A = 'Alice Martin';
  const B = 'Bruno Leroy';
  const TECH = 'Technical Support';

  it('derives the sequence with the transfer at the end of the held segment', async () => {
    const { rows } = await load([FILE.d]);
    expect(rows.map(ev)).toEqual<Ev[]>([
      [STARTED, T('12:00:00'), T('12:00:00'), null, null, null],
      [ROUTED, T('12:00:25'), T('12:01:10'), null, TECH, null],
      [OFFERED, T('12:01:10'), T('12:01:14.200'), A, TECH, null],
      [ACCEPTED, T('12:01:14.200'), T('12:06:00'), A, TECH, null],
      [HOLD, T('12:04:50'), T('12:06:00'), A, TECH, null],
      [OFFERED, T('12:05:00'), T('12:05:06'), B, null, null],
      [ACCEPTED, T('12:05:06'), T('12:18:00'), B, null, null],
      // 12:06:00: Hold Removed (6) < Transferred (7) < ACW Started (9)
      [UNHOLD, T('12:06:00'), T('12:06:00'), A, TECH, null],
      [TRANSFERRED, T('12:06:00'), T('12:06:00'), A, TECH, null],
      [ACW, T('12:06:00'), T('12:06:40'), A, TECH, null],
      [ACW_DONE, T('12:06:40'), T('12:06:40'), A, TECH, null],
      [WRAP_UP, T('12:06:40'), T('12:06:40'), A, TECH, 'Transferred'],
      [ACW, T('12:18:00'), T('12:19:00'), B, null, null],
      [DISCONNECTED, T('12:19:00'), T('12:19:00'), null, null, null],
      [ACW_DONE, T('12:19:00'), T('12:19:00'), B, null, null],
      [WRAP_UP, T('12:19:00'), T('12:19:00'), B, null, 'Technical - Issue Fixed'],
    ]);
    expect(byActivity(rows, ACCEPTED)[0]?.Duration).toBeCloseTo(285.8, 3);
    expectDurationsConsistent(rows);
  });

  it('takes the request type from the wrap-up code mapping and resolves at the last resolving code', async () => {
    const { rows } = await load([FILE.d], {
      requestTypeByWrapUpCode: { 'Technical - Issue Fixed': 'Technical support' },
      unresolvedWrapUpCodes: ['Transferred'],
      slaTargets: { 'Technical support': 900 },
    });
    expect(caseOf(rows)).toEqual({
      ServiceRequestType: 'Technical support',
      CustomerSatisfactionScore: null,
      SlaTargetResolutionTime: 900,
      ServiceResolutionTime: 1140,
      IsSlaCompliant: false,
      IsReopened: false,
      IsFirstContactResolution: false,
    });
  });
});

describe('(e) abandoned in queue', () => {
  const T = at('2024-03-11');

  it('derives routing per change of queue within the acd session, and nothing for agents', async () => {
    const { rows } = await load([FILE.e]);
    expect(rows.map(ev)).toEqual<Ev[]>([
      [STARTED, T('13:00:00'), T('13:00:00'), null, null, null],
      // two consecutive Billing segments make one routing event; the overflow to Sales another
      [ROUTED, T('13:00:20'), T('13:01:45'), null, 'Billing', null],
      [ROUTED, T('13:01:45'), T('13:02:30'), null, 'Sales', null],
      [DISCONNECTED, T('13:02:30'), T('13:02:30'), null, null, null],
    ]);
    expect(byActivity(rows, ROUTED).map((r) => r.Duration)).toEqual([85, 45]);
  });

  it('is an unresolved case: no resolution time, no SLA verdict, not FCR, default SLA target', async () => {
    const { rows } = await load([FILE.e]);
    const c = caseOf(rows);
    expect(blank(c.ServiceRequestType)).toBe('');
    expect(c).toMatchObject({
      CustomerSatisfactionScore: null,
      SlaTargetResolutionTime: 86400,
      ServiceResolutionTime: null,
      IsSlaCompliant: null,
      IsReopened: false,
      IsFirstContactResolution: false,
    });
  });
});

describe('(f) outbound call placed by an agent (customer purpose external)', () => {
  const T = at('2024-03-12');
  const C = 'Chloé Dubois';

  it('derives no routing and no offer; acceptance at the first interact', async () => {
    const { rows } = await load([FILE.f]);
    expect(rows.map(ev)).toEqual<Ev[]>([
      [STARTED, T('14:00:00'), T('14:00:00'), null, null, null],
      [ACCEPTED, T('14:00:12'), T('14:06:00'), C, 'Sales', null],
      [ACW, T('14:06:00'), T('14:06:30'), C, 'Sales', null],
      [DISCONNECTED, T('14:06:30'), T('14:06:30'), null, null, null],
      [ACW_DONE, T('14:06:30'), T('14:06:30'), C, 'Sales', null],
      [WRAP_UP, T('14:06:30'), T('14:06:30'), C, 'Sales', 'Resolved'],
    ]);
    for (const r of rows) expect(r.MediaType).toBe('voice');
    expect(caseOf(rows)).toMatchObject({
      ServiceResolutionTime: 390,
      IsSlaCompliant: true,
      IsReopened: false,
      IsFirstContactResolution: true,
    });
  });
});

describe('(g) chat', () => {
  const T = at('2024-03-13');
  const D = 'David Petit';
  const Q = 'Chat Support';

  it('derives the chat sequence with media type chat and the survey score', async () => {
    const { rows } = await load([FILE.g], {}, { surveys: true });
    expect(rows.map(ev)).toEqual<Ev[]>([
      [STARTED, T('15:00:00'), T('15:00:00'), null, null, null],
      [ROUTED, T('15:00:00.500'), T('15:01:30'), null, Q, null],
      [OFFERED, T('15:01:30'), T('15:01:38'), D, Q, null],
      [ACCEPTED, T('15:01:38'), T('15:12:00'), D, Q, null],
      // 15:12:00: Disconnected (8) < ACW Started (9)
      [DISCONNECTED, T('15:12:00'), T('15:12:00'), null, null, null],
      [ACW, T('15:12:00'), T('15:13:15'), D, Q, null],
      [ACW_DONE, T('15:13:15'), T('15:13:15'), D, Q, null],
      [WRAP_UP, T('15:13:15'), T('15:13:15'), D, Q, 'Resolved'],
      [SURVEY, T('15:14:00'), T('15:14:00'), null, null, null],
    ]);
    for (const r of rows) expect(r.MediaType).toBe('chat');
    expect(only(rows, ROUTED).Duration).toBeCloseTo(89.5, 3);
    expect(caseOf(rows)).toMatchObject({
      ServiceRequestType: 'Technical support',
      CustomerSatisfactionScore: 5,
      ServiceResolutionTime: 795,
      IsFirstContactResolution: true,
    });
  });
});

describe('(h) email', () => {
  const T = at('2024-03-14');
  const C = 'Chloé Dubois';
  const Q = 'Email Support';

  it('derives the email sequence; the workflow participant produces nothing', async () => {
    const { rows } = await load([FILE.h]);
    expect(rows.map(ev)).toEqual<Ev[]>([
      [STARTED, T('08:30:00'), T('08:30:00'), null, null, null],
      [ROUTED, T('08:30:01.500'), T('10:45:00'), null, Q, null],
      [OFFERED, T('10:45:00'), T('10:45:20'), C, Q, null],
      [ACCEPTED, T('10:45:20'), T('10:58:00'), C, Q, null],
      [ACW, T('10:58:00'), T('10:59:00'), C, Q, null],
      [DISCONNECTED, T('10:59:00'), T('10:59:00'), null, null, null],
      [ACW_DONE, T('10:59:00'), T('10:59:00'), C, Q, null],
      [WRAP_UP, T('10:59:00'), T('10:59:00'), C, Q, 'Resolved'],
    ]);
    for (const r of rows) expect(r.MediaType).toBe('email');
    expect(only(rows, ROUTED).Duration).toBeCloseTo(8098.5, 3);
  });

  it('maps the request type by queue id and falls back to defaultSlaTarget', async () => {
    const { rows } = await load([FILE.h], {
      requestTypeByQueue: { [EMAIL_QUEUE]: 'General inquiry' },
      slaTargets: { 'Billing inquiry': 3600 },
      defaultSlaTarget: 7200,
    });
    expect(caseOf(rows)).toEqual({
      ServiceRequestType: 'General inquiry',
      CustomerSatisfactionScore: null,
      SlaTargetResolutionTime: 7200,
      ServiceResolutionTime: 8940,
      IsSlaCompliant: false,
      IsReopened: false,
      IsFirstContactResolution: true,
    });
  });
});

describe('(i) callback', () => {
  const T = at('2024-03-15');
  const B = 'Bruno Leroy';
  const Q = 'Billing';

  it('derives events per agent session with each session media type', async () => {
    const { rows } = await load([FILE.i], {
      requestTypeByWrapUpCode: { 'Billing - Payment Arrangement': 'Billing inquiry' },
    });
    expect(rows.map((r) => [...ev(r), r.MediaType])).toEqual([
      [STARTED, T('09:00:00'), T('09:00:00'), null, null, null, 'voice'],
      [ROUTED, T('09:01:10'), T('09:20:00'), null, Q, null, 'callback'],
      [OFFERED, T('09:20:00'), T('09:20:05'), B, Q, null, 'callback'],
      [ACCEPTED, T('09:20:05'), T('09:28:00'), B, Q, null, 'callback'],
      [ACCEPTED, T('09:20:40'), T('09:28:00'), B, Q, null, 'voice'],
      [ACW, T('09:28:00'), T('09:29:00'), B, Q, null, 'callback'],
      [DISCONNECTED, T('09:29:00'), T('09:29:00'), null, null, null, 'voice'],
      [ACW_DONE, T('09:29:00'), T('09:29:00'), B, Q, null, 'callback'],
      [WRAP_UP, T('09:29:00'), T('09:29:00'), B, Q, 'Billing - Payment Arrangement', 'callback'],
    ]);
    expect(caseOf(rows)).toMatchObject({
      ServiceRequestType: 'Billing inquiry',
      ServiceResolutionTime: 1740,
      IsFirstContactResolution: true,
    });
  });
});

describe('(j) after-call work without a wrap-up code, queue unknown to the directory', () => {
  const T = at('2024-03-18');
  const D = 'David Petit';

  it('emits ACW events but no Wrap-Up Code Assigned; the queue stays an id', async () => {
    const { rows } = await load([FILE.j]);
    expect(rows.map(ev)).toEqual<Ev[]>([
      [STARTED, T('16:00:00'), T('16:00:00'), null, null, null],
      [ROUTED, T('16:00:10'), T('16:00:40'), null, UNKNOWN_QUEUE, null],
      [OFFERED, T('16:00:40'), T('16:00:46'), D, UNKNOWN_QUEUE, null],
      [ACCEPTED, T('16:00:46'), T('16:05:00'), D, UNKNOWN_QUEUE, null],
      [ACW, T('16:05:00'), T('16:05:30'), D, UNKNOWN_QUEUE, null],
      [DISCONNECTED, T('16:05:30'), T('16:05:30'), null, null, null],
      [ACW_DONE, T('16:05:30'), T('16:05:30'), D, UNKNOWN_QUEUE, null],
    ]);
  });

  it('leaves the case unresolved', async () => {
    const { rows } = await load([FILE.j]);
    expect(caseOf(rows)).toMatchObject({
      ServiceResolutionTime: null,
      IsSlaCompliant: null,
      IsReopened: false,
      IsFirstContactResolution: false,
    });
  });
});

describe('(k) active conversation', () => {
  const T = at('2024-03-21');
  const A = 'Alice Martin';
  const Q = 'Technical Support';

  it('ends open activities at the next event, or at their own start; no Disconnected', async () => {
    const { rows } = await load(['k-active.json']);
    expect(rows.map(ev)).toEqual<Ev[]>([
      [STARTED, T('10:00:00'), T('10:00:00'), null, null, null],
      [ROUTED, T('10:00:15'), T('10:01:00'), null, Q, null],
      [OFFERED, T('10:01:00'), T('10:01:05'), A, Q, null],
      // the connected period ends with an open hold: Accepted ends at the next event (the hold)
      [ACCEPTED, T('10:01:05'), T('10:03:00'), A, Q, null],
      // open hold, nothing after it: ends at its own start; no Hold Removed
      [HOLD, T('10:03:00'), T('10:03:00'), A, Q, null],
    ]);
    expect(caseOf(rows)).toMatchObject({ ServiceResolutionTime: null, IsSlaCompliant: null });
  });

  it('derives the ended version', async () => {
    const { rows } = await load(['k-active-updated.json']);
    expect(rows.map(ev)).toEqual<Ev[]>([
      [STARTED, T('10:00:00'), T('10:00:00'), null, null, null],
      [ROUTED, T('10:00:15'), T('10:01:00'), null, Q, null],
      [OFFERED, T('10:01:00'), T('10:01:05'), A, Q, null],
      [ACCEPTED, T('10:01:05'), T('10:10:00'), A, Q, null],
      [HOLD, T('10:03:00'), T('10:04:30'), A, Q, null],
      [UNHOLD, T('10:04:30'), T('10:04:30'), A, Q, null],
      [ACW, T('10:10:00'), T('10:11:00'), A, Q, null],
      [DISCONNECTED, T('10:11:00'), T('10:11:00'), null, null, null],
      [ACW_DONE, T('10:11:00'), T('10:11:00'), A, Q, null],
      [WRAP_UP, T('10:11:00'), T('10:11:00'), A, Q, 'Technical - Issue Fixed'],
    ]);
    expect(caseOf(rows)).toMatchObject({ ServiceResolutionTime: 660, IsFirstContactResolution: true });
  });
});

describe('(l)/(m) repeat contacts from the same caller and the reopen window', () => {
  const Ta = at('2024-03-04');
  const Tl = at('2024-03-06');
  const Tm = at('2024-03-20');
  const B = 'Bruno Leroy';
  const A = 'Alice Martin';
  const Q = 'Billing';

  it('(l) a repeat within 7 days after a resolving wrap-up joins the case and reopens it', async () => {
    const { rows, store } = await load(
      [FILE.a, FILE.l],
      { slaTargets: { 'Billing inquiry': 3600 } },
      { surveys: true },
    );
    const cases = await store.readCases();
    expect(cases).toHaveLength(1);
    expect(cases[0]?.ServiceRequest).toBe('SR-20240304-00001');
    expect([...(cases[0]?.conversations ?? [])].sort()).toEqual([CONV.a, CONV.l].sort());
    expect(rows.map((r) => r.ServiceRequest)).toEqual(rows.map(() => 'SR-20240304-00001'));
    expect(rows.slice(0, 13).map((r) => r.ConversationId)).toEqual(rows.slice(0, 13).map(() => CONV.a));
    expect(rows.slice(13).map(ev)).toEqual<Ev[]>([
      // equal times: Interaction Started (1st row of the table) before Service Request Reopened (last)
      [STARTED, Tl('14:00:00'), Tl('14:00:00'), null, null, null],
      [REOPENED, Tl('14:00:00'), Tl('14:00:00'), null, null, null],
      [ROUTED, Tl('14:00:30'), Tl('14:01:00'), null, Q, null],
      [OFFERED, Tl('14:01:00'), Tl('14:01:05'), B, Q, null],
      [ACCEPTED, Tl('14:01:05'), Tl('14:06:05'), B, Q, null],
      [DISCONNECTED, Tl('14:06:05'), Tl('14:06:05'), null, null, null],
      [ACW, Tl('14:06:05'), Tl('14:07:00'), B, Q, null],
      [ACW_DONE, Tl('14:07:00'), Tl('14:07:00'), B, Q, null],
      [WRAP_UP, Tl('14:07:00'), Tl('14:07:00'), B, Q, 'Resolved'],
      [SURVEY, Tl('14:10:00'), Tl('14:10:00'), null, null, null],
    ]);
    expect(only(rows, REOPENED).ConversationId).toBe(CONV.l);
    expect(only(rows, REOPENED).MediaType).toBe('voice');
    expect(caseOf(rows)).toEqual({
      ServiceRequestType: 'Billing inquiry',
      CustomerSatisfactionScore: 2, // the latest survey with a score (l), not (a)'s 4
      SlaTargetResolutionTime: 3600,
      ServiceResolutionTime: 191220, // 2024-03-06T14:07:00 − 2024-03-04T09:00:00
      IsSlaCompliant: false,
      IsReopened: true,
      IsFirstContactResolution: false,
    });
  });

  it('(m) the same caller (SIP form of the number) outside the window opens a new case', async () => {
    const { rows, store } = await load([FILE.a, FILE.l, FILE.m]);
    const cases = await store.readCases();
    expect(cases.map((c) => c.ServiceRequest).sort()).toEqual(['SR-20240304-00001', 'SR-20240320-00001']);
    const m = caseRows(rows, 'SR-20240320-00001');
    expect(m.map(ev)).toEqual<Ev[]>([
      [STARTED, Tm('10:00:00'), Tm('10:00:00'), null, null, null],
      [ROUTED, Tm('10:00:30'), Tm('10:01:40'), null, Q, null],
      // an offer that went unanswered (noAnswerTransfer) is an offer, not a transfer
      [OFFERED, Tm('10:00:35'), Tm('10:00:50'), 'David Petit', Q, null],
      [OFFERED, Tm('10:01:40'), Tm('10:01:44'), A, Q, null],
      [ACCEPTED, Tm('10:01:44'), Tm('10:06:00'), A, Q, null],
      [DISCONNECTED, Tm('10:06:00'), Tm('10:06:00'), null, null, null],
      [ACW, Tm('10:06:00'), Tm('10:06:45'), A, Q, null],
      [ACW_DONE, Tm('10:06:45'), Tm('10:06:45'), A, Q, null],
      [WRAP_UP, Tm('10:06:45'), Tm('10:06:45'), A, Q, 'Resolved'],
    ]);
    expect(caseOf(m)).toMatchObject({
      ServiceRequestType: 'Billing inquiry',
      ServiceResolutionTime: 405,
      IsReopened: false,
      IsFirstContactResolution: true,
    });
    const first = caseRows(rows, 'SR-20240304-00001');
    expect(new Set(first.map((r) => r.ConversationId))).toEqual(new Set([CONV.a, CONV.l]));
    expect(caseOf(first)).toMatchObject({ IsReopened: true, ServiceResolutionTime: 191220 });
  });

  it('a wider reopenWindowDays pulls (m) into the case, with a second reopen', async () => {
    const { rows, store } = await load([FILE.a, FILE.l, FILE.m], { reopenWindowDays: 30 });
    const cases = await store.readCases();
    expect(cases).toHaveLength(1);
    expect([...(cases[0]?.conversations ?? [])].sort()).toEqual([CONV.a, CONV.l, CONV.m].sort());
    expect(byActivity(rows, REOPENED).map((r) => [r.ConversationId, iso(r.EventTime)])).toEqual([
      [CONV.l, Tl('14:00:00')],
      [CONV.m, Tm('10:00:00')],
    ]);
    expect(caseOf(rows)).toMatchObject({
      IsReopened: true,
      IsFirstContactResolution: false,
      ServiceResolutionTime: 1386405, // 2024-03-20T10:06:45 − 2024-03-04T09:00:00
    });
  });

  it('a narrower reopenWindowDays splits (l) from (a): three cases, no reopen', async () => {
    const { rows, store } = await load([FILE.a, FILE.l, FILE.m], { reopenWindowDays: 1 });
    const cases = await store.readCases();
    expect(cases.map((c) => c.ServiceRequest).sort()).toEqual([
      'SR-20240304-00001',
      'SR-20240306-00001',
      'SR-20240320-00001',
    ]);
    expect(byActivity(rows, REOPENED)).toHaveLength(0);
    const l = caseRows(rows, 'SR-20240306-00001');
    expect(new Set(l.map((r) => r.ConversationId))).toEqual(new Set([CONV.l]));
    expect(caseOf(l)).toMatchObject({ ServiceResolutionTime: 420, IsFirstContactResolution: true });
    expect(caseOf(caseRows(rows, 'SR-20240304-00001'))).toMatchObject({
      ServiceResolutionTime: 820,
      IsFirstContactResolution: true,
    });
    expect(iso(caseRows(rows, 'SR-20240304-00001')[0]?.EventTime ?? '')).toBe(Ta('09:00:00'));
  });
});

describe('(n) explicit serviceRequestId participant attribute', () => {
  const T1 = at('2024-03-22');
  const T2 = at('2024-03-25');
  const SR = 'SR-20240322-00042';

  it('names the case and groups a call and an e-mail from different addresses', async () => {
    const { rows, store } = await load([FILE.n], {
      unresolvedWrapUpCodes: ['Escalated'],
      slaTargets: { 'Technical support': 14400 },
    });
    const cases = await store.readCases();
    expect(cases).toHaveLength(1);
    expect(cases[0]?.ServiceRequest).toBe(SR);
    expect([...(cases[0]?.conversations ?? [])].sort()).toEqual([CONV.n1, CONV.n2].sort());
    expect(rows.map(ev)).toEqual<Ev[]>([
      [STARTED, T1('10:00:00'), T1('10:00:00'), null, null, null],
      [ROUTED, T1('10:00:20'), T1('10:01:00'), null, 'Technical Support', null],
      [OFFERED, T1('10:01:00'), T1('10:01:06'), 'Bruno Leroy', 'Technical Support', null],
      [ACCEPTED, T1('10:01:06'), T1('10:08:00'), 'Bruno Leroy', 'Technical Support', null],
      [DISCONNECTED, T1('10:08:00'), T1('10:08:00'), null, null, null],
      [ACW, T1('10:08:00'), T1('10:09:00'), 'Bruno Leroy', 'Technical Support', null],
      [ACW_DONE, T1('10:09:00'), T1('10:09:00'), 'Bruno Leroy', 'Technical Support', null],
      [WRAP_UP, T1('10:09:00'), T1('10:09:00'), 'Bruno Leroy', 'Technical Support', 'Escalated'],
      // "Escalated" is configured as unresolved: the e-mail continues the case, no reopen
      [STARTED, T2('11:00:00'), T2('11:00:00'), null, null, null],
      [ROUTED, T2('11:00:01'), T2('11:30:00'), null, 'Email Support', null],
      [OFFERED, T2('11:30:00'), T2('11:30:10'), 'Chloé Dubois', 'Email Support', null],
      [ACCEPTED, T2('11:30:10'), T2('11:40:00'), 'Chloé Dubois', 'Email Support', null],
      [ACW, T2('11:40:00'), T2('11:41:00'), 'Chloé Dubois', 'Email Support', null],
      [DISCONNECTED, T2('11:41:00'), T2('11:41:00'), null, null, null],
      [ACW_DONE, T2('11:41:00'), T2('11:41:00'), 'Chloé Dubois', 'Email Support', null],
      [WRAP_UP, T2('11:41:00'), T2('11:41:00'), 'Chloé Dubois', 'Email Support', 'Resolved'],
    ]);
    expect(caseOf(rows)).toEqual({
      ServiceRequestType: 'Technical support',
      CustomerSatisfactionScore: null,
      SlaTargetResolutionTime: 14400,
      ServiceResolutionTime: 265260, // 2024-03-25T11:41:00 − 2024-03-22T10:00:00
      IsSlaCompliant: false,
      IsReopened: false,
      IsFirstContactResolution: false,
    });
  });

  it('resolvingWrapUpCodes matched by id: "Escalated" does not resolve, no reopen', async () => {
    const { rows } = await load([FILE.n], { resolvingWrapUpCodes: [RESOLVED_CODE_ID] });
    expect(byActivity(rows, REOPENED)).toHaveLength(0);
    expect(caseOf(rows)).toMatchObject({ IsReopened: false, ServiceResolutionTime: 265260 });
  });

  it('with the default rules any code resolves, so the e-mail reopens the named case', async () => {
    const { rows } = await load([FILE.n]);
    expect(new Set(rows.map((r) => r.ServiceRequest))).toEqual(new Set([SR]));
    const reopened = only(rows, REOPENED);
    expect([reopened.ConversationId, iso(reopened.EventTime)]).toEqual([CONV.n2, T2('11:00:00')]);
    expect(reopened.MediaType).toBe('email');
    expect(caseOf(rows)).toMatchObject({ IsReopened: true, IsFirstContactResolution: false });
  });
});

describe('(o) transfer found from the newcomer when the agent segment has no disconnectType', () => {
  const T = at('2024-03-26');
  const A = 'Alice Martin';
  const B = 'Bruno Leroy';

  it('emits one Interaction Transferred at the new acd participant start', async () => {
    const { rows } = await load([FILE.o]);
    expect(rows.map(ev)).toEqual<Ev[]>([
      [STARTED, T('17:00:00'), T('17:00:00'), null, null, null],
      [ROUTED, T('17:00:10'), T('17:00:30'), null, 'Billing', null],
      [OFFERED, T('17:00:30'), T('17:00:35'), A, 'Billing', null],
      [ACCEPTED, T('17:00:35'), T('17:03:00'), A, 'Billing', null],
      [ROUTED, T('17:03:00'), T('17:04:00'), null, 'Technical Support', null],
      [TRANSFERRED, T('17:03:00'), T('17:03:00'), A, 'Billing', null],
      [ACW, T('17:03:00'), T('17:03:20'), A, 'Billing', null],
      [ACW_DONE, T('17:03:20'), T('17:03:20'), A, 'Billing', null],
      [WRAP_UP, T('17:03:20'), T('17:03:20'), A, 'Billing', 'Transferred'],
      [OFFERED, T('17:04:00'), T('17:04:05'), B, 'Technical Support', null],
      [ACCEPTED, T('17:04:05'), T('17:10:00'), B, 'Technical Support', null],
      [ACW, T('17:10:00'), T('17:10:30'), B, 'Technical Support', null],
      [DISCONNECTED, T('17:10:30'), T('17:10:30'), null, null, null],
      [ACW_DONE, T('17:10:30'), T('17:10:30'), B, 'Technical Support', null],
      [WRAP_UP, T('17:10:30'), T('17:10:30'), B, 'Technical Support', 'Technical - Issue Fixed'],
    ]);
    expect(caseOf(rows)).toMatchObject({ IsFirstContactResolution: false, ServiceResolutionTime: 630 });
  });
});

describe('all scenarios together', () => {
  const ALL = [...Object.values(FILE), 'k-active.json', 'k-active-updated.json'];

  it('gives each case its id from the date of first contact and orders events by time then activity table', async () => {
    const { rows, store, result } = await load(ALL, {}, { surveys: true });
    expect(result).toMatchObject({ files: ALL.length, rejected: 0, warnings: 0 });
    const cases = await store.readCases();
    expect(cases.map((c) => c.ServiceRequest).sort()).toEqual([
      'SR-20240304-00001', // a + l
      'SR-20240305-00001', // b
      'SR-20240307-00001', // c
      'SR-20240308-00001', // d
      'SR-20240311-00001', // e
      'SR-20240312-00001', // f
      'SR-20240313-00001', // g
      'SR-20240314-00001', // h
      'SR-20240315-00001', // i
      'SR-20240318-00001', // j
      'SR-20240320-00001', // m
      'SR-20240321-00001', // k (ended version)
      'SR-20240322-00042', // n (named)
      'SR-20240326-00001', // o
    ]);
    for (let i = 1; i < rows.length; i++) {
      const prev = rows[i - 1] as EventLogRow;
      const cur = rows[i] as EventLogRow;
      if (prev.ServiceRequest !== cur.ServiceRequest) {
        expect(prev.ServiceRequest < cur.ServiceRequest).toBe(true);
        continue;
      }
      const dt = Date.parse(cur.EventTime) - Date.parse(prev.EventTime);
      expect(dt).toBeGreaterThanOrEqual(0);
      if (dt === 0)
        expect(activityOrder(cur.ActivityName)).toBeGreaterThanOrEqual(activityOrder(prev.ActivityName));
    }
    // only agents transfer: b, c, d, o have one transfer each; ivr/acd handovers never count
    expect(
      byActivity(rows, TRANSFERRED)
        .map((r) => r.ConversationId)
        .sort(),
    ).toEqual([CONV.b, CONV.c, CONV.d, CONV.o].sort());
    expectDurationsConsistent(rows);
  });
});
