import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { OperationalSchema } from '../store/index.ts';
import { sees, seesNothing, type WorkActor } from './actor.ts';
import type { WorkContext } from './context.ts';
import { deleteDefinition } from './db.ts';
import { definitionIdSchema, divisionFor, divisionIdSchema, nameSchema } from './definitions.ts';
import { WorkConflictError, WorkNotFoundError } from './errors.ts';
import { WORKBIN_OWNER_KINDS, type Workbin } from './shapes.ts';

/**
 * Workbins: named holding lists of work items, owned by a queue, a team or a supervisor. Pull work is
 * picked from them (highest priority first, then the nearest due date); SLA escalation can move items
 * into a supervisor's workbin.
 */

export { WORKBIN_OWNER_KINDS } from './shapes.ts';

export const workbinFieldsSchema = z.strictObject({
  name: nameSchema,
  divisionId: divisionIdSchema,
  ownerKind: z.enum(WORKBIN_OWNER_KINDS),
  ownerId: z.string().trim().min(1).max(200).describe('the queue id, team id or supervisor’s user id'),
});
export const workbinInputSchema = workbinFieldsSchema.extend({ id: definitionIdSchema });
export type WorkbinFields = z.infer<typeof workbinFieldsSchema>;
export type WorkbinInput = z.infer<typeof workbinInputSchema>;

export type { Workbin } from './shapes.ts';

const toWorkbin = (row: Selectable<OperationalSchema['work_workbins']>): Workbin => ({
  id: row.id,
  name: row.name,
  divisionId: row.division_id,
  ownerKind: row.owner_kind,
  ownerId: row.owner_id,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export async function listWorkbins(ctx: WorkContext, actor: WorkActor): Promise<Workbin[]> {
  if (seesNothing(actor)) return [];
  let query = ctx.db.selectFrom('work_workbins').selectAll().orderBy('id');
  if (actor.divisions !== 'all') query = query.where('division_id', 'in', actor.divisions);
  return (await query.execute()).map(toWorkbin);
}

export async function getWorkbin(ctx: WorkContext, actor: WorkActor, id: string): Promise<Workbin> {
  const row = await ctx.db.selectFrom('work_workbins').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || !sees(actor, row.division_id)) throw new WorkNotFoundError(`no workbin "${id}"`);
  return toWorkbin(row);
}

export async function createWorkbin(
  ctx: WorkContext,
  actor: WorkActor,
  input: WorkbinInput,
): Promise<Workbin> {
  const division = divisionFor(ctx, actor, input.divisionId);
  const at = ctx.now().toISOString();
  const row = await ctx.db
    .insertInto('work_workbins')
    .values({
      id: input.id,
      name: input.name,
      division_id: division,
      owner_kind: input.ownerKind,
      owner_id: input.ownerId,
      created_at: at,
      updated_at: at,
    })
    .onConflict((conflict) => conflict.column('id').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new WorkConflictError(`a workbin "${input.id}" exists already`);
  return toWorkbin(row);
}

export async function replaceWorkbin(
  ctx: WorkContext,
  actor: WorkActor,
  id: string,
  fields: WorkbinFields,
): Promise<Workbin> {
  await getWorkbin(ctx, actor, id);
  const division = divisionFor(ctx, actor, fields.divisionId);
  const row = await ctx.db
    .updateTable('work_workbins')
    .set({
      name: fields.name,
      division_id: division,
      owner_kind: fields.ownerKind,
      owner_id: fields.ownerId,
      updated_at: ctx.now().toISOString(),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toWorkbin(row);
}

export async function deleteWorkbin(ctx: WorkContext, actor: WorkActor, id: string): Promise<void> {
  await getWorkbin(ctx, actor, id);
  await deleteDefinition(
    ctx.db,
    'work_workbins',
    id,
    `workbin "${id}" is still used by work types or work items`,
  );
}
