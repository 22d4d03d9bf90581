import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { scopeOf } from '../../access/index.ts';
import type { CaseflowConfig } from '../../config/index.ts';
import {
  activityDisplay,
  assertDataset,
  bottlenecks,
  CASE_SORTS,
  caseDetail,
  conformance,
  datasets,
  designedFlowsFor,
  facets,
  filterSchema,
  handovers,
  listCases,
  overview,
  processMap,
  variants,
} from '../../mining/index.ts';
import type { Store } from '../../store/index.ts';

const lang = z.enum(['en', 'fr']).default('en').describe('language of Genesys activity names (display only)');
const page = {
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
};
const query = filterSchema.extend({ lang });

/**
 * Process mining routes (docs/mining-api.md): every view takes the shared filter, applied with the viewer's
 * scope: the Genesys log's cases of their divisions, the imported datasets of their divisions (another
 * division's dataset answers 404, as an unknown one), queue names masked without routing:queue:search.
 */
export const miningRoutes: FastifyPluginAsyncZod<{ store: Store; config: CaseflowConfig }> = async (
  app,
  { store, config },
) => {
  const tags = ['process mining'];
  const access = (request: FastifyRequest) => ({
    scope: scopeOf(request.principal),
    divisions: config.divisions,
  });
  app.addHook('preHandler', async (request) => {
    const { dataset } = request.query as { dataset?: string };
    if (dataset !== undefined) await assertDataset(store, dataset, access(request));
  });

  app.get(
    '/api/v1/datasets',
    {
      config: { access: 'analytics:processMap:view' },
      schema: { tags, summary: 'Event logs available (default = Genesys-derived)' },
    },
    (request) => datasets(store, access(request)),
  );

  app.get(
    '/api/v1/facets',
    {
      config: { access: 'analytics:processMap:view' },
      schema: {
        tags,
        summary:
          'Values the filters can take in a dataset (channels, queues, request types, agents, activities)',
        querystring: z.object({ dataset: z.string().min(1).default('default') }),
      },
    },
    (request) => facets(store, request.query.dataset, scopeOf(request.principal)),
  );

  app.get(
    '/api/v1/process-map',
    {
      config: { access: 'analytics:processMap:view' },
      schema: {
        tags,
        summary: 'Directly-follows graph with frequency and performance figures; Disco-like detail sliders',
        querystring: query.extend({
          activities: z.coerce.number().min(0).max(100).default(100).describe('% of activities kept'),
          paths: z.coerce.number().min(0).max(100).default(100).describe('% of paths kept'),
        }),
      },
    },
    async (request) => {
      const { lang: language, activities, paths, ...query } = request.query;
      const filter = { ...query, scope: scopeOf(request.principal) };
      const map = await processMap(store, filter, { activities, paths });
      const label = activityDisplay(filter.dataset, language);
      return {
        ...map,
        activities: map.activities.map((a) => ({ ...a, id: a.name, name: label(a.name) })),
        edges: map.edges.map((e) => ({
          ...e,
          fromId: e.from,
          toId: e.to,
          from: label(e.from),
          to: label(e.to),
        })),
      };
    },
  );

  app.get(
    '/api/v1/variants',
    {
      config: { access: 'analytics:processMap:view' },
      schema: {
        tags,
        summary: 'Activity sequences with case counts and durations',
        querystring: query.extend(page),
      },
    },
    async (request) => {
      const { lang: language, page: p, pageSize, ...query } = request.query;
      const filter = { ...query, scope: scopeOf(request.principal) };
      const result = await variants(store, filter, { page: p, pageSize });
      const label = activityDisplay(filter.dataset, language);
      return { ...result, items: result.items.map((v) => ({ ...v, labels: v.activities.map(label) })) };
    },
  );

  app.get(
    '/api/v1/cases',
    {
      config: { access: 'analytics:processMap:view' },
      schema: {
        tags,
        summary: 'Filtered cases, paged and sorted',
        querystring: query.extend({ ...page, sort: z.enum(CASE_SORTS).default('start') }),
      },
    },
    async (request) => {
      const { lang: _lang, page: p, pageSize, sort, ...filter } = request.query;
      return listCases(store, { ...filter, scope: scopeOf(request.principal) }, { page: p, pageSize, sort });
    },
  );

  app.get(
    '/api/v1/cases/:id',
    {
      config: { access: 'analytics:processMap:view' },
      schema: {
        tags,
        summary: "One case's timeline, conversations and attributes",
        params: z.object({ id: z.string().min(1) }),
        querystring: z.object({ dataset: z.string().default('default'), lang }),
      },
    },
    async (request, reply) => {
      const { dataset, lang: language } = request.query;
      const detail = await caseDetail(store, dataset, request.params.id, scopeOf(request.principal));
      if (!detail) {
        return reply.code(404).send({
          statusCode: 404,
          error: 'Not Found',
          message: `no case ${request.params.id} in ${dataset}`,
        });
      }
      const label = activityDisplay(dataset, language);
      return {
        ...detail,
        activities: detail.activities.map(label),
        events: detail.events.map((e) => ({ ...e, ActivityName: label(e.ActivityName) })),
      };
    },
  );

  app.get(
    '/api/v1/bottlenecks',
    {
      config: { access: 'analytics:processMap:view' },
      schema: { tags, summary: 'Waiting time by activity and transition; SLA breaches', querystring: query },
    },
    async (request) => {
      const { lang: language, ...query } = request.query;
      const filter = { ...query, scope: scopeOf(request.principal) };
      const result = await bottlenecks(store, filter);
      const label = activityDisplay(filter.dataset, language);
      return {
        ...result,
        activities: result.activities.map((a) => ({ ...a, name: label(a.name) })),
        transitions: result.transitions.map((t) => ({ ...t, from: label(t.from), to: label(t.to) })),
      };
    },
  );

  app.get(
    '/api/v1/handovers',
    {
      config: { access: 'analytics:processMap:view' },
      schema: {
        tags,
        summary: 'Agent→agent or queue→queue transfer matrix (queue: needs routing:queue:search)',
        querystring: query.extend({ kind: z.enum(['agent', 'queue']).default('agent') }),
      },
    },
    async (request, reply) => {
      const { lang: _lang, kind, ...filter } = request.query;
      const scope = scopeOf(request.principal);
      if (kind === 'queue' && scope.maskQueues) {
        return reply.code(403).send({
          statusCode: 403,
          error: 'Forbidden',
          message:
            'the queue handover matrix shows queue names: it needs the permission routing:queue:search',
        });
      }
      return handovers(store, { ...filter, scope }, kind);
    },
  );

  app.get(
    '/api/v1/conformance',
    {
      config: { access: 'analytics:processMap:view' },
      schema: { tags, summary: 'Cases checked against the designed flow', querystring: query.extend(page) },
    },
    async (request) => {
      const { lang: _lang, page: p, pageSize, ...query } = request.query;
      const filter = { ...query, scope: scopeOf(request.principal) };
      return conformance(store, filter, designedFlowsFor(config.mining, filter.dataset), {
        page: p,
        pageSize,
      });
    },
  );

  app.get(
    '/api/v1/overview',
    {
      config: { access: 'analytics:processMap:view' },
      schema: {
        tags,
        summary: 'KPI tiles against the previous period, daily trend, breakdowns',
        querystring: query,
      },
    },
    async (request) => {
      const { lang: _lang, ...filter } = request.query;
      return overview(store, { ...filter, scope: scopeOf(request.principal) }, config.organization.timeZone);
    },
  );
};
