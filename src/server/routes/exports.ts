import { createReadStream, existsSync } from 'node:fs';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { audit } from '../../access/audit.ts';
import { can, scopeOf } from '../../access/index.ts';
import {
  EXPORT_STATUSES,
  type ExportRecord,
  findExport,
  isExpired,
  listExports,
} from '../../reports/export-history.ts';
import type { ExportRunner } from '../../reports/export-runner.ts';
import { checkRange, EXPORT_KINDS, exportFileName, parseInstant } from '../../reports/exports.ts';
import { errorSchema } from '../schemas.ts';

const exportSchema = z.object({
  id: z.number(),
  kind: z.enum(EXPORT_KINDS),
  from: z.string().describe('start of the range, inclusive (UTC)'),
  to: z.string().describe('end of the range, exclusive (UTC)'),
  lang: z.enum(['en', 'fr']),
  status: z.enum(EXPORT_STATUSES),
  progress: z.number().min(0).max(1),
  rows: z.number().nullable(),
  bytes: z.number().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  expiresAt: z.string().nullable().describe('the file is deleted then (7 days after it was finished)'),
  error: z.string().nullable(),
  requestedBy: z
    .string()
    .nullable()
    .describe('id of the user who requested it (null: before access control)'),
  downloadUrl: z.string().nullable().describe('while the file can be downloaded'),
});

const instant = z
  .string()
  .refine((v) => parseInstant(v) !== null, { message: 'not an ISO-8601 date or date-time' })
  .describe('ISO-8601 date (midnight UTC) or date-time (UTC when it has no offset)');

const body = z
  .object({
    kind: z.enum(EXPORT_KINDS),
    from: instant.describe('start of the range, inclusive'),
    to: instant.describe('end of the range, exclusive; at most one year after from'),
    lang: z.enum(['en', 'fr']).default('en').describe('language of the column headers'),
  })
  .superRefine((value, ctx) => {
    // A bound that is not a date has its own issue already.
    if (parseInstant(value.from) === null || parseInstant(value.to) === null) return;
    const range = checkRange(value.from, value.to);
    if ('field' in range) ctx.addIssue({ code: 'custom', path: [range.field], message: range.message });
  });

const idParams = z.object({ id: z.string().describe('export id') });

const notFound = (id: string) => ({ statusCode: 404, error: 'Not Found', message: `no export ${id}` });

/**
 * Background data exports (README "Data exports"): request, history, download. An export is written with
 * its requester's scope (divisions, masking); a user sees only their own exports, unless they hold
 * admin:export:view. Requests and downloads are audited.
 */
export const exportsRoutes: FastifyPluginAsyncZod<{ runner: ExportRunner }> = async (app, { runner }) => {
  const db = () => runner.db;
  /** Whose exports the caller sees: undefined for every user's. */
  const owner = (request: FastifyRequest): string | undefined =>
    can(request.principal, 'admin:export:view') ? undefined : request.principal.userId;

  const expired = (record: ExportRecord): boolean => isExpired(record, runner.clock());

  const view = (record: ExportRecord): z.infer<typeof exportSchema> => ({
    id: record.id,
    kind: record.kind,
    from: record.from,
    to: record.to,
    lang: record.lang,
    status: expired(record) ? 'expired' : record.status,
    progress: record.progress,
    rows: record.rows,
    bytes: record.bytes,
    createdAt: record.createdAt,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
    expiresAt: record.expiresAt,
    error: record.error,
    requestedBy: record.requestedBy,
    downloadUrl:
      record.status === 'succeeded' && !expired(record) ? `/api/v1/exports/${record.id}/download` : null,
  });

  /** The export, if the caller may see it (another user's export does not exist for them). */
  const find = async (request: FastifyRequest, id: string): Promise<ExportRecord | undefined> => {
    const record = /^\d{1,15}$/.test(id) ? await findExport(db(), Number(id)) : undefined;
    const mine = owner(request);
    return record && (mine === undefined || record.requestedBy === mine) ? record : undefined;
  };

  app.post(
    '/api/v1/exports',
    {
      config: { access: 'analytics:export:add' },
      schema: {
        summary: 'Request a data export (CSV, produced in the background; poll GET /api/v1/exports/:id)',
        tags: ['exports'],
        body,
        response: { 202: z.object({ id: z.number(), status: z.enum(EXPORT_STATUSES) }), 400: errorSchema },
      },
    },
    async (request, reply) => {
      const range = checkRange(request.body.from, request.body.to);
      if ('field' in range) throw new RangeError(`body: ${range.field}: ${range.message}`);
      const { kind, lang } = request.body;
      const { principal } = request;
      const record = await runner.submit({
        kind,
        lang,
        ...range,
        requestedBy: principal.userId,
        scope: scopeOf(principal),
      });
      await audit(db(), {
        actor: principal.username,
        action: 'export.add',
        target: String(record.id),
        details: { kind, from: record.from, to: record.to },
        ip: request.ip,
      });
      return reply
        .code(202)
        .header('location', `/api/v1/exports/${record.id}`)
        .send({ id: record.id, status: record.status });
    },
  );

  app.get(
    '/api/v1/exports',
    {
      config: { access: 'analytics:export:view' },
      schema: {
        summary: 'Export history, newest first: the caller’s exports (every user’s with admin:export:view)',
        tags: ['exports'],
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
        response: { 200: z.object({ items: z.array(exportSchema) }), 400: errorSchema },
      },
    },
    async (request) => ({
      items: (await listExports(db(), request.query.limit, owner(request))).map(view),
    }),
  );

  app.get(
    '/api/v1/exports/:id',
    {
      config: { access: 'analytics:export:view' },
      schema: {
        summary: 'One export: status, progress, download link',
        tags: ['exports'],
        params: idParams,
        response: { 200: exportSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const record = await find(request, request.params.id);
      if (!record) return reply.code(404).send(notFound(request.params.id));
      return view(record);
    },
  );

  app.get(
    '/api/v1/exports/:id/download',
    {
      config: { access: 'analytics:export:view' },
      schema: {
        summary:
          'The CSV file of a succeeded export (attachment caseflow-<kind>-<from>-<to>.csv); 410 once expired',
        tags: ['exports'],
        params: idParams,
        response: { 404: errorSchema, 409: errorSchema, 410: errorSchema },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const record = await find(request, id);
      if (!record) return reply.code(404).send(notFound(id));
      const file = runner.file(record.id);
      if (expired(record) || (record.status === 'succeeded' && !existsSync(file))) {
        return reply.code(410).send({
          statusCode: 410,
          error: 'Gone',
          message: `export ${id} expired${record.expiresAt ? ` at ${record.expiresAt}` : ''}: request it again`,
        });
      }
      if (record.status !== 'succeeded') {
        return reply.code(409).send({
          statusCode: 409,
          error: 'Conflict',
          message:
            record.status === 'failed'
              ? `export ${id} failed: ${record.error ?? 'unknown error'}`
              : `export ${id} is ${record.status}; download it once it has succeeded`,
        });
      }
      const name = exportFileName(record.kind, record.from, record.to);
      await audit(db(), {
        actor: request.principal.username,
        action: 'export.download',
        target: String(record.id),
        ip: request.ip,
      });
      reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('cache-control', 'no-store');
      if (record.bytes !== null) reply.header('content-length', record.bytes);
      // A stream is sent as it is (no response schema applies to it).
      return reply.send(createReadStream(file) as never);
    },
  );
};
