import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { exportEventLog } from '../src/export/index.ts';
import { CsvParser, detectDelimiter } from '../src/sources/eventlog/csv.ts';
import {
  deleteDataset,
  type EventLogImportOptions,
  importEventLog,
  listDatasets,
  parseTimestamp,
} from '../src/sources/eventlog/index.ts';
import { InputError } from '../src/sources/records.ts';
import { iso, openStore, type Store } from '../src/store/index.ts';
import { scenarioStore, tempDir } from './support.ts';

const FIXTURES = path.resolve(import.meta.dirname, 'fixtures/eventlog');
const fixture = (name: string): string => path.join(FIXTURES, name);
const NOW = new Date('2024-06-01T12:00:00.000Z');

interface StoredEvent {
  case_id: string;
  activity: string;
  ts: string;
  end_ts: string | null;
  resource: string | null;
  seq: number;
  attributes: string | null;
}

/** A dataset's events in mining order (case, ts, seq). */
async function events(store: Store, dataset: string): Promise<StoredEvent[]> {
  return store.db.all<StoredEvent>(
    `SELECT case_id, activity, ${iso('ts')} AS ts, ${iso('end_ts')} AS end_ts, resource, seq::INTEGER AS seq,
      attributes
     FROM dataset_events WHERE dataset = $dataset ORDER BY case_id, ts, seq`,
    { dataset },
  );
}

/** [activity, ts, end] per event, grouped by case. */
async function timeline(store: Store, dataset: string): Promise<Record<string, [string, string, string][]>> {
  const out: Record<string, [string, string, string][]> = {};
  for (const e of await events(store, dataset)) {
    const list = out[e.case_id] ?? [];
    list.push([e.activity, e.ts.slice(11, 16), (e.end_ts ?? '').slice(11, 16)]);
    out[e.case_id] = list;
  }
  return out;
}

const attributes = (e: StoredEvent | undefined): Record<string, unknown> | null =>
  e?.attributes ? (JSON.parse(e.attributes) as Record<string, unknown>) : null;

let store: Store | null = null;
const fresh = async (): Promise<Store> => {
  store = await openStore(tempDir());
  return store;
};
afterEach(() => {
  store?.close();
  store = null;
});

const csv = (extra: Partial<EventLogImportOptions> = {}): EventLogImportOptions => ({
  format: 'csv',
  now: NOW,
  ...extra,
});
const xes = (extra: Partial<EventLogImportOptions> = {}): EventLogImportOptions => ({
  format: 'xes',
  now: NOW,
  ...extra,
});

describe('timestamps', () => {
  it('reads ISO-8601 with or without an offset (UTC when none) and the space-separated form', () => {
    const ms = (text: string): number | null => {
      const micros = parseTimestamp(text);
      return micros === null ? null : micros / 1000;
    };
    expect(ms('2024-03-01T09:00:00Z')).toBe(Date.parse('2024-03-01T09:00:00Z'));
    expect(ms('2024-03-01T09:00:00')).toBe(Date.parse('2024-03-01T09:00:00Z'));
    expect(ms('2024-03-01T10:00:00+01:00')).toBe(Date.parse('2024-03-01T09:00:00Z'));
    expect(ms('2024-03-01T10:00:00+0100')).toBe(Date.parse('2024-03-01T09:00:00Z'));
    expect(ms('2024-03-01T04:30:00-04:30')).toBe(Date.parse('2024-03-01T09:00:00Z'));
    expect(ms('2024-03-01 09:00:00.250')).toBe(Date.parse('2024-03-01T09:00:00.250Z'));
    expect(ms('2024-03-01 09:00')).toBe(Date.parse('2024-03-01T09:00:00Z'));
    expect(ms('2024-03-01')).toBe(Date.parse('2024-03-01T00:00:00Z'));
    expect(parseTimestamp('2024-03-01T09:00:00.123456Z')).toBe(
      Date.parse('2024-03-01T09:00:00.123Z') * 1000 + 456,
    );
    expect(ms('2024-02-29T00:00:00Z')).toBe(Date.parse('2024-02-29T00:00:00Z'));
    for (const bad of [
      '2023-02-29',
      '2024-13-01',
      '2024-01-01T24:00:00',
      'yesterday',
      '',
      '01/03/2024 09:00',
    ]) {
      expect(parseTimestamp(bad), bad).toBeNull();
    }
  });
});

describe('CSV parsing', () => {
  const text = 'a,b,c\r\n1,"x, ""y""\nz",3\n\n"",,\n4,5,6';
  const expected = [
    { line: 1, fields: ['a', 'b', 'c'] },
    { line: 2, fields: ['1', 'x, "y"\nz', '3'] },
    { line: 5, fields: ['', '', ''] },
    { line: 6, fields: ['4', '5', '6'] },
  ];

  it('reads quoted fields with delimiters, quotes and newlines, and counts lines', () => {
    const parser = new CsvParser(',');
    expect([...parser.push(text), ...parser.end()]).toEqual(expected);
  });

  it('gives the same records whatever the chunk boundaries', () => {
    for (const size of [1, 2, 3, 5, 7]) {
      const parser = new CsvParser(',');
      const out = [];
      for (let i = 0; i < text.length; i += size) out.push(...parser.push(text.slice(i, i + size)));
      out.push(...parser.end());
      expect(out, `chunks of ${size}`).toEqual(expected);
    }
  });

  it('flags an unterminated quoted field at the end of the file', () => {
    const parser = new CsvParser(',');
    const out = [...parser.push('a,b\n1,"open\nstill'), ...parser.end()];
    expect(out[1]?.error).toMatch(/unterminated quoted field.*line 2/);
  });

  it('detects the delimiter from the header', () => {
    expect(detectDelimiter('a,b,c')).toBe(',');
    expect(detectDelimiter('a;b;"c,d"')).toBe(';');
    expect(detectDelimiter('a\tb\tc')).toBe('\t');
    expect(detectDelimiter('single')).toBe(',');
  });
});

describe('CSV import', () => {
  it('imports quoted commas, quotes and newlines; keeps ties in file order; other columns as attributes', async () => {
    const s = await fresh();
    const summary = await importEventLog(s, fixture('quoted.csv'), csv());
    expect(summary).toMatchObject({
      dataset: 'quoted',
      events: 4,
      cases: 2,
      rejected: 0,
      quarantineFile: null,
      delimiter: ',',
      columns: { case: 'case_id', activity: 'activity', timestamp: 'timestamp', resource: 'resource' },
    });
    const rows = await events(s, 'quoted');
    expect(rows.map((r) => [r.case_id, r.activity, r.ts, r.end_ts, r.resource, r.seq])).toEqual([
      // 10:00+01:00 is 09:00Z: a tie with Register, kept in file order by seq.
      ['c1', 'Register', '2024-03-01T09:00:00.000Z', null, 'Ann', 1],
      ['c1', 'Check', '2024-03-01T09:00:00.000Z', null, 'Bob', 2],
      ['c1', 'Decide "fast"', '2024-03-01T09:30:00.000Z', null, 'Ann', 3],
      ['c2', 'Register', '2024-03-01T08:00:00.500Z', null, null, 4],
    ]);
    expect(attributes(rows[0])).toEqual({ note: 'first, with comma' });
    expect(attributes(rows[1])?.note).toMatch(/^two\r?\nlines$/);
    expect(rows[2]?.attributes).toBeNull();
    const datasets = await listDatasets(s);
    expect(datasets).toEqual([
      {
        name: 'quoted',
        format: 'csv',
        source: fixture('quoted.csv'),
        importedAt: NOW.toISOString(),
        events: 4,
        cases: 2,
      },
    ]);
    // The mining view sees the dataset, with end = ts where the log has no end.
    const mined = await s.db.one<{ n: number; same: boolean }>(
      `SELECT count(*)::INTEGER AS n, bool_and(end_ts = ts) AS same FROM mining_events WHERE dataset = 'quoted'`,
    );
    expect(mined).toEqual({ n: 4, same: true });
  });

  it('reads a semicolon CSV with start and complete timestamps (Disco-style names)', async () => {
    const s = await fresh();
    const summary = await importEventLog(s, fixture('semicolon.csv'), csv({ dataset: 'semi' }));
    expect(summary).toMatchObject({
      dataset: 'semi',
      events: 3,
      cases: 2,
      rejected: 0,
      delimiter: ';',
      columns: {
        case: 'Case ID',
        activity: 'Activity',
        timestamp: 'Start Timestamp',
        endTimestamp: 'Complete Timestamp',
        resource: 'Resource',
      },
    });
    const rows = await events(s, 'semi');
    expect(rows.map((r) => [r.case_id, r.activity, r.ts, r.end_ts, r.resource])).toEqual([
      ['1', 'A', '2024-01-02T08:00:00.000Z', '2024-01-02T08:30:00.000Z', 'r1'],
      ['1', 'B', '2024-01-02T09:00:00.000Z', '2024-01-02T09:15:00.000Z', 'r2'],
      ['2', 'A', '2024-01-03T08:00:00.000Z', null, 'r1'],
    ]);
    expect(attributes(rows[0])).toEqual({ Cost: '10,5' });
  });

  it('maps columns by name and a given delimiter, and accepts gzip', async () => {
    const s = await fresh();
    const dir = tempDir();
    const gz = path.join(dir, 'renamed.csv.gz');
    const text = readFileSync(fixture('semicolon.csv'), 'utf8')
      .replace('Case ID', 'Ticket')
      .replace('Activity', 'Step');
    writeFileSync(gz, gzipSync(text));
    const progress: [number, number][] = [];
    const summary = await importEventLog(
      s,
      gz,
      csv({
        case: 'Ticket',
        activity: 'step',
        timestamp: 'Start Timestamp',
        endTimestamp: 'Complete Timestamp',
        resource: 'Resource',
        delimiter: ';',
        onProgress: (read, total) => progress.push([read, total]),
      }),
    );
    expect(summary).toMatchObject({ dataset: 'renamed', events: 3, cases: 2, rejected: 0 });
    expect(summary.columns).toMatchObject({ case: 'Ticket', activity: 'Step' });
    const size = gzipSync(text).length;
    expect(progress.at(-1)).toEqual([size, size]);
  });

  it('quarantines bad rows with file, line and column; imports the rest', async () => {
    const s = await fresh();
    const summary = await importEventLog(s, fixture('bad-rows.csv'), csv());
    expect(summary).toMatchObject({ dataset: 'bad-rows', events: 2, cases: 2, rejected: 6 });
    expect(summary.quarantineFile).toMatch(
      /quarantine[/\\]2024-06-01T12-00-00-000Z-eventlog-bad-rows\.ndjson$/,
    );
    const quarantined = readFileSync(summary.quarantineFile ?? '', 'utf8')
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as { file: string; line: number; reason: string; record: Record<string, string> },
      );
    expect(quarantined.map((q) => [q.line, q.reason])).toEqual([
      [4, 'column "case" (case) is empty'],
      [5, 'column "activity" (activity) is empty'],
      [6, 'column "timestamp" (timestamp): not a time: "yesterday"'],
      [
        7,
        'column "end_timestamp" (end timestamp): 2024-05-01T11:00:00.000Z is before the start 2024-05-01T12:00:00.000Z',
      ],
      [8, '5 fields where the header has 6'],
      [9, 'column "timestamp" (timestamp): not a time: "2024-02-30T10:00:00Z"'],
    ]);
    expect(quarantined.every((q) => q.file === fixture('bad-rows.csv'))).toBe(true);
    expect(quarantined[0]?.record).toMatchObject({ case: '', activity: 'B', comment: 'no case' });
    expect(summary.firstRejections).toHaveLength(5);
    expect(summary.firstRejections[0]).toMatchObject({ line: 4, reason: 'column "case" (case) is empty' });
    expect((await events(s, 'bad-rows')).map((e) => [e.case_id, e.activity, e.end_ts, e.seq])).toEqual([
      ['k1', 'A', '2024-05-01T10:05:00.000Z', 1],
      ['k2', 'G', null, 8],
    ]);
  });

  it('refuses a mapped column that is not in the header, naming it and listing the header', async () => {
    const s = await fresh();
    const attempt = importEventLog(s, fixture('quoted.csv'), csv({ case: 'CaseNo' }));
    await expect(attempt).rejects.toBeInstanceOf(InputError);
    await expect(attempt).rejects.toThrow(
      /--case CaseNo: no such column; the header has 5 columns: "case_id", "activity", "timestamp", "resource", "note"/,
    );
    const dir = tempDir();
    const noActivity = path.join(dir, 'x.csv');
    writeFileSync(noActivity, 'case,step,time\n1,a,2024-01-01\n');
    await expect(importEventLog(s, noActivity, csv())).rejects.toThrow(
      /no activity column found .*--activity COLUMN.*"case", "step", "time"/,
    );
    expect(await listDatasets(s)).toEqual([]);
  });

  it('refuses the reserved dataset name, bad names, a missing file and an empty file', async () => {
    const s = await fresh();
    await expect(importEventLog(s, fixture('quoted.csv'), csv({ dataset: 'default' }))).rejects.toThrow(
      /reserved/,
    );
    await expect(importEventLog(s, fixture('quoted.csv'), csv({ dataset: 'Default' }))).rejects.toThrow(
      InputError,
    );
    await expect(importEventLog(s, fixture('quoted.csv'), csv({ dataset: 'a b' }))).rejects.toThrow(
      /not valid/,
    );
    await expect(importEventLog(s, fixture('nope.csv'), csv())).rejects.toThrow(/nope\.csv: no such file/);
    const dir = tempDir();
    const empty = path.join(dir, 'default.csv');
    writeFileSync(empty, '');
    await expect(importEventLog(s, empty, csv())).rejects.toThrow(/reserved.*--dataset/);
    await expect(importEventLog(s, empty, csv({ dataset: 'e' }))).rejects.toThrow(/empty/);
  });
});

describe('XES import', () => {
  it('merges start/complete pairs (FIFO per activity), keeps ties in file order, ignores non-executions', async () => {
    const s = await fresh();
    const summary = await importEventLog(s, fixture('lifecycle.xes'), xes());
    expect(summary).toMatchObject({
      dataset: 'lifecycle',
      events: 10,
      cases: 2,
      rejected: 0,
      ignored: { schedule: 1, suspend: 1, resume: 1 },
    });
    expect(await timeline(s, 'lifecycle')).toEqual({
      t1: [
        ['A', '09:00', '09:10'],
        ['B', '09:00', '09:20'], // same start as A: after it, as in the file
        ['C', '09:30', '09:30'], // complete only
        ['D', '09:40', '09:40'], // start only
        ['A', '10:00', '10:20'], // two open instances of A: the first complete closes the first start
        ['A', '10:05', '10:30'],
        ['E', '10:30', '10:30'], // no lifecycle:transition: a complete
      ],
      t2: [
        ['X', '08:00', '08:00'], // 09:00+01:00
        ['Y', '08:00', '08:00'],
        ['Z', '08:10', '08:20'], // ate_abort ends the instance
      ],
    });
    const rows = await events(s, 'lifecycle');
    const t1 = rows.filter((r) => r.case_id === 't1');
    expect(t1.map((r) => r.seq)).toEqual([2, 3, 8, 9, 10, 11, 14]);
    expect(t1.map((r) => r.resource)).toEqual(['r1', 'r2', 'r3', null, 'r1', 'r2', null]);
    expect(attributes(t1[0])).toEqual({ 'case:channel': 'web', cost: 5 });
    expect(attributes(rows.find((r) => r.activity === 'Z'))).toEqual({ 'lifecycle:transition': 'ate_abort' });
    expect(rows.find((r) => r.activity === 'X')?.attributes).toBeNull();
  });

  it('reads ProM/PM4Py XES: namespace, typed, list, container and nested attributes', async () => {
    const s = await fresh();
    const summary = await importEventLog(s, fixture('prom.xes'), xes({ dataset: 'running' }));
    expect(summary).toMatchObject({ dataset: 'running', events: 5, cases: 2, rejected: 0, ignored: {} });
    const rows = await events(s, 'running');
    expect(rows.map((r) => [r.case_id, r.activity, r.ts, r.resource])).toEqual([
      ['2', 'register request', '2010-12-30T10:32:00.000Z', 'Mike'],
      ['2', 'decide', '2010-12-30T13:16:00.000Z', 'Sean'],
      ['3', 'register request', '2010-12-30T13:32:00.000Z', 'Pete'],
      ['3', 'examine casually', '2010-12-30T14:06:00.000Z', 'Mike'],
      ['3', 'check ticket', '2010-12-30T15:34:00.000Z', 'Ellen'],
    ]);
    expect(attributes(rows[2])).toEqual({
      'case:registration': '2010-12-30T13:32:00.000Z',
      'case:urgent': true,
      Costs: 50,
      weight: 1.5,
      'identity:id': 'b3d4a6e0-6ad3-4f0b-9e59-a0b1c2d3e4f5',
      tags: [{ tag: 'a' }, { tag: 'b' }],
      legacy: [{ n: 1 }],
      address: { city: 'Eindhoven', zip: 5600 },
      note: { value: 'checked & stamped', children: { author: 'Sara' } },
    });
    expect(attributes(rows[4])).toMatchObject({ ok: false });
    expect(attributes(rows[0])).toBeNull();
  });

  it('quarantines events without a name or a usable time, a complete before its start, unnamed traces, events outside traces', async () => {
    const s = await fresh();
    const summary = await importEventLog(s, fixture('bad.xes'), xes());
    expect(summary).toMatchObject({ events: 1, cases: 1, rejected: 6 });
    const quarantined = readFileSync(summary.quarantineFile ?? '', 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { line: number; reason: string });
    expect(quarantined.map((q) => [q.line, q.reason])).toEqual([
      [15, 'event has no time:timestamp'],
      [18, 'event has no concept:name (activity)'],
      [21, 'time:timestamp: not a time: "not a date"'],
      [10, 'complete of "F" at 2024-01-01T11:00:00.000Z is before its start at 2024-01-01T12:00:00.000Z'],
      [26, 'trace has no concept:name: its 1 event(s) are not imported'],
      [32, 'event outside a trace: it belongs to no case'],
    ]);
    // The start whose complete was refused stays an event of its own.
    expect(await timeline(s, 'bad')).toEqual({ ok: [['F', '12:00', '12:00']] });
  });

  it('refuses XML that is not well-formed or not XES, leaving the dataset as it was', async () => {
    const s = await fresh();
    await importEventLog(s, fixture('lifecycle.xes'), xes({ dataset: 'keep' }));
    const dir = tempDir();
    const broken = path.join(dir, 'broken.xes');
    const text = readFileSync(fixture('lifecycle.xes'), 'utf8');
    writeFileSync(broken, text.slice(0, text.indexOf('<trace>', text.indexOf('t1')) + 200));
    await expect(importEventLog(s, broken, xes({ dataset: 'keep' }))).rejects.toThrow(
      /not a well-formed XES document/,
    );
    expect((await events(s, 'keep')).length).toBe(10);
    expect((await listDatasets(s)).map((d) => [d.name, d.events])).toEqual([['keep', 10]]);
    await expect(importEventLog(s, fixture('quoted.csv'), xes({ dataset: 'keep' }))).rejects.toThrow(
      /not an XES document/,
    );
    const html = path.join(dir, 'page.xes');
    writeFileSync(html, '<html><body/></html>');
    await expect(importEventLog(s, html, xes())).rejects.toThrow(/root element is <html>/);
    expect((await events(s, 'keep')).length).toBe(10);
  });
});

describe('datasets', () => {
  it('re-importing replaces the dataset wholly and leaves the others alone', async () => {
    const s = await fresh();
    const dir = tempDir();
    const file = path.join(dir, 'log.csv');
    copyFileSync(fixture('quoted.csv'), file);
    await importEventLog(s, file, csv());
    await importEventLog(s, fixture('semicolon.csv'), csv());
    const again = await importEventLog(s, file, csv({ now: new Date('2024-06-02T00:00:00Z') }));
    expect(again).toMatchObject({ dataset: 'log', events: 4, cases: 2 });
    expect((await events(s, 'log')).length).toBe(4);
    // Another file into the same dataset: only its events remain.
    const replaced = await importEventLog(s, fixture('lifecycle.xes'), xes({ dataset: 'log' }));
    expect(replaced).toMatchObject({ dataset: 'log', events: 10, cases: 2 });
    expect(new Set((await events(s, 'log')).map((e) => e.case_id))).toEqual(new Set(['t1', 't2']));
    expect((await listDatasets(s)).map((d) => [d.name, d.format, d.events, d.cases, d.importedAt])).toEqual([
      ['log', 'xes', 10, 2, NOW.toISOString()],
      ['semicolon', 'csv', 3, 2, NOW.toISOString()],
    ]);
    const total = await s.db.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM dataset_events');
    expect(total?.n).toBe(13);
  });

  it('deletes a dataset; refuses default and unknown names', async () => {
    const s = await fresh();
    await importEventLog(s, fixture('quoted.csv'), csv());
    await importEventLog(s, fixture('semicolon.csv'), csv());
    await deleteDataset(s, 'quoted');
    expect((await listDatasets(s)).map((d) => d.name)).toEqual(['semicolon']);
    expect(await events(s, 'quoted')).toEqual([]);
    expect((await events(s, 'semicolon')).length).toBe(3);
    await expect(deleteDataset(s, 'quoted')).rejects.toThrow(/no dataset named 'quoted'/);
    await expect(deleteDataset(s, 'default')).rejects.toThrow(InputError);
  });
});

describe('round trip through Caseflow exports', () => {
  it.each(['csv', 'xes'] as const)(
    'the Genesys scenario log exported as %s imports back the same',
    async (format) => {
      const s = await scenarioStore();
      store = s;
      const out = path.join(tempDir(), `scenario.${format}`);
      await exportEventLog(s, { format, out, lang: 'en' });
      const log = await s.readEventLog();
      const expected: Record<string, string[]> = {};
      for (const r of log)
        expected[r.ServiceRequest] = [...(expected[r.ServiceRequest] ?? []), r.ActivityName];

      const summary = await importEventLog(s, out, { format, now: NOW });
      expect(summary).toMatchObject({
        dataset: 'scenario',
        events: log.length,
        cases: Object.keys(expected).length,
      });
      expect(summary.rejected).toBe(0);
      const sequences = await s.db.all<{ case_id: string; activities: string[] }>(
        `SELECT case_id, list(activity ORDER BY ts, seq) AS activities FROM dataset_events
       WHERE dataset = 'scenario' GROUP BY case_id`,
      );
      expect(Object.fromEntries(sequences.map((r) => [r.case_id, r.activities]))).toEqual(expected);
      if (format === 'csv') {
        expect(summary.columns).toEqual({
          case: 'ServiceRequest',
          activity: 'ActivityName',
          timestamp: 'EventTime',
          endTimestamp: 'EventEndTime',
          resource: 'AgentName',
        });
        const times = await s.db.all<{ ts: string; end_ts: string }>(
          `SELECT ${iso('ts')} AS ts, ${iso('end_ts')} AS end_ts FROM dataset_events WHERE dataset = 'scenario'
         ORDER BY case_id, ts, seq`,
        );
        expect(times).toEqual(log.map((r) => ({ ts: r.EventTime, end_ts: r.EventEndTime })));
      }
      // Importing it again replaces it: no duplicates.
      const again = await importEventLog(s, out, { format, now: NOW });
      expect(again.events).toBe(log.length);
      const count = await s.db.one<{ n: number }>(
        `SELECT count(*)::INTEGER AS n FROM mining_events WHERE dataset = 'scenario'`,
      );
      expect(count?.n).toBe(log.length);
    },
  );
});
