import type { Problem } from './attributes.ts';

/**
 * The errors of work automation, as the REST API answers them: not found (404, also for what is outside
 * the viewer's divisions), invalid input (400, each problem with its field), conflict (409: a stale
 * expectedVersion, a reused Idempotency-Key, an agent at capacity, a definition still in use).
 * A refused lifecycle transition is state-machine.ts's TransitionRefusedError (409 with the allowed actions).
 */

export class WorkNotFoundError extends Error {
  override name = 'WorkNotFoundError';
}

export class WorkValidationError extends Error {
  override name = 'WorkValidationError';
  constructor(readonly problems: readonly Problem[]) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join('; '));
  }
}

export class WorkConflictError extends Error {
  override name = 'WorkConflictError';
  constructor(
    message: string,
    /** The item's current version when the conflict is a stale expectedVersion. */
    readonly version?: number,
  ) {
    super(message);
  }
}

/** The agent cannot take the item now: at their capacity, or (a push routing offer) not available. */
export class AgentUnavailableError extends WorkConflictError {}

/** Throws WorkValidationError when there are problems. */
export function assertNoProblems(problems: readonly Problem[]): void {
  if (problems.length > 0) throw new WorkValidationError(problems);
}
