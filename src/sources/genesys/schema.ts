import { z } from 'zod';

/**
 * Genesys Cloud analytics conversation detail records, as returned by
 * POST /api/v2/analytics/conversations/details/query and the details jobs results.
 * Objects are loose: fields this module does not read are kept in the raw store untouched.
 * Enumerations are plain strings so that a purpose or segment type unknown today is kept and
 * counted, never a rejection.
 */
const isoDateTime = z.iso.datetime({ offset: true });

export const segmentSchema = z.looseObject({
  segmentStart: isoDateTime,
  segmentEnd: isoDateTime.optional(),
  segmentType: z.string().optional(),
  queueId: z.string().optional(),
  wrapUpCode: z.string().optional(),
  wrapUpNote: z.string().optional(),
  disconnectType: z.string().optional(),
  conference: z.boolean().optional(),
});

export const metricSchema = z.looseObject({
  name: z.string(),
  value: z.number(),
  emitDate: isoDateTime.optional(),
});

export const sessionSchema = z.looseObject({
  sessionId: z.string().optional(),
  mediaType: z.string(),
  direction: z.string().optional(),
  ani: z.string().optional(),
  dnis: z.string().optional(),
  addressFrom: z.string().optional(),
  addressTo: z.string().optional(),
  addressOther: z.string().optional(),
  addressSelf: z.string().optional(),
  remote: z.string().optional(),
  peerId: z.string().optional(),
  segments: z.array(segmentSchema).default([]),
  metrics: z.array(metricSchema).optional(),
});

export const participantSchema = z.looseObject({
  participantId: z.string().optional(),
  participantName: z.string().optional(),
  purpose: z.string(),
  userId: z.string().optional(),
  externalContactId: z.string().optional(),
  attributes: z.record(z.string(), z.unknown()).optional(),
  sessions: z.array(sessionSchema).default([]),
});

export const conversationSchema = z.looseObject({
  conversationId: z.string().min(1),
  conversationStart: isoDateTime,
  conversationEnd: isoDateTime.optional(),
  originatingDirection: z.string().optional(),
  divisionIds: z.array(z.string()).optional(),
  participants: z.array(participantSchema).default([]),
  /** Survey results (AnalyticsSurvey), when the organization uses Genesys surveys; read leniently. */
  surveys: z.array(z.unknown()).optional(),
});

export type GenesysSegment = z.infer<typeof segmentSchema>;
export type GenesysSession = z.infer<typeof sessionSchema>;
export type GenesysParticipant = z.infer<typeof participantSchema>;
export type GenesysConversation = z.infer<typeof conversationSchema>;

/** Purposes and segment types the derivation understands; anything else is kept and counted. */
export const KNOWN_PURPOSES = new Set([
  'customer',
  'external',
  'ivr',
  'acd',
  'agent',
  'user',
  'workflow',
  'voicemail',
  'outbound',
  'inbound',
  'manual',
  'station',
  'group',
  'fax',
  'campaign',
  'api',
  'botflow',
]);

export const KNOWN_SEGMENT_TYPES = new Set([
  'unknown',
  'alert',
  'system',
  'delay',
  'hold',
  'interact',
  'ivr',
  'dialing',
  'wrapup',
  'voicemail',
  'scheduled',
  'contacting',
  'transmitting',
  'converting',
  'uploading',
  'sharing',
  'callback',
]);

/**
 * Directory list shape of the Genesys API (users, routing/queues, routing/wrapupcodes, groups); users read
 * with expand=groups carry the groups they belong to.
 */
export const directorySchema = z.looseObject({
  entities: z.array(
    z.looseObject({
      id: z.string(),
      name: z.string().optional(),
      groups: z.array(z.looseObject({ id: z.string() })).optional(),
    }),
  ),
});

/** Survey result record from a JSON array or NDJSON file. */
export const surveySchema = z.looseObject({
  conversationId: z.string().min(1),
  sentDate: isoDateTime,
  score: z.number().min(1).max(5).nullable().optional(),
});
export type SurveyRecord = z.infer<typeof surveySchema>;

/** A survey inside an analytics conversation record (the fields the connector reads). */
export const embeddedSurveySchema = z.looseObject({
  eventTime: isoDateTime.optional(),
  surveyCompletedDate: isoDateTime.optional(),
  surveyStatus: z.string().optional(),
  oSurveyTotalScore: z.number().min(0).max(100).optional(),
  surveyPromoterScore: z.number().min(0).max(10).optional(),
});
