import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Pseudonymizer } from '../privacy/index.ts';
import type { OperationalSchema } from '../store/index.ts';
import { type Change, changeFor, checkParameters } from './actions.ts';
import { sees, type WorkActor } from './actor.ts';
import { agentOfUser } from './agents.ts';
import { type Problem, validateAttributes } from './attributes.ts';
import { enqueueCallback } from './callbacks.ts';
import type { WorkContext } from './context.ts';
import { jsonb } from './db.ts';
import { missingReferences } from './definitions.ts';
import { assertNoProblems, WorkConflictError, WorkNotFoundError, WorkValidationError } from './errors.ts';
import { requestHash } from './idempotency.ts';
import {
  bulkItemSchema,
  storedCustomerKey,
  type TransitionCommand,
  toWorkItem,
  toWorkItemEvent,
  type WorkItem,
  type WorkItemEvent,
  type WorkItemInput,
  type WorkItemPatch,
} from './items.ts';
import {
  appendEvent,
  findByIdempotencyKey,
  findItem,
  type ItemFilter,
  type ItemRow,
  insertItem,
  itemEvents,
  listItems,
  lockItem,
  writeItem,
} from './repository.ts';
import { nextStatus, TRANSITIONS, type WorkItemStatus } from './state-machine.ts';
import { findWorkType, type WorkType } from './work-types.ts';

/**
 * Work items: creation from source systems (idempotent, validated against the work type), reads scoped to
 * the actor's divisions, updates while the item is open, and every lifecycle action of the state machine —
 * each change and its event (and its callback message, when the work type asks for one) in one transaction.
 */

export interface BulkResult {
  index: number;
  outcome: 'created' | 'existing' | 'rejected';
  item?: WorkItem;
  problems?: Problem[];
}

type Trx = Transaction<OperationalSchema>;

export class WorkService {
  readonly ctx: WorkContext;

  constructor(options: {
    db: Kysely<OperationalSchema>;
    defaultDivision: string;
    now?: () => Date;
    /** With privacy.pseudonymize: customer keys are stored pseudonymized, as imported data is. */
    pseudonymizer?: Pseudonymizer | null;
  }) {
    this.ctx = {
      db: options.db,
      defaultDivision: options.defaultDivision,
      now: options.now ?? (() => new Date()),
    };
    this.pseudonymizer = options.pseudonymizer ?? null;
  }

  private readonly pseudonymizer: Pseudonymizer | null;

  /** A customer key as stored: normalized like the journey's identifiers (and pseudonymized when on). */
  customerKey(key: string): string {
    return storedCustomerKey(key, this.pseudonymizer);
  }

  /**
   * Creates an item, or with an Idempotency-Key already used for the same request returns the item made
   * then (`created: false`). WorkValidationError lists every problem by field; WorkConflictError when the
   * key was used for another request.
   */
  async createItem(
    input: WorkItemInput,
    options: { idempotencyKey?: string | undefined },
    actor: WorkActor,
  ): Promise<{ item: WorkItem; created: boolean }> {
    const { db } = this.ctx;
    const key = options.idempotencyKey ?? null;
    const source = input.sourceSystem ?? null;
    const hash = key === null ? null : requestHash(input);
    if (key !== null) {
      const existing = await findByIdempotencyKey(db, source, key);
      if (existing) return { item: replay(existing, key, hash, actor), created: false };
    }
    const { type, division, queueId, workbinId, attributes } = await this.checkNewItem(input, actor);
    const now = this.ctx.now();
    const at = now.toISOString();
    const status: WorkItemStatus = queueId || workbinId ? 'queued' : 'created';
    let last: WorkItemEvent | null = null;
    const result = await db.transaction().execute(async (trx) => {
      const row = await insertItem(trx, {
        id: randomUUID(),
        type_id: type.id,
        title: input.title,
        description: input.description ?? null,
        external_reference: input.externalReference ?? null,
        source_system: source,
        customer_key: input.customer ? this.customerKey(input.customer) : null,
        service_request: input.serviceRequest ?? null,
        priority: input.priority ?? type.priority,
        base_priority: input.priority ?? type.priority,
        due_at: input.dueAt
          ? new Date(input.dueAt).toISOString()
          : type.slaSeconds
            ? new Date(now.getTime() + type.slaSeconds * 1000).toISOString()
            : null,
        status,
        queue_id: queueId,
        workbin_id: workbinId,
        required_skills: jsonb(input.requiredSkills ?? type.requiredSkills),
        language: input.language ?? null,
        attributes: jsonb(attributes),
        division_id: division,
        idempotency_key: key,
        request_hash: hash,
        created_by: actor.id,
        created_at: at,
        updated_at: at,
        queued_at: status === 'queued' ? at : null,
      });
      if (!row) {
        // A concurrent request with the same key committed first.
        const existing = await findByIdempotencyKey(trx, source, key ?? '');
        if (!existing) throw new Error('work item insert did nothing, yet no item has its idempotency key');
        return { item: replay(existing, key ?? '', hash, actor), created: false };
      }
      const event = { at, actor: actor.id };
      const created = await appendEvent(
        trx,
        { ...row, status: 'created', queue_id: null, assignee_id: null },
        {
          ...event,
          name: 'Work Item Created',
          action: 'create',
          details: {
            typeId: row.type_id,
            priority: row.priority,
            dueAt: row.due_at,
            sourceSystem: row.source_system,
            externalReference: row.external_reference,
          },
        },
      );
      const queued =
        status === 'queued'
          ? await appendEvent(trx, row, {
              ...event,
              name: TRANSITIONS.queue.event,
              action: 'queue',
              details: { queueId, workbinId },
            })
          : null;
      last = toWorkItemEvent(queued ?? created);
      return { item: toWorkItem(row), created: true };
    });
    if (last) this.changed({ item: result.item, event: last });
    return result;
  }

  /** Creates each item on its own: the valid ones land, the others are answered with their problems. */
  async createItems(inputs: readonly unknown[], actor: WorkActor): Promise<BulkResult[]> {
    const results: BulkResult[] = [];
    for (const [index, raw] of inputs.entries()) {
      const parsed = bulkItemSchema.safeParse(raw);
      if (!parsed.success) {
        const problems = parsed.error.issues.map((issue) => ({
          field: issue.path.join('.') || '(item)',
          message: issue.message,
        }));
        results.push({ index, outcome: 'rejected', problems });
        continue;
      }
      const { idempotencyKey, ...input } = parsed.data;
      try {
        const { item, created } = await this.createItem(input, { idempotencyKey }, actor);
        results.push({ index, outcome: created ? 'created' : 'existing', item });
      } catch (error) {
        if (error instanceof WorkValidationError)
          results.push({ index, outcome: 'rejected', problems: [...error.problems] });
        else if (error instanceof WorkConflictError)
          results.push({
            index,
            outcome: 'rejected',
            problems: [{ field: 'idempotencyKey', message: error.message }],
          });
        else throw error;
      }
    }
    return results;
  }

  async getItem(id: string, actor: WorkActor): Promise<WorkItem> {
    return toWorkItem(visible(await findItem(this.ctx.db, id), id, actor));
  }

  async listItems(filter: ItemFilter, actor: WorkActor): Promise<{ items: WorkItem[]; total: number }> {
    const customer = filter.customer ? this.customerKey(filter.customer) : undefined;
    const { rows, total } = await listItems(this.ctx.db, { ...filter, customer }, actor);
    return { items: rows.map(toWorkItem), total };
  }

  /** An item's events, in order. */
  async itemEvents(id: string, actor: WorkActor): Promise<WorkItemEvent[]> {
    visible(await findItem(this.ctx.db, id), id, actor);
    return (await itemEvents(this.ctx.db, id)).map(toWorkItemEvent);
  }

  /** Changes an open item's title, description, priority, due date or attributes (merged; null removes). */
  async updateItem(id: string, patch: WorkItemPatch, actor: WorkActor): Promise<WorkItem> {
    const result = await this.ctx.db.transaction().execute(async (trx) => {
      const row = visible(await lockItem(trx, id), id, actor);
      checkVersion(row, patch.expectedVersion);
      nextStatus(row.status as WorkItemStatus, 'update');
      const type = await typeOf(trx, row);
      const set: Change['set'] = {};
      const details: Record<string, unknown> = {};
      if (patch.title !== undefined && patch.title !== row.title) {
        set.title = patch.title;
        details.title = patch.title;
      }
      if (patch.description !== undefined && patch.description !== row.description) {
        set.description = patch.description;
        details.description = patch.description;
      }
      if (patch.priority !== undefined && patch.priority !== row.priority) {
        // A priority set by hand is also where re-prioritization starts from.
        set.priority = patch.priority;
        set.base_priority = patch.priority;
        details.priority = patch.priority;
      }
      const dueAt = patch.dueAt ? new Date(patch.dueAt).toISOString() : patch.dueAt;
      if (dueAt !== undefined && dueAt !== row.due_at) {
        set.due_at = dueAt;
        details.dueAt = dueAt;
      }
      if (patch.attributes !== undefined) {
        const merged = { ...(row.attributes as Record<string, unknown>), ...patch.attributes };
        const { value, problems } = validateAttributes(type.attributeSchema, merged);
        assertNoProblems(problems);
        if (JSON.stringify(value) !== JSON.stringify(row.attributes)) {
          set.attributes = jsonb(value);
          details.attributes = patch.attributes;
        }
      }
      if (Object.keys(set).length === 0) return toWorkItem(row);
      const at = this.ctx.now().toISOString();
      const updated = await writeItem(trx, row, { ...set, updated_at: at });
      const event = await appendEvent(trx, updated, {
        name: TRANSITIONS.update.event,
        action: 'update',
        at,
        actor: actor.id,
        details,
      });
      await enqueueCallback(trx, type, 'update', updated, event.seq, at);
      return { item: toWorkItem(updated), event: toWorkItemEvent(event) };
    });
    if ('event' in result) this.changed(result);
    return 'event' in result ? result.item : result;
  }

  /**
   * Applies a lifecycle action. TransitionRefusedError (409) when the item's status does not allow it,
   * WorkConflictError on a stale expectedVersion or an agent at capacity, WorkValidationError on missing
   * or unknown parameters.
   */
  async transition(
    id: string,
    command: TransitionCommand,
    actor: WorkActor,
  ): Promise<{ item: WorkItem; event: WorkItemEvent }> {
    return this.apply(id, command, actor, null);
  }

  /**
   * Push routing's offer: assigns the item to the agent (as `assign`, within their capacity) and records
   * until when they may accept it (`start`) before it is declined for them (src/work/engine.ts).
   */
  async offer(
    id: string,
    command: { agentId: string; expectedVersion: number; expiresAt: string },
    actor: WorkActor,
  ): Promise<{ item: WorkItem; event: WorkItemEvent }> {
    const { agentId, expectedVersion, expiresAt } = command;
    return this.apply(id, { action: 'assign', agentId, expectedVersion }, actor, { expiresAt });
  }

  /**
   * A no-agent rule that changes the item in place (raise its base priority, alert a supervisor), applied
   * once while the item still waits in `queueId`: one "Work Item Escalated" event naming the rule (none for
   * a raise the bound makes a no-op). False when the item left the queue or the rule was applied already.
   */
  async applyNoAgentRule(
    id: string,
    queueId: string,
    rule:
      | { kind: 'raise-priority'; from: number; to: number }
      | { kind: 'alert-supervisor'; supervisorId: string | null },
    actor: WorkActor,
  ): Promise<boolean> {
    const done = await this.ctx.db.transaction().execute(async (trx) => {
      const row = await lockItem(trx, id);
      const applied = (row?.no_agent_applied ?? []) as string[];
      if (row?.status !== 'queued' || row.queue_id !== queueId || applied.includes(rule.kind)) return null;
      const at = this.ctx.now().toISOString();
      const set: Change['set'] = { no_agent_applied: jsonb([...applied, rule.kind]) };
      if (rule.kind === 'raise-priority') {
        set.base_priority = rule.to;
        set.priority = Math.max(row.priority + rule.to - row.base_priority, rule.to);
      }
      const updated = await writeItem(trx, row, set);
      if (rule.kind === 'raise-priority' && rule.to === row.base_priority) return null;
      const event = await appendEvent(trx, updated, {
        name: TRANSITIONS.escalate.event,
        action: 'escalate',
        at,
        actor: actor.id,
        details: { rule: rule.kind, queueId, ...rule },
      });
      return { item: toWorkItem(updated), event: toWorkItemEvent(event) };
    });
    if (done) this.changed(done);
    return done !== null;
  }

  /** Called after each committed change of an item (the routing engine, the live streams). */
  onChange(listener: (change: { item: WorkItem; event: WorkItemEvent }) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private readonly listeners = new Set<(change: { item: WorkItem; event: WorkItemEvent }) => void>();

  private changed(change: { item: WorkItem; event: WorkItemEvent }): void {
    for (const listener of this.listeners) listener(change);
  }

  private async apply(
    id: string,
    command: TransitionCommand,
    actor: WorkActor,
    offer: { expiresAt: string } | null,
  ): Promise<{ item: WorkItem; event: WorkItemEvent }> {
    const { action } = command;
    checkParameters(command, action);
    const agentId = command.agentId ?? (action === 'claim' ? await this.agentOf(actor) : undefined);
    const result = await this.ctx.db.transaction().execute(async (trx) => {
      const row = visible(await lockItem(trx, id), id, actor);
      checkVersion(row, command.expectedVersion);
      const to = nextStatus(row.status as WorkItemStatus, action);
      const type = await typeOf(trx, row);
      const at = this.ctx.now().toISOString();
      const change = await changeFor(trx, { row, type, command: { ...command, agentId }, at });
      const updated = await writeItem(trx, row, {
        ...change.set,
        ...offerChange(row, action, at, offer),
        status: to,
        waiting_status: to === 'waiting' ? command.waitingStatus : null,
        updated_at: at,
      });
      const event = await appendEvent(trx, updated, {
        name: TRANSITIONS[action].event,
        action,
        at,
        actor: actor.id,
        details: {
          ...change.details,
          ...(offer ? { offer: true, expiresAt: offer.expiresAt } : {}),
          ...(command.reason ? { reason: command.reason } : {}),
        },
      });
      await enqueueCallback(trx, type, action, updated, event.seq, at);
      return { item: toWorkItem(updated), event: toWorkItemEvent(event) };
    });
    this.changed(result);
    return result;
  }

  /** The agent the actor is (claiming for oneself); a problem on agentId when they are none. */
  private async agentOf(actor: WorkActor): Promise<string> {
    const agent = await agentOfUser(this.ctx, actor.id);
    if (!agent)
      throw new WorkValidationError([
        { field: 'agentId', message: 'you are not an agent: name the agent who claims' },
      ]);
    return agent.id;
  }

  /** The work type, division, queue, workbin and stored attributes of a new item; every problem at once. */
  private async checkNewItem(input: WorkItemInput, actor: WorkActor) {
    const type = await findWorkType(this.ctx.db, input.typeId);
    if (!type || !sees(actor, type.divisionId))
      throw new WorkValidationError([{ field: 'typeId', message: `no work type "${input.typeId}"` }]);
    const problems: Problem[] = [];
    const division = input.divisionId ?? type.divisionId;
    if (!sees(actor, division))
      problems.push({ field: 'divisionId', message: `division "${division}" is not one of yours` });
    problems.push(
      ...(await missingReferences(this.ctx.db, [
        { field: 'queueId', kind: 'queue', id: input.queueId },
        { field: 'workbinId', kind: 'workbin', id: input.workbinId },
      ])),
    );
    const attributes = validateAttributes(type.attributeSchema, input.attributes);
    problems.push(...attributes.problems);
    assertNoProblems(problems);
    return {
      type,
      division,
      queueId: input.queueId ?? type.defaultQueueId,
      workbinId: input.workbinId ?? type.defaultWorkbinId,
      attributes: attributes.value,
    };
  }
}

/** The row when it exists and the actor sees its division; otherwise not found (never "forbidden"). */
function visible(row: ItemRow | undefined, id: string, actor: WorkActor): ItemRow {
  if (!row || !sees(actor, row.division_id)) throw new WorkNotFoundError(`no work item ${id}`);
  return row;
}

function checkVersion(row: ItemRow, expected: number | undefined): void {
  if (expected !== undefined && expected !== row.version)
    throw new WorkConflictError(
      `work item ${row.id} is at version ${row.version}, not ${expected}: it changed since it was read`,
      row.version,
    );
}

/**
 * Push routing's offer columns: set by an offer, cleared by every other action (an assignment by hand is
 * not an offer); a decline adds the agent to the item's declined set, a new place (move, escalate) empties it.
 */
function offerChange(
  row: ItemRow,
  action: TransitionCommand['action'],
  at: string,
  offer: { expiresAt: string } | null,
): Change['set'] {
  const set: Change['set'] = offer
    ? { offered_at: at, offer_expires_at: offer.expiresAt }
    : { offered_at: null, offer_expires_at: null };
  const declined = row.declined_by as string[];
  if (action === 'decline' && row.assignee_id && !declined.includes(row.assignee_id))
    set.declined_by = jsonb([...declined, row.assignee_id]);
  if (action === 'move' || action === 'escalate') set.declined_by = jsonb([]);
  return set;
}

/** A retried creation: the same request gets its item back, another request a conflict. */
function replay(existing: ItemRow, key: string, hash: string | null, actor: WorkActor): WorkItem {
  if (existing.request_hash !== hash || !sees(actor, existing.division_id))
    throw new WorkConflictError(
      `Idempotency-Key "${key}" was already used for another request${sees(actor, existing.division_id) ? ` (work item ${existing.id})` : ''}`,
    );
  return toWorkItem(existing);
}

async function typeOf(trx: Trx, row: ItemRow): Promise<WorkType> {
  const type = await findWorkType(trx, row.type_id);
  if (!type) throw new Error(`work item ${row.id} has no work type ${row.type_id}`);
  return type;
}
