import { z } from 'zod';
import { CONDITION_OPS, type Condition, conditionValueProblem } from './conditions.ts';
import { renderJson, renderUrl, templateProblems } from './template.ts';
import { CONDITION_FIELDS, SAMPLE_VARIABLES, TEMPLATE_VARIABLES } from './variables.ts';

/**
 * Workflow definitions: trigger, conditions and steps, validated before they are stored (API, tests). A
 * validation problem names its place: `steps/1/body: unknown variable {{foo}} …`.
 */

export const TRIGGERS = ['conversation.closed'] as const;
export type Trigger = (typeof TRIGGERS)[number];

/** An SQL identifier Caseflow quotes itself: letters, digits, underscores, at most 63 characters. */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
/** The name of an environment variable holding a secret (never the secret itself). */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const conditionSchema = z
  .strictObject({
    field: z.string().min(1).describe('a conversation variable, e.g. channel'),
    op: z.enum(CONDITION_OPS),
    value: z.union([scalar, z.array(scalar)]).optional(),
  })
  .superRefine((condition, ctx) => {
    if (!CONDITION_FIELDS.has(condition.field)) {
      ctx.addIssue({
        code: 'custom',
        path: ['field'],
        message: `unknown variable "${condition.field}" (variables: ${[...CONDITION_FIELDS].join(', ')})`,
      });
    }
    const problem = conditionValueProblem(condition as Condition);
    if (problem) ctx.addIssue({ code: 'custom', path: ['value'], message: problem });
  });

const timeoutMs = z.number().int().min(100).max(120_000).default(10_000).describe('per request, ms');
const stepName = z.string().max(200).optional().describe('a label for the delivery log');

export const httpStepSchema = z.strictObject({
  type: z.literal('http'),
  name: stepName,
  method: z.enum(['POST', 'PUT', 'PATCH', 'GET', 'DELETE']).default('POST'),
  url: z.string().min(1).describe('http(s) URL; placeholders are percent-encoded'),
  headers: z
    .record(
      z.string().regex(HEADER_NAME, 'not an HTTP header name'),
      z.string().regex(/^[^\r\n]*$/, 'a header value cannot span lines'),
    )
    .default({}),
  body: z
    .string()
    .optional()
    .describe('JSON template; placeholders JSON-escaped. Absent: every variable as one JSON object'),
  signature: z
    .strictObject({
      secretEnv: z
        .string()
        .regex(ENV_NAME, 'not an environment variable name')
        .describe('the environment variable holding the HMAC secret (the secret is never stored)'),
      header: z.string().regex(HEADER_NAME, 'not an HTTP header name').default('X-Caseflow-Signature'),
    })
    .optional()
    .describe('HMAC-SHA256 of the exact body: header `sha256=<hex>`'),
  timeoutMs,
});

export const sheetsStepSchema = z.strictObject({
  type: z.literal('sheets'),
  name: stepName,
  spreadsheetId: z.string().regex(/^[A-Za-z0-9_-]+$/, 'not a spreadsheet id (from its URL: /d/<id>/)'),
  range: z.string().min(1).max(200).describe('A1 notation of the table to append to, e.g. Sheet1!A1'),
  values: z.array(z.string()).min(1).max(200).describe('one template per cell, in column order'),
  timeoutMs,
});

export const warehouseStepSchema = z.strictObject({
  type: z.literal('warehouse'),
  name: stepName,
  connectionUrlEnv: z
    .string()
    .regex(ENV_NAME, 'not an environment variable name')
    .describe('the environment variable holding the postgres:// URL (never stored)'),
  table: z
    .string()
    .refine(
      (t) => t.split('.').length <= 2 && t.split('.').every((part) => IDENTIFIER.test(part)),
      'not a table name: table or schema.table, letters, digits and _ only',
    ),
  columns: z
    .record(z.string(), z.string())
    .superRefine((columns, ctx) => {
      const names = Object.keys(columns);
      if (names.length === 0) ctx.addIssue({ code: 'custom', message: 'at least one column' });
      for (const name of names.filter((n) => !IDENTIFIER.test(n))) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: 'not a column name: letters, digits and _ only',
        });
      }
    })
    .describe('column → template'),
  keyColumns: z
    .array(z.string())
    .optional()
    .describe('with a unique constraint on them: ON CONFLICT DO NOTHING, so a repeated run inserts once'),
  timeoutMs,
});

export const stepSchema = z.discriminatedUnion('type', [
  httpStepSchema,
  sheetsStepSchema,
  warehouseStepSchema,
]);

export type HttpStep = z.output<typeof httpStepSchema>;
export type SheetsStep = z.output<typeof sheetsStepSchema>;
export type WarehouseStep = z.output<typeof warehouseStepSchema>;
export type Step = z.output<typeof stepSchema>;

/** What POST / PUT take. */
export const workflowInputSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    enabled: z.boolean().default(true),
    trigger: z.enum(TRIGGERS).default('conversation.closed'),
    conditions: z.array(conditionSchema).max(50).default([]),
    steps: z.array(stepSchema).min(1).max(10),
  })
  .superRefine((workflow, ctx) => {
    workflow.steps.forEach((step, index) => {
      for (const { path, message } of stepProblems(step)) {
        ctx.addIssue({ code: 'custom', path: ['steps', index, ...path], message });
      }
    });
  });

export type WorkflowInput = z.input<typeof workflowInputSchema>;
export type WorkflowDefinition = z.output<typeof workflowInputSchema>;

/** A stored workflow. */
export interface Workflow extends WorkflowDefinition {
  id: number;
  createdAt: string;
  updatedAt: string;
}

interface Problem {
  path: (string | number)[];
  message: string;
}

/** Template and cross-field problems of a step (unknown variables, a body that is not JSON…). */
export function stepProblems(step: Step): Problem[] {
  const problems: Problem[] = [];
  const check = (path: (string | number)[], template: string) => {
    for (const message of templateProblems(template, TEMPLATE_VARIABLES)) problems.push({ path, message });
  };
  switch (step.type) {
    case 'http': {
      check(['url'], step.url);
      if (problems.length === 0) {
        let url: URL | undefined;
        try {
          url = new URL(renderUrl(step.url, SAMPLE_VARIABLES));
        } catch {
          problems.push({ path: ['url'], message: 'not a URL (http://… or https://…)' });
        }
        if (url && url.protocol !== 'http:' && url.protocol !== 'https:') {
          problems.push({ path: ['url'], message: 'must start with http:// or https://' });
        }
      }
      for (const [name, value] of Object.entries(step.headers)) check(['headers', name], value);
      if (step.body !== undefined) {
        const before = problems.length;
        check(['body'], step.body);
        if (problems.length === before) {
          try {
            JSON.parse(renderJson(step.body, SAMPLE_VARIABLES));
          } catch (error) {
            problems.push({
              path: ['body'],
              message: `not JSON once the variables are filled in: ${(error as Error).message}`,
            });
          }
        }
        if (step.method === 'GET') problems.push({ path: ['body'], message: 'a GET request has no body' });
      }
      break;
    }
    case 'sheets':
      check(['range'], step.range);
      for (const [i, cell] of step.values.entries()) check(['values', i], cell);
      break;
    case 'warehouse':
      for (const [column, template] of Object.entries(step.columns)) check(['columns', column], template);
      for (const [i, key] of (step.keyColumns ?? []).entries()) {
        if (!Object.hasOwn(step.columns, key)) {
          problems.push({ path: ['keyColumns', i], message: `"${key}" is not one of the columns` });
        }
      }
      break;
  }
  return problems;
}

export class WorkflowValidationError extends RangeError {
  override name = 'WorkflowValidationError';
}

/** Parses a workflow definition; WorkflowValidationError (a RangeError: HTTP 400) listing every problem. */
export function parseWorkflowInput(input: unknown): WorkflowDefinition {
  const result = workflowInputSchema.safeParse(input);
  if (result.success) return result.data;
  const details = result.error.issues
    .map((issue) => `${issue.path.join('/') || 'workflow'}: ${issue.message}`)
    .join('; ');
  throw new WorkflowValidationError(details);
}

/** A step's label in logs: its name, else its type and target. */
export function stepLabel(step: Step, index: number): string {
  if (step.name) return step.name;
  const target =
    step.type === 'http' ? `${step.method} ${step.url}` : step.type === 'sheets' ? step.range : step.table;
  return `step ${index + 1} (${step.type} ${target})`;
}
