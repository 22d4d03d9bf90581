import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { OperationalSchema } from '../store/index.ts';
import { sees, seesNothing, type WorkActor } from './actor.ts';
import type { WorkContext } from './context.ts';
import { deleteDefinition, jsonb } from './db.ts';
import {
  definitionIdSchema,
  divisionFor,
  divisionIdSchema,
  missingReferences,
  nameSchema,
  type Reference,
} from './definitions.ts';
import { assertNoProblems, WorkConflictError, WorkNotFoundError } from './errors.ts';
import { noAgentRulesSchema, type SlaPolicy, slaPolicySchema } from './routing/index.ts';
import { ROUTING_METHODS, type WorkQueue } from './shapes.ts';

/**
 * Queues: where items wait for an agent. `push`: routing assigns the best qualified free agent and
 * notifies them; `pull`: agents and supervisors pick items from a list. Escalation rules say what happens
 * to items nobody qualified takes, and at what share of their SLA they escalate (src/work/routing decides;
 * they are stored and checked here).
 */

export { ROUTING_METHODS } from './shapes.ts';

/**
 * A queue's escalation: the no-agent rules and the SLA policy, in the shapes the routing decisions read
 * (src/work/routing: noAgentRulesSchema, slaPolicySchema).
 */
export const escalationRulesSchema = z.strictObject({
  noAgent: noAgentRulesSchema
    .prefault({})
    .describe(
      'no qualified agent free: raise priority (by, up to max), move to a queue, alert a supervisor — each afterSeconds in the queue',
    ),
  sla: slaPolicySchema
    .nullable()
    .default(null)
    .describe('escalate unfinished items at thresholdPercent of their SLA (before the work type’s policy)'),
});
export type EscalationRules = z.infer<typeof escalationRulesSchema>;

export const queueFieldsSchema = z.strictObject({
  name: nameSchema,
  divisionId: divisionIdSchema,
  routingMethod: z.enum(ROUTING_METHODS).default('push'),
  escalation: escalationRulesSchema.prefault({}),
});
export const queueInputSchema = queueFieldsSchema.extend({ id: definitionIdSchema });
export type QueueFields = z.infer<typeof queueFieldsSchema>;
export type QueueInput = z.infer<typeof queueInputSchema>;

export type { WorkQueue } from './shapes.ts';

const toQueue = (row: Selectable<OperationalSchema['work_queues']>): WorkQueue => ({
  id: row.id,
  name: row.name,
  divisionId: row.division_id,
  routingMethod: row.routing_method,
  escalation: row.escalation as EscalationRules,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const references = (escalation: EscalationRules): Reference[] => [
  {
    field: 'escalation.noAgent.moveToQueue.queueId',
    kind: 'queue',
    id: escalation.noAgent.moveToQueue?.queueId,
  },
  ...slaReferences('escalation.sla', escalation.sla),
];

/** The workbin an SLA policy sends items to must exist (an agent group may be a queue or a team). */
export const slaReferences = (field: string, policy: SlaPolicy | null): Reference[] =>
  policy?.escalation.kind === 'supervisor-workbin'
    ? [{ field: `${field}.escalation.workbinId`, kind: 'workbin', id: policy.escalation.workbinId }]
    : [];

export async function listQueues(ctx: WorkContext, actor: WorkActor): Promise<WorkQueue[]> {
  if (seesNothing(actor)) return [];
  let query = ctx.db.selectFrom('work_queues').selectAll().orderBy('id');
  if (actor.divisions !== 'all') query = query.where('division_id', 'in', actor.divisions);
  return (await query.execute()).map(toQueue);
}

export async function getQueue(ctx: WorkContext, actor: WorkActor, id: string): Promise<WorkQueue> {
  const row = await ctx.db.selectFrom('work_queues').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || !sees(actor, row.division_id)) throw new WorkNotFoundError(`no queue "${id}"`);
  return toQueue(row);
}

export async function createQueue(ctx: WorkContext, actor: WorkActor, input: QueueInput): Promise<WorkQueue> {
  const division = divisionFor(ctx, actor, input.divisionId);
  assertNoProblems(await missingReferences(ctx.db, references(input.escalation)));
  const at = ctx.now().toISOString();
  const row = await ctx.db
    .insertInto('work_queues')
    .values({
      id: input.id,
      name: input.name,
      division_id: division,
      routing_method: input.routingMethod,
      escalation: jsonb(input.escalation),
      created_at: at,
      updated_at: at,
    })
    .onConflict((conflict) => conflict.column('id').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new WorkConflictError(`a queue "${input.id}" exists already`);
  return toQueue(row);
}

export async function replaceQueue(
  ctx: WorkContext,
  actor: WorkActor,
  id: string,
  fields: QueueFields,
): Promise<WorkQueue> {
  await getQueue(ctx, actor, id);
  const division = divisionFor(ctx, actor, fields.divisionId);
  assertNoProblems(await missingReferences(ctx.db, references(fields.escalation)));
  const row = await ctx.db
    .updateTable('work_queues')
    .set({
      name: fields.name,
      division_id: division,
      routing_method: fields.routingMethod,
      escalation: jsonb(fields.escalation),
      updated_at: ctx.now().toISOString(),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toQueue(row);
}

export async function deleteQueue(ctx: WorkContext, actor: WorkActor, id: string): Promise<void> {
  await getQueue(ctx, actor, id);
  await deleteDefinition(
    ctx.db,
    'work_queues',
    id,
    `queue "${id}" is still used by work types or work items`,
  );
}
