import { describe, expect, it } from 'vitest';
import { filterOf, setOrganizationTimeZone, zonedDayStart } from '../src/filters.ts';

describe('organization calendar days', () => {
  it('gives the UTC instant a day starts in the zone, across daylight-saving changes', () => {
    expect(zonedDayStart('2026-10-01', 'Europe/Paris')).toBe('2026-09-30T22:00:00.000Z');
    expect(zonedDayStart('2026-12-01', 'Europe/Paris')).toBe('2026-11-30T23:00:00.000Z');
    expect(zonedDayStart('2026-10-25', 'Europe/Paris')).toBe('2026-10-24T22:00:00.000Z');
    expect(zonedDayStart('2026-10-26', 'Europe/Paris')).toBe('2026-10-25T23:00:00.000Z');
    expect(zonedDayStart('2026-03-08', 'America/New_York')).toBe('2026-03-08T05:00:00.000Z');
    expect(zonedDayStart('2026-05-01', 'UTC')).toBe('2026-05-01T00:00:00.000Z');
  });

  it('sends the API instants for date filters once the zone is known', () => {
    setOrganizationTimeZone('Europe/Paris');
    const f = filterOf(new URLSearchParams('from=2026-10-01&to=2026-10-02&mediaType=chat'));
    expect(f).toEqual({
      from: '2026-09-30T22:00:00.000Z',
      to: '2026-10-01T22:00:00.000Z',
      mediaType: 'chat',
    });
    setOrganizationTimeZone('UTC');
  });
});
