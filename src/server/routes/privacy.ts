import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CaseflowConfig } from '../../config/index.ts';
import { eraseCustomer, PrivacyError } from '../../privacy/index.ts';
import type { OperationalStore, Store } from '../../store/index.ts';
import { errorSchema } from '../schemas.ts';

const erasureSchema = z.object({
  target: z
    .string()
    .describe(
      'how the audit log names the customer: its pseudonyms, or hmac: and a keyed hash under a secret of the installation; never the identifier',
    ),
  conversations: z.number().describe('conversations of the customer found (Genesys and imported)'),
  analytics: z
    .record(z.string(), z.number())
    .describe('rows deleted per analytics table (events, cases: rows the regroup no longer builds)'),
  operational: z.object({
    journey_events: z.number(),
    journey_events_rejected: z.number().describe('rejected journey events whose payload names the customer'),
    workflow_runs: z.number(),
    workflow_deliveries: z.number(),
    outbox: z.number(),
    workflow_conversation_versions: z.number(),
    work_items: z.number().describe('work items whose customer is this one'),
    work_item_events: z.number().describe('their lifecycle events'),
    work_callback_deliveries: z.number().describe('delivery log rows of their callbacks (messages: outbox)'),
  }),
  exports: z.object({
    files: z.number().describe('export files deleted (their exports are marked expired)'),
    ids: z.array(z.number()),
  }),
  quarantine: z.object({
    records: z
      .number()
      .describe('rejected input records naming the customer, removed from the quarantine files'),
    files: z.number(),
  }),
  total: z.number().describe('rows and files deleted in all; 0 when nothing of the customer was stored'),
});

/** Privacy (GDPR): erasure of one customer's data everywhere (src/privacy). */
export const privacyRoutes: FastifyPluginAsyncZod<{
  store: Store;
  config: CaseflowConfig;
  operational: OperationalStore;
  env?: NodeJS.ProcessEnv;
}> = async (app, { store, config, operational, env }) => {
  app.delete(
    '/api/v1/customers/:id',
    {
      config: { access: 'admin:privacy:erase' },
      schema: {
        summary: "Erase a customer's data everywhere",
        description:
          'Deletes the conversations, messages, surveys, journey events and workflow runs of the customer, regroups cases and events without them, deletes the export files holding them, and writes an audit entry (privacy.erase) that names the customer by a pseudonym or keyed hash. Idempotent: erasing again reports zeros; an erasure that failed midway is completed by erasing again. Cannot be undone; data still held by a source comes back with its next import or sync.',
        params: z.object({
          id: z
            .string()
            .trim()
            .min(1)
            .describe(
              'URL-encoded: any identifier key of the customer (contact:…, phone:…, email:…, messaging:…), a phone number, e-mail or messaging address, an external contact id, or a pseudonym',
            ),
        }),
        response: { 200: erasureSchema, 503: errorSchema },
      },
    },
    async (request, reply) => {
      try {
        return await eraseCustomer({
          store,
          operational: operational.db,
          config,
          env,
          identifiers: [request.params.id],
          actor: request.principal.username,
          ip: request.ip,
        });
      } catch (error) {
        if (!(error instanceof PrivacyError)) throw error;
        // The server's key does not match the stored data: a configuration matter, not the request's.
        return reply
          .code(503)
          .send({ statusCode: 503, error: 'Service Unavailable', message: error.message });
      }
    },
  );
};
