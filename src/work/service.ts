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
import { isForeignKeyViolation, jsonb } from './db.ts';
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
  type EventRow,
  findByIdempotencyKey,
  findItem,
  type ItemFilter,
  type ItemRow,
  insertItems,
  itemEvents,
  listItems,
  lockItem,
  lockItemWithType,
  type NewItemEvent,
  type NewItemRows,
  writeItem,
  writeItemWithEvent,
} from './repository.ts';
import { ACTIVE_STATUSES, nextStatus, TRANSITIONS, type WorkItemStatus } from './state-machine.ts';
import { findWorkType, type WorkType, workTypeFromJson } from './work-types.ts';

/**
 * Work items: creation from source systems (idempotent, validated against the work type), reads scoped to
 * the actor's divisions, updates while the item is open, and every lifecycle action of the state machine —
 * each change and its event (and its callback message, when the work type asks for one) in one transaction.
 */

/** How many items of a bulk creation go in one statement. */
const BULK_CHUNK = 500;

/** A new item ready to insert, with what its idempotency needs. */
interface NewItem {
  input: WorkItemInput;
  key: string | null;
  source: string | null;
  hash: string | null;
  rows: NewItemRows;
}

/** A committed change of an item, as the listeners get it. */
export interface WorkChange {
  item: WorkItem;
  event: WorkItemEvent;
  /** The agent the change took the item from (it counted against their capacity and no longer does). */
  freedAgentId?: string | null;
  /** The agent the change gave the item to (it counts against their capacity from now on). */
  heldAgentId?: string | null;
  /** The agents who declined the item where it waits (push routing offers it to none of them again). */
  declinedBy: readonly string[];
}

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
    const prepared = await this.prepare(input, options.idempotencyKey ?? null, actor);
    if ('item' in prepared) return prepared;
    const written = await insertItems(this.ctx.db, [prepared.rows]).catch(async (error: unknown) => {
      // The work type, queue or workbin (the type's defaults included) deleted since it was read.
      if (isForeignKeyViolation(error)) assertNoProblems(await this.missingDefinitions(prepared.rows));
      throw error;
    });
    return this.landed(prepared, written, actor);
  }

  /**
   * Creates the items of a batch: the valid ones land (in statements of BULK_CHUNK items), the others are
   * answered with their problems, by index.
   */
  async createItems(inputs: readonly unknown[], actor: WorkActor): Promise<BulkResult[]> {
    const results: BulkResult[] = [];
    const ready: { index: number; item: NewItem }[] = [];
    const types = new Map<string, Promise<WorkType | undefined>>();
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
      const outcome = await settle(() => this.prepare(input, idempotencyKey ?? null, actor, types));
      if ('problems' in outcome) results.push({ index, outcome: 'rejected', problems: outcome.problems });
      else if ('item' in outcome.value)
        results.push({ index, outcome: 'existing', item: outcome.value.item });
      else ready.push({ index, item: outcome.value });
    }
    for (let start = 0; start < ready.length; start += BULK_CHUNK) {
      const chunk = ready.slice(start, start + BULK_CHUNK);
      const written = await insertItems(
        this.ctx.db,
        chunk.map(({ item }) => item.rows),
      ).catch((error: unknown) => {
        // A definition deleted meanwhile: each item of the chunk on its own, with its own problems.
        if (isForeignKeyViolation(error)) return null;
        throw error;
      });
      for (const { index, item } of chunk) {
        const outcome = await settle(() =>
          written
            ? this.landed(item, written, actor)
            : this.createItem(item.input, { idempotencyKey: item.key ?? undefined }, actor),
        );
        if ('problems' in outcome) results.push({ index, outcome: 'rejected', problems: outcome.problems });
        else
          results.push({
            index,
            outcome: outcome.value.created ? 'created' : 'existing',
            item: outcome.value.item,
          });
      }
    }
    return results.sort((a, b) => a.index - b.index);
  }

  /**
   * A new item's rows, or — its Idempotency-Key already used — the item made then (a retry of the same
   * request meets its key at the insert, or here when the request no longer validates).
   */
  private async prepare(
    input: WorkItemInput,
    key: string | null,
    actor: WorkActor,
    types?: Map<string, Promise<WorkType | undefined>>,
  ): Promise<NewItem | { item: WorkItem; created: false }> {
    const source = input.sourceSystem ?? null;
    const hash = key === null ? null : requestHash(input);
    let checked: Awaited<ReturnType<WorkService['checkNewItem']>>;
    try {
      checked = await this.checkNewItem(input, actor, types);
    } catch (error) {
      const first =
        error instanceof WorkValidationError && key !== null
          ? await findByIdempotencyKey(this.ctx.db, source, key)
          : undefined;
      if (first) return { item: replay(first, key ?? '', hash, actor), created: false };
      throw error;
    }
    const { type, division, queueId, workbinId, attributes } = checked;
    const now = this.ctx.now();
    const at = now.toISOString();
    const status: WorkItemStatus = queueId || workbinId ? 'queued' : 'created';
    const priority = input.priority ?? type.priority;
    const dueAt = input.dueAt
      ? new Date(input.dueAt).toISOString()
      : type.slaSeconds
        ? new Date(now.getTime() + type.slaSeconds * 1000).toISOString()
        : null;
    const event = { at, actor: actor.id };
    const events: NewItemEvent[] = [
      {
        ...event,
        name: 'Work Item Created',
        action: 'create',
        status: 'created',
        queue_id: null,
        assignee_id: null,
        details: {
          typeId: type.id,
          priority,
          dueAt,
          sourceSystem: source,
          externalReference: input.externalReference ?? null,
        },
      },
    ];
    if (status === 'queued')
      events.push({
        ...event,
        name: TRANSITIONS.queue.event,
        action: 'queue',
        status,
        queue_id: queueId,
        assignee_id: null,
        details: { queueId, workbinId },
      });
    const values = {
      id: randomUUID(),
      type_id: type.id,
      title: input.title,
      description: input.description ?? null,
      external_reference: input.externalReference ?? null,
      source_system: source,
      customer_key: input.customer ? this.customerKey(input.customer) : null,
      service_request: input.serviceRequest ?? null,
      priority,
      base_priority: priority,
      due_at: dueAt,
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
    };
    return { input, key, source, hash, rows: { values, events } };
  }

  /** The item written, announced; or, its key taken, the item made with it first. */
  private async landed(
    prepared: NewItem,
    written: ReadonlyMap<string, { row: ItemRow; events: EventRow[] }>,
    actor: WorkActor,
  ): Promise<{ item: WorkItem; created: boolean }> {
    const mine = written.get(prepared.rows.values.id);
    const { key, source, hash } = prepared;
    if (!mine) {
      const first = key === null ? undefined : await findByIdempotencyKey(this.ctx.db, source, key);
      if (!first) throw new Error('work item insert did nothing, yet no item has its idempotency key');
      return { item: replay(first, key ?? '', hash, actor), created: false };
    }
    const item = toWorkItem(mine.row);
    const last = mine.events.at(-1);
    if (last) this.changed({ item, event: toWorkItemEvent(last), declinedBy: [] });
    return { item, created: true };
  }

  /** Why an insert met a foreign-key violation: its work type, queue or workbin is gone. */
  private async missingDefinitions({ values }: NewItemRows): Promise<Problem[]> {
    if (!(await findWorkType(this.ctx.db, values.type_id)))
      return [{ field: 'typeId', message: `no work type "${values.type_id}"` }];
    return this.missingPlaces({ queueId: values.queue_id, workbinId: values.workbin_id });
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
      const { row, type } = await lockWithType(trx, id, actor);
      checkVersion(row, patch.expectedVersion);
      nextStatus(row.status as WorkItemStatus, 'update');
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
      const { row: updated, event } = await writeItemWithEvent(
        trx,
        row,
        { ...set, updated_at: at },
        { name: TRANSITIONS.update.event, action: 'update', at, actor: actor.id, details },
      );
      await enqueueCallback(trx, type, 'update', updated, event.seq, at);
      return {
        item: toWorkItem(updated),
        event: toWorkItemEvent(event),
        declinedBy: updated.declined_by as string[],
      };
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
      return {
        item: toWorkItem(updated),
        event: toWorkItemEvent(event),
        declinedBy: updated.declined_by as string[],
      };
    });
    if (done) this.changed(done);
    return done !== null;
  }

  /** Called after each committed change of an item (the routing engine, the live streams). */
  onChange(listener: (change: WorkChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private readonly listeners = new Set<(change: WorkChange) => void>();

  private changed(change: WorkChange): void {
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
      const { row, type } = await lockWithType(trx, id, actor);
      checkVersion(row, command.expectedVersion);
      const to = nextStatus(row.status as WorkItemStatus, action);
      const at = this.ctx.now().toISOString();
      const change = await changeFor(trx, {
        row,
        type,
        command: { ...command, agentId },
        at,
        offer: offer !== null,
      });
      const { row: updated, event } = await writeItemWithEvent(
        trx,
        row,
        {
          ...change.set,
          ...offerChange(row, action, at, offer),
          status: to,
          waiting_status: to === 'waiting' ? command.waitingStatus : null,
          updated_at: at,
        },
        {
          name: TRANSITIONS[action].event,
          action,
          at,
          actor: actor.id,
          details: {
            ...change.details,
            ...(offer ? { offer: true, expiresAt: offer.expiresAt } : {}),
            ...(command.reason ? { reason: command.reason } : {}),
          },
        },
      );
      await enqueueCallback(trx, type, action, updated, event.seq, at);
      const held = (r: ItemRow) =>
        r.assignee_id !== null && ACTIVE_STATUSES.includes(r.status as WorkItemStatus);
      const same = held(row) && held(updated) && updated.assignee_id === row.assignee_id;
      return {
        item: toWorkItem(updated),
        event: toWorkItemEvent(event),
        freedAgentId: held(row) && !same ? row.assignee_id : null,
        heldAgentId: held(updated) && !same ? updated.assignee_id : null,
        declinedBy: updated.declined_by as string[],
      };
    });
    const { freedAgentId, heldAgentId, declinedBy, ...change } = result;
    this.changed({ ...change, freedAgentId, heldAgentId, declinedBy });
    return change;
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

  private missingPlaces(input: { queueId?: string | null; workbinId?: string | null }): Promise<Problem[]> {
    return missingReferences(this.ctx.db, [
      { field: 'queueId', kind: 'queue', id: input.queueId },
      { field: 'workbinId', kind: 'workbin', id: input.workbinId },
    ]);
  }

  /** The work type, division, queue, workbin and stored attributes of a new item; every problem at once. */
  private async checkNewItem(
    input: WorkItemInput,
    actor: WorkActor,
    types?: Map<string, Promise<WorkType | undefined>>,
  ) {
    let lookup = types?.get(input.typeId);
    if (!lookup) {
      lookup = findWorkType(this.ctx.db, input.typeId);
      types?.set(input.typeId, lookup);
    }
    const type = await lookup;
    if (!type || !sees(actor, type.divisionId))
      throw new WorkValidationError([{ field: 'typeId', message: `no work type "${input.typeId}"` }]);
    const problems: Problem[] = [];
    const division = input.divisionId ?? type.divisionId;
    if (!sees(actor, division))
      problems.push({ field: 'divisionId', message: `division "${division}" is not one of yours` });
    const attributes = validateAttributes(type.attributeSchema, input.attributes);
    problems.push(...attributes.problems);
    // Every problem at once; when there is none, the insert checks the queue and workbin (foreign keys).
    if (problems.length > 0) problems.push(...(await this.missingPlaces(input)));
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

/** Locks the item (visible to the actor) and reads its work type, in one statement. */
async function lockWithType(
  trx: Trx,
  id: string,
  actor: WorkActor,
): Promise<{ row: ItemRow; type: WorkType }> {
  const locked = await lockItemWithType(trx, id);
  const row = visible(locked?.row, id, actor);
  return { row, type: workTypeFromJson((locked as NonNullable<typeof locked>).type) };
}

/** The value, or the problems a creation was refused with (validation, or a key used for another request). */
async function settle<T>(run: () => Promise<T>): Promise<{ value: T } | { problems: Problem[] }> {
  try {
    return { value: await run() };
  } catch (error) {
    if (error instanceof WorkValidationError) return { problems: [...error.problems] };
    if (error instanceof WorkConflictError)
      return { problems: [{ field: 'idempotencyKey', message: error.message }] };
    throw error;
  }
}
