import { describe, expect, it } from 'vitest';
import {
  durationInput,
  formatDateTime,
  formatDuration,
  formatEvery,
  parseDuration,
  secondsBetween,
} from '../src/format.ts';

describe('formatDuration', () => {
  it('uses at most two units', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(0.4)).toBe('<1s');
    expect(formatDuration(42)).toBe('42s');
    expect(formatDuration(252)).toBe('4m 12s');
    expect(formatDuration(62)).toBe('1m 02s');
    expect(formatDuration(3 * 3600 + 5 * 60 + 59)).toBe('3h 05m');
    expect(formatDuration(2 * 86400 + 4 * 3600 + 1800)).toBe('2d 4h');
    expect(formatDuration(null)).toBe('—');
  });
  it('speaks French', () => {
    expect(formatDuration(252, 'fr')).toBe('4\u202fmin 12\u202fs');
    expect(formatDuration(2 * 86400 + 4 * 3600, 'fr')).toBe('2\u202fj 4\u202fh');
  });
});

describe('parseDuration', () => {
  it('reads what people type', () => {
    expect(parseDuration('90')).toBe(90);
    expect(parseDuration('30m')).toBe(1800);
    expect(parseDuration('1h 30m')).toBe(5400);
    expect(parseDuration('2j')).toBe(172800);
    expect(parseDuration('4 h')).toBe(14400);
    expect(parseDuration('1,5h')).toBe(5400);
    expect(parseDuration('soon')).toBeNull();
    expect(parseDuration('3x')).toBeNull();
  });
  it('round-trips through the input form', () => {
    for (const s of [45, 60, 5400, 14400, 172800]) expect(parseDuration(durationInput(s))).toBe(s);
  });
});

describe('sync schedule and run helpers', () => {
  it('says how often a sync repeats', () => {
    expect(formatEvery(15, 'en')).toBe('every 15\u00a0min');
    expect(formatEvery(15, 'fr')).toBe('toutes les 15\u00a0min');
    expect(formatEvery(1, 'en')).toBe('every minute');
    expect(formatEvery(60, 'fr')).toBe('toutes les heures');
    expect(formatEvery(120, 'en')).toBe('every 2\u00a0h');
    expect(formatEvery(90, 'en')).toBe('every 90\u00a0min');
  });
  it('measures a run, not a run still going', () => {
    expect(secondsBetween('2026-11-23T10:00:00.000Z', '2026-11-23T10:04:12.500Z')).toBe(252.5);
    expect(secondsBetween('2026-11-23T10:00:00.000Z', null)).toBeNull();
    expect(secondsBetween('soon', '2026-11-23T10:00:00.000Z')).toBeNull();
  });
  it('shows instants in the given time zone', () => {
    const iso = '2026-11-23T10:00:00.000Z';
    expect(formatDateTime(iso, 'en', 'UTC')).toContain('10:00:00');
    expect(formatDateTime(iso, 'en', 'Europe/Paris')).toContain('11:00:00');
    expect(formatDateTime(iso, 'fr', 'America/New_York')).toContain('05:00:00');
    expect(formatDateTime(null, 'en', 'UTC')).toBe('—');
  });
});
