import type { Variables, VariableValue } from './variables.ts';

/**
 * Trigger conditions: all of them must hold (an empty list always holds). Each compares one conversation
 * variable:
 * - `eq` / `neq`: equal / not equal to `value` (numbers compared as numbers, text case-sensitive; a missing
 *   value equals only null);
 * - `in`: equal to one of the `value` list;
 * - `contains`: the text contains `value`, ignoring case (a missing value contains nothing);
 * - `exists`: has a value (not null, not empty text); `value: false` for "has none".
 */

export const CONDITION_OPS = ['eq', 'neq', 'in', 'contains', 'exists'] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

export type Scalar = string | number | boolean | null;

export interface Condition {
  field: string;
  op: ConditionOp;
  value?: Scalar | Scalar[] | undefined;
}

function equal(actual: VariableValue | undefined, expected: Scalar): boolean {
  if (actual === null || actual === undefined) return expected === null;
  if (expected === null) return false;
  if (typeof actual === 'number' || typeof expected === 'number') {
    const a = Number(actual);
    const b = Number(expected);
    return typeof expected !== 'boolean' && String(expected).trim() !== '' && !Number.isNaN(b) && a === b;
  }
  return String(actual) === String(expected);
}

export function conditionHolds(condition: Condition, vars: Variables): boolean {
  const actual = vars[condition.field];
  const { value } = condition;
  switch (condition.op) {
    case 'eq':
      return !Array.isArray(value) && equal(actual, value ?? null);
    case 'neq':
      return !Array.isArray(value) && !equal(actual, value ?? null);
    case 'in':
      return Array.isArray(value) && value.some((v) => equal(actual, v));
    case 'contains':
      return (
        actual !== null &&
        actual !== undefined &&
        typeof value === 'string' &&
        String(actual).toLowerCase().includes(value.toLowerCase())
      );
    case 'exists': {
      const present = actual !== null && actual !== undefined && actual !== '';
      return value === false ? !present : present;
    }
  }
}

export function conditionsHold(conditions: readonly Condition[], vars: Variables): boolean {
  return conditions.every((c) => conditionHolds(c, vars));
}

/** Why a condition is not well formed (its value for its op), or null. The field is checked by the model. */
export function conditionValueProblem(condition: Condition): string | null {
  const { op, value } = condition;
  switch (op) {
    case 'eq':
    case 'neq':
      return value === undefined || Array.isArray(value)
        ? `${op} needs one value (text, number, true/false or null)`
        : null;
    case 'in':
      return Array.isArray(value) && value.length > 0 ? null : 'in needs a non-empty list of values';
    case 'contains':
      return typeof value === 'string' && value !== '' ? null : 'contains needs a non-empty text value';
    case 'exists':
      return value === undefined || typeof value === 'boolean'
        ? null
        : 'exists takes true (default) or false';
  }
}
