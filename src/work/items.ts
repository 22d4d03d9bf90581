import type { Selectable } from 'kysely';
import { z } from 'zod';
import { parseKey } from '../journey/index.ts';
import { journeyKeysOf, type Pseudonymizer, storedIdentity } from '../privacy/index.ts';
import type { OperationalSchema } from '../store/index.ts';
import { type RequiredSkill, requiredSkillSchema } from './agents.ts';
import { type Attributes, attributeValueSchema } from './attributes.ts';
import { definitionIdSchema } from './definitions.ts';
import type { WorkItem } from './shapes.ts';
import {
  allowedTransitions,
  LIFECYCLE_ACTIONS,
  type WorkAction,
  type WorkEventName,
  type WorkItemStatus,
} from './state-machine.ts';

/**
 * Work items as the API takes and gives them: the creation request (validated again against the work
 * type by the service), the changes an update may make, the lifecycle command, and the item and event
 * shapes read back from work_items / work_item_events.
 */

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
const instant = z.iso.datetime({
  offset: true,
  error: 'must be an ISO-8601 date-time with a zone (e.g. 2026-10-31T08:30:00Z)',
});

export const workItemInputSchema = z.strictObject({
  typeId: definitionIdSchema.describe('the work type: defaults, attribute schema, statuses'),
  title: text(500),
  description: z.string().max(20_000).optional(),
  externalReference: text(500).optional().describe('the item’s id in the source system'),
  sourceSystem: text(200).optional().describe('e.g. crm; Idempotency-Keys are unique per source system'),
  customer: text(500)
    .refine(
      (key) => parseKey(key) !== null,
      'must be an identifier key: contact:…, phone:…, email:… or messaging:…',
    )
    .optional()
    .describe('the customer’s identifier key, e.g. phone:+33612345678'),
  serviceRequest: text(200).optional().describe('the case (SR-YYYYMMDD-NNNNN) this work belongs to'),
  priority: z.number().int().min(0).max(1_000_000).optional().describe('default: the work type’s'),
  dueAt: instant.optional().describe('default: now + the work type’s SLA'),
  queueId: definitionIdSchema.optional().describe('default: the work type’s queue'),
  workbinId: definitionIdSchema.optional().describe('default: the work type’s workbin'),
  requiredSkills: z.array(requiredSkillSchema).max(50).optional().describe('default: the work type’s'),
  language: z.string().trim().min(2).max(35).optional(),
  attributes: z.record(z.string(), attributeValueSchema).default({}),
  divisionId: text(200).optional().describe('default: the work type’s division'),
});
export type WorkItemInput = z.infer<typeof workItemInputSchema>;

export const MAX_BULK_ITEMS = 1000;
export const bulkItemSchema = workItemInputSchema.extend({
  idempotencyKey: text(200).optional().describe('as the Idempotency-Key header of a single creation'),
});

export const workItemPatchSchema = z.strictObject({
  title: text(500).optional(),
  description: z.string().max(20_000).nullable().optional(),
  priority: z.number().int().min(0).max(1_000_000).optional(),
  dueAt: instant.nullable().optional(),
  attributes: z
    .record(z.string(), attributeValueSchema)
    .optional()
    .describe('merged into the item’s attributes; null removes one'),
  expectedVersion: z.number().int().positive().optional().describe('409 when the item has changed since'),
});
export type WorkItemPatch = z.infer<typeof workItemPatchSchema>;

/** A lifecycle command; which parameters an action needs is checked by the service (400 names them). */
export const transitionSchema = z.strictObject({
  action: z.enum(LIFECYCLE_ACTIONS),
  expectedVersion: z.number().int().positive().optional().describe('409 when the item has changed since'),
  agentId: definitionIdSchema.optional().describe('assign, claim (default for claim: the caller’s agent)'),
  queueId: definitionIdSchema.optional().describe('queue, move, escalate'),
  workbinId: definitionIdSchema.optional().describe('queue, move, escalate'),
  waitingStatus: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe('wait: one of the work type’s waitingStatuses'),
  reason: z.string().trim().min(1).max(2000).optional().describe('kept in the event'),
});
export type TransitionCommand = z.infer<typeof transitionSchema>;

export type { WorkItem } from './shapes.ts';

export const toWorkItem = (row: Selectable<OperationalSchema['work_items']>): WorkItem => {
  const status = row.status as WorkItemStatus;
  return {
    id: row.id,
    typeId: row.type_id,
    title: row.title,
    description: row.description,
    externalReference: row.external_reference,
    sourceSystem: row.source_system,
    customer: row.customer_key,
    serviceRequest: row.service_request,
    priority: row.priority,
    basePriority: row.base_priority,
    dueAt: row.due_at,
    status,
    waitingStatus: row.waiting_status,
    assigneeId: row.assignee_id,
    queueId: row.queue_id,
    workbinId: row.workbin_id,
    requiredSkills: row.required_skills as RequiredSkill[],
    language: row.language,
    attributes: row.attributes as Attributes,
    divisionId: row.division_id,
    version: row.version,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    queuedAt: row.queued_at,
    assignedAt: row.assigned_at,
    endedAt: row.ended_at,
    escalatedAt: row.escalated_at,
    allowedActions: allowedTransitions(status),
  };
};

export interface WorkItemEvent {
  id: number;
  itemId: string;
  /** 1, 2, … per item. */
  seq: number;
  name: WorkEventName;
  action: WorkAction | 'create';
  /** The item's status, queue and agent after the event. */
  status: WorkItemStatus;
  queueId: string | null;
  assigneeId: string | null;
  at: string;
  actor: string;
  details: Record<string, unknown>;
}

export const toWorkItemEvent = (row: Selectable<OperationalSchema['work_item_events']>): WorkItemEvent => ({
  id: row.id,
  itemId: row.item_id,
  seq: row.seq,
  name: row.name as WorkEventName,
  action: row.action as WorkAction | 'create',
  status: row.status as WorkItemStatus,
  queueId: row.queue_id,
  assigneeId: row.assignee_id,
  at: row.at,
  actor: row.actor,
  details: row.details as Record<string, unknown>,
});

/**
 * A customer key as work items store it: the journey's form of the identifier (`phone:+33 6 12 34 56 78` →
 * `phone:+33612345678`, e-mail addresses lower-cased), pseudonymized when the data is, so that the journey
 * and erasure find the item by the customer's keys.
 */
export function storedCustomerKey(key: string, pseudonymizer: Pseudonymizer | null): string {
  return journeyKeysOf(storedIdentity(key, pseudonymizer))[0] ?? key.trim();
}
