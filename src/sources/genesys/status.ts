import { z } from 'zod';

/**
 * What the connector reports of itself — a run's progress, the last run's outcome, the source's state —
 * as zod schemas: the types the code uses and the shapes `/api/v1/sources` documents are these.
 */

export const SYNC_TRIGGERS = ['cli', 'schedule', 'manual'] as const;
export type SyncTrigger = (typeof SYNC_TRIGGERS)[number];

export const syncProgressSchema = z.object({
  phase: z.enum(['directory', 'conversations', 'regroup']),
  intervalsDone: z.number(),
  intervalsTotal: z.number(),
  pages: z.number(),
  conversations: z.number(),
});
export type SyncProgress = z.infer<typeof syncProgressSchema>;

const organization = z.object({ id: z.string(), name: z.string() });

/** The outcome of the last run. */
export const lastRunSchema = z.object({
  organization,
  trigger: z.enum(SYNC_TRIGGERS),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  status: z.enum(['succeeded', 'failed', 'running']),
  from: z.string().nullable(),
  to: z.string().nullable(),
  conversations: z.number(),
  added: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  rejected: z.number(),
  error: z.string().nullable(),
});
export type LastRun = z.infer<typeof lastRunSchema>;

export const genesysSourceStatusSchema = z.object({
  id: z.literal('genesys'),
  kind: z.literal('genesys-cloud'),
  configured: z.boolean(),
  region: z.string().nullable(),
  apiUrl: z.string().nullable(),
  sourceSystem: z.string(),
  schedule: z.object({ everyMinutes: z.number() }).nullable(),
  state: z.enum(['idle', 'running', 'failed', 'disabled']),
  organization: organization.nullable(),
  watermark: z.string().nullable().describe('conversations started before this have been read (UTC)'),
  nextRunAt: z.string().nullable(),
  error: z.string().nullable().describe('configuration problem, e.g. a missing environment variable'),
  interrupted: z.boolean().describe('a run was interrupted; the next one continues it'),
  progress: syncProgressSchema.nullable(),
  lastRun: lastRunSchema.nullable(),
});
export type GenesysSourceStatus = z.infer<typeof genesysSourceStatusSchema>;
