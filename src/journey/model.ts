import { z } from 'zod';
import { CHANNELS, IDENTIFIER_KINDS, INTERACTION_KINDS, LIVE_STATES } from './kinds.ts';

/**
 * The journey API's answers (schemas and their types). Imports nothing but zod and kinds.ts, so that the
 * dashboard (web/src/journey.ts) can import its types.
 */
export { CHANNELS, type Channel, INTERACTION_KINDS, LIVE_STATES, type LiveState } from './kinds.ts';

export const liveStatusSchema = z.object({
  state: z.enum(LIVE_STATES),
  changesAt: z
    .string()
    .nullable()
    .describe('when the state changes next unless something happens (ISO-8601)'),
});
export type LiveStatus = z.infer<typeof liveStatusSchema>;

export const identifierSchema = z.object({
  kind: z.enum(IDENTIFIER_KINDS),
  value: z.string(),
  key: z.string().describe("names the identifier, e.g. 'phone:+33612345678'; any key opens its customer"),
  firstSeen: z.string().nullable(),
  lastSeen: z.string().nullable(),
  interactions: z.number().describe('interactions (that the viewer sees) carrying this identifier'),
});
export type Identifier = z.infer<typeof identifierSchema>;

const detailValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type DetailValue = z.infer<typeof detailValue>;

export const interactionSchema = z.object({
  id: z.string().describe('conversation id; event:<id> for a web event; message:<id> for a notification'),
  kind: z.enum(INTERACTION_KINDS),
  channel: z.enum(CHANNELS),
  direction: z.enum(['inbound', 'outbound']).nullable(),
  agentless: z.boolean().describe('an outbound message no agent took part in (notification)'),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  lastActivityAt: z
    .string()
    .describe('the last activity the live status reads (messaging: the customer’s), else the end or start'),
  status: liveStatusSchema,
  queue: z.string().nullable().describe('the last queue'),
  agent: z.object({ id: z.string(), name: z.string().nullable() }).nullable().describe('the last agent'),
  transferred: z.boolean(),
  path: z
    .array(z.object({ at: z.string(), queue: z.string().nullable(), agent: z.string().nullable() }))
    .nullable()
    .describe('every queue and agent step in time order; null without journey:eventType:view'),
  wrapUpCode: z.string().nullable(),
  durationSeconds: z.number().nullable(),
  csat: z.number().nullable(),
  serviceRequest: z.string().nullable(),
  title: z.string().nullable(),
  details: z.record(z.string(), detailValue).nullable().describe('null without journey:eventType:view'),
  masked: z.object({ queue: z.boolean(), wrapUpCode: z.boolean() }),
});
export type Interaction = z.infer<typeof interactionSchema>;
export type InteractionDetails = NonNullable<Interaction['details']>;
export type PathStep = NonNullable<Interaction['path']>[number];

export const customerSummarySchema = z.object({
  id: z.string(),
  identifiers: z.array(identifierSchema).nullable().describe('null without externalContacts:session:view'),
  lastInteractionAt: z.string().nullable(),
});
export type CustomerSummary = z.infer<typeof customerSummarySchema>;

export const customerSchema = z.object({ id: z.string(), identifiers: z.array(identifierSchema) });

export const journeySchema = z.object({
  customer: z.object({ id: z.string(), identifiers: z.array(identifierSchema).nullable() }),
  asOf: z.string(),
  items: z.array(interactionSchema).describe('newest first'),
});
export type Journey = z.infer<typeof journeySchema>;

/** What a viewer may see of the journeys (from their permissions and divisions). */
export interface JourneyView {
  divisions: readonly string[] | 'all';
  /** Without routing:queue:search. */
  maskQueues: boolean;
  /** Without routing:wrapupCode:view. */
  maskWrapUpCodes: boolean;
  /** journey:eventType:view: transfer paths and event details. */
  eventDetails: boolean;
  /** externalContacts:session:view: the customer's identifiers. */
  identifiers: boolean;
}

/** An identifier key that names no customer the viewer sees anything of. */
export class CustomerNotFoundError extends Error {
  override name = 'CustomerNotFoundError';
  constructor(id: string) {
    super(`no customer is known by "${id}" (an identifier key such as phone:+33612345678 or contact:<id>)`);
  }
}
