import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { OperationalSchema } from '../store/index.ts';
import { parseTimestamp } from '../store/operational/values.ts';
import { sees, seesNothing, type WorkActor } from './actor.ts';
import { type RequiredSkill, requiredSkillSchema } from './agents.ts';
import { type AttributeSchema, attributeSchemaSchema } from './attributes.ts';
import type { WorkContext } from './context.ts';
import type { Db } from './db.ts';
import { deleteDefinition, json, jsonb } from './db.ts';
import {
  definitionIdSchema,
  divisionFor,
  divisionIdSchema,
  missingReferences,
  nameSchema,
  type Reference,
} from './definitions.ts';
import { assertNoProblems, WorkConflictError, WorkNotFoundError } from './errors.ts';
import { slaReferences } from './queues.ts';
import { type SlaPolicy, slaPolicySchema } from './routing/index.ts';
import type { WorkType } from './shapes.ts';
import { WORK_ACTIONS, type WorkAction } from './state-machine.ts';

/**
 * Work types: what kind of work an item is, and its defaults — queue and workbin, priority, SLA (the due
 * date is creation + slaSeconds), required skills — the attribute schema its items are validated against,
 * the waiting statuses its items may take, the SLA escalation, and the source system's callback endpoint
 * (called through the outbox on the listed transitions; the HMAC secret is named, never stored).
 */

export const waitingStatusSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and - (e.g. waiting-customer)');

export const callbackSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  secretEnv: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name (e.g. CRM_CALLBACK_SECRET)')
    .optional()
    .describe('the environment variable holding the HMAC secret'),
  transitions: z
    .array(z.enum(WORK_ACTIONS))
    .min(1)
    .default(['complete'])
    .describe('the actions that call back (default: complete)'),
});
export type Callback = z.infer<typeof callbackSchema>;

export const workTypeFieldsSchema = z.strictObject({
  name: nameSchema,
  description: z.string().max(2000).nullable().default(null),
  divisionId: divisionIdSchema,
  defaultQueueId: definitionIdSchema.nullable().default(null),
  defaultWorkbinId: definitionIdSchema.nullable().default(null),
  priority: z.number().int().min(0).max(1_000_000).default(0).describe('higher is more urgent'),
  slaSeconds: z.number().int().positive().nullable().default(null).describe('due date = creation + this'),
  requiredSkills: z.array(requiredSkillSchema).max(50).default([]),
  attributeSchema: attributeSchemaSchema.default({}),
  waitingStatuses: z
    .array(waitingStatusSchema)
    .max(20)
    .default([])
    .refine((names) => new Set(names).size === names.length, 'must not repeat a status'),
  slaEscalation: slaPolicySchema
    .nullable()
    .default(null)
    .describe('the SLA policy of items whose queue has none'),
  callback: callbackSchema.nullable().default(null),
});
export const workTypeInputSchema = workTypeFieldsSchema.extend({ id: definitionIdSchema });
export type WorkTypeFields = z.infer<typeof workTypeFieldsSchema>;
export type WorkTypeInput = z.infer<typeof workTypeInputSchema>;

export type { WorkType } from './shapes.ts';

const toWorkType = (row: Selectable<OperationalSchema['work_types']>): WorkType => ({
  id: row.id,
  name: row.name,
  description: row.description,
  divisionId: row.division_id,
  defaultQueueId: row.default_queue_id,
  defaultWorkbinId: row.default_workbin_id,
  priority: row.priority,
  slaSeconds: row.sla_seconds,
  requiredSkills: row.required_skills as RequiredSkill[],
  attributeSchema: row.attribute_schema as AttributeSchema,
  waitingStatuses: row.waiting_statuses as string[],
  slaEscalation: row.sla_escalation as SlaPolicy | null,
  callback: row.callback_url
    ? {
        url: row.callback_url,
        ...(row.callback_secret_env ? { secretEnv: row.callback_secret_env } : {}),
        transitions: row.callback_transitions as WorkAction[],
      }
    : null,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const references = (fields: WorkTypeFields): Reference[] => [
  { field: 'defaultQueueId', kind: 'queue', id: fields.defaultQueueId },
  { field: 'defaultWorkbinId', kind: 'workbin', id: fields.defaultWorkbinId },
  ...slaReferences('slaEscalation', fields.slaEscalation),
];

const fieldValues = (fields: WorkTypeFields, division: string) => ({
  name: fields.name,
  description: fields.description,
  division_id: division,
  default_queue_id: fields.defaultQueueId,
  default_workbin_id: fields.defaultWorkbinId,
  priority: fields.priority,
  sla_seconds: fields.slaSeconds,
  required_skills: jsonb(fields.requiredSkills),
  attribute_schema: json(fields.attributeSchema),
  waiting_statuses: jsonb(fields.waitingStatuses),
  sla_escalation: fields.slaEscalation ? jsonb(fields.slaEscalation) : null,
  callback_url: fields.callback?.url ?? null,
  callback_secret_env: fields.callback?.secretEnv ?? null,
  callback_transitions: jsonb(fields.callback?.transitions ?? ['complete']),
});

export async function listWorkTypes(ctx: WorkContext, actor: WorkActor): Promise<WorkType[]> {
  if (seesNothing(actor)) return [];
  let query = ctx.db.selectFrom('work_types').selectAll().orderBy('id');
  if (actor.divisions !== 'all') query = query.where('division_id', 'in', actor.divisions);
  return (await query.execute()).map(toWorkType);
}

/** A work type by id, whatever the division (items keep their type; the caller checks the item's scope). */
/** A work type from its row as row_to_json gives it (timestamps as ISO-8601 UTC, as the store returns them). */
export const workTypeFromJson = (json: Selectable<OperationalSchema['work_types']>): WorkType =>
  toWorkType({
    ...json,
    created_at: parseTimestamp(json.created_at),
    updated_at: parseTimestamp(json.updated_at),
  });

export async function findWorkType(db: Db, id: string): Promise<WorkType | undefined> {
  const row = await db.selectFrom('work_types').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toWorkType(row);
}

export async function getWorkType(ctx: WorkContext, actor: WorkActor, id: string): Promise<WorkType> {
  const type = await findWorkType(ctx.db, id);
  if (!type || !sees(actor, type.divisionId)) throw new WorkNotFoundError(`no work type "${id}"`);
  return type;
}

export async function createWorkType(
  ctx: WorkContext,
  actor: WorkActor,
  input: WorkTypeInput,
): Promise<WorkType> {
  const division = divisionFor(ctx, actor, input.divisionId);
  assertNoProblems(await missingReferences(ctx.db, references(input)));
  const at = ctx.now().toISOString();
  const row = await ctx.db
    .insertInto('work_types')
    .values({ id: input.id, ...fieldValues(input, division), created_at: at, updated_at: at })
    .onConflict((conflict) => conflict.column('id').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new WorkConflictError(`a work type "${input.id}" exists already`);
  return toWorkType(row);
}

/** Replaces a work type. Its items keep their attributes: a new schema applies to their next change. */
export async function replaceWorkType(
  ctx: WorkContext,
  actor: WorkActor,
  id: string,
  fields: WorkTypeFields,
): Promise<WorkType> {
  await getWorkType(ctx, actor, id);
  const division = divisionFor(ctx, actor, fields.divisionId);
  assertNoProblems(await missingReferences(ctx.db, references(fields)));
  const row = await ctx.db
    .updateTable('work_types')
    .set({ ...fieldValues(fields, division), updated_at: ctx.now().toISOString() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toWorkType(row);
}

export async function deleteWorkType(ctx: WorkContext, actor: WorkActor, id: string): Promise<void> {
  await getWorkType(ctx, actor, id);
  await deleteDefinition(ctx.db, 'work_types', id, `work type "${id}" has work items`);
}
