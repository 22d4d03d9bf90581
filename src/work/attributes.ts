import { z } from 'zod';
import { ATTRIBUTE_TYPES, type Attributes, type AttributeValue } from './shapes.ts';

/**
 * Custom attributes of work items, checked against their work type's attribute schema: a small
 * JSON-Schema-like subset, field name → {type: string | number | boolean | date, required?, enum?}.
 * Fields the schema does not declare are refused (a typo must not pass silently). A `date` is a calendar
 * date (YYYY-MM-DD, kept as is) or an ISO-8601 date-time with a zone (stored in UTC).
 */

export type { Attributes, AttributeValue } from './shapes.ts';
export { ATTRIBUTE_TYPES, type AttributeType } from './shapes.ts';

export const MAX_STRING_LENGTH = 10_000;

export const attributeNameSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,99}$/, 'must be a letter then letters, digits or _ (at most 100)');

const attributeFieldSchema = z
  .strictObject({
    type: z.enum(ATTRIBUTE_TYPES),
    required: z.boolean().optional(),
    enum: z
      .array(z.union([z.string(), z.number()]))
      .min(1)
      .optional()
      .describe('the only values allowed (strings or numbers, of the field’s type)'),
  })
  .superRefine((field, ctx) => {
    if (!field.enum) return;
    if (field.type === 'boolean')
      ctx.addIssue({ code: 'custom', path: ['enum'], message: 'not for booleans' });
    const expected = field.type === 'number' ? 'number' : 'string';
    if (field.type !== 'boolean' && field.enum.some((v) => typeof v !== expected))
      ctx.addIssue({ code: 'custom', path: ['enum'], message: `values must be ${expected}s` });
  });
export type AttributeField = z.infer<typeof attributeFieldSchema>;

export const attributeSchemaSchema = z
  .record(attributeNameSchema, attributeFieldSchema)
  .describe('field name → {type: string | number | boolean | date, required?, enum?}');
export type AttributeSchema = z.infer<typeof attributeSchemaSchema>;

export const attributeValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** A problem with one field of a request: `attributes.amount`, `title`, `(item)`. */
export interface Problem {
  field: string;
  message: string;
}

const CALENDAR_DATE = /^(\d{4})-(\d\d)-(\d\d)$/;
const DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/i;

/** A `date` value in its stored form, or null when it is not one. */
export function normalizeDate(value: string): string | null {
  const calendar = CALENDAR_DATE.exec(value);
  if (calendar) {
    const [y, m, d] = [Number(calendar[1]), Number(calendar[2]), Number(calendar[3])];
    const date = new Date(Date.UTC(y, m - 1, d));
    return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d
      ? value
      : null;
  }
  if (!DATE_TIME.test(value)) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

const show = (value: unknown): string => JSON.stringify(value) ?? String(value);

type Checked = { ok: true; value: AttributeValue } | { ok: false; message: string };
const fail = (message: string): Checked => ({ ok: false, message });

function checkValue(field: AttributeField, value: unknown): Checked {
  let stored = value as AttributeValue;
  switch (field.type) {
    case 'string':
      if (typeof value !== 'string') return fail(`must be a string (got ${show(value)})`);
      if (value.length > MAX_STRING_LENGTH) return fail(`must be at most ${MAX_STRING_LENGTH} characters`);
      break;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value))
        return fail(`must be a number (got ${show(value)})`);
      break;
    case 'boolean':
      if (typeof value !== 'boolean') return fail(`must be true or false (got ${show(value)})`);
      break;
    case 'date': {
      const date = typeof value === 'string' ? normalizeDate(value) : null;
      if (date === null)
        return fail(`must be a date (YYYY-MM-DD) or an ISO-8601 date-time with a zone (got ${show(value)})`);
      stored = date;
      break;
    }
  }
  if (field.enum && !field.enum.includes(stored as string | number))
    return fail(`must be one of ${field.enum.map(show).join(', ')} (got ${show(value)})`);
  return { ok: true, value: stored };
}

/**
 * Checks attributes against a schema: every problem with its field, and the attributes as stored (dates
 * normalized, null values dropped: null means "not set").
 */
export function validateAttributes(
  schema: AttributeSchema,
  attributes: Readonly<Record<string, unknown>>,
): { value: Attributes; problems: Problem[] } {
  const value: Attributes = {};
  const problems: Problem[] = [];
  for (const [name, raw] of Object.entries(attributes)) {
    const field = schema[name];
    if (!field) {
      const known = Object.keys(schema);
      problems.push({
        field: `attributes.${name}`,
        message: `is not an attribute of this work type (${known.length > 0 ? `known: ${known.join(', ')}` : 'it declares none'})`,
      });
      continue;
    }
    if (raw === null || raw === undefined) continue;
    const checked = checkValue(field, raw);
    if (checked.ok) value[name] = checked.value;
    else problems.push({ field: `attributes.${name}`, message: checked.message });
  }
  for (const [name, field] of Object.entries(schema))
    if (
      field.required &&
      value[name] === undefined &&
      !problems.some((p) => p.field === `attributes.${name}`)
    )
      problems.push({ field: `attributes.${name}`, message: 'is required' });
  return { value, problems };
}
