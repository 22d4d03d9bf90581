import type { FastifyInstance, FastifyRequest } from 'fastify';
import { can, DEV_PRINCIPAL, type Permission, type Principal } from '../access/index.ts';

/**
 * Who may call a route: anyone ('public': health, login, the dashboard's static files), any signed-in
 * user ('signed-in': who am I, one's own tokens, the API documentation), or holders of a permission.
 */
export type AccessRule = 'public' | 'signed-in' | Permission;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: AccessRule;
  }
  interface FastifyRequest {
    /** Who the request acts as; ANONYMOUS on a public route called without credentials. */
    principal: Principal;
  }
}

/** No credentials: no permission, no division. */
export const ANONYMOUS: Principal = {
  kind: 'session',
  userId: '',
  username: '',
  displayName: '',
  roles: [],
  permissions: [],
  divisions: [],
};

export interface Authenticator {
  /** The principal of a session cookie or a Bearer API token; null without (valid) credentials. */
  authenticate(request: FastifyRequest): Promise<Principal | null>;
}

export interface RouteRule {
  method: string;
  url: string;
  access: AccessRule;
}

/**
 * Every route is protected by default: a route registered without `config.access` fails the start
 * (ready), so a new route cannot be served without a rule. Call before registering routes. Returns the
 * rules of the routes registered, filled once the app is ready (the permission-matrix tests are generated
 * from it).
 */
export function installAccess(
  app: FastifyInstance,
  options: { authenticator: Authenticator | null },
): RouteRule[] {
  const routes: { methods: string[]; url: string; options: { config?: { access?: AccessRule } } }[] = [];
  const rules: RouteRule[] = [];
  app.decorateRequest('principal', null as unknown as Principal);
  // Plugins may set a default rule in their own onRoute hook: read the rules once every route is known.
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    routes.push({ methods, url: route.url, options: route });
  });
  app.addHook('onReady', async () => {
    const missing = routes.filter((r) => !r.options.config?.access);
    if (missing.length > 0)
      throw new Error(
        `routes without an access rule (config.access): ${missing.map((r) => `${r.methods.join(',')} ${r.url}`).join('; ')}`,
      );
    for (const r of routes)
      for (const method of r.methods)
        rules.push({ method, url: r.url, access: r.options.config?.access ?? 'public' });
  });
  app.addHook('onRequest', async (request, reply) => {
    const rule = request.routeOptions.config?.access ?? 'public';
    const principal = options.authenticator
      ? await options.authenticator.authenticate(request)
      : DEV_PRINCIPAL;
    request.principal = principal ?? ANONYMOUS;
    if (rule === 'public') return;
    if (!principal)
      return reply.code(401).send({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'sign in (POST /api/v1/auth/login) or send an API token (Authorization: Bearer …)',
      });
    if (principal.kind === 'session' && !['GET', 'HEAD', 'OPTIONS'].includes(request.method)) {
      // The session cookie is SameSite=Strict; a cross-site Origin on a write is refused as well.
      const origin = request.headers.origin;
      if (origin && origin !== 'null' && new URL(origin).host !== request.headers.host)
        return reply
          .code(403)
          .send({ statusCode: 403, error: 'Forbidden', message: 'cross-site request refused' });
    }
    if (rule === 'signed-in' || can(principal, rule)) return;
    return reply
      .code(403)
      .send({ statusCode: 403, error: 'Forbidden', message: `this needs the permission ${rule}` });
  });
  return rules;
}
