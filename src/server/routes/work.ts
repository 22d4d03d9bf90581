import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can, type Principal, scopeOf } from '../../access/index.ts';
import type { JourneyService } from '../../journey/index.ts';
import type { Store } from '../../store/index.ts';
import { agentOfUser } from '../../work/agents.ts';
import { blend, recentInteractions } from '../../work/blending.ts';
import type { RoutingEngine } from '../../work/engine.ts';
import {
  ATTRIBUTE_TYPES,
  agentFieldsSchema,
  agentInputSchema,
  attributeValueSchema,
  createAgent,
  createQueue,
  createWorkbin,
  createWorkType,
  deleteAgent,
  deleteQueue,
  deleteWorkbin,
  deleteWorkType,
  escalationRulesSchema,
  getAgent,
  getQueue,
  getWorkbin,
  getWorkType,
  LIST_ORDERS,
  listAgents,
  listQueues,
  listWorkbins,
  listWorkTypes,
  MAX_BULK_ITEMS,
  MEDIA_TYPES,
  PRESENCES,
  queueFieldsSchema,
  queueInputSchema,
  ROUTING_METHODS,
  replaceAgent,
  replaceQueue,
  replaceWorkbin,
  replaceWorkType,
  requiredSkillSchema,
  setPresence,
  slaPolicySchema,
  TRANSITIONS,
  TransitionRefusedError,
  transitionSchema,
  WORK_ACTIONS,
  WORK_EVENT_NAMES,
  WORK_ITEM_STATUSES,
  WORKBIN_OWNER_KINDS,
  type WorkActor,
  WorkConflictError,
  type WorkContext,
  WorkNotFoundError,
  type WorkService,
  WorkValidationError,
  workbinFieldsSchema,
  workbinInputSchema,
  workItemInputSchema,
  workItemPatchSchema,
  workTypeFieldsSchema,
  workTypeInputSchema,
} from '../../work/index.ts';
import { workOverview } from '../../work/overview.ts';
import type { StreamMessage, WorkStream } from '../../work/stream.ts';
import type { Authenticator } from '../access.ts';
import { errorSchema } from '../schemas.ts';

/**
 * Work automation's REST API (README "Work automation"): work items under /api/v1/work/items (create
 * idempotently, in bulk, list, read, update, lifecycle actions) and the definitions — work types, queues,
 * workbins, agents. Reading needs work:item:view, working on items work:item:edit, changing definitions
 * work:admin. Everything is limited to the caller's divisions.
 */

const workErrorSchema = errorSchema.extend({
  problems: z
    .array(z.object({ field: z.string(), message: z.string() }))
    .optional()
    .describe('400: by field'),
  status: z.enum(WORK_ITEM_STATUSES).optional().describe('409 on a refused action: the item’s status'),
  action: z.enum(WORK_ACTIONS).optional().describe('409 on a refused action: the action refused'),
  allowedActions: z
    .array(z.enum(WORK_ACTIONS))
    .optional()
    .describe('409 on a refused action: what is allowed'),
  version: z.number().optional().describe('409 on a stale expectedVersion: the current version'),
});
const errors = { 400: workErrorSchema, 403: workErrorSchema, 404: workErrorSchema, 409: workErrorSchema };

/** Actions on any item that only supervisors take (work:item:assign); agents claim, decline, work. */
const SUPERVISOR_ACTIONS: ReadonlySet<string> = new Set(['assign', 'move', 'escalate']);

const forbidden = (reply: FastifyReply, message: string) =>
  reply.code(403).send({ statusCode: 403, error: 'Forbidden', message });

const stamps = { createdAt: z.string(), updatedAt: z.string() };

const workTypeSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  divisionId: z.string(),
  defaultQueueId: z.string().nullable(),
  defaultWorkbinId: z.string().nullable(),
  priority: z.number(),
  slaSeconds: z.number().nullable(),
  requiredSkills: z.array(requiredSkillSchema),
  attributeSchema: z.record(
    z.string(),
    z.object({
      type: z.enum(ATTRIBUTE_TYPES),
      required: z.boolean().optional(),
      enum: z.array(z.union([z.string(), z.number()])).optional(),
    }),
  ),
  waitingStatuses: z.array(z.string()),
  slaEscalation: slaPolicySchema.nullable(),
  callback: z
    .object({ url: z.string(), secretEnv: z.string().optional(), transitions: z.array(z.enum(WORK_ACTIONS)) })
    .nullable(),
  ...stamps,
});

const queueSchema = z.object({
  id: z.string(),
  name: z.string(),
  divisionId: z.string(),
  routingMethod: z.enum(ROUTING_METHODS),
  escalation: escalationRulesSchema,
  ...stamps,
});

const workbinSchema = z.object({
  id: z.string(),
  name: z.string(),
  divisionId: z.string(),
  ownerKind: z.enum(WORKBIN_OWNER_KINDS),
  ownerId: z.string(),
  ...stamps,
});

const agentSchema = z.object({
  id: z.string(),
  userId: z.string().nullable(),
  externalAgentId: z.string().nullable(),
  name: z.string(),
  divisionId: z.string(),
  skills: z.record(z.string(), z.number()),
  languages: z.array(z.string()),
  capacity: z.partialRecord(z.enum(MEDIA_TYPES), z.number()),
  queues: z.array(z.string()),
  teams: z.array(z.string()),
  presence: z.enum(PRESENCES),
  lastIdleAt: z.string().nullable(),
  ...stamps,
});

const workItemSchema = z.object({
  id: z.string(),
  typeId: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  externalReference: z.string().nullable(),
  sourceSystem: z.string().nullable(),
  customer: z.string().nullable(),
  serviceRequest: z.string().nullable(),
  priority: z.number().describe('higher is more urgent; routing and pull lists order by it'),
  basePriority: z.number().describe('what re-prioritization starts from'),
  dueAt: z.string().nullable(),
  status: z.enum(WORK_ITEM_STATUSES),
  waitingStatus: z.string().nullable(),
  assigneeId: z.string().nullable(),
  queueId: z.string().nullable(),
  workbinId: z.string().nullable(),
  requiredSkills: z.array(requiredSkillSchema),
  language: z.string().nullable(),
  attributes: z.record(z.string(), attributeValueSchema),
  divisionId: z.string(),
  version: z.number().describe('rises by one at every change; send it back as expectedVersion'),
  createdBy: z.string(),
  ...stamps,
  queuedAt: z.string().nullable(),
  assignedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  escalatedAt: z.string().nullable(),
  allowedActions: z.array(z.enum(WORK_ACTIONS)).describe('what the item’s status allows now'),
});

const workItemEventSchema = z.object({
  id: z.number(),
  itemId: z.string(),
  seq: z.number(),
  name: z.enum(WORK_EVENT_NAMES),
  action: z.enum([...WORK_ACTIONS, 'create']),
  status: z.enum(WORK_ITEM_STATUSES),
  queueId: z.string().nullable(),
  assigneeId: z.string().nullable(),
  at: z.string(),
  actor: z.string(),
  details: z.record(z.string(), z.unknown()),
});

const STATUS_LIST = new RegExp(`^(${WORK_ITEM_STATUSES.join('|')})(,(${WORK_ITEM_STATUSES.join('|')}))*$`);

const listQuery = z.object({
  status: z
    .string()
    .regex(STATUS_LIST, `must be statuses separated by commas: ${WORK_ITEM_STATUSES.join(', ')}`)
    .optional()
    .describe('e.g. queued,assigned'),
  typeId: z.string().optional(),
  queueId: z.string().optional(),
  workbinId: z.string().optional(),
  assigneeId: z.string().optional(),
  customer: z.string().optional().describe('identifier key, e.g. phone:+33612345678'),
  serviceRequest: z.string().optional(),
  order: z
    .enum(LIST_ORDERS)
    .default('priority')
    .describe('priority: highest first then nearest due date; due: nearest first; created: newest first'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

const idParams = z.object({ id: z.string().min(1) });
const itemParams = z.object({ id: z.uuid({ error: 'must be a work item id (uuid)' }) });

const actorOfPrincipal = (principal: Principal): WorkActor => ({
  id: principal.userId || principal.username,
  divisions: principal.divisions,
});
const actorOf = (request: FastifyRequest): WorkActor => actorOfPrincipal(request.principal);

function sendWorkError(error: unknown, reply: FastifyReply) {
  const body = (statusCode: number, name: string, message: string) => ({ statusCode, error: name, message });
  if (error instanceof WorkNotFoundError) return reply.code(404).send(body(404, 'Not Found', error.message));
  if (error instanceof WorkValidationError)
    return reply
      .code(400)
      .send({ ...body(400, 'Bad Request', error.message), problems: [...error.problems] });
  if (error instanceof TransitionRefusedError)
    return reply.code(409).send({
      ...body(409, 'Conflict', error.message),
      status: error.status,
      action: error.action,
      allowedActions: [...error.allowed],
    });
  if (error instanceof WorkConflictError)
    return reply.code(409).send({
      ...body(409, 'Conflict', error.message),
      ...(error.version !== undefined ? { version: error.version } : {}),
    });
  throw error;
}

/** Work items, their lifecycle and the definitions of work automation. */
export const workRoutes: FastifyPluginAsyncZod<{
  work: WorkService;
  routing?: RoutingEngine;
  stream?: WorkStream;
  /** The app's authenticator: the agent stream checks its credentials again at each heartbeat (none in dev mode). */
  authenticator?: Authenticator | null;
  /** The agent stream's heartbeat (and credentials check) period, ms; default 15 s. */
  heartbeatMs?: number;
  /** The analytics store and the journeys: the agents' recent interactions in the blending list. */
  store?: Store;
  journeys?: JourneyService;
}> = async (app, { work, routing, stream, authenticator, heartbeatMs = 15_000, store, journeys }) => {
  const ctx: WorkContext = work.ctx;
  app.setErrorHandler((error, _request, reply) => sendWorkError(error, reply));

  app.get(
    '/api/v1/work/lifecycle',
    {
      config: { access: 'work:item:view' },
      schema: {
        summary:
          'The work-item state machine: every action, the statuses it starts from and leads to, its event',
        tags: ['work'],
        response: {
          200: z.object({
            statuses: z.array(z.enum(WORK_ITEM_STATUSES)),
            transitions: z.array(
              z.object({
                action: z.enum(WORK_ACTIONS),
                from: z.array(z.enum(WORK_ITEM_STATUSES)),
                to: z.union([z.enum(WORK_ITEM_STATUSES), z.literal('unchanged')]),
                event: z.enum(WORK_EVENT_NAMES),
              }),
            ),
          }),
        },
      },
    },
    async () => ({
      statuses: [...WORK_ITEM_STATUSES],
      transitions: WORK_ACTIONS.map((action) => ({
        action,
        from: [...TRANSITIONS[action].from],
        to: TRANSITIONS[action].to,
        event: TRANSITIONS[action].event,
      })),
    }),
  );

  // Work items.

  app.post(
    '/api/v1/work/items',
    {
      config: { access: 'work:item:edit' },
      schema: {
        summary:
          'Create a work item (201); with an Idempotency-Key already used for the same request, the item made then (200)',
        description:
          'Defaults come from the work type (queue, workbin, priority, due date = now + SLA, required skills). ' +
          'Attributes are checked against the work type’s schema; 400 lists every problem by field. The same ' +
          'Idempotency-Key (per sourceSystem) with another request is a 409.',
        tags: ['work'],
        headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }),
        body: workItemInputSchema,
        response: { 200: workItemSchema, 201: workItemSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { item, created } = await work.createItem(
        request.body,
        { idempotencyKey: request.headers['idempotency-key'] },
        actorOf(request),
      );
      return reply.code(created ? 201 : 200).send(item);
    },
  );

  app.post(
    '/api/v1/work/items/bulk',
    {
      config: { access: 'work:item:edit' },
      schema: {
        summary:
          'Create many work items: each is created, found (same idempotencyKey) or rejected on its own',
        description: `At most ${MAX_BULK_ITEMS} items, each as the body of POST /api/v1/work/items plus an optional idempotencyKey.`,
        tags: ['work'],
        body: z.object({ items: z.array(z.unknown()).min(1).max(MAX_BULK_ITEMS) }),
        response: {
          200: z.object({
            created: z.number(),
            existing: z.number(),
            rejected: z.number(),
            results: z.array(
              z.object({
                index: z.number(),
                outcome: z.enum(['created', 'existing', 'rejected']),
                item: workItemSchema.optional(),
                problems: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
              }),
            ),
          }),
          400: workErrorSchema,
        },
      },
    },
    async (request) => {
      const results = await work.createItems(request.body.items, actorOf(request));
      const count = (outcome: string) => results.filter((r) => r.outcome === outcome).length;
      return { created: count('created'), existing: count('existing'), rejected: count('rejected'), results };
    },
  );

  app.get(
    '/api/v1/work/items',
    {
      config: { access: 'work:item:view' },
      schema: {
        summary: 'Work items of your divisions, filtered and paged',
        tags: ['work'],
        querystring: listQuery,
        response: {
          200: z.object({
            items: z.array(workItemSchema),
            total: z.number(),
            limit: z.number(),
            offset: z.number(),
          }),
        },
      },
    },
    async (request) => {
      const { status, ...filter } = request.query;
      const statuses = status?.split(',') as (typeof WORK_ITEM_STATUSES)[number][] | undefined;
      const page = await work.listItems(
        { ...filter, ...(statuses ? { status: statuses } : {}) },
        actorOf(request),
      );
      return { ...page, limit: filter.limit, offset: filter.offset };
    },
  );

  app.get(
    '/api/v1/work/items/:id',
    {
      config: { access: 'work:item:view' },
      schema: {
        summary: 'One work item',
        tags: ['work'],
        params: itemParams,
        response: { 200: workItemSchema, ...errors },
      },
    },
    async (request) => work.getItem(request.params.id, actorOf(request)),
  );

  app.get(
    '/api/v1/work/items/:id/events',
    {
      config: { access: 'work:item:view' },
      schema: {
        summary: 'A work item’s lifecycle events, in order',
        tags: ['work'],
        params: itemParams,
        response: { 200: z.object({ events: z.array(workItemEventSchema) }), ...errors },
      },
    },
    async (request) => ({ events: await work.itemEvents(request.params.id, actorOf(request)) }),
  );

  app.patch(
    '/api/v1/work/items/:id',
    {
      config: { access: 'work:item:edit' },
      schema: {
        summary:
          'Change an open work item: title, description, priority, due date, attributes (409 once finished)',
        tags: ['work'],
        params: itemParams,
        body: workItemPatchSchema,
        response: { 200: workItemSchema, ...errors },
      },
    },
    async (request) => work.updateItem(request.params.id, request.body, actorOf(request)),
  );

  app.post(
    '/api/v1/work/items/:id/transitions',
    {
      config: { access: 'work:item:edit' },
      schema: {
        summary:
          'A lifecycle action: queue, move, escalate, assign, claim, decline, start, pause, resume, wait, complete, cancel',
        description:
          'See GET /api/v1/work/lifecycle. 409 when the item’s status does not allow the action (with the allowed ' +
          'ones), when expectedVersion is stale, or when the agent is at its workitem capacity. claim: of ' +
          'concurrent claims exactly one wins; without agentId, the caller’s own agent claims.',
        tags: ['work'],
        params: itemParams,
        body: transitionSchema,
        response: { 200: z.object({ item: workItemSchema, event: workItemEventSchema }), ...errors },
      },
    },
    async (request, reply) => {
      if (SUPERVISOR_ACTIONS.has(request.body.action) && !can(request.principal, 'work:item:assign'))
        return forbidden(reply, `${request.body.action} needs the permission work:item:assign`);
      return work.transition(request.params.id, request.body, actorOf(request));
    },
  );

  // Definitions: the same five routes for each kind.
  definitionRoutes(app, ctx, {
    path: '/api/v1/work/types',
    noun: 'work type',
    input: workTypeInputSchema,
    fields: workTypeFieldsSchema,
    output: workTypeSchema,
    list: listWorkTypes,
    get: getWorkType,
    create: createWorkType,
    replace: replaceWorkType,
    remove: deleteWorkType,
  });
  definitionRoutes(app, ctx, {
    path: '/api/v1/work/queues',
    noun: 'queue',
    input: queueInputSchema,
    fields: queueFieldsSchema,
    output: queueSchema,
    list: listQueues,
    get: getQueue,
    create: createQueue,
    replace: replaceQueue,
    remove: deleteQueue,
    changed: () => routing?.queuesChanged(),
  });
  definitionRoutes(app, ctx, {
    path: '/api/v1/work/workbins',
    noun: 'workbin',
    input: workbinInputSchema,
    fields: workbinFieldsSchema,
    output: workbinSchema,
    list: listWorkbins,
    get: getWorkbin,
    create: createWorkbin,
    replace: replaceWorkbin,
    remove: deleteWorkbin,
  });
  definitionRoutes(app, ctx, {
    path: '/api/v1/work/agents',
    noun: 'agent',
    input: agentInputSchema,
    fields: agentFieldsSchema,
    output: agentSchema,
    list: listAgents,
    get: getAgent,
    create: createAgent,
    replace: replaceAgent,
    remove: deleteAgent,
    changed: (id) => routing?.agentChanged(id),
  });

  app.put(
    '/api/v1/work/agents/:id/presence',
    {
      config: { access: 'work:item:edit' },
      schema: {
        summary:
          'Set an agent’s presence; becoming available starts their idle time (routing: longest idle first)',
        tags: ['work'],
        params: idParams,
        body: z.object({ presence: z.enum(PRESENCES) }),
        response: { 200: agentSchema, ...errors },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      if (!can(request.principal, 'work:item:assign')) {
        const own = await agentOfUser(ctx, actor.id);
        if (own?.id !== request.params.id)
          return forbidden(reply, 'setting another agent’s presence needs the permission work:item:assign');
      }
      const agent = await setPresence(ctx, actor, request.params.id, request.body.presence);
      routing?.agentChanged(agent.id);
      return agent;
    },
  );

  app.get(
    '/api/v1/work/me',
    {
      config: { access: 'work:item:view' },
      schema: {
        summary: 'The agent linked to the signed-in user (null when they are none)',
        tags: ['work'],
        response: { 200: z.object({ agent: agentSchema.nullable() }) },
      },
    },
    async (request) => ({ agent: (await agentOfUser(ctx, actorOf(request).id)) ?? null }),
  );

  app.get(
    '/api/v1/work/overview',
    {
      config: { access: 'work:item:view' },
      schema: {
        summary:
          'Supervisor view: queues (depth, oldest item, items at SLA risk), agents and their load, items at risk',
        tags: ['work'],
        response: {
          200: z.object({
            asOf: z.string(),
            queues: z.array(
              z.object({
                id: z.string(),
                name: z.string(),
                routing: z.enum(ROUTING_METHODS),
                depth: z.number().describe('items waiting in the queue'),
                oldestQueuedAt: z.string().nullable(),
                atSlaRisk: z.number().describe('open items past their SLA escalation threshold or overdue'),
              }),
            ),
            agents: z.array(
              z.object({
                id: z.string(),
                name: z.string(),
                presence: z.enum(PRESENCES),
                load: z.number().describe('items assigned, in progress or paused'),
                capacity: z.number().describe('work items at once'),
                lastIdleAt: z.string().nullable(),
              }),
            ),
            atRisk: z.array(workItemSchema).describe('open items nearest their due date (at most 50)'),
          }),
        },
      },
    },
    async (request) => workOverview(ctx, actorOf(request)),
  );

  app.get(
    '/api/v1/work/me/list',
    {
      config: { access: 'work:item:view' },
      schema: {
        summary: 'The signed-in agent’s open work items and interactions of the last 7 days (blending list)',
        description:
          'Newest first: work items by their last change, interactions (conversations of the agent’s externalAgentId ' +
          'on the contact-center platform, in your divisions) by their start, each with its customer’s journey id ' +
          'and its case.',
        tags: ['work'],
        response: {
          200: z.object({
            items: z.array(
              z.discriminatedUnion('kind', [
                z.object({ kind: z.literal('workItem'), item: workItemSchema }),
                z.object({
                  kind: z.literal('interaction'),
                  conversationId: z.string(),
                  channel: z.string().nullable(),
                  startedAt: z.string(),
                  customerId: z.string().nullable().describe('the customer’s journey id'),
                  serviceRequest: z.string().nullable().describe('the case'),
                }),
              ]),
            ),
          }),
        },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const agent = await agentOfUser(ctx, actor.id);
      if (!agent) return { items: [] };
      const open = WORK_ITEM_STATUSES.filter((s) => s !== 'completed' && s !== 'cancelled');
      const { items } = await work.listItems(
        { assigneeId: agent.id, status: open, order: 'priority', limit: 500, offset: 0 },
        actor,
      );
      const interactions =
        agent.externalAgentId && store
          ? await recentInteractions(
              store,
              journeys ?? null,
              agent.externalAgentId,
              scopeOf(request.principal),
              ctx.now().getTime(),
            )
          : [];
      return { items: blend(items, interactions) };
    },
  );

  if (!stream) return;
  // Live streams never end by themselves: the server ends them when it closes.
  const streams = new Set<ServerResponse>();
  app.addHook('preClose', async () => {
    for (const response of streams) response.end();
  });

  /**
   * Whether a stream's request still signs in the same user with work:item:view and the same divisions
   * (signed out, user disabled, token revoked, role or divisions changed: no — the client reconnects).
   */
  const stillAllowed = async (request: FastifyRequest, actor: WorkActor): Promise<boolean> => {
    if (!authenticator) return true;
    const principal = await authenticator.authenticate(request);
    if (!principal || !can(principal, 'work:item:view')) return false;
    const now = actorOfPrincipal(principal);
    return now.id === actor.id && JSON.stringify(now.divisions) === JSON.stringify(actor.divisions);
  };

  app.get(
    '/api/v1/work/me/stream',
    {
      config: { access: 'work:item:view' },
      schema: {
        summary: 'Live notifications of the signed-in agent (server-sent events)',
        description:
          '`event: offer` data {itemId, offeredAt, expiresAt}: an item pushed to you (accept: transition start; ' +
          'decline: transition decline; no answer by expiresAt: declined for you and offered to the next agent). ' +
          '`event: item` data {itemId, status, version}: one of your items changed. `event: alert` (holders of ' +
          'work:item:assign) data {itemId, queueId, rule, supervisorId, at}: a queue’s no-agent rule alerts a ' +
          'supervisor. Comment lines every 15 s as heartbeats; the stream ends when its credentials no longer give ' +
          'work:item:view (signed out, user disabled, token revoked) or the user’s divisions changed.',
        tags: ['work'],
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const agent = await agentOfUser(ctx, actor.id);
      reply.hijack();
      const response = reply.raw;
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      response.write(': connected\n\n');
      streams.add(response);
      const send = (message: StreamMessage) =>
        response.write(`event: ${message.event}\ndata: ${JSON.stringify(message.data)}\n\n`);
      const unsubscribe = await stream.subscribe({
        agentId: agent?.id ?? null,
        userId: actor.id,
        supervisor: can(request.principal, 'work:item:assign'),
        divisions: actor.divisions,
        send,
      });
      let checking = false;
      const heartbeat = setInterval(() => {
        response.write(': heartbeat\n\n');
        if (checking) return;
        checking = true;
        void stillAllowed(request, actor)
          .catch(() => false)
          .then((allowed) => {
            checking = false;
            if (!allowed) response.end();
          });
      }, heartbeatMs);
      response.on('close', () => {
        clearInterval(heartbeat);
        streams.delete(response);
        unsubscribe();
      });
      return reply;
    },
  );
};

interface DefinitionSpec<In extends z.ZodType, Fields extends z.ZodType, Out extends z.ZodType> {
  path: string;
  noun: string;
  input: In;
  fields: Fields;
  output: Out;
  list(ctx: WorkContext, actor: WorkActor): Promise<z.output<Out>[]>;
  get(ctx: WorkContext, actor: WorkActor, id: string): Promise<z.output<Out>>;
  create(ctx: WorkContext, actor: WorkActor, input: z.output<In>): Promise<z.output<Out>>;
  replace(ctx: WorkContext, actor: WorkActor, id: string, fields: z.output<Fields>): Promise<z.output<Out>>;
  remove(ctx: WorkContext, actor: WorkActor, id: string): Promise<void>;
  /** After a create, replace or delete (routing reads what changed). */
  changed?: (id: string) => void;
}

/**
 * List, read (work:item:view), create, replace, delete (work:admin) one kind of definition. The schemas
 * validate and serialize as on every route; TypeScript cannot follow a generic schema through the zod type
 * provider, so the handlers read the validated body and params by their schema's type.
 */
function definitionRoutes<In extends z.ZodType, Fields extends z.ZodType, Out extends z.ZodType>(
  app: FastifyInstance,
  ctx: WorkContext,
  d: DefinitionSpec<In, Fields, Out>,
): void {
  const tags = ['work'];
  app.get(
    d.path,
    {
      config: { access: 'work:item:view' },
      schema: {
        summary: `The ${d.noun}s of your divisions`,
        tags,
        response: { 200: z.object({ items: z.array(d.output) }) },
      },
    },
    async (request) => ({ items: await d.list(ctx, actorOf(request)) }),
  );
  app.get(
    `${d.path}/:id`,
    {
      config: { access: 'work:item:view' },
      schema: { summary: `One ${d.noun}`, tags, params: idParams, response: { 200: d.output, ...errors } },
    },
    async (request) => d.get(ctx, actorOf(request), idOf(request)),
  );
  app.post(
    d.path,
    {
      config: { access: 'work:admin' },
      schema: {
        summary: `Create a ${d.noun} (409 when the id is taken)`,
        tags,
        body: d.input,
        response: { 201: d.output, ...errors },
      },
    },
    async (request, reply) => {
      const created = await d.create(ctx, actorOf(request), request.body as z.output<In>);
      d.changed?.((request.body as { id: string }).id);
      return reply.code(201).send(created);
    },
  );
  app.put(
    `${d.path}/:id`,
    {
      config: { access: 'work:admin' },
      schema: {
        summary: `Replace a ${d.noun}`,
        tags,
        params: idParams,
        body: d.fields,
        response: { 200: d.output, ...errors },
      },
    },
    async (request) => {
      const replaced = await d.replace(
        ctx,
        actorOf(request),
        idOf(request),
        request.body as z.output<Fields>,
      );
      d.changed?.(idOf(request));
      return replaced;
    },
  );
  app.delete(
    `${d.path}/:id`,
    {
      config: { access: 'work:admin' },
      schema: {
        summary: `Delete a ${d.noun} (409 while in use)`,
        tags,
        params: idParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await d.remove(ctx, actorOf(request), idOf(request));
      d.changed?.(idOf(request));
      return reply.code(204).send(null);
    },
  );
}

const idOf = (request: FastifyRequest): string => (request.params as z.output<typeof idParams>).id;
