import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { scopeOf } from '../../access/index.ts';
import type { CaseflowConfig } from '../../config/index.ts';
import { OUTBOUND_SOURCES } from '../../reports/definitions.ts';
import {
  ANOMALY_FILTERS,
  ANOMALY_FLAGS,
  agentPerformance,
  agentPerformanceCsv,
  assertPeriod,
  INTERVALS,
  inboundMessages,
  inboundMessagesCsv,
  intervalSchema,
  LEADERBOARD_GROUPS,
  LEADERBOARD_METRICS,
  leaderboard,
  leaderboardCsv,
  openedByContactType,
  openedByContactTypeCsv,
  openedHeatmap,
  openedHeatmapCsv,
  outboundBySource,
  outboundBySourceCsv,
  type ReportFormat,
  type ReportLang,
  type ReportName,
  reportContext,
  reportFilterSchema,
  resolvedConversations,
  resolvedConversationsCsv,
  teamNames,
} from '../../reports/index.ts';
import type { Store } from '../../store/index.ts';
import { errorSchema } from '../schemas.ts';

const interval = z.enum(INTERVALS);
const periodRows = { timeZone: z.string(), interval };
const period = z.string().describe('first day of the period, YYYY-MM-DD (organization time zone)');

const heatmapSchema = z.object({
  timeZone: z.string(),
  total: z.number(),
  cells: z.array(
    z.object({
      weekday: z.number().describe('0 = Monday … 6 = Sunday'),
      hour: z.number().describe('0 … 23, organization time zone'),
      count: z.number(),
    }),
  ),
});
const contactTypeSchema = z.object({
  ...periodRows,
  rows: z.array(z.object({ period, new: z.number(), returning: z.number() })),
});
const inboundSchema = z.object({
  ...periodRows,
  channels: z.array(z.string()).describe('channels of the selection, most messages first'),
  rows: z.array(z.object({ period, channel: z.string(), count: z.number() })),
});
const leaderboardSchema = z.object({
  metric: z.enum(LEADERBOARD_METRICS),
  groupBy: z.enum(LEADERBOARD_GROUPS),
  businessHours: z.boolean(),
  rows: z.array(
    z.object({
      key: z.string().describe('team name, or agent id'),
      name: z.string(),
      averageSeconds: z.number(),
      conversations: z.number(),
    }),
  ),
});
const agentPerformanceSchema = z.object({
  rows: z.array(
    z.object({
      agentId: z.string(),
      agentName: z.string(),
      team: z.string().nullable(),
      conversationsClosed: z.number(),
      messagesSent: z.number(),
      avgFirstResponseSeconds: z.number().nullable(),
      avgResolutionSeconds: z.number().nullable(),
      avgHandleSeconds: z.number().nullable(),
      transfers: z.number(),
      csat: z.number().nullable(),
    }),
  ),
});
const resolvedSchema = z.object({
  rule: z.string().describe('the anomaly rule, in words'),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
  thresholds: z.array(
    z.object({
      channel: z.string(),
      resolutionSeconds: z.number().nullable().describe('95th percentile; null under 20 conversations'),
      messages: z.number().nullable().describe('95th percentile; null under 20 conversations'),
    }),
  ),
  rows: z.array(
    z.object({
      conversationId: z.string(),
      channel: z.string().nullable(),
      openedAt: z.string(),
      resolvedAt: z.string(),
      contactId: z.string().nullable(),
      assignee: z.string().nullable(),
      resolver: z.string().nullable(),
      messages: z.number(),
      resolutionSeconds: z.number().nullable(),
      flags: z.array(z.enum(ANOMALY_FLAGS)),
      summary: z.string().nullable().describe('closing note'),
      serviceRequest: z.string().nullable().describe('the case: /cases/<serviceRequest>'),
    }),
  ),
});
const outboundSchema = z.object({
  ...periodRows,
  rows: z.array(z.object({ period, source: z.enum(OUTBOUND_SOURCES), count: z.number() })),
});

const CSV_NOTE = ' (format=csv: the same rows as a CSV attachment <report>.csv, headers in lang)';

/**
 * Support reports (README "Reports"): GET /api/v1/reports/<name>, each with the shared filter (from, to,
 * team, agent, channel, businessHours, format, lang) as query parameters.
 */
export const reportsRoutes: FastifyPluginAsyncZod<{ store: Store; config: CaseflowConfig }> = async (
  app,
  { store, config },
) => {
  const tags = ['reports'];
  /** The reports as the caller sees them: the conversations and messages of their divisions. */
  const ctx = (request: FastifyRequest) => reportContext(config, scopeOf(request.principal));
  app.addHook('preHandler', async (request) => {
    assertPeriod(request.query as { from?: string; to?: string });
  });

  /** The report as JSON, or its rows as a CSV attachment. */
  async function send<T>(
    reply: FastifyReply,
    name: ReportName,
    q: { format: ReportFormat; lang: ReportLang },
    report: T,
    csv: (report: T, lang: ReportLang) => string,
  ) {
    if (q.format === 'json') return report;
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}.csv"`)
      .send(csv(report, q.lang));
  }

  app.get(
    '/api/v1/reports/teams',
    {
      config: { access: 'analytics:reports:view' },
      schema: {
        tags,
        summary:
          'Every team the team filter can name: support.teams of the configuration, and the sources’ teams',
        response: { 200: z.object({ teams: z.array(z.string()) }) },
      },
    },
    async (request) => ({ teams: await teamNames(store, ctx(request)) }),
  );

  app.get(
    '/api/v1/reports/opened-heatmap',
    {
      config: { access: 'analytics:reports:view' },
      schema: {
        tags,
        summary: `Conversations opened by weekday (0 = Monday) and hour, organization time zone, 168 cells${CSV_NOTE}`,
        querystring: reportFilterSchema,
        response: { 200: heatmapSchema, 400: errorSchema },
      },
    },
    async (request, reply) =>
      send(
        reply,
        'opened-heatmap',
        request.query,
        await openedHeatmap(store, ctx(request), request.query),
        openedHeatmapCsv,
      ),
  );

  app.get(
    '/api/v1/reports/opened-by-contact-type',
    {
      config: { access: 'analytics:reports:view' },
      schema: {
        tags,
        summary: `Conversations opened by new and by returning contacts, per period${CSV_NOTE}`,
        querystring: reportFilterSchema.extend({ interval: intervalSchema }),
        response: { 200: contactTypeSchema, 400: errorSchema },
      },
    },
    async (request, reply) =>
      send(
        reply,
        'opened-by-contact-type',
        request.query,
        await openedByContactType(store, ctx(request), request.query, request.query.interval),
        openedByContactTypeCsv,
      ),
  );

  app.get(
    '/api/v1/reports/inbound-messages',
    {
      config: { access: 'analytics:reports:view' },
      schema: {
        tags,
        summary: `Inbound messages per period and channel (period on the message time)${CSV_NOTE}`,
        querystring: reportFilterSchema.extend({ interval: intervalSchema }),
        response: { 200: inboundSchema, 400: errorSchema },
      },
    },
    async (request, reply) =>
      send(
        reply,
        'inbound-messages',
        request.query,
        await inboundMessages(store, ctx(request), request.query, request.query.interval),
        inboundMessagesCsv,
      ),
  );

  app.get(
    '/api/v1/reports/leaderboard',
    {
      config: { access: 'analytics:reports:view' },
      schema: {
        tags,
        summary: `Average first-response or resolution time by team or agent, best first${CSV_NOTE}`,
        querystring: reportFilterSchema.extend({
          metric: z
            .enum(LEADERBOARD_METRICS)
            .default('first-response')
            .describe('first-response (by the assignee) or resolution (by the resolver)'),
          groupBy: z.enum(LEADERBOARD_GROUPS).default('team'),
          limit: z.coerce.number().int().min(1).max(1000).default(10).describe('rows kept, best first'),
        }),
        response: { 200: leaderboardSchema, 400: errorSchema },
      },
    },
    async (request, reply) => {
      const { metric, groupBy, limit } = request.query;
      return send(
        reply,
        'leaderboard',
        request.query,
        await leaderboard(store, ctx(request), request.query, { metric, groupBy, limit }),
        leaderboardCsv,
      );
    },
  );

  app.get(
    '/api/v1/reports/agent-performance',
    {
      config: { access: 'analytics:reports:view' },
      schema: {
        tags,
        summary: `Per agent, over the conversations the agent closed: volumes, times, transfers, CSAT${CSV_NOTE}`,
        querystring: reportFilterSchema,
        response: { 200: agentPerformanceSchema, 400: errorSchema },
      },
    },
    async (request, reply) =>
      send(
        reply,
        'agent-performance',
        request.query,
        await agentPerformance(store, ctx(request), request.query),
        agentPerformanceCsv,
      ),
  );

  app.get(
    '/api/v1/reports/resolved-conversations',
    {
      config: { access: 'analytics:reports:view' },
      schema: {
        tags,
        summary: `Resolved conversations with anomaly flags (95th percentile of the channel), closing notes${CSV_NOTE}`,
        querystring: reportFilterSchema.extend({
          page: z.coerce.number().int().min(1).default(1),
          pageSize: z.coerce.number().int().min(1).max(500).default(50),
          anomalies: z.enum(ANOMALY_FILTERS).default('all').describe('only: flagged conversations only'),
        }),
        response: { 200: resolvedSchema, 400: errorSchema },
      },
    },
    async (request, reply) => {
      const { page, pageSize, anomalies } = request.query;
      return send(
        reply,
        'resolved-conversations',
        request.query,
        await resolvedConversations(store, ctx(request), request.query, { page, pageSize, anomalies }),
        resolvedConversationsCsv,
      );
    },
  );

  app.get(
    '/api/v1/reports/outbound-by-source',
    {
      config: { access: 'analytics:reports:view' },
      schema: {
        tags,
        summary: `Outbound messages per period and source (agent, workflow, broadcast, api); agent= keeps the messages those agents sent${CSV_NOTE}`,
        querystring: reportFilterSchema.extend({ interval: intervalSchema }),
        response: { 200: outboundSchema, 400: errorSchema },
      },
    },
    async (request, reply) =>
      send(
        reply,
        'outbound-by-source',
        request.query,
        await outboundBySource(store, ctx(request), request.query, request.query.interval),
        outboundBySourceCsv,
      ),
  );
};
