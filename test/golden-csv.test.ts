import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTRIBUTES } from '../src/eventlog/index.ts';
import { exportEventLog } from '../src/export/index.ts';
import type { Store } from '../src/store/index.ts';
import { scenarioStore, tempDir } from './support.ts';

const GOLDEN = path.resolve(import.meta.dirname, 'fixtures/golden');

describe('CSV export (golden files)', () => {
  let store: Store;
  beforeAll(async () => {
    store = await scenarioStore({ eventlog: { slaTargets: { 'Billing inquiry': 14_400 } } });
  });
  afterAll(() => store.close());

  for (const lang of ['en', 'fr'] as const) {
    it(`matches the golden event log in ${lang}`, async () => {
      const out = path.join(tempDir(), `eventlog-${lang}.csv`);
      await exportEventLog(store, { format: 'csv', out, lang });
      const actual = readFileSync(out, 'utf8');
      const goldenFile = path.join(GOLDEN, `eventlog-${lang}.csv`);
      if (process.env.UPDATE_GOLDEN) writeFileSync(goldenFile, actual);
      expect(actual).toBe(readFileSync(goldenFile, 'utf8'));
    });
  }

  it('has the 20 attributes as header and ISO-8601 UTC times with milliseconds', async () => {
    const out = path.join(tempDir(), 'eventlog.csv');
    await exportEventLog(store, { format: 'csv', out, lang: 'en' });
    const [header, ...rows] = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(header).toBe(ATTRIBUTES.join(','));
    expect(rows.length).toBe(await store.countEvents());
    for (const row of rows) expect(row).toMatch(/,\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z,/);
  });

  it('limits the export to the --from/--to range of EventTime', async () => {
    const out = path.join(tempDir(), 'range.csv');
    const { events } = await exportEventLog(store, {
      format: 'csv',
      out,
      lang: 'en',
      from: '2024-03-05',
      to: '2024-03-08T00:00:00Z',
    });
    const rows = readFileSync(out, 'utf8').trimEnd().split('\n').slice(1);
    expect(rows.length).toBe(events);
    expect(events).toBeGreaterThan(0);
    for (const row of rows) {
      const time = row.split(',')[3] ?? '';
      expect(time >= '2024-03-05' && time < '2024-03-08').toBe(true);
    }
  });
});
