import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { WorkActor } from '../../work/actor.ts';
import type { CallbackDispatcher } from '../../work/callback-dispatcher.ts';
import { CALLBACK_STATUSES, getCallback, listCallbacks } from '../../work/callback-log.ts';
import { WorkConflictError, WorkNotFoundError } from '../../work/errors.ts';
import { errorSchema } from '../schemas.ts';

/**
 * The calls back to source systems (README "Work automation", callbacks): the list of callback messages
 * by status, one with its delivery log, and the manual replay of a dead or delivered one. work:admin,
 * limited to the caller's divisions (a callback is its item's).
 */

const callbackSchema = z.object({
  id: z.number(),
  eventId: z.string().describe('itemId:seq, sent as X-Caseflow-Event-Id'),
  itemId: z.string().nullable(),
  typeId: z.string().nullable(),
  action: z.string().nullable(),
  status: z.enum(CALLBACK_STATUSES),
  attempts: z.number().describe('attempts since it was enqueued or last replayed'),
  nextAttemptAt: z.string().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
});

const deliverySchema = z.object({
  attempt: z.number(),
  startedAt: z.string(),
  durationMs: z.number(),
  status: z.enum(['ok', 'error']),
  responseCode: z.number().nullable(),
  error: z.string().nullable(),
});

const idParams = z.object({ id: z.coerce.number().int().positive() });

const actorOf = (request: FastifyRequest): WorkActor => ({
  id: request.principal.userId || request.principal.username,
  divisions: request.principal.divisions,
});

export const workCallbackRoutes: FastifyPluginAsyncZod<{ callbacks: CallbackDispatcher }> = async (
  app,
  { callbacks },
) => {
  app.setErrorHandler((error, _request, reply) => {
    const send = (statusCode: number, name: string) =>
      reply.code(statusCode).send({ statusCode, error: name, message: (error as Error).message });
    if (error instanceof WorkNotFoundError) return send(404, 'Not Found');
    if (error instanceof WorkConflictError) return send(409, 'Conflict');
    throw error;
  });

  app.get(
    '/api/v1/work/callbacks',
    {
      config: { access: 'work:admin' },
      schema: {
        summary: 'Calls back to source systems (newest first), by delivery status',
        tags: ['work'],
        querystring: z.object({
          status: z.enum(CALLBACK_STATUSES).optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: { 200: z.object({ callbacks: z.array(callbackSchema) }) },
      },
    },
    async (request) => ({
      callbacks: await listCallbacks(callbacks.db, actorOf(request), request.query),
    }),
  );

  app.get(
    '/api/v1/work/callbacks/:id',
    {
      config: { access: 'work:admin' },
      schema: {
        summary: 'A call back to a source system with its delivery log (every attempt)',
        tags: ['work'],
        params: idParams,
        response: {
          200: z.object({ callback: callbackSchema, deliveries: z.array(deliverySchema) }),
          404: errorSchema,
        },
      },
    },
    async (request) => getCallback(callbacks.db, request.params.id, actorOf(request)),
  );

  app.post(
    '/api/v1/work/callbacks/:id/replay',
    {
      config: { access: 'work:admin' },
      schema: {
        summary:
          'Send a dead or delivered callback again (same X-Caseflow-Event-Id, fresh attempts, due now)',
        tags: ['work'],
        params: idParams,
        response: { 200: callbackSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (request) => callbacks.replay(request.params.id, actorOf(request)),
  );
};
