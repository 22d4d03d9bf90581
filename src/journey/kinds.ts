/**
 * The journey's closed vocabularies: channels, interaction kinds, live states, identifier kinds. Pure
 * constants with no import, shared by the server (model.ts, identifiers.ts) and the dashboard
 * (web/src/journey.ts), which may import this module at run time.
 */

/** The channels of the journey's interactions (cards). */
export const CHANNELS = [
  'voice',
  'callback',
  'webMessaging',
  'chat',
  'sms',
  'whatsapp',
  'line',
  'twitter',
  'facebook',
  'email',
  'webVisit',
  'pageView',
  'contentOffer',
  'workitem',
  'other',
] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * Interaction kinds. Work items join the union when work automation stores them (issue 7); none exist yet,
 * so no interaction has this kind today.
 */
export const INTERACTION_KINDS = ['conversation', 'webEvent', 'workItem'] as const;
export const LIVE_STATES = ['live', 'idle', 'inactive', 'ended'] as const;
export type LiveState = (typeof LIVE_STATES)[number];

/** The kinds of customer identifiers (identifiers.ts). */
export const IDENTIFIER_KINDS = ['externalContactId', 'phone', 'email', 'messaging'] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];
