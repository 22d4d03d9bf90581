import { describe, expect, it } from 'vitest';
import { durationInput, formatDuration, parseDuration } from '../src/format.ts';

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
