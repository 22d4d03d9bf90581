/**
 * Support reports (README "Reports") on small hand-made data imported with the generic import
 * (`caseflow import conversations|messages`), organization time zone Europe/Paris: heatmap across the DST
 * changes and around midnight, contact types, inbound messages by channel, leaderboard by team and by agent
 * (and how the team filter changes it), agent performance, anomaly flags (95th percentile rule, and none
 * under 20 conversations), outbound messages by source, CSV output, and one API call per route. Every
 * expected number is worked out by hand in the comments.
 */
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FULL_SCOPE } from '../src/access/index.ts';
import { type CaseflowConfig, parseConfig } from '../src/config/index.ts';
import { DEMO_CONFIG, demoTeams } from '../src/demo/config.ts';
import { buildDirectory } from '../src/demo/directory.ts';
import { DEMO_DEFAULTS } from '../src/demo/index.ts';
import {
  agentPerformance,
  inboundMessages,
  leaderboard,
  leaderboardCsv,
  openedByContactType,
  openedByContactTypeCsv,
  openedHeatmap,
  outboundBySource,
  type ReportContext,
  type ReportFilterInput,
  reportContext,
  reportFilterSchema,
  resolvedConversations,
  resolvedConversationsCsv,
} from '../src/reports/index.ts';
import { buildApp } from '../src/server/index.ts';
import { importConversations, importMessages } from '../src/sources/conversations/index.ts';
import { openStore, type Store } from '../src/store/index.ts';
import { tempDir } from './support.ts';

const PARIS = 'Europe/Paris';
const BIN = path.resolve(import.meta.dirname, '../bin/caseflow.js');
const dirs: string[] = [];
const stores: Store[] = [];
afterAll(() => {
  for (const s of stores.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

type Row = Record<string, string | number | null>;

/** A store (data dir with its own caseflow.config.json) holding these conversations and messages. */
async function storeWith(
  conversations: Row[],
  messages: Row[],
  configInput: Record<string, unknown>,
): Promise<{ store: Store; dir: string; config: CaseflowConfig; ctx: ReportContext }> {
  const dir = tempDir('caseflow-reports-');
  dirs.push(dir);
  writeFileSync(path.join(dir, 'caseflow.config.json'), JSON.stringify(configInput));
  const store = await openStore(dir);
  stores.push(store);
  const conversationsFile = path.join(dir, 'conversations.json');
  writeFileSync(conversationsFile, JSON.stringify(conversations));
  const imported = await importConversations(store, conversationsFile, { source: 'test' });
  expect(imported.rejected).toBe(0);
  if (messages.length) {
    const messagesFile = path.join(dir, 'messages.json');
    writeFileSync(messagesFile, JSON.stringify(messages));
    const importedMessages = await importMessages(store, messagesFile, { source: 'test' });
    expect(importedMessages.rejected).toBe(0);
  }
  const config = parseConfig(configInput);
  return { store, dir, config, ctx: reportContext(config, FULL_SCOPE) };
}

const filter = (input: ReportFilterInput = {}) => reportFilterSchema.parse(input);

// ---------------------------------------------------------------------------------------------
// Heatmap
// ---------------------------------------------------------------------------------------------

describe('opened-conversations heatmap', () => {
  // Opened at (UTC) → Paris wall clock → (weekday 0 = Monday, hour):
  const conversations: Row[] = [
    // Sun 29 Mar 2026, clocks go 02:00 CET → 03:00 CEST at 01:00 UTC.
    { id: 'h1', opened_at: '2026-03-29T00:30:00Z', channel: 'voice' }, // 01:30 CET → (6, 1)
    { id: 'h2', opened_at: '2026-03-29T01:30:00Z', channel: 'voice' }, // 03:30 CEST → (6, 3)
    // Sun 25 Oct 2026, clocks go 03:00 CEST → 02:00 CET at 01:00 UTC: 02:30 happens twice.
    { id: 'h3', opened_at: '2026-10-25T00:30:00Z', channel: 'voice' }, // 02:30 CEST → (6, 2)
    { id: 'h4', opened_at: '2026-10-25T01:30:00Z', channel: 'voice' }, // 02:30 CET → (6, 2)
    // Monday evening in UTC, already Tuesday in Paris.
    { id: 'h5', opened_at: '2026-01-05T23:30:00Z', channel: 'voice' }, // Tue 00:30 CET → (1, 0)
    { id: 'h6', opened_at: '2026-07-06T22:15:00Z', channel: 'voice' }, // Tue 00:15 CEST → (1, 0)
    // One second before midnight in Paris: still Monday.
    { id: 'h7', opened_at: '2026-01-05T22:59:59Z', channel: 'chat' }, // Mon 23:59 CET → (0, 23)
  ];
  let paris: { store: Store; ctx: ReportContext };
  beforeAll(async () => {
    paris = await storeWith(conversations, [], { organization: { timeZone: PARIS } });
  });

  /** The non-zero cells as "weekday,hour" → count. */
  const nonZero = (cells: { weekday: number; hour: number; count: number }[]) =>
    Object.fromEntries(cells.filter((c) => c.count > 0).map((c) => [`${c.weekday},${c.hour}`, c.count]));

  it('counts by weekday and hour of Paris, DST-correct, all 168 cells', async () => {
    const heatmap = await openedHeatmap(paris.store, paris.ctx, filter());
    expect(heatmap.timeZone).toBe(PARIS);
    expect(heatmap.total).toBe(7);
    expect(heatmap.cells).toHaveLength(168);
    // Every (weekday, hour) once, Monday 00 first, Sunday 23 last.
    expect(heatmap.cells[0]).toEqual({ weekday: 0, hour: 0, count: 0 });
    expect(heatmap.cells[167]).toMatchObject({ weekday: 6, hour: 23 });
    expect(new Set(heatmap.cells.map((c) => `${c.weekday},${c.hour}`)).size).toBe(168);
    expect(nonZero(heatmap.cells)).toEqual({ '6,1': 1, '6,3': 1, '6,2': 2, '1,0': 2, '0,23': 1 });
  });

  it('the same conversations in UTC land in other cells', async () => {
    const utc = { ...paris.ctx, timeZone: 'UTC' };
    const heatmap = await openedHeatmap(paris.store, utc, filter());
    // h1 00:30 Sun, h3 00:30 Sun → (6, 0) = 2; h2 01:30, h4 01:30 → (6, 1) = 2;
    // h5 Mon 23:30 → (0, 23) = 1; h6 Mon 22:15 and h7 Mon 22:59:59 → (0, 22) = 2.
    expect(nonZero(heatmap.cells)).toEqual({ '6,0': 2, '6,1': 2, '0,23': 1, '0,22': 2 });
  });

  it('takes the period (instants, to exclusive) and the channel filter', async () => {
    // 2026-03-29T01:30Z up to 2026-10-25T01:30Z (exclusive): h2, h3, h6.
    const period = await openedHeatmap(
      paris.store,
      paris.ctx,
      filter({ from: '2026-03-29T01:30:00.000Z', to: '2026-10-25T01:30:00.000Z' }),
    );
    expect(period.total).toBe(3);
    expect(nonZero(period.cells)).toEqual({ '6,3': 1, '6,2': 1, '1,0': 1 });
    const chat = await openedHeatmap(paris.store, paris.ctx, filter({ channel: 'chat' }));
    expect(nonZero(chat.cells)).toEqual({ '0,23': 1 });
  });
});

// ---------------------------------------------------------------------------------------------
// Contact types, inbound messages, outbound messages by source
// ---------------------------------------------------------------------------------------------

describe('contact types and messages', () => {
  const conversations: Row[] = [
    // K3's history, two months before: makes c05 returning although c00 is outside the period.
    { id: 'c00', opened_at: '2026-04-01T10:00:00Z', contact_id: 'K3', channel: 'whatsapp' }, // new
    { id: 'c01', opened_at: '2026-05-31T21:30:00Z', contact_id: 'K1', channel: 'whatsapp' }, // Sun 31 May 23:30 Paris, new
    { id: 'c02', opened_at: '2026-05-31T22:30:00Z', contact_id: 'K1', channel: 'whatsapp' }, // Mon 1 Jun 00:30 Paris, returning
    {
      id: 'c03',
      opened_at: '2026-06-01T08:00:00Z', // 1 Jun, new
      contact_id: 'K2',
      channel: 'whatsapp',
      assignee: 'a1',
      assignee_name: 'Alice',
    },
    { id: 'c04', opened_at: '2026-06-03T09:00:00Z', contact_id: 'K2', channel: 'email' }, // 3 Jun, returning
    { id: 'c05', opened_at: '2026-06-03T10:00:00Z', contact_id: 'K3', channel: 'whatsapp' }, // 3 Jun, returning (c00)
    { id: 'c06', opened_at: '2026-06-03T11:00:00Z', channel: 'email' }, // 3 Jun, no contact: new
  ];
  const inbound = (id: string, at: string, conversation: string, channel: string | null): Row => ({
    message_id: id,
    sent_at: at,
    sender_type: 'contact',
    conversation_id: conversation,
    channel,
    content: 'Bonjour',
  });
  const outbound = (id: string, at: string, sender: string, senderId: string | null, more: Row): Row => ({
    message_id: id,
    sent_at: at,
    sender_type: sender,
    sender_id: senderId,
    content: 'Réponse',
    ...more,
  });
  const messages: Row[] = [
    // Inbound, Paris day and channel (the message's, else its conversation's):
    inbound('m6', '2026-05-31T21:31:00Z', 'c01', 'whatsapp'), // 31 May 23:31 → 31 May, whatsapp
    inbound('m1', '2026-05-31T22:40:00Z', 'c02', 'whatsapp'), // 1 Jun 00:40 → 1 Jun, whatsapp
    inbound('m2', '2026-06-01T08:01:00Z', 'c03', 'whatsapp'), // 1 Jun, whatsapp
    inbound('m3', '2026-06-01T08:02:00Z', 'c03', 'email'), // 1 Jun, email (its own channel)
    inbound('m7', '2026-06-01T21:59:59Z', 'c03', null), // 1 Jun 23:59:59 → 1 Jun, whatsapp (c03's)
    inbound('m4', '2026-06-03T09:01:00Z', 'c04', null), // 3 Jun, email (c04's)
    inbound('m5', '2026-06-03T10:01:00Z', 'c05', 'whatsapp'), // 3 Jun, whatsapp
    // Outbound, Paris week (from Monday) and source:
    outbound('o1', '2026-06-01T08:05:00Z', 'agent', 'a1', { conversation_id: 'c03' }), // wk 1 Jun, agent
    outbound('o2', '2026-06-01T08:10:00Z', 'agent', 'a2', { conversation_id: 'c03' }), // wk 1 Jun, agent
    outbound('o3', '2026-06-01T08:01:30Z', 'workflow', 'wf-ack', { conversation_id: 'c03' }), // wk 1 Jun, workflow
    outbound('o4', '2026-06-03T09:00:30Z', 'bot', 'bot-1', { conversation_id: 'c04' }), // wk 1 Jun, bot → workflow
    outbound('o5', '2026-06-02T10:00:00Z', 'broadcast', null, { contact_id: 'K1' }), // wk 1 Jun, broadcast
    outbound('o6', '2026-06-02T12:00:00Z', 'api', null, {
      contact_id: 'K2',
      status: 'failed',
      failure_reason: 'Contact opted out',
    }), // wk 1 Jun, api (failed: still sent by the API)
    outbound('o7', '2026-06-03T09:30:00Z', 'agent', 'a1', { conversation_id: 'c04' }), // wk 1 Jun, agent
    outbound('o8', '2026-06-08T09:00:00Z', 'agent', 'a1', { conversation_id: 'c05' }), // wk 8 Jun, agent
  ];
  let s: { store: Store; ctx: ReportContext; config: CaseflowConfig };
  beforeAll(async () => {
    s = await storeWith(conversations, messages, {
      organization: { timeZone: PARIS },
      support: { teams: { Billing: ['a1'] } },
    });
  });
  // Paris days 31 May … 3 Jun: from Paris midnight of 31 May (22:00 UTC the day before, CEST) to that of 4 Jun.
  const parisDays = { from: '2026-05-30T22:00:00.000Z', to: '2026-06-03T22:00:00.000Z' };

  it('new vs returning per Paris day, empty days included', async () => {
    const r = await openedByContactType(s.store, s.ctx, filter(parisDays), 'day');
    expect(r).toEqual({
      timeZone: PARIS,
      interval: 'day',
      rows: [
        { period: '2026-05-31', new: 1, returning: 0 }, // c01
        { period: '2026-06-01', new: 1, returning: 1 }, // c03 new, c02 returning
        { period: '2026-06-02', new: 0, returning: 0 },
        { period: '2026-06-03', new: 1, returning: 2 }, // c06 new; c04, c05 returning
      ],
    });
  });

  it('per week (from Monday) and per month', async () => {
    const weeks = await openedByContactType(s.store, s.ctx, filter(parisDays), 'week');
    expect(weeks.rows).toEqual([
      { period: '2026-05-25', new: 1, returning: 0 }, // c01 (Sunday 31 May)
      { period: '2026-06-01', new: 2, returning: 3 }, // c03, c06 new; c02, c04, c05 returning
    ]);
    // No period given: from the first month with data to the last.
    const months = await openedByContactType(s.store, s.ctx, filter(), 'month');
    expect(months.rows).toEqual([
      { period: '2026-04-01', new: 1, returning: 0 }, // c00
      { period: '2026-05-01', new: 1, returning: 0 }, // c01
      { period: '2026-06-01', new: 2, returning: 3 },
    ]);
  });

  it('inbound messages per Paris day and channel, most used channel first', async () => {
    const all = await inboundMessages(s.store, s.ctx, filter(), 'day');
    // whatsapp: m6, m1, m2, m7, m5 = 5; email: m3, m4 = 2.
    expect(all.channels).toEqual(['whatsapp', 'email']);
    expect(all.rows).toEqual([
      { period: '2026-05-31', channel: 'whatsapp', count: 1 },
      { period: '2026-05-31', channel: 'email', count: 0 },
      { period: '2026-06-01', channel: 'whatsapp', count: 3 },
      { period: '2026-06-01', channel: 'email', count: 1 },
      { period: '2026-06-02', channel: 'whatsapp', count: 0 },
      { period: '2026-06-02', channel: 'email', count: 0 },
      { period: '2026-06-03', channel: 'whatsapp', count: 1 },
      { period: '2026-06-03', channel: 'email', count: 1 },
    ]);
    // From Paris midnight of 1 Jun: m6 (31 May 23:31 Paris) is out.
    const june = await inboundMessages(
      s.store,
      s.ctx,
      filter({ from: '2026-05-31T22:00:00.000Z', to: '2026-06-03T22:00:00.000Z' }),
      'day',
    );
    expect(june.rows.map((r) => [r.period, r.channel, r.count])).toEqual([
      ['2026-06-01', 'whatsapp', 3],
      ['2026-06-01', 'email', 1],
      ['2026-06-02', 'whatsapp', 0],
      ['2026-06-02', 'email', 0],
      ['2026-06-03', 'whatsapp', 1],
      ['2026-06-03', 'email', 1],
    ]);
    // Team Billing = a1, assignee of c03 only: m2, m7 (whatsapp), m3 (email), all on 1 Jun.
    const billing = await inboundMessages(s.store, s.ctx, filter({ team: 'Billing' }), 'day');
    expect(billing.channels).toEqual(['whatsapp', 'email']);
    expect(billing.rows).toEqual([
      { period: '2026-06-01', channel: 'whatsapp', count: 2 },
      { period: '2026-06-01', channel: 'email', count: 1 },
    ]);
    // channel=email: m3 (1 Jun), m4 (3 Jun).
    const email = await inboundMessages(s.store, s.ctx, filter({ channel: 'email' }), 'day');
    expect(email.rows.map((r) => [r.period, r.count])).toEqual([
      ['2026-06-01', 1],
      ['2026-06-02', 0],
      ['2026-06-03', 1],
    ]);
  });

  it('outbound messages per week and source; agent= keeps what that agent sent', async () => {
    const all = await outboundBySource(s.store, s.ctx, filter(), 'week');
    expect(all.rows).toEqual([
      // week of 1 Jun: agent o1, o2, o7; workflow o3 and the bot's o4; broadcast o5; api o6 (failed)
      { period: '2026-06-01', source: 'agent', count: 3 },
      { period: '2026-06-01', source: 'workflow', count: 2 },
      { period: '2026-06-01', source: 'broadcast', count: 1 },
      { period: '2026-06-01', source: 'api', count: 1 },
      // week of 8 Jun: o8
      { period: '2026-06-08', source: 'agent', count: 1 },
      { period: '2026-06-08', source: 'workflow', count: 0 },
      { period: '2026-06-08', source: 'broadcast', count: 0 },
      { period: '2026-06-08', source: 'api', count: 0 },
    ]);
    const a1 = await outboundBySource(s.store, s.ctx, filter({ agent: 'a1' }), 'week');
    // a1 sent o1, o7 (week of 1 Jun) and o8 (week of 8 Jun); o2 is a2's.
    expect(a1.rows.filter((r) => r.count > 0)).toEqual([
      { period: '2026-06-01', source: 'agent', count: 2 },
      { period: '2026-06-08', source: 'agent', count: 1 },
    ]);
    expect(a1.rows).toHaveLength(8);
  });

  it('CSV: the same rows, headers in the chosen language', async () => {
    const r = await openedByContactType(s.store, s.ctx, filter(parisDays), 'week');
    expect(openedByContactTypeCsv(r, 'en')).toBe(
      'Period,New contacts,Returning contacts\r\n2026-05-25,1,0\r\n2026-06-01,2,3\r\n',
    );
    expect(openedByContactTypeCsv(r, 'fr').split('\r\n')[0]).toBe(
      'Période,Nouveaux contacts,Contacts récurrents',
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Leaderboard and agent performance
// ---------------------------------------------------------------------------------------------

describe('leaderboard and agent performance', () => {
  // Teams: Billing = a1 (by id) and Bob (by name, a2); Tech = a3; Dan (a4) has only the source's team
  // "Sales"; Eve (a5) has none. Times in seconds (first_response_time and resolution_time columns).
  const c = (
    id: string,
    opened: string,
    assignee: [string, string],
    resolver: [string, string] | null,
    frt: number | null,
    resolution: number | null,
    more: Row = {},
  ): Row => ({
    conversation_id: id,
    opened_at: opened,
    assignee: assignee[0],
    assignee_name: assignee[1],
    resolver: resolver?.[0] ?? null,
    resolver_name: resolver?.[1] ?? null,
    first_response_time: frt,
    resolution_time: resolution,
    channel: 'chat',
    ...more,
  });
  const alice: [string, string] = ['a1', 'Alice'];
  const bob: [string, string] = ['a2', 'Bob'];
  const carol: [string, string] = ['a3', 'Carol'];
  const dan: [string, string] = ['a4', 'Dan'];
  const eve: [string, string] = ['a5', 'Eve'];
  // Paris = UTC+2 in June; business hours Mon–Fri 09:00–18:00 Paris (the default).
  const conversations: Row[] = [
    c('L1', '2026-06-01T08:00:00Z', alice, alice, 60, 600, { handle_time: 300, transfers: 0, csat: 5 }),
    c('L2', '2026-06-01T09:00:00Z', alice, alice, 120, 1200, { handle_time: 500, transfers: 1, csat: 4 }),
    // Mon 17:30 Paris, resolved 18:20: 1800 s of it in business hours.
    c('L3', '2026-06-01T15:30:00Z', bob, bob, 30, 3000, {
      handle_time: 200,
      transfers: 0,
      csat: 3,
      channel: 'email',
    }),
    c('L4', '2026-06-02T08:00:00Z', carol, carol, 300, 900, { transfers: 2 }),
    c('L5', '2026-06-02T09:00:00Z', dan, dan, 20, 400, {
      handle_time: 100,
      transfers: 0,
      csat: 2,
      team: 'Sales',
    }),
    // Assigned to Alice, closed by Carol.
    c('L6', '2026-06-02T10:00:00Z', alice, carol, 90, 1800, {
      handle_time: 400,
      transfers: 1,
      csat: 4,
      channel: 'email',
    }),
    // Not resolved.
    c('L7', '2026-06-03T08:00:00Z', eve, null, 45, null),
    // With messages: first response from them (agent at 09:01:40 − first inbound at 09:00:10 = 90 s).
    c('L8', '2026-06-03T09:00:00Z', bob, bob, null, 2000, { handle_time: 300, transfers: 0, csat: 5 }),
  ];
  const m = (id: string, at: string, senderType: string, senderId: string | null): Row => ({
    message_id: id,
    conversation_id: 'L8',
    sent_at: at,
    sender_type: senderType,
    sender_id: senderId,
    content: 'x',
  });
  const messages: Row[] = [
    m('L8-1', '2026-06-03T09:00:10Z', 'contact', 'K8'),
    m('L8-2', '2026-06-03T09:00:20Z', 'workflow', 'wf'), // not a response
    m('L8-3', '2026-06-03T09:01:40Z', 'agent', 'a2'), // first response: 90 s
    m('L8-4', '2026-06-03T09:05:00Z', 'agent', 'a2'),
    m('L8-5', '2026-06-03T09:06:00Z', 'agent', 'a1'), // Alice helps, but did not close L8
  ];
  let s: { store: Store; ctx: ReportContext; config: CaseflowConfig };
  beforeAll(async () => {
    s = await storeWith(conversations, messages, {
      organization: { timeZone: PARIS },
      support: { teams: { Billing: ['a1', 'Bob'], Tech: ['a3'] } },
    });
  });

  it('first response by agent (the assignee), best first, top limit', async () => {
    const r = await leaderboard(s.store, s.ctx, filter(), { metric: 'first-response', groupBy: 'agent' });
    expect(r.metric).toBe('first-response');
    expect(r.groupBy).toBe('agent');
    expect(r.businessHours).toBe(false);
    // a4: 20; a5: 45; a2: (30 + 90) / 2 = 60; a1: (60 + 120 + 90) / 3 = 90; a3: 300.
    expect(r.rows).toEqual([
      { key: 'a4', name: 'Dan', averageSeconds: 20, conversations: 1 },
      { key: 'a5', name: 'Eve', averageSeconds: 45, conversations: 1 },
      { key: 'a2', name: 'Bob', averageSeconds: 60, conversations: 2 },
      { key: 'a1', name: 'Alice', averageSeconds: 90, conversations: 3 },
      { key: 'a3', name: 'Carol', averageSeconds: 300, conversations: 1 },
    ]);
    const top2 = await leaderboard(s.store, s.ctx, filter(), {
      metric: 'first-response',
      groupBy: 'agent',
      limit: 2,
    });
    expect(top2.rows.map((x) => x.key)).toEqual(['a4', 'a5']);
  });

  it('first response by team: configuration first, else the source team; no team is not ranked', async () => {
    const r = await leaderboard(s.store, s.ctx, filter(), { metric: 'first-response', groupBy: 'team' });
    // Sales (L5): 20; Billing (a1: L1, L2, L6; Bob: L3, L8): (60 + 120 + 90 + 30 + 90) / 5 = 78;
    // Tech (L4): 300; Eve has no team.
    expect(r.rows).toEqual([
      { key: 'Sales', name: 'Sales', averageSeconds: 20, conversations: 1 },
      { key: 'Billing', name: 'Billing', averageSeconds: 78, conversations: 5 },
      { key: 'Tech', name: 'Tech', averageSeconds: 300, conversations: 1 },
    ]);
  });

  it('resolution by agent and by team (the resolver), with and without business hours', async () => {
    const byAgent = await leaderboard(s.store, s.ctx, filter(), { metric: 'resolution', groupBy: 'agent' });
    // a4: 400; a1: (600 + 1200) / 2 = 900; a3: (900 + 1800) / 2 = 1350; a2: (3000 + 2000) / 2 = 2500.
    expect(byAgent.rows.map((x) => [x.key, x.averageSeconds, x.conversations])).toEqual([
      ['a4', 400, 1],
      ['a1', 900, 2],
      ['a3', 1350, 2],
      ['a2', 2500, 2],
    ]);
    const byTeam = await leaderboard(s.store, s.ctx, filter(), { metric: 'resolution', groupBy: 'team' });
    // Sales: 400; Tech (L4, L6 closed by Carol): 1350; Billing: (600 + 1200 + 3000 + 2000) / 4 = 1700.
    expect(byTeam.rows.map((x) => [x.key, x.averageSeconds, x.conversations])).toEqual([
      ['Sales', 400, 1],
      ['Tech', 1350, 2],
      ['Billing', 1700, 4],
    ]);
    // Business hours: only L3 spans the closing (17:30 → 18:20 Paris): 1800 s; a2: (1800 + 2000) / 2 = 1900.
    const business = await leaderboard(s.store, s.ctx, filter({ businessHours: 'true' }), {
      metric: 'resolution',
      groupBy: 'agent',
    });
    expect(business.businessHours).toBe(true);
    expect(business.rows.map((x) => [x.key, x.averageSeconds])).toEqual([
      ['a4', 400],
      ['a1', 900],
      ['a3', 1350],
      ['a2', 1900],
    ]);
  });

  it('the team filter ranks only those teams, or agents of those teams', async () => {
    const top2 = { metric: 'first-response', groupBy: 'agent', limit: 2 } as const;
    // Unfiltered: a4 (20), a5 (45). Billing only: a2 (60), a1 (90).
    const billing = await leaderboard(s.store, s.ctx, filter({ team: 'Billing' }), top2);
    expect(billing.rows.map((x) => [x.key, x.averageSeconds])).toEqual([
      ['a2', 60],
      ['a1', 90],
    ]);
    const teams = await leaderboard(s.store, s.ctx, filter({ team: 'Billing,Tech' }), {
      metric: 'first-response',
      groupBy: 'team',
    });
    expect(teams.rows.map((x) => x.key)).toEqual(['Billing', 'Tech']);
    // Resolution of Tech: Carol closed L4 and L6 (L6 assigned to Alice): (900 + 1800) / 2.
    const tech = await leaderboard(s.store, s.ctx, filter({ team: 'Tech' }), {
      metric: 'resolution',
      groupBy: 'agent',
    });
    expect(tech.rows).toEqual([{ key: 'a3', name: 'Carol', averageSeconds: 1350, conversations: 2 }]);
    const csv = leaderboardCsv(billing, 'en');
    expect(csv).toBe('Rank,Key,Name,Average (s),Conversations\r\n1,a2,Bob,60,2\r\n2,a1,Alice,90,3\r\n');
  });

  it('agent performance: every figure over the conversations the agent closed', async () => {
    const r = await agentPerformance(s.store, s.ctx, filter());
    expect(r.rows).toEqual([
      // Alice closed L1, L2: first response (60 + 120) / 2 = 90, resolution (600 + 1200) / 2 = 900,
      // handle (300 + 500) / 2 = 400, transfers 0 + 1, CSAT (5 + 4) / 2 = 4.5; her message in L8 (closed
      // by Bob) does not count.
      {
        agentId: 'a1',
        agentName: 'Alice',
        team: 'Billing',
        conversationsClosed: 2,
        messagesSent: 0,
        avgFirstResponseSeconds: 90,
        avgResolutionSeconds: 900,
        avgHandleSeconds: 400,
        transfers: 1,
        csat: 4.5,
      },
      // Bob closed L3, L8: 2 messages of his in L8; first response (30 + 90) / 2 = 60, resolution
      // (3000 + 2000) / 2 = 2500, handle (200 + 300) / 2 = 250, CSAT (3 + 5) / 2 = 4.
      {
        agentId: 'a2',
        agentName: 'Bob',
        team: 'Billing',
        conversationsClosed: 2,
        messagesSent: 2,
        avgFirstResponseSeconds: 60,
        avgResolutionSeconds: 2500,
        avgHandleSeconds: 250,
        transfers: 0,
        csat: 4,
      },
      // Carol closed L4, L6: first response (300 + 90) / 2 = 195, resolution (900 + 1800) / 2 = 1350,
      // handle: only L6's 400, transfers 2 + 1 = 3, CSAT: only L6's 4.
      {
        agentId: 'a3',
        agentName: 'Carol',
        team: 'Tech',
        conversationsClosed: 2,
        messagesSent: 0,
        avgFirstResponseSeconds: 195,
        avgResolutionSeconds: 1350,
        avgHandleSeconds: 400,
        transfers: 3,
        csat: 4,
      },
      // Dan closed L5; team from the source.
      {
        agentId: 'a4',
        agentName: 'Dan',
        team: 'Sales',
        conversationsClosed: 1,
        messagesSent: 0,
        avgFirstResponseSeconds: 20,
        avgResolutionSeconds: 400,
        avgHandleSeconds: 100,
        transfers: 0,
        csat: 2,
      },
    ]);
    const tech = await agentPerformance(s.store, s.ctx, filter({ team: 'Tech' }));
    expect(tech.rows.map((x) => x.agentId)).toEqual(['a3']);
    // Business hours: Bob's L3 resolution counts 1800 s → (1800 + 2000) / 2 = 1900.
    const bob = await agentPerformance(s.store, s.ctx, filter({ agent: 'a2', businessHours: true }));
    expect(bob.rows.map((x) => [x.agentId, x.avgResolutionSeconds, x.avgFirstResponseSeconds])).toEqual([
      ['a2', 1900, 60],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Resolved conversations and anomaly flags
// ---------------------------------------------------------------------------------------------

describe('resolved conversations with anomaly flags', () => {
  const hour = 3_600_000;
  const start = Date.parse('2026-06-01T08:00:00Z');
  const at = (ms: number) => new Date(ms).toISOString();
  const conversations: Row[] = [];
  // chat-01 … chat-20: opened i hours after the start, resolution 100·i s, 2 messages, except chat-03
  // with 50 (20 in, 30 out).
  for (let i = 1; i <= 20; i++) {
    const id = `chat-${String(i).padStart(2, '0')}`;
    conversations.push({
      conversation_id: id,
      opened_at: at(start + i * hour),
      resolution_time: 100 * i,
      channel: 'chat',
      contact_id: `K${i}`,
      assignee: 'a1',
      assignee_name: 'Alice',
      resolver: 'a1',
      resolver_name: 'Alice',
      inbound_count: i === 3 ? 20 : 1,
      outbound_count: i === 3 ? 30 : 1,
      ...(i === 3 ? { summary: '=HYPERLINK("x")', service_request: 'SR-20260601-00003' } : {}),
    });
  }
  // One open chat: not listed, not counted.
  conversations.push({ conversation_id: 'chat-open', opened_at: at(start), channel: 'chat' });
  // email-01 … email-19: 19 resolved only, so no threshold and no flag, however extreme.
  for (let i = 1; i <= 19; i++) {
    conversations.push({
      conversation_id: `email-${String(i).padStart(2, '0')}`,
      opened_at: at(start + i * hour),
      resolution_time: i === 19 ? 999_999 : 100 * i,
      channel: 'email',
      inbound_count: i === 19 ? 100 : 1,
      outbound_count: 1,
    });
  }
  let s: { store: Store; ctx: ReportContext; config: CaseflowConfig };
  beforeAll(async () => {
    s = await storeWith(conversations, [], { organization: { timeZone: PARIS } });
  });

  it('flags beyond the 95th percentile of the channel; thresholds; no flag under 20', async () => {
    const r = await resolvedConversations(s.store, s.ctx, filter());
    expect(r.rule).toMatch(/95th percentile/);
    expect(r.rule).toMatch(/fewer than 20/);
    expect(r.total).toBe(39); // 20 chats + 19 e-mails resolved
    // chat resolution: 100 … 2000; quantile_cont 0.95: position 19 × 0.95 = 18.05 → 1900 + 0.05 × 100
    // = 1905. chat messages: nineteen 2s and one 50: 2 + 0.05 × 48 = 4.4. email: 19 < 20, none.
    expect(r.thresholds).toEqual([
      { channel: 'chat', resolutionSeconds: 1905, messages: 4.4 },
      { channel: 'email', resolutionSeconds: null, messages: null },
    ]);
    const flagged = Object.fromEntries(
      r.rows.filter((x) => x.flags.length).map((x) => [x.conversationId, x.flags]),
    );
    // chat-20: 2000 s > 1905; chat-03: 50 messages > 4.4. The e-mails are never flagged.
    expect(flagged).toEqual({ 'chat-20': ['long-resolution'], 'chat-03': ['many-messages'] });
  });

  it('anomalies=only, newest resolution first, row fields', async () => {
    const r = await resolvedConversations(s.store, s.ctx, filter(), { anomalies: 'only' });
    expect(r.total).toBe(2);
    expect(r.rows).toEqual([
      {
        conversationId: 'chat-20',
        channel: 'chat',
        openedAt: '2026-06-02T04:00:00.000Z', // start + 20 h
        resolvedAt: '2026-06-02T04:33:20.000Z', // + 2000 s
        contactId: 'K20',
        assignee: 'Alice',
        resolver: 'Alice',
        messages: 2,
        resolutionSeconds: 2000,
        flags: ['long-resolution'],
        summary: null,
        serviceRequest: null,
      },
      {
        conversationId: 'chat-03',
        channel: 'chat',
        openedAt: '2026-06-01T11:00:00.000Z', // start + 3 h
        resolvedAt: '2026-06-01T11:05:00.000Z', // + 300 s
        contactId: 'K3',
        assignee: 'Alice',
        resolver: 'Alice',
        messages: 50,
        resolutionSeconds: 300,
        flags: ['many-messages'],
        summary: '=HYPERLINK("x")',
        serviceRequest: 'SR-20260601-00003',
      },
    ]);
  });

  it('the rule is computed within the selection: 19 chats leave no flag', async () => {
    // to = chat-20's opening (exclusive): 19 chats remain.
    const r = await resolvedConversations(s.store, s.ctx, filter({ to: '2026-06-02T04:00:00Z' }), {
      anomalies: 'only',
    });
    expect(r.total).toBe(0);
    expect(r.thresholds.find((t) => t.channel === 'chat')).toEqual({
      channel: 'chat',
      resolutionSeconds: null,
      messages: null,
    });
  });

  it('pages', async () => {
    const r = await resolvedConversations(s.store, s.ctx, filter({ channel: 'chat' }), {
      page: 2,
      pageSize: 15,
    });
    // 20 chats, newest resolution first: page 2 holds the 16th to 20th, chat-05 … chat-01.
    expect(r.total).toBe(20);
    expect(r.rows.map((x) => x.conversationId)).toEqual([
      'chat-05',
      'chat-04',
      'chat-03',
      'chat-02',
      'chat-01',
    ]);
  });

  it('CSV: header, and a formula-like closing note neutralized', async () => {
    const r = await resolvedConversations(s.store, s.ctx, filter(), { anomalies: 'only' });
    const lines = resolvedConversationsCsv(r, 'en').split('\r\n');
    expect(lines[0]).toBe(
      'Conversation ID,Channel,Opened at,Resolved at,Contact ID,Assignee,Resolver,Messages,Resolution time (s),Flags,Summary,Service request',
    );
    // '=HYPERLINK("x")' gets a leading apostrophe, then RFC 4180 quoting.
    expect(lines[2]).toBe(
      `chat-03,chat,2026-06-01T11:00:00.000Z,2026-06-01T11:05:00.000Z,K3,Alice,Alice,50,300,many-messages,"'=HYPERLINK(""x"")",SR-20260601-00003`,
    );
    expect(resolvedConversationsCsv(r, 'fr').split('\r\n')[0]).toMatch(/^ID conversation,Canal,Ouverte le,/);
  });
});

// ---------------------------------------------------------------------------------------------
// API and CLI
// ---------------------------------------------------------------------------------------------

const API_CONVERSATIONS: Row[] = [
  // Mon 1 Jun 2026, 10:00 Paris; first response 60 s, resolution 600 s, Alice (Billing).
  {
    id: 'x1',
    opened_at: '2026-06-01T08:00:00Z',
    contact_id: 'K1',
    channel: 'chat',
    assignee: 'a1',
    assignee_name: 'Alice',
    resolver: 'a1',
    resolver_name: 'Alice',
    first_response_time: 60,
    resolution_time: 600,
    summary: '@SUM(A1)',
    service_request: 'SR-20260601-00001',
  },
  // Tue 2 Jun, 11:00 Paris, same contact (returning); Bob (no team), first response 30 s, open.
  {
    id: 'x2',
    opened_at: '2026-06-02T09:00:00Z',
    contact_id: 'K1',
    channel: 'email',
    assignee: 'a2',
    assignee_name: 'Bob',
    first_response_time: 30,
  },
];
const API_MESSAGES: Row[] = [
  { id: 'y1', sent_at: '2026-06-01T08:00:05Z', sender_type: 'contact', conversation_id: 'x1' },
  { id: 'y2', sent_at: '2026-06-01T08:01:05Z', sender_type: 'agent', sender_id: 'a1', conversation_id: 'x1' },
  // A broadcast to a contact without conversation: in no conversation.
  { id: 'y3', sent_at: '2026-06-02T09:00:00Z', sender_type: 'broadcast', contact_id: 'K9' },
];
const API_CONFIG = { organization: { timeZone: PARIS }, support: { teams: { Billing: ['a1'] } } };

describe('reports API', () => {
  let s: { store: Store; dir: string; config: CaseflowConfig; ctx: ReportContext };
  let app: Awaited<ReturnType<typeof buildApp>>;
  beforeAll(async () => {
    s = await storeWith(API_CONVERSATIONS, API_MESSAGES, API_CONFIG);
    app = await buildApp({ store: s.store, config: s.config, webRoot: null });
  });
  afterAll(async () => {
    await app.close();
  });
  const get = async (url: string) => {
    const res = await app.inject({ url });
    return { status: res.statusCode, body: res.json(), headers: res.headers };
  };

  it('GET /api/v1/reports/opened-heatmap', async () => {
    const r = await get('/api/v1/reports/opened-heatmap?from=2026-06-01&to=2026-06-08');
    expect(r.status).toBe(200);
    expect(r.body.timeZone).toBe(PARIS);
    expect(r.body.total).toBe(2);
    expect(r.body.cells).toHaveLength(168);
    // x1: Monday 10:00 Paris → (0, 10); x2: Tuesday 11:00 → (1, 11).
    expect(r.body.cells.filter((c: { count: number }) => c.count > 0)).toEqual([
      { weekday: 0, hour: 10, count: 1 },
      { weekday: 1, hour: 11, count: 1 },
    ]);
  });

  it('GET /api/v1/reports/opened-by-contact-type', async () => {
    const r = await get('/api/v1/reports/opened-by-contact-type?interval=week');
    expect(r.status).toBe(200);
    // Both in the week of Mon 1 Jun: x1 new, x2 returning (same contact).
    expect(r.body).toEqual({
      timeZone: PARIS,
      interval: 'week',
      rows: [{ period: '2026-06-01', new: 1, returning: 1 }],
    });
  });

  it('GET /api/v1/reports/inbound-messages', async () => {
    const r = await get('/api/v1/reports/inbound-messages?interval=month');
    expect(r.status).toBe(200);
    // y1 only (the channel of x1).
    expect(r.body).toEqual({
      timeZone: PARIS,
      interval: 'month',
      channels: ['chat'],
      rows: [{ period: '2026-06-01', channel: 'chat', count: 1 }],
    });
  });

  it('GET /api/v1/reports/leaderboard', async () => {
    const r = await get('/api/v1/reports/leaderboard?metric=first-response&groupBy=agent&limit=10');
    expect(r.status).toBe(200);
    // x2 (Bob): 30 s from the stored first response; x1 (Alice): y2 − y1 = 60 s from its messages.
    expect(r.body).toEqual({
      metric: 'first-response',
      groupBy: 'agent',
      businessHours: false,
      rows: [
        { key: 'a2', name: 'Bob', averageSeconds: 30, conversations: 1 },
        { key: 'a1', name: 'Alice', averageSeconds: 60, conversations: 1 },
      ],
    });
    const team = await get('/api/v1/reports/leaderboard?groupBy=team&team=Billing');
    expect(team.body.rows).toEqual([
      { key: 'Billing', name: 'Billing', averageSeconds: 60, conversations: 1 },
    ]);
  });

  it('GET /api/v1/reports/agent-performance', async () => {
    const r = await get('/api/v1/reports/agent-performance');
    expect(r.status).toBe(200);
    // Only x1 is closed (by Alice): her message y2, first response 60 s, resolution 600 s.
    expect(r.body.rows).toEqual([
      {
        agentId: 'a1',
        agentName: 'Alice',
        team: 'Billing',
        conversationsClosed: 1,
        messagesSent: 1,
        avgFirstResponseSeconds: 60,
        avgResolutionSeconds: 600,
        avgHandleSeconds: null,
        transfers: 0,
        csat: null,
      },
    ]);
  });

  it('GET /api/v1/reports/resolved-conversations, as JSON and as CSV', async () => {
    const r = await get('/api/v1/reports/resolved-conversations?page=1&pageSize=50&anomalies=all');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ total: 1, page: 1, pageSize: 50 });
    // 1 chat: fewer than 20, no threshold.
    expect(r.body.thresholds).toEqual([{ channel: 'chat', resolutionSeconds: null, messages: null }]);
    expect(r.body.rows).toEqual([
      {
        conversationId: 'x1',
        channel: 'chat',
        openedAt: '2026-06-01T08:00:00.000Z',
        resolvedAt: '2026-06-01T08:10:00.000Z',
        contactId: 'K1',
        assignee: 'Alice',
        resolver: 'Alice',
        messages: 2,
        resolutionSeconds: 600,
        flags: [],
        summary: '@SUM(A1)',
        serviceRequest: 'SR-20260601-00001',
      },
    ]);
    const csv = await app.inject({ url: '/api/v1/reports/resolved-conversations?format=csv&lang=fr' });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toBe('attachment; filename="resolved-conversations.csv"');
    expect(csv.body.split('\r\n')[0]).toBe(
      'ID conversation,Canal,Ouverte le,Résolue le,ID contact,Assignée à,Résolue par,Messages,Temps de résolution (s),Anomalies,Résumé,Demande de service',
    );
    // The closing note "@SUM(A1)" is written as text: '@SUM(A1).
    expect(csv.body.split('\r\n')[1]).toBe(
      "x1,chat,2026-06-01T08:00:00.000Z,2026-06-01T08:10:00.000Z,K1,Alice,Alice,2,600,,'@SUM(A1),SR-20260601-00001",
    );
  });

  it('GET /api/v1/reports/outbound-by-source', async () => {
    const r = await get('/api/v1/reports/outbound-by-source?interval=week');
    expect(r.status).toBe(200);
    // Week of 1 Jun: y2 (agent), y3 (broadcast).
    expect(r.body.rows).toEqual([
      { period: '2026-06-01', source: 'agent', count: 1 },
      { period: '2026-06-01', source: 'workflow', count: 0 },
      { period: '2026-06-01', source: 'broadcast', count: 1 },
      { period: '2026-06-01', source: 'api', count: 0 },
    ]);
    const bob = await get('/api/v1/reports/outbound-by-source?interval=week&agent=a2');
    expect(bob.body.rows).toEqual([]); // Bob sent nothing
  });

  it('GET /api/v1/reports/teams lists every configured team, and the sources’ teams', async () => {
    const r = await get('/api/v1/reports/teams');
    expect(r.status).toBe(200);
    const configured = Object.keys(s.config.support.teams);
    expect(configured.length).toBeGreaterThan(0);
    expect(r.body.teams).toEqual(expect.arrayContaining(configured));
    expect([...r.body.teams].sort((a: string, b: string) => a.localeCompare(b))).toEqual(r.body.teams);
  });

  it('bad parameters: 400 naming the parameter; the routes are in the OpenAPI document', async () => {
    for (const [url, name] of [
      ['/api/v1/reports/opened-heatmap?from=yesterday', 'from'],
      ['/api/v1/reports/opened-by-contact-type?interval=year', 'interval'],
      ['/api/v1/reports/leaderboard?metric=speed', 'metric'],
      ['/api/v1/reports/leaderboard?limit=0', 'limit'],
      ['/api/v1/reports/resolved-conversations?anomalies=some', 'anomalies'],
      ['/api/v1/reports/agent-performance?businessHours=yes', 'businessHours'],
      ['/api/v1/reports/inbound-messages?format=xlsx', 'format'],
      ['/api/v1/reports/outbound-by-source?from=1900-01-01&to=2026-01-01', 'interval'],
      ['/api/v1/reports/leaderboard?from=2026-10-01&to=2026-09-01', 'to: must be after from'],
    ] as const) {
      const r = await get(url);
      expect(r.status, url).toBe(400);
      expect(r.body.message, url).toContain(name);
    }
    const doc = await get('/api/openapi.json');
    for (const route of [
      'opened-heatmap',
      'opened-by-contact-type',
      'inbound-messages',
      'leaderboard',
      'agent-performance',
      'resolved-conversations',
      'outbound-by-source',
    ]) {
      expect(doc.body.paths[`/api/v1/reports/${route}`], route).toBeDefined();
    }
  });
});

describe('caseflow report', () => {
  it('caseflow report: the heatmap as a 7 × 24 grid, and --csv', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          [BIN, '--data-dir', s.dir, 'report', ...args],
          { cwd: s.dir, env: { ...process.env, CASEFLOW_CONFIG: '' } },
          (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        );
      });
    // The CLI opens the data directory itself: the test's connection is released first.
    const s = await storeWith(API_CONVERSATIONS, API_MESSAGES, API_CONFIG);
    s.store.close();
    stores.splice(stores.indexOf(s.store), 1);
    const text = await run(['heatmap']);
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('2 conversations opened, by weekday and hour (Europe/Paris)');
    const grid = lines.slice(2);
    expect(grid).toHaveLength(8); // hour header + 7 weekdays
    const cells = (day: string) =>
      grid
        .find((l) => l.startsWith(day))
        ?.trim()
        .split(/\s+/)
        .slice(1)
        .map(Number);
    // Monday 10:00 and Tuesday 11:00 Paris.
    expect(cells('Mon')).toEqual(Array.from({ length: 24 }, (_, h) => (h === 10 ? 1 : 0)));
    expect(cells('Tue')).toEqual(Array.from({ length: 24 }, (_, h) => (h === 11 ? 1 : 0)));
    const csv = await run(['leaderboard', '--group-by', 'agent', '--csv', '--lang', 'fr']);
    expect(csv.stdout).toBe('Rang,Clé,Nom,Moyenne (s),Conversations\r\n1,a2,Bob,30,1\r\n2,a1,Alice,60,1\r\n');
    const bad = await run(['contact-types', '--interval', 'year']);
    expect(bad.code).toBe(2);
  });
});

// ---------------------------------------------------------------------------------------------
// Demo configuration
// ---------------------------------------------------------------------------------------------

describe('demo configuration', () => {
  it('support.teams lists the demo directory teams and every agent once', () => {
    const directory = buildDirectory(DEMO_DEFAULTS.seed);
    const teams = DEMO_CONFIG.support.teams;
    expect(teams).toEqual(demoTeams(DEMO_DEFAULTS.seed));
    expect(Object.keys(teams)).toEqual(directory.teams.map((t) => t.name));
    const members = Object.values(teams).flat();
    // 13 + 8 + 10 + 5 + 4 agents and 3 supervisors.
    expect(members).toHaveLength(43);
    expect(new Set(members).size).toBe(43);
    for (const agent of directory.agents) expect(teams[agent.team.name]).toContain(agent.name);
    expect(parseConfig(DEMO_CONFIG).support.teams).toEqual(teams);
  });
});
