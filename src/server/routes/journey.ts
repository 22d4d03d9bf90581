import type { ServerResponse } from 'node:http';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can } from '../../access/index.ts';
import type { CaseflowConfig } from '../../config/index.ts';
import {
  type Clock,
  CustomerNotFoundError,
  customerSchema,
  customerSummarySchema,
  DEFAULT_JOURNEY_LIMIT,
  JourneyService,
  type JourneyView,
  journeySchema,
  journeyViewOf,
  MAX_EVENTS_PER_REQUEST,
  MAX_SEARCH_CANDIDATES,
  sameView,
  systemClock,
} from '../../journey/index.ts';
import type { OperationalStore, Store } from '../../store/index.ts';
import type { Authenticator } from '../access.ts';
import { errorSchema } from '../schemas.ts';

export interface JourneyRoutesOptions {
  store: Store;
  config: CaseflowConfig;
  /** Journey events are stored there; without it, journeys hold the synced data and no events are taken. */
  operational?: OperationalStore | undefined;
  clock?: Clock | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  /** The app's authenticator: live streams check their credentials again at each heartbeat (none in dev mode). */
  authenticator?: Authenticator | null | undefined;
  /** The app's journey service (shared with work automation's blending list); made here when absent. */
  service?: JourneyService | undefined;
}

const idParams = z.object({
  id: z
    .string()
    .min(1)
    .describe(
      "the customer id (cus-…), or any identifier key of the customer that the viewer sees, URL-encoded (e.g. 'phone:+33612345678')",
    ),
});
const notFound = (error: CustomerNotFoundError) => ({
  statusCode: 404,
  error: 'Not Found',
  message: error.message,
});
const badRequest = (message: string) => ({ statusCode: 400, error: 'Bad Request', message });

const rejectionSchema = z.object({
  index: z.number().describe('position of the event in the request (0 for a single event)'),
  field: z.string().describe("e.g. 'occurredAt', 'customer.phone'; '(event)' for the event as a whole"),
  message: z.string(),
});

const eventBody = z
  .looseObject({ events: z.array(z.unknown()).optional() })
  .describe(
    `one event, or {"events": [...]} (at most ${MAX_EVENTS_PER_REQUEST}). Event: {id, type (web.visit | web.pageView | web.contentOffer | message.inbound | message.outbound | interaction.started | interaction.ended), occurredAt (ISO-8601, at most 5 min ahead), customer {externalContactId?, phone?, email?, messagingAddress?} (at least one), conversationId? (required by message.* and interaction.*), channel?, direction? (inbound | outbound), queue?, agent?, title?, url?, attributes? {name: string | number | boolean | null}, divisionId?}. Each event is validated on its own.`,
  );

/**
 * Customer journeys (README "Customer journey"): customers by identifier or conversation, a customer's
 * identifiers, the journey and its live stream; journey events in, and the rejected ones.
 */
export const journeyRoutes: FastifyPluginAsyncZod<JourneyRoutesOptions> = async (app, options) => {
  const journeys =
    options.service ??
    new JourneyService({
      store: options.store,
      db: options.operational?.db ?? null,
      config: options.config,
      clock: options.clock ?? systemClock,
      ...(options.env ? { env: options.env } : {}),
    });

  app.get(
    '/api/v1/customers',
    {
      config: { access: 'journey:event:view' },
      schema: {
        summary: 'Find customers by identifier, or the customer of a conversation',
        tags: ['journey'],
        querystring: z.object({
          q: z
            .string()
            .optional()
            .describe(
              'a phone number, e-mail or messaging address, external contact id, identifier key, or part of one; matches the identifiers you see on the customer’s interactions (your divisions) only',
            ),
          conversationId: z.string().optional().describe('the customer of this conversation'),
          limit: z.coerce.number().int().min(1).max(MAX_SEARCH_CANDIDATES).default(20),
        }),
        response: { 200: z.object({ items: z.array(customerSummarySchema) }), 400: errorSchema },
      },
    },
    async (request, reply) => {
      const { q, conversationId, limit } = request.query;
      if (!q?.trim() && !conversationId)
        return reply.code(400).send(badRequest('querystring: give q (an identifier) or conversationId'));
      const items = await journeys.customers({ q, conversationId, limit }, journeyViewOf(request.principal));
      return { items };
    },
  );

  app.get(
    '/api/v1/customers/:id',
    {
      config: { access: 'externalContacts:session:view' },
      schema: {
        summary: 'A customer and every identifier seen on their interactions',
        tags: ['journey'],
        params: idParams,
        response: { 200: customerSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      try {
        return await journeys.customer(request.params.id, journeyViewOf(request.principal));
      } catch (error) {
        if (error instanceof CustomerNotFoundError) return reply.code(404).send(notFound(error));
        throw error;
      }
    },
  );

  app.get(
    '/api/v1/customers/:id/journey',
    {
      config: { access: 'journey:event:view' },
      schema: {
        summary: "A customer's interactions across channels, newest first, with their live status",
        tags: ['journey'],
        params: idParams,
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(5000).default(DEFAULT_JOURNEY_LIMIT),
        }),
        response: { 200: journeySchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      try {
        return await journeys.journey(
          request.params.id,
          journeyViewOf(request.principal),
          request.query.limit,
        );
      } catch (error) {
        if (error instanceof CustomerNotFoundError) return reply.code(404).send(notFound(error));
        throw error;
      }
    },
  );

  /**
   * Whether the credentials of a live stream's request still give the view it shows (signed out, user
   * disabled, token revoked, roles or divisions changed: no). Dev mode has no credentials to check.
   */
  const stillAllowed = async (request: FastifyRequest, view: JourneyView): Promise<boolean> => {
    if (!options.authenticator) return true;
    const principal = await options.authenticator.authenticate(request);
    return (
      principal !== null && can(principal, 'journey:event:view') && sameView(journeyViewOf(principal), view)
    );
  };

  // Live streams never end by themselves: the server ends them when it closes, or it would wait for them.
  const open = new Set<ServerResponse>();
  app.addHook('preClose', async () => {
    for (const response of open) response.end();
  });

  app.get(
    '/api/v1/customers/:id/journey/live',
    {
      config: { access: 'journey:event:view' },
      schema: {
        summary: 'Live journey (server-sent events): status changes, journey changes, heartbeats',
        description:
          '`event: status` data {id, status} for every interaction on connect, then whenever a status changes; `event: journey` data {changed: true} when interactions were added or changed (refetch the journey); comment lines as heartbeats.',
        tags: ['journey'],
        params: idParams,
        response: { 404: errorSchema },
      },
    },
    async (request, reply) => {
      const view = journeyViewOf(request.principal);
      let stream: Awaited<ReturnType<JourneyService['openStream']>>;
      try {
        stream = await journeys.openStream(request.params.id, view);
      } catch (error) {
        if (error instanceof CustomerNotFoundError) return reply.code(404).send(notFound(error));
        throw error;
      }
      reply.hijack();
      const response = reply.raw;
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      open.add(response);
      response.on('close', () => {
        open.delete(response);
        stream.close();
      });
      stream.start({ write: (chunk) => response.write(chunk), end: () => response.end() }, () =>
        stillAllowed(request, view),
      );
      return reply;
    },
  );

  if (!journeys.acceptsEvents) return;

  app.post(
    '/api/v1/journey/events',
    {
      config: { access: 'journey:event:add' },
      bodyLimit: 8 * 1024 * 1024,
      schema: {
        summary: 'Send journey events (idempotent by event id; each event validated on its own)',
        tags: ['journey'],
        body: eventBody,
        response: {
          200: z.object({
            accepted: z.number().describe('events stored now'),
            duplicates: z.number().describe('events whose id was already stored: nothing changed'),
            rejected: z
              .array(rejectionSchema)
              .describe('one entry per problem; the events are in the quarantine'),
          }),
          400: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const events = body.events ?? [body];
      if (events.length > MAX_EVENTS_PER_REQUEST)
        return reply
          .code(400)
          .send(
            badRequest(
              `body.events: at most ${MAX_EVENTS_PER_REQUEST} events per request, got ${events.length}; nothing was stored`,
            ),
          );
      return journeys.ingest(events, request.principal);
    },
  );

  app.get(
    '/api/v1/journey/events/rejected',
    {
      config: { access: 'journey:event:add' },
      schema: {
        summary: 'Rejected journey events (the quarantine), newest first',
        description:
          'The events you sent and those meant for one of your divisions; every event for a user of every division.',
        tags: ['journey'],
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          before: z.coerce
            .number()
            .int()
            .positive()
            .optional()
            .describe('the id of the last item of the previous page'),
        }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.number(),
                receivedAt: z.string(),
                index: z.number().describe('position of the event in its request'),
                eventId: z.string().nullable(),
                problems: z.array(z.object({ field: z.string(), message: z.string() })),
                event: z.unknown().describe('the event as sent'),
                sentBy: z.string().nullable().describe('the user id of the sender'),
                divisionId: z
                  .string()
                  .nullable()
                  .describe('the division the event was meant for, when the sender may write to it'),
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({ items: await journeys.rejected(request.query, request.principal) }),
  );
};
