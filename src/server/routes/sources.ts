import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ConfigError } from '../../config/index.ts';
import { genesysSourceStatusSchema, type ScheduledGenesysSync } from '../../sources/genesys/index.ts';

/** Source connectors: their state, last and next run; a sync on demand. */
export const sourcesRoutes: FastifyPluginAsyncZod<{ genesys: ScheduledGenesysSync }> = async (
  app,
  { genesys },
) => {
  app.get(
    '/api/v1/sources',
    {
      config: { access: 'integrations:source:view' },
      schema: {
        summary: 'Source connectors (Genesys Cloud API): state, watermark, last run, next scheduled run',
        tags: ['sources'],
        response: { 200: z.object({ sources: z.array(genesysSourceStatusSchema) }) },
      },
    },
    async () => ({ sources: [await genesys.status()] }),
  );

  app.post(
    '/api/v1/sources/genesys/sync',
    {
      config: { access: 'integrations:source:sync' },
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
