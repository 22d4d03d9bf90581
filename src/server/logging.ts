import type { FastifyRequest } from 'fastify';

/**
 * Request URLs in the log without customer identifiers: the identifier in /api/v1/customers/<id>… and the
 * values of the customer searches (q, conversationId) are replaced by "…". Identifiers are personal data
 * that erasure could not reach in log files.
 */
export function redactUrl(url: string): string {
  return url
    .replace(/(\/api\/v1\/customers\/)[^/?#]+/, '$1…')
    .replace(/([?&](?:q|conversationId)=)[^&#]*/g, '$1…');
}

export const LOG_SERIALIZERS = {
  req: (request: FastifyRequest) => ({
    method: request.method,
    url: redactUrl(request.url),
    remoteAddress: request.ip,
  }),
};
