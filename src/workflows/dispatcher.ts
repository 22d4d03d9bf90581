import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { claimDue, markDelivered, markFailed, type OperationalSchema } from '../store/index.ts';
import type { Step } from './model.ts';
import { completedSteps, getWorkflow, RUN_TOPIC } from './repository.ts';
import type { StepResult } from './steps/index.ts';
import type { Variables } from './variables.ts';

/**
 * The dispatcher: claims one due run at a time from the outbox (topic `workflow.run`, leased), runs the
 * workflow's steps in order — skipping those that succeeded in an earlier attempt of the run —, logs each
 * step attempt in workflow_deliveries, then marks the message delivered, or failed with the next attempt
 * after an exponential backoff with jitter, or dead after `maxAttempts` attempts. A worker that dies
 * mid-run loses its lease; the run is claimed again when the lease ends (at least once).
 */

type Db = Kysely<OperationalSchema>;

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface DispatchOptions {
  db: Db;
  retry: RetryPolicy;
  /** How long a claim holds a run (default 15 min): longer than its steps can take. */
  leaseMs?: number;
  now: () => Date;
  /** In [0, 1): the jitter. */
  random: () => number;
  /** Runs one step with the run's variables. */
  runStep: (step: Step, variables: Variables) => Promise<StepResult>;
}

export interface DispatchResult {
  runId: number | null;
  outboxId: number;
  status: 'delivered' | 'retry' | 'dead';
  error: string | null;
}

export const DEFAULT_LEASE_MS = 15 * 60_000;
const MAX_ERROR = 2000;

/**
 * The wait before attempt `attempt + 1` after `attempt` failed: base × 2^(attempt−1), capped at the
 * maximum, half of it fixed and half random ("equal jitter"), so waits grow and retries spread.
 */
export function backoffMs(attempt: number, retry: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

const cut = (text: string): string => (text.length > MAX_ERROR ? `${text.slice(0, MAX_ERROR - 1)}…` : text);

/** Claims and runs one due run; null when none is due. */
export async function dispatchOne(options: DispatchOptions): Promise<DispatchResult | null> {
  const { db, retry } = options;
  const claimedAt = options.now();
  const claimed = await db.transaction().execute(async (trx) => {
    const [message] = await claimDue(trx, RUN_TOPIC, 1, claimedAt, {
      leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
    });
    if (!message) return undefined;
    const runId = (message.payload as { runId?: unknown } | null)?.runId;
    const run =
      typeof runId === 'number'
        ? await trx
            .updateTable('workflow_runs')
            .set({
              attempts: sql<number>`attempts + 1`,
              leased_until: message.nextAttemptAt,
              updated_at: claimedAt.toISOString(),
            })
            .where('id', '=', runId)
            .returningAll()
            .executeTakeFirst()
        : undefined;
    return { message, run };
  });
  if (!claimed) return null;
  const { message, run } = claimed;
  if (!run) {
    await markFailed(db, message.id, 'the workflow run no longer exists', null);
    return { runId: null, outboxId: message.id, status: 'dead', error: 'the workflow run no longer exists' };
  }
  const workflow = await getWorkflow(db, run.workflow_id);
  const done = new Set(completedSteps(run.completed_steps));
  let error: string | null = workflow ? null : 'the workflow no longer exists';
  const steps = workflow?.steps ?? [];
  for (const [index, step] of steps.entries()) {
    if (error !== null) break;
    if (done.has(index)) continue;
    const startedAt = options.now();
    const started = performance.now();
    const result = await options.runStep(step, run.variables as Variables);
    const durationMs = Math.max(0, Math.round(performance.now() - started));
    if (result.ok) done.add(index);
    else error = `step ${index + 1} (${step.type}): ${result.error ?? 'failed'}`;
    const logged = db.transaction().execute(async (trx) => {
      await trx
        .insertInto('workflow_deliveries')
        .values({
          run_id: run.id,
          step_index: index,
          attempt: run.attempts,
          started_at: startedAt.toISOString(),
          duration_ms: durationMs,
          status: result.ok ? 'ok' : 'error',
          response_code: result.responseCode,
          error: result.error === null ? null : cut(result.error),
        })
        .execute();
      if (result.ok) {
        await trx
          .updateTable('workflow_runs')
          .set({
            completed_steps: sql<string>`cast(${JSON.stringify([...done].sort((a, b) => a - b))} as jsonb)`,
          })
          .where('id', '=', run.id)
          .execute();
      }
    });
    try {
      await logged;
    } catch (failure) {
      // The workflow was deleted meanwhile (with its runs and message): nothing left to record.
      const gone = !(await db
        .selectFrom('workflow_runs')
        .select('id')
        .where('id', '=', run.id)
        .executeTakeFirst());
      if (gone)
        return { runId: run.id, outboxId: message.id, status: 'dead', error: 'the workflow was deleted' };
      throw failure;
    }
  }
  const finishedAt = options.now();
  if (error === null) {
    await db.transaction().execute(async (trx) => {
      if (await markDelivered(trx, message.id, finishedAt)) {
        await trx
          .updateTable('workflow_runs')
          .set({
            status: 'delivered',
            leased_until: null,
            last_error: null,
            updated_at: finishedAt.toISOString(),
          })
          .where('id', '=', run.id)
          .execute();
      }
    });
    return { runId: run.id, outboxId: message.id, status: 'delivered', error: null };
  }
  const dead = message.attempts >= retry.maxAttempts || !workflow;
  const next = dead
    ? null
    : new Date(finishedAt.getTime() + backoffMs(message.attempts, retry, options.random));
  await db.transaction().execute(async (trx) => {
    if (await markFailed(trx, message.id, error, next)) {
      await trx
        .updateTable('workflow_runs')
        .set({
          status: dead ? 'dead' : 'pending',
          leased_until: null,
          last_error: cut(error),
          updated_at: finishedAt.toISOString(),
        })
        .where('id', '=', run.id)
        .execute();
    }
  });
  return { runId: run.id, outboxId: message.id, status: dead ? 'dead' : 'retry', error };
}

/** When the next run is due (pending messages of the topic), or null when none is pending. */
export async function nextDueAt(db: Db): Promise<string | null> {
  const row = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.min('next_attempt_at').as('next'))
    .where('topic', '=', RUN_TOPIC)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return (row?.next as string | null | undefined) ?? null;
}
