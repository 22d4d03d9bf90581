import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ConfigError } from '../../config/index.ts';
import type { ScheduledGenesysSync } from '../../sources/genesys/index.ts';

const progress = z.object({
  phase: z.enum(['directory', 'conversations', 'regroup']),
  intervalsDone: z.number(),
  intervalsTotal: z.number(),
  pages: z.number(),
  conversations: z.number(),
});

const lastRun = z.object({
  organization: z.object({ id: z.string(), name: z.string() }),
  trigger: z.enum(['cli', 'schedule', 'manual']),
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

const source = z.object({
  id: z.literal('genesys'),
  kind: z.literal('genesys-cloud'),
  configured: z.boolean(),
  region: z.string().nullable(),
  apiUrl: z.string().nullable(),
  sourceSystem: z.string(),
  schedule: z.object({ everyMinutes: z.number() }).nullable(),
  state: z.enum(['idle', 'running', 'failed', 'disabled']),
  organization: z.object({ id: z.string(), name: z.string() }).nullable(),
  watermark: z.string().nullable().describe('conversations started before this have been read (UTC)'),
  nextRunAt: z.string().nullable(),
  error: z.string().nullable().describe('configuration problem, e.g. a missing environment variable'),
  interrupted: z.boolean().describe('a run was interrupted; the next one continues it'),
  progress: progress.nullable(),
  lastRun: lastRun.nullable(),
});

/** Source connectors: their state, last and next run; a sync on demand. */
export const sourcesRoutes: FastifyPluginAsyncZod<{ genesys: ScheduledGenesysSync }> = async (
  app,
  { genesys },
) => {
  app.get(
    '/api/v1/sources',
    {
      schema: {
        summary: 'Source connectors (Genesys Cloud API): state, watermark, last run, next scheduled run',
        tags: ['sources'],
        response: { 200: z.object({ sources: z.array(source) }) },
      },
    },
    async () => ({ sources: [await genesys.status()] }),
  );

  app.post(
    '/api/v1/sources/genesys/sync',
    {
      schema: {
        summary:
          'Start a Genesys sync now (continues an interrupted run); its progress shows at /api/v1/sources',
        tags: ['sources'],
        response: {
          202: z.object({ started: z.literal(true) }),
          400: z.object({ error: z.string() }),
          409: z.object({ error: z.string() }),
        },
      },
    },
    async (_request, reply) => {
      try {
        if (!genesys.run('manual')) return reply.code(409).send({ error: 'a sync is already running' });
      } catch (error) {
        if (error instanceof ConfigError) return reply.code(400).send({ error: error.message });
        throw error;
      }
      return reply.code(202).send({ started: true as const });
    },
  );
};
