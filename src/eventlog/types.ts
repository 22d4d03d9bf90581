import type { ActivityName } from './activities.ts';

/** An event of one conversation, before it is placed in a service request. Times in epoch ms (UTC). */
export interface DerivedEvent {
  activity: ActivityName;
  time: number;
  /** null while the source has no end yet; filled with the next event's start before storage. */
  endTime: number | null;
  mediaType: string | null;
  agentId: string | null;
  queueId: string | null;
  wrapUpCode: string | null;
  /** Derivation order inside the conversation; the last tie-breaker. */
  seq: number;
}

/** What case grouping needs to know of a conversation. */
export interface ConversationFacts {
  conversationId: string;
  start: number;
  end: number | null;
  mediaType: string | null;
  customerKey: string | null;
  explicitCaseId: string | null;
  requestTypeAttribute: string | null;
  /** The conversation's last wrap-up code (id as in the source) and when it was set. */
  wrapUpCode: string | null;
  wrapUpTime: number | null;
  firstQueueId: string | null;
  transferred: boolean;
  /** An agent was connected to the customer. */
  handled: boolean;
  talkMs: number;
  holdMs: number;
  acwMs: number;
}
