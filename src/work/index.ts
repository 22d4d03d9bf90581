/**
 * Work automation (README "Work automation"): work types, queues, workbins and agents; work items created
 * idempotently by source systems and moved through an explicit lifecycle, each change recorded as an
 * event in the same transaction. Routing decisions live in ./routing/.
 */
export { sees, systemActor, type WorkActor } from './actor.ts';
export {
  type Agent,
  type AgentFields,
  type AgentInput,
  type AgentPresence,
  agentFieldsSchema,
  agentInputSchema,
  agentOfUser,
  createAgent,
  deleteAgent,
  getAgent,
  listAgents,
  MEDIA_TYPES,
  PRESENCES,
  type RequiredSkill,
  replaceAgent,
  requiredSkillSchema,
  setPresence,
} from './agents.ts';
export {
  ATTRIBUTE_TYPES,
  type AttributeSchema,
  type Attributes,
  type AttributeValue,
  attributeSchemaSchema,
  attributeValueSchema,
  type Problem,
  validateAttributes,
} from './attributes.ts';
export { CALLBACK_TOPIC } from './callbacks.ts';
export type { WorkContext } from './context.ts';
export { WorkConflictError, WorkNotFoundError, WorkValidationError } from './errors.ts';
export { type EventCursor, eventsAfter } from './events.ts';
export {
  bulkItemSchema,
  MAX_BULK_ITEMS,
  type TransitionCommand,
  transitionSchema,
  type WorkItem,
  type WorkItemEvent,
  type WorkItemInput,
  type WorkItemPatch,
  workItemInputSchema,
  workItemPatchSchema,
} from './items.ts';
export {
  createQueue,
  deleteQueue,
  type EscalationRules,
  escalationRulesSchema,
  getQueue,
  listQueues,
  type QueueFields,
  type QueueInput,
  queueFieldsSchema,
  queueInputSchema,
  ROUTING_METHODS,
  replaceQueue,
  type WorkQueue,
} from './queues.ts';
export { type ItemFilter, LIST_ORDERS, type ListOrder } from './repository.ts';
export { type SlaPolicy, slaPolicySchema } from './routing/index.ts';
export { type BulkResult, WorkService } from './service.ts';
export {
  ACTIVE_STATUSES,
  allowedTransitions,
  FINAL_STATUSES,
  isFinal,
  LIFECYCLE_ACTIONS,
  type LifecycleAction,
  nextStatus,
  OPEN_STATUSES,
  TRANSITIONS,
  TransitionRefusedError,
  WORK_ACTIONS,
  WORK_EVENT_NAMES,
  WORK_ITEM_STATUSES,
  type WorkAction,
  type WorkEventName,
  type WorkItemStatus,
} from './state-machine.ts';
export {
  type Callback,
  callbackSchema,
  createWorkType,
  deleteWorkType,
  getWorkType,
  listWorkTypes,
  replaceWorkType,
  type WorkType,
  type WorkTypeFields,
  type WorkTypeInput,
  workTypeFieldsSchema,
  workTypeInputSchema,
} from './work-types.ts';
export {
  createWorkbin,
  deleteWorkbin,
  getWorkbin,
  listWorkbins,
  replaceWorkbin,
  WORKBIN_OWNER_KINDS,
  type Workbin,
  type WorkbinFields,
  type WorkbinInput,
  workbinFieldsSchema,
  workbinInputSchema,
} from './workbins.ts';
