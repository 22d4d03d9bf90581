export { ACTIVITIES, type ActivityName, activityLabel, activityOrder, type Lang } from './activities.ts';
export { ATTRIBUTES, type AttributeName, type EventLogRow } from './attributes.ts';
export { customerKey, normalizeAddress } from './customer-key.ts';
export {
  type Directory,
  type Grouping,
  groupConversations,
  requestType,
  resolvingPredicate,
  type ServiceRequestCase,
  type Survey,
} from './grouping.ts';
export { computeKpis, type KpiFigures, type Kpis } from './kpis.ts';
export type { ConversationFacts, DerivedEvent } from './types.ts';
