import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

/** Where `vite build web` writes the dashboard. */
export const WEB_DIST = path.resolve(import.meta.dirname, '../../../web/dist');

export function dashboardBuilt(root = WEB_DIST): boolean {
  return existsSync(path.join(root, 'index.html'));
}

/**
 * Serves the built dashboard (a single-page app) at `/`: its files, and index.html for any other GET
 * outside /api, so that deep links (/map?…, /cases/SR-…) load the app.
 */
export const webRoutes: FastifyPluginAsync<{ root: string }> = async (app, { root }) => {
  const html = readFileSync(path.join(root, 'index.html'));
  // The single-page app's files hold no data: public (the app asks for a login when it needs one).
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, access: route.config?.access ?? 'public' };
  });
  // swagger-ui registers @fastify/static too: this instance must not decorate the reply again.
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    decorateReply: false,
    index: false,
    wildcard: false,
  });
  app.get('/', { config: { access: 'public' }, schema: { hide: true } }, (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(html),
  );
  app.setNotFoundHandler((request, reply) => {
    if (request.method !== 'GET' || request.url.startsWith('/api/')) {
      const where = `${request.method} ${request.url.split('?')[0]}`;
      return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no route ${where}` });
    }
    return reply.type('text/html; charset=utf-8').send(html);
  });
};
