import { z } from 'zod';
import { sees, type WorkActor } from './actor.ts';
import type { Problem } from './attributes.ts';
import type { WorkContext } from './context.ts';
import type { Db } from './db.ts';
import { WorkValidationError } from './errors.ts';

/**
 * What the definitions (work types, queues, workbins, agents) share: ids chosen by the administrator, a
 * division, and references to one another checked with a field-level message before they are written.
 */

export const definitionIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/,
    'must be letters, digits, . _ : - (starting with a letter or digit, at most 128)',
  );
export const nameSchema = z.string().trim().min(1, 'must not be empty').max(200);
export const divisionIdSchema = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .optional()
  .describe('default: the configuration’s divisions.default');

/** The division a definition or item goes to; WorkValidationError when it is not one of the actor's. */
export function divisionFor(ctx: WorkContext, actor: WorkActor, divisionId: string | undefined): string {
  const division = divisionId ?? ctx.defaultDivision;
  if (!sees(actor, division))
    throw new WorkValidationError([
      {
        field: 'divisionId',
        message: `division "${division}" is not one of yours${divisionId ? '' : ' (the default division; name one of yours)'}`,
      },
    ]);
  return division;
}

export interface Reference {
  field: string;
  kind: 'queue' | 'workbin' | 'agent';
  id: string | null | undefined;
}

const TABLE = { queue: 'work_queues', workbin: 'work_workbins', agent: 'work_agents' } as const;

/** The references that name nothing, as problems (`defaultQueueId: no queue "q9"`). */
export async function missingReferences(db: Db, references: readonly Reference[]): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const ref of references) {
    if (!ref.id) continue;
    const found = await db
      .selectFrom(TABLE[ref.kind])
      .select('id')
      .where('id', '=', ref.id)
      .executeTakeFirst();
    if (!found) problems.push({ field: ref.field, message: `no ${ref.kind} "${ref.id}"` });
  }
  return problems;
}
