import { describe, expect, it } from 'vitest';
import {
  attributeValue,
  customerSearchHref,
  levelsOf,
  levelsText,
  parseList,
  requiredSkillsOf,
  requiredSkillsText,
  secondsLeft,
} from '../src/work.ts';

describe('work admin form syntaxes', () => {
  it('reads lists, skills and capacities, and writes them back', () => {
    expect(parseList(' fr, en-GB ,, ')).toEqual(['fr', 'en-GB']);
    expect(requiredSkillsOf('billing=3, french')).toEqual([
      { skill: 'billing', minProficiency: 3 },
      { skill: 'french' },
    ]);
    expect(requiredSkillsText([{ skill: 'billing', minProficiency: 3 }, { skill: 'french' }])).toBe(
      'billing=3, french',
    );
    expect(levelsOf('workitem=2, chat = 1')).toEqual({ workitem: 2, chat: 1 });
    expect(levelsText({ workitem: 2, chat: 1 })).toBe('workitem=2, chat=1');
  });

  it('names the part that is wrong', () => {
    expect(() => requiredSkillsOf('billing=x')).toThrow('“billing=x”: x is not a whole number');
    expect(() => levelsOf('billing')).toThrow('“billing”: a value is missing');
  });
});

describe('work item helpers', () => {
  it('counts down whole seconds to an offer’s expiry, never below zero', () => {
    const now = Date.parse('2026-01-01T10:00:00Z');
    expect(secondsLeft('2026-01-01T10:00:29.200Z', now)).toBe(30);
    expect(secondsLeft('2026-01-01T09:59:00Z', now)).toBe(0);
  });

  it('turns attribute inputs into values of their type', () => {
    expect(attributeValue('number', '42', false)).toBe(42);
    expect(attributeValue('number', '', false)).toBeNull();
    expect(attributeValue('boolean', '', true)).toBe(true);
    expect(attributeValue('string', 'x', false)).toBe('x');
  });

  it('finds a work item’s customer by the value of its identifier key', () => {
    expect(customerSearchHref('phone:+33612345678')).toBe('/customers?q=%2B33612345678');
  });
});
