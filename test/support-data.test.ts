/**
 * Support data (README "Support data"): the definitions (first response, resolution, handle time,
 * business hours across DST, midnight, weekends and holidays, new vs returning contacts, teams), the
 * generic conversation/message import (CSV and JSON, default and mapped columns, quarantine, idempotent
 * re-import), the read-time views, and the support conversations derived from the Genesys fixtures.
 * Every expected value is worked out by hand.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { businessHoursOf, ConfigError, parseConfig } from '../src/config/index.ts';
import { generateDemo } from '../src/demo/index.ts';
import { DemoMessages } from '../src/demo/messages.ts';
import {
  type BusinessHours,
  businessSeconds,
  businessSecondsSql,
  contactTypes,
  firstResponse,
  firstResponseSeconds,
  handleSeconds,
  localTimestampSql,
  type MessageTiming,
  openingIntervals,
  openingIntervalsSql,
  resolutionSeconds,
  teamOf,
  teamSql,
  zonedWallTimeToUtc,
} from '../src/reports/definitions.ts';
import { parseDuration, parseTime } from '../src/sources/conversations/fields.ts';
import { importConversations, importMessages } from '../src/sources/conversations/index.ts';
import { rebuild } from '../src/sources/genesys/index.ts';
import { InputError } from '../src/sources/records.ts';
import { openStore, type Store } from '../src/store/index.ts';
import { scenarioStore } from './support.ts';

const t = (iso: string): number => Date.parse(iso);
const dirs: string[] = [];
const stores: Store[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(path.join(tmpdir(), 'caseflow-support-'));
  dirs.push(dir);
  return dir;
};
async function freshStore(): Promise<Store> {
  const store = await openStore(tempDir());
  stores.push(store);
  return store;
}
afterAll(() => {
  for (const s of stores.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// Definitions
// ---------------------------------------------------------------------------------------------

describe('definitions', () => {
  const msg = (at: string, direction: 'inbound' | 'outbound', senderType: MessageTiming['senderType']) => ({
    sentAt: t(at),
    direction,
    senderType,
  });

  it('first response: the first agent message at or after the first inbound message', () => {
    const messages = [
      msg('2024-05-06T09:59:00Z', 'outbound', 'broadcast'), // before the customer wrote: not a response
      msg('2024-05-06T10:00:00Z', 'inbound', 'contact'),
      msg('2024-05-06T10:00:03Z', 'outbound', 'workflow'), // automatic: not a response
      msg('2024-05-06T10:01:00Z', 'inbound', 'contact'),
      msg('2024-05-06T10:04:30Z', 'outbound', 'agent'),
      msg('2024-05-06T10:09:00Z', 'outbound', 'agent'),
    ];
    expect(firstResponse(messages)).toEqual({
      inboundAt: t('2024-05-06T10:00:00Z'),
      respondedAt: t('2024-05-06T10:04:30Z'),
    });
    expect(
      firstResponseSeconds({ openedAt: t('2024-05-06T09:58:00Z'), firstResponseAt: null, messages }),
    ).toBe(270);
    // No agent answer yet; no inbound message at all.
    expect(
      firstResponseSeconds({ openedAt: 0, firstResponseAt: null, messages: messages.slice(0, 4) }),
    ).toBeNull();
    expect(firstResponse([msg('2024-05-06T10:00:00Z', 'outbound', 'agent')])).toBeNull();
    // Without messages (a Genesys record): first agent connect − conversation start.
    expect(
      firstResponseSeconds({
        openedAt: t('2024-03-04T09:00:00Z'),
        firstResponseAt: t('2024-03-04T09:02:16.400Z'),
      }),
    ).toBe(136.4);
  });

  it('resolution and handle time', () => {
    expect(resolutionSeconds(t('2024-05-06T10:00:00Z'), t('2024-05-06T12:30:00.500Z'))).toBe(9000.5);
    expect(resolutionSeconds(t('2024-05-06T10:00:00Z'), null)).toBeNull();
    // a-inbound-voice: tTalk 478 600 + tHeld 135 500 + tAcw 69 500 ms.
    expect(handleSeconds(478_600, 135_500, 69_500)).toBe(683.6);
  });

  it('new vs returning: an earlier conversation of the same contact, ties by id', () => {
    const types = contactTypes([
      { conversationId: 'c2', contactId: 'K', openedAt: 2 },
      { conversationId: 'c1', contactId: 'K', openedAt: 1 },
      { conversationId: 'c3', contactId: 'L', openedAt: 2 },
      { conversationId: 'c4b', contactId: 'L', openedAt: 5 },
      { conversationId: 'c4a', contactId: 'L', openedAt: 5 },
      { conversationId: 'x', contactId: null, openedAt: 0 },
    ]);
    expect(Object.fromEntries(types)).toEqual({
      c1: 'new',
      c2: 'returning',
      c3: 'new',
      c4a: 'returning',
      c4b: 'returning',
      x: 'new',
    });
  });

  it('teams: the configuration first (by id or name), else the source team', () => {
    const teams = { 'Équipe Facturation': ['a1', 'Bruno Leroy'], Technique: ['a3'] };
    expect(teamOf(teams, { id: 'a1', name: 'Alice' })).toBe('Équipe Facturation');
    expect(teamOf(teams, { id: 'a2', name: 'Bruno Leroy' }, 'Sales')).toBe('Équipe Facturation');
    expect(teamOf(teams, { id: 'a9', name: 'X' }, 'Sales')).toBe('Sales');
    expect(teamOf(teams, { id: null, name: null })).toBeNull();
    expect(teamSql({}, 'id', 'name', 'team')).toBe('(team)');
    expect(teamSql({ "L'équipe": ['x'] }, 'id', 'name')).toBe(
      "(CASE WHEN id IN ('x') OR name IN ('x') THEN 'L''équipe' ELSE NULL END)",
    );
  });

  it('wall-clock times of a zone: the skipped hour moves forward, the repeated hour is the earlier', () => {
    const paris = 'Europe/Paris';
    expect(new Date(zonedWallTimeToUtc(Date.UTC(2025, 0, 6, 9), paris)).toISOString()).toBe(
      '2025-01-06T08:00:00.000Z',
    );
    expect(new Date(zonedWallTimeToUtc(Date.UTC(2025, 6, 7, 9), paris)).toISOString()).toBe(
      '2025-07-07T07:00:00.000Z',
    );
    // 30 March 2025, 02:30 does not exist in Paris (02:00 CET → 03:00 CEST): 03:30 CEST.
    expect(new Date(zonedWallTimeToUtc(Date.UTC(2025, 2, 30, 2, 30), paris)).toISOString()).toBe(
      '2025-03-30T01:30:00.000Z',
    );
    // 26 October 2025, 02:30 happens twice: the first one (CEST).
    expect(new Date(zonedWallTimeToUtc(Date.UTC(2025, 9, 26, 2, 30), paris)).toISOString()).toBe(
      '2025-10-26T00:30:00.000Z',
    );
  });
});

describe('business hours', () => {
  const office: BusinessHours = {
    timeZone: 'Europe/Paris',
    days: {
      mon: [['09:00', '18:00']],
      tue: [['09:00', '18:00']],
      wed: [['09:00', '18:00']],
      thu: [['09:00', '18:00']],
      fri: [['09:00', '18:00']],
    },
    holidays: [],
  };
  const bs = (from: string, to: string, hours: BusinessHours = office) =>
    businessSeconds(t(from), t(to), hours);

  it('counts opening hours only, over weekends and holidays', () => {
    // Within a day (Monday 6 January 2025, CET = UTC+1): 10:00–11:30 local.
    expect(bs('2025-01-06T09:00:00Z', '2025-01-06T10:30:00Z')).toBe(5400);
    // Before opening to after closing: 9 h.
    expect(bs('2025-01-06T05:00:00Z', '2025-01-06T20:00:00Z')).toBe(32_400);
    // Friday 17:00 → Monday 10:00 local: 1 h on Friday + 1 h on Monday.
    expect(bs('2025-01-10T16:00:00Z', '2025-01-13T09:00:00Z')).toBe(7200);
    // Saturday to Sunday: nothing; reversed or empty range: nothing.
    expect(bs('2025-01-11T08:00:00Z', '2025-01-12T20:00:00Z')).toBe(0);
    expect(bs('2025-01-13T12:00:00Z', '2025-01-13T10:00:00Z')).toBe(0);
    // Easter Monday 21 April 2025 a holiday: Friday 17:00 → Tuesday 10:00 (CEST = UTC+2) = 2 h.
    const easter = { ...office, holidays: ['2025-04-21'] };
    expect(bs('2025-04-18T15:00:00Z', '2025-04-22T08:00:00Z', easter)).toBe(7200);
    expect(bs('2025-04-18T15:00:00Z', '2025-04-22T08:00:00Z')).toBe(7200 + 32_400);
  });

  it('is right across the DST changes of Europe/Paris in March and October', () => {
    // Friday 28 March 17:00 CET (16:00Z) → Monday 31 March 10:00 CEST (08:00Z): 1 h + 1 h, although the
    // instants are 64 h apart.
    expect(bs('2025-03-28T16:00:00Z', '2025-03-31T08:00:00Z')).toBe(7200);
    // Friday 24 October 17:00 CEST (15:00Z) → Monday 27 October 10:00 CET (09:00Z): 2 h.
    expect(bs('2025-10-24T15:00:00Z', '2025-10-27T09:00:00Z')).toBe(7200);
    // Opening 09:00 local is 08:00Z before the change and 07:00Z after.
    expect(bs('2025-03-31T07:00:00Z', '2025-03-31T08:00:00Z')).toBe(3600);
    expect(bs('2025-03-28T07:00:00Z', '2025-03-28T08:00:00Z')).toBe(0);
    // A whole Sunday open: 23 h on 30 March, 25 h on 26 October.
    const sundays: BusinessHours = { ...office, days: { sun: [['00:00', '24:00']] } };
    expect(bs('2025-03-29T00:00:00Z', '2025-03-31T00:00:00Z', sundays)).toBe(23 * 3600);
    expect(bs('2025-10-25T00:00:00Z', '2025-10-27T00:00:00Z', sundays)).toBe(25 * 3600);
    // 01:00–04:00 on the night of the change: 2 h in March (02:00–03:00 skipped), 4 h in October (repeated).
    const night: BusinessHours = { ...office, days: { sun: [['01:00', '04:00']] } };
    expect(bs('2025-03-29T00:00:00Z', '2025-03-31T00:00:00Z', night)).toBe(2 * 3600);
    expect(bs('2025-10-25T00:00:00Z', '2025-10-27T00:00:00Z', night)).toBe(4 * 3600);
  });

  it('runs across midnight with hours that end at 24:00 and start at 00:00', () => {
    const late: BusinessHours = { ...office, days: { mon: [['20:00', '24:00']], tue: [['00:00', '02:00']] } };
    // Monday 21:00 → Tuesday 01:30 local (CET): 3 h + 1 h 30.
    expect(bs('2025-01-06T20:00:00Z', '2025-01-07T00:30:00Z', late)).toBe(16_200);
    const intervals = openingIntervals(t('2025-01-06T00:00:00Z'), t('2025-01-08T00:00:00Z'), late);
    expect(intervals.map((i) => [new Date(i.start).toISOString(), new Date(i.end).toISOString()])).toEqual([
      ['2025-01-06T19:00:00.000Z', '2025-01-06T23:00:00.000Z'],
      ['2025-01-06T23:00:00.000Z', '2025-01-07T01:00:00.000Z'],
    ]);
  });

  it('the SQL fragment agrees with the function', async () => {
    const store = await freshStore();
    const range = openingIntervals(t('2025-03-20T00:00:00Z'), t('2025-04-05T00:00:00Z'), office);
    const rows = await store.db.all<{ s: number }>(`
      SELECT ${businessSecondsSql('a', 'b', openingIntervalsSql(range))} AS s
      FROM (VALUES (TIMESTAMP '2025-03-28 16:00:00', TIMESTAMP '2025-03-31 08:00:00'),
                   (TIMESTAMP '2025-03-24 08:30:00', TIMESTAMP '2025-03-24 08:45:30'),
                   (TIMESTAMP '2025-03-29 10:00:00', TIMESTAMP '2025-03-30 10:00:00'),
                   (TIMESTAMP '2025-03-24 08:30:00', NULL)) v(a, b)`);
    expect(rows.map((r) => r.s)).toEqual([7200, 930, 0, null]);
    expect(bs('2025-03-24T08:30:00Z', '2025-03-24T08:45:30Z')).toBe(930);
    expect(await store.db.one(`SELECT count(*)::INTEGER AS n FROM ${openingIntervalsSql([])}`)).toEqual({
      n: 0,
    });
    // Wall clock of the organization: 30 March 2025 01:30Z is Sunday 03:30 in Paris (CEST).
    const local = localTimestampSql("TIMESTAMP '2025-03-30 01:30:00'", 'Europe/Paris');
    expect(
      await store.db.one(
        `SELECT isodow(${local})::INTEGER AS d, hour(${local})::INTEGER AS h, minute(${local})::INTEGER AS m`,
      ),
    ).toEqual({
      d: 7,
      h: 3,
      m: 30,
    });
  });

  it('is configured under support.businessHours, in the organization time zone by default', () => {
    const config = parseConfig({
      organization: { timeZone: 'Europe/Paris' },
      support: { teams: { A: ['x'] } },
    });
    expect(businessHoursOf(config)).toEqual({ ...office, days: office.days });
    const custom = parseConfig({
      support: {
        businessHours: {
          timeZone: 'America/New_York',
          days: { sat: [['10:00', '12:00']] },
          holidays: ['2025-12-25'],
        },
      },
    });
    expect(businessHoursOf(custom)).toEqual({
      timeZone: 'America/New_York',
      days: { sat: [['10:00', '12:00']] },
      holidays: ['2025-12-25'],
    });
    expect(() =>
      parseConfig({ support: { businessHours: { days: { mon: [['18:00', '09:00']] } } } }),
    ).toThrow(/support\.businessHours\.days\.mon: closes \(09:00\) before it opens/);
    expect(() => parseConfig({ support: { businessHours: { days: { lundi: [] } } } })).toThrow(ConfigError);
    expect(() => parseConfig({ support: { businessHours: { holidays: ['25/12/2025'] } } })).toThrow(
      /holidays/,
    );
    expect(() => parseConfig({ support: { teams: { A: 'x' } } })).toThrow(/support\.teams\.A/);
  });
});

// ---------------------------------------------------------------------------------------------
// Import
// ---------------------------------------------------------------------------------------------

const RESPOND_CSV = `Conversation ID,Opened At,Resolved At,Contact ID,Assignee,Outbound Count,Inbound Count,First Response At,Resolver,First Response Time,Resolution Time,Category,Summary,Contact Type
c1,2024-05-06T10:00:00Z,2024-05-06T11:00:00Z,K,agent-1,3,4,,agent-1,00:05:00,,Billing,"Refund issued, customer happy",new
c2,2024-05-07 10:00:00+02:00,,K,agent-2,,,2024-05-07T08:03:00Z,,,,,,returning
c3,2024-05-06T12:00:00Z,2024-05-06T11:00:00Z,L,agent-1,1,1,,,,,,,new
c4,yesterday,,L,,,,,,,,,,new
c5,2024-05-06T12:00:00Z,,L,,-1,,,,,,,,new
c6,2024-05-06T12:00:00Z,,L,agent-3,2,2,,,,1h 30m,Sales,,new
`;

interface ConvRow {
  conversation_id: string;
  opened_at: string;
  resolved_at: string | null;
  first_response_at: string | null;
  contact_id: string | null;
  assignee_id: string | null;
  resolver_id: string | null;
  inbound_count: number | null;
  outbound_count: number | null;
  category: string | null;
  summary: string | null;
  source_system: string;
  origin: string;
  last_data_update: string;
}

const conversationRows = (store: Store) =>
  store.db.all<ConvRow>(`
    SELECT conversation_id, strftime(opened_at, '%Y-%m-%dT%H:%M:%SZ') AS opened_at,
      strftime(resolved_at, '%Y-%m-%dT%H:%M:%SZ') AS resolved_at,
      strftime(first_response_at, '%Y-%m-%dT%H:%M:%SZ') AS first_response_at, contact_id, assignee_id,
      resolver_id, inbound_count, outbound_count, category, summary, source_system, origin,
      strftime(last_data_update, '%Y-%m-%dT%H:%M:%SZ') AS last_data_update
    FROM support_conversations ORDER BY conversation_id`);

const write = (name: string, text: string): string => {
  const file = path.join(tempDir(), name);
  writeFileSync(file, text);
  return file;
};

describe('caseflow import conversations', () => {
  it('reads respond.io-style headers, quarantines bad rows with line and field, the rest lands', async () => {
    const store = await freshStore();
    const file = write('conversations.csv', RESPOND_CSV);
    const summary = await importConversations(store, file, { now: new Date('2024-06-01T00:00:00Z') });
    expect(summary).toMatchObject({
      format: 'csv',
      delimiter: ',',
      rows: 3,
      added: 3,
      updated: 0,
      unchanged: 0,
      rejected: 3,
    });
    expect(summary.columns).toMatchObject({
      conversation_id: 'Conversation ID',
      opened_at: 'Opened At',
      first_response_time: 'First Response Time',
      assignee: 'Assignee',
    });
    expect(summary.ignoredColumns).toEqual(['Contact Type']);
    expect(summary.firstRejections.map((r) => [r.line, r.conversationId, r.field])).toEqual([
      [4, 'c3', 'resolved_at'],
      [5, 'c4', 'opened_at'],
      [6, 'c5', 'outbound_count'],
    ]);
    expect(summary.firstRejections[1]?.reason).toBe(
      'opened_at (column "Opened At"): not a time: "yesterday"',
    );
    const quarantined = readFileSync(summary.quarantineFile as string, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(quarantined[0]).toMatchObject({
      file,
      line: 4,
      field: 'resolved_at',
      record: { 'Conversation ID': 'c3' },
    });

    expect(await conversationRows(store)).toEqual([
      {
        conversation_id: 'c1',
        opened_at: '2024-05-06T10:00:00Z',
        resolved_at: '2024-05-06T11:00:00Z',
        // No "First Response At": opened + "First Response Time" (5 min).
        first_response_at: '2024-05-06T10:05:00Z',
        contact_id: 'K',
        assignee_id: 'agent-1',
        resolver_id: 'agent-1',
        inbound_count: 4,
        outbound_count: 3,
        category: 'Billing',
        summary: 'Refund issued, customer happy',
        source_system: 'import',
        origin: 'import',
        last_data_update: '2024-06-01T00:00:00Z',
      },
      {
        conversation_id: 'c2',
        opened_at: '2024-05-07T08:00:00Z',
        resolved_at: null,
        first_response_at: '2024-05-07T08:03:00Z',
        contact_id: 'K',
        assignee_id: 'agent-2',
        resolver_id: null,
        inbound_count: null,
        outbound_count: null,
        category: null,
        summary: null,
        source_system: 'import',
        origin: 'import',
        last_data_update: '2024-06-01T00:00:00Z',
      },
      {
        conversation_id: 'c6',
        opened_at: '2024-05-06T12:00:00Z',
        // No "Resolved At": opened + "Resolution Time" (1 h 30 min).
        resolved_at: '2024-05-06T13:30:00Z',
        first_response_at: null,
        contact_id: 'L',
        assignee_id: 'agent-3',
        resolver_id: null,
        inbound_count: 2,
        outbound_count: 2,
        category: 'Sales',
        summary: null,
        source_system: 'import',
        origin: 'import',
        last_data_update: '2024-06-01T00:00:00Z',
      },
    ]);
  });

  it('re-importing changes nothing; a changed row is replaced, with its last_data_update', async () => {
    const store = await freshStore();
    const file = write('conversations.csv', RESPOND_CSV);
    await importConversations(store, file, { now: new Date('2024-06-01T00:00:00Z') });
    const before = await conversationRows(store);
    const again = await importConversations(store, file, { now: new Date('2024-06-02T00:00:00Z') });
    expect(again).toMatchObject({ rows: 3, added: 0, updated: 0, unchanged: 3, total: 3 });
    expect(await conversationRows(store)).toEqual(before);

    const changed = write('conversations.csv', RESPOND_CSV.replace('Refund issued', 'Refund refused'));
    const third = await importConversations(store, changed, { now: new Date('2024-06-03T00:00:00Z') });
    expect(third).toMatchObject({ added: 0, updated: 1, unchanged: 2, total: 3 });
    const after = await conversationRows(store);
    expect(after[0]).toMatchObject({
      summary: 'Refund refused, customer happy',
      last_data_update: '2024-06-03T00:00:00Z',
    });
    expect(after.slice(1)).toEqual(before.slice(1));
    // Another source name is a change too.
    const fourth = await importConversations(store, changed, {
      source: 'respond',
      now: new Date('2024-06-04T00:00:00Z'),
    });
    expect(fourth).toMatchObject({ updated: 3, total: 3 });
  });

  it('maps other columns with --map, other delimiters and a time zone for bare times', async () => {
    const store = await freshStore();
    const file = write(
      'tickets.csv',
      'Ticket;Start;End;Customer;Agent;Handled (s)\nT-1;2024-01-15 09:00;2024-01-15 09:45;cust-9;Alice;125.5\nT-1;2024-01-15 09:00;2024-01-15 10:00;cust-9;Alice;130\n',
    );
    const summary = await importConversations(store, file, {
      map: [
        'Ticket=conversation_id',
        'Start=opened_at',
        'End=resolved_at',
        'Customer=contact_id',
        'Handled (s)=handle_time',
      ],
      timeZone: 'Europe/Paris',
    });
    // One id twice: the last row is kept.
    expect(summary).toMatchObject({ delimiter: ';', rows: 2, duplicates: 1, added: 1, rejected: 0 });
    expect(summary.columns).toMatchObject({
      conversation_id: 'Ticket',
      assignee: 'Agent',
      handle_time: 'Handled (s)',
    });
    const row = await store.db.one(`
      SELECT strftime(opened_at, '%H:%M') AS o, strftime(resolved_at, '%H:%M') AS r, assignee_id, handle_seconds
      FROM support_conversations`);
    expect(row).toEqual({ o: '08:00', r: '09:00', assignee_id: 'Alice', handle_seconds: 130 });
  });

  it('refuses a file without a required column, an unknown field and a missing file', async () => {
    const store = await freshStore();
    const file = write('x.csv', 'id,when\n1,2024-01-01\n');
    await expect(importConversations(store, file)).rejects.toThrow(
      /no opened_at column found.*--map COLUMN=opened_at/,
    );
    await expect(importConversations(store, file, { map: ['when=opened'] })).rejects.toThrow(InputError);
    await expect(importConversations(store, file, { map: ['nope=opened_at'] })).rejects.toThrow(
      /--map: no column "nope"/,
    );
    await expect(importConversations(store, path.join(tempDir(), 'none.csv'))).rejects.toThrow(
      /no such file/,
    );
    expect((await importConversations(store, file, { map: ['when=opened_at'] })).rows).toBe(1);
  });

  it('reads durations and times in the usual forms', () => {
    const seconds = (text: string) => {
      const parsed = parseDuration(text);
      return parsed.ok ? parsed.value : parsed.error;
    };
    expect(['90', '00:01:30', '1.02:00:00', '1h 30m', '2d', 'PT1H2M3.5S', '45s'].map(seconds)).toEqual([
      90, 90, 93_600, 5400, 172_800, 3723.5, 45,
    ]);
    expect(seconds('soon')).toMatch(/not a duration/);
    const time = (v: unknown, tz?: string) => {
      const parsed = parseTime(v, tz);
      return parsed.ok ? new Date(parsed.value).toISOString() : parsed.error;
    };
    expect(time('2024-07-01T10:00:00+02:00', 'America/New_York')).toBe('2024-07-01T08:00:00.000Z');
    expect(time('2024-07-01 10:00', 'Europe/Paris')).toBe('2024-07-01T08:00:00.000Z');
    expect(time('2024-07-01', 'Europe/Paris')).toBe('2024-06-30T22:00:00.000Z');
    expect(time(1719828000)).toBe('2024-07-01T10:00:00.000Z');
    expect(time(1719828000123)).toBe('2024-07-01T10:00:00.123Z');
  });
});

describe('caseflow import messages and the read-time definitions', () => {
  let store: Store;
  beforeAll(async () => {
    store = await freshStore();
    await importConversations(
      store,
      write(
        'conversations.json',
        JSON.stringify([
          {
            conversation_id: 'c1',
            opened_at: '2024-05-06T10:00:00Z',
            resolved_at: '2024-05-06T11:00:00Z',
            contact_id: 'K',
            assignee: 'a1',
            inbound_count: 99,
          },
          { conversation_id: 'c2', opened_at: '2024-05-07T10:00:00Z', contact_id: 'K' },
          {
            conversation_id: 'c3',
            opened_at: '2024-05-06T12:00:00Z',
            contact_id: 'L',
            first_response_at: '2024-05-06T12:10:00Z',
            inbound_count: 2,
            outbound_count: 1,
          },
        ]),
      ),
    );
  });

  const MESSAGES_JSON = [
    // c1 (by contact and time): inbound 10:00:30, workflow 10:00:35, agent 10:04:30 → first response 240 s.
    {
      'Message ID': 'm1',
      'Date Time': '2024-05-06T10:00:30Z',
      'Sender ID': 'K',
      'Sender Type': 'contact',
      'Contact ID': 'K',
      'Message Type': 'text',
      Content: 'Bonjour',
      'Contact Type': 'new',
    },
    {
      'Message ID': 'm2',
      'Date Time': '2024-05-06T10:00:35Z',
      'Sender ID': 'wf-1',
      'Sender Type': 'workflow',
      'Contact ID': 'K',
      'Message Type': 'text',
      Content: 'Un instant',
    },
    {
      'Message ID': 'm3',
      'Date Time': '2024-05-06T10:04:30Z',
      'Sender ID': 'a1',
      'Sender Type': 'user',
      'Contact ID': 'K',
      'Message Type': 'text',
      Content: 'Je regarde',
      Status: 'read',
    },
    {
      'Message ID': 'm4',
      'Date Time': '2024-05-06T10:06:00Z',
      'Sender ID': 'a1',
      'Sender Type': 'agent',
      'Contact ID': 'K',
      Content: 'Voilà',
    },
    // After c1 was resolved, before c2: in no conversation; K is a returning contact by then.
    {
      'Message ID': 'm5',
      'Date Time': '2024-05-06T18:00:00Z',
      'Sender ID': 'bc',
      'Sender Type': 'broadcast',
      'Contact ID': 'K',
      Content: 'Promo',
      Status: 'failed',
      'Failure Reason': 'opted out',
    },
    // Bad rows: an unknown sender type, a direction that contradicts the sender, no contact nor conversation.
    { 'Message ID': 'm6', 'Date Time': '2024-05-06T10:07:00Z', 'Sender Type': 'martian', 'Contact ID': 'K' },
    {
      'Message ID': 'm7',
      'Date Time': '2024-05-06T10:07:00Z',
      'Sender Type': 'agent',
      'Contact ID': 'K',
      Direction: 'inbound',
    },
    { 'Message ID': 'm8', 'Date Time': '2024-05-06T10:07:00Z', 'Sender Type': 'agent' },
  ];

  it('imports a JSON array with the export headers; bad rows go to the quarantine with their index and field', async () => {
    const summary = await importMessages(store, write('messages.json', JSON.stringify(MESSAGES_JSON)));
    expect(summary).toMatchObject({ format: 'json', rows: 5, added: 5, rejected: 3, total: 5 });
    expect(summary.ignoredColumns).toEqual(['Contact Type']);
    expect(summary.firstRejections.map((r) => [r.index, r.messageId, r.field])).toEqual([
      [5, 'm6', 'sender_type'],
      [6, 'm7', 'direction'],
      [7, 'm8', 'contact_id'],
    ]);
    const again = await importMessages(store, write('messages.json', JSON.stringify(MESSAGES_JSON)));
    expect(again).toMatchObject({ added: 0, updated: 0, unchanged: 5 });
  });

  it('imports NDJSON with mapped keys, linked to its conversation by id', async () => {
    const ndjson = [
      { id: 'n1', at: '2024-05-06T12:01:00Z', who: 'customer', conv: 'c3', kind: 'image' },
      { id: 'n2', at: '2024-05-06T12:03:00Z', who: 'agent', sender: 'a2', conv: 'c3', via: 'whatsapp' },
      { id: 'n3', at: '2024-05-06T12:04:00Z', who: 'api', conv: 'c3' },
    ]
      .map((m) => JSON.stringify(m))
      .join('\n');
    const summary = await importMessages(store, write('m.ndjson', `${ndjson}\n{not json\n`), {
      map: [
        'at=sent_at',
        'who=sender_type',
        'sender=sender_id',
        'conv=conversation_id',
        'kind=message_type',
        'via=channel',
      ],
    });
    expect(summary).toMatchObject({ rows: 3, added: 3, rejected: 1 });
    expect(summary.firstRejections[0]).toMatchObject({ line: 4 });
    const rows = await store.db.all(
      `SELECT message_id, direction, sender_type, source, message_type, status, channel FROM support_messages
       WHERE message_id LIKE 'n%' ORDER BY message_id`,
    );
    expect(rows).toEqual([
      {
        message_id: 'n1',
        direction: 'inbound',
        sender_type: 'contact',
        source: null,
        message_type: 'image',
        status: 'sent',
        channel: null,
      },
      {
        message_id: 'n2',
        direction: 'outbound',
        sender_type: 'agent',
        source: 'agent',
        message_type: 'text',
        status: 'sent',
        channel: 'whatsapp',
      },
      {
        message_id: 'n3',
        direction: 'outbound',
        sender_type: 'api',
        source: 'api',
        message_type: 'text',
        status: 'sent',
        channel: null,
      },
    ]);
  });

  it('links messages, counts them, and computes first response and contact type at read time', async () => {
    const messages = await store.db.all(
      `SELECT message_id, conversation_id, contact_id, contact_type FROM support_message_facts ORDER BY message_id`,
    );
    expect(messages).toEqual([
      { message_id: 'm1', conversation_id: 'c1', contact_id: 'K', contact_type: 'new' },
      { message_id: 'm2', conversation_id: 'c1', contact_id: 'K', contact_type: 'new' },
      { message_id: 'm3', conversation_id: 'c1', contact_id: 'K', contact_type: 'new' },
      { message_id: 'm4', conversation_id: 'c1', contact_id: 'K', contact_type: 'new' },
      { message_id: 'm5', conversation_id: null, contact_id: 'K', contact_type: 'returning' },
      { message_id: 'n1', conversation_id: 'c3', contact_id: 'L', contact_type: 'new' },
      { message_id: 'n2', conversation_id: 'c3', contact_id: 'L', contact_type: 'new' },
      { message_id: 'n3', conversation_id: 'c3', contact_id: 'L', contact_type: 'new' },
    ]);
    const facts = () =>
      store.db.all(`
        SELECT conversation_id, contact_type, message_count, inbound_count, outbound_count,
          strftime(response_from, '%H:%M:%S') AS response_from, first_response_seconds, resolution_seconds
        FROM support_conversation_facts ORDER BY conversation_id`);
    expect(await facts()).toEqual([
      // Messages win over the stored counts (99): 1 inbound, 3 outbound; 10:00:30 → 10:04:30.
      {
        conversation_id: 'c1',
        contact_type: 'new',
        message_count: 4,
        inbound_count: 1,
        outbound_count: 3,
        response_from: '10:00:30',
        first_response_seconds: 240,
        resolution_seconds: 3600,
      },
      // No messages, no stored first response.
      {
        conversation_id: 'c2',
        contact_type: 'returning',
        message_count: 0,
        inbound_count: null,
        outbound_count: null,
        response_from: '10:00:00',
        first_response_seconds: null,
        resolution_seconds: null,
      },
      // Messages: inbound 12:01, agent 12:03 → 120 s (the stored 12:10 is not used).
      {
        conversation_id: 'c3',
        contact_type: 'new',
        message_count: 3,
        inbound_count: 1,
        outbound_count: 2,
        response_from: '12:01:00',
        first_response_seconds: 120,
        resolution_seconds: null,
      },
    ]);
    // History arriving late: an earlier conversation of L makes c3 a returning contact's.
    await importConversations(
      store,
      write('old.csv', 'conversation_id,opened_at,contact_id\nc0,2023-12-01T09:00:00Z,L\n'),
    );
    const after = (await facts()) as { conversation_id: string; contact_type: string }[];
    expect(after.map((r) => [r.conversation_id, r.contact_type])).toEqual([
      ['c0', 'new'],
      ['c1', 'new'],
      ['c2', 'returning'],
      ['c3', 'returning'],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// From Genesys records
// ---------------------------------------------------------------------------------------------

describe('support conversations from Genesys records', () => {
  let store: Store;
  beforeAll(async () => {
    store = await scenarioStore();
    stores.push(store);
  });

  const row = (suffix: string) =>
    store.db.one(
      `SELECT origin, source_system, channel, opened_by, strftime(opened_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS opened_at,
         strftime(resolved_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS resolved_at, contact_id, assignee_id, assignee_name,
         team, resolver_id, resolver_name, strftime(first_response_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS first_response_at,
         inbound_count, outbound_count, handle_seconds, transfers, category, summary, queue_name, wrap_up_code, csat,
         service_request
       FROM support_conversations WHERE conversation_id LIKE '%' || $suffix`,
      { suffix },
    );
  const ALICE = 'b7e4c1a2-3f5d-4e6a-8b9c-1d2e3f4a5b61';
  const BRUNO = 'b7e4c1a2-3f5d-4e6a-8b9c-1d2e3f4a5b62';

  it('derives one row per conversation', async () => {
    const n = await store.db.one(
      'SELECT count(*)::INTEGER AS n, count(DISTINCT conversation_id)::INTEGER AS d FROM support_conversations',
    );
    expect(n).toEqual({ n: 16, d: 16 });
  });

  it('a-inbound-voice: first connect, wrap-up end, metrics, note, survey', async () => {
    expect(await row('6a01')).toEqual({
      origin: 'genesys',
      source_system: 'GenesysCloudCX',
      channel: 'voice',
      opened_by: 'contact',
      opened_at: '2024-03-04T09:00:00.000Z',
      resolved_at: '2024-03-04T09:13:40.000Z',
      contact_id: 'address:+33612345678',
      assignee_id: ALICE,
      assignee_name: 'Alice Martin',
      team: null,
      resolver_id: ALICE,
      resolver_name: 'Alice Martin',
      first_response_at: '2024-03-04T09:02:16.400Z',
      inbound_count: null,
      outbound_count: null,
      // tTalk 478.6 + tHeld 135.5 + tAcw 69.5
      handle_seconds: 683.6,
      transfers: 0,
      category: 'Billing inquiry',
      summary: 'Payment plan agreed: 3 instalments',
      queue_name: 'Billing',
      wrap_up_code: 'Billing - Payment Arrangement',
      csat: 4,
      service_request: 'SR-20240304-00001',
    });
  });

  it('c-blind-transfer-to-agent: the last agent is assignee and resolver; two sessions of handle time', async () => {
    expect(await row('6c03')).toMatchObject({
      resolved_at: '2024-03-07T11:16:00.000Z',
      assignee_id: 'e9d8c7b6-a5f4-4e3d-9c2b-1a0f9e8d7c6b',
      resolver_id: 'e9d8c7b6-a5f4-4e3d-9c2b-1a0f9e8d7c6b',
      first_response_at: '2024-03-07T11:00:50.000Z',
      // (150 + 30) + (693 + 60)
      handle_seconds: 933,
      transfers: 1,
    });
  });

  it('b-transfer and e-abandon: transfer count, survey without score; nobody connected', async () => {
    expect(await row('6b02')).toMatchObject({
      assignee_id: BRUNO,
      transfers: 1,
      handle_seconds: 1126,
      csat: null,
    });
    expect(await row('6e05')).toMatchObject({
      resolved_at: '2024-03-11T13:02:30.000Z',
      assignee_id: null,
      resolver_id: null,
      first_response_at: null,
      handle_seconds: null,
      transfers: 0,
      queue_name: 'Sales',
    });
  });

  it('f-outbound-agent-call is opened by the agent; k-active keeps its ended version', async () => {
    expect(await row('6f06')).toMatchObject({
      opened_by: 'agent',
      contact_id: 'address:+33677778888',
      handle_seconds: 378,
    });
    expect(await row('7e11')).toMatchObject({ resolved_at: '2024-03-21T10:11:00.000Z', handle_seconds: 595 });
  });

  it('returning contacts across Genesys conversations (same normalized number)', async () => {
    const rows = await store.db.all(`
      SELECT right(conversation_id, 4) AS id, contact_type FROM support_conversation_facts
      WHERE contact_id = 'address:+33612345678' ORDER BY opened_at`);
    expect(rows).toEqual([
      { id: '6a01', contact_type: 'new' },
      { id: '7f12', contact_type: 'returning' },
      { id: '8a13', contact_type: 'returning' },
    ]);
  });

  it('messages imported later give the chat its first response time; rebuild keeps the rows; imports take precedence', async () => {
    const chat = '3e7b9d21-4c6a-4f85-b0d3-9a1e2c4f7a07';
    // First agent connect 15:01:38 − start 15:00:00 = 98 s without messages.
    const frt = async () =>
      (
        await store.db.one<{ s: number }>(
          `SELECT first_response_seconds AS s FROM support_conversation_facts WHERE conversation_id = $chat`,
          { chat },
        )
      )?.s;
    expect(await frt()).toBe(98);
    await importMessages(
      store,
      write(
        'chat.csv',
        `message_id,conversation_id,sent_at,sender_type,sender_id\nx1,${chat},2024-03-13T15:00:05Z,contact,cust\nx2,${chat},2024-03-13T15:01:50Z,agent,${ALICE}\n`,
      ),
    );
    expect(await frt()).toBe(105);
    const before = await store.db.all('SELECT * FROM support_conversations ORDER BY conversation_id');
    await rebuild(store, parseConfig({}));
    expect(await store.db.all('SELECT * FROM support_conversations ORDER BY conversation_id')).toEqual(
      before,
    );
    await importConversations(
      store,
      write('override.csv', `conversation_id,opened_at,category\n${chat},2024-03-13T15:00:00Z,Override\n`),
    );
    await store.regroup(parseConfig({}));
    expect(await row('7a07')).toMatchObject({ origin: 'import', category: 'Override' });
    expect(await store.db.one('SELECT count(*)::INTEGER AS n FROM support_conversations')).toEqual({ n: 16 });
  });
});

// ---------------------------------------------------------------------------------------------
// Demo messages, CLI
// ---------------------------------------------------------------------------------------------

describe('demo messages', () => {
  it('are deterministic, import without rejection and link to the demo conversations', async () => {
    const dir = tempDir();
    const options = { conversations: 150, days: 5, seed: 3, end: '2026-10-29' };
    const files = await generateDemo(dir, options);
    const text = readFileSync(files.messages, 'utf8');
    const again = await generateDemo(tempDir(), options);
    expect(readFileSync(again.messages, 'utf8')).toBe(text);
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThan(50);
    const kinds = new Set(lines.map((m: { sender_type: string }) => m.sender_type));
    expect([...kinds].sort()).toEqual(
      ['agent', 'api', 'broadcast', 'contact', 'workflow'].filter((k) => kinds.has(k)),
    );
    expect(kinds.has('agent') && kinds.has('contact') && kinds.has('workflow')).toBe(true);
    expect(lines.every((m: { sent_at: string }) => m.sent_at < '2026-10-29')).toBe(true);
    const store = await freshStore();
    const summary = await importMessages(store, files.messages);
    expect(summary).toMatchObject({ rejected: 0, rows: lines.length });
    expect(new DemoMessages(3, 0).ndjson()).toBe('');
  });
});

describe('CLI', () => {
  const BIN = path.resolve(import.meta.dirname, '../bin/caseflow.js');
  const caseflow = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [BIN, ...args], (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      });
    });
  it('imports conversations (exit 0 with rejections), exits 2 on bad usage or no valid row', async () => {
    const data = ['--data-dir', tempDir()];
    const file = write('conversations.csv', RESPOND_CSV);
    const ok = await caseflow([...data, 'import', 'conversations', file, '--source', 'respond', '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ kind: 'conversations', rows: 3, rejected: 3, total: 3 });
    const text = await caseflow([...data, 'import', 'conversations', file, '--source', 'respond']);
    expect(text.stdout).toMatch(/0 added, 0 updated, 3 unchanged, 3 rejected/);
    const bad = await caseflow([...data, 'import', 'messages', file, '--map', 'x=nothing']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown field "nothing"/);
    const none = await caseflow([
      ...data,
      'import',
      'messages',
      write('m.csv', 'message_id,sent_at,sender_type\nm1,never,contact\n'),
    ]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no valid message row/);
  });
});
