import { type Kysely, type Selectable, sql } from 'kysely';
import { enqueue, type JsonValue, type OperationalSchema, requeue } from '../store/index.ts';
import type {
  WorkflowDeliveriesTable,
  WorkflowRunStatus,
  WorkflowRunsTable,
  WorkflowsTable,
} from '../store/operational/schema.ts';
import type { Condition } from './conditions.ts';
import type { Step, Workflow, WorkflowDefinition } from './model.ts';
import type { Variables } from './variables.ts';

/** Workflows, runs and the delivery log in the operational store. */

type Db = Kysely<OperationalSchema>;

/** The outbox topic of workflow runs. */
export const RUN_TOPIC = 'workflow.run';

export const RUN_STATUSES = ['pending', 'delivered', 'dead'] as const;

export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

export class ConflictError extends Error {
  override name = 'ConflictError';
}

const json = (value: unknown) => sql<string>`cast(${JSON.stringify(value)} as jsonb)`;
const iso = (date: Date): string => date.toISOString();

function toWorkflow(row: Selectable<WorkflowsTable>): Workflow {
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled,
    trigger: row.trigger,
    conditions: row.conditions as unknown as Condition[],
    steps: row.steps as unknown as Step[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function listWorkflows(db: Db): Promise<Workflow[]> {
  return (await db.selectFrom('workflows').selectAll().orderBy('id').execute()).map(toWorkflow);
}

export async function enabledWorkflows(db: Db): Promise<Workflow[]> {
  const rows = await db
    .selectFrom('workflows')
    .selectAll()
    .where('enabled', '=', true)
    .orderBy('id')
    .execute();
  return rows.map(toWorkflow);
}

export async function getWorkflow(db: Db, id: number): Promise<Workflow | undefined> {
  const row = await db.selectFrom('workflows').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toWorkflow(row);
}

export async function createWorkflow(
  db: Db,
  definition: WorkflowDefinition,
  now = new Date(),
): Promise<Workflow> {
  const row = await db
    .insertInto('workflows')
    .values({
      name: definition.name,
      enabled: definition.enabled,
      trigger: definition.trigger,
      conditions: json(definition.conditions),
      steps: json(definition.steps),
      created_at: iso(now),
      updated_at: iso(now),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toWorkflow(row);
}

/** Replaces a workflow's definition; undefined when there is no such workflow. */
export async function updateWorkflow(
  db: Db,
  id: number,
  definition: WorkflowDefinition,
  now = new Date(),
): Promise<Workflow | undefined> {
  const row = await db
    .updateTable('workflows')
    .set({
      name: definition.name,
      enabled: definition.enabled,
      trigger: definition.trigger,
      conditions: json(definition.conditions),
      steps: json(definition.steps),
      updated_at: iso(now),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row && toWorkflow(row);
}

/** Deletes a workflow with its runs, delivery log and queued messages. False when there is none. */
export async function deleteWorkflow(db: Db, id: number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const outboxIds = await trx
      .selectFrom('workflow_runs')
      .select('outbox_id')
      .where('workflow_id', '=', id)
      .where('outbox_id', 'is not', null)
      .execute();
    const deleted = await trx.deleteFrom('workflows').where('id', '=', id).executeTakeFirst();
    const ids = outboxIds.map((r) => r.outbox_id).filter((x): x is number => x !== null);
    for (let i = 0; i < ids.length; i += 1000) {
      await trx
        .deleteFrom('outbox')
        .where('id', 'in', ids.slice(i, i + 1000))
        .execute();
    }
    return deleted.numDeletedRows > 0n;
  });
}

// ---------------------------------------------------------------------------------------------
// Runs
// ---------------------------------------------------------------------------------------------

export interface Delivery {
  id: number;
  stepIndex: number;
  attempt: number;
  startedAt: string;
  durationMs: number;
  status: 'ok' | 'error';
  responseCode: number | null;
  error: string | null;
}

export interface Run {
  id: number;
  workflowId: number;
  conversationId: string;
  version: string;
  /** The run key: workflowId:conversationId:version (X-Caseflow-Event-Id). */
  key: string;
  status: WorkflowRunStatus;
  /** Attempts made, re-runs included. */
  attempts: number;
  /** Pending: when the next attempt may start. */
  nextAttemptAt: string | null;
  completedSteps: number[];
  lastError: string | null;
  variables: Variables;
  createdAt: string;
  updatedAt: string;
  deliveries: Delivery[];
}

export const runKey = (workflowId: number, conversationId: string, version: string): string =>
  `${workflowId}:${conversationId}:${version}`;

function toDelivery(row: Selectable<WorkflowDeliveriesTable>): Delivery {
  return {
    id: row.id,
    stepIndex: row.step_index,
    attempt: row.attempt,
    startedAt: row.started_at,
    durationMs: row.duration_ms,
    status: row.status,
    responseCode: row.response_code,
    error: row.error,
  };
}

type RunRow = Selectable<WorkflowRunsTable> & { next_attempt_at: string | null };

function toRun(row: RunRow, deliveries: Delivery[]): Run {
  return {
    id: row.id,
    workflowId: row.workflow_id,
    conversationId: row.conversation_id,
    version: row.version,
    key: runKey(row.workflow_id, row.conversation_id, row.version),
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null,
    completedSteps: completedSteps(row.completed_steps),
    lastError: row.last_error,
    variables: row.variables as Variables,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deliveries,
  };
}

export function completedSteps(value: JsonValue): number[] {
  return Array.isArray(value) ? value.filter((v): v is number => typeof v === 'number') : [];
}

function runsQuery(db: Db) {
  return db
    .selectFrom('workflow_runs as r')
    .leftJoin('outbox as o', 'o.id', 'r.outbox_id')
    .selectAll('r')
    .select('o.next_attempt_at');
}

async function withDeliveries(db: Db, rows: RunRow[]): Promise<Run[]> {
  if (rows.length === 0) return [];
  const deliveries = await db
    .selectFrom('workflow_deliveries')
    .selectAll()
    .where(
      'run_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('id')
    .execute();
  const byRun = new Map<number, Delivery[]>();
  for (const d of deliveries) {
    const list = byRun.get(d.run_id) ?? [];
    list.push(toDelivery(d));
    byRun.set(d.run_id, list);
  }
  return rows.map((r) => toRun(r, byRun.get(r.id) ?? []));
}

/** A workflow's runs, newest first, with their delivery logs. */
export async function listRuns(
  db: Db,
  workflowId: number,
  options: { status?: WorkflowRunStatus | undefined; limit?: number } = {},
): Promise<Run[]> {
  let query = runsQuery(db).where('r.workflow_id', '=', workflowId);
  if (options.status) query = query.where('r.status', '=', options.status);
  const rows = await query
    .orderBy('r.id', 'desc')
    .limit(options.limit ?? 100)
    .execute();
  return withDeliveries(db, rows);
}

export async function getRun(db: Db, runId: number): Promise<Run | undefined> {
  const row = await runsQuery(db).where('r.id', '=', runId).executeTakeFirst();
  return row ? (await withDeliveries(db, [row]))[0] : undefined;
}

export interface NewRun {
  workflowId: number;
  conversationId: string;
  version: string;
  variables: Variables;
}

/**
 * Records runs and enqueues their outbox messages (inside the caller's transaction). A run that exists
 * (same workflow, conversation and version) is left as it is. Returns the number created.
 */
export async function insertRuns(trx: Db, runs: readonly NewRun[], now: Date): Promise<number> {
  let created = 0;
  for (const run of runs) {
    const inserted = await trx
      .insertInto('workflow_runs')
      .values({
        workflow_id: run.workflowId,
        conversation_id: run.conversationId,
        version: run.version,
        variables: json(run.variables),
        created_at: iso(now),
        updated_at: iso(now),
      })
      .onConflict((c) => c.columns(['workflow_id', 'conversation_id', 'version']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) continue;
    const message = await enqueue(trx, {
      topic: RUN_TOPIC,
      key: runKey(run.workflowId, run.conversationId, run.version),
      payload: { runId: inserted.id },
      availableAt: now,
    });
    await trx
      .updateTable('workflow_runs')
      .set({ outbox_id: message.id })
      .where('id', '=', inserted.id)
      .execute();
    created += 1;
  }
  return created;
}

/** Which of these (workflow, conversation, version) already have a run. */
export async function existingRunKeys(db: Db, conversationIds: readonly string[]): Promise<Set<string>> {
  const keys = new Set<string>();
  for (let i = 0; i < conversationIds.length; i += 1000) {
    const rows = await db
      .selectFrom('workflow_runs')
      .select(['workflow_id', 'conversation_id', 'version'])
      .where('conversation_id', 'in', conversationIds.slice(i, i + 1000))
      .execute();
    for (const r of rows) keys.add(runKey(r.workflow_id, r.conversation_id, r.version));
  }
  return keys;
}

/**
 * Manual re-run: a dead run is requeued (the steps that succeeded before are not repeated), a delivered
 * one is sent again from its first step, a pending one waiting for its next attempt is made due now.
 * NotFoundError when there is no such run; ConflictError while an attempt of it is running.
 */
export async function rerunRun(db: Db, runId: number, now = new Date()): Promise<Run> {
  await db.transaction().execute(async (trx) => {
    const run = await trx
      .selectFrom('workflow_runs')
      .selectAll()
      .where('id', '=', runId)
      .forUpdate()
      .executeTakeFirst();
    if (!run) throw new NotFoundError(`no workflow run ${runId}`);
    if (run.leased_until !== null && Date.parse(run.leased_until) > now.getTime()) {
      throw new ConflictError(`run ${runId} is being delivered right now; try again once the attempt ends`);
    }
    const message =
      run.outbox_id === null
        ? undefined
        : await trx.selectFrom('outbox').selectAll().where('id', '=', run.outbox_id).executeTakeFirst();
    let outboxId = message?.id;
    if (!message) {
      outboxId = (
        await enqueue(trx, {
          topic: RUN_TOPIC,
          key: runKey(run.workflow_id, run.conversation_id, run.version),
          payload: { runId },
          availableAt: now,
        })
      ).id;
    } else if (message.status === 'dead') {
      await requeue(trx, message.id, now);
    } else {
      // delivered (send again) or pending (attempt now)
      await trx
        .updateTable('outbox')
        .set({
          status: 'pending',
          attempts: message.status === 'delivered' ? 0 : message.attempts,
          next_attempt_at: iso(now),
          delivered_at: null,
        })
        .where('id', '=', message.id)
        .execute();
    }
    await trx
      .updateTable('workflow_runs')
      .set({
        status: 'pending',
        outbox_id: outboxId ?? null,
        updated_at: iso(now),
        leased_until: null,
        ...(run.status === 'delivered' ? { completed_steps: json([]) } : {}),
      })
      .where('id', '=', runId)
      .execute();
  });
  const run = await getRun(db, runId);
  if (!run) throw new NotFoundError(`no workflow run ${runId}`);
  return run;
}
