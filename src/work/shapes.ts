/**
 * The shapes of the work automation API's answers (src/server/routes/work.ts) and the value lists they
 * use, in a module that imports nothing at run time: the server's mappers return these types and the
 * dashboard (web/src/work.ts) reads them, so the two cannot drift apart.
 */
import type { WorkAction, WorkItemStatus } from './state-machine.ts';

export const MEDIA_TYPES = ['voice', 'callback', 'chat', 'email', 'message', 'workitem'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];
export const PRESENCES = ['available', 'busy', 'away', 'offline'] as const;
export type AgentPresence = (typeof PRESENCES)[number];
export const ROUTING_METHODS = ['push', 'pull'] as const;
export type RoutingMethod = (typeof ROUTING_METHODS)[number];
export const WORKBIN_OWNER_KINDS = ['queue', 'team', 'supervisor'] as const;
export type WorkbinOwnerKind = (typeof WORKBIN_OWNER_KINDS)[number];
export const ATTRIBUTE_TYPES = ['string', 'number', 'boolean', 'date'] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

export type AttributeValue = string | number | boolean | null;
export type Attributes = Record<string, AttributeValue>;

export interface RequiredSkill {
  skill: string;
  minProficiency?: number | undefined;
}

export interface AttributeField {
  type: AttributeType;
  required?: boolean | undefined;
  enum?: (string | number)[] | undefined;
}

export type SlaEscalation =
  | { kind: 'reassign-group'; groupId: string }
  | { kind: 'supervisor-workbin'; workbinId: string };

export interface SlaPolicy {
  thresholdPercent: number;
  escalation: SlaEscalation;
}

export interface NoAgentRules {
  raisePriority: { afterSeconds: number; by: number; max: number } | null;
  moveToQueue: { afterSeconds: number; queueId: string } | null;
  alertSupervisor: { afterSeconds: number; supervisorId: string | null } | null;
}

export interface Callback {
  url: string;
  secretEnv?: string | undefined;
  transitions: WorkAction[];
}

interface Stamps {
  createdAt: string;
  updatedAt: string;
}

export interface WorkType extends Stamps {
  id: string;
  name: string;
  description: string | null;
  divisionId: string;
  defaultQueueId: string | null;
  defaultWorkbinId: string | null;
  priority: number;
  slaSeconds: number | null;
  requiredSkills: RequiredSkill[];
  attributeSchema: Record<string, AttributeField>;
  waitingStatuses: string[];
  slaEscalation: SlaPolicy | null;
  callback: Callback | null;
}

export interface WorkQueue extends Stamps {
  id: string;
  name: string;
  divisionId: string;
  routingMethod: RoutingMethod;
  escalation: { noAgent: NoAgentRules; sla: SlaPolicy | null };
}

export interface Workbin extends Stamps {
  id: string;
  name: string;
  divisionId: string;
  ownerKind: WorkbinOwnerKind;
  ownerId: string;
}

export interface Agent extends Stamps {
  id: string;
  userId: string | null;
  externalAgentId: string | null;
  name: string;
  divisionId: string;
  skills: Record<string, number>;
  languages: string[];
  capacity: Partial<Record<MediaType, number>>;
  queues: string[];
  teams: string[];
  presence: AgentPresence;
  lastIdleAt: string | null;
}

export interface WorkItem extends Stamps {
  id: string;
  typeId: string;
  title: string;
  description: string | null;
  externalReference: string | null;
  sourceSystem: string | null;
  customer: string | null;
  serviceRequest: string | null;
  priority: number;
  /** What re-prioritization starts from (the no-agent rules raise it). */
  basePriority: number;
  dueAt: string | null;
  status: WorkItemStatus;
  waitingStatus: string | null;
  assigneeId: string | null;
  queueId: string | null;
  workbinId: string | null;
  requiredSkills: RequiredSkill[];
  language: string | null;
  attributes: Attributes;
  divisionId: string;
  version: number;
  createdBy: string;
  queuedAt: string | null;
  assignedAt: string | null;
  endedAt: string | null;
  escalatedAt: string | null;
  allowedActions: WorkAction[];
}
