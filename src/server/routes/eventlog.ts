import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can, scopeOf } from '../../access/index.ts';
import type { CaseflowConfig } from '../../config/index.ts';
import { activityLabel, computeKpis } from '../../eventlog/index.ts';
import { isoDateOrDateTime } from '../../mining/index.ts';
import type { Store } from '../../store/index.ts';
import { errorSchema, eventLogRowSchema, kpisSchema } from '../schemas.ts';
import { VERSION } from '../version.ts';

export const eventlogRoutes: FastifyPluginAsyncZod<{ store: Store; config: CaseflowConfig }> = async (
  app,
  { store, config },
) => {
  app.get(
    '/api/v1/health',
    {
      config: { access: 'public' },
      schema: {
        tags: ['system'],
        summary:
          'Liveness and what is loaded (the counts with analytics:processMap:view, of the caller’s divisions)',
        response: {
          200: z.object({
            status: z.literal('ok'),
            version: z.string(),
            timeZone: z.string().describe('the organization time zone used for grouping and display'),
            conversations: z.number().optional(),
            cases: z.number().optional(),
            events: z.number().optional(),
          }),
        },
      },
    },
    async (request) => {
      const health = { status: 'ok' as const, version: VERSION, timeZone: config.organization.timeZone };
      if (!can(request.principal, 'analytics:processMap:view')) return health;
      return { ...health, ...(await store.counts(scopeOf(request.principal))) };
    },
  );

  app.get(
    '/api/v1/kpis',
    {
      config: { access: 'analytics:processMap:view' },
      schema: {
        tags: ['event log'],
        summary: 'Headline KPIs, overall and by media type (the cases of the caller’s divisions)',
        response: { 200: kpisSchema },
      },
    },
    async (request) => computeKpis(store, scopeOf(request.principal)),
  );

  app.get(
    '/api/v1/eventlog',
    {
      config: { access: 'analytics:processMap:view' },
      schema: {
        tags: ['event log'],
        summary:
          'Event-log rows of the cases of the caller’s divisions, paged, sorted by ServiceRequest then EventTime',
        querystring: z.object({
          page: z.coerce.number().int().min(1).default(1),
          pageSize: z.coerce.number().int().min(1).max(5000).default(100),
          from: isoDateOrDateTime.optional().describe('EventTime at or after (ISO-8601, UTC)'),
          to: isoDateOrDateTime.optional().describe('EventTime before (ISO-8601, UTC)'),
          lang: z.enum(['en', 'fr']).default('en').describe('language of ActivityName'),
        }),
        response: {
          200: z.object({
            page: z.number(),
            pageSize: z.number(),
            total: z.number(),
            items: z.array(eventLogRowSchema),
          }),
          400: errorSchema,
        },
      },
    },
    async (request) => {
      const { page, pageSize, from, to, lang } = request.query;
      const filter = { from, to, scope: scopeOf(request.principal) };
      const [total, rows] = await Promise.all([
        store.countEvents(filter),
        store.readEventLog(filter, { limit: pageSize, offset: (page - 1) * pageSize }),
      ]);
      const items = rows.map((r) => ({ ...r, ActivityName: activityLabel(r.ActivityName, lang) }));
      return { page, pageSize, total, items };
    },
  );
};
