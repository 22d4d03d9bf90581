import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { OperationalSchema } from '../store/index.ts';
import { sees, seesNothing, type WorkActor } from './actor.ts';
import type { WorkContext } from './context.ts';
import { deleteDefinition, isUniqueViolation, jsonb } from './db.ts';
import {
  definitionIdSchema,
  divisionFor,
  divisionIdSchema,
  missingReferences,
  nameSchema,
} from './definitions.ts';
import { assertNoProblems, WorkConflictError, WorkNotFoundError } from './errors.ts';
import { type Agent, type AgentPresence, MEDIA_TYPES } from './shapes.ts';

/**
 * Agents (knowledge workers): skills with a proficiency from 1 to 5, languages, how many interactions of
 * each media type they handle at once (work items: `workitem`), the queues and teams they serve (their
 * agent groups), and their presence. last_idle_at is the later of their last assignment and their last
 * change to available: routing prefers the agent who has gone the longest without new work.
 */

export { type AgentPresence, MEDIA_TYPES, PRESENCES } from './shapes.ts';

export const skillNameSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^\S(?:.*\S)?$/, 'must not start or end with a space');
/** A skill an item needs: its name and the lowest proficiency accepted (1 when absent). */
export const requiredSkillSchema = z.strictObject({
  skill: skillNameSchema,
  minProficiency: z.number().int().min(1).max(5).optional(),
});
export type RequiredSkill = z.infer<typeof requiredSkillSchema>;

export const languageSchema = z
  .string()
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as fr or en-GB');

export const agentFieldsSchema = z.strictObject({
  name: nameSchema,
  userId: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .nullable()
    .default(null)
    .describe('the Caseflow user this agent is'),
  externalAgentId: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .nullable()
    .default(null)
    .describe(
      'the agent’s user id in the contact-center platform (Genesys): their interactions in the blending list',
    ),
  divisionId: divisionIdSchema,
  skills: z
    .record(skillNameSchema, z.number().int().min(1).max(5))
    .default({})
    .describe('skill → proficiency 1 (basic) … 5 (expert)'),
  languages: z.array(languageSchema).max(50).default([]),
  capacity: z
    .partialRecord(z.enum(MEDIA_TYPES), z.number().int().min(0).max(100))
    .default({ workitem: 1 })
    .describe('media type → how many at once; a missing type is 0'),
  queues: z.array(definitionIdSchema).max(500).default([]).describe('the queues this agent serves'),
  teams: z
    .array(z.string().trim().min(1).max(200))
    .max(100)
    .default([])
    .describe('the teams this agent belongs to (with the queues: their agent groups)'),
});
export const agentInputSchema = agentFieldsSchema.extend({ id: definitionIdSchema });
export type AgentFields = z.infer<typeof agentFieldsSchema>;
export type AgentInput = z.infer<typeof agentInputSchema>;

export type { Agent } from './shapes.ts';

export const toAgent = (row: Selectable<OperationalSchema['work_agents']>): Agent => ({
  id: row.id,
  userId: row.user_id,
  externalAgentId: row.external_agent_id,
  name: row.name,
  divisionId: row.division_id,
  skills: row.skills as Agent['skills'],
  languages: row.languages as string[],
  capacity: row.capacity as Agent['capacity'],
  queues: row.queues as string[],
  teams: row.teams as string[],
  presence: row.presence,
  lastIdleAt: row.last_idle_at,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const queueReferences = (queues: readonly string[]) =>
  queues.map((id, index) => ({ field: `queues.${index}`, kind: 'queue' as const, id }));

const fieldValues = (fields: AgentFields, division: string) => ({
  name: fields.name,
  user_id: fields.userId,
  external_agent_id: fields.externalAgentId,
  division_id: division,
  skills: jsonb(fields.skills),
  languages: jsonb(fields.languages),
  capacity: jsonb(fields.capacity),
  queues: jsonb(fields.queues),
  teams: jsonb(fields.teams),
});

const userTaken = (fields: AgentFields) =>
  new WorkConflictError(`user "${fields.userId}" is already another agent`);

export async function listAgents(ctx: WorkContext, actor: WorkActor): Promise<Agent[]> {
  if (seesNothing(actor)) return [];
  let query = ctx.db.selectFrom('work_agents').selectAll().orderBy('id');
  if (actor.divisions !== 'all') query = query.where('division_id', 'in', actor.divisions);
  return (await query.execute()).map(toAgent);
}

export async function getAgent(ctx: WorkContext, actor: WorkActor, id: string): Promise<Agent> {
  const row = await ctx.db.selectFrom('work_agents').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || !sees(actor, row.division_id)) throw new WorkNotFoundError(`no agent "${id}"`);
  return toAgent(row);
}

/** The agent a user is, if any (an agent claiming for themselves). */
export async function agentOfUser(ctx: WorkContext, userId: string): Promise<Agent | undefined> {
  const row = await ctx.db
    .selectFrom('work_agents')
    .selectAll()
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row && toAgent(row);
}

export async function createAgent(ctx: WorkContext, actor: WorkActor, input: AgentInput): Promise<Agent> {
  const division = divisionFor(ctx, actor, input.divisionId);
  assertNoProblems(await missingReferences(ctx.db, queueReferences(input.queues)));
  const at = ctx.now().toISOString();
  try {
    const row = await ctx.db
      .insertInto('work_agents')
      .values({ id: input.id, ...fieldValues(input, division), created_at: at, updated_at: at })
      .onConflict((conflict) => conflict.column('id').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new WorkConflictError(`an agent "${input.id}" exists already`);
    return toAgent(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw userTaken(input);
    throw error;
  }
}

export async function replaceAgent(
  ctx: WorkContext,
  actor: WorkActor,
  id: string,
  fields: AgentFields,
): Promise<Agent> {
  await getAgent(ctx, actor, id);
  const division = divisionFor(ctx, actor, fields.divisionId);
  assertNoProblems(await missingReferences(ctx.db, queueReferences(fields.queues)));
  try {
    const row = await ctx.db
      .updateTable('work_agents')
      .set({ ...fieldValues(fields, division), updated_at: ctx.now().toISOString() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toAgent(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw userTaken(fields);
    throw error;
  }
}

/** Sets an agent's presence; becoming available (from another presence) stamps last_idle_at. */
export async function setPresence(
  ctx: WorkContext,
  actor: WorkActor,
  id: string,
  presence: AgentPresence,
): Promise<Agent> {
  const agent = await getAgent(ctx, actor, id);
  const at = ctx.now().toISOString();
  const becomesAvailable = presence === 'available' && agent.presence !== 'available';
  const row = await ctx.db
    .updateTable('work_agents')
    .set({ presence, updated_at: at, ...(becomesAvailable ? { last_idle_at: at } : {}) })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toAgent(row);
}

export async function deleteAgent(ctx: WorkContext, actor: WorkActor, id: string): Promise<void> {
  await getAgent(ctx, actor, id);
  await deleteDefinition(ctx.db, 'work_agents', id, `agent "${id}" has work items`);
}
