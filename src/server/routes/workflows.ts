import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { scopeOf } from '../../access/index.ts';
import { conversationsInScope, type Store } from '../../store/index.ts';
import {
  CONDITION_FIELDS,
  CONVERSATION_VARIABLES,
  ConflictError,
  conditionSchema,
  createWorkflow,
  deleteWorkflow,
  getWorkflow,
  listRuns,
  listWorkflows,
  NotFoundError,
  RUN_STATUSES,
  RUN_VARIABLES,
  stepSchema,
  TRIGGERS,
  updateWorkflow,
  type WorkflowService,
  workflowInputSchema,
} from '../../workflows/index.ts';
import { errorSchema } from '../schemas.ts';

const workflowSchema = z.object({
  id: z.number(),
  name: z.string(),
  enabled: z.boolean(),
  trigger: z.enum(TRIGGERS),
  conditions: z.array(conditionSchema),
  steps: z.array(stepSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const variableValue = z.union([z.string(), z.number(), z.null()]);
const variablesSchema = z.record(z.string(), variableValue);

const deliverySchema = z.object({
  id: z.number(),
  stepIndex: z.number().describe('0-based'),
  attempt: z.number(),
  startedAt: z.string(),
  durationMs: z.number(),
  status: z.enum(['ok', 'error']),
  responseCode: z.number().nullable(),
  error: z.string().nullable(),
});

const runSchema = z.object({
  id: z.number(),
  workflowId: z.number(),
  conversationId: z.string(),
  version: z
    .string()
    .describe(
      'the version of the closed conversation: a hash of its trigger variables (all but lastDataUpdate)',
    ),
  key: z.string().describe('workflowId:conversationId:version, sent as X-Caseflow-Event-Id'),
  status: z.enum(RUN_STATUSES),
  attempts: z.number(),
  nextAttemptAt: z.string().nullable(),
  completedSteps: z.array(z.number()),
  lastError: z.string().nullable(),
  variables: variablesSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  deliveries: z.array(deliverySchema),
});

const stepResultSchema = z.object({
  index: z.number(),
  type: z.enum(['http', 'sheets', 'warehouse']),
  name: z.string().nullable(),
  ok: z.boolean(),
  skipped: z.boolean().describe('not run because an earlier step failed'),
  responseCode: z.number().nullable(),
  error: z.string().nullable(),
  detail: z.string().nullable(),
  durationMs: z.number(),
});

const idParams = z.object({ id: z.coerce.number().int().positive() });
const notFound = (message: string) => ({ statusCode: 404, error: 'Not Found', message });

/** Workflows: definitions, runs and their delivery log, re-runs, "send a sample". */
export const workflowRoutes: FastifyPluginAsyncZod<{ workflows: WorkflowService; store: Store }> = async (
  app,
  { workflows, store },
) => {
  const db = workflows.db;
  // A workflow sends the closed conversations of every division: changing, testing or re-running one is for
  // holders of every division.
  app.addHook('preHandler', async (request, reply) => {
    if (request.routeOptions.config?.access !== 'workflows:workflow:edit') return;
    if (request.principal.divisions !== 'all')
      return reply.code(403).send({
        statusCode: 403,
        error: 'Forbidden',
        message:
          'changing, testing or re-running workflows needs every division: a workflow sends the conversations of all divisions',
      });
  });

  app.get(
    '/api/v1/workflows/variables',
    {
      config: { access: 'workflows:workflow:view' },
      schema: {
        summary: 'Trigger variables of "conversation closed" (conditions read the conversation ones)',
        tags: ['workflows'],
        response: {
          200: z.object({
            variables: z.array(
              z.object({
                name: z.string(),
                type: z.enum(['string', 'number', 'timestamp']),
                description: z.string(),
                condition: z.boolean().describe('usable in conditions'),
              }),
            ),
          }),
        },
      },
    },
    async () => ({
      variables: [...CONVERSATION_VARIABLES, ...RUN_VARIABLES].map((v) => ({
        name: v.name,
        type: v.type,
        description: v.description,
        condition: CONDITION_FIELDS.has(v.name),
      })),
    }),
  );

  app.get(
    '/api/v1/workflows',
    {
      config: { access: 'workflows:workflow:view' },
      schema: {
        summary: 'Workflows',
        tags: ['workflows'],
        response: { 200: z.object({ items: z.array(workflowSchema) }) },
      },
    },
    async () => ({ items: await listWorkflows(db) }),
  );

  app.post(
    '/api/v1/workflows',
    {
      config: { access: 'workflows:workflow:edit' },
      schema: {
        summary: 'Create a workflow (400 names the field or step at fault)',
        tags: ['workflows'],
        body: workflowInputSchema,
        response: { 201: workflowSchema, 400: errorSchema },
      },
    },
    async (request, reply) => {
      const created = await createWorkflow(db, request.body);
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/api/v1/workflows/:id',
    {
      config: { access: 'workflows:workflow:view' },
      schema: {
        summary: 'One workflow',
        tags: ['workflows'],
        params: idParams,
        response: { 200: workflowSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const workflow = await getWorkflow(db, request.params.id);
      return workflow ?? reply.code(404).send(notFound(`no workflow ${request.params.id}`));
    },
  );

  app.put(
    '/api/v1/workflows/:id',
    {
      config: { access: 'workflows:workflow:edit' },
      schema: {
        summary: 'Replace a workflow (queued runs use the new steps on their next attempt)',
        tags: ['workflows'],
        params: idParams,
        body: workflowInputSchema,
        response: { 200: workflowSchema, 400: errorSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const updated = await updateWorkflow(db, request.params.id, request.body);
      return updated ?? reply.code(404).send(notFound(`no workflow ${request.params.id}`));
    },
  );

  app.delete(
    '/api/v1/workflows/:id',
    {
      config: { access: 'workflows:workflow:edit' },
      schema: {
        summary: 'Delete a workflow with its runs, delivery log and queued deliveries',
        tags: ['workflows'],
        params: idParams,
        response: { 204: z.null(), 404: errorSchema },
      },
    },
    async (request, reply) => {
      if (!(await deleteWorkflow(db, request.params.id))) {
        return reply.code(404).send(notFound(`no workflow ${request.params.id}`));
      }
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/workflows/:id/test',
    {
      config: { access: 'workflows:workflow:edit' },
      schema: {
        summary:
          'Send a sample: run the steps once now with the latest closed conversation (or the one given); nothing is queued or logged',
        tags: ['workflows'],
        params: idParams,
        body: z.object({ conversationId: z.string().min(1).optional() }).nullish(),
        response: {
          200: z.object({
            workflowId: z.number(),
            conversationId: z.string(),
            version: z.string(),
            conditionsMatch: z
              .boolean()
              .describe('whether the conversation meets the conditions (run anyway)'),
            ok: z.boolean(),
            variables: variablesSchema,
            steps: z.array(stepResultSchema),
          }),
          404: errorSchema,
        },
      },
    },
    async (request, reply) => {
      try {
        return await workflows.test(request.params.id, request.body?.conversationId);
      } catch (error) {
        if (error instanceof NotFoundError) return reply.code(404).send(notFound(error.message));
        throw error;
      }
    },
  );

  app.get(
    '/api/v1/workflows/:id/runs',
    {
      config: { access: 'workflows:workflow:view' },
      schema: {
        summary: 'Runs of a workflow, newest first, with their delivery log (one entry per step attempt)',
        tags: ['workflows'],
        params: idParams,
        querystring: z.object({
          status: z.enum(RUN_STATUSES).optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: { 200: z.object({ items: z.array(runSchema) }), 404: errorSchema },
      },
    },
    async (request, reply) => {
      if (!(await getWorkflow(db, request.params.id))) {
        return reply.code(404).send(notFound(`no workflow ${request.params.id}`));
      }
      // Runs carry their conversation's variables: only those of the viewer's divisions, masked as the
      // viewer sees queues and wrap-up codes.
      const scope = scopeOf(request.principal);
      const runs = await listRuns(db, request.params.id, request.query);
      const visible = await conversationsInScope(
        store.db,
        scope,
        runs.map((r) => r.conversationId),
      );
      return {
        items: runs
          .filter((r) => visible.has(r.conversationId))
          .map((r) => ({
            ...r,
            variables: {
              ...r.variables,
              ...(scope.maskQueues && 'queue' in r.variables ? { queue: null } : {}),
              ...(scope.maskWrapUpCodes && 'wrapUpCode' in r.variables ? { wrapUpCode: null } : {}),
            },
          })),
      };
    },
  );

  app.post(
    '/api/v1/workflows/runs/:runId/rerun',
    {
      config: { access: 'workflows:workflow:edit' },
      schema: {
        summary:
          'Re-run: a dead run is queued again (steps that succeeded are not repeated), a delivered one is sent again, a waiting one is tried now',
        tags: ['workflows'],
        params: z.object({ runId: z.coerce.number().int().positive() }),
        response: { 202: runSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (request, reply) => {
      try {
        return reply.code(202).send(await workflows.rerun(request.params.runId));
      } catch (error) {
        if (error instanceof NotFoundError) return reply.code(404).send(notFound(error.message));
        if (error instanceof ConflictError) {
          return reply.code(409).send({ statusCode: 409, error: 'Conflict', message: error.message });
        }
        throw error;
      }
    },
  );
};
