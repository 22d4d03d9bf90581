/**
 * Who acts on work automation: a user id (recorded as the events' actor) and the divisions they hold.
 * Definitions and items outside those divisions are not found for them.
 */
export interface WorkActor {
  id: string;
  divisions: readonly string[] | 'all';
}

/** Routing, escalation and the CLI: every division. */
export const systemActor = (id: string): WorkActor => ({ id, divisions: 'all' });

export const sees = (actor: WorkActor, divisionId: string): boolean =>
  actor.divisions === 'all' || actor.divisions.includes(divisionId);

/** Whether the actor holds no division at all (their lists are empty). */
export const seesNothing = (actor: WorkActor): boolean =>
  actor.divisions !== 'all' && actor.divisions.length === 0;
