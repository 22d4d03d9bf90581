/** The 20 attributes of the event log, in the domain guide's order (also the CSV header). */
export const ATTRIBUTES = [
  'ServiceRequest',
  'ConversationId',
  'ActivityName',
  'EventTime',
  'EventEndTime',
  'Duration',
  'SourceSystem',
  'LastDataUpdate',
  'MediaType',
  'AgentId',
  'AgentName',
  'QueueName',
  'WrapUpCode',
  'ServiceRequestType',
  'CustomerSatisfactionScore',
  'SlaTargetResolutionTime',
  'ServiceResolutionTime',
  'IsSlaCompliant',
  'IsReopened',
  'IsFirstContactResolution',
] as const;

export type AttributeName = (typeof ATTRIBUTES)[number];

/** One row of the event log: event attributes plus the case attributes repeated. Times are ISO-8601 UTC. */
export interface EventLogRow {
  ServiceRequest: string;
  ConversationId: string | null;
  ActivityName: string;
  EventTime: string;
  EventEndTime: string;
  Duration: number;
  SourceSystem: string;
  LastDataUpdate: string;
  MediaType: string | null;
  AgentId: string | null;
  AgentName: string | null;
  QueueName: string | null;
  WrapUpCode: string | null;
  ServiceRequestType: string | null;
  CustomerSatisfactionScore: number | null;
  SlaTargetResolutionTime: number | null;
  ServiceResolutionTime: number | null;
  IsSlaCompliant: boolean | null;
  IsReopened: boolean;
  IsFirstContactResolution: boolean;
}
