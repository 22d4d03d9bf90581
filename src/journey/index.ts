import { can, type Principal, scopeOf } from '../access/index.ts';
import type { JourneyView } from './model.ts';

export { channelNamed, channelOf } from './channels.ts';
export { type Clock, systemClock } from './clock.ts';
export {
  type IngestResult,
  JOURNEY_EVENT_TYPES,
  type JourneyEventInput,
  journeyEventSchema,
  MAX_EVENTS_PER_REQUEST,
  MAX_FUTURE_MS,
  type RejectedEvent,
  type Rejection,
} from './events.ts';
export {
  addressIdentifier,
  buildCustomerIdentifiers,
  contactIdIdentifier,
  conversationIdentifiers,
  customerIdentifiers,
  IDENTIFIER_KINDS,
  type IdentifierKind,
  type IdentifierValue,
  identifier,
  parseKey,
} from './identifiers.ts';
export { IdentityIndex, isCustomerId, opaqueCustomerId } from './identity.ts';
export { JourneyStream, type StreamOutput } from './live.ts';
export { ACTIVITY_CHANNELS, IDLE_AFTER_SECONDS, INACTIVE_AFTER_SECONDS, liveStatus } from './live-status.ts';
export {
  CHANNELS,
  type Channel,
  CustomerNotFoundError,
  type CustomerSummary,
  customerSchema,
  customerSummarySchema,
  type Identifier,
  type Interaction,
  identifierSchema,
  interactionSchema,
  type Journey,
  type JourneyView,
  journeySchema,
  type LiveStatus,
  liveStatusSchema,
} from './model.ts';
export {
  DEFAULT_JOURNEY_LIMIT,
  JourneyService,
  type JourneyServiceOptions,
  MAX_SEARCH_CANDIDATES,
} from './service.ts';

/** Whether two views show the same (their divisions in any order). */
export function sameView(a: JourneyView, b: JourneyView): boolean {
  const divisions = (v: JourneyView) =>
    v.divisions === 'all' ? 'all' : JSON.stringify([...v.divisions].sort());
  return (
    divisions(a) === divisions(b) &&
    a.maskQueues === b.maskQueues &&
    a.maskWrapUpCodes === b.maskWrapUpCodes &&
    a.eventDetails === b.eventDetails &&
    a.identifiers === b.identifiers
  );
}

/** What a principal may see of the journeys: their divisions, masked fields, details and identifiers. */
export function journeyViewOf(principal: Principal): JourneyView {
  const scope = scopeOf(principal);
  return {
    divisions: scope.divisions,
    maskQueues: scope.maskQueues,
    maskWrapUpCodes: scope.maskWrapUpCodes,
    eventDetails: can(principal, 'journey:eventType:view'),
    identifiers: can(principal, 'externalContacts:session:view'),
  };
}
