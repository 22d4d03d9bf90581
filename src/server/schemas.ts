import { z } from 'zod';
import { ATTRIBUTES } from '../eventlog/index.ts';

export const eventLogRowSchema = z.object({
  ServiceRequest: z.string(),
  ConversationId: z.string().nullable(),
  ActivityName: z.string(),
  EventTime: z.string(),
  EventEndTime: z.string(),
  Duration: z.number(),
  SourceSystem: z.string(),
  LastDataUpdate: z.string(),
  MediaType: z.string().nullable(),
  AgentId: z.string().nullable(),
  AgentName: z.string().nullable(),
  QueueName: z.string().nullable(),
  WrapUpCode: z.string().nullable(),
  ServiceRequestType: z.string().nullable(),
  CustomerSatisfactionScore: z.number().nullable(),
  SlaTargetResolutionTime: z.number().nullable(),
  ServiceResolutionTime: z.number().nullable(),
  IsSlaCompliant: z.boolean().nullable(),
  IsReopened: z.boolean(),
  IsFirstContactResolution: z.boolean(),
});

// The API's row shape and the event-log attribute list must not drift apart.
const keys = Object.keys(eventLogRowSchema.shape);
if (keys.join() !== ATTRIBUTES.join()) throw new Error('eventLogRowSchema does not match ATTRIBUTES');

const kpiFigures = {
  cases: z.number(),
  events: z.number(),
  conversations: z.number(),
  slaCompliancePct: z.number().nullable(),
  firstContactResolutionPct: z.number().nullable(),
  reopenPct: z.number().nullable(),
  resolvedCases: z.number(),
  meanServiceResolutionTime: z.number().nullable(),
  medianServiceResolutionTime: z.number().nullable(),
  meanHandleTime: z.number().nullable(),
  meanCsat: z.number().nullable(),
  surveys: z.number(),
};

export const kpisSchema = z.object({
  ...kpiFigures,
  byMediaType: z.array(z.object({ mediaType: z.string().nullable(), ...kpiFigures })),
});

export const errorSchema = z.object({ statusCode: z.number(), error: z.string(), message: z.string() });
