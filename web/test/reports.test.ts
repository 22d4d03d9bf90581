import { describe, expect, it } from 'vitest';
import {
  csvUrl,
  formatBytes,
  heatmapMatrix,
  isExpired,
  parseSort,
  periodLabel,
  pivot,
  reportFilterOf,
  reportUrl,
  sortRows,
  zonedToday,
} from '../src/reports.ts';

describe('reports filter', () => {
  it('turns calendar days into the instants they start in the organization zone; keeps lists', () => {
    const q = new URLSearchParams(
      'from=2026-10-01&to=2026-10-02&team=A,B&agent=a1&channel=chat&businessHours=true&tab=leaderboard&dataset=x',
    );
    expect(reportFilterOf(q, 'Europe/Paris')).toEqual({
      from: '2026-09-30T22:00:00.000Z',
      to: '2026-10-01T22:00:00.000Z',
      team: 'A,B',
      agent: 'a1',
      channel: 'chat',
      businessHours: 'true',
    });
  });

  it('drops empty values and a false business-hours flag; reads UTC days without a zone', () => {
    const q = new URLSearchParams('team=&team=A&team=B&businessHours=false&from=2026-05-01');
    expect(reportFilterOf(q, null)).toEqual({ team: 'A,B', from: '2026-05-01T00:00:00.000Z' });
  });

  it('builds the API address and its CSV twin', () => {
    const q = new URLSearchParams('team=A,B');
    const url = reportUrl('leaderboard', q, { metric: 'resolution', limit: 10 }, 'fr');
    expect(url).toBe('/api/v1/reports/leaderboard?team=A%2CB&metric=resolution&limit=10&lang=fr');
    expect(csvUrl(url)).toBe(
      '/api/v1/reports/leaderboard?team=A%2CB&metric=resolution&limit=10&lang=fr&format=csv',
    );
    expect(csvUrl('/api/v1/reports/opened-heatmap')).toBe('/api/v1/reports/opened-heatmap?format=csv');
  });
});

describe('reshaping', () => {
  it('lays the heatmap cells out as 7 × 24, missing cells 0', () => {
    const m = heatmapMatrix([
      { weekday: 0, hour: 0, count: 3 },
      { weekday: 6, hour: 23, count: 5 },
      { weekday: 2, hour: 9, count: 1 },
    ]);
    expect(m).toHaveLength(7);
    expect(m.every((row) => row.length === 24)).toBe(true);
    expect(m[0]?.[0]).toBe(3);
    expect(m[6]?.[23]).toBe(5);
    expect(m[2]?.[9]).toBe(1);
    expect(m.flat().reduce((a, b) => a + b, 0)).toBe(9);
  });

  it('pivots long rows to series × periods, series in the given order first', () => {
    const p = pivot(
      [
        { period: '2026-01-02', channel: 'email', count: 2 },
        { period: '2026-01-01', channel: 'chat', count: 1 },
        { period: '2026-01-02', channel: 'chat', count: 4 },
        { period: '2026-01-01', channel: 'sms', count: 7 },
      ],
      (r) => r.channel,
      ['chat', 'voice'],
    );
    expect(p.periods).toEqual(['2026-01-01', '2026-01-02']);
    expect(p.series).toEqual(['chat', 'email', 'sms']);
    expect(p.values).toEqual([
      [1, 4],
      [0, 2],
      [7, 0],
    ]);
  });

  it('labels periods by interval', () => {
    expect(periodLabel('2026-03-01', 'month', 'en')).toBe('Mar 2026');
    expect(periodLabel('2026-03-02', 'day', 'en')).toBe('2 Mar');
    expect(periodLabel('2026-03-02', 'week', 'en')).toBe('wk 2 Mar');
    expect(periodLabel('2026-03-02', 'week', 'fr')).toMatch(/^sem\. 2 mars/);
  });

  it('sorts rows by a column, empty values last both ways', () => {
    const rows = [
      { name: 'b', n: 2 as number | null },
      { name: 'a', n: null },
      { name: 'c', n: 10 },
    ];
    expect(sortRows(rows, 'n', 'asc').map((r) => r.name)).toEqual(['b', 'c', 'a']);
    expect(sortRows(rows, 'n', 'desc').map((r) => r.name)).toEqual(['c', 'b', 'a']);
    expect(sortRows(rows, 'name', 'asc').map((r) => r.name)).toEqual(['a', 'b', 'c']);
    expect(parseSort('-n', ['n', 'name'], { key: 'name', dir: 'asc' })).toEqual({ key: 'n', dir: 'desc' });
    expect(parseSort('bogus', ['n', 'name'], { key: 'name', dir: 'asc' })).toEqual({
      key: 'name',
      dir: 'asc',
    });
  });
});

describe('exports', () => {
  const now = Date.parse('2026-05-10T12:00:00Z');
  it('counts an export as expired when the server says so or its 7 days are over', () => {
    expect(isExpired({ status: 'expired', expiresAt: null, createdAt: '2026-05-10T00:00:00Z' }, now)).toBe(
      true,
    );
    expect(
      isExpired(
        { status: 'succeeded', expiresAt: '2026-05-10T11:00:00Z', createdAt: '2026-05-03T11:00:00Z' },
        now,
      ),
    ).toBe(true);
    expect(
      isExpired(
        { status: 'succeeded', expiresAt: '2026-05-11T00:00:00Z', createdAt: '2026-05-04T00:00:00Z' },
        now,
      ),
    ).toBe(false);
    expect(isExpired({ status: 'succeeded', expiresAt: null, createdAt: '2026-05-01T00:00:00Z' }, now)).toBe(
      true,
    );
    expect(isExpired({ status: 'running', expiresAt: null, createdAt: '2026-01-01T00:00:00Z' }, now)).toBe(
      false,
    );
  });

  it('formats sizes and the zone’s today', () => {
    expect(formatBytes(512, 'en')).toBe('512\u00a0B');
    expect(formatBytes(1_530_000, 'en')).toBe('1.5\u00a0MB');
    expect(formatBytes(1_530_000, 'fr')).toBe('1,5\u00a0Mo');
    expect(formatBytes(null, 'en')).toBe('—');
    expect(zonedToday('Europe/Paris', new Date('2026-05-10T22:30:00Z'))).toBe('2026-05-11');
    expect(zonedToday('UTC', new Date('2026-05-10T22:30:00Z'))).toBe('2026-05-10');
  });
});
