/**
 * Plain-object types of the Genesys Cloud analytics conversation detail records the demo
 * generator writes. They are a subset of what Genesys returns and parse with `conversationSchema`
 * (src/sources/genesys/schema.ts). Times are ISO-8601 UTC with milliseconds.
 */

export interface GenesysSegmentRecord {
  segmentStart: string;
  /** Absent on the open segment of an active conversation. */
  segmentEnd?: string;
  segmentType: string;
  queueId?: string;
  disconnectType?: string;
  /** Wrap-up code id (see wrapupcodes.json). */
  wrapUpCode?: string;
  wrapUpNote?: string;
  conference?: boolean;
}

export interface GenesysMetricRecord {
  name: string;
  /** Milliseconds for t* metrics, counts for n* metrics. */
  value: number;
  emitDate: string;
}

export interface GenesysFlowRecord {
  flowId: string;
  flowName: string;
  flowType: string;
  flowVersion: string;
  startingLanguage?: string;
  endingLanguage?: string;
  entryType?: string;
  entryReason?: string;
  exitReason?: string;
  transferType?: string;
  transferTargetName?: string;
  transferTargetAddress?: string;
}

export interface GenesysSessionRecord {
  sessionId: string;
  mediaType: string;
  direction: string;
  messageType?: string;
  ani?: string;
  dnis?: string;
  addressFrom?: string;
  addressTo?: string;
  callbackNumbers?: string[];
  callbackUserName?: string;
  roomId?: string;
  peerId?: string;
  provider?: string;
  requestedRoutings?: string[];
  usedRouting?: string;
  flow?: GenesysFlowRecord;
  segments: GenesysSegmentRecord[];
  metrics?: GenesysMetricRecord[];
}

export interface GenesysParticipantRecord {
  participantId: string;
  participantName?: string;
  purpose: string;
  userId?: string;
  externalContactId?: string;
  attributes?: Record<string, string>;
  sessions: GenesysSessionRecord[];
}

export interface GenesysConversationRecord {
  conversationId: string;
  conversationStart: string;
  /** Absent while the conversation is active. */
  conversationEnd?: string;
  originatingDirection: 'inbound' | 'outbound';
  divisionIds: string[];
  participants: GenesysParticipantRecord[];
}

/** A post-interaction survey result (surveys.ndjson). */
export interface DemoSurveyRecord {
  conversationId: string;
  sentDate: string;
  score: number;
}
